#!/usr/bin/env bash
# bench-query.sh: the questions asked of a 1M-event index: a timeline for
# one access key, every event as NDJSON beside jq over the original files,
# a summary by identity, and traces, in one run.
#
#   bench/bench-query.sh [-n EVENTS] [-s SEED] WORKDIR
#
# Uses bench-ingest.sh's corpus (WORKDIR/ct-corpus) and index
# (WORKDIR/ct.db), generating or ingesting them when they are missing.
# $CTSCAN names the binary (default build/cmd/ctscan in this repository).
set -euo pipefail

usage() {
	echo "usage: bench/bench-query.sh [-n EVENTS] [-s SEED] WORKDIR"
}

N=1000000
SEED=1
while getopts n:s:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	s) SEED=$OPTARG ;;
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
ROOT=$(dirname "$HERE")
mkdir -p "$1"
WORK=$(cd "$1" && pwd)
CTSCAN=${CTSCAN:-$ROOT/build/cmd/ctscan}
CORPUS=$WORK/ct-corpus
DB=$WORK/ct.db
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

[ -x "$CTSCAN" ] || { say "no binary at $CTSCAN (build it, or set CTSCAN)"; exit 1; }
build_gen gen-cloudtrail
stamp="n=$N seed=$SEED gen=$(cksum <"$HERE/gen-cloudtrail.c" | cut -d' ' -f1)"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$CORPUS" "$CORPUS.stamp" "$DB" "$DB-wal" "$DB-shm"
	say "generating $N events into $CORPUS"
	"$WORK/gen-cloudtrail" -n "$N" -s "$SEED" "$CORPUS"
	echo "$stamp" >"$CORPUS.stamp"
fi
if [ ! -s "$DB" ]; then
	say "ingesting $CORPUS into $DB"
	"$CTSCAN" ingest -q -d "$DB" "$CORPUS"
fi
export CTSCAN_DB=$DB
nev=$("$CTSCAN" sql -o tsv "SELECT count(*) FROM events" | tail -1)

echo "ctscan query benchmark: $(machine_line)"
echo "index: $DB, $nev events"

# best of REPEAT runs of a command, in SECS/CPU_SECS/RSS_MB
best() {
	local repeat=$1 b= r= c=
	shift
	for _ in $(seq "$repeat"); do
		measure "$@"
		if [ -z "$b" ] || awk -v a="$SECS" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$SECS r=$RSS_MB c=$CPU_SECS; fi
	done
	SECS=$b RSS_MB=$r CPU_SECS=$c
}

# the busiest long-term key, and the busiest temporary key with an AssumeRole behind it
KEY=$("$CTSCAN" sql -o tsv "SELECT access_key_id FROM events WHERE access_key_id LIKE 'AKIA%'
	GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" | tail -1)
KEYN=$("$CTSCAN" sql -o tsv -p k="$KEY" "SELECT count(*) FROM events WHERE access_key_id = :k" | tail -1)
TKEY=$("$CTSCAN" sql -o tsv "SELECT access_key_id FROM events WHERE event_name = 'AssumeRole'
	AND access_key_id LIKE 'AKIA%' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" | tail -1)

# 1. timeline for one key (target: well under 100 ms)
best 5 bash -c "'$CTSCAN' timeline --access-key '$KEY' -o tsv >'$WORK/.tl.out'"
rows=$(($(wc -l <"$WORK/.tl.out") - 1))
row "timeline --access-key (best of 5)" "$SECS" "$RSS_MB" "$rows" "$KEY, $KEYN events; the whole process, table written to a file" "$CPU_SECS"

# 2. every event as NDJSON, beside jq over the original files
measure bash -c "'$CTSCAN' timeline -o ndjson >/dev/null"
CTSCAN_SECS=$SECS
row "timeline -o ndjson (all events)" "$SECS" "$RSS_MB" "$nev" "typed columns, JSON columns nested; to /dev/null" "$CPU_SECS"
measure bash -c "'$CTSCAN' timeline --access-key '$KEY' -o raw >/dev/null"
row "timeline --access-key -o raw" "$SECS" "$RSS_MB" "$KEYN" "$KEY: the verbatim records of one key's events" "$CPU_SECS"
measure bash -c "'$CTSCAN' timeline -o raw >/dev/null"
row "timeline -o raw (all events)" "$SECS" "$RSS_MB" "$nev" "the verbatim records; to /dev/null" "$CPU_SECS"
if need_apt jq jq; then
	measure bash -c "find '$CORPUS' -name '*.json.gz' -print0 | xargs -0 zcat | jq -c '.Records[]' >/dev/null"
	row "zcat | jq -c '.Records[]'" "$SECS" "$RSS_MB" - "$(jq --version) over the original files" "$CPU_SECS"
else
	skip "jq" "jq is not installed and apt-get could not install it"
fi

# 3. summaries (target: by identity under 2 s)
for by in identity key ip; do
	if "$CTSCAN" summary --help >/dev/null 2>&1; then
		measure bash -c "'$CTSCAN' summary --by $by -o tsv >'$WORK/.sum.out'"
		row "summary --by $by" "$SECS" "$RSS_MB" "$(($(wc -l <"$WORK/.sum.out") - 1))" "one row per entity" "$CPU_SECS"
	else
		skip "summary --by $by" "this ctscan has no summary command"
	fi
done

# 4. traces (target: depth 3 from one key under 1 s)
if "$CTSCAN" trace --help >/dev/null 2>&1; then
	for d in 1 3; do
		measure bash -c "'$CTSCAN' trace --access-key '$TKEY' --depth $d -o tsv >'$WORK/.trace.out'"
		row "trace --access-key --depth $d" "$SECS" "$RSS_MB" "$(($(wc -l <"$WORK/.trace.out") - 1))" "$TKEY (a key that assumes roles)" "$CPU_SECS"
	done
else
	skip "trace" "this ctscan has no trace command"
fi
print_table
