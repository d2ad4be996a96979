-- id: ct_s3_replication_external
-- title: S3 replication to a foreign account or unknown bucket
-- severity: high
-- tactics: TA0010
-- techniques: T1537
-- description: A successful PutBucketReplication whose rule Destination names another AWS account (Destination.Account differs from the bucket owner and is not allowlisted), or a destination bucket that never appears in this account's own S3 management events. Replication copies every new object (and, with batch replication, old ones) to the destination continuously, so a rule pointing to an attacker's bucket is durable exfiltration. Rule and Destination are read wherever they sit under ReplicationConfiguration (single rule object or rule list).
-- false_positives: Cross-account backup or disaster-recovery replication (allowlist the destination account), or a destination bucket whose creation predates the index.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html, https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
-- tags: s3, data, exfiltration
-- allowlist: principal, account
WITH puts AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'PutBucketReplication'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
dests AS (
  SELECT puts.id,
         json_extract(d.value, '$.Bucket') AS dest_arn,
         substr(json_extract(d.value, '$.Bucket'), instr(json_extract(d.value, '$.Bucket'), ':::') + 3) AS dest_bucket,
         json_extract(d.value, '$.Account') AS dest_account
  FROM puts, json_tree(puts.rp, '$.ReplicationConfiguration') d
  WHERE d.key = 'Destination' AND d.type = 'object'
),
known AS (
  -- buckets this account itself created or configured (S3 management events only)
  SELECT DISTINCT recipient_account_id AS acct, json_extract(request_parameters, '$.bucketName') AS bucket
  FROM events
  WHERE event_source = 's3.amazonaws.com'
    AND coalesce(management_event, 1) = 1
    AND error_code IS NULL
    AND event_name <> 'PutBucketReplication'
),
flagged AS (
  SELECT puts.*, dests.dest_bucket, dests.dest_account,
         CASE WHEN dests.dest_account IS NOT NULL AND dests.dest_account <> puts.recipient_account_id
              THEN 'account ' || dests.dest_account
              ELSE 'a bucket never seen in this account' END AS why
  FROM puts JOIN dests ON dests.id = puts.id
  WHERE coalesce(dests.dest_account, '') NOT IN (SELECT value FROM allowlist WHERE kind = 'account')
    AND ((dests.dest_account IS NOT NULL AND dests.dest_account <> puts.recipient_account_id)
         OR NOT EXISTS (SELECT 1 FROM known k WHERE k.acct = puts.recipient_account_id AND k.bucket = dests.dest_bucket))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'bucket ' || coalesce(json_extract(rp, '$.bucketName'), '?') || ' now replicates to '
    || group_concat(dest_bucket || ' (' || why || ')', ', ') AS summary,
  json_group_array(DISTINCT event_id) AS evidence
FROM flagged
GROUP BY id
ORDER BY first_time, identity, summary;
