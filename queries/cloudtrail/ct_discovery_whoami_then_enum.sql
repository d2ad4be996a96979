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
-- The rule works on ev's dictionary ids (an API is its (event_source, event_name) pair of ids) and
-- takes strings only for the starts it reports: GetCallerIdentity is common, and the calls that follow
-- it are many.  The allowlists become sets of ids (0 stands for a missing value).
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
enum_names AS MATERIALIZED (
  SELECT id FROM names
  WHERE (s GLOB 'List*' OR s GLOB 'Describe*' OR s GLOB 'Get*') AND s <> 'GetCallerIdentity'
),
gci AS MATERIALIZED (
  SELECT e.id, e.ts AS event_ts, e.akey, e.iarn, coalesce(e.akey, e.iarn) AS k,
         CASE WHEN e.itype = (SELECT id FROM strs WHERE s = 'AssumedRole') THEN e.siarn END AS role
  FROM ev e
  WHERE e.ename = (SELECT id FROM names WHERE s = 'GetCallerIdentity')
    AND e.ecode IS NULL
    AND coalesce(e.akey, e.iarn) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM allow_who a WHERE a.id IN (e.iarn, e.uname, e.siarn, e.siname))
    AND (NOT EXISTS (SELECT 1 FROM allow_ua) OR coalesce(e.ua, 0) NOT IN (SELECT id FROM allow_ua))
    AND (NOT EXISTS (SELECT 1 FROM allow_src) OR coalesce(e.ip, 0) NOT IN (SELECT id FROM allow_src))
),
-- a GetCallerIdentity with no earlier one of its key in the window before it starts a look
starts AS MATERIALIZED (
  SELECT id, event_ts, akey, iarn, role
  FROM (SELECT g.*, max(event_ts) OVER (PARTITION BY k ORDER BY event_ts
                                        RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ts
        FROM gci g)
  WHERE prev_ts IS NULL OR prev_ts < event_ts - :window_minutes * 60000
),
-- the calls of the same key (or, without a key, the same principal) in the window after each start,
-- found through the access key and identity indexes rather than by scanning every List/Describe call
follow AS MATERIALIZED (
  SELECT sid, id, event_ts, esrc, ename, ecode,
         row_number() OVER (PARTITION BY sid, esrc, ename ORDER BY event_ts, id) AS nth
  FROM (SELECT s.id AS sid, e.id, e.ts AS event_ts, e.esrc, e.ename, e.ecode, e.mgmt
        FROM starts s CROSS JOIN ev e
        WHERE s.akey IS NOT NULL AND e.akey = s.akey
          AND e.ts BETWEEN s.event_ts AND s.event_ts + :window_minutes * 60000
        UNION ALL
        SELECT s.id, e.id, e.ts, e.esrc, e.ename, e.ecode, e.mgmt
        FROM starts s CROSS JOIN ev e
        WHERE s.akey IS NULL AND e.iarn = s.iarn AND e.akey IS NULL
          AND e.ts BETWEEN s.event_ts AND s.event_ts + :window_minutes * 60000
        )
  WHERE ename IN (SELECT id FROM enum_names)
    AND coalesce(mgmt, 1) = 1
),
scored AS MATERIALIZED (
  -- an API's first call after the start is its row with nth = 1: counting those counts the APIs
  SELECT sid, sum(nth = 1) AS apis, count(*) AS calls, count(ecode) AS failed, max(event_ts) AS last_ts
  FROM follow
  GROUP BY sid
  HAVING sum(nth = 1) >= :threshold
),
-- how often each role's sessions did it: automation repeats, a stolen session's recon is a one-off
routine AS (
  SELECT s.role, count(*) AS runs
  FROM scored sc JOIN starts s ON s.id = sc.sid
  WHERE s.role IS NOT NULL
  GROUP BY s.role
),
reported AS MATERIALIZED (
  SELECT sc.*, s.event_ts
  FROM scored sc CROSS JOIN starts s ON s.id = sc.sid
  WHERE s.role IS NULL OR (SELECT r.runs FROM routine r WHERE r.role = s.role) < :routine_runs
),
-- the first call of each API after the starts reported, gathered in one pass over follow
shown AS MATERIALIZED (
  SELECT sid, id, event_ts, ename FROM follow WHERE nth = 1 AND sid IN (SELECT sid FROM reported)
),
api_names AS (
  SELECT sid, group_concat((SELECT s FROM names WHERE id = ename), ' ') AS names
  FROM (SELECT * FROM shown ORDER BY sid, event_ts, id)
  GROUP BY sid
),
-- evidence: the GetCallerIdentity, then those first calls, in time order
evidence AS (
  SELECT sid, json_group_array((SELECT v.event_id FROM events v WHERE v.id = x.id)) AS ids
  FROM (SELECT sid, id, event_ts FROM shown
        UNION ALL
        SELECT sid, sid, event_ts FROM reported
        ORDER BY sid, event_ts, id) x
  GROUP BY sid
)
SELECT
  v.event_time AS first_time,
  strftime('%Y-%m-%dT%H:%M:%fZ', r.last_ts / 1000.0, 'unixepoch') AS last_time,
  v.recipient_account_id AS account,
  v.aws_region AS region,
  coalesce(v.identity_arn, v.user_name) AS identity,
  v.access_key_id AS access_key,
  v.source_ip_address AS source_ip,
  'GetCallerIdentity then ' || r.calls || ' calls to ' || r.apis || ' distinct APIs (' || r.failed || ' denied) within '
    || :window_minutes || ' min: '
    || CASE WHEN length(n.names) > 160 THEN substr(n.names, 1, 160) || '...' ELSE n.names END AS summary,
  x.ids AS evidence
FROM reported r JOIN events v ON v.id = r.sid JOIN api_names n ON n.sid = r.sid JOIN evidence x ON x.sid = r.sid
ORDER BY first_time, identity, summary;
