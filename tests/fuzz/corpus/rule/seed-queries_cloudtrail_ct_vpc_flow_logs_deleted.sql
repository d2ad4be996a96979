-- id: ct_vpc_flow_logs_deleted
-- title: VPC flow logs deleted
-- severity: medium
-- tactics: TA0005
-- techniques: T1562.008
-- description: A successful EC2 DeleteFlowLogs. Network traffic for the affected VPCs, subnets or interfaces is no longer recorded, hiding later exfiltration, scanning or command-and-control traffic. EC2 records the request in its query-protocol shape, requestParameters.DeleteFlowLogsRequest.FlowLogId, which is an object {content, tag} for one id and an array of them for several.
-- false_positives: Deleting a VPC (its flow logs are removed first) or replacing a flow log with a new destination, usually by infrastructure-as-code; allowlist those principals.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteFlowLogs.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.vpc-remove-flow-logs/, https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_cloudtrail_vpc_flow_logs_deleted.yml, https://attack.mitre.org/techniques/T1562/008/
-- tags: vpc, flow-logs, logging, defense-evasion
-- allowlist: principal, ip
WITH d AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name, invoked_by,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'DeleteFlowLogs'
    AND event_source = 'ec2.amazonaws.com'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a
                    WHERE a.kind = 'principal'
                      AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(source_ip_address, '') NOT IN (SELECT ip FROM allow_ip)
)
SELECT
  event_time AS first_time,
  event_time AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name, invoked_by) AS identity,
  nullif(access_key_id, '') AS access_key,
  source_ip_address AS source_ip,
  'flow logs deleted: ' || coalesce(
    (SELECT group_concat(json_extract(f.value, '$.content'), ', ')
     FROM json_each(rp, '$.DeleteFlowLogsRequest.FlowLogId') f
     WHERE json_type(rp, '$.DeleteFlowLogsRequest.FlowLogId') = 'array'),
    json_extract(rp, '$.DeleteFlowLogsRequest.FlowLogId.content'),
    (SELECT group_concat(value, ', ') FROM json_each(rp, '$.flowLogIds')),
    '?') AS summary,
  json_array(event_id) AS evidence
FROM d
ORDER BY first_time, summary, evidence;
