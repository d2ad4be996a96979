-- id: ct_rds_snapshot_shared
-- title: RDS snapshot shared with another account or made public
-- severity: high
-- tactics: TA0010
-- techniques: T1537
-- description: A successful ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute with attributeName "restore" adds account ids (valuesToAdd) or "all". The receiving account can copy or restore the database from the snapshot; "all" makes it public. Allowlisted accounts and the recipient account are ignored.
-- false_positives: Snapshot sharing with a backup, analytics or disaster-recovery account (allowlist it).
-- references: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html, https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.rds-share-snapshot/
-- tags: rds, data, exfiltration
-- allowlist: principal, account
WITH mods AS MATERIALIZED (
  SELECT id, event_time, event_id, event_name, recipient_account_id, aws_region, identity_arn, user_name,
         access_key_id, source_ip_address, request_parameters AS rp
  FROM events
  WHERE event_name IN ('ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute')
    AND error_code IS NULL
    AND NOT EXISTS (SELECT 1 FROM allowlist a WHERE a.kind = 'principal'
                    AND a.value IN (identity_arn, user_name, session_issuer_arn, session_issuer_user_name))
),
grants AS (
  SELECT mods.id, CASE WHEN v.value = 'all' THEN 'everyone (public)' ELSE 'account ' || v.value END AS who
  FROM mods, json_each(mods.rp, '$.valuesToAdd') v
  WHERE lower(coalesce(json_extract(mods.rp, '$.attributeName'), '')) = 'restore'
    AND v.value <> mods.recipient_account_id
    AND v.value NOT IN (SELECT value FROM allowlist WHERE kind = 'account')
)
SELECT
  min(event_time) AS first_time,
  max(event_time) AS last_time,
  recipient_account_id AS account,
  aws_region AS region,
  coalesce(identity_arn, user_name) AS identity,
  access_key_id AS access_key,
  source_ip_address AS source_ip,
  CASE WHEN event_name = 'ModifyDBClusterSnapshotAttribute' THEN 'cluster snapshot ' ELSE 'snapshot ' END
    || coalesce(json_extract(rp, '$.dBSnapshotIdentifier'), json_extract(rp, '$.dBClusterSnapshotIdentifier'), '?')
    || ' restorable by ' || group_concat(g.who, ', ') AS summary,
  json_group_array(DISTINCT event_id) AS evidence
FROM mods JOIN grants g ON g.id = mods.id
GROUP BY mods.id
ORDER BY first_time, identity, summary;
