-- id: ct_lambda_public_permission
-- title: Lambda function policy allows any principal
-- severity: high
-- tactics: TA0003, TA0001
-- techniques: T1098, T1190
-- description: A successful AddPermission (logged as AddPermission20150331 or AddPermission20150331v2) adds a resource-policy statement with principal "*" and no sourceArn, sourceAccount or principalOrgID condition, so any AWS account (or, with functionUrlAuthType NONE, anyone on the internet through the function URL) can invoke the function. requestParameters.principal is a plain string.
-- false_positives: Functions deliberately published behind a public function URL.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-backdoor-function/, https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
-- tags: lambda, persistence, exposure
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_source = 'lambda.amazonaws.com' AND event_name GLOB 'AddPermission*'
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
  'function ' || coalesce(json_extract(rp, '$.functionName'), '?') || ' allows '
    || coalesce(json_extract(rp, '$.action'), '?') || ' for principal *'
    || CASE WHEN json_extract(rp, '$.functionUrlAuthType') = 'NONE' THEN ' through an unauthenticated function URL' ELSE '' END
    || coalesce(' (statement ' || json_extract(rp, '$.statementId') || ')', '') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_extract(rp, '$.principal') = '*'
  AND json_extract(rp, '$.sourceArn') IS NULL
  AND json_extract(rp, '$.sourceAccount') IS NULL
  AND json_extract(rp, '$.principalOrgID') IS NULL
GROUP BY id
ORDER BY first_time, identity, summary;
