-- id: vpc_mining_pool_port
-- title: Connections to cryptocurrency mining pool ports
-- severity: medium
-- tactics: TA0040
-- techniques: T1496
-- description: An internal address opened TCP connections to an internet address on a port used by
--   cryptocurrency mining pools for Stratum (:ports; 3333, 4444, 5555, 7777, 14444 and 45700 are the
--   classic ones, 8333 is the Bitcoin peer-to-peer port). Miners dropped on compromised instances and containers talk to their pool continuously,
--   so the span between the first and the last flow matters as much as the count. Rejected attempts count
--   (the miner is running even if the network stops it); the summary says how many. Only flows from an
--   ephemeral source port (1024 and above) count, which leaves out the replies of internal services on
--   well-known ports to internet clients whose own ports happen to be in the list. One finding per account,
--   region, source, destination and port; the evidence is the first 100 flows.
-- false_positives: These ports are not reserved: 4444, 5555 and 7777 are also used by development servers,
--   Android debugging, game servers and Metasploit (itself worth a look). Check the destination against
--   mining pool lists (or pass such a list with --ip-list for vpc_listed_ip) and allowlist known services.
-- references: https://attack.mitre.org/techniques/T1496/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#cryptocurrency-ec2-bitcointool, https://en.bitcoin.it/wiki/Stratum_mining_protocol
-- tags: vpcflow, impact, cryptomining
-- allowlist: ip
-- param: ports = 3333,3334,3357,4444,5555,5556,6666,7777,8333,14433,14444,45560,45700 | comma-separated mining pool ports
WITH mining AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, action, packets, bytes, start, start_time, end_time
  FROM flows
  WHERE dstport IN (SELECT value FROM json_each('[' || :ports || ']'))
    AND protocol = 6
    AND srcport >= 1024
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
numbered AS (
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr, dstport ORDER BY start, id) AS rn
  FROM mining
),
pools AS (
  SELECT account_id, region, srcaddr, dstaddr, dstport,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(action = 'REJECT') AS rejected, sum(packets) AS packets, sum(bytes) AS bytes,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, dstport
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s connected to %s port %d/tcp (mining pool port): %d flow%s, %d rejected, %d packets, %d bytes%s',
         srcaddr, dstaddr, dstport, flows, CASE WHEN flows = 1 THEN '' ELSE 's' END, rejected, packets, bytes,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM pools
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
