-- id: ct_rds_export_task
-- title: RDS snapshot exported to S3
-- severity: medium
-- tactics: TA0010
-- techniques: T1537
-- description: A successful StartExportTask copies the data of an RDS or Aurora snapshot (or cluster) to an S3 bucket as Parquet files, outside the database's own access controls.
-- false_positives: Analytics pipelines that export snapshots to a data lake on a schedule (allowlist their role).
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ExportSnapshot.html, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartExportTask.html
-- tags: rds, data, exfiltration
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name = 'StartExportTask'
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
  'RDS export ' || coalesce(json_extract(rp, '$.exportTaskIdentifier'), '?')
    || ' of ' || coalesce(json_extract(rp, '$.sourceArn'), '?')
    || ' to s3://' || coalesce(json_extract(rp, '$.s3BucketName'), '?') || '/' || coalesce(json_extract(rp, '$.s3Prefix'), '') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
