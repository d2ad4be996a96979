-- id: ct_iam_login_profile_other_user
-- title: Console password set for another IAM user
-- severity: medium
-- tactics: TA0003, TA0004
-- techniques: T1098
-- description: A successful CreateLoginProfile (gives a user a console password) or UpdateLoginProfile (changes it) where the target requestParameters.userName is not the caller's own user name; role sessions and the root user are always "another" caller. An attacker with iam:CreateLoginProfile or iam:UpdateLoginProfile takes over a user - often a programmatic service user that never had a password - and signs in to the console as it. CloudTrail never records the password itself; passwordResetRequired is shown.
-- false_positives: Help-desk or onboarding automation creating and resetting passwords for users; allowlist those principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-user-login-profile/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_update_login_profile.yml, https://attack.mitre.org/techniques/T1098/
-- tags: iam, console, persistence, privilege-escalation
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'CreateLoginProfile' THEN 'console password created for user '
                  ELSE 'console password changed for user ' END
    || json_extract(request_parameters, '$.userName')
    || CASE json_extract(request_parameters, '$.passwordResetRequired')
         WHEN 1 THEN ' (reset required at next sign-in)' WHEN 0 THEN ' (no reset required)' ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('CreateLoginProfile', 'UpdateLoginProfile')
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.userName') IS NOT NULL
  AND json_extract(request_parameters, '$.userName') IS NOT coalesce(user_name, '')
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
