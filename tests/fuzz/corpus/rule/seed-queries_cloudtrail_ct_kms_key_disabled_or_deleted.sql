-- id: ct_kms_key_disabled_or_deleted
-- title: KMS key disabled or scheduled for deletion
-- severity: high
-- tactics: TA0040
-- techniques: T1485
-- description: A successful ScheduleKeyDeletion or DisableKey. Everything encrypted under the key (EBS volumes, RDS, S3 SSE-KMS objects, secrets) becomes unreadable while it is disabled and permanently once it is deleted after the pending window.
-- false_positives: Retiring keys of decommissioned workloads.
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html, https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
-- tags: kms, impact
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name IN ('ScheduleKeyDeletion', 'DisableKey')
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
  CASE event_name WHEN 'ScheduleKeyDeletion' THEN 'KMS key ' || coalesce(json_extract(re, '$.keyId'), json_extract(rp, '$.keyId'), '?') || ' scheduled for deletion' || coalesce(' on ' || json_extract(re, '$.deletionDate'), ' in ' || json_extract(rp, '$.pendingWindowInDays') || ' days', '') ELSE 'KMS key ' || coalesce(json_extract(rp, '$.keyId'), '?') || ' disabled' END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
