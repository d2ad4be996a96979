-- id: ct_root_activity
-- title: API activity by the root user
-- severity: medium
-- tactics: TA0001, TA0004
-- techniques: T1078.004
-- description: API calls made with root user credentials (userIdentity.type Root), one row per account, source address, access key (a console session or a root access key) and UTC day, with the number of calls, how many changed something (readOnly false) or failed, and the names of the changing calls. Sign-in records (signin.amazonaws.com - ConsoleLogin, CheckMfa, PasswordUpdated and the like) are left out because ct_root_console_login and the other root rules report them; so are AwsServiceEvent records and calls an AWS service made for the root user (invokedBy set), which are not the root user acting.
-- false_positives: The few tasks that require root (support plan, account closure, some billing and S3 bucket-policy recovery tasks); these show as short console sessions from known addresses - allowlist those addresses or the root ARN of sandbox accounts.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_root_account_usage.yml, https://attack.mitre.org/techniques/T1078/004/
-- tags: root, identity
-- allowlist: principal, ip
-- identity_type is not indexed but identity_arn is: the range on identity_arn
-- lets SQLite walk the ARNs through the index and fetch only root events
WITH hits AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, read_only, error_code, recipient_account_id,
         aws_region, identity_arn, source_ip_address, nullif(access_key_id, '') AS access_key,
         substr(event_time, 1, 10) AS day
  FROM events
  WHERE id IN (SELECT e.id FROM ev e WHERE e.iarn IN (SELECT id FROM strs WHERE s GLOB 'arn:aws*:iam::*:root'))
    AND identity_arn >= 'arn:aws' AND identity_arn < 'arn:awt'
    AND identity_arn GLOB 'arn:aws*:iam::*:root'
    AND identity_type = 'Root'
    AND event_source <> 'signin.amazonaws.com'
    AND coalesce(event_type, '') <> 'AwsServiceEvent'
    AND invoked_by IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal' AND a.value = identity_arn)
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
grp AS (
  SELECT *,
    row_number() OVER w AS rn,
    max(event_time) OVER g AS last_time,
    count(*) OVER g AS n,
    sum(read_only = 0) OVER g AS n_write,
    sum(error_code IS NOT NULL) OVER g AS n_error,
    json_group_array(event_id) OVER g AS evidence
  FROM hits
  WINDOW w AS (PARTITION BY recipient_account_id, source_ip_address, access_key, day ORDER BY event_ts, id),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
-- names of the calls that changed something, sorted, once per group
writes AS (
  SELECT DISTINCT recipient_account_id, source_ip_address, access_key, day, event_name
  FROM hits WHERE read_only = 0
),
write_names AS (
  SELECT recipient_account_id, source_ip_address, access_key, day,
    row_number() OVER w AS rn,
    group_concat(event_name, ', ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS names
  FROM writes
  WINDOW w AS (PARTITION BY recipient_account_id, source_ip_address, access_key, day ORDER BY event_name)
)
SELECT
  grp.event_time AS first_time,
  grp.last_time,
  grp.recipient_account_id AS account,
  grp.aws_region AS region,
  grp.identity_arn AS identity,
  grp.access_key,
  grp.source_ip_address AS source_ip,
  'root made ' || grp.n || CASE grp.n WHEN 1 THEN ' API call' ELSE ' API calls' END
    || ' from ' || coalesce(grp.source_ip_address, '?')
    || CASE WHEN grp.n_write = 0 THEN ' (read-only'
            ELSE ' (' || grp.n_write || ' changing: '
                 || CASE WHEN length(wn.names) > 200 THEN substr(wn.names, 1, 197) || '...' ELSE wn.names END END
    || CASE WHEN grp.n_error > 0 THEN '; ' || grp.n_error || ' failed' ELSE '' END || ')' AS summary,
  grp.evidence
FROM grp
LEFT JOIN write_names wn
  ON wn.rn = 1
 AND wn.recipient_account_id IS grp.recipient_account_id
 AND wn.source_ip_address IS grp.source_ip_address
 AND wn.access_key IS grp.access_key
 AND wn.day = grp.day
WHERE grp.rn = 1
ORDER BY first_time, summary, evidence;
