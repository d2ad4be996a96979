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
-- The rule works on ev's dictionary ids (an API is its (event_source, event_name) pair of ids, a
-- principal the id of its ARN, user name or principal id) and turns ids into strings only for the
-- calls it reports: most events are List/Describe/Get calls, and a string per column per event
-- costs more than all the rest.  The allowlists become sets of ids (0 stands for a missing value).
WITH allow_who AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT value FROM allowlist WHERE kind = 'principal')
),
allow_ua AS MATERIALIZED (
  SELECT s.id FROM allowlist a JOIN strs s ON s.s GLOB a.value WHERE a.kind = 'user_agent'
  UNION SELECT 0 FROM allowlist a WHERE a.kind = 'user_agent' AND '' GLOB a.value
),
allow_src AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT ip FROM allow_ip) UNION SELECT 0 FROM allow_ip WHERE ip = ''
),
recon AS MATERIALIZED (
  SELECT e.id, e.ts AS event_ts, e.esrc, e.ename, coalesce(e.iarn, e.uname, e.ipid) AS who
  FROM ev e
  -- most events qualify: reading the table in order beats the ev_name index
  WHERE +e.ename IN (SELECT id FROM names WHERE s GLOB 'List*' OR s GLOB 'Describe*' OR s GLOB 'Get*')
    AND coalesce(e.mgmt, 1) = 1
    AND coalesce(e.itype, 0) NOT IN (SELECT id FROM strs WHERE s IN ('AWSService', 'AWSAccount'))
    AND coalesce(e.ip, 0) NOT IN (SELECT id FROM strs WHERE s GLOB '*.amazonaws.com')
    AND coalesce(e.iarn, e.uname, e.ipid) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
    AND (NOT EXISTS (SELECT 1 FROM allow_ua) OR coalesce(e.ua, 0) NOT IN (SELECT id FROM allow_ua))
    AND (NOT EXISTS (SELECT 1 FROM allow_src) OR coalesce(e.ip, 0) NOT IN (SELECT id FROM allow_src))
),
-- a window lies within two consecutive bins of its length, and holds at most the sum of their distinct
-- APIs: only the bins of a pair that reaches the threshold (empty bins aside) can hold a burst, and the
-- sweep below needs only their calls (most principals call a few APIs over and over).  Dropping the other
-- calls changes no window that reaches the threshold (all its calls are kept, so its count is exact) and
-- makes no other window reach it (counts only fall); an island that now starts at a kept bin after a
-- dropped one starts at a window that lies in that dropped bin's pair, which cannot qualify.
binned AS MATERIALIZED (
  SELECT who, event_ts / (:window_minutes * 60000) AS bin, count(DISTINCT esrc * 4294967296 + ename) AS n
  FROM recon
  GROUP BY who, bin
),
hot AS MATERIALIZED (
  SELECT a.who, a.bin FROM binned a LEFT JOIN binned b ON b.who = a.who AND b.bin = a.bin + 1
  WHERE a.n + coalesce(b.n, 0) >= :threshold
  UNION
  SELECT a.who, a.bin + 1 FROM binned a LEFT JOIN binned b ON b.who = a.who AND b.bin = a.bin + 1
  WHERE a.n + coalesce(b.n, 0) >= :threshold AND b.who IS NOT NULL
),
hot_calls AS MATERIALIZED (
  SELECT * FROM recon WHERE (who, event_ts / (:window_minutes * 60000)) IN (SELECT who, bin FROM hot)
),
-- calls to one API closer than the window apart form one island of presence [first - W, last]: a call
-- with no call to the API in the window before it starts an island, one with none in the window after
-- it ends one (the sweep below needs only the islands' ends, not which start goes with which end)
edges AS MATERIALIZED (
  SELECT who, event_ts, gap_before, gap_after
  FROM (SELECT who, event_ts,
               event_ts - lag(event_ts) OVER w AS gap_before, lead(event_ts) OVER w - event_ts AS gap_after
        FROM hot_calls
        WINDOW w AS (PARTITION BY who, esrc, ename ORDER BY event_ts))
  WHERE gap_before IS NULL OR gap_before > :window_minutes * 60000
     OR gap_after IS NULL OR gap_after > :window_minutes * 60000
),
-- a window [t0, t0 + W] starting where an island starts: count the islands alive at t0 with a sweep
-- (+1 at each island start, -1 at each island end; starts sort before ends at the same instant)
points AS (
  SELECT who, event_ts - :window_minutes * 60000 AS ts, 0 AS kind, 1 AS delta FROM edges
  WHERE gap_before IS NULL OR gap_before > :window_minutes * 60000
  UNION ALL
  SELECT who, event_ts AS ts, 1 AS kind, -1 AS delta FROM edges
  WHERE gap_after IS NULL OR gap_after > :window_minutes * 60000
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
-- the calls of the principals that burst (a few of many): a burst's span is the union of windows that
-- reach the threshold, so its calls are all kept calls
burst_calls AS MATERIALIZED (
  SELECT * FROM hot_calls WHERE who IN (SELECT who FROM bursts)
),
firsts AS MATERIALIZED (
  SELECT * FROM (
    SELECT b.who, b.lo, r.id, r.event_ts,
           row_number() OVER (PARTITION BY b.who, b.lo, r.esrc, r.ename ORDER BY r.event_ts, r.id) AS nth
    FROM bursts b JOIN burst_calls r ON r.who = b.who AND r.event_ts BETWEEN b.lo AND b.hi)
  WHERE nth = 1
),
-- the strings, for the calls reported
named AS MATERIALIZED (
  SELECT f.who AS who_id, f.lo, f.id, f.event_ts, v.event_time, v.event_id,
         v.event_source || ':' || v.event_name AS api, v.recipient_account_id, v.aws_region, v.access_key_id,
         v.source_ip_address, coalesce(v.identity_arn, v.user_name, v.identity_principal_id) AS who
  FROM firsts f JOIN events v ON v.id = f.id
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
   FROM (SELECT n2.event_id FROM named n2 WHERE n2.who_id = named.who_id AND n2.lo = named.lo
         ORDER BY n2.event_ts, n2.id)) AS evidence
FROM (SELECT * FROM named ORDER BY who_id, lo, event_ts, id) named
GROUP BY who_id, lo
ORDER BY first_time, identity, summary;
