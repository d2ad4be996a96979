#!/usr/bin/env bash
# crash.sh - kill -9 at any moment leaves an index that opens, passes
# PRAGMA integrity_check, and that a re-run completes to exactly the right
# count; readers work during an ingest; a second ingest is told the index
# is busy; memory stays bounded.  Needs CTSCAN and the tests directory.
set -u
: "${CTSCAN:?}"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/sh-lib.sh
. "$here/sh-lib.sh"

"$here/gen-corpus.sh" "$work/corpus" 60 2500 7
expect=150000
count() { "$CTSCAN" sql -d "$1" -o tsv "SELECT count(*) FROM ev" 2>/dev/null | tail -1; }
# the mark of a first load written without waiting for the disk
mark() { "$CTSCAN" sql -d "$1" -o tsv "SELECT value FROM meta WHERE key = 'unsynced_load'" 2>/dev/null | sed 1d; }
boot=$(cat /proc/sys/kernel/random/boot_id)

# the reference, in one go
"$CTSCAN" ingest -q -d "$work/ref.db" "$work/corpus" 2>/dev/null
[ "$(count "$work/ref.db")" = "$expect" ] && ok || bad "reference ingest: $(count "$work/ref.db") events, expected $expect"

# kill_at DB DIR DELAY WHAT: an ingest of DIR into DB killed with -9 after
# DELAY seconds leaves an index that passes integrity_check; then a re-run
# of the same ingest
kill_at() {
	"$CTSCAN" ingest -q -d "$1" "$2" 2>/dev/null &
	local pid=$! ic
	sleep "$3"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -e "$1" ]; then
		ic=$("$CTSCAN" sql -d "$1" -o tsv "PRAGMA integrity_check" 2>&1 | tail -1)
		[ "$ic" = "ok" ] && ok || bad "$4: after kill -9 at ${3}s: integrity_check says '$ic'"
	fi
	"$CTSCAN" ingest -q -d "$1" "$2" 2>/dev/null
}

# kill -9 at several moments, then check and finish
for delay in 0.05 0.2 0.4 0.7 1.0 1.5; do
	db="$work/crash-$delay.db"
	kill_at "$db" "$work/corpus" "$delay" events
	n=$(count "$db")
	[ "$n" = "$expect" ] && ok || bad "after kill -9 at ${delay}s and a re-run: $n events, expected $expect"
	# a killed first load leaves its mark (ctscan-schema(5): meta), and
	# the re-run takes it away once its writes are on the disk
	[ "$(mark "$db")" = "" ] && ok || bad "after kill -9 at ${delay}s and a re-run: the index is still marked"
	# every event's verbatim record can be read back
	lost=$("$CTSCAN" sql -d "$db" -o tsv "SELECT count(*) FROM events WHERE raw IS NULL OR length(raw) < 100" 2>&1 | tail -1)
	[ "$lost" = "0" ] && ok || bad "after kill -9 at ${delay}s: $lost records unreadable"
done

# a load that adds twice the events an index holds drops its indexes and
# builds them after (ctscan-schema(5)): kill -9 during it, then a re-run
mkdir -p "$work/base"
find "$work/corpus" -name '*.json.gz' | sort | head -20 | xargs cp -t "$work/base"
for delay in 0.3 0.8; do
	db="$work/grow-$delay.db"
	"$CTSCAN" ingest -q -d "$db" "$work/base" 2>/dev/null
	kill_at "$db" "$work/corpus" "$delay" "a growing load"
	n=$(count "$db")
	[ "$n" = "$expect" ] && ok || bad "growing load: after kill -9 at ${delay}s and a re-run: $n events, expected $expect"
	ni=$("$CTSCAN" sql -d "$db" -o tsv "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'ev'" | tail -1)
	[ "$ni" = 10 ] && ok || bad "growing load: after kill -9 at ${delay}s and a re-run: $ni indexes on ev, expected 10"
done

# readers during an ingest, and a second writer
db="$work/busy.db"
"$CTSCAN" ingest -q -d "$db" "$work/corpus" 2>/dev/null &
pid=$!
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then
	"$CTSCAN" info -d "$db" >/dev/null 2>&1 && ok || bad "info could not read the index during an ingest"
	"$CTSCAN" sql -d "$db" -o tsv "SELECT count(*) FROM ev" >/dev/null 2>&1 && ok || bad "sql could not read during an ingest"
	# a first load runs marked with this boot (and readers are not refused)
	[ "$(mark "$db")" = "$boot" ] && ok || bad "a first load is not marked with the boot id: '$(mark "$db")'"
	msg=$("$CTSCAN" ingest -q -d "$db" "$work/corpus" 2>&1)
	rc=$?
	[ "$rc" = 5 ] && ok || bad "a second ingest exited $rc, expected 5"
	case "$msg" in *"index is busy: another ctscan command is writing to it"*) ok ;; *) bad "second ingest said: $msg" ;; esac
else
	bad "the ingest finished before the concurrency checks (corpus too small?)"
fi
wait "$pid"
[ "$(count "$db")" = "$expect" ] && ok || bad "busy run: wrong count"
[ "$(mark "$db")" = "" ] && ok || bad "busy run: the index is still marked after the load"

# VPC flows: a first load keeps its indexes (and the dedupe index) for the
# end; kill -9 at several moments, then a re-run ends with every flow once
mkdir "$work/flows"
for f in $(seq 1 40); do
	awk -v f="$f" 'BEGIN {
		print "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
		for (i = 0; i < 5000; i++)
			printf "2 123456789012 eni-%08d 10.0.%d.%d 198.51.100.%d %d 443 6 %d %d %d %d ACCEPT OK\n", \
				f, f, i % 250, i % 200, 1024 + i, 1 + i % 50, 100 * (i + 1), 1710000000 + f * 10000 + i, 1710000060 + f * 10000 + i
	}' >"$work/flows/eni-$f.log"
done
fexpect=200000
fcount() { "$CTSCAN" sql -d "$1" -o tsv "SELECT count(*) FROM flows" 2>/dev/null | tail -1; }
for delay in 0.05 0.3 0.6 1.0 1.5; do
	db="$work/fcrash-$delay.db"
	kill_at "$db" "$work/flows" "$delay" flows
	n=$(fcount "$db")
	[ "$n" = "$fexpect" ] && ok || bad "flows: after kill -9 at ${delay}s and a re-run: $n flows, expected $fexpect"
	# the indexes are all there once the re-run is done, the dedupe one unique
	ni=$("$CTSCAN" sql -d "$db" -o tsv "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'flow_rows'" | tail -1)
	[ "$ni" = 7 ] && ok || bad "flows: after kill -9 at ${delay}s and a re-run: $ni indexes on flow_rows, expected 7"
done

# memory: the process's own peak RSS stays bounded on a corpus several
# times larger than the bound
"$here/gen-corpus.sh" "$work/big" 80 5000 9
rss=$(CTSCAN_RUSAGE=1 "$CTSCAN" ingest -q -d "$work/big.db" "$work/big" 2>&1 | sed -n 's/^ctscan: peak RSS \([0-9]*\) KiB$/\1/p')
raw=$(cat "$work"/big/*.gz | gzip -dc | wc -c)
echo "memory: peak RSS ${rss} KiB for $((raw / 1048576)) MiB of JSON"
[ -n "$rss" ] && [ "$rss" -lt 262144 ] && ok || bad "peak RSS ${rss:-?} KiB is over 256 MiB"

# streaming output: memory stays flat, a million rows cost no more than one
# (here, not in tests/cli/output.t: under AddressSanitizer, whose
# quarantine keeps freed memory, RSS means nothing, and .ci/run leaves
# this suite out of its sanitizer run)
peak() {
	CTSCAN_RUSAGE=1 "$CTSCAN" sql -d "$work/ref.db" -o "$1" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
		SELECT i, 'row ' || i AS s, printf('%.*c', 200, 'x') AS w FROM n" 2>&1 >/dev/null |
		sed -n 's/^ctscan: peak RSS \([0-9]*\) KiB$/\1/p'
}
for f in table csv ndjson json; do
	one=$(peak $f 1) many=$(peak $f 1000000)
	[ -n "$one" ] && [ -n "$many" ] && [ "$many" -lt $((one + 4096)) ] && ok ||
		bad "-o $f: peak RSS $one KiB for 1 row, $many KiB for 1,000,000"
done

# a gzip bomb: 1.1 MiB that inflates to 1.1 GiB of JSON whitespace (1,100
# concatenated gzip members of 1 MiB of spaces) is stopped at the ratio
# limit with its own message, in bounded memory, and the file after it
# still ingests
mkdir -p "$work/bomb"
head -c 1048576 /dev/zero | tr '\0' ' ' | gzip -9 -c >"$work/spaces.gz"
{
	printf '{"Records":[' | gzip -c
	for _ in $(seq 1100); do cat "$work/spaces.gz"; done
	printf ']}' | gzip -c
} >"$work/bomb/bomb.json.gz"
cp "$here/../testdata/cloudtrail/records.json" "$work/bomb/zz-good.json"
out=$(CTSCAN_RUSAGE=1 "$CTSCAN" ingest -d "$work/bomb.db" "$work/bomb" 2>&1)
rc=$?
[ "$rc" = 3 ] && ok || bad "gzip bomb: exit $rc, expected 3"
case "$out" in
*"bomb.json.gz: gzip bomb: inflates more than 250 times its size (stopped after 1024 MiB)"*) ok ;;
*) bad "gzip bomb: no bomb message in: $out" ;;
esac
[ "$(count "$work/bomb.db")" = 4 ] && ok || bad "gzip bomb: the good file after it was not ingested"
rss=$(sed -n 's/^ctscan: peak RSS \([0-9]*\) KiB$/\1/p' <<<"$out")
[ -n "$rss" ] && [ "$rss" -lt 262144 ] && ok || bad "gzip bomb: peak RSS ${rss:-?} KiB"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
