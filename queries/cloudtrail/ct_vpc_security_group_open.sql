-- id: ct_vpc_security_group_open
-- title: Security group opened to the internet on admin ports or all traffic
-- severity: high
-- tactics: TA0005, TA0001
-- techniques: T1562.007, T1133
-- description: A successful AuthorizeSecurityGroupIngress lets 0.0.0.0/0 or ::/0 reach SSH (22), RDP (3389), every port of a protocol, or all traffic (ipProtocol -1). Rules are read from every shape CloudTrail uses: requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp and .ipv6Ranges.items[].cidrIpv6, the legacy top-level cidrIp/fromPort/toPort/ipProtocol, and responseElements.securityGroupRuleSet.items[] (cidrIpv4/cidrIpv6) in newer records.
-- false_positives: Bastion hosts or VPN concentrators deliberately exposed; short-lived lab environments.
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.ec2-security-group-open-port-22-ingress/, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html
-- tags: ec2, vpc, network, exposure
-- allowlist: principal
WITH sg AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name = 'AuthorizeSecurityGroupIngress'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
rules AS (
  SELECT sg.id, CAST(json_extract(p.value, '$.ipProtocol') AS TEXT) AS proto,
         json_extract(p.value, '$.fromPort') AS from_port, json_extract(p.value, '$.toPort') AS to_port,
         json_extract(r.value, '$.cidrIp') AS cidr
  FROM sg, json_each(sg.rp, '$.ipPermissions.items') p, json_each(p.value, '$.ipRanges.items') r
  UNION
  SELECT sg.id, CAST(json_extract(p.value, '$.ipProtocol') AS TEXT),
         json_extract(p.value, '$.fromPort'), json_extract(p.value, '$.toPort'),
         json_extract(r.value, '$.cidrIpv6')
  FROM sg, json_each(sg.rp, '$.ipPermissions.items') p, json_each(p.value, '$.ipv6Ranges.items') r
  UNION
  SELECT sg.id, CAST(json_extract(sg.rp, '$.ipProtocol') AS TEXT),
         json_extract(sg.rp, '$.fromPort'), json_extract(sg.rp, '$.toPort'), json_extract(sg.rp, '$.cidrIp')
  FROM sg
  WHERE json_extract(sg.rp, '$.cidrIp') IS NOT NULL
  UNION
  SELECT sg.id, CAST(json_extract(s.value, '$.ipProtocol') AS TEXT),
         json_extract(s.value, '$.fromPort'), json_extract(s.value, '$.toPort'),
         coalesce(json_extract(s.value, '$.cidrIpv4'), json_extract(s.value, '$.cidrIpv6'))
  FROM sg, json_each(sg.re, '$.securityGroupRuleSet.items') s
  WHERE lower(CAST(coalesce(json_extract(s.value, '$.isEgress'), 'false') AS TEXT)) IN ('0', 'false')
),
open_rules AS (
  SELECT id,
         CASE WHEN proto IN ('-1', 'all') THEN 'all traffic'
              WHEN coalesce(from_port, 0) <= 0 AND coalesce(to_port, 65535) >= 65535 THEN proto || '/all ports'
              WHEN from_port = to_port THEN proto || '/' || from_port
              ELSE proto || '/' || from_port || '-' || to_port END || ' from ' || cidr AS what
  FROM rules
  WHERE cidr IN ('0.0.0.0/0', '::/0')
    AND (proto IN ('-1', 'all')
         OR (proto NOT IN ('icmp', '1', 'icmpv6', '58')
             AND ((coalesce(from_port, 0) <= 0 AND coalesce(to_port, 65535) >= 65535)
                  OR (proto IN ('tcp', '6') AND (coalesce(from_port, 0) <= 22 AND coalesce(to_port, 65535) >= 22
                                                 OR coalesce(from_port, 0) <= 3389 AND coalesce(to_port, 65535) >= 3389)))))
)
SELECT
  min(sg.event_time) AS first_time,
  max(sg.event_time) AS last_time,
  sg.recipient_account_id AS account,
  sg.aws_region AS region,
  coalesce(sg.identity_arn, sg.user_name) AS identity,
  sg.access_key_id AS access_key,
  sg.source_ip_address AS source_ip,
  'security group ' || coalesce(json_extract(sg.rp, '$.groupId'), json_extract(sg.rp, '$.groupName'), '?')
    || ' opened: ' || replace(group_concat(DISTINCT o.what), ',', ', ') AS summary,
  json_group_array(DISTINCT sg.event_id) AS evidence
FROM sg JOIN open_rules o ON o.id = sg.id
GROUP BY sg.id
ORDER BY first_time, identity, summary;
