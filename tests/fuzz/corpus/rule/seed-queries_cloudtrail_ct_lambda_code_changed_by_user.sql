-- id: ct_lambda_code_changed_by_user
-- title: Lambda code or layers changed by a person
-- severity: medium
-- tactics: TA0003, TA0002
-- techniques: T1648, T1546
-- description: A successful UpdateFunctionCode, PublishLayerVersion, or UpdateFunctionConfiguration that sets layers, made by an IAM user, the root user, an IAM Identity Center (AWSReservedSSO_*) session or a console session rather than by a deployment role. Replacing a function's code or adding a layer (for example a malicious Lambda extension) runs attacker code with the function's role on every invocation.
-- false_positives: Hot fixes made by hand; developers deploying from their workstation in development accounts.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-overwrite-code/, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/
-- tags: lambda, persistence, execution
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, session_issuer_user_name, request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_source = 'lambda.amazonaws.com' AND (event_name GLOB 'UpdateFunctionCode*' OR event_name GLOB 'PublishLayerVersion*' OR event_name GLOB 'UpdateFunctionConfiguration*')
    AND error_code IS NULL
    AND (identity_type IN ('IAMUser', 'Root') OR session_issuer_user_name GLOB 'AWSReservedSSO_*'
         OR session_credential_from_console = 1)
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
  CASE WHEN event_name GLOB 'UpdateFunctionCode*' THEN 'code of function ' || coalesce(json_extract(rp, '$.functionName'), '?') || ' replaced' || coalesce(' (sha256 ' || json_extract(re, '$.codeSha256') || ')', '') WHEN event_name GLOB 'PublishLayerVersion*' THEN 'layer ' || coalesce(json_extract(rp, '$.layerName'), '?') || ' version ' || coalesce(json_extract(re, '$.version'), '?') || ' published' ELSE 'layers of function ' || coalesce(json_extract(rp, '$.functionName'), '?') || ' set to ' || coalesce((SELECT group_concat(value, ', ') FROM json_each(rp, '$.layers')), '(none)') END || ' by ' || CASE WHEN identity_type = 'IAMUser' THEN 'IAM user' WHEN identity_type = 'Root' THEN 'root' WHEN session_issuer_user_name GLOB 'AWSReservedSSO_*' THEN 'SSO user' ELSE 'console session' END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE NOT (event_name GLOB 'UpdateFunctionConfiguration*' AND json_type(rp, '$.layers') IS NULL)
GROUP BY id
ORDER BY first_time, identity, summary;
