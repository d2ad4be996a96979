-- id: vpc_dns_external_resolver
-- title: DNS queries to an internet resolver instead of the VPC resolver
-- severity: low
-- tactics: TA0011, TA0005
-- techniques: T1071.004, T1572
-- description: An internal address sent DNS (UDP or TCP 53, and DNS over TLS 853: :ports) to an internet address
--   that is not in :allowed_resolvers. Instances normally resolve through the Amazon-provided resolver (the
--   VPC base address plus two, 169.254.169.253, or fd00:ec2::253), which Route 53 Resolver query logging and
--   DNS Firewall see; going straight to an outside server bypasses both and is how DNS tunnelling and
--   DNS-based command and control (iodine, dnscat2, Cobalt Strike DNS beacons) usually talk to the
--   attacker's name server. Internal resolvers (Route 53 Resolver endpoints, domain controllers) are internal
--   addresses and never match. Rejected attempts count; the summary says how many. One finding per account,
--   region, source and resolver; the evidence is the first 100 flows.
-- false_positives: Hosts configured with public resolvers (8.8.8.8, 1.1.1.1, 9.9.9.9) on purpose, recursive
--   resolvers run on instances (they query authoritative servers directly), DNS monitoring. List the resolvers
--   you accept in allowed_resolvers or allowlist the hosts.
-- references: https://attack.mitre.org/techniques/T1071/004/, https://attack.mitre.org/techniques/T1572/, https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#trojan-ec2-dnsdataexfiltration
-- tags: vpcflow, command-and-control, dns
-- allowlist: ip
-- param: ports = 53,853 | comma-separated DNS ports (853 is DNS over TLS)
-- param: allowed_resolvers = none | comma-separated internet resolver addresses that are allowed, e.g. 1.1.1.1,8.8.8.8
WITH dns AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, protocol, action, packets, bytes, start, start_time,
         end_time
  FROM flows
  WHERE dstport IN (SELECT value FROM json_each('[' || :ports || ']'))
    AND protocol IN (6, 17)
    -- internal(srcaddr) AND NOT internal(dstaddr), see the note at the end
    AND (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
         OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
         OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
         OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
         OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
         OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
         OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
    AND NOT (dstaddr LIKE '10.%' OR dstaddr LIKE '192.168.%'
             OR (dstaddr LIKE '172.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
             OR (dstaddr LIKE '100.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
             OR dstaddr LIKE '169.254.%' OR dstaddr LIKE '127.%' OR dstaddr LIKE '0.%'
             OR (dstaddr GLOB '2[2-5][0-9].*' AND CAST(dstaddr AS INTEGER) >= 224)
             OR dstaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
             OR dstaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr = '::1')
    AND instr(',' || replace(:allowed_resolvers, ' ', '') || ',', ',' || dstaddr || ',') = 0
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
numbered AS (
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr ORDER BY start, id) AS rn
  FROM dns
),
resolvers AS (
  SELECT account_id, region, srcaddr, dstaddr,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(action = 'REJECT') AS rejected, sum(packets) AS packets, sum(bytes) AS bytes,
         sum(dstport = 853) AS dot, sum(protocol = 6) AS tcp,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s sent DNS to internet resolver %s: %d flow%s (%d over TCP, %d DNS over TLS), %d rejected, %d packets, %d bytes%s',
         srcaddr, dstaddr, flows, CASE WHEN flows = 1 THEN '' ELSE 's' END, tcp, dot, rejected, packets, bytes,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM resolvers
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
