#!/usr/bin/env bash
# bench-detect.sh: the detection library over a generated CloudTrail corpus
# with planted attacks: how long it takes, which attacks it finds, and what
# the benign background raises.
#
#   bench/bench-detect.sh [-n EVENTS] [-s SEED] WORKDIR
#
# WORKDIR keeps the generator, the corpus (reused while N, the seed and the
# generator source are unchanged), the index, the findings and the profile.
# $CTSCAN names the binary (default build/cmd/ctscan in this repository).
# Exits 1 when a planted attack is missed or the background has a high or
# critical finding.
set -euo pipefail

usage() {
	echo "usage: bench/bench-detect.sh [-n EVENTS] [-s SEED] WORKDIR"
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
CORPUS=$WORK/ct-attacks
DB=$WORK/ct-attacks.db
FINDINGS=$WORK/findings.ndjson
PROFILE=$WORK/profile.txt
# shellcheck source=bench/bench-lib.sh
. "$HERE/bench-lib.sh"

if [ ! -x "$CTSCAN" ]; then
	say "no ctscan binary at $CTSCAN (build it, or set CTSCAN)"
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	say "python3 is needed for the evaluation"
	exit 2
fi

# ---- the corpus, generated once --------------------------------------------
build_gen gen-cloudtrail
stamp="n=$N seed=$SEED attacks gen=$(cksum <"$HERE/gen-cloudtrail.c" | cut -d' ' -f1)"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$CORPUS" "$CORPUS.stamp"
	say "generating $N events with planted attacks into $CORPUS"
	"$WORK/gen-cloudtrail" -n "$N" -s "$SEED" --attacks "$CORPUS"
	echo "$stamp" >"$CORPUS.stamp"
fi
NFILES=$(find "$CORPUS/" -name '*.json.gz' | wc -l)

echo "ctscan detect benchmark: $(machine_line)"
echo "corpus: $N CloudTrail events (seed $SEED, --attacks) in $NFILES .json.gz files"

# ---- ingest into a new index, then the whole library -------------------------
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
if ! measure "$CTSCAN" ingest -q -d "$DB" "$CORPUS" 2>"$WORK/.ingest.err"; then
	say "ctscan ingest failed: $(tail -1 "$WORK/.ingest.err")"
	exit 2
fi
added=$(sed -n 's/.* \([0-9][0-9]*\) events added.*/\1/p' "$WORK/.ingest.err" | tail -1)
row "ctscan ingest" "$SECS" "$RSS_MB" "${added:-?}" "events, into a new index" "$CPU_SECS"

# exit 1 only means findings at --fail-on, which is not given: anything else is a failure
rc=0
measure "$CTSCAN" detect -d "$DB" -o ndjson --profile >"$FINDINGS" 2>"$PROFILE" || rc=$?
if [ "$rc" -ne 0 ] || [ -z "$SECS" ]; then
	say "ctscan detect failed (exit $rc):"
	grep -v '^profile:' "$PROFILE" >&2 || true
	exit 2
fi
CTSCAN_SECS=$SECS
nrules=$(grep -c '^profile:.* ct_\|^profile:.* vpc_' "$PROFILE" || true)
row "ctscan detect (whole library)" "$SECS" "$RSS_MB" "$(wc -l <"$FINDINGS")" "findings, $nrules rules, first run over the index, --profile" "$CPU_SECS"
# a second run starts the slowest rules first (their times from the first run are in the index)
if measure "$CTSCAN" detect -q -d "$DB" -o ndjson >/dev/null 2>&1; then
	row "ctscan detect again" "$SECS" "$RSS_MB" "-" "the slowest rules first, from the first run's times" "$CPU_SECS"
fi
print_table

echo
echo "slowest rules (of $nrules; the whole profile is in $PROFILE):"
grep '^profile:' "$PROFILE" | sort -k2,2 -g -r | sed -n '1,10s/^profile: */  /p'

# ---- evaluation: planted attacks found, background noise --------------------
echo
python3 - "$CORPUS/ATTACKS.md" "$FINDINGS" <<'EOF'
# An attack is found when a finding's evidence holds one of its eventIDs;
# a finding whose evidence holds none is background.
import json, re, sys
from collections import Counter

attacks = []  # (title, set of event ids)
for line in open(sys.argv[1], encoding='utf-8'):
    m = re.match(r'## (\d+\. .*)', line)
    if m:
        attacks.append((m.group(1).strip(), set()))
        continue
    m = re.match(r'\|\s*\d{4}-\S+\s*\|[^|]*\|\s*([0-9a-f-]{36})\s*\|', line)
    if m and attacks:
        attacks[-1][1].add(m.group(1))
planted = set().union(*(ids for _, ids in attacks)) if attacks else set()

findings = [json.loads(l) for l in open(sys.argv[2], encoding='utf-8') if l.strip()]
found = {t: set() for t, _ in attacks}
noise, quiet = [], Counter()
for f in findings:
    ev = f.get('evidence') or []
    if isinstance(ev, str):
        ev = json.loads(ev)
    ev = set(ev)
    hit = False
    for t, ids in attacks:
        if ev & ids:
            found[t].add(f['rule_id'])
            hit = True
    if hit:
        continue
    if f['severity'] in ('high', 'critical'):
        noise.append(f)
    else:
        quiet[(f['severity'], f['rule_id'])] += 1

missed = 0
print('%-78s %-6s  %s' % ('planted attack', 'result', 'rules'))
print('%-78s %-6s  %s' % ('--------------', '------', '-----'))
for t, ids in attacks:
    rules = sorted(found[t])
    missed += not rules
    print('%-78s %-6s  %s' % (t[:78], 'FOUND' if rules else 'MISSED', ', '.join(rules) or '-'))
print()
print('background: %d findings without a planted event, %d high or critical'
      % (len(noise) + sum(quiet.values()), len(noise)))
for f in sorted(noise, key=lambda f: (f['rule_id'], f['first_time'])):
    print('  NOISE %-8s %s %s: %s' % (f['severity'], f['rule_id'], f['first_time'], f['summary'][:160]))
if quiet:
    print('  below high: ' + ', '.join('%s %s %d' % (r, s, n) for (s, r), n in
                                       sorted(quiet.items(), key=lambda kv: (-kv[1], kv[0][1]))))
print()
print('%d of %d planted attacks found, %d high or critical background findings: %s'
      % (len(attacks) - missed, len(attacks), len(noise), 'PASS' if not missed and not noise else 'FAIL'))
sys.exit(1 if missed or noise or not attacks else 0)
EOF
