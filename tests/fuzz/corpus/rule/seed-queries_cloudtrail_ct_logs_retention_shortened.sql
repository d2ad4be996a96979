-- id: ct_logs_retention_shortened
-- title: CloudWatch Logs retention shortened below the minimum
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008, T1070
-- description: A successful CloudWatch Logs PutRetentionPolicy that sets retentionInDays below :min_retention_days. CloudWatch Logs expires events older than the retention period, so setting a log group to 1 day makes existing evidence disappear within a day without any delete call.
-- false_positives: Cost reduction on debug or application log groups, typically set by infrastructure-as-code when the group is created; raise or lower :min_retention_days to the organization's policy, and allowlist the provisioning principals.
-- references: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention, https://attack.mitre.org/techniques/T1562/008/
-- tags: cloudwatch-logs, logging, defense-evasion
-- allowlist: principal, ip
-- param: min_retention_days = 90 | retention periods shorter than this many days are reported
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'retention of log group ' || coalesce(json_extract(request_parameters, '$.logGroupName'), '?')
    || ' set to ' || json_extract(request_parameters, '$.retentionInDays')
    || CASE json_extract(request_parameters, '$.retentionInDays') WHEN 1 THEN ' day' ELSE ' days' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'PutRetentionPolicy'
  AND event_source = 'logs.amazonaws.com'
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.retentionInDays') < CAST(:min_retention_days AS INTEGER)
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
