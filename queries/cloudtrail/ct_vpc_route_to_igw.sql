-- id: ct_vpc_route_to_igw
-- title: Default route to an internet gateway added
-- severity: low
-- tactics: TA0005, TA0010
-- techniques: T1562.007
-- description: A successful CreateRoute or ReplaceRoute sends 0.0.0.0/0 (or ::/0) to an internet gateway (gatewayId igw-*). Every subnet associated with the route table becomes a public subnet, which can expose instances that were private or give them a direct path out for exfiltration.
-- false_positives: Building a new VPC or public subnet; infrastructure-as-code re-applying route tables.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html
-- tags: vpc, network, exposure
-- allowlist: principal
WITH hits AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, event_source, recipient_account_id, aws_region, identity_arn,
         user_name, identity_type, access_key_id, source_ip_address, error_code, user_agent,
         request_parameters AS rp
  FROM events
  WHERE event_name IN ('CreateRoute', 'ReplaceRoute')
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
  event_name || ': route table ' || coalesce(json_extract(rp, '$.routeTableId'), '?') || ' sends '
    || coalesce(json_extract(rp, '$.destinationCidrBlock'), json_extract(rp, '$.destinationIpv6CidrBlock'))
    || ' to ' || json_extract(rp, '$.gatewayId') AS summary,
  json_group_array(event_id) AS evidence
FROM hits
WHERE (json_extract(rp, '$.destinationCidrBlock') = '0.0.0.0/0' OR json_extract(rp, '$.destinationIpv6CidrBlock') = '::/0')
  AND json_extract(rp, '$.gatewayId') GLOB 'igw-*'
GROUP BY id
ORDER BY first_time, identity, summary;
