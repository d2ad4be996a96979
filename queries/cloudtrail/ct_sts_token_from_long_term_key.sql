-- id: ct_sts_token_from_long_term_key
-- title: Temporary credentials minted from a long-term access key
-- severity: medium
-- tactics: TA0003, TA0005
-- techniques: T1098.001, T1550.001
-- description: Successful sts:GetFederationToken calls, or sts:GetSessionToken calls without MFA (no requestParameters.serialNumber), made with a long-term access key (AKIA...) of an IAM user or the root user; one row per account, key, API and UTC day. The temporary credentials stay valid for up to 36 hours (GetFederationToken, 12 by default) even after the original key is deactivated or deleted, so attackers mint them as soon as they find a key; GetFederationToken also launders the identity into a federated user name of their choosing and opens the way to the console through GetSigninToken. GetSessionToken with MFA is the intended use of the call and is not reported. The summary gives the number of calls, the federated user names, the longest requested duration and the source addresses.
-- false_positives: Federation proxies and legacy brokers built on GetFederationToken, CI users and scripts that call GetSessionToken without MFA; allowlist those users.
-- references: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html, https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.sts-federation-token/, https://www.crowdstrike.com/en-us/blog/how-adversaries-persist-with-aws-user-federation/, https://attack.mitre.org/techniques/T1550/001/
-- tags: sts, access-key, persistence
-- allowlist: principal, ip
WITH hits AS MATERIALIZED (
  SELECT id, event_ts, event_time, event_id, event_name, recipient_account_id, aws_region, source_ip_address,
         coalesce(identity_arn, user_name) AS identity, access_key_id,
         substr(event_time, 1, 10) AS day,
         json_extract(request_parameters, '$.name') AS fed_name,
         json_extract(request_parameters, '$.durationSeconds') AS duration
  FROM events
  WHERE event_name IN ('GetFederationToken', 'GetSessionToken')
    AND +event_source = 'sts.amazonaws.com'  -- unary +: look events up by name, not by source
    AND error_code IS NULL
    AND identity_type IN ('IAMUser', 'Root')
    AND access_key_id LIKE 'AKIA%'
    AND (event_name = 'GetFederationToken' OR json_extract(request_parameters, '$.serialNumber') IS NULL)
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
),
grp AS (
  SELECT *,
    row_number() OVER w AS rn,
    max(event_time) OVER g AS last_time,
    count(*) OVER g AS n,
    -- GetFederationToken defaults to 12 hours, GetSessionToken to 12 hours as well
    max(coalesce(duration, 43200)) OVER g AS longest,
    json_group_array(event_id) OVER g AS evidence
  FROM hits
  WINDOW w AS (PARTITION BY recipient_account_id, access_key_id, event_name, day ORDER BY event_ts, id),
         g AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
names AS (
  SELECT recipient_account_id, access_key_id, event_name, day,
    row_number() OVER w AS rn,
    group_concat(fed_name, ', ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS fed_names
  FROM (SELECT DISTINCT recipient_account_id, access_key_id, event_name, day, fed_name FROM hits
        WHERE fed_name IS NOT NULL)
  WINDOW w AS (PARTITION BY recipient_account_id, access_key_id, event_name, day ORDER BY fed_name)
),
ips AS (
  SELECT recipient_account_id, access_key_id, event_name, day,
    row_number() OVER w AS rn,
    count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n_ips,
    group_concat(ip, ', ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS ip_list
  FROM (SELECT DISTINCT recipient_account_id, access_key_id, event_name, day,
                        coalesce(source_ip_address, '?') AS ip FROM hits)
  WINDOW w AS (PARTITION BY recipient_account_id, access_key_id, event_name, day ORDER BY ip)
)
SELECT
  grp.event_time AS first_time,
  grp.last_time,
  grp.recipient_account_id AS account,
  grp.aws_region AS region,
  grp.identity,
  grp.access_key_id AS access_key,
  CASE WHEN ips.n_ips = 1 THEN grp.source_ip_address END AS source_ip,
  CASE grp.event_name
    WHEN 'GetFederationToken' THEN
      CASE grp.n WHEN 1 THEN 'federation token' ELSE grp.n || ' federation tokens' END
      || ' (federated user ' || coalesce(names.fed_names, '?') || ')'
    ELSE CASE grp.n WHEN 1 THEN 'session token' ELSE grp.n || ' session tokens' END || ' without MFA'
  END
    || ' minted from long-term key ' || grp.access_key_id
    || ', up to ' || CASE WHEN grp.longest >= 3600 THEN (grp.longest / 3600) || ' h'
                          ELSE (grp.longest / 60) || ' min' END
    || ', from ' || CASE WHEN length(ips.ip_list) > 120 THEN ips.n_ips || ' addresses' ELSE ips.ip_list END
    AS summary,
  grp.evidence
FROM grp
JOIN ips ON ips.rn = 1 AND ips.recipient_account_id IS grp.recipient_account_id
        AND ips.access_key_id = grp.access_key_id AND ips.event_name = grp.event_name AND ips.day = grp.day
LEFT JOIN names ON names.rn = 1 AND names.recipient_account_id IS grp.recipient_account_id
               AND names.access_key_id = grp.access_key_id AND names.event_name = grp.event_name
               AND names.day = grp.day
WHERE grp.rn = 1
ORDER BY first_time, summary, evidence;
