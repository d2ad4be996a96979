-- id: ct_org_leave_organization
-- title: Account left or tried to leave its AWS Organization
-- severity: high
-- tactics: TA0005
-- techniques: T1666
-- description: LeaveOrganization removes a member account from its AWS Organization, taking it out of the reach of service control policies, organization trails, delegated GuardDuty and Security Hub. Failed attempts are reported too: a compromised principal probing for the permission is already suspicious.
-- false_positives: Planned account transfers between organizations.
-- references: https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.organizations-leave/
-- tags: organizations, defense-evasion
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent
  FROM events
  WHERE event_name = 'LeaveOrganization'
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
  CASE WHEN error_code IS NULL THEN 'account ' || recipient_account_id || ' left its AWS Organization'
       ELSE 'attempt to leave the AWS Organization failed (' || error_code || ')' END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
