-- id: ct_ssm_send_command
-- title: SSM command sent to instances
-- severity: medium
-- tactics: TA0002
-- techniques: T1651
-- description: A successful SendCommand runs a shell, PowerShell or script document (AWS-Run* command documents other than patching and inspection, or any non-AWS document) on managed instances as root/SYSTEM. The summary lists the document and the targeted instances; the command text itself is recorded as HIDDEN_DUE_TO_SECURITY_REASONS.
-- false_positives: Operations teams and automation running commands through Systems Manager (allowlist their roles).
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ssm-send-command/, https://hackingthe.cloud/aws/post_exploitation/run_shell_commands_on_ec2/
-- tags: ssm, ec2, execution
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp
  FROM events
  WHERE event_name = 'SendCommand'
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
  coalesce(json_extract(rp, '$.documentName'), '?') || ' sent to ' || coalesce((SELECT group_concat(value, ', ') FROM json_each(rp, '$.instanceIds')), 'targets ' || json_extract(rp, '$.targets'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_extract(rp, '$.documentName') NOT IN ('AWS-RunPatchBaseline', 'AWS-RunPatchBaselineAssociation', 'AWS-RunPatchBaselineWithHooks', 'AWS-RunInspectorChecks') AND (json_extract(rp, '$.documentName') GLOB 'AWS-Run*' OR json_extract(rp, '$.documentName') NOT GLOB 'AWS*')
GROUP BY id
ORDER BY first_time, identity, summary;
