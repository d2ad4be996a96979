#!/usr/bin/env bash
# run.sh SECONDS [HARNESS...] - fuzzes each harness (all of them when none
# is named) for SECONDS, one after another, under `nice -n 19`, with its
# dictionary, its corpus and its -max_len, -timeout and -rss_limit_mb, then
# merges the inputs that found new coverage into tests/fuzz/corpus/HARNESS/.
#
# It configures build-fuzz/ (CC=clang, -Dfuzzing=true: libFuzzer,
# AddressSanitizer, UndefinedBehaviorSanitizer) on first use; FUZZ_BUILD
# names another directory.  Logs and crashes go to build-fuzz/fuzz-out/
# HARNESS/ (a crash, leak, timeout or out-of-memory input is saved as
# crash-*, leak-*, timeout-* or oom-* there); the last lines print each
# harness's executions and coverage (cov, ft) from libFuzzer's final
# stats.  Exit status 1 when any harness failed.
#
# A crash found this way is fixed, then its input is committed as
# tests/fuzz/corpus/HARNESS/regress-WHAT, which `meson test --suite fuzz`
# replays on every build.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage() { echo "usage: tests/fuzz/run.sh SECONDS [HARNESS...]" >&2; exit 2; }
[ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] || usage
secs=$1
shift
all=(cloudtrail gzip flowlog flowformat rule time cidr json)
if [ $# -gt 0 ]; then harnesses=("$@"); else harnesses=("${all[@]}"); fi
bdir=${FUZZ_BUILD:-$root/build-fuzz}

if [ ! -f "$bdir/build.ninja" ]; then
	CC=clang meson setup "$bdir" "$root" -Dfuzzing=true >/dev/null || exit 1
fi
ninja -C "$bdir" >/dev/null || { ninja -C "$bdir"; exit 1; }

# HARNESS -> dictionary and largest input
settings() {
	case $1 in
	cloudtrail) dict=cloudtrail maxlen=65536 ;;
	gzip) dict=cloudtrail maxlen=65536 ;;
	json) dict=cloudtrail maxlen=16384 ;;
	flowlog) dict=flowlog maxlen=70000 ;; # past the 64 KiB line limit
	flowformat) dict=flowlog maxlen=8192 ;;
	rule) dict=rule maxlen=16384 ;;
	time) dict=time maxlen=128 ;;
	cidr) dict=cidr maxlen=128 ;;
	*) echo "run.sh: no harness '$1' (one of: ${all[*]})" >&2; exit 2 ;;
	esac
}

# AddressSanitizer's allocator hands freed memory back to the kernel with
# madvise; on a loaded machine one such call has stalled for over ten
# seconds and libFuzzer took it for a hang in ctscan (twice, with inputs
# that run in milliseconds).  Keep the memory instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_release_to_os_interval_ms=-1}
status=0
summary=()
for h in "${harnesses[@]}"; do
	settings "$h"
	bin=$bdir/tests/fuzz/fuzz-$h
	out=$bdir/fuzz-out/$h
	corpus=$here/corpus/$h
	rm -rf "$out/new"
	mkdir -p "$out/new" "$out/old" "$corpus"
	# crashes of earlier runs stay, out of the way
	for f in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* "$out"/slow-unit-*; do
		[ -e "$f" ] && mv "$f" "$out/old/"
	done
	echo "== $h: ${secs}s"
	start=$(date +%s)
	nice -n 19 "$bin" -max_total_time="$secs" -dict="$here/$dict.dict" -max_len="$maxlen" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" \
		"$out/new" "$corpus" >"$out/fuzz.log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	# keep what found new coverage
	nice -n 19 "$bin" -merge=1 -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
		"$corpus" "$out/new" >"$out/merge.log" 2>&1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$out/fuzz.log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	added=$(sed -n 's/.*MERGE-OUTER: \([0-9]*\) new files.*/\1/p' "$out/merge.log" | tail -1)
	found=$(cd "$out" && ls -d crash-* leak-* timeout-* oom-* slow-unit-* 2>/dev/null | tr '\n' ' ')
	line="$h: ${took}s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus +${added:-0} files"
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		line="$line, FAILED (exit $rc) ${found}: see $out/fuzz.log"
		status=1
	fi
	echo "$line"
	summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"
