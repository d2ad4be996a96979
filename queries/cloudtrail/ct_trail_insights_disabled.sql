-- id: ct_trail_insights_disabled
-- title: CloudTrail Insights turned off on a trail
-- severity: low
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful PutInsightSelectors with an empty insightSelectors list, which switches off CloudTrail Insights (unusual API call rate and error rate detection) for the trail. Insights is what surfaces bursts of activity such as mass enumeration or a run of access-denied errors, so an attacker preparing noisy actions may disable it first.
-- false_positives: Insights is billed per event analysed and is often turned off to save cost, typically by the team that owns the trail; allowlist those principals.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html, https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html, https://attack.mitre.org/techniques/T1562/008/
-- tags: logging, cloudtrail, defense-evasion
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'Insights disabled on trail ' || coalesce(json_extract(request_parameters, '$.trailName'), '?') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name = 'PutInsightSelectors'
  AND +event_source = 'cloudtrail.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND coalesce(json_array_length(request_parameters, '$.insightSelectors'), 0) = 0
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
