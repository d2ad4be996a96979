-- id: ct_trail_stopped
-- title: CloudTrail logging stopped or trail deleted
-- severity: high
-- tactics: TA0005
-- techniques: T1562.008
-- description: A trail stopped recording (StopLogging) or was deleted (DeleteTrail). Both end the delivery of API activity to the trail's bucket and log group, and are a classic first step after an attacker takes over credentials. Only successful calls are reported; the trail name or ARN is taken from requestParameters.name.
-- false_positives: Planned decommissioning or replacement of a trail, usually by an infrastructure-as-code role (CloudFormation, Terraform, Control Tower); allowlist those principals.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-stop/, https://attack.mitre.org/techniques/T1562/008/
-- tags: logging, cloudtrail, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'StopLogging' THEN 'logging stopped on trail ' ELSE 'trail deleted: ' END
    || coalesce(json_extract(request_parameters, '$.name'), '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('StopLogging', 'DeleteTrail')
  AND +event_source = 'cloudtrail.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
