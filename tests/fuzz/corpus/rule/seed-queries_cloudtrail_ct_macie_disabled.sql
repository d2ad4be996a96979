-- id: ct_macie_disabled
-- title: Amazon Macie disabled or paused
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful DisableMacie (Macie, event source macie2.amazonaws.com, or Macie Classic, macie.amazonaws.com), or an UpdateMacieSession that sets status PAUSED. Disabling Macie deletes its findings and classification jobs; pausing stops sensitive-data discovery. Either precedes bulk S3 data theft that Macie might otherwise flag.
-- false_positives: Cost-driven shutdown of Macie in accounts without sensitive data, or moving Macie administration; allowlist the principals that own the security tooling.
-- references: https://docs.aws.amazon.com/macie/latest/APIReference/macie-pub.html, https://docs.aws.amazon.com/macie/latest/user/macie-suspend-disable.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: macie, security-tooling, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'DisableMacie' THEN 'Macie disabled in ' ELSE 'Macie paused in ' END
    || aws_region || CASE event_source WHEN 'macie.amazonaws.com' THEN ' (Macie Classic)' ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DisableMacie', 'UpdateMacieSession')
  AND event_source IN ('macie2.amazonaws.com', 'macie.amazonaws.com')
  AND error_code IS NULL
  AND (event_name = 'DisableMacie' OR json_extract(request_parameters, '$.status') = 'PAUSED')
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
