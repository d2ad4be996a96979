-- id: ct_guardduty_detector_deleted
-- title: GuardDuty detector deleted
-- severity: high
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful GuardDuty DeleteDetector. Deleting the detector turns GuardDuty off in that region and discards its findings, IP sets, threat lists and filters, so nothing the attacker does next is analysed there.
-- false_positives: Closing down a region or an account, or rebuilding GuardDuty from infrastructure-as-code; allowlist the principals that own the security tooling.
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DeleteDetector.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: guardduty, security-tooling, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'GuardDuty detector ' || coalesce(json_extract(request_parameters, '$.detectorId'), '?')
    || ' deleted in ' || aws_region AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'DeleteDetector'
  AND event_source = 'guardduty.amazonaws.com'
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
