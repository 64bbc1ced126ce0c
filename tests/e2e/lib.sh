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
[ -n "${KQLC_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

ok() { echo "ok $*"; }
skip() { echo "skip $*"; }
not_ok() {
    echo "not ok $1"
    shift
    for line in "$@"; do
        echo "    $line"
    done
}

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
