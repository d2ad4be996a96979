-- id: ct_ec2_instance_connect_ssh_key
-- title: SSH key pushed with EC2 Instance Connect
-- severity: medium
-- tactics: TA0008, TA0003
-- techniques: T1021.004, T1098.004
-- description: A successful SendSSHPublicKey (ec2-instance-connect) installs an SSH public key for an OS user on an instance for 60 seconds, enough to log in over SSH with the matching private key.
-- false_positives: Engineers connecting through EC2 Instance Connect in the console or with mssh.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.lateral-movement.ec2-instance-connect/, https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSSHPublicKey.html
-- tags: ec2, lateral-movement
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp
  FROM events
  WHERE event_name = 'SendSSHPublicKey'
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
  'SSH key pushed to instance ' || coalesce(json_extract(rp, '$.instanceId'), '?') || ' for OS user ' || coalesce(json_extract(rp, '$.instanceOSUser'), '?') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
