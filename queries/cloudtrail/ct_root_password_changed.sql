-- id: ct_root_password_changed
-- title: Root user password changed or recovered
-- severity: high
-- tactics: TA0003, TA0006
-- techniques: T1098
-- description: A successful root password change (signin.amazonaws.com PasswordUpdated) or a completed root password recovery through the forgotten-password email (PasswordRecoveryCompleted). The root password is changed in the console's account settings, not through the IAM ChangePassword API, which only applies to IAM users. An attacker who controls the root email or an active root session changes the password to lock the owner out.
-- false_positives: Planned root password rotation by the account owner, or recovery after a lost password; confirm with the owner of the root email address.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-password.html, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html, https://github.com/panther-labs/panther-analysis/blob/release/rules/aws_cloudtrail_rules/aws_root_password_changed.yml, https://attack.mitre.org/techniques/T1098/
-- tags: root, sign-in, account-manipulation
-- allowlist: ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, identity_principal_id) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'PasswordUpdated' THEN 'root password changed'
                  ELSE 'root password reset through password recovery' END
    || ' from ' || coalesce(source_ip_address, '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('PasswordUpdated', 'PasswordRecoveryCompleted')
  AND +event_source = 'signin.amazonaws.com'  -- unary +: look events up by name, not by source
  AND identity_type = 'Root'
  AND error_message IS NULL
  AND coalesce(json_extract(response_elements, '$.' || event_name), 'Success') = 'Success'
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
