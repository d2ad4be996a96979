-- id: vpc_unusual_protocol
-- title: Unusual IP protocol to or from the internet
-- severity: medium
-- tactics: TA0011
-- techniques: T1095, T1572
-- description: Accepted traffic between an internal address and an internet address over an IP protocol other
--   than :allowed_protocols (ICMP 1, TCP 6, UDP 17, ICMPv6 58 by default), for example GRE (47), IP-in-IP (4),
--   IPv6-in-IPv4 (41), ESP (50), AH (51), L2TP (115) or SCTP (132). Outside of deliberate VPN and tunnel
--   appliances, a host speaking these protocols to the internet is running a tunnel that security groups
--   and DNS-based controls do not look into, a proxy for an attacker, or a covert channel. One finding per
--   account, region, source, destination and protocol; the evidence is the first 100 flows.
-- false_positives: VPN gateways and SD-WAN or firewall appliances (IPsec ESP/AH, GRE to a branch office),
--   multicast routing and other tunnel endpoints run on purpose. Allowlist the peers or add the protocol to
--   allowed_protocols.
-- references: https://attack.mitre.org/techniques/T1095/, https://attack.mitre.org/techniques/T1572/, https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, command-and-control, tunnel
-- allowlist: ip
-- param: allowed_protocols = 1,6,17,58 | comma-separated IP protocol numbers that are expected
WITH odd AS (
  SELECT id, account_id, region, srcaddr, dstaddr, protocol, packets, bytes, start, start_time, end_time
  FROM flows
  WHERE action = 'ACCEPT'
    AND protocol NOT IN (SELECT value FROM json_each('[' || :allowed_protocols || ']'))
    -- internal(srcaddr) differs from internal(dstaddr): one end internal, one on the internet; see the note at
    -- the end
    AND (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
         OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
         OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
         OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
         OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
         OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
         OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
     <> (dstaddr LIKE '10.%' OR dstaddr LIKE '192.168.%'
         OR (dstaddr LIKE '172.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
         OR (dstaddr LIKE '100.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
         OR dstaddr LIKE '169.254.%' OR dstaddr LIKE '127.%' OR dstaddr LIKE '0.%'
         OR (dstaddr GLOB '2[2-5][0-9].*' AND CAST(dstaddr AS INTEGER) >= 224)
         OR dstaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
         OR dstaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr = '::1')
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
numbered AS (
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr, protocol ORDER BY start, id) AS rn
  FROM odd
),
pairs AS (
  SELECT account_id, region, srcaddr, dstaddr, protocol,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, protocol
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s -> %s over IP protocol %d (%s): %d flows, %d packets, %d bytes%s',
         srcaddr, dstaddr, protocol,
         CASE protocol WHEN 0 THEN 'HOPOPT' WHEN 2 THEN 'IGMP' WHEN 4 THEN 'IP-in-IP' WHEN 41 THEN 'IPv6-in-IPv4'
           WHEN 47 THEN 'GRE' WHEN 50 THEN 'ESP' WHEN 51 THEN 'AH' WHEN 89 THEN 'OSPF' WHEN 94 THEN 'IPIP'
           WHEN 97 THEN 'EtherIP' WHEN 103 THEN 'PIM' WHEN 112 THEN 'VRRP' WHEN 115 THEN 'L2TP'
           WHEN 132 THEN 'SCTP' WHEN 136 THEN 'UDP-Lite' WHEN 1 THEN 'ICMP' WHEN 6 THEN 'TCP' WHEN 17 THEN 'UDP'
           WHEN 58 THEN 'ICMPv6' ELSE 'other' END,
         flows, packets, bytes,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM pairs
ORDER BY first_time, summary;
-- internal(a): the address is not on the public internet.  The same
-- expression, on srcaddr or dstaddr, in every vpc_ rule (plain SQL, so
-- the rule runs unchanged in the sqlite3 shell): IPv4 10/8, 172.16/12,
-- 192.168/16, 100.64/10 (shared/CGNAT), 127/8, 169.254/16 (link-local:
-- instance metadata, Amazon DNS 169.254.169.253, time sync), 0/8 and
-- 224/3 (multicast, reserved, broadcast); IPv6 fc00::/7 (ULA, including
-- fd00:ec2::/32), fe80::/10, ff00::/8 and ::1, the first group written
-- in full, as AWS writes it.  VPC IPv6 addresses are global unicast and
-- count as public here.
