# A first load finds duplicates in the writer's set of event ids, then,
# past the set's soft limit, through the ev_event_id index it builds at a
# commit, and, when one file overflows the set, through the index it
# builds there and then.  $CTSCAN here is ctscan-small (tests/meson.build):
# the set asks for the index from 300 ids on and holds at most 512, and
# the dictionary of strings keeps at most 64 strings (4 KiB of text) in
# memory, emptied when full and the rest looked up in SQL; $CTSCAN_FULL is
# the ctscan that is installed.  Both must give the same rows.
$ "$TESTDATA/../tests/gen-corpus.sh" g 3 200 7 && ls g | wc -l
> 3

# t/1: file 0; t/2: file 0 again under another checksum (found in the
# set); t/3: files 1 and 2 (after file 1 the set has 400 ids: a commit
# and the index); t/4: files 1 and 2 again (found through the index)
$ set -e; for d in 1 2 3 4; do mkdir -p t/$d; done; f=(g/*); cp "${f[0]}" t/1/; zcat "${f[0]}" | gzip -9 > t/2/again0.json.gz; cp "${f[@]:1}" t/3/; zcat "${f[1]}" | gzip -9 > t/4/again1.json.gz; zcat "${f[2]}" | gzip -9 > t/4/again2.json.gz

$ ctscan ingest -d a.db t
!~ ingest: 6 files (6 read, 0 skipped, 0 already in the index), 600 events added, 0 flows added, 600 duplicates, 0 records rejected, 0 files with errors, * s

$ "$CTSCAN_FULL" ingest -d full.db t
!~ ingest: 6 files (6 read, 0 skipped, 0 already in the index), 600 events added, 0 flows added, 600 duplicates, 0 records rejected, 0 files with errors, * s

# the same rows either way (every column, the strings too), every event
# id once, the index built
$ for d in a full; do ctscan sql -d $d.db -o tsv 'SELECT * FROM events ORDER BY id' | md5sum; done | uniq | wc -l
> 1

$ ctscan sql -d a.db -o tsv "SELECT count(DISTINCT event_id), count(*), (SELECT count(*) FROM sqlite_schema WHERE name = 'ev_event_id') FROM events"
> count(DISTINCT event_id)	count(*)	(SELECT count(*) FROM sqlite_schema WHERE name = 'ev_event_id')
> 600	600	1

# One file overflows the set: events 1-600 of a file, then 1-100 again
# (NDJSON).  The set holds 512 ids; the index is built at the 513th and
# finds the last 100.  Then the whole file, re-compressed: 100 new.
$ set -e; "$TESTDATA/../tests/gen-corpus.sh" h 1 700 9; { zcat h/* | sed 's/^{"Records":\[//; s/\]}$//; s/},{"eventVersion"/}\n{"eventVersion"/g'; echo; } > all.ndjson; wc -l < all.ndjson; mkdir u; { head -600 all.ndjson; head -100 all.ndjson; } > u/1.ndjson; zcat h/* | gzip -9 > u/2.json.gz
> 700

$ ctscan ingest -d b.db u
!~ ingest: 2 files (2 read, 0 skipped, 0 already in the index), 700 events added, 0 flows added, 700 duplicates, 0 records rejected, 0 files with errors, * s

$ "$CTSCAN_FULL" ingest -d bfull.db u
!~ ingest: 2 files (2 read, 0 skipped, 0 already in the index), 700 events added, 0 flows added, 700 duplicates, 0 records rejected, 0 files with errors, * s

$ for d in b bfull; do ctscan sql -d $d.db -o tsv 'SELECT * FROM events ORDER BY id' | md5sum; done | uniq | wc -l
> 1

$ ctscan sql -d b.db -o tsv "SELECT count(DISTINCT event_id), count(*), (SELECT count(*) FROM sqlite_schema WHERE name = 'ev_event_id') FROM events"
> count(DISTINCT event_id)	count(*)	(SELECT count(*) FROM sqlite_schema WHERE name = 'ev_event_id')
> 700	700	1

$ ctscan sql -d b.db -o tsv "PRAGMA integrity_check"
> integrity_check
> ok

# A load whose files look like adding half as many events again or more
# (by their size, over the bytes per event so far) drops the indexes and
# builds them after it, as a first load does; meta counts the builds.
# Here the set of event ids starts with the 4,000 ids already in the
# index: ctscan-small's set overflows at once and builds the event id
# index there, the full set holds them; either way the 2,000 events of
# ga's first file again are found.
$ set -e; for s in "ga 2 2000 11" "gb 3 2000 12" "gc 1 300 13"; do "$TESTDATA/../tests/gen-corpus.sh" $s; done; f=(ga/*); zcat "${f[0]}" | gzip -9 > gb/again.json.gz; cp -r gb gb-copy

$ for c in ctscan "$CTSCAN_FULL"; do rm -f g.db*; "$c" ingest -d g.db ga; "$c" ingest -d g.db gb; "$c" sql -d g.db -o tsv "SELECT value FROM meta WHERE key = 'index_builds:ev'"; done
!~ ingest: 2 files (2 read, 0 skipped, 0 already in the index), 4000 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
!~ ingest: 4 files (4 read, 0 skipped, 0 already in the index), 6000 events added, 0 flows added, 2000 duplicates, 0 records rejected, 0 files with errors, * s
!~ ingest: 2 files (2 read, 0 skipped, 0 already in the index), 4000 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
!~ ingest: 4 files (4 read, 0 skipped, 0 already in the index), 6000 events added, 0 flows added, 2000 duplicates, 0 records rejected, 0 files with errors, * s
> value
> 2
> value
> 2

# 300 events more are kept up to date row by row; so is the same tree
# again under another directory (names and sizes known: nothing new)
$ ctscan ingest -d g.db gc && ctscan ingest -d g.db gb-copy && ctscan sql -d g.db -o tsv "SELECT value FROM meta WHERE key = 'index_builds:ev'"
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 300 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
!~ ingest: 4 files (0 read, 0 skipped, 4 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
> value
> 2

# flow logs by their S3 key (.../vpcflowlogs/...) are not counted as
# events: 20,000 flows (1.9 MB, the bytes of some 26,000 events here) into
# this index of 10,300 events leave its event indexes be
$ mkdir fl && awk 'BEGIN { print "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"; for (i = 0; i < 20000; i++) printf "2 111122223333 eni-0feed1234abcd5678 10.0.%d.%d 203.0.113.10 %d 443 6 10 3120 %d %d ACCEPT OK\n", int(i / 250), i % 250, 1024 + i, 1715076720 + i, 1715076780 + i }' > fl/111122223333_vpcflowlogs_us-east-1_fl-1_20240312T1410Z_a.log && ctscan ingest -d g.db fl && ctscan sql -d g.db -o tsv "SELECT value FROM meta WHERE key = 'index_builds:ev'"
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 0 events added, 20000 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s
> value
> 2

# the same rows as one first load of the three, every index there
$ "$CTSCAN_FULL" ingest -d one.db ga gb gc 2>/dev/null && for d in g one; do ctscan sql -d $d.db -o tsv 'SELECT * FROM events ORDER BY id' | md5sum; done | uniq | wc -l
> 1

$ ctscan sql -d g.db -o tsv "SELECT count(*), count(DISTINCT event_id), (SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ev' ORDER BY name)) FROM events"
> count(*)	count(DISTINCT event_id)	(SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ev' ORDER BY name))
> 10300	10300	ev_acct,ev_akey,ev_dkey,ev_ecode,ev_event_id,ev_iarn,ev_ip,ev_name,ev_source,ev_ts

$ ctscan sql -d g.db -o tsv "PRAGMA integrity_check"
> integrity_check
> ok

# on a terminal, the progress line counts the files, then the indexes
# built after a first load: the nine of events (the empty table of flows
# is not counted), and with flows seven more (six pivots and the dedupe
# index).  script(1) gets /dev/null for input: it would read this file.
$ script -qec 'ctscan ingest -d tty.db ga' /dev/null </dev/null | tr '\r' '\n' | sed 's/\x1b\[K//g' | grep 'building indexes' | sed -n '1p;$p'
> ingest: 2/2 files, 4000 events, 0 flows, building indexes 0/9
> ingest: 2/2 files, 4000 events, 0 flows, building indexes 8/9

$ script -qec 'ctscan ingest -d tty2.db ga fl' /dev/null </dev/null | tr '\r' '\n' | sed 's/\x1b\[K//g' | grep 'building indexes' | sed -n '1p;$p'
> ingest: 3/3 files, 4000 events, 20000 flows, building indexes 0/16
> ingest: 3/3 files, 4000 events, 20000 flows, building indexes 15/16
