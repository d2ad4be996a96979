-- id: ct_trail_weakened
-- title: CloudTrail trail reconfigured to record or protect less
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful UpdateTrail that narrows what a trail records or where its logs go: global service events (IAM, STS, sign-in) turned off, the trail made single-region, log file integrity validation turned off, the destination S3 bucket changed, the KMS key changed or encryption removed, or CloudWatch Logs delivery removed. UpdateTrail only carries the settings it changes, so every listed change was requested in this call.
-- false_positives: Deliberate trail maintenance such as moving logs to a new archive bucket or rotating the KMS key, usually by an infrastructure-as-code role; allowlist those principals.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events, https://attack.mitre.org/techniques/T1562/008/
-- tags: logging, cloudtrail, defense-evasion
-- allowlist: principal, ip
WITH u AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name, invoked_by,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'UpdateTrail'
    AND +event_source = 'cloudtrail.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
c AS (
  SELECT *,
    json_extract(rp, '$.name') AS trail,
    json_extract(rp, '$.includeGlobalServiceEvents') AS global_events,
    json_extract(rp, '$.isMultiRegionTrail') AS multi_region,
    json_extract(rp, '$.enableLogFileValidation') AS validation,
    json_extract(rp, '$.s3BucketName') AS bucket,
    json_extract(rp, '$.kmsKeyId') AS kms_key,
    json_extract(rp, '$.cloudWatchLogsLogGroupArn') AS log_group
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
  'trail ' || coalesce(trail, '?') || ': ' || substr(
      CASE WHEN global_events = 0 THEN ', global service events off' ELSE '' END
   || CASE WHEN multi_region = 0 THEN ', made single-region' ELSE '' END
   || CASE WHEN validation = 0 THEN ', log file validation off' ELSE '' END
   || CASE WHEN bucket IS NOT NULL THEN ', S3 bucket set to ' || bucket ELSE '' END
   || CASE WHEN kms_key = '' THEN ', KMS encryption removed'
           WHEN kms_key IS NOT NULL THEN ', KMS key set to ' || kms_key ELSE '' END
   || CASE WHEN log_group = '' THEN ', CloudWatch Logs delivery removed' ELSE '' END, 3) AS summary,
  json_array(event_id) AS evidence
FROM c
WHERE global_events = 0
   OR multi_region = 0
   OR validation = 0
   OR bucket IS NOT NULL
   OR kms_key IS NOT NULL
   OR log_group = ''
ORDER BY first_time, summary, evidence;
