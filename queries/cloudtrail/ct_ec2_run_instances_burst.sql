-- id: ct_ec2_run_instances_burst
-- title: Burst of EC2 instance launches by one principal
-- severity: high
-- tactics: TA0040, TA0005
-- techniques: T1496.001, T1578.002
-- description: One principal launched more than :threshold EC2 instances (counted from responseElements.instancesSet.items of successful RunInstances calls) within a sliding :window_minutes window. Cryptomining campaigns with stolen keys start as many instances as the account's quotas allow, often in several regions at once. The summary gives the instance types and regions; evidence holds the first 100 RunInstances calls.
-- false_positives: Auto Scaling is done by the AWS service (invokedBy autoscaling.amazonaws.com, its own role) and should be allowlisted by role; batch platforms, CI fleets and load tests that launch many instances.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-launch-unusual-instances/, https://www.datadoghq.com/blog/detecting-cryptomining-aws/
-- tags: ec2, cryptomining, impact
-- allowlist: principal, ip
-- param: threshold = 10 | instances launched within the window (reported when exceeded)
-- param: window_minutes = 60 | length of the sliding window in minutes
WITH runs AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, access_key_id, source_ip_address,
         coalesce(identity_arn, user_name, identity_principal_id) AS who,
         coalesce(json_array_length(response_elements, '$.instancesSet.items'), 0) AS n
  FROM events
  WHERE event_name = 'RunInstances'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
win AS (
  SELECT who, event_ts AS t0,
         sum(n) OVER (PARTITION BY who ORDER BY event_ts RANGE BETWEEN CURRENT ROW AND :window_minutes * 60000 FOLLOWING) AS total
  FROM runs
),
anchors AS (SELECT DISTINCT who, t0 FROM win WHERE total > :threshold),
bursts AS (
  SELECT who, min(t0) AS lo, max(t0) + :window_minutes * 60000 AS hi
  FROM (SELECT who, t0, sum(brk) OVER (PARTITION BY who ORDER BY t0 ROWS UNBOUNDED PRECEDING) AS run
        FROM (SELECT who, t0, CASE WHEN t0 - lag(t0) OVER (PARTITION BY who ORDER BY t0) <= :window_minutes * 60000
                                   THEN 0 ELSE 1 END AS brk
              FROM anchors))
  GROUP BY who, run
),
hits AS MATERIALIZED (
  SELECT b.lo, r.*,
         (SELECT coalesce(json_extract(e.request_parameters, '$.instanceType'),
                          json_extract(e.response_elements, '$.instancesSet.items[0].instanceType'))
          FROM events e WHERE e.id = r.id) AS itype
  FROM bursts b JOIN runs r ON r.who = b.who AND r.event_ts BETWEEN b.lo AND b.hi
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  sum(n) || ' instances launched by ' || count(*) || ' RunInstances calls in ' || ((max(event_ts) - min(event_ts)) / 60000)
    || ' min: '
    || (SELECT group_concat(x, ', ') FROM (SELECT h3.itype || ' x' || sum(h3.n) || ' in ' || h3.aws_region AS x
                                        FROM hits h3 WHERE h3.who = hits.who AND h3.lo = hits.lo
                                        GROUP BY h3.itype, h3.aws_region ORDER BY sum(h3.n) DESC, x))
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.who = hits.who AND h2.lo = hits.lo
         ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY who, lo, event_ts, id) hits
GROUP BY who, lo
ORDER BY first_time, identity, summary;
