# ctscan verify: CloudTrail log file integrity validation over the fixture
# trees of testdata/integrity (written by tests/gen-digest-fixtures.c, what
# each holds is told in tests/test-verify.c).  rows.awk prints kind, status,
# the file name of the object and the detail of each row of -o tsv.
$ cp -r "$TESTDATA/integrity" it && echo 'NR>1 {n=split($9,a,"/"); print $1, $2, (n ? a[n] : "-") ($14 == "" ? "" : " " $14)}' > rows.awk

# ---- usage: exit 2 ----
$ ctscan verify it/valid-rotation
? 2
! ctscan: verify needs --keys FILE (the output of 'aws cloudtrail list-public-keys')
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json
? 2
! ctscan: verify needs a PATH with digest files, or an index (-d INDEX)
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json -j 0 it/valid-rotation
? 2
! ctscan: -j takes a number of jobs from 1 to 64, not '0'
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json --since yesterday it/valid-rotation
? 2
! ctscan: --since takes a time (ISO-8601, epoch seconds, or 30m, 24h, 7d ago), not 'yesterday'
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json --since 2024-03-02 --until 2024-03-01 it/valid-rotation
? 2
! ctscan: --since is after --until
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json -o raw it/valid-rotation
? 2
! ctscan: unknown output format 'raw' (table, csv, tsv, json, ndjson, md)
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

$ ctscan verify --keys it/valid-rotation/keys.json --bogus it/valid-rotation
? 2
! ctscan: unknown option '--bogus'
! usage: ctscan verify [-d INDEX] --keys FILE [--signature-file FILE] [--since T] [--until T] [-o FORMAT] [-j JOBS] [-q] [PATH...]
! Try 'ctscan verify --help' for more information.

# an index is used only with -d or $CTSCAN_DB, and never created
$ ctscan verify -d nope.db --keys it/valid-rotation/keys.json it/valid-rotation
? 2
! ctscan: 'nope.db': no index here: run 'ctscan ingest -d nope.db PATH...' first (or set -d / $CTSCAN_DB)

$ CTSCAN_DB=nope.db ctscan verify --keys it/valid-rotation/keys.json
? 2
! ctscan: 'nope.db': no index here: run 'ctscan ingest -d nope.db PATH...' first (or set -d / $CTSCAN_DB)

$ test -e nope.db
? 1

# ---- inputs that cannot be read: exit 3 ----
$ ctscan verify --keys missing.json it/valid-rotation
? 3
! ctscan: 'missing.json': cannot open: No such file or directory

$ ctscan verify --keys it/valid-rotation/signatures.json it/valid-rotation
? 3
! ctscan: 'it/valid-rotation/signatures.json': no 'PublicKeyList' array

# options after a PATH are taken for PATHs
$ ctscan verify --keys it/empty-hour/keys.json it/empty-hour -o csv | wc -l
> 7
! ctscan: '-o': cannot open: No such file or directory
! ctscan: options go before the PATHs: 'ctscan verify [OPTIONS] PATH...'
! ctscan: 'csv': cannot open: No such file or directory
!~ verify: digests: 2 valid, 0 invalid, 1 unchecked (1 no_signature); log files: 1 valid, 0 changed, 0 missing, 0 unlisted, 1 unverified; gaps: 0; 2024-03-01T00:01:31.000Z .. 2024-03-01T03:01:31.000Z, 2.0 h covered by valid digests; 2 files hashed (0.0 MB), * s

# the newest digest cut short: it cannot be read (exit 3, nothing points
# to tampering), and the log file only it lists is vouched for by none
$ cp -r it/valid-rotation cut && f=$(ls cut/AWSLogs/*/CloudTrail-Digest/*/*/*/*/*T040131Z.json.gz) && head -c 200 "$f" > x && mv x "$f"

$ set -o pipefail; ctscan verify --keys cut/keys.json --signature-file cut/signatures.json -o tsv cut | awk -F'\t' -f rows.awk | grep -v ' valid '
? 3
> digest unverified 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T040131Z.json.gz unexpected end of the gzip stream
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0305Z_FxH03L0abcdefghi.json.gz delivered outside every digest window
! ctscan: cut/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T040131Z.json.gz: unexpected end of the gzip stream
!~ verify: digests: 3 valid, 0 invalid, 1 unchecked (1 unverified); log files: 5 valid, 0 changed, 0 missing, 0 unlisted, 1 unverified; gaps: 0; *

# ---- every status ----
# valid, no_signature and unverified: without signatures the newest digest
# cannot be checked; exit 0
$ ctscan verify --keys it/valid-rotation/keys.json -o tsv it/valid-rotation | awk -F'\t' -f rows.awk
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0025Z_FxH00L1abcdefghi.json.gz
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0225Z_FxH02L1abcdefghi.json.gz
> digest no_signature 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T040131Z.json.gz newest digest of its chain: no signature supplied
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0305Z_FxH03L0abcdefghi.json.gz listed in a digest that is not verified (no signature)
!~ verify: digests: 3 valid, 0 invalid, 1 unchecked (1 no_signature); log files: 5 valid, 0 changed, 0 missing, 0 unlisted, 1 unverified; gaps: 0; 2024-03-01T00:01:31.000Z .. 2024-03-01T04:01:31.000Z, 3.0 h covered by valid digests; 6 files hashed (0.0 MB), * s

# with the signatures from S3 metadata, everything; the default table
$ ctscan verify --keys it/empty-hour/keys.json --signature-file it/empty-hour/signatures.json it/empty-hour
> kind    status  account       region     trail  time_from                 time_to                   count  object                                                                                                                                                   path                                                                                                                                                        detail
> ------  ------  ------------  ---------  -----  ------------------------  ------------------------  -----  -------------------------------------------------------------------------------------------------------------------------------------------------------  ----------------------------------------------------------------------------------------------------------------------------------------------------------  ------
> digest  valid   111122223333  us-east-1  main   2024-03-01T00:01:31.000Z  2024-03-01T01:01:31.000Z      1  cloudtrail/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz  it/empty-hour/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz
> log     valid   111122223333  us-east-1  main   2024-03-01T00:01:31.000Z  2024-03-01T00:01:31.000Z      1  cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz                it/empty-hour/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz
> digest  valid   111122223333  us-east-1  main   2024-03-01T01:01:31.000Z  2024-03-01T02:01:31.000Z      1  cloudtrail/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz  it/empty-hour/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz
> digest  valid   111122223333  us-east-1  main   2024-03-01T02:01:31.000Z  2024-03-01T03:01:31.000Z      1  cloudtrail/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz  it/empty-hour/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
> log     valid   111122223333  us-east-1  main   2024-03-01T02:01:31.000Z  2024-03-01T02:01:31.000Z      1  cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz                it/empty-hour/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 2 valid, 0 changed, 0 missing, 0 unlisted, 0 unverified; gaps: 0; 2024-03-01T00:01:31.000Z .. 2024-03-01T03:01:31.000Z, 3.0 h covered by valid digests; 2 files hashed (0.0 MB), * s

# changed: exit 1; ndjson carries the hashes
$ set -o pipefail; ctscan verify --keys it/changed-log/keys.json --signature-file it/changed-log/signatures.json -o ndjson it/changed-log | grep '"changed"'
? 1
> {"kind":"log","status":"changed","account":"111122223333","region":"us-east-1","trail":"main","time_from":"2024-03-01T01:21:31.000Z","time_to":"2024-03-01T01:22:31.000Z","count":1,"object":"cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz","path":"it/changed-log/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz","sha256":"5b44f9eb7abe0e1ca36dc5981e76b45510ff745047ab44a5c400efc83c48ef02","expected":"0da25a31ec17b6bb2d310301dc01dc093bb9b58f6d96fb1f5e1928062eb74163","digest":"cloudtrail/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz","detail":"SHA-256 differs from the digest"}
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 1 changed, 0 missing, 0 unlisted, 0 unverified; gaps: 0; * 4 files hashed (0.0 MB), * s

# missing log file: exit 1
$ set -o pipefail; ctscan verify -q --keys it/deleted-log/keys.json --signature-file it/deleted-log/signatures.json -o tsv it/deleted-log | awk -F'\t' -f rows.awk | grep -v ' valid '
? 1
> log missing 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 0 changed, 1 missing, 0 unlisted, 0 unverified; *

# missing digests: one named by the next digest, one a counted range
$ set -o pipefail; ctscan verify --keys it/deleted-digests/keys.json --signature-file it/deleted-digests/signatures.json -o tsv it/deleted-digests | awk -F'\t' -f rows.awk
? 1
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz
> digest missing - 1 digest missing between 2024-03-01T01:01:31Z and 2024-03-01T02:01:31Z
> digest missing 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz named as previous digest, not found
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T040131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0305Z_FxH03L0abcdefghi.json.gz
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T050131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0405Z_FxH04L0abcdefghi.json.gz
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz in a range of missing digests
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz in the window of a missing digest
!~ verify: digests: 3 valid, 2 invalid (2 missing), 0 unchecked; log files: 3 valid, 0 changed, 0 missing, 0 unlisted, 2 unverified; gaps: 0; *

# a digest edited to match a changed log file: its hash is not what the
# next digest says
$ set -o pipefail; ctscan verify --keys it/edited-digest/keys.json --signature-file it/edited-digest/signatures.json -o tsv it/edited-digest | awk -F'\t' -f rows.awk | grep -v ' valid '
? 1
> digest changed 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz SHA-256 1386b9cf9eb22d025d16a2a41066ed31fe6284998f3e8c2dc1f31e01f86abcd8 differs from previousDigestHashValue 086208f292e957e437f27a443f5d02f1742fd80b08b9e063e87b49ce5ca3c699 in AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz listed in a digest that is changed
!~ verify: digests: 3 valid, 1 invalid (1 changed), 0 unchecked; *

# unlisted: a log file put inside a digest's window; exit 1
$ set -o pipefail; ctscan verify --keys it/injected-log/keys.json --signature-file it/injected-log/signatures.json -o tsv it/injected-log | awk -F'\t' -f rows.awk | grep -v ' valid '
? 1
> log unlisted 111122223333_CloudTrail_us-east-1_20240301T0131Z_InjectedH01abcde.json.gz delivered inside the window of a digest, listed in none
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0510Z_InjectedH05abcde.json.gz delivered outside every digest window
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 0 changed, 0 missing, 1 unlisted, 1 unverified; *

# signature_invalid: the newest digest edited, its S3 signature disagrees
$ set -o pipefail; ctscan verify --keys it/edited-newest/keys.json --signature-file it/edited-newest/signatures.json -o tsv it/edited-newest | awk -F'\t' -f rows.awk | grep -v ' valid '
? 1
> digest signature_invalid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz signature from the signature file does not verify
!~ verify: digests: 2 valid, 1 invalid (1 signature_invalid), 0 unchecked; *

# ... and without the signature file nothing can tell: exit 0
$ ctscan verify --keys it/edited-newest/keys.json it/edited-newest > /dev/null
!~ verify: digests: 2 valid, 0 invalid, 1 unchecked (1 no_signature); *

# key_unknown: not a finding, nothing vouched for; exit 0
$ ctscan verify --keys it/unknown-key/keys.json --signature-file it/unknown-key/signatures.json -o tsv it/unknown-key | awk -F'\t' -f rows.awk | grep -v ' valid '
> digest key_unknown 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz no public key with fingerprint adcfac86150ece9fa4fbf8c42d962a73
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz listed in a digest that is signed with an unknown key
> digest key_unknown 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz no public key with fingerprint adcfac86150ece9fa4fbf8c42d962a73
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz listed in a digest that is signed with an unknown key
!~ verify: digests: 1 valid, 0 invalid, 2 unchecked (2 key_unknown); *

# gap: a chain ends and a new one starts; not a finding by itself
$ ctscan verify --keys it/gap/keys.json --signature-file it/gap/signatures.json -o tsv it/gap | awk -F'\t' -f rows.awk | grep -v ' valid '
> gap gap 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T060131Z.json.gz no digest from 2024-03-01T02:01:31Z to 2024-03-01T05:01:31Z: the chain ends and a new one starts
> log unverified 111122223333_CloudTrail_us-east-1_20240301T0306Z_FxGAPh03abcdefgh.json.gz delivered in a gap between digest chains
!~ verify: digests: 4 valid, 0 invalid, 0 unchecked; log files: 4 valid, 0 changed, 0 missing, 0 unlisted, 1 unverified; gaps: 1; 2024-03-01T00:01:31.000Z .. 2024-03-01T07:01:31.000Z, 4.0 h covered by valid digests; *

# a digest moved away from its key is still valid; the row tells where
$ ctscan verify --keys it/moved-digest/keys.json --signature-file it/moved-digest/signatures.json -o csv it/moved-digest | grep moved/ | cut -d, -f1,2,10,14
> digest,valid,it/moved-digest/moved/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz,found away from its S3 key
!...

# AWS's published sample digests: the log file they list is not here
$ set -o pipefail; ctscan verify --keys it/aws-example/keys.json -o tsv it/aws-example | awk -F'\t' -f rows.awk
? 1
> digest unverified 111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T170131Z.json.gz named as previous by the oldest digest given; older files were not given
> digest no_signature 111122223333_CloudTrail-Digest_us-east-2_example-trail-name_us-east-2_20150820T180131Z.json.gz newest digest of its chain: no signature supplied
> digest unverified 111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T140131Z.json.gz named as previous by the oldest digest given; older files were not given
> digest no_signature 111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz newest digest of its chain: no signature supplied
> log missing 111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz listed in a digest that is not verified (no signature)
!~ verify: digests: 0 valid, 0 invalid, 4 unchecked (2 no_signature, 2 unverified); log files: 0 valid, 0 changed, 1 missing, 0 unlisted, 0 unverified; gaps: 0; 2015-08-17T14:01:31.000Z .. 2015-08-20T18:01:31.000Z, 0.0 h covered by valid digests; 0 files hashed (0.0 MB), * s

# a time range: hour 2 on (the hour-1 digest ends at 02:01:31)
$ ctscan verify --keys it/valid-rotation/keys.json --signature-file it/valid-rotation/signatures.json --since 2024-03-01T02:00:00Z --until 2024-03-01T02:59:59Z -o tsv it/valid-rotation | awk -F'\t' -f rows.awk
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0225Z_FxH02L1abcdefghi.json.gz
!~ verify: digests: 2 valid, 0 invalid, 0 unchecked; log files: 2 valid, *; 2 files hashed (0.0 MB), * s

# json: an array of objects
$ ctscan verify --keys it/empty-hour/keys.json --signature-file it/empty-hour/signatures.json -o json it/empty-hour | sed -n '1p;$p'
> [
> ]
!...

# ---- with an index ----
# after ingest, the index supplies the hashes of the log files it holds:
# they are not read again; every row is stored in `integrity` and linked
# to its source
$ cp -r it/changed-log case && cp case/keys.json case/signatures.json . && ctscan ingest -q -d case.db case
!~ ingest: 9 files (4 read, 5 skipped, 0 already in the index), 5 events added, *

$ set -o pipefail; ctscan verify -d case.db --keys keys.json --signature-file signatures.json -o tsv case | awk -F'\t' -f rows.awk
? 1
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz
> log changed 111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz SHA-256 differs from the digest
> digest valid 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
> log valid 111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 1 changed, 0 missing, 0 unlisted, 0 unverified; gaps: 0; *; 0 files hashed (0.0 MB), * s
! verify: stored as run 1 in 'case.db': 7 rows, 7 of them about 7 sources of the index (4 log files taken from it)

$ ctscan sql -d case.db -o csv "SELECT run_id, kind, status, source_id, substr(path, -40) AS path FROM integrity ORDER BY id"
> run_id,kind,status,source_id,path
> 1,digest,valid,5,_main_us-east-1_20240301T010131Z.json.gz
> 1,log,valid,1,_20240301T0005Z_FxH00L0abcdefghi.json.gz
> 1,digest,valid,6,_main_us-east-1_20240301T020131Z.json.gz
> 1,log,valid,2,_20240301T0105Z_FxH01L0abcdefghi.json.gz
> 1,log,changed,3,_20240301T0125Z_FxH01L1abcdefghi.json.gz
> 1,digest,valid,7,_main_us-east-1_20240301T030131Z.json.gz
> 1,log,valid,4,_20240301T0205Z_FxH02L0abcdefghi.json.gz

$ ctscan sql -d case.db -o csv "SELECT id, kind, integrity FROM sources ORDER BY id"
> id,kind,integrity
> 1,cloudtrail,valid
> 2,cloudtrail,valid
> 3,cloudtrail,changed
> 4,cloudtrail,valid
> 5,digest,valid
> 6,digest,valid
> 7,digest,valid
> 8,other,
> 9,other,

# whether an event comes from a verified file
$ ctscan sql -d case.db -o csv "SELECT e.event_id, s.integrity FROM events e JOIN sources s ON s.id = e.source_id ORDER BY e.event_id"
> event_id,integrity
> FxH00L0abcdefghi-0,valid
> FxH01L0abcdefghi-0,valid
> FxH01L1abcdefghi-0,changed
> FxH01L1abcdefghi-1,changed
> FxH02L0abcdefghi-0,valid

# the log files moved away: the index still vouches for what was ingested
$ mkdir away && mv case/AWSLogs/111122223333/CloudTrail away/

$ set -o pipefail; ctscan verify -d case.db --keys keys.json --signature-file signatures.json -o tsv case | cut -f1,2,10 | grep log
? 1
> log	valid	case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0005Z_FxH00L0abcdefghi.json.gz
> log	valid	case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz
> log	changed	case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0125Z_FxH01L1abcdefghi.json.gz
> log	valid	case/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0205Z_FxH02L0abcdefghi.json.gz
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 1 changed, 0 missing, 0 unlisted, 0 unverified; gaps: 0; *; 0 files hashed (0.0 MB), * s
! verify: stored as run 2 in 'case.db': 7 rows, 7 of them about 7 sources of the index (4 log files taken from it)

# no PATH: the digest files come from the index too, where they were found
$ set -o pipefail; ctscan verify -d case.db --keys keys.json --signature-file signatures.json -o tsv | awk -F'\t' -f rows.awk | grep -c ' valid '
? 1
> 6
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 1 changed, *
! verify: stored as run 3 in 'case.db': 7 rows, 7 of them about 7 sources of the index (4 log files taken from it)

# the whole case moved: digests from the PATH ($CTSCAN_DB names the index),
# log files from the index; the rows are linked to the sources by name and
# hash
$ mv case moved && set -o pipefail; CTSCAN_DB=case.db ctscan verify --keys keys.json --signature-file signatures.json -o tsv moved | cut -f1,2,10 | grep digest
? 1
> digest	valid	moved/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T010131Z.json.gz
> digest	valid	moved/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T020131Z.json.gz
> digest	valid	moved/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240301T030131Z.json.gz
!~ verify: digests: 3 valid, 0 invalid, 0 unchecked; log files: 3 valid, 1 changed, *
! verify: stored as run 4 in 'case.db': 7 rows, 7 of them about 7 sources of the index (4 log files taken from it)

# nothing left to check against: a warning, and the latest check of each
# log file says so
$ ctscan verify -d case.db --keys keys.json --signature-file signatures.json -o tsv | cut -f1,2,14
> kind	status	detail
> log	unverified	no digest for its account and region
> log	unverified	no digest for its account and region
> log	unverified	no digest for its account and region
> log	unverified	no digest for its account and region
! ctscan: warning: 3 digest files the index holds are no longer where they were ingested from: give their folder as PATH
!~ verify: digests: 0 valid, 0 invalid, 0 unchecked; log files: 0 valid, 0 changed, 0 missing, 0 unlisted, 4 unverified; gaps: 0; no digest files; 0 files hashed (0.0 MB), * s
! verify: stored as run 5 in 'case.db': 4 rows, 4 of them about 4 sources of the index (4 log files taken from it)

$ ctscan sql -d case.db -o csv "SELECT run_id, count(*), count(source_id), group_concat(DISTINCT status) AS statuses FROM integrity GROUP BY run_id"
> run_id,count(*),count(source_id),statuses
> 1,7,7,"valid,changed"
> 2,7,7,"valid,changed"
> 3,7,7,"valid,changed"
> 4,7,7,"valid,changed"
> 5,4,4,unverified

$ ctscan sql -d case.db -o csv "SELECT id, integrity FROM sources WHERE kind != 'other' ORDER BY id"
> id,integrity
> 1,unverified
> 2,unverified
> 3,unverified
> 4,unverified
> 5,valid
> 6,valid
> 7,valid

# a log file changed after it was ingested: with the index, verify judges
# what was ingested (valid); without it, the file as it is now (changed)
$ cp -r it/valid-rotation late && ctscan ingest -q -d late.db late && f=$(ls late/AWSLogs/*/CloudTrail/*/*/*/*/*T0105Z_*) && gzip -dc "$f" | sed 's/ListBuckets/DeleteBucket/' | gzip > x && mv x "$f"
!~ ingest: *

$ ctscan verify -d late.db --keys late/keys.json --signature-file late/signatures.json -o tsv late | awk -F'\t' -f rows.awk | grep T0105Z
> log valid 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz
!...

$ set -o pipefail; ctscan verify --keys late/keys.json --signature-file late/signatures.json -o tsv late | awk -F'\t' -f rows.awk | grep T0105Z
? 1
> log changed 111122223333_CloudTrail_us-east-1_20240301T0105Z_FxH01L0abcdefghi.json.gz SHA-256 differs from the digest
!...

# an injected log file in the index: unlisted, with the hash ingest recorded
$ cp -r it/injected-log inj && ctscan ingest -q -d inj.db inj
!~ ingest: *

$ set -o pipefail; ctscan verify -d inj.db --keys inj/keys.json --signature-file inj/signatures.json -o csv inj | grep unlisted | cut -d, -f1,2,11
? 1
> log,unlisted,a06fe6896c2b4e87cfc1e926047f678745f0417e18d11bf5243ee1724e4b04aa
!...

$ ctscan sql -d inj.db -o csv "SELECT integrity, count(*) FROM sources WHERE kind = 'cloudtrail' GROUP BY 1 ORDER BY 1"
> integrity,count(*)
> unlisted,1
> unverified,1
> valid,3
