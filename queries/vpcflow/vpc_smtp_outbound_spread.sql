-- id: vpc_smtp_outbound_spread
-- title: Outbound mail to many internet servers
-- severity: medium
-- tactics: TA0040, TA0011
-- techniques: T1496, T1071.003
-- description: An internal address opened TCP connections to the mail submission and relay ports (:ports, 25,
--   465 and 587 by default) of at least :threshold distinct internet addresses within one :window_minutes
--   bucket. Outside of mail servers, an instance talking SMTP to many mail exchangers is sending spam or
--   phishing for someone (a compromised host or stolen credentials used for a spam run), which also gets the
--   account's addresses blocklisted. Rejected flows count too (a network ACL or the EC2 port 25 limit may stop
--   some); the summary says how many. Buckets are fixed (start / window). One finding per account, region,
--   source and bucket; the evidence is the first 100 flows.
-- false_positives: Mail servers and relays that deliver directly to recipients' MX hosts, newsletter and
--   notification systems not using a relay service. Allowlist the mail servers.
-- references: https://attack.mitre.org/techniques/T1496/, https://attack.mitre.org/techniques/T1071/003/, https://repost.aws/knowledge-center/ec2-port-25-throttle, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, impact, spam, smtp
-- allowlist: ip
-- param: ports = 25,465,587 | comma-separated mail ports
-- param: window_minutes = 60 | the length of the fixed time buckets, in minutes
-- param: threshold = 20 | distinct internet mail servers from one address in one bucket
WITH smtp AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, action, start, start_time, end_time,
         CAST(start / (:window_minutes * 60000) AS INTEGER) AS bucket
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
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, bucket ORDER BY start, id) AS rn
  FROM smtp
),
spread AS (
  SELECT account_id, region, srcaddr,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, count(DISTINCT dstaddr) AS servers, sum(action = 'REJECT') AS rejected,
         json_group_array(DISTINCT dstport) AS used_ports,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, bucket
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
  printf('%s connected to mail ports (%s) of %d internet servers in %d flows, %d rejected%s',
         srcaddr, (SELECT group_concat(value, ',') FROM (SELECT value FROM json_each(used_ports) ORDER BY value LIMIT 50)),
         servers, flows, rejected,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM spread
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
