-- id: ct_discovery_api_burst
-- title: Burst of distinct List/Describe/Get calls by one principal
-- severity: medium
-- tactics: TA0007
-- techniques: T1580, T1526, T1087.004
-- description: One principal (user, or role session) called at least :threshold distinct List*, Describe* or Get* management APIs within :window_minutes. Enumeration tools (Pacu, ScoutSuite, Prowler, CloudFox, enumerate-iam) and hands-on-keyboard reconnaissance touch many different APIs in a short time, whereas applications repeat the same few. The window slides: the rule merges each API's calls into "presence" intervals and counts, for every window start, how many different APIs fall inside; overlapping qualifying windows are reported as one burst. Evidence lists the first call of each distinct API in the burst. Calls made by AWS services on a principal's behalf (source *.amazonaws.com) are ignored.
-- false_positives: Security scanners and CSPM products, inventory jobs, and people browsing many consoles pages quickly (each page issues several Describe calls); allowlist scanner roles.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.discovery.ec2-enumerate-from-instance/, https://github.com/RhinoSecurityLabs/pacu, https://hackingthe.cloud/aws/enumeration/brute_force_iam_permissions/
-- tags: discovery, reconnaissance
-- allowlist: principal, ip, user_agent
-- param: threshold = 30 | distinct List/Describe/Get API names within the window
-- param: window_minutes = 10 | length of the sliding window in minutes
WITH recon AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_source || ':' || event_name AS api,
         recipient_account_id, aws_region, access_key_id, source_ip_address,
         coalesce(identity_arn, user_name, identity_principal_id) AS who
  FROM events
  WHERE (event_name GLOB 'List*' OR event_name GLOB 'Describe*' OR event_name GLOB 'Get*')
    AND coalesce(management_event, 1) = 1
    AND coalesce(identity_type, '') NOT IN ('AWSService', 'AWSAccount')
    AND coalesce(source_ip_address, '') NOT GLOB '*.amazonaws.com'
    AND coalesce(identity_arn, user_name, identity_principal_id) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'user_agent' AND coalesce(user_agent, '') GLOB a.value)
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
-- calls to one API closer than the window apart form one island of presence [first - W, last]
marked AS (
  SELECT who, api, event_ts,
         CASE WHEN event_ts - lag(event_ts) OVER (PARTITION BY who, api ORDER BY event_ts) <= :window_minutes * 60000
              THEN 0 ELSE 1 END AS brk
  FROM recon
),
islands AS (
  SELECT who, api, min(event_ts) - :window_minutes * 60000 AS lo, max(event_ts) AS hi
  FROM (SELECT who, api, event_ts, sum(brk) OVER (PARTITION BY who, api ORDER BY event_ts ROWS UNBOUNDED PRECEDING) AS isl
        FROM marked)
  GROUP BY who, api, isl
),
-- a window [t0, t0 + W] starting where an island starts: count the islands alive at t0 with a sweep
-- (+1 at each island start, -1 at each island end; starts sort before ends at the same instant)
points AS (
  SELECT who, lo AS ts, 0 AS kind, 1 AS delta FROM islands
  UNION ALL
  SELECT who, hi AS ts, 1 AS kind, -1 AS delta FROM islands
),
anchors AS (
  SELECT who, ts AS t0
  FROM (SELECT who, ts, kind, sum(delta) OVER (PARTITION BY who ORDER BY ts, kind ROWS UNBOUNDED PRECEDING) AS live
        FROM points)
  WHERE kind = 0
  GROUP BY who, ts
  HAVING max(live) >= :threshold
),
bursts AS (
  SELECT who, min(t0) AS lo, max(t0) + :window_minutes * 60000 AS hi
  FROM (SELECT who, t0, sum(brk) OVER (PARTITION BY who ORDER BY t0 ROWS UNBOUNDED PRECEDING) AS run
        FROM (SELECT who, t0, CASE WHEN t0 - lag(t0) OVER (PARTITION BY who ORDER BY t0) <= :window_minutes * 60000
                                   THEN 0 ELSE 1 END AS brk
              FROM anchors))
  GROUP BY who, run
),
firsts AS MATERIALIZED (
  SELECT * FROM (
    SELECT b.who, b.lo, r.id, r.event_ts, r.event_time, r.event_id, r.api, r.recipient_account_id, r.aws_region,
           r.access_key_id, r.source_ip_address,
           row_number() OVER (PARTITION BY b.who, b.lo, r.api ORDER BY r.event_ts, r.id) AS nth
    FROM bursts b JOIN recon r ON r.who = b.who AND r.event_ts BETWEEN b.lo AND b.hi)
  WHERE nth = 1
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  count(*) || ' distinct List/Describe/Get APIs across ' || count(DISTINCT substr(api, 1, instr(api, ':') - 1))
    || ' services in ' || ((max(event_ts) - min(event_ts)) / 60000) || ' min: '
    || CASE WHEN length(group_concat(substr(api, instr(api, ':') + 1), ' ')) > 160
            THEN substr(group_concat(substr(api, instr(api, ':') + 1), ' '), 1, 160) || '...'
            ELSE group_concat(substr(api, instr(api, ':') + 1), ' ') END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT f2.event_id FROM firsts f2 WHERE f2.who = firsts.who AND f2.lo = firsts.lo
         ORDER BY f2.event_ts, f2.id)) AS evidence
FROM (SELECT * FROM firsts ORDER BY who, lo, event_ts, id) firsts
GROUP BY who, lo
ORDER BY first_time, identity, summary;
