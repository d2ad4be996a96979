-- id: ct_detective_disabled
-- title: Amazon Detective behavior graph deleted or membership removed
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.001
-- description: A successful Amazon Detective DeleteGraph (the behavior graph and its collected data are deleted), DisassociateMembership (a member account takes itself out of the administrator's graph) or DeleteMembers (the administrator removes accounts). Investigators lose the entity timelines Detective builds from CloudTrail, VPC Flow Logs and GuardDuty findings. Detective records its request members in PascalCase (GraphArn, AccountIds); camelCase is read as a fallback.
-- false_positives: Turning Detective off to save cost or reorganising the administrator account; allowlist the principals that own the security tooling.
-- references: https://docs.aws.amazon.com/detective/latest/APIReference/API_DeleteGraph.html, https://docs.aws.amazon.com/detective/latest/APIReference/API_DisassociateMembership.html, https://docs.aws.amazon.com/detective/latest/adminguide/logging-using-cloudtrail.html, https://attack.mitre.org/techniques/T1562/001/
-- tags: detective, security-tooling, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'DeleteGraph' THEN 'behavior graph deleted: '
    WHEN 'DisassociateMembership' THEN 'account left behavior graph: '
    ELSE 'members removed from behavior graph: ' END
    || coalesce(json_extract(request_parameters, '$.GraphArn'), json_extract(request_parameters, '$.graphArn'), '?')
    || coalesce(' (accounts ' || (SELECT group_concat(value, ', ')
                                  FROM json_each(coalesce(json_extract(request_parameters, '$.AccountIds'),
                                                          json_extract(request_parameters, '$.accountIds'))))
                || ')', '') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('DeleteGraph', 'DisassociateMembership', 'DeleteMembers')
  AND event_source = 'detective.amazonaws.com'
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
