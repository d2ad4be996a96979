# sh-lib.sh - sourced by the shell tests (crash.sh, scale.sh): a scratch
# directory $work removed at exit, the C locale and UTC, and the pass and
# fail counters (ok; bad MESSAGE).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC NO_COLOR=1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
