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
WITH inst AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, error_code, recipient_account_id, aws_region,
         identity_arn, access_key_id, source_ip_address, session_issuer_user_name
  FROM events
  WHERE identity_arn GLOB 'arn:aws*:sts::*:assumed-role/*/i-[0-9a-f]*'
    AND identity_principal_id GLOB '*:i-[0-9a-f]*'
    AND (source_ip_address GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' OR source_ip_address GLOB '*:*:*')
    AND source_ip_address NOT GLOB '*amazonaws.com'
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
sessions AS (
  SELECT identity_arn, min(event_ts) AS start FROM inst GROUP BY identity_arn
),
baseline AS (
  SELECT DISTINCT i.identity_arn, i.source_ip_address
  FROM inst i JOIN sessions s ON s.identity_arn = i.identity_arn
  WHERE i.event_ts <= s.start + :baseline_minutes * 60000
),
hits AS MATERIALIZED (
  SELECT i.*
  FROM inst i
  WHERE NOT EXISTS (SELECT 1 FROM baseline b WHERE b.identity_arn = i.identity_arn
                    AND b.source_ip_address = i.source_ip_address)
    AND i.source_ip_address NOT GLOB '10.*'
    AND i.source_ip_address NOT GLOB '192.168.*'
    AND i.source_ip_address NOT GLOB '172.1[6-9].*'
    AND i.source_ip_address NOT GLOB '172.2[0-9].*'
    AND i.source_ip_address NOT GLOB '172.3[01].*'
    AND i.source_ip_address NOT GLOB 'f[cd]*:*'
    AND i.source_ip_address NOT IN (SELECT ip FROM allow_ip)
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
    || (SELECT group_concat(source_ip_address, ', ') FROM (SELECT b.source_ip_address FROM baseline b
                                                       WHERE b.identity_arn = hits.identity_arn ORDER BY 1))
    || '): ' || count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs' AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.identity_arn = hits.identity_arn
         AND h2.source_ip_address = hits.source_ip_address ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY identity_arn, source_ip_address
ORDER BY first_time, identity, summary;
