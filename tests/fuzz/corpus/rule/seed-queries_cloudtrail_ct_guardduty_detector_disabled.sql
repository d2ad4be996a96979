-- id: ct_guardduty_detector_disabled
-- title: GuardDuty detector suspended or protection plans turned off
-- severity: high
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful GuardDuty UpdateDetector that suspends the detector (enable false) or turns off protection plans, either through the features list (a feature or additional configuration with status DISABLED) or through the older dataSources block (s3Logs, kubernetes audit logs, malware protection set to enable false). A suspended detector stops analysing CloudTrail, VPC Flow Logs and DNS logs while keeping its configuration, which makes it a quieter alternative to deleting it.
-- false_positives: Cost reduction by turning off optional protection plans (for example EKS runtime or S3 protection in accounts without those workloads); allowlist the principals that own the security tooling.
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: guardduty, security-tooling, defense-evasion
-- allowlist: principal, ip
WITH u AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name, invoked_by,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'UpdateDetector'
    AND event_source = 'guardduty.amazonaws.com'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
c AS (
  SELECT *,
    json_extract(rp, '$.enable') AS enable,
    -- features and their additionalConfiguration entries switched off
    (SELECT group_concat(name, ', ') FROM (
       SELECT json_extract(f.value, '$.name') AS name
       FROM json_each(rp, '$.features') f
       WHERE json_extract(f.value, '$.status') = 'DISABLED'
       UNION ALL
       SELECT json_extract(a.value, '$.name')
       FROM json_each(rp, '$.features') f, json_each(f.value, '$.additionalConfiguration') a
       WHERE json_extract(a.value, '$.status') = 'DISABLED'
       UNION ALL
       -- dataSources: every leaf 'enable' that is false, named by its path
       SELECT substr(t.path, length('$.dataSources.') + 1)
       FROM json_tree(rp, '$.dataSources') t
       WHERE t.key = 'enable' AND t.type = 'false'
       ORDER BY 1)) AS off
  FROM u
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'GuardDuty detector ' || coalesce(json_extract(rp, '$.detectorId'), '?') || ' in ' || aws_region || ': '
    || CASE WHEN enable = 0 THEN 'suspended (enable false)' ELSE '' END
    || CASE WHEN enable = 0 AND off IS NOT NULL THEN '; ' ELSE '' END
    || CASE WHEN off IS NOT NULL THEN 'protection turned off: ' || off ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM c
WHERE enable = 0 OR off IS NOT NULL
ORDER BY first_time, summary, evidence;
