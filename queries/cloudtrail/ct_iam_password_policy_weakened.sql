-- id: ct_iam_password_policy_weakened
-- title: Account password policy weakened or deleted
-- severity: medium
-- tactics: TA0005, TA0006
-- techniques: T1556
-- description: A successful DeleteAccountPasswordPolicy, or an UpdateAccountPasswordPolicy that leaves the policy weaker than :min_password_length characters or without one of the character-class requirements (requireSymbols, requireNumbers, requireUppercaseCharacters, requireLowercaseCharacters). UpdateAccountPasswordPolicy replaces the whole policy and omitted settings fall back to their defaults (6 characters, no requirements), so a missing field is read as its default. Weak password rules make password spraying and guessing against IAM users practical.
-- false_positives: Setting an initial policy in a new account with lower requirements than :min_password_length; align :min_password_length with the organization's standard (CIS recommends 14).
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html, https://attack.mitre.org/techniques/T1556/
-- tags: iam, password-policy, defense-evasion
-- allowlist: principal, ip
-- param: min_password_length = 14 | minimum password lengths below this are reported
WITH p AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         invoked_by, access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy')
    AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
c AS (
  SELECT *,
    coalesce(json_extract(rp, '$.minimumPasswordLength'), 6) AS min_len,
    substr(
         CASE WHEN coalesce(json_extract(rp, '$.requireSymbols'), 0) = 0 THEN ', symbols' ELSE '' END
      || CASE WHEN coalesce(json_extract(rp, '$.requireNumbers'), 0) = 0 THEN ', numbers' ELSE '' END
      || CASE WHEN coalesce(json_extract(rp, '$.requireUppercaseCharacters'), 0) = 0 THEN ', uppercase' ELSE '' END
      || CASE WHEN coalesce(json_extract(rp, '$.requireLowercaseCharacters'), 0) = 0 THEN ', lowercase' ELSE '' END,
      3) AS not_required
  FROM p
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE WHEN event_name = 'DeleteAccountPasswordPolicy' THEN 'account password policy deleted'
       ELSE 'password policy set to minimum length ' || min_len
            || CASE WHEN not_required <> '' THEN ', not requiring ' || not_required ELSE '' END END AS summary,
  json_array(event_id) AS evidence
FROM c
WHERE event_name = 'DeleteAccountPasswordPolicy'
   OR min_len < CAST(:min_password_length AS INTEGER)
   OR not_required <> ''
ORDER BY first_time, summary, evidence;
