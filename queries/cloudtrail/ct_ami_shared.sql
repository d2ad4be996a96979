-- id: ct_ami_shared
-- title: AMI shared with another account or made public
-- severity: high
-- tactics: TA0010
-- techniques: T1537
-- description: A successful ModifyImageAttribute adds launchPermission for another AWS account (userId), an organization or organizational unit ARN, or the group "all" (public). Whoever receives the permission can launch the image and read its disks, including any secrets baked into it. Shares with allowlisted accounts and with the recipient account itself are ignored.
-- false_positives: Golden images shared with workload accounts or the organization, marketplace publishing.
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.ec2-share-ami/
-- tags: ec2, ami, data, exfiltration
-- allowlist: principal, account
WITH mods AS MATERIALIZED (
  SELECT id, event_time, event_id, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name = 'ModifyImageAttribute'
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
grants AS (
  SELECT mods.id,
         CASE WHEN json_extract(i.value, '$.group') = 'all' THEN 'everyone (public)'
              WHEN json_extract(i.value, '$.userId') IS NOT NULL THEN 'account ' || json_extract(i.value, '$.userId')
              ELSE coalesce(json_extract(i.value, '$.organizationArn'), json_extract(i.value, '$.organizationalUnitArn')) END AS who
  FROM mods, json_each(mods.rp, '$.launchPermission.add.items') i
  WHERE json_extract(i.value, '$.group') = 'all'
     OR json_extract(i.value, '$.organizationArn') IS NOT NULL
     OR json_extract(i.value, '$.organizationalUnitArn') IS NOT NULL
     OR (json_extract(i.value, '$.userId') IS NOT NULL
         AND json_extract(i.value, '$.userId') <> mods.recipient_account_id
         AND json_extract(i.value, '$.userId') NOT IN (SELECT value FROM allowlist WHERE kind = 'account'))
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  'image ' || coalesce(json_extract(rp, '$.imageId'), '?') || ' launch permission given to ' || group_concat(g.who, ', ') AS summary,
  json_group_array(DISTINCT event_id) AS evidence
FROM mods JOIN grants g ON g.id = mods.id
GROUP BY mods.id
ORDER BY first_time, identity, summary;
