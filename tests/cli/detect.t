# ctscan detect: runs rules, prints findings sorted by severity then time,
# stores them, and exits by severity for CI.  These cases use a user rule
# directory so they do not change when the built-in library grows.
$ cp -r "$TESTDATA/detect-cli/rules" rules && ctscan ingest -q -d d.db "$TESTDATA/cloudtrail/records.json" 2>/dev/null

$ ctscan detect -d d.db --no-builtin --rules-dir rules -o csv
> severity,rule_id,first_time,last_time,account,region,identity,access_key,source_ip,summary,title,tactics,techniques,evidence,finding_id
> low,my_s3_policy_calls,2024-03-12T09:00:03.000Z,2024-03-12T09:00:03.000Z,111122223333,us-east-1,arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session,ASIA5EXAMPLESESS0001,192.0.2.10,"1 PutBucketPolicy call(s), 1 failed",Bucket policy calls (a user rule),TA0005,T1562,"[""0a6f5d2e-1111-4a3b-9c8d-000000000003""]",1
! detect: 1 rules run, 0 failed, 1 findings (run 1)

# each rule's time is kept for the order of the next run (the slowest
# starts first)
$ ctscan sql -d d.db -o csv "SELECT rule_id, seconds >= 0 FROM rule_times"
> rule_id,seconds >= 0
> my_s3_policy_calls,1

# --fail-on: a low finding fails "low" but not "medium"
$ ctscan detect -q -d d.db --no-builtin --rules-dir rules -o tsv --fail-on low >/dev/null
? 1

$ ctscan detect -q -d d.db --no-builtin --rules-dir rules -o tsv --fail-on medium >/dev/null

# a parameter changes the threshold: nothing reaches 2 calls
$ ctscan detect -d d.db --no-builtin --rules-dir rules --set min_calls=2
! detect: 1 rules run, 0 failed, 0 findings (run 4)

# the allowlist removes the CI role's calls
$ ctscan detect -d d.db --no-builtin --rules-dir rules --allowlist "$TESTDATA/detect-cli/allowlist.txt"
! detect: 1 rules run, 0 failed, 0 findings (run 5)

# an allowlist next to the index is read without the option
$ cp "$TESTDATA/detect-cli/allowlist.txt" d.db.allowlist && ctscan detect -d d.db --no-builtin --rules-dir rules && rm d.db.allowlist
! detect: 1 rules run, 0 failed, 0 findings (run 6)

# outside the time window there is nothing
$ ctscan detect -d d.db --no-builtin --rules-dir rules --since 2024-03-13
! detect: 1 rules run, 0 failed, 0 findings (run 7)

$ ctscan detect -d d.db --no-builtin --rules-dir rules --until 2024-03-12T09:00:03Z
! detect: 1 rules run, 0 failed, 0 findings (run 8)

# broken rules are reported with file and line and skipped; the others run; exit 4
$ cp -r "$TESTDATA/detect-cli/broken" broken && ctscan detect -d d.db --no-builtin --rules-dir rules --rules-dir broken -o csv
? 4
> severity,rule_id,first_time,last_time,account,region,identity,access_key,source_ip,summary,title,tactics,techniques,evidence,finding_id
> low,my_s3_policy_calls,2024-03-12T09:00:03.000Z,2024-03-12T09:00:03.000Z,111122223333,us-east-1,arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session,ASIA5EXAMPLESESS0001,192.0.2.10,"1 PutBucketPolicy call(s), 1 failed",Bucket policy calls (a user rule),TA0005,T1562,"[""0a6f5d2e-1111-4a3b-9c8d-000000000003""]",4
! ctscan: broken/bad_header.sql:3: severity 'urgent' is not info, low, medium, high or critical
! ctscan: broken/bad_column.sql:11: rule bad_column: no such column: source_ip_addres
! detect: 1 rules run, 1 failed, 1 findings (run 9)

# the findings are stored, one run per detect
$ ctscan detect -q -d d.db --no-builtin --rules-dir rules -o ndjson | wc -l
> 1

# usage errors
$ ctscan detect -d d.db --fail-on severe
? 2
! ctscan: --fail-on takes info, low, medium, high or critical, not 'severe'
! usage: ctscan detect [-d INDEX] [--rule GLOB]... [--tag TAG]... [--min-severity S] [--since T] [--until T]
!               [--set NAME=VALUE]... [--rules-dir DIR]... [--allowlist FILE] [--ip-list FILE]...
!               [-o FORMAT] [--fail-on S] [--profile] [-j JOBS] [-q]
! Try 'ctscan detect --help' for more information.

$ ctscan detect -d d.db --no-builtin --rules-dir rules --rule 'nothing_*'
? 2
! ctscan: no rule matches the selection

$ ctscan detect -d nope.db
? 2
! ctscan: 'nope.db': no index here: run 'ctscan ingest -d nope.db PATH...' first

$ ctscan detect -d d.db --set nothing
? 2
! ctscan: --set takes NAME=VALUE, not 'nothing'

# ctscan rules lists the library; rules show prints one rule
$ ctscan rules --no-builtin --rules-dir rules
> id                  severity  tactics  techniques  title
> ------------------  --------  -------  ----------  ---------------------------------
> my_s3_policy_calls  low       TA0005   T1562       Bucket policy calls (a user rule)

$ ctscan rules --no-builtin --rules-dir rules -o ndjson
> {"id":"my_s3_policy_calls","severity":"low","title":"Bucket policy calls (a user rule)","tactics":"TA0005","techniques":"T1562","tags":"s3, custom","params":"min_calls=1","description":"Every PutBucketPolicy call, successful or not, per identity.","false_positives":"Any bucket administration.","references":"https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html","allowlist":"principal","path":"rules/my_s3_policy_calls.sql"}

$ ctscan rules --no-builtin --rules-dir rules show my_s3_policy_calls | head -3
> -- id: my_s3_policy_calls
> -- title: Bucket policy calls (a user rule)
> -- severity: low

$ ctscan rules --no-builtin --rules-dir rules show nosuch
? 4
! ctscan: no rule 'nosuch'


# the table, for a person, shows what, when, who and from where; the
# machine formats above carry every field
$ ctscan detect -q -d d.db --no-builtin --rules-dir rules --rule 'my_*' | cut -c1-60
> severity  first_time                rule_id             acco
> --------  ------------------------  ------------------  ----
> low       2024-03-12T09:00:03.000Z  my_s3_policy_calls  1111

$ ctscan detect -q -d d.db --no-builtin --rules-dir rules | awk 'NR == 1 { print $5, $6, $7, $8, $9 } NR == 3 { print $5, $6, $7, $NF }'
> identity access_key source_ip summary finding_id
> arn:aws:sts::111122223333:assumed-role/ops-deploy/ops-session ASIA5EXAMPLESESS0001 192.0.2.10 7
