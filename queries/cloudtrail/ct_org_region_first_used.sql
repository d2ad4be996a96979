-- id: ct_org_region_first_used
-- title: Activity in a region unused during the baseline
-- severity: medium
-- tactics: TA0005
-- techniques: T1535
-- description: An account shows activity in a region that had none during the first :baseline_days days of the index. Attackers launch miners and stash resources in regions the victim never uses, where nobody looks. Events made by AWS services (identity type AWSService, or invokedBy set) and regions in the region allowlist are ignored. The row reports the first 24 hours of activity in the region: who started it, how many calls, and the first 100 events as evidence. Every event's region is grouped (no JSON is read), so this rule scans the index once, unless the index spans less than the baseline, when no region can be new.
-- false_positives: Planned expansion to a new region; global services whose calls land in a new region; an index whose baseline is too short to have seen all the regions in use.
-- references: https://permiso.io/blog/how-threat-actors-leverage-unsupported-cloud-regions, https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region
-- tags: region, defense-evasion, anomaly
-- allowlist: principal, region
-- param: baseline_days = 14 | days at the start of the index that define the regions in use
WITH acts AS MATERIALIZED (
  SELECT recipient_account_id AS acct, aws_region AS region, min(event_ts) AS first_ts
  FROM events
  WHERE aws_region IS NOT NULL
    AND coalesce(identity_type, '') <> 'AWSService'
    AND invoked_by IS NULL
    AND aws_region NOT IN (SELECT value FROM allowlist WHERE kind = 'region')
    -- an index shorter than the baseline has no newcomer: skip the scan (a constant, tested once)
    AND (SELECT max(event_ts) FROM events) >= (SELECT min(event_ts) FROM events) + :baseline_days * 86400000
  GROUP BY recipient_account_id, aws_region
),
newcomers AS (
  SELECT acts.* FROM acts
  WHERE acts.first_ts >= (SELECT min(event_ts) FROM events) + :baseline_days * 86400000
),
hits AS MATERIALIZED (
  SELECT e.id, e.event_ts, e.event_time, e.event_id, e.event_name, e.error_code, e.recipient_account_id, e.aws_region,
         coalesce(e.identity_arn, e.user_name, e.identity_principal_id) AS who, e.access_key_id, e.source_ip_address
  FROM newcomers n JOIN events e ON e.recipient_account_id = n.acct AND e.aws_region = n.region
  WHERE e.event_ts BETWEEN n.first_ts AND n.first_ts + 86400000
    AND coalesce(e.identity_type, '') <> 'AWSService'
    AND e.invoked_by IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (e.identity_arn, e.user_name, e.session_issuer_arn, e.session_issuer_user_name))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  (SELECT h2.who FROM hits h2 WHERE h2.recipient_account_id = hits.recipient_account_id AND h2.aws_region = hits.aws_region
   ORDER BY h2.event_ts, h2.id LIMIT 1) AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  group_concat(DISTINCT source_ip_address) AS source_ip,
  'first activity in ' || aws_region || ' after a ' || :baseline_days || '-day baseline without it: ' || count(*)
    || ' calls to ' || count(DISTINCT event_name) || ' APIs (' || count(error_code) || ' failed) by '
    || count(DISTINCT who) || ' principal(s) in the first 24 h, starting with '
    || (SELECT h2.event_name FROM hits h2 WHERE h2.recipient_account_id = hits.recipient_account_id
        AND h2.aws_region = hits.aws_region ORDER BY h2.event_ts, h2.id LIMIT 1)
    || CASE WHEN count(*) > 100 THEN ' (evidence: first 100)' ELSE '' END AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT h2.event_id FROM hits h2 WHERE h2.recipient_account_id = hits.recipient_account_id
         AND h2.aws_region = hits.aws_region ORDER BY h2.event_ts, h2.id LIMIT 100)) AS evidence
FROM (SELECT * FROM hits ORDER BY recipient_account_id, aws_region, event_ts, id) hits
GROUP BY recipient_account_id, aws_region
ORDER BY first_time, identity, summary;
