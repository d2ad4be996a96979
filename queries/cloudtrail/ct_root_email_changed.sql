-- id: ct_root_email_changed
-- title: Root user email address changed
-- severity: high
-- tactics: TA0003
-- techniques: T1098
-- description: The root user's email address - which receives password-recovery mail and is the sign-in name - was changed. Two records are covered: EmailUpdated (signin.amazonaws.com) when the root user edits the address in the console, and the Account Management API StartPrimaryEmailUpdate / AcceptPrimaryEmailUpdate (account.amazonaws.com), with which a management or delegated administrator account changes a member account's root email. Taking over the root email lets an attacker reset the root password at will.
-- false_positives: Moving account ownership to a shared mailbox or a new team, or central account vending updating member accounts; allowlist the principals that run account management.
-- references: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-root-user-email.html, https://docs.aws.amazon.com/accounts/latest/reference/API_StartPrimaryEmailUpdate.html, https://docs.datadoghq.com/security/default_rules/def-000-6my/, https://attack.mitre.org/techniques/T1098/
-- tags: root, account-manipulation, persistence
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, identity_principal_id) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'EmailUpdated' THEN 'root email address changed in the console'
    ELSE CASE event_name WHEN 'StartPrimaryEmailUpdate' THEN 'root email change started for account '
                         ELSE 'root email change accepted for account ' END
         || coalesce(json_extract(request_parameters, '$.AccountId'),
                     json_extract(request_parameters, '$.accountId'), '?')
         || coalesce(' to ' || coalesce(json_extract(request_parameters, '$.PrimaryEmail'),
                                        json_extract(request_parameters, '$.primaryEmail')), '')
  END AS summary,
  json_array(event_id) AS evidence
FROM events
-- unary + on event_source: look events up by name, not by source
WHERE ((event_name = 'EmailUpdated' AND +event_source = 'signin.amazonaws.com'
        AND error_message IS NULL
        AND coalesce(json_extract(response_elements, '$.EmailUpdated'), 'Success') = 'Success')
    OR (event_name IN ('StartPrimaryEmailUpdate', 'AcceptPrimaryEmailUpdate')
        AND +event_source = 'account.amazonaws.com'
        AND error_code IS NULL))
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
