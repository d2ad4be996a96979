-- id: ct_trail_selectors_weakened
-- title: CloudTrail event selectors stop recording some management events
-- severity: high
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful PutEventSelectors left the trail without full management-event coverage. With basic selectors, no selector keeps includeManagementEvents true with readWriteType All and no excludeManagementEventSources; with advanced selectors, no selector records eventCategory Management without a further readOnly or eventSource filter. The trail keeps running, so the gap is easy to miss (the technique Stratus Red Team calls cloudtrail-event-selectors). Selectors are read from requestParameters (eventSelectors, or advancedEventSelectors with fieldSelectors field/equals/notEquals).
-- false_positives: Cost tuning that drops read-only management events or the noisy KMS and RDS Data API sources on a secondary trail, or a data-events-only trail beside an organization trail that records management events; allowlist the principals that manage trails.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.cloudtrail-event-selectors/, https://attack.mitre.org/techniques/T1562/008/
-- tags: logging, cloudtrail, defense-evasion
-- allowlist: principal, ip
WITH p AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name, invoked_by,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'PutEventSelectors'
    AND +event_source = 'cloudtrail.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
-- basic selectors: one row per selector
basic AS (
  SELECT p.id,
         coalesce(json_extract(s.value, '$.includeManagementEvents'), 1) AS mgmt,
         coalesce(json_extract(s.value, '$.readWriteType'), 'All') AS rw,
         coalesce(json_array_length(s.value, '$.excludeManagementEventSources'), 0) AS n_excluded,
         (SELECT group_concat(x.value, ', ') FROM json_each(s.value, '$.excludeManagementEventSources') x) AS excluded
  FROM p, json_each(p.rp, '$.eventSelectors') s
  WHERE json_type(p.rp, '$.eventSelectors') = 'array'
),
-- advanced selectors: one row per selector, with its management flag and restricting fields
adv AS (
  SELECT p.id,
         EXISTS (SELECT 1 FROM json_each(s.value, '$.fieldSelectors') f
                 WHERE json_extract(f.value, '$.field') = 'eventCategory'
                   AND EXISTS (SELECT 1 FROM json_each(f.value, '$.equals') v WHERE v.value = 'Management')) AS mgmt,
         (SELECT group_concat(json_extract(f.value, '$.field'), '+') FROM json_each(s.value, '$.fieldSelectors') f
          WHERE json_extract(f.value, '$.field') <> 'eventCategory') AS filters
  FROM p, json_each(p.rp, '$.advancedEventSelectors') s
  WHERE json_type(p.rp, '$.advancedEventSelectors') = 'array'
),
verdict AS (
  SELECT p.*,
    json_extract(p.rp, '$.trailName') AS trail,
    CASE
      WHEN json_type(p.rp, '$.advancedEventSelectors') = 'array' THEN
        CASE
          WHEN NOT EXISTS (SELECT 1 FROM adv WHERE adv.id = p.id AND adv.mgmt) THEN
            'advanced selectors record no management events'
          WHEN NOT EXISTS (SELECT 1 FROM adv WHERE adv.id = p.id AND adv.mgmt AND adv.filters IS NULL) THEN
            'advanced selectors filter management events by '
              || (SELECT min(adv.filters) FROM adv WHERE adv.id = p.id AND adv.mgmt)
        END
      WHEN json_type(p.rp, '$.eventSelectors') = 'array' THEN
        CASE
          WHEN NOT EXISTS (SELECT 1 FROM basic WHERE basic.id = p.id AND basic.mgmt) THEN
            'management events excluded (includeManagementEvents false)'
          WHEN NOT EXISTS (SELECT 1 FROM basic WHERE basic.id = p.id AND basic.mgmt AND basic.rw = 'All') THEN
            'management events limited to '
              || (SELECT min(basic.rw) FROM basic WHERE basic.id = p.id AND basic.mgmt)
          WHEN NOT EXISTS (SELECT 1 FROM basic WHERE basic.id = p.id AND basic.mgmt AND basic.rw = 'All'
                                                   AND basic.n_excluded = 0) THEN
            'management events excluded from '
              || (SELECT min(basic.excluded) FROM basic WHERE basic.id = p.id AND basic.mgmt AND basic.rw = 'All')
        END
    END AS weakness
  FROM p
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'trail ' || coalesce(trail, '?') || ': ' || weakness AS summary,
  json_array(event_id) AS evidence
FROM verdict
WHERE weakness IS NOT NULL
ORDER BY first_time, summary, evidence;
