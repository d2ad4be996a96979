-- id: ct_ec2_import_key_pair
-- title: EC2 key pair imported
-- severity: medium
-- tactics: TA0003
-- techniques: T1098.004
-- description: A successful ImportKeyPair registers an externally generated SSH public key; instances launched with it (or whose authorized_keys are rewritten) accept the attacker's private key.
-- false_positives: Engineers registering their own keys; provisioning tools importing a shared deployment key.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.ec2-create-suspicious-keypair/, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html
-- tags: ec2, persistence
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name = 'ImportKeyPair'
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
  'key pair ' || coalesce(json_extract(rp, '$.keyName'), '?') || ' imported'
    || coalesce(' (' || json_extract(re, '$.keyPairId') || ', fingerprint ' || json_extract(re, '$.keyFingerprint') || ')', '') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
