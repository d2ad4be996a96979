-- id: ct_cred_listed_source_ip
-- title: API calls from a listed source IP
-- severity: high
-- tactics: TA0001, TA0011
-- techniques: T1078.004, T1090.003
-- description: API calls whose sourceIPAddress is in listed_ip, the table ctscan fills before rules run from the IP lists the user supplies (Tor exit nodes, VPN and proxy ranges, threat-intelligence feeds). Using cloud credentials from anonymising infrastructure is a strong sign they are in the wrong hands. One row per principal and source IP, naming the lists that contain the address, with the first 100 calls as evidence.
-- false_positives: Employees on commercial VPNs that appear in proxy lists; stale entries in threat feeds.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-torrelay, https://attack.mitre.org/techniques/T1090/003/
-- tags: credentials, initial-access, threat-intel
-- allowlist: principal, ip
WITH hits AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, error_code, recipient_account_id, aws_region,
         coalesce(identity_arn, user_name, identity_principal_id, '?') AS who, access_key_id, source_ip_address
  FROM events
  WHERE id IN (SELECT e.id FROM ev e WHERE e.ip IN (SELECT id FROM strs WHERE s IN (SELECT ip FROM listed_ip)))
    AND source_ip_address IN (SELECT ip FROM listed_ip)
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND source_ip_address NOT IN (SELECT ip FROM allow_ip)
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  source_ip_address AS source_ip,
  count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs (' || count(error_code) || ' failed) from '
    || source_ip_address || ', listed in '
    || (SELECT group_concat(list, ', ') FROM (SELECT DISTINCT list FROM listed_ip l WHERE l.ip = hits.source_ip_address ORDER BY list))
    AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who AND h2.source_ip_address = hits.source_ip_address
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY who, source_ip_address
ORDER BY first_time, identity, summary;
