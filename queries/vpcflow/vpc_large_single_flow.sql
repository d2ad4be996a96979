-- id: vpc_large_single_flow
-- title: Very large single flow
-- severity: low
-- tactics: TA0010, TA0009
-- techniques: T1048, T1074.002
-- description: One flow record (one connection, one interface, one aggregation interval of at most ten minutes)
--   carried at least :threshold_bytes bytes (1 GiB by default). Records of the same connection (the same
--   addresses, ports and protocol) are grouped into one finding, which gives the largest record, the number of
--   records and the span. The summary classes the direction - egress (internal to internet), ingress (internet
--   to internal), internal (both ends internal: staging data on another host before exfiltration, or a
--   database dump pulled by another instance) or external - and the AWS service of the internet end when a
--   version 5 log names it. Bulk transfers are ordinary in many workloads, so this is a low-severity pointer
--   to the biggest transfers of an incident window rather than an alert. The evidence is the first 100
--   records of the connection.
-- false_positives: Backups, replication, data pipelines, software and container image downloads, large uploads
--   to S3 without a VPC endpoint. Allowlist the hosts or raise threshold_bytes.
-- references: https://attack.mitre.org/techniques/T1048/, https://attack.mitre.org/techniques/T1074/002/, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, exfiltration, collection, volume
-- allowlist: ip
-- param: threshold_bytes = 1073741824 | bytes in one flow record
WITH big AS (
  SELECT account_id, region, srcaddr, srcport, dstaddr, dstport, protocol
  FROM flows
  WHERE bytes >= :threshold_bytes
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
  GROUP BY account_id, region, srcaddr, srcport, dstaddr, dstport, protocol
),
records AS (
  -- every record of those connections, not only the large ones
  SELECT f.id, f.account_id, f.region, f.srcaddr, f.srcport, f.dstaddr, f.dstport, f.protocol, f.bytes, f.start,
         f.start_time, f.end_time, f.pkt_src_aws_service, f.pkt_dst_aws_service,
         row_number() OVER (PARTITION BY f.account_id, f.region, f.srcaddr, f.srcport, f.dstaddr, f.dstport, f.protocol
                            ORDER BY f.start, f.id) AS rn
  FROM big b
  JOIN flows f ON f.srcaddr = b.srcaddr AND f.dstaddr = b.dstaddr AND f.srcport = b.srcport
              AND f.dstport = b.dstport AND f.protocol = b.protocol AND f.account_id = b.account_id
              AND f.region IS b.region
),
connections AS (
  SELECT account_id, region, srcaddr, srcport, dstaddr, dstport, protocol,
         min(start_time) AS first_time, max(end_time) AS last_time, count(*) AS records,
         max(bytes) AS largest, sum(bytes >= :threshold_bytes) AS large,
         coalesce(max(pkt_dst_aws_service), max(pkt_src_aws_service)) AS service,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM records
  GROUP BY account_id, region, srcaddr, srcport, dstaddr, dstport, protocol
),
classed AS (
  SELECT *,
         -- internal(srcaddr) and internal(dstaddr), see the note at the end
         (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
          OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
          OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
          OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
          OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
          OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
          OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1') AS src_internal,
         (dstaddr LIKE '10.%' OR dstaddr LIKE '192.168.%'
          OR (dstaddr LIKE '172.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
          OR (dstaddr LIKE '100.%' AND CAST(substr(dstaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
          OR dstaddr LIKE '169.254.%' OR dstaddr LIKE '127.%' OR dstaddr LIKE '0.%'
          OR (dstaddr GLOB '2[2-5][0-9].*' AND CAST(dstaddr AS INTEGER) >= 224)
          OR dstaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
          OR dstaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR dstaddr = '::1') AS dst_internal
  FROM connections
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s flow %s:%d -> %s:%d/%s: largest record %s, %d of %d records over the threshold%s%s',
         CASE WHEN src_internal AND dst_internal THEN 'internal'
              WHEN src_internal THEN 'egress'
              WHEN dst_internal THEN 'ingress' ELSE 'external' END,
         srcaddr, srcport, dstaddr, dstport,
         CASE protocol WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' WHEN 1 THEN 'icmp' ELSE 'protocol ' || protocol END,
         CASE WHEN largest >= 1073741824 THEN printf('%.2f GiB', largest / 1073741824.0)
              ELSE printf('%.1f MiB', largest / 1048576.0) END,
         large, records,
         CASE WHEN service IS NOT NULL THEN ' (AWS service ' || service || ')' ELSE '' END,
         CASE WHEN records > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM classed
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
