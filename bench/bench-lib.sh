# bench-lib.sh: helpers shared by bench-ingest.sh and bench-flows.sh (sourced, not run).
#
# The caller sets WORK (absolute), HERE (the bench/ directory) and ROOT (the
# repository) before sourcing, and uses:
#   build_gen NAME               compile bench/NAME.c into $WORK/NAME if it is missing or stale
#   need_apt CMD PKG             make CMD available (apt-get install PKG), or return 1
#   need_duckdb                  npm install @duckdb/node-api into $WORK, or return 1
#   measure CMD...               run CMD under /usr/bin/time; sets SECS, CPU_SECS (user +
#                                system, all threads) and RSS_MB
#   row TOOL SECS RSS ROWS NOTE [CPU]  add a line to the result table
#   skip TOOL WHY                add a "skipped" line
#   print_table                  print the table with the ratio to ctscan's time

CFLAGS_BENCH=(-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes)
ROWS=()
CTSCAN_SECS=

say() { printf '%s\n' "$*" >&2; }

build_gen() {
	local name=$1 src=$HERE/$1.c bin=$WORK/$1
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		say "building $name"
		"${CC:-cc}" "${CFLAGS_BENCH[@]}" -o "$bin" "$src" -lz
	fi
}

# apt-get needs root and a reachable mirror; either may be missing, which is not an error
apt_install() {
	[ "$(id -u)" = 0 ] || return 1
	if ! apt-get install -y -q "$@" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || return 1
		apt-get install -y -q "$@" >/dev/null 2>&1 || return 1
	fi
}

need_apt() {
	command -v "$1" >/dev/null 2>&1 && return 0
	say "installing $2"
	apt_install "$2" || true
	command -v "$1" >/dev/null 2>&1
}

need_duckdb() {
	command -v node >/dev/null 2>&1 || need_apt node nodejs || return 1
	[ -d "$WORK/node_modules/@duckdb/node-api" ] && return 0
	command -v npm >/dev/null 2>&1 || need_apt npm npm || return 1
	say "installing @duckdb/node-api into $WORK/node_modules"
	(cd "$WORK" && npm install --no-audit --no-fund --silent @duckdb/node-api >/dev/null 2>&1) || return 1
	[ -d "$WORK/node_modules/@duckdb/node-api" ]
}

# /usr/bin/time reports the largest resident set of the command or any of
# its children (for a pipeline run through bash -c: its biggest stage)
measure() {
	local tf=$WORK/.time
	SECS=
	CPU_SECS=
	RSS_MB=
	/usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" || return 1
	local user sys
	read -r SECS RSS_KB user sys <"$tf"
	RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.0f", k / 1024 }')
	CPU_SECS=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

SEP=$'\x1f' # fields of a ROWS entry; tool names contain '|'
row() { ROWS+=("$1$SEP$2$SEP$3$SEP$4$SEP$5$SEP${6:--}"); }
skip() { ROWS+=("$1$SEP-$SEP-$SEP-${SEP}skipped: $2$SEP-"); }

print_table() {
	printf '\n%-34s %9s %9s %9s %10s %9s  %s\n' tool seconds 'CPU s' 'RSS MB' rows 'vs ctscan' note
	printf '%-34s %9s %9s %9s %10s %9s  %s\n' ---- ------- ----- ------ ---- --------- ----
	local r tool secs rss rows note ratio cpu
	for r in "${ROWS[@]}"; do
		IFS=$SEP read -r tool secs rss rows note cpu <<<"$r"
		ratio=-
		if [ -n "$CTSCAN_SECS" ] && [ "$secs" != - ]; then
			ratio=$(awk -v a="$secs" -v b="$CTSCAN_SECS" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
		fi
		printf '%-34s %9s %9s %9s %10s %9s  %s\n' "$tool" "$secs" "$cpu" "$rss" "$rows" "$ratio" "$note"
	done
}

machine_line() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
	printf '%s, nproc %s, %s, load average %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "${cpu:-unknown CPU}" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
}

# size in bytes of FILE, 0 if absent
fsize() { if [ -e "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
