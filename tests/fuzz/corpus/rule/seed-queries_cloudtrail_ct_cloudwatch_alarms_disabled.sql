-- id: ct_cloudwatch_alarms_disabled
-- title: CloudWatch alarms deleted or their actions disabled
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful CloudWatch DeleteAlarms or DisableAlarmActions. Alarms are how metric filters on CloudTrail logs (root usage, IAM policy changes, console sign-in failures - the CIS monitoring controls) and billing or resource thresholds reach people; deleting them, or keeping them but muting their actions, lets later activity go unnoticed. The alarm names come from requestParameters.alarmNames. Calls an AWS service makes for itself (invokedBy set, such as Application Auto Scaling removing its target-tracking alarms) are skipped.
-- false_positives: Removing alarms with the resources they watch (stack deletion, autoscaling target tracking alarms managed by Application Auto Scaling) and muting alarms during maintenance windows; allowlist those principals.
-- references: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: cloudwatch, monitoring, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'DeleteAlarms' THEN 'alarms deleted: ' ELSE 'alarm actions disabled: ' END
    || coalesce((SELECT group_concat(value, ', ') FROM json_each(request_parameters, '$.alarmNames')), '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DeleteAlarms', 'DisableAlarmActions')
  AND event_source = 'monitoring.amazonaws.com'
  AND error_code IS NULL
  AND (invoked_by IS NULL OR invoked_by = 'signin.amazonaws.com')
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
