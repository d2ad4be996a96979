-- id: ct_ec2_user_data_modified
-- title: EC2 instance user data modified
-- severity: high
-- tactics: TA0002, TA0004
-- techniques: T1059.009, T1037
-- description: A successful ModifyInstanceAttribute replaces the user data of an instance (requestParameters.userData is present, recorded as <sensitiveDataRemoved>; older records use attribute = userData). User data scripts run as root (or SYSTEM) when the instance boots, so this is code execution on the instance at its next start.
-- false_positives: Image or bootstrap pipelines that rewrite user data on stopped instances; manual troubleshooting.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-user-data/, https://hackingthe.cloud/aws/exploitation/local-priv-esc-mod-instance-att/
-- tags: ec2, execution, persistence
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name = 'ModifyInstanceAttribute'
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
  'user data replaced on instance ' || coalesce(json_extract(rp, '$.instanceId'), '?')
    || ' (script runs as root at next boot; content redacted by CloudTrail)' AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_type(rp, '$.userData') IS NOT NULL OR json_extract(rp, '$.attribute') = 'userData'
GROUP BY id
ORDER BY first_time, identity, summary;
