-- id: ct_iam_quarantine_policy_attached
-- title: AWS applied its compromised-key quarantine policy
-- severity: high
-- tactics: TA0006, TA0001
-- techniques: T1552, T1078.004
-- description: The AWS managed policy AWSCompromisedKeyQuarantine, AWSCompromisedKeyQuarantineV2 or AWSCompromisedKeyQuarantineV3 was attached (AttachUserPolicy, AttachRolePolicy or AttachGroupPolicy), or the older inline quarantine policy (AWSExposedCredentialPolicy_DO_NOT_REMOVE) was put on a user. AWS does this when it finds an access key exposed publicly, for example committed to a public GitHub repository, and opens a support case at the same time. The key must be treated as stolen: the quarantine only denies a set of high-risk actions, so review everything the key did before and after.
-- false_positives: None expected; the policy is applied by AWS. An administrator testing the policy by hand is the only benign case.
-- references: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV2.html, https://github.com/elastic/detection-rules/blob/main/rules/integrations/aws/credential_access_iam_compromisedkeyquarantine_policy_attached_to_user.toml, https://attack.mitre.org/techniques/T1552/
-- tags: iam, access-key, exposed-credentials
-- allowlist: none
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by, identity_principal_id) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  coalesce(substr(json_extract(request_parameters, '$.policyArn'),
                  instr(json_extract(request_parameters, '$.policyArn'), ':policy/') + 8),
           json_extract(request_parameters, '$.policyName'))
    || ' applied to '
    || CASE WHEN json_extract(request_parameters, '$.userName') IS NOT NULL
              THEN 'user ' || json_extract(request_parameters, '$.userName')
            WHEN json_extract(request_parameters, '$.roleName') IS NOT NULL
              THEN 'role ' || json_extract(request_parameters, '$.roleName')
            ELSE 'group ' || coalesce(json_extract(request_parameters, '$.groupName'), '?') END
    || ': AWS found an exposed access key' AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy', 'PutUserPolicy')
  AND event_source = 'iam.amazonaws.com'
  AND error_code IS NULL
  AND (json_extract(request_parameters, '$.policyArn') LIKE 'arn:%:iam::aws:policy/AWSCompromisedKeyQuarantine%'
       OR json_extract(request_parameters, '$.policyName') IN ('AWSExposedCredentialPolicy_DO_NOT_REMOVE',
                                                              'AWSCompromisedKeyQuarantine',
                                                              'AWSCompromisedKeyQuarantineV2',
                                                              'AWSCompromisedKeyQuarantineV3'))
ORDER BY first_time, summary, evidence;
