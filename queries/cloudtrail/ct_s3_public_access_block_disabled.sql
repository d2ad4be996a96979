-- id: ct_s3_public_access_block_disabled
-- title: S3 Block Public Access removed or weakened
-- severity: high
-- tactics: TA0005, TA0010
-- techniques: T1562, T1530
-- description: S3 Block Public Access was deleted (DeleteBucketPublicAccessBlock, DeleteAccountPublicAccessBlock) or rewritten with at least one of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets false or missing (PutBucketPublicAccessBlock, PutAccountPublicAccessBlock; a missing flag defaults to false). This is the switch that must be off before a public ACL or bucket policy takes effect. CloudTrail names the bucket-level calls PutBucketPublicAccessBlock / DeleteBucketPublicAccessBlock; the API names PutPublicAccessBlock / DeletePublicAccessBlock are matched too.
-- false_positives: Buckets intentionally made public (static websites, public datasets), usually by infrastructure-as-code roles that can be allowlisted.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
-- tags: s3, data, exposure, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
                       'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
                       'PutPublicAccessBlock', 'DeletePublicAccessBlock')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
cfg AS (
  -- a flag left out of PublicAccessBlockConfiguration defaults to false
  SELECT hits.*,
         lower(coalesce(json_extract(rp, '$.PublicAccessBlockConfiguration.BlockPublicAcls'), 'false')) AS bpa,
         lower(coalesce(json_extract(rp, '$.PublicAccessBlockConfiguration.IgnorePublicAcls'), 'false')) AS ipa,
         lower(coalesce(json_extract(rp, '$.PublicAccessBlockConfiguration.BlockPublicPolicy'), 'false')) AS bpp,
         lower(coalesce(json_extract(rp, '$.PublicAccessBlockConfiguration.RestrictPublicBuckets'), 'false')) AS rpb,
         CASE WHEN json_extract(rp, '$.bucketName') IS NOT NULL THEN 'bucket ' || json_extract(rp, '$.bucketName')
              ELSE 'account ' || recipient_account_id END AS scope
  FROM hits
),
flags AS (
  SELECT cfg.*,
         trim(CASE WHEN bpa IN ('0', 'false') THEN ' BlockPublicAcls' ELSE '' END
              || CASE WHEN ipa IN ('0', 'false') THEN ' IgnorePublicAcls' ELSE '' END
              || CASE WHEN bpp IN ('0', 'false') THEN ' BlockPublicPolicy' ELSE '' END
              || CASE WHEN rpb IN ('0', 'false') THEN ' RestrictPublicBuckets' ELSE '' END) AS off
  FROM cfg
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  CASE WHEN event_name GLOB 'Delete*' THEN 'Block Public Access removed for ' || scope
       ELSE 'Block Public Access weakened for ' || scope || ': ' || replace(off, ' ', ', ') || ' off' END AS summary,
  json_group_array(event_id) AS evidence
FROM flags
WHERE event_name GLOB 'Delete*' OR off <> ''
GROUP BY id
ORDER BY first_time, identity, summary;
