-- id: ct_rds_public
-- title: RDS instance made publicly accessible
-- severity: high
-- tactics: TA0001, TA0010
-- techniques: T1190, T1530
-- description: A successful CreateDBInstance, ModifyDBInstance, CreateDBInstanceReadReplica or RestoreDBInstance* call sets publiclyAccessible to true, giving the database a public DNS name that resolves to a public address. Combined with an open security group the database listener is reachable from the internet.
-- false_positives: Databases intentionally exposed to a SaaS provider or developers outside the VPC; test instances.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
-- tags: rds, exposure
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name IN ('CreateDBInstance', 'ModifyDBInstance', 'CreateDBInstanceReadReplica',
                       'RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceToPointInTime', 'RestoreDBInstanceFromS3')
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
  event_name || ': DB instance '
    || coalesce(json_extract(rp, '$.dBInstanceIdentifier'), json_extract(rp, '$.targetDBInstanceIdentifier'), '?')
    || ' made publicly accessible' AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE lower(CAST(json_extract(rp, '$.publiclyAccessible') AS TEXT)) IN ('1', 'true')
GROUP BY id
ORDER BY first_time, identity, summary;
