-- id: ct_ec2_instance_export
-- title: EC2 instance or image exported to S3
-- severity: high
-- tactics: TA0010
-- techniques: T1537
-- description: A successful CreateInstanceExportTask (instance disk exported as a VMDK/VHD/OVA to S3), ExportImage (AMI exported to S3) or CreateStoreImageTask (AMI stored as an object in S3). The disk image leaves EC2 as a file that can be downloaded or replicated out of the account.
-- false_positives: Migration of VMs to on-premises virtualisation; AMI archiving to S3 for cost reasons.
-- references: https://docs.aws.amazon.com/vm-import/latest/userguide/vmexport.html, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateStoreImageTask.html
-- tags: ec2, ami, data, exfiltration
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name IN ('CreateInstanceExportTask', 'ExportImage', 'CreateStoreImageTask')
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
  CASE event_name
    WHEN 'CreateInstanceExportTask' THEN
      'instance ' || coalesce(json_extract(rp, '$.instanceId'), '?') || ' exported to s3://'
      || coalesce(json_extract(rp, '$.exportToS3.s3Bucket'), json_extract(rp, '$.exportToS3Task.s3Bucket'), '?') || '/'
      || coalesce(json_extract(rp, '$.exportToS3.s3Prefix'), json_extract(rp, '$.exportToS3Task.s3Prefix'), '')
    WHEN 'ExportImage' THEN
      'image ' || coalesce(json_extract(rp, '$.imageId'), '?') || ' exported to s3://'
      || coalesce(json_extract(rp, '$.s3ExportLocation.s3Bucket'), '?') || '/'
      || coalesce(json_extract(rp, '$.s3ExportLocation.s3Prefix'), '')
    ELSE 'image ' || coalesce(json_extract(rp, '$.imageId'), '?') || ' stored in bucket '
      || coalesce(json_extract(rp, '$.bucket'), '?')
  END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
