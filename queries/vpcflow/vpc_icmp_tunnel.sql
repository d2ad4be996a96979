-- id: vpc_icmp_tunnel
-- title: ICMP traffic large enough to be a tunnel
-- severity: medium
-- tactics: TA0011, TA0010
-- techniques: T1095, T1572, T1048
-- description: Accepted ICMP or ICMPv6 between an internal address and an internet address carried at least
--   :threshold_bytes bytes in one :window_minutes bucket, with packets of at least :min_avg_bytes bytes on
--   average. A ping is 60 to 100 bytes a packet and a few packets a second; tools such as ptunnel, icmpsh,
--   icmptunnel and hans fill echo requests and replies with data, so the same pair of hosts exchanges large
--   ICMP packets in volume, for a remote shell or to move data past filters that allow ping. Both directions
--   count, each as its own finding. Buckets are fixed (start / window). One finding per account, region,
--   source, destination and bucket; the evidence is the first 100 flows.
-- false_positives: Network monitoring with large pings (ping -s, MTU and path tests), latency probes from
--   monitoring services at a high rate. Allowlist their addresses.
-- references: https://attack.mitre.org/techniques/T1095/, https://attack.mitre.org/techniques/T1572/, https://attack.mitre.org/techniques/T1048/, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, command-and-control, exfiltration, tunnel
-- allowlist: ip
-- param: window_minutes = 60 | the length of the fixed time buckets, in minutes
-- param: threshold_bytes = 1048576 | ICMP bytes from one address to another in one bucket
-- param: min_avg_bytes = 200 | the smallest average packet size, in bytes
WITH icmp AS (
  SELECT id, account_id, region, srcaddr, dstaddr, protocol, packets, bytes, start, start_time, end_time,
         CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
  FROM flows
  WHERE protocol IN (1, 58)
    AND action = 'ACCEPT'
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
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr, bucket ORDER BY start, id) AS rn
  FROM icmp
),
pairs AS (
  SELECT account_id, region, srcaddr, dstaddr,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, bucket
  HAVING sum(bytes) >= :threshold_bytes AND sum(bytes) >= :min_avg_bytes * sum(packets)
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s %s sent %s of ICMP to %s in %d packets (%d bytes on average), %d flows%s',
         -- internal(srcaddr), see the note at the end
         CASE WHEN (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
                    OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
                    OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
                    OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
                    OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
                    OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
                    OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
              THEN 'internal' ELSE 'internet' END,
         srcaddr,
         CASE WHEN bytes >= 1073741824 THEN printf('%.2f GiB', bytes / 1073741824.0)
              ELSE printf('%.1f MiB', bytes / 1048576.0) END,
         dstaddr, packets, bytes / packets, flows,
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
