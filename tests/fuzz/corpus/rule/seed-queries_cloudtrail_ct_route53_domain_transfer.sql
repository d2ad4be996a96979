-- id: ct_route53_domain_transfer
-- title: Route 53 domain transfer started or unlocked
-- severity: high
-- tactics: TA0042, TA0040
-- techniques: T1584.001, T1531
-- description: TransferDomainToAnotherAwsAccount hands a registered domain to another AWS account; DisableDomainTransferLock and RetrieveDomainAuthCode are the steps before moving it to another registrar. Losing the domain lets an attacker take over the company's mail and web names.
-- false_positives: Planned domain moves between the company's own accounts or registrars.
-- references: https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_TransferDomainToAnotherAwsAccount.html, https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_DisableDomainTransferLock.html
-- tags: route53, domains, impact
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent, request_parameters AS rp
  FROM events
  WHERE event_name IN ('TransferDomainToAnotherAwsAccount', 'DisableDomainTransferLock', 'RetrieveDomainAuthCode')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  CASE event_name WHEN 'TransferDomainToAnotherAwsAccount' THEN 'domain ' || coalesce(json_extract(rp, '$.domainName'), json_extract(rp, '$.DomainName'), '?') || ' transfer started to account ' || coalesce(json_extract(rp, '$.accountId'), json_extract(rp, '$.AccountId'), '?') WHEN 'DisableDomainTransferLock' THEN 'transfer lock disabled on domain ' || coalesce(json_extract(rp, '$.domainName'), json_extract(rp, '$.DomainName'), '?') ELSE 'transfer auth code retrieved for domain ' || coalesce(json_extract(rp, '$.domainName'), json_extract(rp, '$.DomainName'), '?') END AS summary,
  json_group_array(event_id) AS evidence
FROM hits
GROUP BY id
ORDER BY first_time, identity, summary;
