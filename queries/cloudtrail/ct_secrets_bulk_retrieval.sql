-- id: ct_secrets_bulk_retrieval
-- title: Many Secrets Manager secrets retrieved by one principal
-- severity: high
-- tactics: TA0006
-- techniques: T1555.006
-- description: One principal retrieved at least :threshold distinct Secrets Manager secrets within a sliding :window_minutes window, through GetSecretValue (requestParameters.secretId) or BatchGetSecretValue (each entry of secretIdList; a filter-based batch call does not say which secrets it returned and counts as 5 secrets, so two such calls in a window are enough). Applications read the same secrets over and over: for a role session (not a console or IAM Identity Center session) a secret its role retrieves at other times too (calls more than :window_minutes apart anywhere in the index) is routine and does not count, so the rule fires for a role only on secrets it reads once, in this burst. IAM users, the root user, long-term (AKIA) keys and human sessions count every secret: dumping many different secrets at once is credential harvesting. The summary lists the secrets; evidence holds the first 100 calls that count.
-- false_positives: Secret rotation or migration tooling run by a person or a long-term key, configuration management that renders many secrets once at deploy time; allowlist their roles. Stolen application credentials that read only the application's own secrets are not distinguished from the application.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.secretsmanager-retrieve-secrets/, https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.secretsmanager-batch-retrieve-secrets/, https://permiso.io/blog/lucr-3-scattered-spider-getting-saas-y-in-the-cloud
-- tags: secretsmanager, credentials
-- allowlist: principal, ip
-- param: threshold = 10 | distinct secrets within the window
-- param: window_minutes = 10 | length of the sliding window in minutes
-- calls keeps what the windows need for every call, principals as dictionary ids; the other strings
-- are taken only for the calls reported (hits)
WITH allow_who AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT value FROM allowlist WHERE kind = 'principal')
),
allow_src AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT ip FROM allow_ip) UNION SELECT 0 FROM allow_ip WHERE ip = ''
),
calls AS MATERIALIZED (
  SELECT e.id, e.ts AS event_ts, (SELECT s FROM names WHERE id = e.ename) AS event_name,
         coalesce(e.iarn, e.uname, e.ipid) AS who,
         coalesce(e.siarn, e.iarn, e.uname, e.ipid) AS owner,
         (coalesce(e.itype, 0) IN (SELECT id FROM strs WHERE s IN ('IAMUser', 'Root'))
          OR coalesce(e.akey, 0) IN (SELECT id FROM strs WHERE s GLOB 'AKIA*')
          OR coalesce(e.console, 0) = 1
          OR coalesce(e.siname, 0) IN (SELECT id FROM strs WHERE s GLOB 'AWSReservedSSO_*')) AS human,
         (SELECT v.request_parameters FROM events v WHERE v.id = e.id) AS rp
  FROM ev e
  WHERE e.ename IN (SELECT id FROM names WHERE s IN ('GetSecretValue', 'BatchGetSecretValue'))
    AND e.ecode IS NULL
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
    AND (NOT EXISTS (SELECT 1 FROM allow_src) OR coalesce(e.ip, 0) NOT IN (SELECT id FROM allow_src))
),
reads AS MATERIALIZED (
  SELECT id, who, owner, human, event_ts, json_extract(rp, '$.secretId') AS item, 1 AS w
  FROM calls WHERE event_name = 'GetSecretValue' AND json_extract(rp, '$.secretId') IS NOT NULL
  UNION ALL
  SELECT calls.id, who, owner, human, event_ts, s.value, 1
  FROM calls, json_each(calls.rp, '$.secretIdList') s WHERE event_name = 'BatchGetSecretValue'
  UNION ALL
  SELECT id, who, owner, human, event_ts, 'BatchGetSecretValue ' || coalesce(json_extract(rp, '$.filters'), '') || ' ('
         || (SELECT v.event_id FROM events v WHERE v.id = calls.id) || ')', 5
  FROM calls WHERE event_name = 'BatchGetSecretValue' AND json_type(rp, '$.secretIdList') IS NULL
),
-- what an application principal reads again and again (calls more than the window apart, across the
-- whole index) is its own configuration, read at every start; only the rest counts for it
routine AS MATERIALIZED (
  SELECT owner, item FROM reads WHERE NOT human
  GROUP BY owner, item
  HAVING max(event_ts) - min(event_ts) > :window_minutes * 60000
),
items AS MATERIALIZED (
  SELECT id, who, event_ts, item, w FROM reads r
  WHERE r.human OR NOT EXISTS (SELECT 1 FROM routine x WHERE x.owner = r.owner AND x.item = r.item)
),
-- calls for one item closer than the window apart form one island of presence [first - W, last]
marked AS (
  SELECT who, item, w, event_ts,
         CASE WHEN event_ts - lag(event_ts) OVER (PARTITION BY who, item ORDER BY event_ts) <= :window_minutes * 60000
              THEN 0 ELSE 1 END AS brk
  FROM items
),
islands AS (
  SELECT who, item, max(w) AS w, min(event_ts) - :window_minutes * 60000 AS lo, max(event_ts) AS hi
  FROM (SELECT who, item, w, event_ts,
               sum(brk) OVER (PARTITION BY who, item ORDER BY event_ts ROWS UNBOUNDED PRECEDING) AS isl
        FROM marked)
  GROUP BY who, item, isl
),
-- a window [t0, t0 + W] starting where an island starts: weigh the islands alive at t0 with a sweep
-- (+w at each island start, -w at each island end; starts sort before ends at the same instant)
points AS (
  SELECT who, lo AS ts, 0 AS kind, w AS delta FROM islands
  UNION ALL
  SELECT who, hi AS ts, 1 AS kind, -w AS delta FROM islands
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
-- assign each row to the burst that contains it in one ordered pass (a key's bursts are disjoint)
member AS (
  SELECT id, lo
  FROM (SELECT kind, id, event_ts,
               max(b_lo) OVER w AS lo, max(b_hi) OVER w AS hi
        FROM (SELECT who, lo AS event_ts, 0 AS kind, lo AS b_lo, hi AS b_hi, NULL AS id FROM bursts
              UNION ALL
              SELECT who, event_ts, 1, NULL, NULL, id FROM calls
              WHERE who IN (SELECT who FROM bursts) AND id IN (SELECT id FROM items))
        WINDOW w AS (PARTITION BY who ORDER BY event_ts, kind ROWS UNBOUNDED PRECEDING))
  WHERE kind = 1 AND event_ts <= hi
),
hits AS MATERIALIZED (
  SELECT member.lo, v.id, v.event_ts, v.event_time, v.event_id, v.event_name, v.recipient_account_id, v.aws_region,
         v.access_key_id, v.source_ip_address, c.who, (SELECT s FROM strs WHERE id = c.who) AS who_s, c.owner,
         c.human, c.rp
  FROM member JOIN calls c ON c.id = member.id JOIN events v ON v.id = c.id
),
hit_items AS MATERIALIZED (
  SELECT DISTINCT i.who, member.lo, i.item, i.w FROM member JOIN items i ON i.id = member.id
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who_s AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  count(*) || ' secret retrieval calls in ' || ((max(event_ts) - min(event_ts)) / 60000) || ' min: '
    || (SELECT CASE WHEN length(group_concat(item, ', ')) > 200 THEN substr(group_concat(item, ', '), 1, 200) || '...'
                    ELSE group_concat(item, ', ') END
        FROM (SELECT hi.item FROM hit_items hi WHERE hi.who = hits.who AND hi.lo = hits.lo ORDER BY hi.item))
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100 calls)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who AND h2.lo = hits.lo
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY who, lo, event_ts, id) hits
GROUP BY who, lo
ORDER BY first_time, identity, summary;
