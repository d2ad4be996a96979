-- id: vpc_new_destination_port
-- title: Destination port first seen on a network interface after its baseline
-- severity: low
-- tactics: TA0011
-- techniques: T1571
-- description: A network interface accepted a connection (in either direction) to a TCP or UDP destination port
--   it had not used during its baseline, the first :baseline_hours hours after its first flow log record in the
--   time range. Servers and containers talk to a stable set of ports; a new one after the baseline is a new
--   service, a new dependency, or a backdoor, reverse shell or command-and-control channel on a non-standard
--   port. A flow counts as an opening only when its destination port is below its source port or below 1024,
--   and only ports up to :max_port (49151, the end of the registered range) are considered, so ephemeral
--   ports on replies do not flood the rule. The baseline is computed from the flows in the time range (use
--   --since to give it enough history); an interface with less history than the baseline yields nothing. One
--   finding per interface, port and protocol; the evidence is the first 100 flows on that port.
-- false_positives: Deployments, new dependencies and patching, autoscaled instances that do something once a day,
--   peer-to-peer or RPC protocols with dynamic ports. Review the port and the peer addresses; allowlist
--   known peers.
-- references: https://attack.mitre.org/techniques/T1571/, https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html#behavior-ec2-networkportunusual, https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
-- tags: vpcflow, command-and-control, baseline
-- allowlist: ip
-- param: baseline_hours = 24 | hours after an interface's first record that make its baseline
-- param: max_port = 49151 | the highest destination port considered
WITH first_record AS (
  SELECT interface_id, min(start) AS t0
  FROM flows
  GROUP BY interface_id
),
opens AS NOT MATERIALIZED (
  SELECT id, account_id, region, interface_id, srcaddr, dstaddr, dstport, protocol, start, start_time, end_time
  FROM flows
  WHERE action = 'ACCEPT'
    AND protocol IN (6, 17)
    AND (dstport < srcport OR dstport < 1024)
    AND dstport <= :max_port
    AND srcaddr NOT IN (SELECT ip FROM allow_ip)
    AND dstaddr NOT IN (SELECT ip FROM allow_ip)
),
first_use AS (
  SELECT interface_id, dstport, protocol, min(start) AS t1
  FROM opens
  GROUP BY interface_id, dstport, protocol
),
new_ports AS (
  SELECT u.interface_id, u.dstport, u.protocol, u.t1, r.t0
  FROM first_use u JOIN first_record r ON r.interface_id = u.interface_id
  WHERE u.t1 >= r.t0 + :baseline_hours * 3600000
),
numbered AS (
  SELECT o.*, n.t0,
         row_number() OVER (PARTITION BY o.interface_id, o.dstport, o.protocol ORDER BY o.start, o.id) AS rn
  FROM new_ports n
  JOIN opens o ON o.dstport = n.dstport AND o.start >= n.t1 AND o.interface_id = n.interface_id
              AND o.protocol = n.protocol
),
uses AS (
  SELECT interface_id, dstport, protocol, t0,
         min(start_time) AS first_time, max(end_time) AS last_time, count(*) AS flows,
         max(account_id) AS account_id, max(region) AS region,
         count(DISTINCT srcaddr) AS sources, count(DISTINCT dstaddr) AS destinations,
         max(CASE WHEN rn = 1 THEN srcaddr END) AS first_src, max(CASE WHEN rn = 1 THEN dstaddr END) AS first_dst,
         json_group_array(json_array(start, id)) FILTER (WHERE rn <= 100) AS ev
  FROM numbered
  GROUP BY interface_id, dstport, protocol
)
SELECT
  first_time,
  last_time,
  account_id AS account,
  region,
  NULL AS identity,
  NULL AS access_key,
  first_src AS source_ip,
  printf('%s used destination port %d/%s for the first time (%s -> %s), %.1f h after its first record: %d flow%s, %d source%s, %d destination%s%s',
         interface_id, dstport, CASE protocol WHEN 6 THEN 'tcp' ELSE 'udp' END, first_src, first_dst,
         (julianday(first_time) - julianday(t0 / 1000, 'unixepoch')) * 24,
         flows, CASE WHEN flows = 1 THEN '' ELSE 's' END, sources, CASE WHEN sources = 1 THEN '' ELSE 's' END,
         destinations, CASE WHEN destinations = 1 THEN '' ELSE 's' END,
         CASE WHEN flows > 100 THEN ' (evidence: the first 100)' ELSE '' END) AS summary,
  (SELECT json_group_array(e ->> 1) FROM (SELECT value AS e FROM json_each(ev) ORDER BY e ->> 0, e ->> 1 LIMIT 100))
    AS evidence
FROM uses
ORDER BY first_time, summary;
