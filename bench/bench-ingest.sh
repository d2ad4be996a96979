#!/usr/bin/env bash
# bench-ingest.sh: ctscan ingest beside jq, the sqlite3 shell and DuckDB,
# on one generated CloudTrail corpus, in one run.
#
#   bench/bench-ingest.sh [-n EVENTS] [-s SEED] [-r ROUNDS] WORKDIR
#
# With -r, the fresh ctscan ingest and the two DuckDB reads run ROUNDS
# more times after the table, alternated, and a second table gives each
# round and the medians: this machine's speed drifts by a quarter within
# minutes, and only runs side by side compare.
#
# WORKDIR keeps the generator, the corpus (reused while N, the seed and the
# generator source are unchanged), the indexes and node_modules.  $CTSCAN
# names the binary (default build/cmd/ctscan in this repository).  Peers
# that are missing are installed here (apt-get, npm) or reported skipped.
set -euo pipefail

usage() {
	echo "usage: bench/bench-ingest.sh [-n EVENTS] [-s SEED] [-r ROUNDS] WORKDIR"
}

N=1000000
SEED=1
ROUNDS=0
while getopts n:s:r:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	s) SEED=$OPTARG ;;
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
ROOT=$(dirname "$HERE")
mkdir -p "$1"
WORK=$(cd "$1" && pwd)
CTSCAN=${CTSCAN:-$ROOT/build/cmd/ctscan}
CORPUS=$WORK/ct-corpus
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

TMPJSON=
cleanup() { if [ -n "$TMPJSON" ]; then rm -rf "$TMPJSON"; fi; }
trap cleanup EXIT

# ---- the corpus, generated once --------------------------------------------
build_gen gen-cloudtrail
stamp="n=$N seed=$SEED gen=$(cksum <"$HERE/gen-cloudtrail.c" | cut -d' ' -f1)"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$CORPUS" "$CORPUS.stamp"
	say "generating $N events into $CORPUS"
	"$WORK/gen-cloudtrail" -n "$N" -s "$SEED" "$CORPUS"
	echo "$stamp" >"$CORPUS.stamp"
fi
NFILES=$(find "$CORPUS" -name '*.json.gz' | wc -l)
GZBYTES=$(find "$CORPUS" -name '*.json.gz' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

echo "ctscan ingest benchmark: $(machine_line)"
echo "corpus: $N CloudTrail events (seed $SEED) in $NFILES .json.gz files, $GZBYTES bytes compressed"

# ---- (f) the floor: decompressing and counting bytes -------------------------
measure bash -c "find '$CORPUS' -name '*.json.gz' -print0 | xargs -0 zcat | wc -c >'$WORK/.rawbytes'"
RAWBYTES=$(cat "$WORK/.rawbytes")
FLOOR=("zcat | wc -c (floor)" "$SECS" "$RSS_MB" - "$RAWBYTES bytes of JSON" "$CPU_SECS")
echo "uncompressed JSON: $RAWBYTES bytes ($(awk -v r="$RAWBYTES" -v n="$N" 'BEGIN { printf "%.0f", r / n }') bytes/event)"

# ---- (a) ctscan ingest, (b) the same ingest again --------------------------
if [ -x "$CTSCAN" ]; then
	DB=$WORK/ct.db
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
	if measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>"$WORK/.ctscan.err"; then
		CTSCAN_SECS=$SECS
		added=$(sed -n 's/.* \([0-9][0-9]*\) events added.*/\1/p' "$WORK/.ctscan.err" | tail -1)
		size=$(($(fsize "$DB") + $(fsize "$DB-wal")))
		pct=$(awk -v s="$size" -v r="$RAWBYTES" 'BEGIN { printf "%.1f", 100 * s / r }')
		row "ctscan ingest" "$SECS" "$RSS_MB" "${added:-?}" "index $size bytes (db+wal) = $pct% of the JSON" "$CPU_SECS"
		if [ "${added:-}" != "$N" ]; then
			say "warning: ctscan added ${added:-?} events, expected $N"
		fi
		if measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>"$WORK/.ctscan2.err"; then
			again=$(sed -n 's/.* \([0-9][0-9]*\) events added.*/\1/p' "$WORK/.ctscan2.err" | tail -1)
			row "ctscan ingest again (no change)" "$SECS" "$RSS_MB" "${again:-?}" "every file already in the index" "$CPU_SECS"
		else
			skip "ctscan ingest again" "failed: $(tail -1 "$WORK/.ctscan2.err")"
		fi
	else
		skip "ctscan ingest" "failed: $(tail -1 "$WORK/.ctscan.err")"
	fi
else
	skip "ctscan ingest" "no binary at $CTSCAN (build it, or set CTSCAN)"
fi

# ---- (c) jq ------------------------------------------------------------------
if need_apt jq jq; then
	if measure bash -c "find '$CORPUS' -name '*.json.gz' -print0 | xargs -0 zcat | jq -c '.Records[]' >/dev/null"; then
		row "zcat | jq -c '.Records[]'" "$SECS" "$RSS_MB" - "$(jq --version), output to /dev/null" "$CPU_SECS"
	else
		skip "jq" "the pipeline failed"
	fi
else
	skip "jq" "jq is not installed and apt-get could not install it"
fi

# ---- (d) the sqlite3 shell: readfile() + json_each ---------------------------
if need_apt sqlite3 sqlite3; then
	# decompressed beforehand and not timed: the shell's readfile() reads plain files only
	TMPJSON=$(mktemp -d "$WORK/json.XXXXXX")
	say "decompressing the corpus into $TMPJSON for sqlite3 (not timed)"
	i=0
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		gzip -dc "$f" >"$TMPJSON/$i.json"
	done < <(find "$CORPUS" -name '*.json.gz' -print0)
	SDB=$WORK/sqlite-load.db
	rm -f "$SDB" "$SDB-journal" "$SDB-wal"
	sql="CREATE TABLE ct(event_time TEXT, event_name TEXT, event_source TEXT, arn TEXT, source_ip TEXT);
INSERT INTO ct SELECT json_extract(j.value, '\$.eventTime'), json_extract(j.value, '\$.eventName'),
  json_extract(j.value, '\$.eventSource'), json_extract(j.value, '\$.userIdentity.arn'),
  json_extract(j.value, '\$.sourceIPAddress')
  FROM fsdir('$TMPJSON') AS f, json_each(readfile(f.name), '\$.Records') AS j
  WHERE f.name LIKE '%.json';
SELECT count(*) FROM ct;"
	if measure sqlite3 "$SDB" "$sql" >"$WORK/.sqlite.out" 2>&1; then
		n=$(tail -1 "$WORK/.sqlite.out")
		row "sqlite3 readfile+json_each" "$SECS" "$RSS_MB" "$n" "$(sqlite3 --version | cut -d' ' -f1), from decompressed copies (decompression not timed)" "$CPU_SECS"
	else
		skip "sqlite3" "failed: $(tail -1 "$WORK/.sqlite.out")"
	fi
	rm -rf "$TMPJSON"
	TMPJSON=
else
	skip "sqlite3" "the sqlite3 shell is not installed and apt-get could not install it"
fi

# ---- (e) DuckDB read_json through @duckdb/node-api ---------------------------
if need_duckdb; then
	cat >"$WORK/duckdb-cloudtrail.mjs" <<'EOF'
// node duckdb-cloudtrail.mjs CORPUS DB EXPECTED: Records unnested into rows, count printed.
// The columns are named: read_json's schema inference samples records and
// then rejects keys it did not see (additionalEventData, requestParameters
// vary by API), and the fields we keep are few.
import { DuckDBInstance } from '@duckdb/node-api';
const [corpus, db, expected] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
await con.run(`CREATE TABLE ct AS
  SELECT r.eventTime AS event_time, r.eventName AS event_name, r.eventSource AS event_source,
         r.userIdentity.arn AS arn, r.sourceIPAddress AS source_ip
  FROM (SELECT unnest(Records) AS r FROM read_json('${corpus}/**/*.json.gz',
    columns = {Records: 'STRUCT(eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR,
      userIdentity STRUCT(arn VARCHAR), sourceIPAddress VARCHAR)[]'}))`);
const n = (await con.runAndReadAll('SELECT count(*)::BIGINT FROM ct')).getRows()[0][0].toString();
const v = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`${n} ${v}`);
if (n !== expected) {
  console.error(`duckdb: ${n} rows, expected ${expected}`);
  process.exit(1);
}
EOF
	DDB=$WORK/duckdb-load.db
	rm -f "$DDB" "$DDB.wal"
	if measure node "$WORK/duckdb-cloudtrail.mjs" "$CORPUS" "$DDB" "$N" >"$WORK/.duck.out" 2>&1; then
		read -r n v <"$WORK/.duck.out"
		row "DuckDB read_json (node-api)" "$SECS" "$RSS_MB" "$n" "DuckDB $v, whole node process, table in a file, columns named" "$CPU_SECS"
	else
		skip "DuckDB" "failed: $(grep -m1 -i error "$WORK/.duck.out" || tail -1 "$WORK/.duck.out")"
	fi
	# the same read keeping what an investigation needs: the fields ctscan
	# makes columns, the request, response and identity bodies as JSON
	cat >"$WORK/duckdb-cloudtrail-full.mjs" <<'EOF2'
// node duckdb-cloudtrail-full.mjs CORPUS DB EXPECTED: 22 fields per event, bodies as JSON.
import { DuckDBInstance } from '@duckdb/node-api';
const [corpus, db, expected] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
const fields = {eventVersion: 'VARCHAR', eventTime: 'VARCHAR', eventSource: 'VARCHAR', eventName: 'VARCHAR',
  awsRegion: 'VARCHAR', sourceIPAddress: 'VARCHAR', userAgent: 'VARCHAR', errorCode: 'VARCHAR',
  errorMessage: 'VARCHAR', userIdentity: 'JSON', requestParameters: 'JSON', responseElements: 'JSON',
  additionalEventData: 'JSON', resources: 'JSON', tlsDetails: 'JSON', eventID: 'VARCHAR', requestID: 'VARCHAR',
  recipientAccountId: 'VARCHAR', readOnly: 'BOOLEAN', eventType: 'VARCHAR', managementEvent: 'BOOLEAN',
  eventCategory: 'VARCHAR'};
const struct = Object.entries(fields).map(([k, t]) => `${k} ${t}`).join(', ');
const cols = Object.keys(fields).map((k) => `r.${k}`).join(', ');
await con.run(`CREATE TABLE ct AS SELECT ${cols}
  FROM (SELECT unnest(Records) AS r FROM read_json('${corpus}/**/*.json.gz', columns = {Records: 'STRUCT(${struct})[]'}))`);
const n = (await con.runAndReadAll('SELECT count(*)::BIGINT FROM ct')).getRows()[0][0].toString();
console.log(n);
if (n !== expected) {
  console.error(`duckdb: ${n} rows, expected ${expected}`);
  process.exit(1);
}
EOF2
	rm -f "$DDB" "$DDB.wal"
	if measure node "$WORK/duckdb-cloudtrail-full.mjs" "$CORPUS" "$DDB" "$N" >"$WORK/.duck.out" 2>&1; then
		read -r n <"$WORK/.duck.out"
		row "DuckDB read_json, 22 fields" "$SECS" "$RSS_MB" "$n" "the fields ctscan keeps, bodies as JSON; no index" "$CPU_SECS"
	else
		skip "DuckDB (22 fields)" "failed: $(grep -m1 -i error "$WORK/.duck.out" || tail -1 "$WORK/.duck.out")"
	fi
else
	skip "DuckDB" "node/npm missing or npm install @duckdb/node-api failed"
fi

row "${FLOOR[@]}"
print_table

# ---- alternated rounds ---------------------------------------------------------
median() { tr ' ' '\n' | grep -v '^-*$' | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
if [ "$ROUNDS" -gt 0 ] && [ -n "${DB:-}" ] && [ -n "${DDB:-}" ]; then
	echo
	echo "alternated rounds: a fresh ctscan ingest, DuckDB 22 fields, DuckDB 5 columns (seconds, then"
	echo "CPU seconds of the ctscan and DuckDB 22-field runs: user + system, all threads)"
	printf '%-6s %9s %9s %9s %14s %13s %10s %10s %14s\n' round ctscan duck22 duck5 ctscan/duck22 ctscan/duck5 \
		'ctscan cpu' 'duck22 cpu' 'cpu ctscan/22'
	C= D22= D5= CC= CD22=
	for r in $(seq "$ROUNDS"); do
		rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
		measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>/dev/null || SECS=- CPU_SECS=-
		c=$SECS cc=$CPU_SECS
		rm -f "$DDB" "$DDB.wal"
		measure node "$WORK/duckdb-cloudtrail-full.mjs" "$CORPUS" "$DDB" "$N" >/dev/null 2>&1 || SECS=- CPU_SECS=-
		d22=$SECS cd22=$CPU_SECS
		rm -f "$DDB" "$DDB.wal"
		measure node "$WORK/duckdb-cloudtrail.mjs" "$CORPUS" "$DDB" "$N" >/dev/null 2>&1 || SECS=-
		d5=$SECS
		C="$C $c" D22="$D22 $d22" D5="$D5 $d5" CC="$CC $cc" CD22="$CD22 $cd22"
		printf '%-6s %9s %9s %9s %14s %13s %10s %10s %14s\n' "$r" "$c" "$d22" "$d5" "$(ratio "$c" "$d22")" \
			"$(ratio "$c" "$d5")" "$cc" "$cd22" "$(ratio "$cc" "$cd22")"
	done
	mc=$(echo "$C" | median) m22=$(echo "$D22" | median) m5=$(echo "$D5" | median)
	mcc=$(echo "$CC" | median) mcd=$(echo "$CD22" | median)
	printf '%-6s %9s %9s %9s %14s %13s %10s %10s %14s\n' median "$mc" "$m22" "$m5" "$(ratio "$mc" "$m22")" \
		"$(ratio "$mc" "$m5")" "$mcc" "$mcd" "$(ratio "$mcc" "$mcd")"
fi
