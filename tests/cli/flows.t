# VPC Flow Logs go into the same index, the kind of each file detected
# from its content: a header naming the fields (any order, any subset of
# versions 2 to 8), or header-less version 2 lines (CloudWatch exports,
# with or without an export timestamp).
$ mkdir mixed && cp "$TESTDATA"/vpcflow/*.log mixed/ && cp "$TESTDATA/cloudtrail/records.json" mixed/ && gzip -k mixed/v2-default.log && rm mixed/custom-noheader.log

$ ctscan ingest -d flows.db mixed
? 3
! ctscan: mixed/malformed.log:3: expected 14 fields, found 11
! ctscan: mixed/malformed.log:4: dstport 'abc' is not a number
! ctscan: mixed/malformed.log:5: srcaddr '10.0.0.999' is not an IP address
! ctscan: mixed/malformed.log:6: srcport '70000' is out of range (0 to 65535)
! ctscan: mixed/malformed.log:7: bytes '99999999999999999999' is out of range (0 to 9223372036854775807)
! ctscan: mixed/malformed.log:8: protocol '256' is out of range (0 to 255)
! ctscan: mixed/malformed.log:9: action 'ALLOW' is not ACCEPT or REJECT
! ctscan: mixed/malformed.log:10: log-status 'DONE' is not OK, NODATA or SKIPDATA
! ctscan: mixed/malformed.log:11: packets '-20' is not a number
!~ ingest: 9 files (9 read, 0 skipped, 0 already in the index), 4 events added, 21 flows added, 12 duplicates, 9 records rejected, 1 files with errors, * s

$ ctscan info -d flows.db | sed -n '/^events/p;/^flow/,/^sources with/p'
> events:         4
> flows:          21 (3 interfaces; gaps: 2 NODATA, 1 SKIPDATA)
> flow time range: 2023-07-14T12:00:00.000Z .. 2023-07-14T12:04:00.000Z
> flow interfaces:
>   eni-0a1b2c3d4e5f67890                    17
>   eni-0d4c3b2a1f0e98765                    2
>   eni-0f9e8d7c6b5a43210                    2
> flow log gaps:
>   eni-0f9e8d7c6b5a43210 NODATA 2023-07-14T12:00:00.000Z .. 2023-07-14T12:01:00.000Z
>   eni-0a1b2c3d4e5f67890 NODATA 2023-07-14T12:01:00.000Z .. 2023-07-14T12:02:00.000Z
>   eni-0a1b2c3d4e5f67890 SKIPDATA 2023-07-14T12:02:00.000Z .. 2023-07-14T12:03:00.000Z
> sources with errors:

# a header-less file in another layout is not recognised without its
# --flow-format; with it, the skipped file is read
$ cp "$TESTDATA/vpcflow/custom-noheader.log" custom.log && ctscan ingest -d custom.db custom.log
! ctscan: warning: custom.log: not a CloudTrail or VPC flow log: skipped
!~ ingest: 1 files (0 read, 1 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

$ ctscan ingest -d custom.db --flow-format '${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${start} ${end} ${interface-id}' custom.log
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 0 events added, 3 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

$ ctscan info -d custom.db | grep -E '^(flows|flow time|sources): '
> sources:        1 (1 ok, 0 partial, 0 truncated, 0 skipped)
> flows:          3 (1 interfaces; gaps: 0 NODATA, 0 SKIPDATA)

$ ctscan ingest -d custom.db --flow-format '${srcaddr ${dstaddr}' custom.log
? 2
! ctscan: --flow-format: flow format token '${srcaddr' is not ${field}

# Parquet delivery is refused, naming the file
$ cp "$TESTDATA/vpcflow/flows.parquet" . && ctscan ingest -d pq.db flows.parquet
? 3
! ctscan: flows.parquet: Parquet file (VPC Flow Logs in Parquet delivery?): not supported; deliver or export the flow logs as text
!~ ingest: 1 files (0 read, 0 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 1 files with errors, * s
