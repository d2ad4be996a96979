-- id: ct_config_recording_stopped
-- title: AWS Config recorder stopped or deleted, or delivery channel deleted
-- severity: high
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful StopConfigurationRecorder, DeleteConfigurationRecorder or DeleteDeliveryChannel. AWS Config then stops recording resource configuration changes (or stops delivering them), which blinds compliance rules, Security Hub controls built on Config, and the configuration timeline investigators use to see what an attacker changed.
-- false_positives: Decommissioning Config in a region or account, or replacing the recorder from infrastructure-as-code (Control Tower, Landing Zone pipelines); allowlist those principals.
-- references: https://docs.aws.amazon.com/config/latest/APIReference/API_StopConfigurationRecorder.html, https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteDeliveryChannel.html, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_config_disable_recording.yml, https://attack.mitre.org/techniques/T1562/008/
-- tags: config, logging, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'StopConfigurationRecorder' THEN 'configuration recorder stopped: '
    WHEN 'DeleteConfigurationRecorder' THEN 'configuration recorder deleted: '
    ELSE 'delivery channel deleted: ' END
    || coalesce(json_extract(request_parameters, '$.configurationRecorderName'),
                json_extract(request_parameters, '$.deliveryChannelName'), '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel')
  AND event_source = 'config.amazonaws.com'
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
