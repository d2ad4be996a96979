-- id: vpc_port_scan_horizontal
-- title: Horizontal sweep of one port across many hosts
-- severity: medium
-- tactics: TA0007
-- techniques: T1046, T1018
-- description: One source address sent short flows (TCP or UDP, at most :max_packets packets each) to the same
--   destination port on at least :threshold distinct destination addresses within one :window_minutes bucket,
--   the shape of a sweep for one service (SSH, RDP, SMB, Redis, a vulnerable web server) or of a worm
--   spreading. Accepted and rejected flows both count; the summary says how many were rejected and whether the
--   source is internal (lateral movement or discovery from a host in the VPC, the more serious case) or on the
--   internet. A flow counts as an opening only when its destination port is below its source port or below
--   1024, so a busy server answering many clients is not mistaken for a sweep. Buckets are fixed
--   (start / window); a slow sweep can stay under the threshold in each bucket. One finding per account,
--   region, source, port, protocol and bucket; the evidence is the first 100 flows.
-- false_positives: Authorised scanners, service discovery and monitoring (Prometheus, Consul, load balancer
--   health checks with short probes), a recursive DNS resolver querying many authoritative servers on port
--   53, NTP clients of a pool. Allowlist the scanners' and resolvers' addresses.
-- references: https://attack.mitre.org/techniques/T1046/, https://attack.mitre.org/techniques/T1018/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#recon-ec2-portscan, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, discovery, scan
-- allowlist: ip
-- param: window_minutes = 10 | the length of the fixed time buckets, in minutes
-- param: threshold = 25 | distinct destination addresses on one port that make a sweep
-- param: max_packets = 3 | flows with more packets than this are sessions, not probes
WITH probes AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, protocol, action, start, start_time, end_time,
         CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
  FROM flows
  WHERE protocol IN (6, 17)
    AND packets <= :max_packets
    AND (dstport < srcport OR dstport < 1024)
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
numbered AS (
  SELECT *,
         row_number() OVER (PARTITION BY account_id, region, srcaddr, dstport, protocol, bucket ORDER BY start, id) AS rn
  FROM probes
),
sweeps AS (
  SELECT account_id, region, srcaddr, dstport, protocol,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, count(DISTINCT dstaddr) AS hosts,
         sum(action = 'REJECT') AS rejected,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstport, protocol, bucket
  HAVING count(DISTINCT dstaddr) >= :threshold
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s source %s swept port %d/%s on %d hosts in %d flows, %d rejected%s',
         -- internal(srcaddr), see the note at the end
         CASE WHEN (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
                    OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
                    OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
                    OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
                    OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
                    OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
                    OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
              THEN 'internal' ELSE 'internet' END,
         srcaddr, dstport, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END, hosts, flows, rejected,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM sweeps
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
