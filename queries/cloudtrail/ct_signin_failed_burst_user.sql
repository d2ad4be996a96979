-- id: ct_signin_failed_burst_user
-- title: Burst of failed console sign-ins for one user
-- severity: medium
-- tactics: TA0006
-- techniques: T1110, T1110.001
-- description: At least :threshold failed ConsoleLogin attempts for one IAM user (or the root user) of one account within :window_minutes, from any number of addresses - password guessing against a known user name, possibly spread over many addresses to stay under per-address limits. Every failure inside such a window is gathered, and failures closer than :window_minutes to each other are merged into one burst, reported as one row with its span, the number of attempts and the source addresses. Failures for non-existent user names (recorded as HIDDEN_DUE_TO_SECURITY_REASONS) are left to ct_signin_failed_burst_ip. The source_ip column is filled only when all attempts came from one address.
-- false_positives: A user who forgot a password after a reset, or a monitoring script with a stale password; raise :threshold or allowlist the user.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html, https://attack.mitre.org/techniques/T1110/001/
-- tags: sign-in, console, brute-force
-- allowlist: principal, ip
-- param: window_minutes = 15 | length of the sliding window, and the largest gap inside one burst
-- param: threshold = 5 | failed sign-ins for one user within the window that make a burst
WITH f AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, source_ip_address,
         coalesce(identity_arn, user_name) AS target
  FROM events
  WHERE event_name = 'ConsoleLogin'
    AND +event_source = 'signin.amazonaws.com'  -- unary +: look events up by name, not by source
    AND (error_message IS NOT NULL OR json_extract(response_elements, '$.ConsoleLogin') = 'Failure')
    AND coalesce(identity_arn, user_name) IS NOT NULL
    AND coalesce(user_name, '') <> 'HIDDEN_DUE_TO_SECURITY_REASONS'
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal' AND a.value IN (identity_arn, user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
-- a failure opens a qualifying window when :threshold failures for the same user
-- fall in [its time, its time + :window_minutes]; the failures inside such a
-- window are the members (a member has a qualifying start at most
-- :window_minutes before it)
counted AS (
  SELECT f.*,
    count(*) OVER (PARTITION BY recipient_account_id, target ORDER BY event_ts
                   RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING)
      >= CAST(:threshold AS INTEGER) AS opens
  FROM f
),
members AS (
  SELECT * FROM (
    SELECT counted.*,
      sum(opens) OVER (PARTITION BY recipient_account_id, target ORDER BY event_ts
                       RANGE BETWEEN :window_minutes * 60000 PRECEDING AND CURRENT ROW) AS open_windows
    FROM counted)
  WHERE open_windows > 0
),
-- consecutive members closer than the window belong to one burst
bursts AS MATERIALIZED (
  SELECT *, sum(new_burst) OVER (PARTITION BY recipient_account_id, target ORDER BY event_ts, id
                                 ROWS UNBOUNDED PRECEDING) AS burst
  FROM (SELECT members.*,
          CASE WHEN event_ts - lag(event_ts) OVER (PARTITION BY recipient_account_id, target
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
  WINDOW w AS (PARTITION BY recipient_account_id, target, burst ORDER BY event_ts, id),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
sources AS (
  SELECT recipient_account_id, target, burst,
    count(*) OVER w AS n_ips,
    group_concat(ip, ', ') OVER w AS ips,
    row_number() OVER (PARTITION BY recipient_account_id, target, burst ORDER BY ip) AS rn
  FROM (SELECT DISTINCT recipient_account_id, target, burst, coalesce(source_ip_address, '?') AS ip FROM bursts)
  WINDOW w AS (PARTITION BY recipient_account_id, target, burst ORDER BY ip
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT
  agg.event_time AS first_time,
  agg.last_time,
  agg.recipient_account_id AS account,
  agg.aws_region AS region,
  agg.target AS identity,
  NULL AS access_key,
  CASE WHEN s.n_ips = 1 THEN agg.source_ip_address END AS source_ip,
  agg.n || ' failed console sign-ins for ' || agg.target || ' from ' || s.n_ips
    || CASE s.n_ips WHEN 1 THEN ' address: ' ELSE ' addresses: ' END
    || CASE WHEN length(s.ips) > 200 THEN substr(s.ips, 1, 197) || '...' ELSE s.ips END AS summary,
  agg.evidence
FROM agg
JOIN sources s ON s.rn = 1 AND s.recipient_account_id IS agg.recipient_account_id
              AND s.target = agg.target AND s.burst = agg.burst
WHERE agg.rn = 1
ORDER BY first_time, summary, evidence;
