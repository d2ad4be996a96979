-- id: ct_root_access_key_created
-- title: Access key created for the root user
-- severity: critical
-- tactics: TA0003
-- techniques: T1098.001
-- description: A successful iam:CreateAccessKey made by the root user without a userName parameter, which creates a long-term access key for the root user itself. Root access keys give unrestricted programmatic access that no IAM policy can limit; AWS recommends never having one, so a new key is either a serious hygiene lapse or an attacker securing persistent access after taking over the root login. The new key id comes from responseElements.accessKey.accessKeyId.
-- false_positives: Practically none; a few legacy tools required root keys. Confirm with the account owner and delete the key.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html, https://attack.mitre.org/techniques/T1098/001/
-- tags: root, iam, access-key, persistence
-- allowlist: none
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  identity_arn AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'root access key created: ' || coalesce(json_extract(response_elements, '$.accessKey.accessKeyId'), '?')
    || coalesce(' (' || json_extract(response_elements, '$.accessKey.status') || ')', '') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'CreateAccessKey'
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND identity_type = 'Root'
  AND error_code IS NULL
  AND json_extract(request_parameters, '$.userName') IS NULL
ORDER BY first_time, summary, evidence;
