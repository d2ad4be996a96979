-- id: ct_s3_mass_delete
-- title: Mass S3 object deletion by one principal
-- severity: high
-- tactics: TA0040
-- techniques: T1485, T1486
-- description: One principal made at least :threshold successful DeleteObject calls, or at least :batch_threshold DeleteObjects (multi-object delete, up to 1000 keys each; CloudTrail does not list them) calls, within a sliding :window_minutes window. Emptying buckets, including deleting every object version, is how S3 ransomware and destructive attackers remove data after copying it. Requires CloudTrail S3 data events. Evidence lists the first 100 deletions.
-- false_positives: Lifecycle-like clean-up scripts, CI jobs pruning artifacts, and applications that churn temporary objects; allowlist their roles. S3 Lifecycle expirations are not API calls and do not appear.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-batch-deletion/, https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-individual-deletion/, https://aws.amazon.com/blogs/security/anatomy-of-a-ransomware-event-targeting-data-in-amazon-s3/
-- tags: s3, data, impact, ransomware
-- allowlist: principal, ip
-- param: threshold = 50 | DeleteObject calls within the window
-- param: batch_threshold = 3 | DeleteObjects (multi-object) calls within the window
-- param: window_minutes = 10 | length of the sliding window in minutes
WITH g AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, recipient_account_id, aws_region, access_key_id,
         source_ip_address, coalesce(identity_arn, user_name, identity_principal_id, 'anonymous@' || source_ip_address) AS who
  FROM events
  WHERE event_name IN ('DeleteObject', 'DeleteObjects')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
win AS (
  SELECT who, event_ts AS t0,
         sum(event_name = 'DeleteObject') OVER (PARTITION BY who ORDER BY event_ts
                                               RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS singles,
         sum(event_name = 'DeleteObjects') OVER (PARTITION BY who ORDER BY event_ts
                                                RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS batches
  FROM g
),
anchors AS (SELECT DISTINCT who, t0 FROM win WHERE singles >= :threshold OR batches >= :batch_threshold),
bursts AS (
  SELECT who, min(t0) AS lo, max(t0) + :window_minutes * 60000 AS hi
  FROM (SELECT who, t0, sum(brk) OVER (PARTITION BY who ORDER BY t0 ROWS UNBOUNDED PRECEDING) AS run
        FROM (SELECT who, t0, CASE WHEN t0 - lag(t0) OVER (PARTITION BY who ORDER BY t0) <= :window_minutes * 60000
                                   THEN 0 ELSE 1 END AS brk
              FROM anchors))
  GROUP BY who, run
),
hits AS MATERIALIZED (
  SELECT b.lo, g.*, (SELECT e.request_parameters FROM events e WHERE e.id = g.id) AS rp
  FROM bursts b JOIN g ON g.who = b.who AND g.event_ts BETWEEN b.lo AND b.hi
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  sum(event_name = 'DeleteObject') || ' DeleteObject and ' || sum(event_name = 'DeleteObjects')
    || ' DeleteObjects calls in ' || ((max(event_ts) - min(event_ts)) / 60000) || ' min on ' || (SELECT group_concat(b, ', ') FROM (SELECT DISTINCT json_extract(h3.rp, '$.bucketName') AS b FROM hits h3 WHERE h3.who = hits.who AND h3.lo = hits.lo ORDER BY 1))
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who AND h2.lo = hits.lo
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY who, lo, event_ts, id) hits
GROUP BY who, lo
ORDER BY first_time, identity, summary;
