-- id: ct_iam_identity_provider_changed
-- title: IAM SAML or OIDC identity provider created or changed
-- severity: high
-- tactics: TA0004, TA0005
-- techniques: T1484.002
-- description: A successful CreateSAMLProvider, UpdateSAMLProvider, CreateOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint or AddClientIDToOpenIDConnectProvider. An identity provider the attacker controls (or a SAML provider whose signing certificate the attacker replaced) lets them mint sessions for any role that trusts the provider, without any IAM user or key - a federation backdoor that password resets and key rotation do not remove.
-- false_positives: Setting up SSO or CI federation (GitHub Actions, GitLab, EKS OIDC providers are created with every EKS cluster) and yearly IdP certificate rotation; allowlist the principals that manage federation and cluster provisioning.
-- references: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSAMLProvider.html, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html, https://attack.mitre.org/techniques/T1484/002/
-- tags: iam, federation, saml, oidc, persistence
-- allowlist: principal, ip
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  CASE event_name
    WHEN 'CreateSAMLProvider' THEN 'SAML provider created: '
      || coalesce(json_extract(response_elements, '$.sAMLProviderArn'), json_extract(request_parameters, '$.name'), '?')
    WHEN 'UpdateSAMLProvider' THEN 'SAML provider metadata replaced: '
      || coalesce(json_extract(request_parameters, '$.sAMLProviderArn'), '?')
    WHEN 'CreateOpenIDConnectProvider' THEN 'OIDC provider created for '
      || coalesce(json_extract(request_parameters, '$.url'), '?')
      || coalesce(' (client ids ' || (SELECT group_concat(value, ', ')
                                       FROM json_each(request_parameters, '$.clientIDList')) || ')', '')
    WHEN 'UpdateOpenIDConnectProviderThumbprint' THEN 'OIDC provider thumbprints replaced: '
      || coalesce(json_extract(request_parameters, '$.openIDConnectProviderArn'), '?')
    ELSE 'client id ' || coalesce(json_extract(request_parameters, '$.clientID'), '?') || ' added to OIDC provider '
      || coalesce(json_extract(request_parameters, '$.openIDConnectProviderArn'), '?')
  END AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('CreateSAMLProvider', 'UpdateSAMLProvider', 'CreateOpenIDConnectProvider',
                     'UpdateOpenIDConnectProviderThumbprint', 'AddClientIDToOpenIDConnectProvider')
  AND +event_source = 'iam.amazonaws.com'  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
