-- id: ct_iam_role_trust_opened
-- title: Role trust policy allows a foreign account or anyone
-- severity: high
-- tactics: TA0003, TA0004
-- techniques: T1098.003
-- description: A successful UpdateAssumeRolePolicy (requestParameters.policyDocument) or CreateRole (requestParameters.assumeRolePolicyDocument) whose trust policy has an Allow statement for a principal outside the account - Principal "*", Principal.AWS "*", or an AWS principal (account id, root ARN, user or role ARN) in another account. A role that an outside account can assume is a durable backdoor: it survives key rotation and user deletion (the technique Stratus Red Team calls iam-backdoor-role). Both documents are JSON strings inside requestParameters; Statement may be an object or an array and Principal.AWS a string or an array. Accounts listed in the allowlist with kind 'account' (trusted partners, the organization's own accounts) are not reported. When the statement carries a Condition, its keys are shown.
-- false_positives: Cross-account roles for the organization's other accounts, vendors (usually with an sts:ExternalId condition) and CI systems; put those account ids in the allowlist with kind 'account', or allowlist the deploying principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-role/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_iam_assume_role_policy_updated.yml, https://attack.mitre.org/techniques/T1098/003/
-- tags: iam, role, trust-policy, persistence
-- allowlist: principal, ip, account
WITH p AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         invoked_by, access_key_id, source_ip_address,
         json_extract(request_parameters, '$.roleName') AS role_name,
         CASE event_name WHEN 'CreateRole' THEN json_extract(request_parameters, '$.assumeRolePolicyDocument')
                         ELSE json_extract(request_parameters, '$.policyDocument') END AS doc
  FROM events
  WHERE event_name IN ('UpdateAssumeRolePolicy', 'CreateRole')
    AND event_source = 'iam.amazonaws.com'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
stmts AS (
  SELECT p.id, s.value AS stmt
  FROM p, json_each(CASE json_type(p.doc, '$.Statement')
                      WHEN 'array' THEN json_extract(p.doc, '$.Statement')
                      ELSE json_array(json(json_extract(p.doc, '$.Statement'))) END) s
  WHERE json_valid(p.doc)
    AND json_extract(s.value, '$.Effect') = 'Allow'
),
-- one row per trusted AWS principal: '*' or the account id it belongs to
trusted AS (
  SELECT stmts.id, '*' AS who, stmts.stmt
  FROM stmts WHERE json_type(stmts.stmt, '$.Principal') = 'text' AND json_extract(stmts.stmt, '$.Principal') = '*'
  UNION ALL
  SELECT stmts.id,
    CASE WHEN a.value = '*' THEN '*'
         WHEN a.value LIKE 'arn:%' THEN substr(a.value, instr(a.value, '::') + 2, 12)
         WHEN a.value GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' THEN a.value
         END,  -- a unique id (AIDA..., AROA...) left from a deleted principal names no account
    stmts.stmt
  FROM stmts, json_each(stmts.stmt, '$.Principal.AWS') a
  WHERE json_type(stmts.stmt, '$.Principal') = 'object'
),
outside AS (
  SELECT t.id, t.who, t.stmt
  FROM trusted t JOIN p ON p.id = t.id
  WHERE t.who = '*'
     OR (t.who IS NOT NULL
         AND t.who <> p.recipient_account_id
         AND t.who NOT IN (SELECT value FROM allowlist WHERE kind = 'account'))
),
per_event AS (
  SELECT id,
    row_number() OVER w AS rn,
    group_concat(CASE who WHEN '*' THEN 'anyone (*)' ELSE 'account ' || who END, ', ')
      OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS whos
  FROM (SELECT DISTINCT id, who FROM outside)
  WINDOW w AS (PARTITION BY id ORDER BY who)
),
-- condition operators and keys of the statements that open the role, e.g. StringEquals sts:ExternalId
conditions AS (
  SELECT id,
    row_number() OVER w AS rn,
    group_concat(cond, ', ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS conds
  FROM (SELECT DISTINCT outside.id, o.key || ' ' || k.key AS cond
        FROM outside, json_each(outside.stmt, '$.Condition') o, json_each(o.value) k)
  WINDOW w AS (PARTITION BY id ORDER BY cond)
)
SELECT
  p.event_time AS first_time,
  p.event_time AS last_time,
  p.recipient_account_id AS account,
  p.aws_region AS region,
  coalesce(p.identity_arn, p.user_name, p.invoked_by) AS identity,
  nullif(p.access_key_id, '') AS access_key,
  p.source_ip_address AS source_ip,
  CASE p.event_name WHEN 'CreateRole' THEN 'new role ' ELSE 'trust policy of role ' END
    || coalesce(p.role_name, '?') || ' allows ' || e.whos || ' to assume it'
    || coalesce(' (condition: ' || c.conds || ')', '') AS summary,
  json_array(p.event_id) AS evidence
FROM p
JOIN per_event e ON e.id = p.id AND e.rn = 1
LEFT JOIN conditions c ON c.id = p.id AND c.rn = 1
ORDER BY first_time, summary, evidence;
