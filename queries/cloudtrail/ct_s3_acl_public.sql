-- id: ct_s3_acl_public
-- title: S3 bucket or object ACL grants access to all users
-- severity: high
-- tactics: TA0010
-- techniques: T1530
-- description: A successful PutBucketAcl, PutObjectAcl or CreateBucket grants a permission to the AllUsers or AuthenticatedUsers group (a Grantee URI of http://acs.amazonaws.com/groups/global/AllUsers or .../AuthenticatedUsers, anywhere in AccessControlPolicy, whether Grant is an object or an array) or applies a canned x-amz-acl of public-read, public-read-write or authenticated-read. AuthenticatedUsers means any AWS account, not only this one.
-- false_positives: Legacy public websites or download buckets still managed with ACLs instead of bucket policies.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
-- tags: s3, data, exposure
-- allowlist: principal
WITH puts AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('PutBucketAcl', 'PutObjectAcl', 'CreateBucket')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
grants AS (
  -- explicit grants: the Grantee object holding the group URI; its grant is one level up
  SELECT puts.id,
         CASE WHEN g.atom GLOB '*AllUsers' THEN 'AllUsers' ELSE 'AuthenticatedUsers' END || ':'
           || coalesce(json_extract(puts.rp, substr(g.path, 1, length(g.path) - length('.Grantee')) || '.Permission'), '?') AS what
  FROM puts, json_tree(puts.rp, '$.AccessControlPolicy') g
  WHERE g.key = 'URI'
    AND (g.atom GLOB '*acs.amazonaws.com/groups/global/AllUsers'
         OR g.atom GLOB '*acs.amazonaws.com/groups/global/AuthenticatedUsers')
  UNION ALL
  -- canned ACL header, recorded as a string or a one-element list
  SELECT puts.id, 'x-amz-acl:' || c.value
  FROM puts, json_each(puts.rp, '$."x-amz-acl"') c
  WHERE c.value IN ('public-read', 'public-read-write', 'authenticated-read')
)
SELECT
  min(puts.event_time) AS first_time,
  max(puts.event_time) AS last_time,
  puts.recipient_account_id AS account,
  puts.aws_region AS region,
  coalesce(puts.identity_arn, puts.user_name) AS identity,
  puts.access_key_id AS access_key,
  puts.source_ip_address AS source_ip,
  puts.event_name || ' on ' || coalesce(json_extract(puts.rp, '$.bucketName'), '?')
    || coalesce('/' || json_extract(puts.rp, '$.key'), '') || ' grants ' || group_concat(g.what, ', ') AS summary,
  json_group_array(DISTINCT puts.event_id) AS evidence
FROM puts JOIN grants g ON g.id = puts.id
GROUP BY puts.id
ORDER BY first_time, identity, summary;
