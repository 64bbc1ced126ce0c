# tests/e2e/lib.sh - shared by the end-to-end scripts (sourced).
#
# Each script prints one line per check: 'ok NAME', 'not ok NAME' (then
# details indented), or 'skip NAME: why'.  tests/run.sh counts them.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The build tested: bin/ and build/, or those KQLC_BIN and KQLC_BUILD name
# in the tree (make asan-test's bin-asan/ and build-asan/).
BUILD_DIR="$ROOT/${KQLC_BUILD:-build}"
KQLC="$ROOT/${KQLC_BIN:-bin}/kqlc"
SHARED=${KQLC_SHARED:-$ROOT/../shared}
PORT26_RULE="$ROOT/rules/command_and_control_smtp_to_the_internet_port_26.toml"
# A private directory per run, so runs side by side never collide; kept
# for inspection when KQLC_KEEP is set.
mkdir -p "$BUILD_DIR/e2e"
WORK=$(mktemp -d "$BUILD_DIR/e2e/$(basename "$0" .sh).XXXXXX")

ok() { echo "ok $*"; }
skip() { echo "skip $*"; }
not_ok() {
    echo "not ok $1"
    shift
    for line in "$@"; do
        echo "    $line"
    done
}

# gcc's UBSan is a runtime apart from ASan's and writes its reports to
# standard error whatever log_path says (tests/run.sh collects ASan's):
# under make asan-test, a report that a check kept in a file of $WORK
# fails here.  (Each one also aborted its program.)
ubsan_reports() {
    grep -rlE '^[^ ]+:[0-9]+:[0-9]+: runtime error: ' "$WORK" 2>/dev/null \
        | while read -r f; do
            echo "not ok sanitizer: a UBSan report in ${f#"$WORK"/}"
            grep -E -A 12 '^[^ ]+:[0-9]+:[0-9]+: runtime error: ' "$f" \
                | head -n 40 | sed -e 's/^/    /'
        done
}

finish() {
    [ -z "${KQLC_SANITIZE:-}" ] || ubsan_reports
    [ -n "${KQLC_KEEP:-}" ] || rm -rf "$WORK"
}
trap finish EXIT

# ASan reserves terabytes of address space for its shadow memory, so no
# sanitized program starts under a limit on virtual memory: under make
# asan-test, 'ulimit -v KB' becomes ASan's limit on resident memory,
# which bounds what such a check means to bound.
if [ -n "${KQLC_SANITIZE:-}" ]; then
    ulimit() {
        if [ $# -eq 2 ] && [ "$1" = -v ]; then
            ulimit_mb=$((($2 + 1023) / 1024))
            ASAN_OPTIONS="${ASAN_OPTIONS:-}:hard_rss_limit_mb=$ulimit_mb"
            export ASAN_OPTIONS
        else
            command ulimit "$@"
        fi
    }
fi

# check NAME EXPECTED ACTUAL: compare two strings.
check() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "expected: $(printf '%s' "$2" | head -c 400)" \
            "actual:   $(printf '%s' "$3" | head -c 400)"
    fi
}

# check_files NAME EXPECTED_FILE ACTUAL_FILE
check_files() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        not_ok "$1" "$(diff "$2" "$3" | head -n 10)"
    fi
}

# expect_status NAME STATUS CMD...: run CMD, check its exit status.
expect_status() {
    name=$1
    want=$2
    shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" = "$want" ]; then
        ok "$name (exit $want)"
    else
        not_ok "$name (exit $want)" "exit $got" "$(head -n 5 "$WORK/err")"
    fi
}

# expect_err NAME TEXT: the last command's stderr holds TEXT.
expect_err() {
    if grep -qF -- "$2" "$WORK/err"; then
        ok "$1"
    else
        not_ok "$1" "stderr lacks: $2" "$(head -n 6 "$WORK/err")"
    fi
}

# expect_in NAME FILE TEXT: FILE holds the line TEXT.
expect_in() {
    if grep -qxF -- "$3" "$2"; then
        ok "$1"
    else
        not_ok "$1" "lacks: $3" "$(head -n 6 "$2")"
    fi
}

# events_malformed FILE: 'E events M malformed' from a run's summary.
events_malformed() {
    sed -n 's/.* \([0-9]*\) events.* \([0-9]*\) malformed.*/\1 events \2 malformed/p' \
        "$1"
}

# expect_lines QUERY LINES [MAPPING]: the lines (space-separated) the
# query matches in $EVENTS, on the detector, the JIT and the interpreter;
# MAPPING (default $MAPPING) is given to kqlc when set.
expect_lines() {
    n=$((${n:-0} + 1))
    det="$WORK/det$n"
    map=${3-$MAPPING}
    set -- "$1" "$2" ${map:+--mapping "$map"}
    q=$1
    want=$2
    shift 2
    if ! "$KQLC" build "$@" --query "$q" -o "$det" 2>"$WORK/build.err"
    then
        not_ok "$q: builds" "$(head -n 3 "$WORK/build.err")"
        return
    fi
    "$det" --quiet --format lines "$EVENTS" >"$WORK/out$n" 2>&1
    for engine in jit interp; do
        "$KQLC" run --engine $engine "$@" --query "$q" --quiet \
            --format lines "$EVENTS" >"$WORK/out$n.$engine" \
            2>"$WORK/out$n.$engine.err"
        check_files "$q: $engine gives the native detector's output" \
            "$WORK/out$n" "$WORK/out$n.$engine"
    done
    check "$q: matches lines $want" "$want" \
        "$(tr '\n' ' ' <"$WORK/out$n" | sed 's/ $//')"
}

# have_shared: true when ../shared is there; else report a skip.
have_shared() {
    if [ -d "$SHARED/datasets" ]; then
        return 0
    fi
    skip "$1: $SHARED is absent"
    return 1
}

# engines_run NAME OUT RULE DET ARGS...: run the built detector DET, and
# 'kqlc run' with the JIT and the interpreter on RULE (a rule file, or
# '--query KQL'), each with ARGS; the native output goes to OUT and the
# other two must be byte-identical to it (one check each).
engines_run() {
    name=$1
    out=$2
    rule=$3
    det=$4
    shift 4
    "$det" "$@" >"$out" 2>"$out.err"
    for engine in jit interp; do
        case $rule in
        --query=*) "$KQLC" run --engine $engine --query "${rule#--query=}" \
                       "$@" >"$out.$engine" 2>"$out.$engine.err" ;;
        *) "$KQLC" run --engine $engine "$rule" "$@" >"$out.$engine" \
               2>"$out.$engine.err" ;;
        esac
        if cmp -s "$out" "$out.$engine"; then
            ok "$name: $engine gives the native detector's output"
        else
            not_ok "$name: $engine gives the native detector's output" \
                "$(diff "$out" "$out.$engine" | head -n 6)" \
                "$(head -n 3 "$out.$engine.err")"
        fi
    done
}
