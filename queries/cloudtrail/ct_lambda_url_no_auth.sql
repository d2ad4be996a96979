-- id: ct_lambda_url_no_auth
-- title: Lambda function URL created without authentication
-- severity: high
-- tactics: TA0003, TA0001
-- techniques: T1098, T1190
-- description: A successful CreateFunctionUrlConfig or UpdateFunctionUrlConfig (logged with an API-version suffix such as CreateFunctionUrlConfig20211031) with authType NONE publishes the function on an HTTPS URL that anyone can call without signing the request.
-- false_positives: Public webhooks and small public APIs built on function URLs.
-- references: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html, https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html
-- tags: lambda, persistence, exposure
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_source = 'lambda.amazonaws.com'
    AND (event_name GLOB 'CreateFunctionUrlConfig*'
         OR event_name GLOB 'UpdateFunctionUrlConfig*')
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
  'function URL ' || coalesce(json_extract(re, '$.functionUrl') || ' ', '')
    || 'for ' || coalesce(json_extract(rp, '$.functionName'), '?') || ' set to AuthType NONE' AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE json_extract(rp, '$.authType') = 'NONE'
GROUP BY id
ORDER BY first_time, identity, summary;
