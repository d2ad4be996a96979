-- id: ct_iam_admin_inline_policy
-- title: Policy granting every action on every resource written
-- severity: high
-- tactics: TA0004, TA0003
-- techniques: T1098.003
-- description: A successful PutUserPolicy, PutRolePolicy or PutGroupPolicy (inline policy), CreatePolicyVersion with setAsDefault true, or CreatePolicy, whose policy document has an Allow statement with Action "*" (or "*:*", or the admin-equivalent "iam:*") on Resource "*". CloudTrail records requestParameters.policyDocument as a JSON document inside a string; the rule parses it, accepting Statement as one object or an array and Action and Resource as a string or an array, and falls back to URL-decoding documents that older records stored percent-encoded. Rewriting the default version of a policy already attached to the attacker is a classic escalation (iam:CreatePolicyVersion).
-- false_positives: Break-glass and administrator roles defined by infrastructure-as-code; allowlist the deploying principals. A Deny or NotAction statement is not reported.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html, https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_iam_privileged_inline_policy_creation.yml, https://attack.mitre.org/techniques/T1098/003/
-- tags: iam, policy, privilege-escalation, persistence
-- allowlist: principal, ip
WITH p AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         invoked_by, access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy', 'CreatePolicy', 'CreatePolicyVersion')
    AND event_source = 'iam.amazonaws.com'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
raw AS (
  SELECT p.*, json_extract(rp, '$.policyDocument') AS raw_doc
  FROM p
  WHERE event_name <> 'CreatePolicyVersion' OR json_extract(rp, '$.setAsDefault') = 1
),
docs AS MATERIALIZED (
  SELECT raw.*,
    CASE WHEN json_valid(raw_doc) THEN raw_doc
    ELSE -- percent-encoded document (older records): decode the characters policy JSON uses
      replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      replace(replace(replace(replace(replace(
        raw_doc, '+', ' '), '%20', ' '), '%0A', char(10)), '%0a', char(10)), '%0D', ''), '%0d', ''),
        '%09', char(9)), '%7B', '{'), '%7b', '{'), '%7D', '}'), '%7d', '}'), '%22', '"'), '%3A', ':'),
        '%3a', ':'), '%2C', ','), '%2c', ','), '%5B', '['), '%5b', '['), '%5D', ']'), '%5d', ']'),
        '%2A', '*'), '%2a', '*'), '%2F', '/'), '%2f', '/'), '%25', '%')
    END AS doc
  FROM raw
),
stmts AS (
  SELECT docs.id, s.value AS stmt
  FROM docs, json_each(CASE json_type(docs.doc, '$.Statement')
                         WHEN 'array' THEN json_extract(docs.doc, '$.Statement')
                         ELSE json_array(json(json_extract(docs.doc, '$.Statement'))) END) s
  WHERE json_valid(docs.doc)
),
admin AS (
  SELECT stmts.id, min(act.value) AS action
  FROM stmts, json_each(stmts.stmt, '$.Action') act
  WHERE json_extract(stmts.stmt, '$.Effect') = 'Allow'
    AND lower(act.value) IN ('*', '*:*', 'iam:*')
    AND EXISTS (SELECT 1 FROM json_each(stmts.stmt, '$.Resource') r WHERE r.value = '*')
  GROUP BY stmts.id
)
SELECT
  docs.event_time AS first_time,
  docs.event_time AS last_time,
  docs.recipient_account_id AS account,
  docs.aws_region AS region,
  coalesce(docs.identity_arn, docs.user_name, docs.invoked_by) AS identity,
  nullif(docs.access_key_id, '') AS access_key,
  docs.source_ip_address AS source_ip,
  CASE docs.event_name
    WHEN 'PutUserPolicy' THEN 'inline policy ' || json_extract(docs.rp, '$.policyName') || ' on user '
                              || json_extract(docs.rp, '$.userName')
    WHEN 'PutRolePolicy' THEN 'inline policy ' || json_extract(docs.rp, '$.policyName') || ' on role '
                              || json_extract(docs.rp, '$.roleName')
    WHEN 'PutGroupPolicy' THEN 'inline policy ' || json_extract(docs.rp, '$.policyName') || ' on group '
                               || json_extract(docs.rp, '$.groupName')
    WHEN 'CreatePolicy' THEN 'new managed policy ' || json_extract(docs.rp, '$.policyName')
    ELSE 'new default version of ' || json_extract(docs.rp, '$.policyArn')
  END || ' allows Action ' || admin.action || ' on Resource *' AS summary,
  json_array(docs.event_id) AS evidence
FROM docs JOIN admin ON admin.id = docs.id
ORDER BY first_time, summary, evidence;
