-- id: ct_guardduty_members_removed
-- title: GuardDuty member accounts disassociated, deleted or no longer monitored
-- severity: high
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful GuardDuty call that takes accounts out of central monitoring. On the administrator side DisassociateMembers, DeleteMembers and StopMonitoringMembers (requestParameters.accountIds); on the member side DisassociateFromAdministratorAccount or the older DisassociateFromMasterAccount. Findings for the affected accounts stop reaching the security team's administrator account, even though GuardDuty may keep running in the member.
-- false_positives: An account leaving the organization or being closed, or a change of delegated administrator; allowlist the principals that manage GuardDuty membership.
-- references: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DisassociateMembers.html, https://docs.aws.amazon.com/guardduty/latest/APIReference/API_StopMonitoringMembers.html, https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DisassociateFromAdministratorAccount.html, https://attack.mitre.org/techniques/T1562/001/
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
    || CASE WHEN json_type(request_parameters, '$.accountIds') = 'array'
            THEN ': accounts ' || (SELECT group_concat(value, ', ') FROM json_each(request_parameters, '$.accountIds'))
            ELSE ' (this account leaves its administrator)' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DisassociateMembers', 'DeleteMembers', 'StopMonitoringMembers',
                     'DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount')
  AND event_source = 'guardduty.amazonaws.com'
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
