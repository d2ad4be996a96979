-- id: ct_rds_master_password_reset
-- title: RDS master user password reset
-- severity: medium
-- tactics: TA0003, TA0006
-- techniques: T1098
-- description: A successful ModifyDBInstance or ModifyDBCluster carries a new masterUserPassword (CloudTrail masks the value, for example as **** or HIDDEN_DUE_TO_SECURITY_REASONS, but keeps the key; pendingModifiedValues.masterUserPassword appears in the response). Whoever reset it can log in to the database as its administrator without any database credential having leaked.
-- false_positives: Planned password rotation done by hand; break-glass recovery of a lost master password.
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ResetPassword.html, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
-- tags: rds, credentials, persistence
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name IN ('ModifyDBInstance', 'ModifyDBCluster')
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
  CASE WHEN event_name = 'ModifyDBCluster' THEN 'master password reset for DB cluster ' || coalesce(json_extract(rp, '$.dBClusterIdentifier'), '?') ELSE 'master password reset for DB instance ' || coalesce(json_extract(rp, '$.dBInstanceIdentifier'), '?') END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_type(rp, '$.masterUserPassword') IS NOT NULL OR json_type(re, '$.pendingModifiedValues.masterUserPassword') IS NOT NULL
GROUP BY id
ORDER BY first_time, identity, summary;
