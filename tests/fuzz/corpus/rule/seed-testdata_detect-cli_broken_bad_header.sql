-- id: bad_header
-- title: A rule with a bad severity
-- severity: urgent
SELECT 1;
