# Dedupe: an event already in the index (same eventID and recipient
# account; without an eventID, the same bytes) is counted as a duplicate
# and stored once, whichever export it came in; a file whose SHA-256 is
# known is skipped at once.
$ cp -r "$TESTDATA/dedupe" dd

$ ctscan ingest -d dd.db dd
!~ ingest: 8 files (7 read, 0 skipped, 1 already in the index), 8 events added, 0 flows added, 8 duplicates, 0 records rejected, 0 files with errors, * s

# events 1-5 once each, the two events without eventID once each, and
# event 1 of another account: 8
$ ctscan info -d dd.db | grep -E '^(events|sources): '
> events:         8
> sources:        7 (7 ok, 0 partial, 0 truncated, 0 skipped)

# adding an export that overlaps the index adds only what is new
$ cp "$TESTDATA/cloudtrail/lookup-events.json" more.json && ctscan ingest -d dd.db more.json
!~ ingest: 1 files (1 read, 0 skipped, 0 already in the index), 3 events added, 0 flows added, 1 duplicates, 0 records rejected, 0 files with errors, * s

# a second run over the same tree reads nothing again
$ ctscan ingest -d dd.db dd more.json
!~ ingest: 9 files (0 read, 0 skipped, 9 already in the index), 0 events added, 0 flows added, 0 duplicates, 0 records rejected, 0 files with errors, * s

