# ctscan custody: the chain-of-custody record of a case file.  The times
# of ingest, of the checks and of the report change from run to run, and
# the index's size with its page layout: those are matched by patterns.
$ cp -r "$TESTDATA/integrity/changed-log" case && mv case/keys.json case/signatures.json . && ctscan ingest -q -d case.db case
!~ ingest: 7 files (4 read, 3 skipped, 0 already in the index), 5 events added, *

# ---- usage ----
$ ctscan custody -d nope.db
? 2
! ctscan: 'nope.db': no index here: run 'ctscan ingest -d nope.db PATH...' first (or set -d / $CTSCAN_DB)

$ ctscan custody -d case.db extra
? 2
! ctscan: custody takes no arguments
! usage: ctscan custody [-d INDEX] [-o FORMAT]
! Try 'ctscan custody --help' for more information.

$ ctscan custody -d case.db -o raw
? 2
! ctscan: unknown output format 'raw' (table, csv, tsv, json, ndjson, md)
! usage: ctscan custody [-d INDEX] [-o FORMAT]
! Try 'ctscan custody --help' for more information.

$ ctscan custody -x
? 2
! ctscan: unknown option '-x'
! usage: ctscan custody [-d INDEX] [-o FORMAT]
! Try 'ctscan custody --help' for more information.

# ---- before any check: the totals, then one row per source ----
$ ctscan custody -d case.db | cut -c1-60 | sed 's/ *$//'
>~ index:          case.db (* MB, schema version 3)
> events:         5, 2024-03-01T00:01:31.000Z .. 2024-03-01T02
> flows:          0
> sources:        7 (4 ok, 0 partial, 0 truncated, 3 skipped)
> integrity:      7 not checked (never verified: run 'ctscan v
>~ report:         *Z, ctscan *
>
> id  path
> --  --------------------------------------------------------
>  1  case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/0
>  2  case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/0
>  3  case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/0
>  4  case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/0
>  5  case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/20
>  6  case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/20
>  7  case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/20

$ ctscan verify -q -d case.db --keys keys.json --signature-file signatures.json case > /dev/null
? 1
!...

# ---- csv: the sources, with the hashes of the bytes read and of the
# inflated content, and the integrity status of the latest check ----
$ ctscan custody -d case.db -o csv | head -1
> id,path,size,sha256,content_size,content_sha256,kind,shape,compression,status,records,events,flows,duplicates,errors,first_event_time,last_event_time,ingested_at,ctscan_version,integrity,integrity_checked_at,message

$ ctscan custody -d case.db -o csv | cut -d, -f1,3-17,20
> id,size,sha256,content_size,content_sha256,kind,shape,compression,status,records,events,flows,duplicates,errors,first_event_time,last_event_time,integrity
> 1,386,b0ac483e93216fff9bb05ddcb7223837f5549ead6b1dd1bf6f31fe1b43d694b7,623,3d8b917fddfaf935a9f36fd25c7ddc2350c7136449883601f96da288a43f3970,cloudtrail,records,gzip,ok,1,1,0,0,0,2024-03-01T00:01:31.000Z,2024-03-01T00:01:31.000Z,valid
> 2,385,48e837b0a916be51ae293664b03948f073197421cad66031a0cb5a0b5d31d488,623,83cbcdaf2a25b9b1c2ef5d3d105cf5fc0c6d8ae5cb13e44c27741cb83615bba0,cloudtrail,records,gzip,ok,1,1,0,0,0,2024-03-01T01:01:31.000Z,2024-03-01T01:01:31.000Z,valid
> 3,424,b850fab6793c746ef781035960dadbee45051c5cc2e2b7272cb818c296c45229,1232,5b44f9eb7abe0e1ca36dc5981e76b45510ff745047ab44a5c400efc83c48ef02,cloudtrail,records,gzip,ok,2,2,0,0,0,2024-03-01T01:21:31.000Z,2024-03-01T01:22:31.000Z,changed
> 4,387,9d99a71faa0d42ac4ca8843d17432ea4909cc5d981b240414d3a750aeb4b58d2,623,478c798d0fe35c27e31bc3fe72805661a82d316c5eef0508044744864862eeaa,cloudtrail,records,gzip,ok,1,1,0,0,0,2024-03-01T02:01:31.000Z,2024-03-01T02:01:31.000Z,valid
> 5,434,47a6606f382291a2b7debb983ffbcc2caebb0608e80b9fb41329ae4794a02b9c,1051,4d9e219a3930d6c152fbfcb694a120562a8fd45abd42553420118a3f2c385a74,digest,,gzip,skipped,1,0,0,0,0,,,valid
> 6,861,bdcfa8b5104c85e592807c8e59e2931620edcfa51eacb2aacd2f41f51d3b759f,2165,0f0cc04ddc3384380c2ab1577ea555fd7eb7d3f42762551236c6d21863e77e2d,digest,,gzip,skipped,1,0,0,0,0,,,valid
> 7,786,fb97c81ca8daa103b86fa35787c510dcd94451f9005bbfb8e4f1bd5a36336417,1793,5b537f31bb9b0db4490424c94f6b356e2326e18ae46dcb73b3a81e74c5585ea8,digest,,gzip,skipped,1,0,0,0,0,,,valid

$ ctscan custody -d case.db -o csv | sed -n 4p
>~ 3,case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz,424,*,cloudtrail,records,gzip,ok,2,2,0,0,0,2024-03-01T01:21:31.000Z,2024-03-01T01:22:31.000Z,20??-??-??T??:??:??.???Z,*,changed,20??-??-??T??:??:??.???Z,

# the bytes read are the file as it lies (gzip); the content is what the
# digests hash
$ gzip -dc case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/*T0125Z_* | sha256sum && sha256sum < case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/*T0125Z_*
> 5b44f9eb7abe0e1ca36dc5981e76b45510ff745047ab44a5c400efc83c48ef02  -
> b850fab6793c746ef781035960dadbee45051c5cc2e2b7272cb818c296c45229  -

# ---- md: a heading, the totals, the table; fit to paste into a report ----
$ ctscan custody -d case.db -o md | cut -c1-99
> ## Chain of custody: case.db
>
>~ - Index: case.db, * MB, schema version 3
> - Events: 5, 2024-03-01T00:01:31.000Z .. 2024-03-01T02:01:31.000Z
> - Flows: 0
> - Sources: 7 (4 ok, 0 partial, 0 truncated, 3 skipped)
>~ - Integrity: 6 valid, 1 changed, 0 not checked (1 verify run, the last at 20*Z)
>~ - Report: 20*Z, ctscan *
>
> | id | path | size | sha256 | content_size | content_sha256 | kind | shape | compression | status |
> |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
> | 1 | case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_2
> | 2 | case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_2
> | 3 | case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_2
> | 4 | case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_2
> | 5 | case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Dige
> | 6 | case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Dige
> | 7 | case/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Dige

$ ctscan custody -d case.db -o md | grep -F '| 3 |'
>~ | 3 | case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz | 424 | b850fab6793c746ef781035960dadbee45051c5cc2e2b7272cb818c296c45229 | 1232 | 5b44f9eb7abe0e1ca36dc5981e76b45510ff745047ab44a5c400efc83c48ef02 | cloudtrail | records | gzip | ok | 2 | 2 | 0 | 0 | 0 | 2024-03-01T01:21:31.000Z | 2024-03-01T01:22:31.000Z | 20*Z | * | changed | 20*Z |  |

# ---- json: one object, "index" (the totals) and "sources" ----
$ ctscan custody -d case.db -o json | sed -n '1p;2p;3p;$p' | cut -c1-200
>~ {"index":{"path":"case.db","size":*,"schema_version":3,"events":5,"first_event_time":"2024-03-01T00:01:31.000Z","last_event_time":"2024-03-01T02:01:31.000Z","flows":0,"first_flow_time":null,"last
> "sources":[
> {"id":1,"path":"case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz","size":386,"sha256":"b0ac483e93216fff9bb05ddcb72238
> }

$ ctscan custody -d case.db -o json | head -1 | grep -o '"sources":.*"integrity":{[^}]*}'
> "sources":7,"sources_ok":4,"sources_partial":0,"sources_truncated":0,"sources_skipped":3,"integrity":{"valid":6,"changed":1,"missing":0,"unlisted":0,"signature_invalid":0,"key_unknown":0,"no_signature":0,"unverified":0,"unchecked":0}

$ ctscan custody -d case.db -o json | grep -c '^{"id":'
> 7

# ndjson: the sources only, one per line
$ ctscan custody -d case.db -o ndjson | grep -o '"id":[0-9]*,\|"integrity":"[a-z]*"' | paste -d' ' - -
> "id":1, "integrity":"valid"
> "id":2, "integrity":"valid"
> "id":3, "integrity":"changed"
> "id":4, "integrity":"valid"
> "id":5, "integrity":"valid"
> "id":6, "integrity":"valid"
> "id":7, "integrity":"valid"
