-- id: ct_iam_mfa_removed
-- title: MFA device deactivated or deleted
-- severity: medium
-- tactics: TA0005, TA0006, TA0003
-- techniques: T1556.006
-- description: A successful DeactivateMFADevice (removes an MFA device from a user; requestParameters userName and serialNumber) or DeleteVirtualMFADevice (deletes a virtual MFA device; serialNumber). Without the device the user, or the root user when no userName is given, signs in with the password alone, and MFA conditions in policies stop protecting them; attackers remove MFA to keep password access or to register their own device.
-- false_positives: A user replacing a lost or new phone (deactivate, delete, then enable a new device shortly after) and administrators helping them; review whether a new device was enabled by the same user, or allowlist help-desk principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html, https://attack.mitre.org/techniques/T1556/006/
-- tags: iam, mfa, credential-access
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'DeactivateMFADevice' THEN 'MFA device deactivated: ' ELSE 'virtual MFA device deleted: ' END
    || coalesce(json_extract(request_parameters, '$.serialNumber'), '?')
    || CASE WHEN event_name = 'DeactivateMFADevice'
            THEN ' for ' || coalesce('user ' || json_extract(request_parameters, '$.userName'),
                                     CASE identity_type WHEN 'Root' THEN 'the root user' ELSE 'the caller' END)
            ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
