-- id: ct_bedrock_invoke_first_seen
-- title: Principal invokes Bedrock models for the first time
-- severity: medium
-- tactics: TA0040
-- techniques: T1496.004
-- description: A principal that had not invoked any Bedrock model during the first :baseline_days days of the index called InvokeModel, InvokeModelWithResponseStream, Converse or ConverseStream. Roles are keyed by the role (sessionIssuer ARN), so a new session of a role that already used Bedrock is not new. LLMjacking, the resale or abuse of a victim's model access with stolen keys, typically starts from identities that never used Bedrock. Failed attempts (AccessDenied, ValidationException used as a permission probe) count too. One row per new principal with the models and regions it used and the first 100 calls as evidence.
-- false_positives: New applications or developers adopting Bedrock; identities whose earlier use predates the index.
-- references: https://sysdig.com/blog/llmjacking-stolen-cloud-credentials-used-in-new-ai-attack/, https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.bedrock-invoke-model/, https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html
-- tags: bedrock, llmjacking, impact, anomaly
-- allowlist: principal, ip
-- param: baseline_days = 14 | days at the start of the index whose Bedrock users count as known
WITH inv AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, error_code, recipient_account_id, aws_region,
         access_key_id, source_ip_address, coalesce(session_issuer_arn, identity_arn, user_name, identity_principal_id) AS who
  FROM events
  WHERE event_name IN ('InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream')
    AND event_source = 'bedrock.amazonaws.com'
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
newcomers AS (
  SELECT who, min(event_ts) AS first_ts FROM inv GROUP BY who
  HAVING min(event_ts) >= (SELECT min(event_ts) FROM events) + :baseline_days * 86400000
),
hits AS MATERIALIZED (
  SELECT inv.*, (SELECT json_extract(e.request_parameters, '$.modelId') FROM events e WHERE e.id = inv.id) AS model
  FROM inv JOIN newcomers n ON n.who = inv.who
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  'first Bedrock use by this principal: ' || count(*) || ' invocations (' || count(error_code) || ' failed) of '
    || (SELECT group_concat(m, ', ') FROM (SELECT DISTINCT h3.model AS m FROM hits h3 WHERE h3.who = hits.who ORDER BY 1))
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY who, event_ts, id) hits
GROUP BY who
ORDER BY first_time, identity, summary;
