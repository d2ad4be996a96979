-- id: ct_s3_large_transfer_out
-- title: Large volume of S3 data downloaded by one principal
-- severity: medium
-- tactics: TA0010, TA0009
-- techniques: T1530, T1537
-- description: The successful GetObject calls of one principal (or anonymous source IP) returned at least :threshold_mb MiB in total (additionalEventData.bytesTransferredOut) within a sliding :window_minutes window. Measures exfiltration by volume rather than by count, catching a few very large downloads such as database dumps or backups. Requires CloudTrail S3 data events; bytesTransferredOut is read from every GetObject event.
-- false_positives: Backup restores, data pipelines and analytics jobs; allowlist their roles.
-- references: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-s3.html#exfiltration-s3-anomalousbehavior
-- tags: s3, data, exfiltration
-- allowlist: principal, ip
-- param: threshold_mb = 1024 | MiB downloaded within the window
-- param: window_minutes = 60 | length of the sliding window in minutes
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
         coalesce(e.iarn, e.uname, e.ipid, -e.ip) AS who,
         coalesce((SELECT json_extract(v.additional_event_data, '$.bytesTransferredOut') FROM events v WHERE v.id = e.id),
                  0) AS bytes
  FROM ev e
  WHERE e.ename = (SELECT id FROM names WHERE s = 'GetObject')
    AND e.ecode IS NULL
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
    AND (NOT EXISTS (SELECT 1 FROM allow_src) OR coalesce(e.ip, 0) NOT IN (SELECT id FROM allow_src))
),
win AS (
  SELECT who, event_ts AS t0,
         sum(bytes) OVER (PARTITION BY who ORDER BY event_ts
                          RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS total
  FROM g
),
anchors AS (SELECT DISTINCT who, t0 FROM win WHERE total >= :threshold_mb * 1048576),
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
         coalesce(v.identity_arn, v.user_name, v.identity_principal_id, 'anonymous@' || v.source_ip_address) AS who_s, g.bytes, v.request_parameters AS rp
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
  printf('%.1f', sum(bytes) / 1048576.0) || ' MiB downloaded in ' || count(*) || ' GetObject calls over '
    || ((max(event_ts) - min(event_ts)) / 60000) || ' min from '
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
