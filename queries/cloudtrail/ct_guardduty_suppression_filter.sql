-- id: ct_guardduty_suppression_filter
-- title: GuardDuty suppression rule (auto-archive filter) created or changed
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful GuardDuty CreateFilter or UpdateFilter whose action is ARCHIVE. Such a filter is a suppression rule - matching findings are archived as soon as they are generated and never reach Security Hub, EventBridge or the console's current view - so a broad filter (for example on a finding type, an IP or an access key) hides an intrusion. The summary lists the criteria fields the filter matches on.
-- false_positives: Tuning out known-benign findings (vulnerability scanners, penetration tests) by the security team; allowlist those principals, and review the criteria of any broad filter.
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateFilter.html, https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html, https://attack.mitre.org/techniques/T1562/001/
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
  event_name || ' on detector ' || coalesce(json_extract(request_parameters, '$.detectorId'), '?')
    || ': filter ' || coalesce(json_extract(request_parameters, '$.name'),
                               json_extract(request_parameters, '$.filterName'), '?')
    || ' archives findings matching '
    || coalesce((SELECT group_concat(key, ', ')
                 FROM (SELECT key FROM json_each(request_parameters, '$.findingCriteria.criterion') ORDER BY key)),
                'any criteria') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('CreateFilter', 'UpdateFilter')
  AND +event_source = 'guardduty.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.action') = 'ARCHIVE'
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
