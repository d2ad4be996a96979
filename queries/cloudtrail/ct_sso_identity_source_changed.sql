-- id: ct_sso_identity_source_changed
-- title: IAM Identity Center identity source or external IdP changed
-- severity: high
-- tactics: TA0004, TA0005
-- techniques: T1484.002
-- description: A successful IAM Identity Center (formerly AWS SSO) call that changes where workforce identities come from - the directory associated with the instance (AssociateDirectory, DisassociateDirectory, UpdateDirectoryAssociation on sso.amazonaws.com) or the external SAML identity provider of the Identity Center directory (Create-, Update-, Enable-, Disable- and DeleteExternalIdPConfigurationForDirectory on sso-directory.amazonaws.com). Pointing Identity Center at an identity provider the attacker controls lets them sign in as any workforce user and receive every permission set assigned to that user across the organization.
-- false_positives: Planned migration of the identity source (for example from the built-in directory to Okta or Entra ID) and IdP certificate rotation; allowlist the principals of the identity team.
-- references: https://docs.aws.amazon.com/singlesignon/latest/userguide/sso-info-in-cloudtrail.html, https://docs.aws.amazon.com/singlesignon/latest/userguide/manage-your-identity-source-change.html, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_sso_idp_change.yml, https://attack.mitre.org/techniques/T1484/002/
-- tags: identity-center, sso, federation, persistence
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
    WHEN 'AssociateDirectory' THEN 'identity source set to directory '
    WHEN 'DisassociateDirectory' THEN 'identity source directory disassociated: '
    WHEN 'UpdateDirectoryAssociation' THEN 'identity source association updated: '
    WHEN 'CreateExternalIdPConfigurationForDirectory' THEN 'external IdP configured for directory '
    WHEN 'UpdateExternalIdPConfigurationForDirectory' THEN 'external IdP configuration changed for directory '
    WHEN 'EnableExternalIdPConfigurationForDirectory' THEN 'external IdP enabled for directory '
    WHEN 'DisableExternalIdPConfigurationForDirectory' THEN 'external IdP disabled for directory '
    ELSE 'external IdP configuration deleted for directory '
  END || coalesce(json_extract(request_parameters, '$.directoryId'),
                  json_extract(request_parameters, '$.DirectoryId'), '?')
    || coalesce(' (' || json_extract(request_parameters, '$.directoryType') || ')', '') AS summary,
  json_array(event_id) AS evidence
FROM events
WHERE event_name IN ('AssociateDirectory', 'DisassociateDirectory', 'UpdateDirectoryAssociation',
                     'CreateExternalIdPConfigurationForDirectory', 'UpdateExternalIdPConfigurationForDirectory',
                     'EnableExternalIdPConfigurationForDirectory', 'DisableExternalIdPConfigurationForDirectory',
                     'DeleteExternalIdPConfigurationForDirectory')
  AND +event_source IN ('sso.amazonaws.com', 'sso-directory.amazonaws.com')  -- unary +: look events up by name, not by source
  AND error_code IS NULL
  AND NOT EXISTS (SELECT 1 FROM allowlist a
                  WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
  AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
ORDER BY first_time, summary, evidence;
