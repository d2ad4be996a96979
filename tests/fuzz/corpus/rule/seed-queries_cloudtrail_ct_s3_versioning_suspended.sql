-- id: ct_s3_versioning_suspended
-- title: S3 bucket versioning suspended
-- severity: medium
-- tactics: TA0040
-- techniques: T1490
-- description: A successful PutBucketVersioning call sets the bucket's VersioningConfiguration Status to Suspended (or turns MFA delete off). New writes and deletes then destroy data instead of keeping prior versions, which is a common step before S3 ransomware or destructive clean-up.
-- false_positives: Cost clean-up of buckets that never needed versioning; infrastructure-as-code applying a non-versioned template.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html, https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/
-- tags: s3, impact, ransomware
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'PutBucketVersioning'
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
  'versioning ' || CASE WHEN json_extract(rp, '$.VersioningConfiguration.Status') = 'Suspended'
                        THEN 'suspended' ELSE 'MFA delete disabled' END
    || ' on bucket ' || coalesce(json_extract(rp, '$.bucketName'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_extract(rp, '$.VersioningConfiguration.Status') = 'Suspended'
   OR json_extract(rp, '$.VersioningConfiguration.MfaDelete') = 'Disabled'
GROUP BY id
ORDER BY first_time, identity, summary;
