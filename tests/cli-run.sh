#!/usr/bin/env bash
# cli-run.sh - runs ctscan's CLI golden cases (tests/cli/*.t).
#
# A .t file is a sequence of cases separated by blank lines:
#   # a comment
#   $ ctscan ingest -d idx.db "$TESTDATA/cloudtrail/basic.json"
#   ? 3                      expected exit status (default 0)
#   > a line of stdout       exact
#   >~ a glob pattern        a line of stdout matching the pattern
#   ! a line of stderr       exact
#   !~ a glob pattern        a line of stderr matching the pattern
#   >...                     (alone) ignore the rest of stdout
# A case expects exactly the lines it lists (none listed: empty output).
# Commands run in bash, in one scratch directory per .t file, with ctscan
# on PATH, $TESTDATA pointing at testdata/, and LC_ALL=C TZ=UTC NO_COLOR=1.
#
# With CT_VALGRIND=1 every ctscan runs under valgrind (memcheck, full leak
# check; PCRE2's JIT off, since memcheck takes its read-ahead for invalid
# reads); its reports go to log files, and a run with an invalid access or
# a definite leak counts as one more failure:
#   CT_VALGRIND=1 meson test -C build --suite cli --timeout-multiplier 20
set -u
[ $# -ge 1 ] || { echo "usage: cli-run.sh FILE.t..." >&2; exit 2; }
: "${CTSCAN:?set CTSCAN to the ctscan binary}"
: "${TESTDATA:?set TESTDATA to the testdata directory}"
export LC_ALL=C TZ=UTC NO_COLOR=1
unset CTSCAN_DB COLUMNS
bindir=$(mktemp -d)
if [ "${CT_VALGRIND:-}" = 1 ]; then
	mkdir "$bindir/vg"
	printf '#!/bin/sh\nCTSCAN_NO_JIT=1 exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file="%s/vg/%%p.log" "%s" "$@"\n' \
		"$bindir" "$(realpath "$CTSCAN")" >"$bindir/ctscan"
	chmod +x "$bindir/ctscan"
else
	ln -s "$(realpath "$CTSCAN")" "$bindir/ctscan"
fi
export PATH="$bindir:$PATH" TESTDATA=$(realpath "$TESTDATA")
pass=0 fail=0

# match EXPECTED-LINES-FILE ACTUAL-FILE: 0 when every line matches
match() {
	local exp=$1 act=$2 i=0 e a
	mapfile -t E <"$exp"
	mapfile -t A <"$act"
	local n=${#E[@]}
	if [ "$n" -gt 0 ] && [ "${E[$((n - 1))]}" = "..." ]; then
		n=$((n - 1))
		[ "${#A[@]}" -ge "$n" ] || return 1
	else
		[ "${#A[@]}" -eq "$n" ] || return 1
	fi
	for ((i = 0; i < n; i++)); do
		e=${E[$i]} a=${A[$i]}
		if [ "${e:0:2}" = "~ " ]; then
			# shellcheck disable=SC2053
			[[ "$a" == ${e:2} ]] || return 1
		else
			[ "$a" = "${e:2}" ] || return 1
		fi
	done
	return 0
}

run_case() {
	local file=$1 line=$2 cmd=$3 code=$4
	(cd "$work" && bash -c "$cmd" >"$work/.out" 2>"$work/.err")
	local got=$?
	if [ "$got" -eq "$code" ] && match "$work/.eout" "$work/.out" && match "$work/.eerr" "$work/.err"; then
		pass=$((pass + 1))
		return
	fi
	fail=$((fail + 1))
	echo "FAIL $file:$line: \$ $cmd"
	[ "$got" -eq "$code" ] || echo "  exit status $got, expected $code"
	echo "  --- expected stdout / got:"; sed 's/^/  | /' "$work/.eout"; sed 's/^/  > /' "$work/.out"
	echo "  --- expected stderr / got:"; sed 's/^/  | /' "$work/.eerr"; sed 's/^/  > /' "$work/.err"
}

for t in "$@"; do
	work=$(mktemp -d)
	cmd="" code=0 start=0 n=0
	: >"$work/.eout"; : >"$work/.eerr"
	while IFS= read -r l || [ -n "$l" ]; do
		n=$((n + 1))
		case "$l" in
		'$ '*) cmd=${l:2} start=$n ;;
		'? '*) code=${l:2} ;;
		'>~ '*) printf '~ %s\n' "${l:3}" >>"$work/.eout" ;;
		'>...') printf '...\n' >>"$work/.eout" ;;
		'> '* | '>') printf '= %s\n' "${l:2}" >>"$work/.eout" ;;
		'!~ '*) printf '~ %s\n' "${l:3}" >>"$work/.eerr" ;;
		'!...') printf '...\n' >>"$work/.eerr" ;;
		'! '* | '!') printf '= %s\n' "${l:2}" >>"$work/.eerr" ;;
		'#'*) ;;
		'')
			if [ -n "$cmd" ]; then run_case "$t" "$start" "$cmd" "$code"; fi
			cmd="" code=0
			: >"$work/.eout"; : >"$work/.eerr" ;;
		*) echo "$t:$n: cannot parse: $l"; fail=$((fail + 1)) ;;
		esac
	done <"$t"
	if [ -n "$cmd" ]; then run_case "$t" "$start" "$cmd" "$code"; fi
	rm -rf "$work"
done
if [ "${CT_VALGRIND:-}" = 1 ]; then
	for f in "$bindir"/vg/*.log; do
		[ -s "$f" ] || continue
		fail=$((fail + 1))
		echo "FAIL valgrind:"
		sed 's/^/  /' "$f"
	done
fi
rm -rf "$bindir"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
