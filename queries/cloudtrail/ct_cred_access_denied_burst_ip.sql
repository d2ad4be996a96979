-- id: ct_cred_access_denied_burst_ip
-- title: Burst of authorization failures from one source IP
-- severity: medium
-- tactics: TA0007, TA0006
-- techniques: T1580, T1526, T1110
-- description: At least :threshold API calls from one source IP address (whatever credentials were used) failed with an authorization error (AccessDenied, AccessDeniedException, Client.UnauthorizedOperation, UnauthorizedOperation, UnauthorizedAccess, UnauthorizedException, AuthorizationError, ForbiddenException) within a sliding :window_minutes window. Stolen credentials are usually tested by calling many APIs to find out what they are allowed to do (enumerate-iam, Pacu iam__bruteforce_permissions, TruffleHog-style validation), which leaves a trail of denials. Overlapping qualifying windows are merged into one burst; evidence lists the first 100 denied calls.
-- false_positives: Misconfigured applications retrying a call they lack permission for (the summary then shows a single API), CSPM scanners with partial read permissions, and new IAM policies being rolled out.
-- references: https://hackingthe.cloud/aws/enumeration/brute_force_iam_permissions/, https://github.com/andresriancho/enumerate-iam, https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
-- tags: discovery, credentials, brute-force
-- allowlist: principal, ip
-- param: threshold = 20 | authorization failures within the window
-- param: window_minutes = 10 | length of the sliding window in minutes
WITH denied AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_source, event_name, error_code, recipient_account_id, aws_region,
         identity_arn, user_name, access_key_id, source_ip_address, source_ip_address AS k
  FROM events
  -- the error codes as dictionary ids: the ev_ecode index finds the failed calls
  WHERE id IN (SELECT e.id FROM ev e WHERE e.ecode IN (
          SELECT id FROM strs WHERE s IN ('AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'UnauthorizedOperation',
                                 'UnauthorizedAccess', 'Client.UnauthorizedAccess', 'UnauthorizedException',
                                 'AuthorizationError', 'AuthorizationErrorException', 'ForbiddenException')))
    AND source_ip_address IS NOT NULL
    AND source_ip_address <> 'AWS Internal'
    AND source_ip_address NOT GLOB '*.amazonaws.com'
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
win AS (
  SELECT k, event_ts AS t0,
         count(*) OVER (PARTITION BY k ORDER BY event_ts RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS n
  FROM denied
),
anchors AS (SELECT DISTINCT k, t0 FROM win WHERE n >= :threshold),
bursts AS (
  SELECT k, min(t0) AS lo, max(t0) + :window_minutes * 60000 AS hi
  FROM (SELECT k, t0, sum(brk) OVER (PARTITION BY k ORDER BY t0 ROWS UNBOUNDED PRECEDING) AS run
        FROM (SELECT k, t0, CASE WHEN t0 - lag(t0) OVER (PARTITION BY k ORDER BY t0) <= :window_minutes * 60000
                                 THEN 0 ELSE 1 END AS brk
              FROM anchors))
  GROUP BY k, run
),
-- assign each row to the burst that contains it in one ordered pass (a key's bursts are disjoint)
member AS (
  SELECT id, lo
  FROM (SELECT kind, id, event_ts,
               max(b_lo) OVER w AS lo, max(b_hi) OVER w AS hi
        FROM (SELECT k, lo AS event_ts, 0 AS kind, lo AS b_lo, hi AS b_hi, NULL AS id FROM bursts
              UNION ALL
              SELECT k, event_ts, 1, NULL, NULL, id FROM denied WHERE k IN (SELECT k FROM bursts))
        WINDOW w AS (PARTITION BY k ORDER BY event_ts, kind ROWS UNBOUNDED PRECEDING))
  WHERE kind = 1 AND event_ts <= hi
),
hits AS MATERIALIZED (
  SELECT member.lo, d.* FROM member JOIN denied d ON d.id = member.id
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  group_concat(DISTINCT coalesce(identity_arn, user_name)) AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  count(*) || ' authorization failures for source IP ' || k || ' across ' || count(DISTINCT event_name) || ' APIs in '
    || ((max(event_ts) - min(event_ts)) / 60000) || ' min: '
    || CASE WHEN length(group_concat(DISTINCT event_name)) > 160
            THEN replace(substr(group_concat(DISTINCT event_name), 1, 160), ',', ' ') || '...'
            ELSE replace(group_concat(DISTINCT event_name), ',', ' ') END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.k = hits.k AND h2.lo = hits.lo
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY k, lo, event_ts, id) hits
GROUP BY k, lo
ORDER BY first_time, identity, summary;
