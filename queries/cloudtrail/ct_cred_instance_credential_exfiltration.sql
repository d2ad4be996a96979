-- id: ct_cred_instance_credential_exfiltration
-- title: EC2 instance-role credentials used from an unexpected address
-- severity: high
-- tactics: TA0006, TA0001
-- techniques: T1552.005, T1078.004
-- description: Calls made with an EC2 instance profile session (an AssumedRole whose session name, and principal id suffix, is the instance id: ...:assumed-role/ROLE/i-0abc...) from a public IP address that the same instance session did not use during its first :baseline_minutes in the index. Credentials taken from the instance metadata service keep working anywhere until they expire, so use from a new address is the signature of theft (GuardDuty's InstanceCredentialExfiltration is the model). This is an approximation of "outside the EC2 network": CloudTrail does not say which addresses belong to the instance, so the baseline is the set of literal IP addresses the session used first; "AWS Internal", AWS service host names, and private (RFC 1918) addresses seen through VPC endpoints are never flagged. One row per instance session and new address.
-- false_positives: Instances whose public address changes (stop/start without an Elastic IP, NAT gateway replacement), traffic that moves from VPC endpoints to a NAT gateway after the baseline, or instances first seen near the end of the index.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-instancecredentialexfiltrationoutsideaws, https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ec2-steal-instance-credentials/, https://hackingthe.cloud/aws/exploitation/ec2-metadata-ssrf/
-- tags: ec2, credentials, imds
-- allowlist: principal, ip
-- param: baseline_minutes = 60 | addresses an instance session uses in its first minutes form its baseline
-- Instance sessions are a large share of all calls: the rule works on ev's dictionary ids (one set of
-- ids per string test, built once from strs) and takes the strings only for the calls it reports.
WITH allow_who AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT value FROM allowlist WHERE kind = 'principal')
),
inst_arn AS MATERIALIZED (SELECT id FROM strs WHERE s GLOB 'arn:aws*:sts::*:assumed-role/*/i-[0-9a-f]*'),
inst_pid AS MATERIALIZED (SELECT id FROM strs WHERE s GLOB '*:i-[0-9a-f]*'),
-- literal public-looking addresses (not service names)
addr AS MATERIALIZED (
  SELECT id FROM strs
  WHERE (s GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' OR s GLOB '*:*:*') AND s NOT GLOB '*amazonaws.com'
),
-- addresses never flagged: private ranges, allowlisted
quiet AS MATERIALIZED (
  SELECT id FROM strs
  WHERE s GLOB '10.*' OR s GLOB '192.168.*' OR s GLOB '172.1[6-9].*' OR s GLOB '172.2[0-9].*'
     OR s GLOB '172.3[01].*' OR s GLOB 'f[cd]*:*' OR s IN (SELECT ip FROM allow_ip)
),
-- the calls of instance sessions from literal addresses, reduced at once to one row per (session,
-- address) with its first call: a third of all events are such calls, and the rule needs only when
-- each session first used each address
pairs AS MATERIALIZED (
  SELECT e.iarn, e.ip, min(e.ts) AS first_ts
  FROM ev e
  -- reading the table in order beats the ev_iarn index
  WHERE +e.iarn IN (SELECT id FROM inst_arn)
    AND +e.ipid IN (SELECT id FROM inst_pid)
    AND +e.ip IN (SELECT id FROM addr)
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
  GROUP BY e.iarn, e.ip
),
sessions AS (
  SELECT iarn, min(first_ts) AS start FROM pairs GROUP BY iarn
),
-- an address is in a session's baseline when the session first used it within its first minutes
baseline AS MATERIALIZED (
  SELECT p.iarn, p.ip
  FROM pairs p JOIN sessions s ON s.iarn = p.iarn
  WHERE p.first_ts <= s.start + :baseline_minutes * 60000
),
new_pairs AS MATERIALIZED (
  SELECT p.iarn, p.ip
  FROM pairs p JOIN sessions s ON s.iarn = p.iarn
  WHERE p.first_ts > s.start + :baseline_minutes * 60000
    AND p.ip NOT IN (SELECT id FROM quiet)
),
-- the calls of the new pairs, through the ev_iarn index
new_use AS MATERIALIZED (
  SELECT e.id, e.iarn, e.ip
  FROM new_pairs n JOIN ev e ON e.iarn = n.iarn AND e.ip = n.ip
  WHERE e.ipid IN (SELECT id FROM inst_pid)
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
),
hits AS MATERIALIZED (
  SELECT n.iarn AS arn_id, n.ip AS ip_id, v.id, v.event_ts, v.event_time, v.event_id, v.event_name,
         v.error_code, v.recipient_account_id, v.aws_region, v.identity_arn, v.access_key_id, v.source_ip_address,
         v.session_issuer_user_name
  FROM new_use n JOIN events v ON v.id = n.id
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  group_concat(DISTINCT aws_region) AS region,
  identity_arn AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  source_ip_address AS source_ip,
  'credentials of instance ' || substr(identity_arn, length(rtrim(identity_arn, 'abcdefghijklmnopqrstuvwxyz0123456789-')) + 1)
    || ' (role ' || coalesce(session_issuer_user_name, '?') || ') used from ' || source_ip_address
    || ', not one of the instance''s addresses ('
    || (SELECT group_concat(source_ip_address, ', ') FROM (SELECT a.s AS source_ip_address FROM baseline b
                                                       JOIN strs a ON a.id = b.ip WHERE b.iarn = hits.arn_id ORDER BY 1))
    || '): ' || count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs' AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.arn_id = hits.arn_id AND h2.ip_id = hits.ip_id
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY identity_arn, source_ip_address
ORDER BY first_time, identity, summary;
