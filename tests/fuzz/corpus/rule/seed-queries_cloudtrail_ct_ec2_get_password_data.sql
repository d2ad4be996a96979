-- id: ct_ec2_get_password_data
-- title: EC2 Windows password data retrieved
-- severity: medium
-- tactics: TA0006
-- techniques: T1552
-- description: A successful GetPasswordData returns the encrypted Administrator password of a Windows instance; with the launch key pair it decrypts to a working local administrator credential.
-- false_positives: Administrators connecting to Windows instances over RDP from the console.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetPasswordData.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ec2-get-password-data/
-- tags: ec2, credentials
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp
  FROM events
  WHERE event_name = 'GetPasswordData'
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
  'Windows administrator password data retrieved for instance ' || coalesce(json_extract(rp, '$.instanceId'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
