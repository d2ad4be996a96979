-- id: my_s3_policy_calls
-- title: Bucket policy calls (a user rule)
-- severity: low
-- tactics: TA0005
-- techniques: T1562
-- description: Every PutBucketPolicy call, successful or not, per identity.
-- false_positives: Any bucket administration.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
-- tags: s3, custom
-- allowlist: principal
-- param: min_calls = 1 | calls before it reports
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  count(*) || ' PutBucketPolicy call(s), ' || count(error_code) || ' failed' AS summary,
  json_group_array(event_id) AS evidence
FROM events
WHERE event_name = 'PutBucketPolicy'
  AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                  AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
GROUP BY identity_arn
HAVING count(*) >= :min_calls
ORDER BY first_time, identity;
