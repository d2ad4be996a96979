-- id: ct_s3_encryption_deleted
-- title: S3 bucket default encryption deleted
-- severity: low
-- tactics: TA0005, TA0040
-- techniques: T1562, T1486
-- description: A successful DeleteBucketEncryption removes the bucket's default encryption configuration (for example SSE-KMS with a customer key), so new objects fall back to SSE-S3 and no longer need the KMS key to be read. It also precedes ransomware that re-encrypts objects with a key the victim does not hold.
-- false_positives: Migration from SSE-KMS to SSE-S3 to save KMS request costs; bucket tear-down by infrastructure-as-code.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
-- tags: s3, encryption, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'DeleteBucketEncryption'
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
  'default encryption deleted on bucket ' || coalesce(json_extract(rp, '$.bucketName'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
