-- id: vpc_listed_ip
-- title: Traffic with an address on a threat list
-- severity: medium
-- tactics: TA0011
-- techniques: T1090.003, T1071
-- description: Flows whose source or destination address is on one of the lists given to ctscan detect with
--   --ip-list (the listed_ip table; the list is named after its file), for example Tor exit nodes,
--   anonymising VPNs or the indicators of an incident. Traffic from a listed address to an internal host that
--   was accepted, and any traffic from an internal host to a listed address, deserve a look; the summary
--   gives which end is listed, the ports and how many flows were accepted and rejected. Only the opening side
--   of a TCP or UDP connection counts (its destination port is below its source port or below 1024): the
--   reply records of a session, from the server's port to the client's ephemeral port, would otherwise make
--   a second finding that reads as a connection the other way (an internal host reaching a Tor exit on port
--   51234), and the request records already say whether the connection was accepted. An address on two
--   lists gives two findings. One finding per account, region, source, destination and list; the evidence is
--   the first 100 flows.
-- false_positives: Lists are only as good as their source: Tor exits and VPN ranges change daily, and shared
--   hosting or CDN addresses on an indicator list match innocent traffic. Inbound rejected flows from Tor exits
--   are routine internet noise.
-- references: https://attack.mitre.org/techniques/T1090/003/, https://attack.mitre.org/techniques/T1071/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#unauthorizedaccess-ec2-torclient, https://check.torproject.org/torbulkexitlist
-- tags: vpcflow, command-and-control, threat-intel
-- allowlist: ip
WITH hits AS (
  SELECT f.id, f.account_id, f.region, f.srcaddr, f.dstaddr, f.dstport, f.protocol, f.action, f.start,
         f.start_time, f.end_time, l.list, 'source' AS side
  FROM listed_ip l JOIN flows f ON f.srcaddr = l.ip
  WHERE f.dstaddr NOT IN (SELECT ip FROM allow_ip) AND f.srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND (f.protocol NOT IN (6, 17) OR f.dstport < f.srcport OR f.dstport < 1024)
  UNION ALL
  SELECT f.id, f.account_id, f.region, f.srcaddr, f.dstaddr, f.dstport, f.protocol, f.action, f.start,
         f.start_time, f.end_time, l.list, 'destination' AS side
  FROM listed_ip l JOIN flows f ON f.dstaddr = l.ip
  WHERE f.dstaddr NOT IN (SELECT ip FROM allow_ip) AND f.srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND (f.protocol NOT IN (6, 17) OR f.dstport < f.srcport OR f.dstport < 1024)
),
numbered AS (
  SELECT *, row_number() OVER (PARTITION BY account_id, region, srcaddr, dstaddr, list, side ORDER BY start, id) AS rn
  FROM hits
),
pairs AS (
  SELECT account_id, region, srcaddr, dstaddr, list, side,
         min(start_time) AS first_time, max(end_time) AS last_time,
         count(*) AS flows, sum(action = 'ACCEPT') AS accepted, sum(action = 'REJECT') AS rejected,
         count(DISTINCT dstport) AS ports, min(dstport) AS port, min(protocol) AS protocol,
         count(DISTINCT protocol) AS protocols,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY account_id, region, srcaddr, dstaddr, list, side
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  srcaddr AS source_ip,
  printf('%s -> %s (the %s is on %s), %s: %d flow%s, %d accepted, %d rejected%s',
         srcaddr, dstaddr, side, list,
         CASE WHEN protocols > 1 THEN protocols || ' protocols'
              WHEN protocol NOT IN (6, 17) THEN 'protocol ' || CASE protocol WHEN 1 THEN 'icmp' ELSE protocol END
              WHEN ports = 1 THEN printf('port %d/%s', port, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END)
              ELSE printf('%d %s ports', ports, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END) END,
         flows, CASE WHEN flows = 1 THEN '' ELSE 's' END, accepted, rejected,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM pairs
ORDER BY first_time, summary;
