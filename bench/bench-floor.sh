#!/usr/bin/env bash
# bench-floor.sh: what SQLite alone needs to hold the tables ctscan ingests,
# with the indexes the issues ask for, beside the DuckDB runs the ingest
# targets are set against, alternated in one run.
#
#   bench/bench-floor.sh [-r ROUNDS] WORKDIR
#
# WORKDIR is the one bench-ingest.sh and bench-flows.sh used: it reads the
# indexes they built (ct.db, flows.db), their corpora and their DuckDB
# scripts.  For each table the sqlite3 shell copies the rows of that index
# into a new database (ids and numbers already made: no parsing, no
# binding, no journal) and builds the pivot indexes on the copy (sorter
# threads on); no ingest can do less.  Each round runs the copy, then
# DuckDB, so that both see the machine in the same state.
set -euo pipefail

usage() {
	echo "usage: bench/bench-floor.sh [-r ROUNDS] WORKDIR"
}

ROUNDS=2
while getopts r:h opt; do
	case $opt in
	r) ROUNDS=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
	usage >&2
	exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(cd "$1" && pwd)
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

for f in ct.db flows.db duckdb-cloudtrail.mjs duckdb-flows.mjs; do
	if [ ! -e "$WORK/$f" ]; then
		say "bench-floor: $WORK/$f is missing: run bench-ingest.sh and bench-flows.sh on $WORK first"
		exit 1
	fi
done
need_apt sqlite3 sqlite3 || { say "bench-floor: the sqlite3 shell is needed"; exit 1; }
need_duckdb || { say "bench-floor: node and @duckdb/node-api are needed"; exit 1; }

NEV=$(sqlite3 "$WORK/ct.db" 'SELECT count(*) FROM ev')
NFL=$(sqlite3 "$WORK/flows.db" 'SELECT count(*) FROM flow_rows')
COPY=$WORK/floor-copy.db

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# floor TABLE SOURCE_DB INDEX_SQL: prints "copy_seconds index_seconds"
floor() {
	rm -f "$COPY"
	local t0 t1 t2
	t0=$(now)
	sqlite3 "$COPY" "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; ATTACH '$2' AS s;
CREATE TABLE $1 AS SELECT * FROM s.$1;" >/dev/null
	t1=$(now)
	sqlite3 "$COPY" "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
PRAGMA cache_size = -1024; PRAGMA threads = 2; $3" >/dev/null
	t2=$(now)
	rm -f "$COPY"
	echo "$(secs "$t0" "$t1") $(secs "$t1" "$t2")"
}

EV_INDEXES="CREATE INDEX i1 ON ev(ts); CREATE INDEX i2 ON ev(ename, ts); CREATE INDEX i3 ON ev(esrc);
CREATE INDEX i4 ON ev(akey, ts) WHERE akey IS NOT NULL; CREATE INDEX i5 ON ev(iarn, ts) WHERE iarn IS NOT NULL;
CREATE INDEX i6 ON ev(ip, ts) WHERE ip IS NOT NULL; CREATE INDEX i7 ON ev(acct);
CREATE INDEX i8 ON ev(ecode, ts) WHERE ecode IS NOT NULL;"
FL_INDEXES="CREATE INDEX i1 ON flow_rows(start); CREATE INDEX i2 ON flow_rows(srcaddr, start);
CREATE INDEX i3 ON flow_rows(dstaddr, start); CREATE INDEX i4 ON flow_rows(dstport, start);
CREATE INDEX i5 ON flow_rows(interface_id, start); CREATE INDEX i6 ON flow_rows(action, start);"

echo "SQLite floor benchmark: $(machine_line)"
echo "tables: ev of $WORK/ct.db ($NEV rows), flow_rows of $WORK/flows.db ($NFL rows)"
printf '\n%-7s %-10s %8s %10s %8s %14s %8s\n' round table copy indexes floor "DuckDB" ratio
printf '%-7s %-10s %8s %10s %8s %14s %8s\n' ----- ----- ---- ------- ----- ------ -----
for ((r = 1; r <= ROUNDS; r++)); do
	read -r c i < <(floor ev "$WORK/ct.db" "$EV_INDEXES")
	rm -f "$WORK/floor-duck.db" "$WORK/floor-duck.db.wal"
	measure node "$WORK/duckdb-cloudtrail.mjs" "$WORK/ct-corpus" "$WORK/floor-duck.db" "$NEV" >/dev/null
	f=$(awk -v a="$c" -v b="$i" 'BEGIN { printf "%.2f", a + b }')
	printf '%-7s %-10s %8s %10s %8s %14s %8s\n' "$r" ev "$c" "$i" "$f" "$SECS (5 cols)" \
		"$(awk -v a="$f" -v b="$SECS" 'BEGIN { printf "%.2f", a / b }')"
	read -r c i < <(floor flow_rows "$WORK/flows.db" "$FL_INDEXES")
	rm -f "$WORK/floor-duck.db" "$WORK/floor-duck.db.wal"
	measure node "$WORK/duckdb-flows.mjs" "$WORK/flow-corpus-v2" "$WORK/floor-duck.db" "$NFL" v2 sniff >/dev/null
	f=$(awk -v a="$c" -v b="$i" 'BEGIN { printf "%.2f", a + b }')
	printf '%-7s %-10s %8s %10s %8s %14s %8s\n' "$r" flow_rows "$c" "$i" "$f" "$SECS (sniff)" \
		"$(awk -v a="$f" -v b="$SECS" 'BEGIN { printf "%.2f", a / b }')"
done
rm -f "$WORK/floor-duck.db" "$WORK/floor-duck.db.wal"
echo
echo "ratio: the floor over DuckDB's time; an ingest target of at most half of DuckDB's time needs it under 0.50"
