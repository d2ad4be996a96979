-- id: bad_column
-- title: A rule with a typo
-- severity: high
-- tactics: TA0005
-- techniques: T1562
-- description: Reads a column that does not exist.
-- false_positives: none
-- references: none
SELECT event_time AS first_time, event_time AS last_time, recipient_account_id AS account,
  aws_region AS region, identity_arn AS identity, access_key_id AS access_key,
  source_ip_addres AS source_ip, event_name AS summary, json_array(event_id) AS evidence
FROM events
ORDER BY first_time;
