-- id: ct_iam_admin_policy_attached
-- title: Administrator-equivalent managed policy attached to a user, role or group
-- severity: high
-- tactics: TA0004, TA0003
-- techniques: T1098.003
-- description: A successful AttachUserPolicy, AttachRolePolicy or AttachGroupPolicy whose policyArn is an AWS managed policy that amounts to administrator access - AdministratorAccess, PowerUserAccess (everything except IAM and Organizations), IAMFullAccess (can grant itself anything), AWSOrganizationsFullAccess, and the service administrator policies AdministratorAccess-Amplify and AdministratorAccess-AWSElasticBeanstalk. Granting such a policy to a principal the attacker controls is the most common privilege escalation and persistence step in AWS intrusions.
-- false_positives: Planned grants to administrator roles and groups, usually by infrastructure-as-code or the identity team; allowlist those principals.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-admin-user/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_iam_attach_critical_managed_policy.yml, https://attack.mitre.org/techniques/T1098/003/
-- tags: iam, privilege-escalation, persistence
-- allowlist: principal, ip
WITH a AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         invoked_by, access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy')
    AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist al
                    WHERE al.kind = 'principal'
                      AND al.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
c AS (
  SELECT *, json_extract(rp, '$.policyArn') AS policy_arn,
    -- the policy name: what follows the last '/'
    substr(json_extract(rp, '$.policyArn'),
           length(rtrim(json_extract(rp, '$.policyArn'), replace(json_extract(rp, '$.policyArn'), '/', ''))) + 1)
      AS policy
  FROM a
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  policy || ' attached to '
    || CASE event_name WHEN 'AttachUserPolicy' THEN 'user ' || json_extract(rp, '$.userName')
                       WHEN 'AttachRolePolicy' THEN 'role ' || json_extract(rp, '$.roleName')
                       ELSE 'group ' || json_extract(rp, '$.groupName') END AS summary,
  json_array(event_id) AS evidence
FROM c
WHERE policy_arn LIKE 'arn:%:iam::aws:policy/%'
  AND policy IN ('AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess', 'AWSOrganizationsFullAccess',
                 'AdministratorAccess-Amplify', 'AdministratorAccess-AWSElasticBeanstalk')
ORDER BY first_time, summary, evidence;
