-- id: ct_bedrock_logging_deleted
-- title: Bedrock model invocation logging deleted
-- severity: high
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful DeleteModelInvocationLoggingConfiguration stops Bedrock from recording prompts, responses and invocation metadata in the region, which hides LLM abuse (LLMjacking) from later review.
-- false_positives: Changing the logging destination (delete followed by a new Put).
-- references: https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.bedrock-model-invocation-logging-delete/
-- tags: bedrock, logging, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent
  FROM events
  WHERE event_name = 'DeleteModelInvocationLoggingConfiguration'
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
  'Bedrock model invocation logging deleted in ' || aws_region AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
