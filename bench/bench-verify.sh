#!/usr/bin/env bash
# bench-verify.sh: ctscan verify beside `zcat | sha256sum` over the same
# CloudTrail corpus and its digest files, in one run.
#
#   bench/bench-verify.sh [-n EVENTS] [-s SEED] WORKDIR
#
# The corpus is bench-ingest.sh's (WORKDIR/ct-corpus, generated here when
# missing or stale); bench/gen-digests.py signs hourly digests for it into
# WORKDIR/ct-digests with a key of its own (made once).  Both are reused
# while N, the seed and the generators are unchanged.  $CTSCAN names the
# binary (default build/cmd/ctscan in this repository).
set -euo pipefail

usage() {
	echo "usage: bench/bench-verify.sh [-n EVENTS] [-s SEED] WORKDIR"
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
DIGESTS=$WORK/ct-digests
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

build_gen gen-cloudtrail
stamp="n=$N seed=$SEED gen=$(cksum <"$HERE/gen-cloudtrail.c" | cut -d' ' -f1)"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$CORPUS" "$CORPUS.stamp" "$DIGESTS" "$DIGESTS.stamp"
	say "generating $N events into $CORPUS"
	"$WORK/gen-cloudtrail" -n "$N" -s "$SEED" "$CORPUS"
	echo "$stamp" >"$CORPUS.stamp"
fi
dstamp="$stamp digests=$(cksum <"$HERE/gen-digests.py" | cut -d' ' -f1)"
if [ "$(cat "$DIGESTS.stamp" 2>/dev/null || true)" != "$dstamp" ]; then
	rm -rf "$DIGESTS/AWSLogs"
	say "signing digests for $CORPUS into $DIGESTS"
	python3 "$HERE/gen-digests.py" "$CORPUS" "$DIGESTS"
	echo "$dstamp" >"$DIGESTS.stamp"
fi
NFILES=$(find "$CORPUS" -name '*.json.gz' | wc -l)
NDIG=$(find "$DIGESTS" -name '*CloudTrail-Digest*.json.gz' | wc -l)
GZBYTES=$(find "$CORPUS" -name '*.json.gz' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

echo "ctscan verify benchmark: $(machine_line)"
echo "corpus: $N CloudTrail events (seed $SEED) in $NFILES log files ($GZBYTES bytes compressed), $NDIG digest files"

# ---- ctscan verify, without an index: every log file inflated and hashed ----
if [ -x "$CTSCAN" ]; then
	if measure env CTSCAN_DB= "$CTSCAN" verify -q --keys "$DIGESTS/keys.json" \
		--signature-file "$DIGESTS/signatures.json" -o ndjson "$CORPUS" "$DIGESTS" >"$WORK/.verify.out" 2>"$WORK/.verify.err"; then
		CTSCAN_SECS=$SECS
		valid=$(grep -c '"status":"valid"' "$WORK/.verify.out" || true)
		other=$(grep -vc '"status":"valid"' "$WORK/.verify.out" || true)
		row "ctscan verify" "$SECS" "$RSS_MB" "$valid" "rows valid (logs + digests); $other rows not valid" "$CPU_SECS"
		if [ "$other" != 0 ]; then
			say "warning: ctscan verify reported rows that are not valid:"
			grep -v '"status":"valid"' "$WORK/.verify.out" | sed -n '1,5p' >&2
		fi
	else
		skip "ctscan verify" "failed (exit $?): $(tail -1 "$WORK/.verify.err")"
	fi
	if measure env CTSCAN_DB= "$CTSCAN" verify -q -j 1 --keys "$DIGESTS/keys.json" \
		--signature-file "$DIGESTS/signatures.json" -o ndjson "$CORPUS" "$DIGESTS" >/dev/null 2>"$WORK/.verify1.err"; then
		row "ctscan verify -j 1" "$SECS" "$RSS_MB" - "one thread" "$CPU_SECS"
	else
		skip "ctscan verify -j 1" "failed: $(tail -1 "$WORK/.verify1.err")"
	fi
else
	skip "ctscan verify" "no binary at $CTSCAN (build it, or set CTSCAN)"
fi

# ---- the floor --------------------------------------------------------------
measure bash -c "find '$CORPUS' -name '*.json.gz' -print0 | xargs -0 zcat | sha256sum >/dev/null"
row "zcat | sha256sum (one stream)" "$SECS" "$RSS_MB" - "every log file inflated and hashed as one stream" "$CPU_SECS"
print_table
