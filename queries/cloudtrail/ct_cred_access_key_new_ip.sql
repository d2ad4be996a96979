-- id: ct_cred_access_key_new_ip
-- title: Long-term access key used from a new IP address
-- severity: medium
-- tactics: TA0001, TA0006
-- techniques: T1078.004, T1552.001
-- description: A long-term IAM user access key (AKIA...) made calls from a public or private IP address it had not used during its first :baseline_days days of activity in the index. Long-term keys are usually used from a small, stable set of places (a CI runner, a server, a developer's office); a new address after the baseline period is how leaked keys show up. Non-address sources ("AWS Internal", service host names) are ignored. One row per key and new address; evidence holds the first 100 calls from it.
-- false_positives: Developers travelling or working from home, CI runners with changing egress addresses, NAT gateway changes. Keys that are younger than the baseline at the start of the index have a short history; widen :baseline_days for sparse indexes.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#securing_access-keys, https://www.invictus-ir.com/news/aws-cloudtrail-cheat-sheet
-- tags: credentials, access-keys, anomaly
-- allowlist: principal, ip
-- param: baseline_days = 7 | days after a key's first activity whose addresses count as known
WITH k AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, error_code, recipient_account_id, aws_region,
         identity_arn, user_name, access_key_id, source_ip_address
  FROM events
  WHERE id IN (SELECT e.id FROM ev e WHERE e.akey IN (SELECT id FROM strs WHERE s GLOB 'AKIA*'))
    AND access_key_id GLOB 'AKIA*'
    AND (source_ip_address GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' OR source_ip_address GLOB '*:*:*')
    AND source_ip_address NOT GLOB '*amazonaws.com'
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
keys AS (
  SELECT access_key_id, min(event_ts) AS first_ts FROM k GROUP BY access_key_id
),
known AS (
  SELECT DISTINCT k.access_key_id, k.source_ip_address
  FROM k JOIN keys ON keys.access_key_id = k.access_key_id
  WHERE k.event_ts < keys.first_ts + :baseline_days * 86400000
),
hits AS MATERIALIZED (
  SELECT k.*, keys.first_ts
  FROM k JOIN keys ON keys.access_key_id = k.access_key_id
  WHERE k.event_ts >= keys.first_ts + :baseline_days * 86400000
    AND NOT EXISTS (SELECT 1 FROM known WHERE known.access_key_id = k.access_key_id
                    AND known.source_ip_address = k.source_ip_address)
    AND k.source_ip_address NOT IN (SELECT ip FROM allow_ip)
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  group_concat(DISTINCT aws_region) AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'access key first used from ' || source_ip_address || ' '
    || CAST((min(event_ts) - first_ts) / 86400000 AS INTEGER) || ' days after its first activity (known: '
    || (SELECT group_concat(source_ip_address, ', ') FROM (SELECT kn.source_ip_address FROM known kn
                                                       WHERE kn.access_key_id = hits.access_key_id ORDER BY 1))
    || '): ' || count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs, ' || count(error_code) || ' failed' AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.access_key_id = hits.access_key_id
         AND h2.source_ip_address = hits.source_ip_address ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY access_key_id, source_ip_address
ORDER BY first_time, identity, summary;
