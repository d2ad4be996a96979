-- id: ct_securityhub_disabled
-- title: Security Hub disabled or security standards turned off
-- severity: high
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful DisableSecurityHub, or BatchDisableStandards (which unsubscribes from standards such as AWS Foundational Security Best Practices or CIS, removing their controls and findings). Security Hub records its request members in PascalCase, so the subscription ARNs are read from requestParameters.StandardsSubscriptionArns (with the camelCase spelling as a fallback).
-- false_positives: Consolidating standards or moving Security Hub administration to another account; allowlist the principals that own the security tooling.
-- references: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DisableSecurityHub.html, https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchDisableStandards.html, https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-ct.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: securityhub, security-tooling, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'DisableSecurityHub' THEN 'Security Hub disabled in ' || aws_region
    ELSE 'standards disabled: ' || coalesce(
      (SELECT group_concat(substr(value, instr(value, ':subscription/') + 14), ', ')
       FROM json_each(coalesce(json_extract(request_parameters, '$.StandardsSubscriptionArns'),
                               json_extract(request_parameters, '$.standardsSubscriptionArns')))), '?')
  END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DisableSecurityHub', 'BatchDisableStandards')
  AND event_source = 'securityhub.amazonaws.com'
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
