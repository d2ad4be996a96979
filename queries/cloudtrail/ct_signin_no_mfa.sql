-- id: ct_signin_no_mfa
-- title: Console sign-in without MFA by an IAM user or the root user
-- severity: medium
-- tactics: TA0001
-- techniques: T1078.004
-- description: A successful ConsoleLogin by an IAM user or the root user where additionalEventData.MFAUsed is No, so a password alone opened a console session. Password-only sign-ins are what stolen or sprayed passwords turn into. Federated sign-ins (SAML, IAM Identity Center, GetSigninToken) are not reported because their MFA happens at the identity provider and CloudTrail always records MFAUsed No for them.
-- false_positives: Users not yet enrolled in MFA, and service or shared accounts that sign in with a password; enforce MFA, or allowlist those users or their office addresses meanwhile.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.initial-access.console-login-without-mfa/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_cloudtrail_console_login_success_without_mfa.yml, https://attack.mitre.org/techniques/T1078/004/
-- tags: sign-in, console, mfa
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE identity_type WHEN 'Root' THEN 'root' ELSE 'IAM user ' || coalesce(user_name, '?') END
    || ' signed in to the console without MFA from ' || coalesce(source_ip_address, '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'ConsoleLogin'
  AND +event_source = 'signin.amazonaws.com'  -- unary +: look events up by name, not by source
  AND identity_type IN ('IAMUser', 'Root')
  AND error_message IS NULL
  AND json_extract(response_elements, '$.ConsoleLogin') = 'Success'
  AND json_extract(additional_event_data, '$.MFAUsed') = 'No'
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
