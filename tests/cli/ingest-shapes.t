# Every CloudTrail input shape goes into one index; files that are not
# logs are skipped with one warning each and are not errors (exit 0).
$ cp -r "$TESTDATA/cloudtrail" ct

$ ctscan ingest -d shapes.db ct
! ctscan: warning: ct/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240312T090000Z.json.gz: a CloudTrail digest file: skipped (check it with 'ctscan verify')
! ctscan: warning: ct/README.md: not a CloudTrail or VPC flow log: skipped
! ctscan: warning: ct/index.html: not a CloudTrail or VPC flow log: skipped
! ctscan: warning: ct/package.json: JSON but not a CloudTrail log (no Records, Events or event fields): skipped
! ctscan: warning: ct/sync.sh: not a CloudTrail or VPC flow log: skipped
!~ ingest: 14 files (9 read, 5 skipped, 0 already in the index), 20 events added, 0 flows added, 5 duplicates, 0 records rejected, 0 files with errors, * s

# 20 distinct events: records.json.gz repeats records.json, and one
# lookup-events item repeats an S3 event (same eventID and account)
$ ctscan info -d shapes.db | grep -E '^(events|sources|time range|schema)'
> schema version: 3
> events:         20
> sources:        14 (9 ok, 0 partial, 0 truncated, 5 skipped)
> time range:     2024-03-12T09:00:01.000Z .. 2024-03-12T09:01:03.000Z
> sources with errors:

# the verbatim records are stored in compressed blocks by event source
# (names that make up megabytes of a log get blocks of their own): with
# fewer than 32 sources no block mixes two, and every record has its block
$ ctscan sql -d shapes.db -o csv "SELECT count(*) FROM (SELECT blk FROM ev GROUP BY blk HAVING count(DISTINCT esrc) > 1)"
> count(*)
> 0

$ ctscan sql -d shapes.db -o csv "SELECT count(DISTINCT blk), count(DISTINCT esrc), (SELECT count(*) FROM ev WHERE blk NOT IN (SELECT id FROM blocks)) FROM ev"
>~ count(DISTINCT blk),count(DISTINCT esrc),*
> 3,3,0

# an event name whose records pass 4 MiB in one ingest gets blocks of its
# own: 4,500 GetObject and 1,500 PutObject calls of 1.3 KB each, the first
# GetObject calls share blocks with PutObject, the last ones do not
$ awk 'BEGIN { pad = sprintf("%1100s", ""); gsub(/ /, "x", pad); for (i = 1; i <= 6000; i++) printf "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-12T09:%02d:%02dZ\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"%s\",\"eventID\":\"ev-%05d\",\"recipientAccountId\":\"111122223333\",\"requestParameters\":{\"pad\":\"%s\"}}\n", int(i / 60) % 60, i % 60, (i % 4 ? "GetObject" : "PutObject"), i, pad }' >heavy.jsonl && ctscan ingest -q -d heavy.db heavy.jsonl
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 6000 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

$ for range in "< 100" "> 5000"; do ctscan sql -d heavy.db -o tsv "SELECT count(DISTINCT e2.ename) FROM ev e JOIN ev e2 ON e2.blk = e.blk WHERE e.ord $range AND e.ename = (SELECT id FROM names WHERE s = 'GetObject')" | tail -1; done
> 2
> 1

# and every record still comes back byte for byte
$ cmp <(ctscan show -d heavy.db ev-05999 ev-00004 ev-00001) <(sed -n '5999p;4p;1p' heavy.jsonl | sort -r) && echo same
> same

# the first 32 sources an ingest meets get blocks of their own, later ones
# share blocks (so that the open blocks never outnumber the keys in
# flight): 40 sources, 5 calls each, in turn
$ awk 'BEGIN { for (i = 0; i < 200; i++) printf "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-03-12T10:%02d:%02dZ\",\"eventSource\":\"svc%02d.amazonaws.com\",\"eventName\":\"Call\",\"eventID\":\"src-%03d\",\"recipientAccountId\":\"111122223333\"}\n", int(i / 60), i % 60, i % 40, i }' >sources.jsonl && ctscan ingest -q -d sources.db sources.jsonl 2>/dev/null && ctscan sql -d sources.db -o tsv "SELECT n, count(*) FROM (SELECT blk, count(DISTINCT esrc) AS n FROM ev GROUP BY blk) GROUP BY n ORDER BY n"
> n	count(*)
> 1	32
> 8	1

$ cmp <(ctscan show -d sources.db src-199 src-039 src-000) <(sed -n '200p;40p;1p' sources.jsonl | sort -r) && echo same
> same

# the lookup-events record is the unescaped CloudTrailEvent, byte for byte
$ ctscan show -d shapes.db 0a6f5d2e-1111-4a3b-9c8d-000000000030
> {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA5EXAMPLEUSER0001","arn":"arn:aws:iam::111122223333:user/dev-alice","accountId":"111122223333","accessKeyId":"AKIA5EXAMPLEKEY00001","userName":"dev-alice"},"eventTime":"2024-03-12T09:00:30Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances","requestParameters":{"instancesSet":{},"filterSet":{}},"responseElements":null,"requestID":"5f0b7a4e-0000-4000-8000-000000000030","eventID":"0a6f5d2e-1111-4a3b-9c8d-000000000030","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"}}

# a pretty-printed record comes back exactly as it stood, lines and all
$ ctscan show -d shapes.db 0a6f5d2e-1111-4a3b-9c8d-000000000011 | head -3
> {
>       "eventVersion": "1.08",
>       "userIdentity": {

# a second run adds nothing: every log is known by its SHA-256; files
# that are not logs are looked at (and warned about) again
$ ctscan ingest -d shapes.db ct
! ctscan: warning: ct/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240312T090000Z.json.gz: a CloudTrail digest file: skipped (check it with 'ctscan verify')
! ctscan: warning: ct/README.md: not a CloudTrail or VPC flow log: skipped
! ctscan: warning: ct/index.html: not a CloudTrail or VPC flow log: skipped
! ctscan: warning: ct/package.json: JSON but not a CloudTrail log (no Records, Events or event fields): skipped
! ctscan: warning: ct/sync.sh: not a CloudTrail or VPC flow log: skipped
!~ ingest: 14 files (0 read, 5 skipped, 9 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

# standard input, and a file given directly
$ cat ct/ndjson.jsonl | ctscan ingest -d stdin.db -
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 3 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

$ ctscan ingest -q -d one.db ct/single-event.json ct/empty-array.json
!~ ingest: 2 files (2 read, 0 skipped, 0 already in the index), 1 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

$ ctscan show -d stdin.db 0a6f5d2e-1111-4a3b-9c8d-000000000021 | head -c 60; echo
> {"eventVersion": "1.08", "userIdentity": {"type": "IAMUser",

# a single pretty-printed event file is exactly its one record
$ cmp <(ctscan show -d one.db 0a6f5d2e-1111-4a3b-9c8d-000000000050) <(cat ct/single-event.json; echo) && echo same
> same

$ ctscan show -d shapes.db nope
? 4
! ctscan: no event with id 'nope' in the index

