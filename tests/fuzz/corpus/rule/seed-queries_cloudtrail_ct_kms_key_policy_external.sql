-- id: ct_kms_key_policy_external
-- title: KMS key policy opened to another account or to everyone
-- severity: high
-- tactics: TA0003, TA0010
-- techniques: T1098, T1537
-- description: A successful PutKeyPolicy or CreateKey whose policy (a JSON string in requestParameters.policy) has an Allow statement for Principal "*" / {"AWS": "*"} without a condition that narrows the caller (kms:CallerAccount, kms:ViaService, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceVpc(e)), or for an AWS principal (account id or IAM ARN) in another account that is not allowlisted. That account can then use or administer the key, decrypting data protected by it or keeping access to it after remediation.
-- false_positives: Keys shared with a central logging, backup or security account (allowlist the account); cross-account encrypted snapshot or AMI sharing.
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html, https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
-- tags: kms, persistence, exfiltration
-- allowlist: principal, account
WITH puts AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp, response_elements AS re,
         json_extract(request_parameters, '$.policy') AS doc
  FROM events
  WHERE event_name IN ('PutKeyPolicy', 'CreateKey')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
principals AS (
  -- every principal value of every Allow statement; p.path is the statement's path
  SELECT puts.id, p.path AS spath,
         CASE p.type WHEN 'text' THEN p.atom ELSE w.value END AS who
  FROM puts, json_tree(puts.doc, '$.Statement') p
  LEFT JOIN json_each(CASE WHEN p.type = 'object' THEN p.value ELSE '{}' END, '$.AWS') w
  WHERE json_valid(puts.doc)
    AND p.key = 'Principal'
    AND json_extract(puts.doc, p.path || '.Effect') = 'Allow'
),
bad AS (
  SELECT principals.id, principals.who,
         CASE WHEN principals.who = '*' THEN 'everyone (*)'
              ELSE 'account ' || CASE WHEN principals.who GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
                                      THEN principals.who
                                      ELSE substr(principals.who, instr(principals.who, '::') + 2, 12) END END AS what,
         coalesce(json_extract(puts.doc, principals.spath || '.Action'), '(NotAction)') AS actions
  FROM principals JOIN puts ON puts.id = principals.id
  WHERE principals.who IS NOT NULL
    AND CASE WHEN principals.who = '*' THEN
          NOT EXISTS (SELECT 1 FROM json_each(puts.doc, principals.spath || '.Condition') op, json_each(op.value) ck
                      WHERE op.type = 'object'
                        AND lower(ck.key) IN ('kms:calleraccount', 'kms:viaservice', 'aws:principalorgid',
                                              'aws:principalorgpaths', 'aws:principalaccount', 'aws:principalarn',
                                              'aws:sourceaccount', 'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce',
                                              'aws:userid', 'aws:principalservicename'))
        ELSE (principals.who GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
              OR principals.who GLOB 'arn:aws*:iam::[0-9]*:*'
              OR principals.who GLOB 'arn:aws*:sts::[0-9]*:*')
             AND CASE WHEN principals.who GLOB '[0-9]*' AND length(principals.who) = 12 THEN principals.who
                      ELSE substr(principals.who, instr(principals.who, '::') + 2, 12) END
                 NOT IN (SELECT puts.recipient_account_id UNION SELECT value FROM allowlist WHERE kind = 'account')
        END
)
SELECT
  min(puts.event_time) AS first_time,
  max(puts.event_time) AS last_time,
  puts.recipient_account_id AS account,
  puts.aws_region AS region,
  coalesce(puts.identity_arn, puts.user_name) AS identity,
  puts.access_key_id AS access_key,
  puts.source_ip_address AS source_ip,
  puts.event_name || ': key ' || coalesce(json_extract(puts.rp, '$.keyId'), json_extract(puts.re, '$.keyMetadata.keyId'), '?')
    || ' policy allows ' || group_concat(bad.what || ' ' || bad.actions, '; ') AS summary,
  json_group_array(DISTINCT puts.event_id) AS evidence
FROM puts JOIN bad ON bad.id = puts.id
GROUP BY puts.id
ORDER BY first_time, identity, summary;
