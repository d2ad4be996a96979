-- id: ct_s3_logging_disabled
-- title: S3 server access logging turned off
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful PutBucketLogging call whose BucketLoggingStatus carries no LoggingEnabled element turns server access logging off for the bucket, removing the per-request record of who read, wrote or deleted its objects. Attackers do this before collecting or destroying data.
-- false_positives: Decommissioning a bucket, moving access logging to CloudTrail data events, or infrastructure-as-code that rewrites the logging configuration.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html, https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
-- tags: s3, logging, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'PutBucketLogging'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'server access logging turned off for bucket ' || coalesce(json_extract(rp, '$.bucketName'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_type(rp, '$.BucketLoggingStatus') IS NOT NULL
  AND json_type(rp, '$.BucketLoggingStatus.LoggingEnabled') IS NULL
GROUP BY id
ORDER BY first_time, identity, summary;
