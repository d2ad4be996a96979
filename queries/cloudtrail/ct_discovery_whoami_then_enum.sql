-- id: ct_discovery_whoami_then_enum
-- title: GetCallerIdentity followed by enumeration
-- severity: medium
-- tactics: TA0007
-- techniques: T1087.004, T1580, T1526
-- description: A credential called sts:GetCallerIdentity ("whoami") and then, within :window_minutes, the same access key called at least :threshold distinct List*, Describe* or Get* APIs (successful or denied). This is the opening move of almost every intrusion with stolen keys: confirm the keys work and whose they are, then map what they can reach. A GetCallerIdentity within :window_minutes of an earlier one for the same key is folded into the earlier one. Evidence holds the GetCallerIdentity event and the first call of each distinct API. A role whose sessions show this pattern :routine_runs times or more in the index is automation doing its routine (Terraform plans, CI deploys, inventory jobs) and is left out; the one-off recon of a stolen session still fires, as does every IAM user, root and federated caller.
-- false_positives: Infrastructure-as-code (Terraform, CDK, Pulumi) and SDK tools that resolve the caller before refreshing state, when run by a user or by a role too rarely to count as routine; allowlist their principals or user agents. A stolen session of a routine automation role is missed by design.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.discovery.ec2-enumerate-from-instance/, https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html, https://www.invictus-ir.com/news/aws-cloudtrail-cheat-sheet
-- tags: discovery, reconnaissance, credentials
-- allowlist: principal, ip, user_agent
-- param: threshold = 10 | distinct List/Describe/Get APIs after GetCallerIdentity
-- param: window_minutes = 15 | how long after GetCallerIdentity to look
-- param: routine_runs = 3 | a role whose sessions do this this many times in the index is routine automation
WITH gci AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, coalesce(access_key_id, identity_arn) AS k,
         CASE WHEN identity_type = 'AssumedRole' THEN session_issuer_arn END AS role
  FROM events
  WHERE event_name = 'GetCallerIdentity'
    AND error_code IS NULL
    AND coalesce(access_key_id, identity_arn) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'user_agent' AND coalesce(user_agent, '') GLOB a.value)
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
starts AS (
  SELECT g.* FROM gci g
  WHERE NOT EXISTS (SELECT 1 FROM gci g2 WHERE g2.k = g.k AND g2.event_ts < g.event_ts
                    AND g2.event_ts >= g.event_ts - :window_minutes * 60000)
),
-- the calls of the same key (or, without a key, the same principal) in the window after each start,
-- found through the access key and identity indexes rather than by scanning every List/Describe call
follow AS MATERIALIZED (
  SELECT sid, id, event_ts, event_time, event_id, api, error_code,
         row_number() OVER (PARTITION BY sid, api ORDER BY event_ts, id) AS nth
  FROM (SELECT s.id AS sid, e.id, e.event_ts, e.event_time, e.event_id, e.event_source || ':' || e.event_name AS api,
               e.error_code, e.event_name, e.management_event
        FROM starts s CROSS JOIN events e
        WHERE s.access_key_id IS NOT NULL AND e.access_key_id = s.access_key_id
          AND e.event_ts BETWEEN s.event_ts AND s.event_ts + :window_minutes * 60000
        UNION ALL
        SELECT s.id, e.id, e.event_ts, e.event_time, e.event_id, e.event_source || ':' || e.event_name,
               e.error_code, e.event_name, e.management_event
        FROM starts s CROSS JOIN events e
        WHERE s.access_key_id IS NULL AND e.identity_arn = s.identity_arn AND e.access_key_id IS NULL
          AND e.event_ts BETWEEN s.event_ts AND s.event_ts + :window_minutes * 60000
        )
  WHERE (event_name GLOB 'List*' OR event_name GLOB 'Describe*' OR event_name GLOB 'Get*')
    AND event_name <> 'GetCallerIdentity'
    AND coalesce(management_event, 1) = 1
),
scored AS (
  SELECT sid, count(DISTINCT api) AS apis, count(*) AS calls, count(error_code) AS failed,
         max(event_time) AS last_time,
         group_concat(CASE WHEN nth = 1 THEN substr(api, instr(api, ':') + 1) END, ' ') AS names
  FROM (SELECT * FROM follow ORDER BY sid, event_ts, id)
  GROUP BY sid
  HAVING count(DISTINCT api) >= :threshold
),
-- how often each role's sessions did it: automation repeats, a stolen session's recon is a one-off
routine AS (
  SELECT s.role, count(*) AS runs
  FROM scored sc JOIN starts s ON s.id = sc.sid
  WHERE s.role IS NOT NULL
  GROUP BY s.role
)
SELECT
  s.event_time AS first_time,
  sc.last_time AS last_time,
  s.recipient_account_id AS account,
  s.aws_region AS region,
  coalesce(s.identity_arn, s.user_name) AS identity,
  s.access_key_id AS access_key,
  s.source_ip_address AS source_ip,
  'GetCallerIdentity then ' || sc.calls || ' calls to ' || sc.apis || ' distinct APIs (' || sc.failed || ' denied) within '
    || :window_minutes || ' min: '
    || CASE WHEN length(sc.names) > 160 THEN substr(sc.names, 1, 160) || '...' ELSE sc.names END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT s.event_id AS event_id, s.event_ts AS ts, s.id AS id
         UNION ALL
         SELECT f.event_id, f.event_ts, f.id FROM follow f WHERE f.sid = s.id AND f.nth = 1
         ORDER BY ts, id)) AS evidence
FROM scored sc CROSS JOIN starts s ON s.id = sc.sid
WHERE s.role IS NULL OR (SELECT r.runs FROM routine r WHERE r.role = s.role) < :routine_runs
ORDER BY first_time, identity, summary;
