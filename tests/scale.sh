#!/usr/bin/env bash
# scale.sh - first loads of millions of events stay under the memory bound
# and find every duplicate (not in the default suite: about two minutes).
#
#   CTSCAN=build/cmd/ctscan tests/scale.sh [EVENTS]
#
# EVENTS (default 2,300,000) go into an empty index twice: as gzip S3
# delivery files of 5,000 events (the writer's set of event ids reaches
# its soft limit at a file end: the ev_event_id index is built at a
# commit), and as one NDJSON file holding them all plus its first 1,000
# lines again (the set overflows inside the file: the index is built in
# the middle of it).  Each time: the peak RSS under 256 MiB, the exact
# counts, the index there, integrity_check ok; and the second load's peak
# RSS within 32 MiB of the first's.
set -u
: "${CTSCAN:?set CTSCAN to the ctscan binary}"
n=${1:-2300000}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/sh-lib.sh
. "$here/sh-lib.sh"

files=$(((n + 4999) / 5000))
n=$((files * 5000))
"$here/gen-corpus.sh" "$work/gz" "$files" 5000 11
# the same events, one per line (each file is one line: {"Records":[...]})
for f in "$work"/gz/*.gz; do
	gzip -dc "$f" | sed 's/^{"Records":\[//; s/\]}$//; s/},{"eventVersion"/}\n{"eventVersion"/g'
	echo
done >"$work/all.ndjson"
head -1000 "$work/all.ndjson" >>"$work/all.ndjson"
lines=$(wc -l <"$work/all.ndjson")
[ "$lines" = $((n + 1000)) ] && ok || bad "the NDJSON file has $lines lines, expected $((n + 1000))"

# load DB INPUT DUPS: a first load of INPUT into DB (RSS: its peak, KiB)
load() {
	local out added dups
	out=$(CTSCAN_RUSAGE=1 "$CTSCAN" ingest -q -d "$1" "$2" 2>&1)
	rss=$(sed -n 's/^ctscan: peak RSS \([0-9]*\) KiB$/\1/p' <<<"$out")
	added=$(sed -n 's/.* \([0-9][0-9]*\) events added.*/\1/p' <<<"$out")
	dups=$(sed -n 's/.* \([0-9][0-9]*\) duplicates.*/\1/p' <<<"$out")
	echo "$(basename "$2"): $added events added, $dups duplicates, peak RSS $rss KiB"
	[ -n "$rss" ] && [ "$rss" -lt 262144 ] && ok || bad "$2: peak RSS ${rss:-?} KiB is over 256 MiB"
	[ "$added" = "$n" ] && ok || bad "$2: $added events added, expected $n"
	[ "$dups" = "$3" ] && ok || bad "$2: $dups duplicates, expected $3"
	local q="SELECT count(*) = count(DISTINCT event_id), (SELECT count(*) FROM sqlite_schema WHERE name = 'ev_event_id') FROM events"
	local r
	r=$("$CTSCAN" sql -d "$1" -o tsv "$q" | tail -1)
	[ "$r" = "$(printf '1\t1')" ] && ok || bad "$2: distinct ids and the index: '$r'"
	r=$("$CTSCAN" sql -d "$1" -o tsv "PRAGMA integrity_check" | tail -1)
	[ "$r" = ok ] && ok || bad "$2: integrity_check says '$r'"
}
load "$work/files.db" "$work/gz" 0
files_rss=$rss
load "$work/one.db" "$work/all.ndjson" 1000
# building the index in the middle of the file costs no more memory than
# the load itself (sorted in memory, it took 70 MiB more here, and 140
# MiB more with the bench corpus' larger events)
[ -n "$rss" ] && [ -n "$files_rss" ] && [ "$rss" -lt $((files_rss + 32768)) ] && ok ||
	bad "one file: peak RSS ${rss:-?} KiB, more than 32 MiB over the ${files_rss:-?} KiB of the same events in files"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
