-- id: ct_s3_copy_object_foreign_key
-- title: S3 objects re-encrypted with a key the account does not control
-- severity: critical
-- tactics: TA0040
-- techniques: T1486
-- description: Successful CopyObject calls that rewrite objects with server-side encryption using a customer-provided key (SSE-C: request header x-amz-server-side-encryption-customer-algorithm, or additionalEventData.SSEApplied = SSE_C) or with a KMS key whose ARN belongs to another AWS account. The copies can only be read with a key the attacker holds; this is how S3 ransomware (for example the Codefinger campaign) locks data in place. One row per principal, destination bucket and key.
-- false_positives: Applications that deliberately use SSE-C, or cross-account KMS keys owned by a central security account (allowlist that account).
-- references: https://www.halcyon.ai/blog/abusing-aws-native-services-ransomware-encrypting-s3-buckets-with-sse-c, https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/, https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
-- tags: s3, data, ransomware, impact
-- allowlist: principal, account
WITH copies AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp, additional_event_data AS aed
  FROM events
  WHERE event_name = 'CopyObject'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
keyed AS (
  SELECT copies.*,
         json_extract(rp, '$.bucketName') AS bucket,
         coalesce(json_extract(rp, '$."x-amz-server-side-encryption-aws-kms-key-id"'), '') AS kms_key,
         (json_extract(rp, '$."x-amz-server-side-encryption-customer-algorithm"') IS NOT NULL
          OR json_extract(aed, '$.SSEApplied') = 'SSE_C') AS ssec
  FROM copies
),
hits AS MATERIALIZED (
  SELECT keyed.*, coalesce(identity_arn, user_name) AS who,
         CASE WHEN ssec THEN 'SSE-C (customer-provided key)' ELSE 'foreign KMS key ' || kms_key END AS how
  FROM keyed
  WHERE ssec
     OR (kms_key GLOB 'arn:aws*:kms:*:*:*'
         AND kms_key NOT GLOB 'arn:aws*:kms:*:' || recipient_account_id || ':*'
         AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'account'
                         AND kms_key GLOB 'arn:aws*:kms:*:' || a.value || ':*'))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  count(*) || ' object(s) in bucket ' || coalesce(bucket, '?') || ' rewritten by CopyObject with ' || how
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2
         WHERE h2.recipient_account_id = hits.recipient_account_id AND h2.who IS hits.who
           AND h2.bucket IS hits.bucket AND h2.how = hits.how
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM hits
GROUP BY recipient_account_id, who, bucket, how
ORDER BY first_time, identity, summary;
