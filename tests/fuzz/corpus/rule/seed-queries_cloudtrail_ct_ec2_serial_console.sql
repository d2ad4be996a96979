-- id: ct_ec2_serial_console
-- title: EC2 serial console enabled or used
-- severity: high
-- tactics: TA0008, TA0003
-- techniques: T1021, T1098.004
-- description: EnableSerialConsoleAccess turns on the EC2 serial console for the account in a region; SendSerialConsoleSSHPublicKey (ec2-instance-connect) pushes an SSH key that opens a serial console session on an instance. The serial console reaches the instance even when its network and security groups are closed.
-- false_positives: Recovering an instance that lost network connectivity or boot configuration.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-serial-console.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.lateral-movement.ec2-serial-console-send-ssh-public-key/
-- tags: ec2, lateral-movement
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp
  FROM events
  WHERE event_name IN ('EnableSerialConsoleAccess', 'SendSerialConsoleSSHPublicKey')
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
  CASE event_name WHEN 'EnableSerialConsoleAccess' THEN 'EC2 serial console access enabled in ' || aws_region ELSE 'SSH key pushed to serial console of instance ' || coalesce(json_extract(rp, '$.instanceId'), '?') || ' (port ' || coalesce(json_extract(rp, '$.serialPort'), 0) || ')' END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
