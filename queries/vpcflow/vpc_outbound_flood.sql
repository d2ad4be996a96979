-- id: vpc_outbound_flood
-- title: Outbound packet flood to one internet address
-- severity: high
-- tactics: TA0040
-- techniques: T1498.001, T1499
-- description: An internal address sent at least :threshold_pps packets per second of small packets (on average
--   at most :max_avg_bytes bytes) to one internet address within one :window_minutes bucket, counting all its
--   flows to that address (a SYN or UDP flood uses a new source port for every packet, so it shows as many
--   flows). The rate is the packets of the bucket over the time from the first flow's start to the last
--   flow's end, at least one second. An instance taking part in a denial-of-service attack is almost always
--   compromised (a DDoS bot), and the traffic is billed to the account. Large packets are left out so that
--   bulk uploads are not mistaken for floods; raise max_avg_bytes to catch floods of large UDP packets. Two
--   kinds of small packets at a high rate are not floods and are left out: the ACKs of a bulk download (the
--   destination sends back packets larger than max_avg_bytes on average in the same bucket, where a flooded
--   target answers with small SYN-ACKs, resets or ICMP errors, or not at all), and the replies of an instance
--   that is itself flooded (a TCP or UDP flow counts only when its destination port is below its source port
--   or below 1024, so SYN-ACKs from a service port to the attacker's ports do not count). When the flood is
--   logged by more than one interface (instance and NAT gateway), each logs it, so one finding can count it
--   twice. One finding per account, region, source, destination and bucket; the evidence is the 100 largest
--   flows, in time order.
-- false_positives: Load tests against your own public endpoints, high-rate UDP telemetry, VoIP or game traffic
--   to one server, DNS-heavy workloads using one public resolver. Allowlist the targets.
-- references: https://attack.mitre.org/techniques/T1498/001/, https://attack.mitre.org/techniques/T1499/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#backdoor-ec2-denialofservicetcp
-- tags: vpcflow, impact, dos
-- allowlist: ip
-- param: window_minutes = 5 | the length of the fixed time buckets, in minutes
-- param: threshold_pps = 5000 | packets per second from one source to one destination
-- param: max_avg_bytes = 300 | only small packets: the largest average packet size, in bytes
WITH egress AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, protocol, packets, bytes, start, "end", start_time,
         end_time, CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
  FROM flows
  WHERE packets > 0
    AND (protocol NOT IN (6, 17) OR dstport < srcport OR dstport < 1024)
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
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
rates AS (
  SELECT account_id, coalesce(region, '') AS region_key, srcaddr, dstaddr, bucket,
         sum(packets) AS packets, sum(bytes) AS bytes,
         max(1.0, (max("end") - min(start)) / 1000.0) AS seconds
  FROM egress
  GROUP BY account_id, region, srcaddr, dstaddr, bucket
  HAVING sum(packets) / max(1.0, (max("end") - min(start)) / 1000.0) >= :threshold_pps
     AND sum(bytes) <= :max_avg_bytes * sum(packets)
),
floods_only AS (
  -- not the ACKs of a download: the destination's own packets back to the source in the bucket are small too
  SELECT r.*
  FROM rates r
  WHERE NOT coalesce((SELECT sum(b.bytes) > :max_avg_bytes * sum(b.packets)
                      FROM flows b
                      WHERE b.srcaddr = r.dstaddr AND b.dstaddr = r.srcaddr AND b.account_id = r.account_id
                        AND coalesce(b.region, '') = r.region_key AND b.packets > 0
                        AND b.start >= r.bucket * (:window_minutes * 60000)
                        AND b.start < (r.bucket + 1) * (:window_minutes * 60000)), 0)
),
numbered AS (
  SELECT e.*, r.packets AS total_packets, r.bytes AS total_bytes, r.seconds,
         row_number() OVER (PARTITION BY e.account_id, e.region, e.srcaddr, e.dstaddr, e.bucket
                            ORDER BY e.packets DESC, e.start, e.id) AS rn
  FROM floods_only r
  JOIN egress e ON e.account_id = r.account_id AND coalesce(e.region, '') = r.region_key
                AND e.srcaddr = r.srcaddr AND e.dstaddr = r.dstaddr AND e.bucket = r.bucket
),
floods AS (
  SELECT account_id, region, srcaddr, dstaddr, total_packets, total_bytes, seconds,
         min(start_time) AS first_time, max(end_time) AS last_time, count(*) AS flows,
         count(DISTINCT dstport) AS ports, min(dstport) AS port, count(DISTINCT protocol) AS protocols,
         min(protocol) AS protocol,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, bucket
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s sent %d packets (%d bytes on average) to %s %s at %d packets/s over %d s in %d flows%s',
         srcaddr, total_packets, total_bytes / total_packets, dstaddr,
         CASE WHEN protocols > 1 THEN 'over ' || protocols || ' protocols'
              WHEN protocol NOT IN (6, 17) THEN 'protocol ' || CASE protocol WHEN 1 THEN 'icmp' ELSE protocol END
              WHEN ports = 1 THEN printf('port %d/%s', port, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END)
              ELSE printf('on %d %s ports', ports, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END) END,
         CAST(total_packets / seconds AS INTEGER), CAST(seconds AS INTEGER), flows,
         CASE WHEN flows > 100 THEN ' (evidence: the 100 largest flows)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM floods
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
