-- id: vpc_ssh_rdp_brute_force
-- title: SSH or RDP brute force from the internet
-- severity: medium
-- tactics: TA0006
-- techniques: T1110.001, T1110.003
-- description: One internet address opened at least :threshold accepted short connections (at most :max_packets
--   packets each) to SSH or RDP (:ports) within one :window_minutes bucket. A failed password or key attempt
--   is a short connection (handshake, key exchange, a few authentication packets, close), so many of them in
--   a row from one address are password guessing or spraying against one or several hosts; the summary counts
--   the hosts. It also counts the longer connections from the same address in the same bucket, which may be a
--   guess that worked and became an interactive session; look at those first. A connection is one client port
--   on one host: its records in the bucket are added up before it is called short or longer, since a session
--   is logged once per aggregation interval (every minute on Nitro instances) and an administrator's idle
--   shells would otherwise count as many short connections. Only accepted flows count (rejected ones never
--   reached the service). Buckets are fixed (start / window). One finding per account, region, source, port
--   and bucket; the evidence is up to 100 flows, the longer connections first, in time order.
-- false_positives: Automation that opens many short SSH connections (Ansible, configuration management, git over
--   SSH, monitoring checks, SFTP batch jobs) or RDP gateways and load balancer health checks; allowlist their
--   addresses.
-- references: https://attack.mitre.org/techniques/T1110/001/, https://attack.mitre.org/techniques/T1110/003/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#unauthorizedaccess-ec2-sshbruteforce, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#unauthorizedaccess-ec2-rdpbruteforce
-- tags: vpcflow, credential-access, brute-force
-- allowlist: ip
-- param: ports = 22,3389 | comma-separated destination ports (SSH, RDP)
-- param: window_minutes = 10 | the length of the fixed time buckets, in minutes
-- param: threshold = 20 | short connections from one address in one bucket
-- param: max_packets = 30 | connections with more packets than this are sessions, not attempts
WITH attempts AS (
  SELECT id, account_id, region, srcaddr, srcport, dstaddr, dstport, packets, start, start_time, end_time,
         CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
  FROM flows
  WHERE dstport IN (SELECT value FROM json_each('[' || :ports || ']'))
    AND protocol = 6
    AND action = 'ACCEPT'
    -- NOT internal(srcaddr), see the note at the end
    AND NOT (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
             OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
             OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
             OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
             OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
             OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
             OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
connections AS (
  -- the packets of the whole connection in the bucket, on each of its records
  SELECT *,
         sum(packets) OVER (PARTITION BY account_id, region, srcaddr, srcport, dstaddr, dstport, bucket)
           AS conn_packets
  FROM attempts
),
numbered AS (
  SELECT *,
         row_number() OVER (PARTITION BY account_id, region, srcaddr, dstport, bucket
                            ORDER BY conn_packets > :max_packets DESC, start, id) AS rn
  FROM connections
),
bursts AS (
  SELECT account_id, region, srcaddr, dstport,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows,
         count(DISTINCT CASE WHEN conn_packets <= :max_packets THEN dstaddr || ' ' || srcport END) AS short,
         count(DISTINCT CASE WHEN conn_packets > :max_packets THEN dstaddr || ' ' || srcport END) AS long,
         count(DISTINCT dstaddr) AS hosts, min(dstaddr) AS host,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstport, bucket
  HAVING count(DISTINCT CASE WHEN conn_packets <= :max_packets THEN dstaddr || ' ' || srcport END) >= :threshold
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s made %d short %s connections (at most %d packets) to %s%s%s',
         srcaddr, short, CASE dstport WHEN 22 THEN 'SSH' WHEN 3389 THEN 'RDP' ELSE 'port ' || dstport END,
         :max_packets, CASE WHEN hosts = 1 THEN host ELSE hosts || ' hosts' END,
         CASE WHEN long > 0 THEN printf('; %d longer connection%s from it in the same window: possible success',
                                         long, CASE WHEN long > 1 THEN 's' ELSE '' END) ELSE '' END,
         CASE WHEN flows > 100 THEN printf(' (evidence: 100 of %d flows)', flows) ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM bursts
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
