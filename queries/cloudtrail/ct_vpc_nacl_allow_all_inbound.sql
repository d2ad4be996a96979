-- id: ct_vpc_nacl_allow_all_inbound
-- title: Network ACL entry allows inbound traffic from anywhere
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.007
-- description: A successful CreateNetworkAclEntry or ReplaceNetworkAclEntry adds an inbound (egress false) allow rule for 0.0.0.0/0 or ::/0. The summary shows the rule number, protocol (aclProtocol, -1 meaning all) and port range so that all-traffic or admin-port rules stand out.
-- false_positives: Public subnets that legitimately accept HTTP/HTTPS or ephemeral-port return traffic from the internet.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html
-- tags: vpc, network, exposure
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name IN ('CreateNetworkAclEntry', 'ReplaceNetworkAclEntry')
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
  'network ACL ' || coalesce(json_extract(rp, '$.networkAclId'), '?')
    || ' rule ' || coalesce(json_extract(rp, '$.ruleNumber'), '?') || ' allows inbound '
    || CASE coalesce(json_extract(rp, '$.aclProtocol'), json_extract(rp, '$.protocol'), '-1')
         WHEN '-1' THEN 'all traffic'
         WHEN '6' THEN 'tcp ' || coalesce(CASE WHEN json_extract(rp, '$.portRange.from') = json_extract(rp, '$.portRange.to')
                             THEN 'port ' || json_extract(rp, '$.portRange.from')
                             ELSE 'ports ' || json_extract(rp, '$.portRange.from') || '-' || json_extract(rp, '$.portRange.to') END,
                        'all ports')
         WHEN '17' THEN 'udp ' || coalesce(CASE WHEN json_extract(rp, '$.portRange.from') = json_extract(rp, '$.portRange.to')
                             THEN 'port ' || json_extract(rp, '$.portRange.from')
                             ELSE 'ports ' || json_extract(rp, '$.portRange.from') || '-' || json_extract(rp, '$.portRange.to') END,
                        'all ports')
         ELSE 'protocol ' || coalesce(json_extract(rp, '$.aclProtocol'), json_extract(rp, '$.protocol')) END
    || ' from ' || coalesce(json_extract(rp, '$.cidrBlock'), json_extract(rp, '$.ipv6CidrBlock')) AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE lower(json_extract(rp, '$.ruleAction')) = 'allow'
  AND lower(CAST(coalesce(json_extract(rp, '$.egress'), 'false') AS TEXT)) IN ('0', 'false')
  AND (json_extract(rp, '$.cidrBlock') = '0.0.0.0/0' OR json_extract(rp, '$.ipv6CidrBlock') = '::/0')
GROUP BY id
ORDER BY first_time, identity, summary;
