-- id: ct_iam_user_created_with_key
-- title: New IAM user given an access key right after creation
-- severity: high
-- tactics: TA0003
-- techniques: T1136.003, T1098.001
-- description: A successful CreateUser followed within :window_minutes by a successful CreateAccessKey for that same user (requestParameters.userName) in the same account - the scripted "create a backdoor user with keys" step seen in many intrusions (often with an administrator policy attached in between, which ct_iam_admin_policy_attached reports). One row per created user, with the key creations that followed; the identity is the principal that created the user.
-- false_positives: Provisioning of service users by infrastructure-as-code or identity automation; allowlist those principals.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-admin-user/, https://attack.mitre.org/techniques/T1136/003/
-- tags: iam, access-key, persistence, correlation
-- allowlist: principal, ip
-- param: window_minutes = 30 | maximum minutes between CreateUser and CreateAccessKey
WITH u AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region,
         coalesce(identity_arn, user_name, invoked_by) AS caller, nullif(access_key_id, '') AS access_key,
         source_ip_address, json_extract(request_parameters, '$.userName') AS new_user
  FROM events
  WHERE event_name = 'CreateUser'
    AND event_source = 'iam.amazonaws.com'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
k AS MATERIALIZED (
  SELECT id, event_ts, event_id, recipient_account_id,
         json_extract(request_parameters, '$.userName') AS target,
         json_extract(response_elements, '$.accessKey.accessKeyId') AS new_key
  FROM events
  WHERE event_name = 'CreateAccessKey'
    AND event_source = 'iam.amazonaws.com'
    AND error_code IS NULL
),
pairs AS MATERIALIZED (
  SELECT u.id AS uid, k.id AS kid, k.event_ts AS k_ts, k.event_id AS k_event_id, k.new_key
  FROM u JOIN k
    ON k.recipient_account_id = u.recipient_account_id
   AND k.target = u.new_user
   AND k.event_ts BETWEEN u.event_ts AND u.event_ts + :window_minutes * 60000
),
chain AS (
  SELECT u.id AS uid, u.event_ts AS ts, u.id AS rid, u.event_id, NULL AS new_key
  FROM u WHERE u.id IN (SELECT uid FROM pairs)
  UNION ALL
  SELECT uid, k_ts, kid, k_event_id, new_key FROM pairs
),
agg AS (
  SELECT uid,
    row_number() OVER w AS rn,
    max(ts) OVER g AS last_ts,
    count(*) OVER g - 1 AS n_keys,
    json_group_array(event_id) OVER g AS evidence,
    group_concat(new_key, ', ') OVER g AS keys
  FROM chain
  WINDOW w AS (PARTITION BY uid ORDER BY ts, rid),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT
  u.event_time AS first_time,
  strftime('%Y-%m-%dT%H:%M:%fZ', a.last_ts / 1000.0, 'unixepoch') AS last_time,
  u.recipient_account_id AS account,
  u.aws_region AS region,
  u.caller AS identity,
  u.access_key,
  u.source_ip_address AS source_ip,
  'user ' || u.new_user || ' created and given access key' || CASE WHEN a.n_keys > 1 THEN 's ' ELSE ' ' END
    || coalesce(a.keys, '?')
    || CASE WHEN a.last_ts - u.event_ts < 60000 THEN ' within a minute'
            ELSE ' within ' || ((a.last_ts - u.event_ts + 59999) / 60000) || ' minutes' END AS summary,
  a.evidence
FROM u JOIN agg a ON a.uid = u.id AND a.rn = 1
ORDER BY first_time, summary, evidence;
