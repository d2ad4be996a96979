-- id: ct_logs_deleted
-- title: CloudWatch Logs log group or log stream deleted
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008, T1070
-- description: A successful CloudWatch Logs DeleteLogGroup or DeleteLogStream. Deleting a log group destroys every event it holds at once - CloudTrail's CloudWatch copy, VPC flow logs, Lambda or application logs, Route 53 resolver query logs - and is a quick way to remove evidence. Deletions by one caller are reported one row per call, with the log group (and stream) name.
-- false_positives: Stack teardown (CloudFormation, CDK, Terraform delete Lambda and service log groups routinely) and log housekeeping jobs; allowlist those principals, or review only groups that held security logs.
-- references: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html, https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogStream.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.dns-delete-logs/, https://attack.mitre.org/techniques/T1562/008/, https://attack.mitre.org/techniques/T1070/
-- tags: cloudwatch-logs, logging, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'DeleteLogGroup' THEN 'log group deleted: ' ELSE 'log stream deleted: ' END
    || coalesce(json_extract(request_parameters, '$.logGroupName'), '?')
    || coalesce(' / ' || json_extract(request_parameters, '$.logStreamName'), '') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DeleteLogGroup', 'DeleteLogStream')
  AND +event_source = 'logs.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
