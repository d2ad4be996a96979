-- id: ct_ec2_user_data_sequence
-- title: Instance stopped, user data replaced, instance started
-- severity: high
-- tactics: TA0002, TA0004
-- techniques: T1059.009, T1037
-- description: The sequence StopInstances, ModifyInstanceAttribute with new user data, StartInstances for the same instance within :window_minutes (user data can only be changed on a stopped instance). The new script runs as root or SYSTEM as the instance boots, so this is how an attacker with EC2 write access gets code execution, and often the instance role's credentials, without any network access to the instance. Instance ids are read from requestParameters.instancesSet.items of the stop and start calls. Evidence holds the three events.
-- false_positives: Operators fixing a broken bootstrap script by hand; golden-image pipelines that reconfigure stopped instances.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-user-data/, https://hackingthe.cloud/aws/exploitation/local-priv-esc-mod-instance-att/
-- tags: ec2, execution, privilege-escalation
-- allowlist: principal
-- param: window_minutes = 60 | maximum time from the stop to the modification and from the modification to the start
WITH mods AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'ModifyInstanceAttribute'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
changes AS (
  SELECT mods.*, json_extract(rp, '$.instanceId') AS iid
  FROM mods
  WHERE json_type(rp, '$.userData') IS NOT NULL OR json_extract(rp, '$.attribute') = 'userData'
),
ss_raw AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, recipient_account_id, request_parameters AS rp
  FROM events
  WHERE event_name IN ('StopInstances', 'StartInstances')
    AND error_code IS NULL
),
ss AS MATERIALIZED (
  SELECT ss_raw.id, ss_raw.event_ts, ss_raw.event_time, ss_raw.event_id, ss_raw.event_name, ss_raw.recipient_account_id,
         json_extract(i.value, '$.instanceId') AS iid
  FROM ss_raw, json_each(ss_raw.rp, '$.instancesSet.items') i
),
seq AS (
  SELECT c.*,
         (SELECT s.id FROM ss s WHERE s.event_name = 'StopInstances' AND s.iid = c.iid
            AND s.recipient_account_id = c.recipient_account_id
            AND s.event_ts BETWEEN c.event_ts - :window_minutes * 60000 AND c.event_ts
          ORDER BY s.event_ts DESC, s.id DESC LIMIT 1) AS stop_id,
         (SELECT s.id FROM ss s WHERE s.event_name = 'StartInstances' AND s.iid = c.iid
            AND s.recipient_account_id = c.recipient_account_id
            AND s.event_ts BETWEEN c.event_ts AND c.event_ts + :window_minutes * 60000
          ORDER BY s.event_ts, s.id LIMIT 1) AS start_id
  FROM changes c
),
full AS (
  SELECT seq.*,
         stop.event_time AS stop_time, stop.event_ts AS stop_ts, stop.event_id AS stop_event,
         start.event_time AS start_time, start.event_ts AS start_ts, start.event_id AS start_event
  FROM seq
  JOIN ss stop ON stop.id = seq.stop_id AND stop.iid = seq.iid
  JOIN ss start ON start.id = seq.start_id AND start.iid = seq.iid
)
SELECT
  stop_time AS first_time,
  start_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'instance ' || iid || ' stopped, user data replaced and started again within '
    || CASE WHEN start_ts - stop_ts < 120000 THEN ((start_ts - stop_ts) / 1000) || ' s'
            ELSE ((start_ts - stop_ts) / 60000) || ' min' END AS summary,
  (SELECT json_group_array(x)
   FROM (SELECT full.stop_event AS x UNION ALL SELECT full.event_id UNION ALL SELECT full.start_event)) AS evidence
FROM full
ORDER BY first_time, identity, summary;
