-- id: ct_signin_failed_burst_ip
-- title: Burst of failed console sign-ins from one address
-- severity: medium
-- tactics: TA0006
-- techniques: T1110, T1110.003
-- description: At least :threshold failed ConsoleLogin attempts (responseElements.ConsoleLogin Failure, errorMessage set) from one source address into one account within :window_minutes, which points at password guessing or spraying. Every failure that falls inside such a window is gathered, and failures closer than :window_minutes to each other are merged into one burst, reported as one row with its time span, the number of attempts and the user names tried (CloudTrail records HIDDEN_DUE_TO_SECURITY_REASONS for names that do not exist). The identity column is filled only when a single user was targeted.
-- false_positives: A user or a script retrying a wrong or expired password, many users behind one corporate NAT address; raise :threshold or allowlist the corporate egress addresses.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_cloudtrail_console_login_failed_authentication.yml, https://attack.mitre.org/techniques/T1110/003/
-- tags: sign-in, console, brute-force
-- allowlist: ip
-- param: window_minutes = 15 | length of the sliding window, and the largest gap inside one burst
-- param: threshold = 10 | failed sign-ins within the window that make a burst
WITH f AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, source_ip_address,
         coalesce(user_name, identity_arn, '?') AS target
  FROM events
  WHERE event_name = 'ConsoleLogin'
    AND event_source = 'signin.amazonaws.com'
    AND (error_message IS NOT NULL OR json_extract(response_elements, '$.ConsoleLogin') = 'Failure')
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
-- for each failure, the failures from the same address in the window that starts with it
anchors AS MATERIALIZED (
  SELECT recipient_account_id, source_ip_address, event_ts
  FROM (SELECT recipient_account_id, source_ip_address, event_ts,
          count(*) OVER (PARTITION BY recipient_account_id, source_ip_address ORDER BY event_ts
                         RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS n
        FROM f)
  WHERE n >= CAST(:threshold AS INTEGER)
),
-- every failure that lies in some window that reached the threshold
members AS (
  SELECT f.* FROM f
  WHERE EXISTS (SELECT 1 FROM anchors a
                WHERE a.recipient_account_id IS f.recipient_account_id
                  AND a.source_ip_address IS f.source_ip_address
                  AND f.event_ts BETWEEN a.event_ts AND a.event_ts + :window_minutes * 60000)
),
-- consecutive members closer than the window belong to one burst
bursts AS MATERIALIZED (
  SELECT *, sum(new_burst) OVER (PARTITION BY recipient_account_id, source_ip_address ORDER BY event_ts, id
                                 ROWS UNBOUNDED PRECEDING) AS burst
  FROM (SELECT members.*,
          CASE WHEN event_ts - lag(event_ts) OVER (PARTITION BY recipient_account_id, source_ip_address
                                                   ORDER BY event_ts, id) <= :window_minutes * 60000
               THEN 0 ELSE 1 END AS new_burst
        FROM members)
),
agg AS (
  SELECT *,
    row_number() OVER w AS rn,
    max(event_time) OVER g AS last_time,
    count(*) OVER g AS n,
    json_group_array(event_id) OVER g AS evidence
  FROM bursts
  WINDOW w AS (PARTITION BY recipient_account_id, source_ip_address, burst ORDER BY event_ts, id),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
targets AS (
  SELECT recipient_account_id, source_ip_address, burst,
    count(*) OVER w AS n_targets,
    group_concat(target, ', ') OVER w AS names,
    row_number() OVER (PARTITION BY recipient_account_id, source_ip_address, burst ORDER BY target) AS rn
  FROM (SELECT DISTINCT recipient_account_id, source_ip_address, burst, target FROM bursts)
  WINDOW w AS (PARTITION BY recipient_account_id, source_ip_address, burst ORDER BY target
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT
  agg.event_time AS first_time,
  agg.last_time,
  agg.recipient_account_id AS account,
  agg.aws_region AS region,
  CASE WHEN t.n_targets = 1 THEN agg.target END AS identity,
  NULL AS access_key,
  agg.source_ip_address AS source_ip,
  agg.n || ' failed console sign-ins from ' || coalesce(agg.source_ip_address, '?')
    || ' against ' || t.n_targets || CASE t.n_targets WHEN 1 THEN ' user: ' ELSE ' users: ' END
    || CASE WHEN length(t.names) > 200 THEN substr(t.names, 1, 197) || '...' ELSE t.names END AS summary,
  agg.evidence
FROM agg
JOIN targets t ON t.rn = 1 AND t.recipient_account_id IS agg.recipient_account_id
              AND t.source_ip_address IS agg.source_ip_address AND t.burst = agg.burst
WHERE agg.rn = 1
ORDER BY first_time, summary, evidence;
