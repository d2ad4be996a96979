-- id: ct_org_region_enabled
-- title: AWS opt-in region enabled
-- severity: medium
-- tactics: TA0005
-- techniques: T1535
-- description: A successful EnableRegion (AWS Account Management) turns on an opt-in region. Regions nobody uses are rarely monitored, which makes them a place to run instances or keep resources out of sight. Regions listed in the region allowlist are ignored.
-- false_positives: A planned expansion into a new region.
-- references: https://docs.aws.amazon.com/accounts/latest/reference/API_EnableRegion.html, https://permiso.io/blog/how-threat-actors-leverage-unsupported-cloud-regions
-- tags: account, region, defense-evasion
-- allowlist: principal, region
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name = 'EnableRegion'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(aws_region, '') NOT IN (SELECT value FROM allowlist WHERE kind = 'region')
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'opt-in region ' || coalesce(json_extract(rp, '$.RegionName'), json_extract(rp, '$.regionName'), '?')
    || ' enabled' || coalesce(' for account ' || json_extract(rp, '$.AccountId'), '') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE coalesce(json_extract(rp, '$.RegionName'), json_extract(rp, '$.regionName'), '') NOT IN (SELECT value FROM allowlist WHERE kind = 'region')
GROUP BY id
ORDER BY first_time, identity, summary;
