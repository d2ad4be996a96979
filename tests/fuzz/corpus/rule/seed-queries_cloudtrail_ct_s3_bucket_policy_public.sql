-- id: ct_s3_bucket_policy_public
-- title: S3 bucket policy grants access to everyone
-- severity: high
-- tactics: TA0010
-- techniques: T1530, T1537
-- description: A successful PutBucketPolicy installs a statement with Effect Allow and Principal "*" (or {"AWS": "*"}, or "*" inside an AWS principal list) whose Condition does not narrow the caller by network, organization, account, ARN or user (aws:SourceIp, aws:SourceVpc(e), aws:PrincipalOrgID/OrgPaths, aws:PrincipalAccount/Arn, aws:Source(Arn|Account|OrgID), aws:userid/username, s3:DataAccessPoint*). The bucket is then readable (or writable) from the internet. CloudTrail records bucketPolicy as a parsed object; Statement may be an object or an array.
-- false_positives: Static website or public-dataset buckets that are meant to be world-readable; policies restricted by a condition key this rule does not know.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.s3-backdoor-bucket-policy/
-- tags: s3, data, exposure
-- allowlist: principal
WITH puts AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'PutBucketPolicy'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
open_statements AS (
  -- one row per statement whose Principal is public; p.path is the statement's path
  SELECT puts.id, p.path AS spath
  FROM puts, json_tree(puts.rp, '$.bucketPolicy') p
  WHERE p.key = 'Principal'
    AND json_extract(puts.rp, p.path || '.Effect') = 'Allow'
    AND CASE p.type
          WHEN 'text' THEN p.atom = '*'
          WHEN 'object' THEN EXISTS (SELECT 1 FROM json_each(p.value, '$.AWS') w WHERE w.value = '*')
          ELSE 0
        END
    AND NOT EXISTS (
      SELECT 1
      FROM json_each(puts.rp, p.path || '.Condition') op, json_each(op.value) ck
      WHERE op.type = 'object'
        AND (lower(ck.key) IN ('aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:principalorgid',
                               'aws:principalorgpaths', 'aws:principalaccount', 'aws:principalarn',
                               'aws:sourcearn', 'aws:sourceaccount', 'aws:sourceorgid', 'aws:sourceorgpaths',
                               'aws:userid', 'aws:username', 'aws:principalservicename',
                               's3:dataaccesspointaccount', 's3:dataaccesspointarn', 'aws:resourceorgid')
             OR lower(ck.key) GLOB 'aws:principaltag/*')
    )
)
SELECT
  min(puts.event_time) AS first_time,
  max(puts.event_time) AS last_time,
  puts.recipient_account_id AS account,
  puts.aws_region AS region,
  coalesce(puts.identity_arn, puts.user_name) AS identity,
  puts.access_key_id AS access_key,
  puts.source_ip_address AS source_ip,
  'bucket ' || coalesce(json_extract(puts.rp, '$.bucketName'), '?') || ' policy allows Principal * '
    || group_concat(coalesce(json_extract(puts.rp, o.spath || '.Action'), '(NotAction)'), ' + ')
    || ' without a restricting condition' AS summary,
  json_group_array(DISTINCT puts.event_id) AS evidence
FROM puts JOIN open_statements o ON o.id = puts.id
GROUP BY puts.id
ORDER BY first_time, identity, summary;
