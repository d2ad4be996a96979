#!/usr/bin/env bash
# bench-flows.sh: ctscan ingest of VPC Flow Logs beside DuckDB read_csv, on
# one generated corpus, in one run.
#
#   bench/bench-flows.sh [-n FLOWS] [-s SEED] [-f v2|v5] WORKDIR
#
# WORKDIR keeps the generator, the corpus (reused while N, the seed, the
# field set and the generator source are unchanged), the indexes and
# node_modules.  $CTSCAN names the binary (default build/cmd/ctscan in this
# repository).  ctscan is reported skipped if its ingest adds no flows.
set -euo pipefail

usage() {
	echo "usage: bench/bench-flows.sh [-n FLOWS] [-s SEED] [-f v2|v5] WORKDIR"
}

N=1000000
SEED=1
FIELDS=v2
while getopts n:s:f:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	s) SEED=$OPTARG ;;
	f) FIELDS=$OPTARG ;;
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
CORPUS=$WORK/flow-corpus-$FIELDS
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

# ---- the corpus, generated once --------------------------------------------
build_gen gen-vpcflow
stamp="n=$N seed=$SEED fields=$FIELDS gen=$(cksum <"$HERE/gen-vpcflow.c" | cut -d' ' -f1)"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$CORPUS" "$CORPUS.stamp"
	say "generating $N flow records ($FIELDS) into $CORPUS"
	"$WORK/gen-vpcflow" -n "$N" -s "$SEED" --fields "$FIELDS" "$CORPUS"
	echo "$stamp" >"$CORPUS.stamp"
fi
NFILES=$(find "$CORPUS" -name '*.log.gz' | wc -l)
GZBYTES=$(find "$CORPUS" -name '*.log.gz' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

echo "ctscan flow ingest benchmark: $(machine_line)"
echo "corpus: $N flow records ($FIELDS fields, seed $SEED) in $NFILES .log.gz files, $GZBYTES bytes compressed"

# ---- the floor ------------------------------------------------------------------
measure bash -c "find '$CORPUS' -name '*.log.gz' -print0 | xargs -0 zcat | wc -c >'$WORK/.rawbytes'"
RAWBYTES=$(cat "$WORK/.rawbytes")
FLOOR=("zcat | wc -c (floor)" "$SECS" "$RSS_MB" - "$RAWBYTES bytes of text" "$CPU_SECS")
echo "uncompressed text: $RAWBYTES bytes ($(awk -v r="$RAWBYTES" -v n="$N" 'BEGIN { printf "%.0f", r / n }') bytes/record)"

# ---- ctscan ingest, then again ---------------------------------------------------
if [ -x "$CTSCAN" ]; then
	DB=$WORK/flows.db
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
	if measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>"$WORK/.ctscan.err"; then
		secs=$SECS rss=$RSS_MB cpu=$CPU_SECS
		added=$(sed -n 's/.* \([0-9][0-9]*\) flows added.*/\1/p' "$WORK/.ctscan.err" | tail -1)
		if command -v sqlite3 >/dev/null 2>&1; then
			added=$(sqlite3 "$DB" 'select count(*) from flows' 2>/dev/null || echo 0)
		fi
		if [ "${added:-0}" = 0 ]; then
			skip "ctscan ingest" "flows not supported yet (the ingest added no flows)"
		else
			CTSCAN_SECS=$secs
			size=$(($(fsize "$DB") + $(fsize "$DB-wal")))
			pct=$(awk -v s="$size" -v r="$RAWBYTES" 'BEGIN { printf "%.1f", 100 * s / r }')
			row "ctscan ingest" "$secs" "$rss" "$added" "index $size bytes (db+wal) = $pct% of the text" "$cpu"
			if measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>"$WORK/.ctscan2.err"; then
				again=$(sed -n 's/.* \([0-9][0-9]*\) flows added.*/\1/p' "$WORK/.ctscan2.err" | tail -1)
				row "ctscan ingest again (no change)" "$SECS" "$RSS_MB" "${again:-?}" "every file already in the index" "$CPU_SECS"
			else
				skip "ctscan ingest again" "failed: $(tail -1 "$WORK/.ctscan2.err")"
			fi
		fi
	else
		skip "ctscan ingest" "failed: $(tail -1 "$WORK/.ctscan.err")"
	fi
else
	skip "ctscan ingest" "no binary at $CTSCAN (build it, or set CTSCAN)"
fi

# ---- DuckDB read_csv through @duckdb/node-api -------------------------------------
if need_duckdb; then
	cat >"$WORK/duckdb-flows.mjs" <<'EOF'
// node duckdb-flows.mjs CORPUS DB EXPECTED FIELDS MODE: every record into a table, count printed.
// MODE sniff: read_csv detects the dialect and types of every file itself.
// MODE typed: the columns and their types are given and detection is off.
import { DuckDBInstance } from '@duckdb/node-api';
const [corpus, db, expected, fields, mode] = process.argv.slice(2);
const types = {
  'version': 'INTEGER', 'account-id': 'VARCHAR', 'interface-id': 'VARCHAR', 'srcaddr': 'VARCHAR',
  'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER',
  'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR',
  'log-status': 'VARCHAR', 'vpc-id': 'VARCHAR', 'subnet-id': 'VARCHAR', 'instance-id': 'VARCHAR',
  'tcp-flags': 'INTEGER', 'type': 'VARCHAR', 'pkt-srcaddr': 'VARCHAR', 'pkt-dstaddr': 'VARCHAR',
  'region': 'VARCHAR', 'az-id': 'VARCHAR', 'sublocation-type': 'VARCHAR', 'sublocation-id': 'VARCHAR',
  'pkt-src-aws-service': 'VARCHAR', 'pkt-dst-aws-service': 'VARCHAR', 'flow-direction': 'VARCHAR',
  'traffic-path': 'INTEGER',
};
const names = Object.keys(types).slice(0, fields === 'v5' ? 29 : 14);
const cols = names.map((k) => `'${k}': '${types[k]}'`).join(', ');
const extra = mode === 'typed' ? `, auto_detect = false, columns = {${cols}}` : '';
const inst = await DuckDBInstance.create(db);
const con = await inst.connect();
await con.run(`CREATE TABLE flows AS SELECT * FROM read_csv('${corpus}/**/*.log.gz',
  delim = ' ', header = true, compression = 'gzip', nullstr = '-'${extra})`);
const n = (await con.runAndReadAll('SELECT count(*)::BIGINT FROM flows')).getRows()[0][0].toString();
const v = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
console.log(`${n} ${v}`);
if (n !== expected) {
  console.error(`duckdb: ${n} rows, expected ${expected}`);
  process.exit(1);
}
EOF
	DDB=$WORK/duckdb-flows.db
	for mode in sniff typed; do
		rm -f "$DDB" "$DDB.wal"
		if measure node "$WORK/duckdb-flows.mjs" "$CORPUS" "$DDB" "$N" "$FIELDS" $mode >"$WORK/.duck.out" 2>&1; then
			read -r n v <"$WORK/.duck.out"
			if [ $mode = sniff ]; then
				row "DuckDB read_csv (node-api)" "$SECS" "$RSS_MB" "$n" "DuckDB $v, whole node process, table in a file" "$CPU_SECS"
			else
				row "DuckDB read_csv, columns given" "$SECS" "$RSS_MB" "$n" "the same with auto_detect = false and the column types named" "$CPU_SECS"
			fi
		else
			skip "DuckDB ($mode)" "failed: $(grep -m1 -i error "$WORK/.duck.out" || tail -1 "$WORK/.duck.out")"
		fi
	done
else
	skip "DuckDB" "node/npm missing or npm install @duckdb/node-api failed"
fi

row "${FLOOR[@]}"
print_table
