-- id: vpc_inbound_nonweb_accepted
-- title: Inbound connection from the internet accepted on a non-web port
-- severity: medium
-- tactics: TA0001
-- techniques: T1133, T1190
-- description: A security group and network ACL let an internet address open a TCP or UDP connection to an
--   internal address on a port outside :allowed_ports (80 and 443 by default), for example SSH, RDP, a
--   database, Redis, Elasticsearch, the Docker API or Kubernetes. Exposed management and data ports are how
--   most cloud hosts are broken into. A flow counts as an opening only when its destination port is below its
--   source port or below 1024, so the replies to an instance's own outbound connections (which arrive on its
--   ephemeral ports) are left out. One finding per account, region, internet source, internal destination,
--   port and protocol over the whole time range; the evidence is the first 100 flows.
-- false_positives: Published services on other ports (mail, DNS, VPN, SFTP, game servers): add their ports to
--   allowed_ports. Administrators connecting from office or VPN addresses: allowlist those CIDRs. Symmetric
--   UDP protocols that use the same port on both ends (NTP 123 with public time servers, IKE 500/4500) show
--   the replies too.
-- references: https://attack.mitre.org/techniques/T1133/, https://attack.mitre.org/techniques/T1190/, https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html, https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html
-- tags: vpcflow, initial-access, exposure
-- allowlist: ip
-- param: allowed_ports = 80,443 | comma-separated ports that may be open to the internet
WITH inbound AS (
  SELECT id, account_id, region, srcaddr, dstaddr, dstport, protocol, packets, bytes, start, start_time, end_time
  FROM flows
  WHERE action = 'ACCEPT'
    AND protocol IN (6, 17)
    AND (dstport < srcport OR dstport < 1024)
    AND dstport NOT IN (SELECT value FROM json_each('[' || :allowed_ports || ']'))
    -- NOT internal(srcaddr) AND internal(dstaddr), see the note at the end
    AND NOT (srcaddr LIKE '10.%' OR srcaddr LIKE '192.168.%'
             OR (srcaddr LIKE '172.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 16 AND 31)
             OR (srcaddr LIKE '100.%' AND CAST(substr(srcaddr, 5) AS INTEGER) BETWEEN 64 AND 127)
             OR srcaddr LIKE '169.254.%' OR srcaddr LIKE '127.%' OR srcaddr LIKE '0.%'
             OR (srcaddr GLOB '2[2-5][0-9].*' AND CAST(srcaddr AS INTEGER) >= 224)
             OR srcaddr GLOB '[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr GLOB '[fF][eE][89abAB][0-9a-fA-F]:*'
             OR srcaddr GLOB '[fF][fF][0-9a-fA-F][0-9a-fA-F]:*' OR srcaddr = '::1')
    AND (dstaddr LIKE '10.%' OR dstaddr LIKE '192.168.%'
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
  SELECT *,
         row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr, dstport, protocol ORDER BY start, id) AS rn
  FROM inbound
),
exposed AS (
  SELECT account_id, region, srcaddr, dstaddr, dstport, protocol,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, dstport, protocol
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s connected to %s port %d/%s (%s): %d accepted flows, %d packets, %d bytes%s',
         srcaddr, dstaddr, dstport, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END,
         CASE dstport WHEN 21 THEN 'FTP' WHEN 22 THEN 'SSH' WHEN 23 THEN 'Telnet' WHEN 25 THEN 'SMTP'
           WHEN 53 THEN 'DNS' WHEN 111 THEN 'RPC' WHEN 135 THEN 'MS RPC' WHEN 139 THEN 'NetBIOS' WHEN 445 THEN 'SMB'
           WHEN 1433 THEN 'SQL Server' WHEN 1521 THEN 'Oracle' WHEN 2049 THEN 'NFS' WHEN 2375 THEN 'Docker API'
           WHEN 2376 THEN 'Docker API' WHEN 3306 THEN 'MySQL' WHEN 3389 THEN 'RDP' WHEN 5432 THEN 'PostgreSQL'
           WHEN 5900 THEN 'VNC' WHEN 5985 THEN 'WinRM' WHEN 5986 THEN 'WinRM' WHEN 6379 THEN 'Redis'
           WHEN 6443 THEN 'Kubernetes API' WHEN 9200 THEN 'Elasticsearch' WHEN 10250 THEN 'kubelet'
           WHEN 11211 THEN 'memcached' WHEN 27017 THEN 'MongoDB' ELSE 'other' END,
         flows, packets, bytes,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM exposed
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
