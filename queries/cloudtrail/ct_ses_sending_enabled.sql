-- id: ct_ses_sending_enabled
-- title: SES sending enabled or production access requested
-- severity: medium
-- tactics: TA0040
-- techniques: T1496.004
-- description: SES sending was switched on (UpdateAccountSendingEnabled with enabled true, SES v2 PutAccountSendingAttributes with sendingEnabled true) or production access was requested (PutAccountDetails). Attackers with stolen keys turn SES into a spam and phishing relay that sends from the victim's reputation.
-- false_positives: Teams onboarding a new application to SES.
-- references: https://permiso.io/blog/s/aws-ses-pionage-detecting-ses-abuse/, https://docs.aws.amazon.com/ses/latest/APIReference/API_UpdateAccountSendingEnabled.html
-- tags: ses, impact
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name IN ('UpdateAccountSendingEnabled', 'PutAccountSendingAttributes', 'PutAccountDetails')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'PutAccountDetails' THEN 'SES production access requested in ' || aws_region
      || coalesce(' (website ' || json_extract(rp, '$.websiteURL') || ')', '')
    ELSE 'SES sending enabled in ' || aws_region
  END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE event_name = 'PutAccountDetails' OR lower(CAST(coalesce(json_extract(rp, '$.enabled'), json_extract(rp, '$.sendingEnabled')) AS TEXT)) IN ('1', 'true')
GROUP BY id
ORDER BY first_time, identity, summary;
