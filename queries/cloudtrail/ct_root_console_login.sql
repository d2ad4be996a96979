-- id: ct_root_console_login
-- title: Root user signed in to the console
-- severity: high
-- tactics: TA0001, TA0004
-- techniques: T1078.004
-- description: A successful ConsoleLogin by the account root user (userIdentity.type Root, responseElements.ConsoleLogin Success) without MFA (additionalEventData.MFAUsed not Yes), or with MFA from an address that no other principal of the account used in the index. The root user cannot be restricted by IAM policies and is needed only for a handful of account tasks, so each sign-in should match a planned break-glass or account-management action; a sign-in with MFA from the address the account's people and workloads work from is such a planned task, and the root user's API calls then still appear in ct_root_activity. The summary shows whether MFA was used. Root sign-ins are recorded in us-east-1.
-- false_positives: Planned root tasks (changing the support plan, closing the account, restoring IAM access, tasks listed in the AWS guide to tasks that require root) done from an address the index has no other activity from, such as a home connection or a short index; allowlist the break-glass source addresses, or the root ARN of sandbox accounts.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_root_account_usage.yml, https://attack.mitre.org/techniques/T1078/004/
-- tags: root, sign-in, console
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  identity_arn AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'root console sign-in ' || CASE json_extract(additional_event_data, '$.MFAUsed')
                               WHEN 'Yes' THEN 'with MFA' WHEN 'No' THEN 'WITHOUT MFA' ELSE '(MFA unknown)' END
    || ' from ' || coalesce(source_ip_address, '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'ConsoleLogin'
  AND +event_source = 'signin.amazonaws.com'  -- unary +: look events up by name, not by source
  AND identity_type = 'Root'
  AND error_message IS NULL
  AND json_extract(response_elements, '$.ConsoleLogin') = 'Success'
  -- with MFA from where the account's other principals work: a planned root task
  AND (json_extract(additional_event_data, '$.MFAUsed') IS NOT 'Yes'
       OR NOT EXISTS (SELECT 1 FROM events o WHERE o.source_ip_address = events.source_ip_address
                      AND +o.recipient_account_id = events.recipient_account_id  -- by address, not account
                      AND coalesce(o.identity_type, '') NOT IN ('Root', 'AWSService')))
  AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal' AND a.value = identity_arn)
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
