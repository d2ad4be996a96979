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
-- The rule works on ev's dictionary ids (the AKIA keys and the literal addresses are sets of ids, built
-- once from strs): long-term keys make a large share of the calls, and a string per column per call
-- costs more than all the rest.  The strings are taken only for the calls it reports.
WITH allow_who AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT value FROM allowlist WHERE kind = 'principal')
),
akia AS MATERIALIZED (SELECT id FROM strs WHERE s GLOB 'AKIA*'),
-- literal addresses (not "AWS Internal" or service host names)
addr AS MATERIALIZED (
  SELECT id FROM strs
  WHERE (s GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' OR s GLOB '*:*:*') AND s NOT GLOB '*amazonaws.com'
),
-- the calls of long-term keys from literal addresses, reduced at once to one row per (key, address)
-- with its first call: the rule needs only when each key first used each address
pairs AS MATERIALIZED (
  SELECT e.akey, e.ip, min(e.ts) AS first_ts
  FROM ev e
  WHERE e.akey IN (SELECT id FROM akia)
    AND +e.ip IN (SELECT id FROM addr)
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
  GROUP BY e.akey, e.ip
),
keys AS MATERIALIZED (
  SELECT akey, min(first_ts) AS first_ts FROM pairs GROUP BY akey
),
-- an address is known when the key used it within its first days
known AS MATERIALIZED (
  SELECT p.akey, p.ip
  FROM pairs p JOIN keys ON keys.akey = p.akey
  WHERE p.first_ts < keys.first_ts + :baseline_days * 86400000
),
new_pairs AS MATERIALIZED (
  SELECT p.akey, p.ip, keys.first_ts
  FROM pairs p JOIN keys ON keys.akey = p.akey
  WHERE p.first_ts >= keys.first_ts + :baseline_days * 86400000
    AND p.ip NOT IN (SELECT id FROM strs WHERE s IN (SELECT ip FROM allow_ip))
),
-- the calls of the new pairs, through the ev_akey index
new_use AS MATERIALIZED (
  SELECT e.id, n.first_ts
  FROM new_pairs n JOIN ev e ON e.akey = n.akey AND e.ip = n.ip
  WHERE NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
),
hits AS MATERIALIZED (
  SELECT v.id, v.event_ts, v.event_time, v.event_id, v.event_name, v.error_code, v.recipient_account_id,
         v.aws_region, v.identity_arn, v.user_name, v.access_key_id, v.source_ip_address, n.first_ts
  FROM new_use n JOIN events v ON v.id = n.id
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
    || (SELECT group_concat(source_ip_address, ', ') FROM (SELECT a.s AS source_ip_address FROM known kn
                                                       JOIN strs a ON a.id = kn.ip JOIN strs ak ON ak.id = kn.akey
                                                       WHERE ak.s = hits.access_key_id ORDER BY 1))
    || '): ' || count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs, ' || count(error_code) || ' failed' AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.access_key_id = hits.access_key_id
         AND h2.source_ip_address = hits.source_ip_address ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY access_key_id, source_ip_address
ORDER BY first_time, identity, summary;
