-- id: ct_s3_mass_get_object
-- title: Mass S3 object download by one principal
-- severity: medium
-- tactics: TA0009, TA0010
-- techniques: T1530
-- description: One principal (or, for anonymous requests, one source IP) made at least :threshold successful GetObject calls within a sliding :window_minutes window. Bulk downloads of a bucket are the core of cloud data theft and of S3 extortion. Requires CloudTrail S3 data events. Overlapping windows are merged into one burst; the summary gives the number of distinct objects and the buckets, and evidence the first 100 calls. Only the events inside a burst have their JSON read.
-- false_positives: Batch jobs, backup tools, analytics engines (Athena, EMR, Spark) and CDN origins reading many objects; allowlist their roles.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-batch-deletion/, https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-s3.html#exfiltration-s3-anomalousbehavior
-- tags: s3, data, collection, exfiltration
-- allowlist: principal, ip
-- param: threshold = 100 | GetObject calls within the window
-- param: window_minutes = 10 | length of the sliding window in minutes
-- g keeps what the windows need for every GetObject call (most events are S3 data events) as
-- dictionary ids; the strings are taken only for the calls reported (hits)
WITH allow_who AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT value FROM allowlist WHERE kind = 'principal')
),
allow_src AS MATERIALIZED (
  SELECT id FROM strs WHERE s IN (SELECT ip FROM allow_ip) UNION SELECT 0 FROM allow_ip WHERE ip = ''
),
g AS MATERIALIZED (
  SELECT e.id, e.ts AS event_ts,
         -- the ARN, user name or principal id; else the address, negated (an anonymous caller)
         coalesce(e.iarn, e.uname, e.ipid, -e.ip) AS who
  FROM ev e
  WHERE e.ename = (SELECT id FROM names WHERE s = 'GetObject')
    AND e.ecode IS NULL
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
    AND (NOT EXISTS (SELECT 1 FROM allow_src) OR coalesce(e.ip, 0) NOT IN (SELECT id FROM allow_src))
),
win AS (
  SELECT who, event_ts AS t0,
         count(*) OVER (PARTITION BY who ORDER BY event_ts
                        RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS n
  FROM g
),
anchors AS (SELECT DISTINCT who, t0 FROM win WHERE n >= :threshold),
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
              SELECT who, event_ts, 1, NULL, NULL, id FROM g WHERE who IN (SELECT who FROM bursts))
        WINDOW w AS (PARTITION BY who ORDER BY event_ts, kind ROWS UNBOUNDED PRECEDING))
  WHERE kind = 1 AND event_ts <= hi
),
hits AS MATERIALIZED (
  SELECT member.lo, v.id, v.event_ts, v.event_time, v.event_id, v.event_name, v.recipient_account_id, v.aws_region,
         v.access_key_id, v.source_ip_address, g.who,
         coalesce(v.identity_arn, v.user_name, v.identity_principal_id, 'anonymous@' || v.source_ip_address) AS who_s, v.request_parameters AS rp
  FROM member JOIN g ON g.id = member.id JOIN events v ON v.id = g.id
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who_s AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  count(*) || ' GetObject calls for ' || count(DISTINCT json_extract(rp, '$.bucketName') || '/' || json_extract(rp, '$.key'))
    || ' distinct objects in ' || ((max(event_ts) - min(event_ts)) / 60000) || ' min from '
    || (SELECT group_concat(b, ', ')
        FROM (SELECT DISTINCT json_extract(h3.rp, '$.bucketName') AS b FROM hits h3
              WHERE h3.who = hits.who AND h3.lo = hits.lo ORDER BY 1))
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who AND h2.lo = hits.lo
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY who, lo, event_ts, id) hits
GROUP BY who, lo
ORDER BY first_time, identity, summary;
