-- id: ct_sts_token_from_long_term_key
-- title: Temporary credentials minted from a long-term access key
-- severity: medium
-- tactics: TA0003, TA0005
-- techniques: T1098.001, T1550.001
-- description: A successful sts:GetFederationToken, or an sts:GetSessionToken without MFA (no requestParameters.serialNumber), called with a long-term access key (AKIA...) of an IAM user or the root user. The temporary credentials stay valid for up to 36 hours (GetFederationToken, 12 by default) even after the original key is deactivated or deleted, so attackers mint them as soon as they find a key; GetFederationToken also launders the identity into a federated user name of their choosing and opens the way to the console through GetSigninToken. GetSessionToken with MFA is the intended use of the call and is not reported. The summary shows the federated user name and requested duration.
-- false_positives: Federation proxies and legacy brokers built on GetFederationToken, scripts that call GetSessionToken without MFA; allowlist those users.
-- references: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html, https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.sts-federation-token/, https://www.crowdstrike.com/en-us/blog/how-adversaries-persist-with-aws-user-federation/, https://attack.mitre.org/techniques/T1550/001/
-- tags: sts, access-key, persistence
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'GetFederationToken' THEN 'federation token for federated user '
      || coalesce(json_extract(request_parameters, '$.name'), '?')
    ELSE 'session token without MFA' END
    || ' from long-term key ' || access_key_id
    || coalesce(', issued ' || json_extract(response_elements, '$.credentials.accessKeyId'), '')
    || coalesce(', valid ' || CASE WHEN json_extract(request_parameters, '$.durationSeconds') >= 3600
                                  THEN (json_extract(request_parameters, '$.durationSeconds') / 3600) || ' h'
                                  ELSE (json_extract(request_parameters, '$.durationSeconds') / 60) || ' min' END, '')
    || CASE WHEN event_name = 'GetFederationToken' AND json_extract(request_parameters, '$.policy') IS NULL
                 AND json_extract(request_parameters, '$.policyArns') IS NULL
            THEN ', no session policy' ELSE '' END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('GetFederationToken', 'GetSessionToken')
  AND event_source = 'sts.amazonaws.com'
  AND error_code IS NULL
  AND identity_type IN ('IAMUser', 'Root')
  AND access_key_id LIKE 'AKIA%'
  AND (event_name = 'GetFederationToken' OR json_extract(request_parameters, '$.serialNumber') IS NULL)
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
