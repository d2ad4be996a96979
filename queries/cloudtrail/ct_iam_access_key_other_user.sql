-- id: ct_iam_access_key_other_user
-- title: Access key created for another IAM user
-- severity: medium
-- tactics: TA0003
-- techniques: T1098.001
-- description: A successful CreateAccessKey whose requestParameters.userName names a user other than the caller (role sessions and the root user always count as other callers). A second access key on an existing user is a quiet backdoor - it survives a password reset and rotation of the user's original key - and iam:CreateAccessKey on other users is a well-known privilege escalation path. The new key id comes from responseElements.accessKey.accessKeyId.
-- false_positives: Provisioning pipelines and administrators issuing keys to service users, key-rotation automation; allowlist those principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-user/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_iam_backdoor_users_keys.yml, https://attack.mitre.org/techniques/T1098/001/
-- tags: iam, access-key, persistence
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'access key ' || coalesce(json_extract(response_elements, '$.accessKey.accessKeyId'), '?')
    || ' created for user ' || json_extract(request_parameters, '$.userName') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'CreateAccessKey'
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.userName') IS NOT NULL
  AND json_extract(request_parameters, '$.userName') IS NOT coalesce(user_name, '')
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
