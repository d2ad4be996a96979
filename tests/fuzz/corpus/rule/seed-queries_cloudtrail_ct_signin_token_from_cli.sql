-- id: ct_signin_token_from_cli
-- title: Console session minted from API credentials (GetSigninToken)
-- severity: medium
-- tactics: TA0008, TA0005
-- techniques: T1550.001, T1021.007
-- description: A successful GetSigninToken on the AWS federation endpoint (signin.amazonaws.com), which turns temporary API credentials into a console sign-in URL. Tools such as aws_consoler use it to pivot from stolen access keys to the console, typically after sts:GetFederationToken, so the console session appears as a federated user instead of the key's owner and needs no MFA. GetSigninToken only accepts temporary credentials, so the caller is normally a FederatedUser or AssumedRole; the summary names the session issuer (the IAM user or role behind it). The IAM Identity Center portal also calls GetSigninToken, with the user agent Jersey/${project.version}; those calls are skipped.
-- false_positives: Internal federation brokers and tools that build console links for roles; allowlist their principals, or their user agents with a user_agent GLOB entry.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html, https://github.com/NetSPI/aws_consoler, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_console_getsignintoken.yml, https://attack.mitre.org/techniques/T1550/001/
-- tags: sign-in, console, federation, lateral-movement
-- allowlist: principal, ip, user_agent
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'console sign-in token issued to ' || coalesce(identity_type, '?') || ' session'
    || coalesce(' of ' || session_issuer_type || ' ' || coalesce(session_issuer_user_name, session_issuer_arn), '')
    || ' from ' || coalesce(source_ip_address, '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'GetSigninToken'
  AND event_source = 'signin.amazonaws.com'
  AND error_message IS NULL
  AND coalesce(json_extract(response_elements, '$.GetSigninToken'), 'Success') = 'Success'
  AND coalesce(user_agent, '') NOT LIKE 'Jersey/%'
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE (a.kind = 'principal'
                         AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
                     OR (a.kind = 'user_agent' AND coalesce(user_agent, '') GLOB a.value))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
