-- id: ct_iam_login_profile_then_login
-- title: Console password set for another user, then used to sign in
-- severity: high
-- tactics: TA0003, TA0004, TA0001
-- techniques: T1098, T1078.004
-- description: A successful CreateLoginProfile or UpdateLoginProfile on another IAM user (as in ct_iam_login_profile_other_user) followed within :window_minutes by a successful ConsoleLogin of that same user in the same account. Setting a password and signing in with it right away is the takeover pattern seen in real intrusions - an administrator resetting a password for a colleague normally expects a reset at next sign-in and the colleague signs in later, from the colleague's usual address. One row per password change, with the sign-ins that followed; the summary gives the delay and the sign-in addresses.
-- false_positives: Onboarding where an administrator creates the console password and the new user signs in at once; allowlist onboarding automation, or compare the sign-in address with the caller's.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.privilege-escalation.iam-update-user-login-profile/, https://attack.mitre.org/techniques/T1098/
-- tags: iam, console, sign-in, persistence, correlation
-- allowlist: principal, ip
-- param: window_minutes = 60 | maximum minutes between the password change and the sign-in
WITH p AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, recipient_account_id, aws_region,
         coalesce(identity_arn, user_name, invoked_by) AS caller, nullif(access_key_id, '') AS access_key,
         source_ip_address, json_extract(request_parameters, '$.userName') AS target
  FROM events
  WHERE event_name IN ('CreateLoginProfile', 'UpdateLoginProfile')
    AND event_source = 'iam.amazonaws.com'
    AND error_code IS NULL
    AND json_extract(request_parameters, '$.userName') IS NOT NULL
    AND json_extract(request_parameters, '$.userName') IS NOT coalesce(user_name, '')
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
l AS MATERIALIZED (
  SELECT id, event_ts, event_id, recipient_account_id, user_name, source_ip_address
  FROM events
  WHERE event_name = 'ConsoleLogin'
    AND event_source = 'signin.amazonaws.com'
    AND identity_type = 'IAMUser'
    AND error_message IS NULL
    AND json_extract(response_elements, '$.ConsoleLogin') = 'Success'
),
pairs AS MATERIALIZED (
  SELECT p.id AS pid, l.id AS lid, l.event_ts AS l_ts, l.event_id AS l_event_id, l.source_ip_address AS l_ip
  FROM p JOIN l
    ON l.recipient_account_id = p.recipient_account_id
   AND l.user_name = p.target
   AND l.event_ts BETWEEN p.event_ts AND p.event_ts + :window_minutes * 60000
),
-- the password change and its sign-ins, in time order
chain AS (
  SELECT p.id AS pid, p.event_ts AS ts, p.id AS rid, p.event_id FROM p WHERE p.id IN (SELECT pid FROM pairs)
  UNION ALL
  SELECT pid, l_ts, lid, l_event_id FROM pairs
),
ev AS (
  SELECT pid,
    row_number() OVER w AS rn,
    count(*) OVER g - 1 AS n_logins,
    json_group_array(event_id) OVER g AS evidence
  FROM chain
  WINDOW w AS (PARTITION BY pid ORDER BY ts, rid),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
first_login AS (
  SELECT pid, min(l_ts) AS l_ts FROM pairs GROUP BY pid
),
ips AS (
  SELECT pid,
    row_number() OVER w AS rn,
    group_concat(l_ip, ', ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS l_ips
  FROM (SELECT DISTINCT pid, coalesce(l_ip, '?') AS l_ip FROM pairs)
  WINDOW w AS (PARTITION BY pid ORDER BY l_ip)
)
SELECT
  p.event_time AS first_time,
  strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT max(l_ts) FROM pairs WHERE pairs.pid = p.id) / 1000.0, 'unixepoch') AS last_time,
  p.recipient_account_id AS account,
  p.aws_region AS region,
  p.caller AS identity,
  p.access_key,
  p.source_ip_address AS source_ip,
  CASE p.event_name WHEN 'CreateLoginProfile' THEN 'console password created for user '
                    ELSE 'console password changed for user ' END
    || p.target || '; ' || p.target || ' signed in '
    || CASE WHEN (f.l_ts - p.event_ts) < 60000 THEN ((f.l_ts - p.event_ts) / 1000) || ' s'
            ELSE ((f.l_ts - p.event_ts) / 60000) || ' min' END
    || ' later from ' || i.l_ips
    || CASE WHEN e.n_logins > 1 THEN ' (' || e.n_logins || ' sign-ins)' ELSE '' END AS summary,
  e.evidence
FROM p
JOIN ev e ON e.pid = p.id AND e.rn = 1
JOIN first_login f ON f.pid = p.id
JOIN ips i ON i.pid = p.id AND i.rn = 1
ORDER BY first_time, summary, evidence;
