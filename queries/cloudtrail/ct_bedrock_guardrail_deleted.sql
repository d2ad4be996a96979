-- id: ct_bedrock_guardrail_deleted
-- title: Bedrock guardrail deleted
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful DeleteGuardrail removes a Bedrock guardrail (or one of its versions) that filtered prompts and model output, opening the applications that used it to jailbreaks and harmful output.
-- false_positives: Guardrail clean-up during application retirement.
-- references: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_DeleteGuardrail.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.bedrock-guardrail-delete/
-- tags: bedrock, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name = 'DeleteGuardrail'
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
  'Bedrock guardrail ' || coalesce(json_extract(rp, '$.guardrailIdentifier'), '?')
    || coalesce(' version ' || json_extract(rp, '$.guardrailVersion'), '') || ' deleted' AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
