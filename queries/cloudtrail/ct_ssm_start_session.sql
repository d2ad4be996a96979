-- id: ct_ssm_start_session
-- title: SSM Session Manager session started
-- severity: medium
-- tactics: TA0002, TA0008
-- techniques: T1651, T1021
-- description: A successful StartSession opens an interactive shell (or a port-forwarding tunnel when a document such as AWS-StartPortForwardingSession is given) on a managed instance through Session Manager, without SSH keys or open inbound ports.
-- false_positives: Administrators using Session Manager as their normal access path.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ssm-start-session/, https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html
-- tags: ssm, ec2, lateral-movement
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name = 'StartSession'
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
  'Session Manager session to ' || coalesce(json_extract(rp, '$.target'), '?')
    || coalesce(' using ' || json_extract(rp, '$.documentName'), '')
    || coalesce(' (session ' || json_extract(re, '$.sessionId') || ')', '') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
