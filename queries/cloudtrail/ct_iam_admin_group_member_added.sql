-- id: ct_iam_admin_group_member_added
-- title: User added to an administrators group
-- severity: medium
-- tactics: TA0004, TA0003
-- techniques: T1098.003
-- description: A successful AddUserToGroup where the group name contains "admin" (case-insensitive), such as Admins, Administrators or PlatformAdmin. Group membership is an easily overlooked way to hand a user the group's administrator policies; the policies themselves are not in the event, so the rule relies on the naming convention - extend the pattern locally if administrator groups are named differently.
-- false_positives: Onboarding of administrators through the identity team's automation; allowlist those principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html, https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/, https://attack.mitre.org/techniques/T1098/003/
-- tags: iam, group, privilege-escalation
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'user ' || coalesce(json_extract(request_parameters, '$.userName'), '?') || ' added to group '
    || json_extract(request_parameters, '$.groupName')
    || CASE WHEN json_extract(request_parameters, '$.userName') = user_name THEN ' (by the user itself)' ELSE '' END
    AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'AddUserToGroup'
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.groupName') LIKE '%admin%'
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
