-- id: ct_logs_retention_shortened
-- title: CloudWatch Logs retention shortened below the minimum
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008, T1070
-- description: A successful CloudWatch Logs PutRetentionPolicy that sets retentionInDays below :min_retention_days and shortens the log group's retention. CloudWatch Logs expires events older than the retention period, so setting a log group to 1 day makes existing evidence disappear within a day without any delete call. The previous setting is taken from the index - the last earlier PutRetentionPolicy on the same log group, or a DeleteRetentionPolicy or CreateLogGroup, which mean "never expire" - and calls that repeat or lengthen it are not reported; with no earlier record the call is reported on the threshold alone.
-- false_positives: Short retention on debug or application log groups, usually set by infrastructure-as-code when the group is created; adjust :min_retention_days to the organization's policy and allowlist the provisioning principals.
-- references: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention, https://attack.mitre.org/techniques/T1562/008/
-- tags: cloudwatch-logs, logging, defense-evasion
-- allowlist: principal, ip
-- param: min_retention_days = 30 | retention periods shorter than this many days are reported
WITH raw AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, recipient_account_id, aws_region,
         coalesce(identity_arn, user_name, invoked_by) AS identity, nullif(access_key_id, '') AS access_key,
         source_ip_address, request_parameters AS rp,
         (NOT EXISTS (SELECT 1 FROM allowlist a
                      WHERE a.kind = 'principal'
                        AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
          AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)) AS reportable
  FROM events
  WHERE event_name IN ('PutRetentionPolicy', 'DeleteRetentionPolicy', 'CreateLogGroup')
    AND +event_source = 'logs.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
),
-- every recorded retention setting of a log group; NULL days means never expire
settings AS (
  SELECT raw.*, json_extract(rp, '$.logGroupName') AS log_group,
         CASE event_name WHEN 'PutRetentionPolicy' THEN json_extract(rp, '$.retentionInDays') END AS days
  FROM raw
),
changes AS (
  SELECT *,
    lag(event_name) OVER w AS prev_event,
    lag(days) OVER w AS prev_days
  FROM settings
  WINDOW w AS (PARTITION BY recipient_account_id, aws_region, log_group ORDER BY event_ts, id)
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  identity,
  access_key,
  source_ip_address AS source_ip,
  'retention of log group ' || coalesce(log_group, '?')
    || CASE WHEN prev_event IS NULL THEN ' set to '
            WHEN prev_days IS NULL THEN ' shortened from never expire to '
            ELSE ' shortened from ' || prev_days || ' days to ' END
    || days || CASE days WHEN 1 THEN ' day' ELSE ' days' END AS summary,
  json_array(event_id) AS evidence
FROM changes
WHERE event_name = 'PutRetentionPolicy'
  AND reportable
  AND days < CAST(:min_retention_days AS INTEGER)
  AND (prev_event IS NULL OR prev_days IS NULL OR prev_days > days)
ORDER BY first_time, summary, evidence;
