# Bad input never crashes ctscan and never loses good data: each problem
# is reported as FILE: record N: reason, good records are kept (the files
# after a broken one ingest completely), sources records the outcome, and
# the exit status is 3.
$ cp -r "$TESTDATA/bad" bad && cp "$TESTDATA/cloudtrail/records.json" bad/zz-good.json

$ ctscan ingest -d bad.db bad
? 3
! ctscan: bad/bad-utf8.json: record 2: invalid JSON: invalid UTF-8 in string at byte 1364
! ctscan: bad/big-string.json.gz: record 2: record larger than the 8 MiB limit (record starting at byte 960)
! ctscan: bad/deep.json: record 2: nesting deeper than 512 levels (record starting at byte 1014)
! ctscan: warning: bad/empty.json: empty file: skipped
! ctscan: bad/invalid-json.json: record 2: invalid JSON: expected a string key at byte 983; the rest of the file cannot be read
! ctscan: bad/ndjson-bad-line.jsonl: record 2: invalid JSON: control character in string at byte 1202
! ctscan: bad/nul-byte.json: record 2: invalid JSON: NUL byte in string at byte 1360
! ctscan: bad/truncated.json.gz: truncated gzip file (unexpected end after 614 bytes inflated)
! ctscan: bad/wrong-types.json: record 1: eventTime is a number, not a string
! ctscan: bad/wrong-types.json: record 2: userIdentity is a string, not an object
! ctscan: bad/wrong-types.json: record 3: missing eventTime
! ctscan: bad/wrong-types.json: record 4: eventTime 'yesterday' is not an ISO-8601 time
!~ ingest: 10 files (9 read, 1 skipped, 0 already in the index), 15 events added, 0 flows added, 0 duplicates, 11 records rejected, 8 files with errors, * s

$ ctscan info -d bad.db | sed -n '/^events/p;/^sources: /p;/^sources with errors/,$p'
> events:         15
> sources:        10 (1 ok, 6 partial, 2 truncated, 1 skipped)
> sources with errors:
>   bad/bad-utf8.json: partial, 1 records rejected
>   bad/big-string.json.gz: partial, 1 records rejected
>   bad/deep.json: partial, 1 records rejected
>   bad/invalid-json.json: truncated, 1 records rejected: invalid JSON: expected a string key at byte 983; the rest of the file cannot be read
>   bad/ndjson-bad-line.jsonl: partial, 1 records rejected
>   bad/nul-byte.json: partial, 1 records rejected
>   bad/truncated.json.gz: truncated, 1 records rejected: truncated gzip file (unexpected end after 614 bytes inflated)
>   bad/wrong-types.json: partial, 4 records rejected

# the good file after the broken ones is complete
$ ctscan show -d bad.db 0a6f5d2e-1111-4a3b-9c8d-000000000004 | head -c 40; echo
> {"eventVersion":"1.08","userIdentity":{"

# the records after a 100 MB string and 100,000 levels of nesting are kept
# an id typed in capitals finds the same event
$ ctscan show -d bad.db 0A6F5D2E-1111-4A3B-9C8D-000000000004 | head -c 40; echo
> {"eventVersion":"1.08","userIdentity":{"

$ ctscan show -d bad.db 0a6f5d2e-1111-4a3b-9c8d-000000000083 0a6f5d2e-1111-4a3b-9c8d-000000000086 | wc -l
> 2

# a broken file is not read again by a re-run: its content is known
$ ctscan ingest -d bad.db bad/wrong-types.json
!~ ingest: 1 files (0 read, 0 skipped, 1 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

# not a file: directories of nothing, missing paths, FIFOs, devices
$ mkfifo fifo && ctscan ingest -d x.db fifo /dev/null missing.json
? 3
! ctscan: fifo: is a FIFO: refused (only regular files and directories are read)
! ctscan: /dev/null: is a device: refused (only regular files and directories are read)
! ctscan: missing.json: cannot read: No such file or directory
!~ ingest: 0 files (0 read, 0 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 3 files with errors, * s

$ mkdir emptydir && ctscan ingest -d x.db emptydir
!~ ingest: 0 files (0 read, 0 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

# a directory that leads back to itself is read once
$ mkdir -p loop/a && cp "$TESTDATA/cloudtrail/array.json" loop/a/ && ln -s .. loop/a/up && ctscan ingest -d loop.db loop
! ctscan: warning: loop/a/up: directory already visited (a symbolic link loop or a second link): skipped
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 2 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

# archives and compressions other than gzip may hold logs: each is an
# error naming the command that unpacks it (never a skip that would hide
# the evidence in it), no sources row, and the logs beside them ingest
$ mkdir arch && cp "$TESTDATA/cloudtrail/records.json" arch/zz-good.json && tar cf arch/logs.tar -C "$TESTDATA/cloudtrail" records.json && tar czf arch/logs.tgz -C "$TESTDATA/cloudtrail" records.json && printf 'PK\003\004\024\000\000\000' >arch/logs.zip && printf 'PK\005\006\000\000\000\000' >arch/empty.zip && printf '7z\274\257\047\034\000\004' >arch/logs.7z && printf 'Rar!\032\007\001\000' >arch/logs.rar && printf 'BZh91AY&SY\000\000' >arch/a.json.bz2 && printf '\375''7zXZ\000\000\004' >arch/a.json.xz && printf '\050\265\057\375\044\000' >arch/a.json.zst && printf '\004\042\115\030\144\100' >arch/a.json.lz4 && printf 'PK\003\004\024\000\000\000' | gzip -c >arch/logs.zip.gz && printf 'BZh9 is not bzip2: a line of text\n' >arch/notes.txt

$ ctscan ingest -d arch.db arch
? 3
! ctscan: arch/a.json.bz2: bzip2-compressed: ctscan reads gzip only; decompress it (bzip2 -dk) and ingest the result
! ctscan: arch/a.json.lz4: lz4-compressed: ctscan reads gzip only; decompress it (lz4 -d) and ingest the result
! ctscan: arch/a.json.xz: xz-compressed: ctscan reads gzip only; decompress it (xz -dk) and ingest the result
! ctscan: arch/a.json.zst: zstd-compressed: ctscan reads gzip only; decompress it (zstd -d) and ingest the result
! ctscan: arch/empty.zip: a zip archive: ctscan does not open archives; extract it (unzip) and ingest what it holds
! ctscan: arch/logs.7z: a 7-Zip archive: ctscan does not open archives; extract it (7z x) and ingest what it holds
! ctscan: arch/logs.rar: a RAR archive: ctscan does not open archives; extract it (unrar x) and ingest what it holds
! ctscan: arch/logs.tar: a tar archive: ctscan does not open archives; extract it (tar xf) and ingest what it holds
! ctscan: arch/logs.tgz: a tar archive inside gzip: ctscan does not open archives; extract it (tar xzf) and ingest what it holds
! ctscan: arch/logs.zip: a zip archive: ctscan does not open archives; extract it (unzip) and ingest what it holds
! ctscan: arch/logs.zip.gz: a zip archive inside gzip: ctscan does not open archives; extract it (gunzip, then unzip) and ingest what it holds
! ctscan: warning: arch/notes.txt: not a CloudTrail or VPC flow log: skipped
!~ ingest: 13 files (1 read, 1 skipped, 0 already in the index), 4 events added, 0 flows added, 0 duplicates, 0 records rejected, 11 files with errors, * s

$ ctscan sql -d arch.db -o tsv "SELECT path, status FROM sources ORDER BY path"
> path	status
> arch/notes.txt	skipped
> arch/zz-good.json	ok

# a re-run says it all again: nothing of them was kept
$ ctscan ingest -d arch.db arch/logs.tgz
? 3
! ctscan: arch/logs.tgz: a tar archive inside gzip: ctscan does not open archives; extract it (tar xzf) and ingest what it holds
!~ ingest: 1 files (0 read, 0 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 1 files with errors, * s

# but a zip that is an office document or a package (its first member
# names their parts) is plainly not logs: a warning, like a README; a zip
# whose first member is a log stays an error
$ mkdir docs && printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\023\000\000\000[Content_Types].xml' >docs/report.xlsx && printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\010\000\000\000mimetype' >docs/notes.odt && printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\024\000\000\000META-INF/MANIFEST.MF' >docs/tool.jar && printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\011\000\000\000mimetypeX' >docs/other.zip && printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\050\000\000\000AWSLogs/111122223333/CloudTrail/a.json.gz' >docs/export.zip

$ ctscan ingest -d docs.db docs
? 3
! ctscan: docs/export.zip: a zip archive: ctscan does not open archives; extract it (unzip) and ingest what it holds
! ctscan: warning: docs/notes.odt: a document or package in zip form (.docx, .xlsx, .odt, .jar...), not a log: skipped
! ctscan: docs/other.zip: a zip archive: ctscan does not open archives; extract it (unzip) and ingest what it holds
! ctscan: warning: docs/report.xlsx: a document or package in zip form (.docx, .xlsx, .odt, .jar...), not a log: skipped
! ctscan: warning: docs/tool.jar: a document or package in zip form (.docx, .xlsx, .odt, .jar...), not a log: skipped
!~ ingest: 5 files (0 read, 3 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 2 files with errors, * s

# UTF-16 (what Windows PowerShell's > writes), with a byte order mark
# either way or without one, is an error naming the conversion; the
# converted file ingests
$ mkdir u16 && iconv -f UTF-8 -t UTF-16 "$TESTDATA/cloudtrail/records.json" >u16/ps.json && printf '\377\376{\000"\000' >u16/le.json && printf '\376\377\000{\000"' >u16/be.json && printf '[\000{\000' >u16/nobom.json && printf '\377\376[\000]\000' | gzip -c >u16/le.json.gz

$ ctscan ingest -d u16.db u16
? 3
! ctscan: u16/be.json: UTF-16 text (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (iconv -f UTF-16 -t UTF-8) and ingest the result
! ctscan: u16/le.json: UTF-16 text (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (iconv -f UTF-16 -t UTF-8) and ingest the result
! ctscan: u16/le.json.gz: UTF-16 text inside gzip (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (gunzip, then iconv -f UTF-16 -t UTF-8) and ingest the result
! ctscan: u16/nobom.json: UTF-16 text (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (iconv -f UTF-16 -t UTF-8) and ingest the result
! ctscan: u16/ps.json: UTF-16 text (as Windows PowerShell's > writes it): ctscan reads UTF-8; convert it (iconv -f UTF-16 -t UTF-8) and ingest the result
!~ ingest: 5 files (0 read, 0 skipped, 0 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 5 files with errors, * s

$ iconv -f UTF-16 -t UTF-8 u16/ps.json >ps.utf8.json && ctscan ingest -d u16.db ps.utf8.json
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 4 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
