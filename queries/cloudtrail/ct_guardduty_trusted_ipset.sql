-- id: ct_guardduty_trusted_ipset
-- title: GuardDuty trusted IP list created or changed
-- severity: high
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful GuardDuty CreateIPSet or UpdateIPSet. GuardDuty generates no VPC Flow Log or CloudTrail findings for addresses on an active trusted IP list, so adding the attacker's own addresses (or a list location the attacker controls) silences detection for everything done from there. The summary shows the list name, its S3 location and whether it was activated; an UpdateIPSet that only deactivates a list is not reported.
-- false_positives: The security team maintaining the list of corporate egress ranges, usually rarely and from a known role; allowlist those principals.
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html, https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateIPSet.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html, https://attack.mitre.org/techniques/T1562/001/
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
  event_name || ' on detector ' || coalesce(json_extract(request_parameters, '$.detectorId'), '?') || ': '
    || coalesce('list ' || json_extract(request_parameters, '$.name'),
                'list id ' || json_extract(request_parameters, '$.ipSetId'), 'list ?')
    || coalesce(' from ' || json_extract(request_parameters, '$.location'), '')
    || CASE json_extract(request_parameters, '$.activate') WHEN 1 THEN ', activated'
                                                           WHEN 0 THEN ', not activated' ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('CreateIPSet', 'UpdateIPSet')
  AND +event_source = 'guardduty.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  -- deactivating a list without pointing it elsewhere only removes trust
  AND NOT (event_name = 'UpdateIPSet'
           AND json_extract(request_parameters, '$.activate') = 0
           AND json_extract(request_parameters, '$.location') IS NULL)
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
