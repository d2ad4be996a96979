-- id: ct_discovery_offensive_user_agent
-- title: API calls from offensive-security tooling
-- severity: high
-- tactics: TA0007, TA0001
-- techniques: T1580, T1078.004
-- description: API calls whose user agent carries the fingerprint of an attack distribution or tool. The AWS CLI and SDKs add the operating system to the user agent: md/distrib#kali.2025 (newer clients), os/linux#6.12.38+kali-amd64 or Linux/5.10.0-kali7-amd64 (kernel release), and likewise for Parrot OS and Pentoo (the basis of GuardDuty's PenTest:IAMUser findings). Tools that name themselves are matched too: Pacu, TruffleHog (credential validation), S3 Browser (seen in data-theft intrusions), ScoutSuite, Prowler, CloudFox, Cloudsplaining, WeirdAAL and Stratus Red Team. Matching is case-insensitive on substrings; one row per principal, source IP and tool, with the first 100 calls as evidence. This rule scans the user agent of every event (no JSON is parsed).
-- false_positives: Authorised penetration tests and red-team exercises; security teams running Prowler or ScoutSuite (allowlist their roles or user agents).
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#pentest-iam-kalilinux, https://www.elastic.co/guide/en/security/current/aws-cli-with-kali-linux-fingerprint-identified.html, https://github.com/RhinoSecurityLabs/pacu, https://trufflesecurity.com/blog
-- tags: discovery, initial-access, tooling
-- allowlist: principal, ip, user_agent
WITH hits AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, error_code, recipient_account_id, aws_region,
         identity_arn, user_name, access_key_id, source_ip_address, user_agent,
         CASE
           WHEN user_agent LIKE '%distrib#kali%' OR user_agent LIKE '%linux#%kali%' OR user_agent LIKE '%linux/%kali%' THEN 'Kali Linux'
           WHEN user_agent LIKE '%distrib#parrot%' OR user_agent LIKE '%linux#%parrot%' OR user_agent LIKE '%linux/%parrot%' THEN 'Parrot OS'
           WHEN user_agent LIKE '%pentoo%' THEN 'Pentoo'
           WHEN user_agent LIKE '%pacu%' THEN 'Pacu'
           WHEN user_agent LIKE '%trufflehog%' THEN 'TruffleHog'
           WHEN user_agent LIKE '%s3 browser%' THEN 'S3 Browser'
           WHEN user_agent LIKE '%scoutsuite%' OR user_agent LIKE '%scout suite%' THEN 'ScoutSuite'
           WHEN user_agent LIKE '%prowler%' THEN 'Prowler'
           WHEN user_agent LIKE '%cloudfox%' THEN 'CloudFox'
           WHEN user_agent LIKE '%cloudsplaining%' THEN 'Cloudsplaining'
           WHEN user_agent LIKE '%weirdaal%' THEN 'WeirdAAL'
           WHEN user_agent LIKE '%stratus-red-team%' THEN 'Stratus Red Team'
         END AS tool
  FROM events
  WHERE id IN (SELECT e.id FROM ev e WHERE e.ua IN (SELECT id FROM strs WHERE s LIKE '%kali%' OR s LIKE '%parrot%'
          OR s LIKE '%pentoo%' OR s LIKE '%pacu%' OR s LIKE '%trufflehog%' OR s LIKE '%s3 browser%'
          OR s LIKE '%scoutsuite%' OR s LIKE '%scout suite%' OR s LIKE '%prowler%' OR s LIKE '%cloudfox%'
          OR s LIKE '%cloudsplaining%' OR s LIKE '%weirdaal%' OR s LIKE '%stratus-red-team%'))
    AND (user_agent LIKE '%kali%' OR user_agent LIKE '%parrot%' OR user_agent LIKE '%pentoo%'
         OR user_agent LIKE '%pacu%' OR user_agent LIKE '%trufflehog%' OR user_agent LIKE '%s3 browser%'
         OR user_agent LIKE '%scoutsuite%' OR user_agent LIKE '%scout suite%' OR user_agent LIKE '%prowler%'
         OR user_agent LIKE '%cloudfox%' OR user_agent LIKE '%cloudsplaining%' OR user_agent LIKE '%weirdaal%'
         OR user_agent LIKE '%stratus-red-team%')
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'user_agent' AND user_agent GLOB a.value)
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
grouped AS MATERIALIZED (
  SELECT hits.*, coalesce(identity_arn, user_name, '?') AS who
  FROM hits
  WHERE tool IS NOT NULL
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  group_concat(DISTINCT recipient_account_id) AS account,
  group_concat(DISTINCT aws_region) AS region,
  who AS identity,
  group_concat(DISTINCT access_key_id) AS access_key,
  source_ip_address AS source_ip,
  tool || ' user agent: ' || count(*) || ' calls to ' || count(DISTINCT event_name) || ' APIs (' || count(error_code)
    || ' failed), e.g. ' || min(user_agent) AS summary,
  (SELECT json_group_array(event_id)
   FROM (SELECT g2.event_id FROM grouped g2
         WHERE g2.who = grouped.who AND g2.source_ip_address IS grouped.source_ip_address AND g2.tool = grouped.tool
         ORDER BY g2.event_ts, g2.id LIMIT 100)) AS evidence
FROM grouped
GROUP BY who, source_ip_address, tool
ORDER BY first_time, identity, summary;
