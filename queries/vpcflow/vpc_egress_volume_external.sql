-- id: vpc_egress_volume_external
-- title: Large volume sent to one internet address
-- severity: medium
-- tactics: TA0010
-- techniques: T1048, T1041, T1567
-- description: An internal address sent at least :threshold_bytes bytes (1 GiB by default) in accepted flows to
--   one internet address within one :window_minutes bucket (an hour by default), which is how bulk
--   exfiltration to an attacker's server or storage looks in flow logs. When the same traffic is logged by
--   more than one network interface (the instance and a NAT gateway or firewall endpoint on the way), the
--   bytes of the interface that logged the most are used, not the sum, so nothing is counted twice. The
--   summary gives the volume, the ports and, in version 5 logs, the AWS service that owns the destination
--   range (pkt-dst-aws-service), since large uploads to S3 or other AWS endpoints are usually backups.
--   Buckets are fixed (start / window), so a transfer that straddles a boundary is split. One finding per
--   account, region, internal source, internet destination and bucket; the evidence is the 100 largest flows,
--   in time order.
-- false_positives: Backups and replication to external storage, uploads to S3 or other AWS public endpoints
--   without a VPC endpoint, software distribution, video streaming. Allowlist the destinations or raise
--   threshold_bytes.
-- references: https://attack.mitre.org/techniques/T1048/, https://attack.mitre.org/techniques/T1041/, https://attack.mitre.org/techniques/T1567/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#behavior-ec2-trafficvolumeunusual, https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html
-- tags: vpcflow, exfiltration, volume
-- allowlist: ip
-- param: window_minutes = 60 | the length of the fixed time buckets, in minutes
-- param: threshold_bytes = 1073741824 | bytes from one internal address to one internet address in one bucket
WITH egress AS (
  SELECT id, account_id, region, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, bytes, start, start_time,
         end_time, pkt_dst_aws_service, CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
  FROM flows
  WHERE action = 'ACCEPT'
    AND bytes > 0
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
per_interface AS (
  SELECT account_id, region, srcaddr, dstaddr, bucket, interface_id, sum(bytes) AS bytes
  FROM egress
  GROUP BY account_id, region, srcaddr, dstaddr, bucket, interface_id
),
heavy AS (
  SELECT account_id, coalesce(region, '') AS region_key, srcaddr, dstaddr, bucket, max(bytes) AS bytes,
         count(*) AS interfaces
  FROM per_interface
  GROUP BY account_id, region, srcaddr, dstaddr, bucket
  HAVING max(bytes) >= :threshold_bytes
),
numbered AS (
  SELECT e.*, h.bytes AS total, h.interfaces,
         row_number() OVER (PARTITION BY e.account_id, e.region, e.srcaddr, e.dstaddr, e.bucket
                            ORDER BY e.bytes DESC, e.start, e.id) AS rn
  FROM heavy h
  JOIN egress e ON e.account_id = h.account_id AND coalesce(e.region, '') = h.region_key
                AND e.srcaddr = h.srcaddr AND e.dstaddr = h.dstaddr AND e.bucket = h.bucket
),
transfers AS (
  SELECT account_id, region, srcaddr, dstaddr, total, interfaces,
         min(start_time) AS first_time, max(end_time) AS last_time, count(*) AS flows,
         count(DISTINCT dstport) AS ports, min(dstport) AS port, count(DISTINCT srcport) AS sports,
         min(srcport) AS sport, count(DISTINCT protocol) AS protocols, min(protocol) AS protocol,
         max(pkt_dst_aws_service) AS service,
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
  printf('%s sent %s to %s %s in %d flows within %d min%s%s%s',
         srcaddr,
         CASE WHEN total >= 1073741824 THEN printf('%.2f GiB', total / 1073741824.0)
              ELSE printf('%.1f MiB', total / 1048576.0) END,
         dstaddr,
         CASE WHEN protocols > 1 THEN 'over ' || protocols || ' protocols'
              WHEN ports = 1 THEN printf('port %d/%s', port, CASE protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp'
                                                                ELSE 'protocol ' || protocol END)
              WHEN sports = 1 THEN printf('from port %d/%s', sport, CASE protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp'
                                                                ELSE 'protocol ' || protocol END)
              ELSE ports || ' ports' END,
         flows, :window_minutes,
         CASE WHEN service IS NOT NULL THEN ' (AWS service ' || service || ')' ELSE '' END,
         CASE WHEN interfaces > 1 THEN printf(' (largest of %d interfaces)', interfaces) ELSE '' END,
         CASE WHEN flows > 100 THEN ' (evidence: the 100 largest flows)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM transfers
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
