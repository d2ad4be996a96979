-- id: ct_ec2_gpu_instance
-- title: GPU or accelerator instances launched or attempted
-- severity: medium
-- tactics: TA0040, TA0005
-- techniques: T1496.001, T1578.002
-- description: RunInstances or RequestSpotInstances for GPU, machine-learning or FPGA instance families (p2-p6, g2-g6, gr6, inf1-2, trn1-2, dl1, dl2q, f1-2, vt1), the usual choice of cryptominers and of attackers training or serving models on stolen credit. Failed attempts (UnauthorizedOperation, VcpuLimitExceeded, InsufficientInstanceCapacity) are reported too, because a burst of refused GPU launches is how stolen keys are often first noticed. The instance type comes from requestParameters.instanceType, launchSpecification.instanceType or the launched instances in the response (launch templates).
-- false_positives: ML and rendering teams that use GPU instances (allowlist their roles or regions).
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-launch-unusual-instances/, https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html
-- tags: ec2, cryptomining, impact
-- allowlist: principal, region
WITH runs AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, error_code, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp, response_elements AS re
  FROM events
  WHERE event_name IN ('RunInstances', 'RequestSpotInstances')
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
    AND coalesce(aws_region, '') NOT IN (SELECT value FROM allowlist WHERE kind = 'region')
),
typed AS (
  SELECT runs.*,
         coalesce(json_extract(rp, '$.instanceType'), json_extract(rp, '$.launchSpecification.instanceType'),
                  json_extract(re, '$.instancesSet.items[0].instanceType')) AS itype,
         coalesce(json_array_length(re, '$.instancesSet.items'), json_extract(rp, '$.instancesSet.items[0].maxCount'),
                  json_extract(rp, '$.instanceCount'), 1) AS n
  FROM runs
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  event_name || ' of ' || n || ' x ' || itype
    || CASE WHEN error_code IS NULL THEN '' ELSE ' refused (' || error_code || ')' END AS summary,
  json_group_array(event_id) AS evidence
FROM typed
WHERE substr(itype, 1, instr(itype, '.') - 1) IN
      ('p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6',
       'g2', 'g3', 'g3s', 'g4dn', 'g4ad', 'g5', 'g5g', 'g6', 'g6e', 'g6f', 'gr6',
       'inf1', 'inf2', 'trn1', 'trn1n', 'trn2', 'dl1', 'dl2q', 'f1', 'f2', 'vt1')
GROUP BY id
ORDER BY first_time, identity, summary;
