#!/bin/sh
# Run every test and end with the line 'N passed, N failed, N skipped'.
#
# Unit tests are cmocka programs in build/tests/; their own summary lines
# are counted.  End-to-end tests are the scripts tests/e2e/*.sh; each
# prints 'ok NAME', 'not ok NAME' or 'skip NAME: why' lines, TAP-like.
# Exit status 0 when nothing failed.
#
# KQLC_BUILD and KQLC_BIN name the build tested (build and bin, or
# make asan-test's build-asan and bin-asan).  With KQLC_SANITIZE set,
# every sanitized process (kqlc, the test programs, the detectors kqlc
# builds) writes its AddressSanitizer and LeakSanitizer reports to files
# of their own rather than to a standard error that a test may discard
# or not read.  A test whose processes left any, or whose output holds a
# UBSan report, fails once more; the reports are shown, then kept in
# $KQLC_BUILD/sanitizer/NAME/.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${KQLC_BUILD:-build}

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ -n "${KQLC_SANITIZE:-}" ]; then
    reports="$PWD/$build/sanitizer"
    rm -rf "$reports"
    mkdir -p "$reports/new"
    ASAN_OPTIONS="log_path=$reports/new/asan:detect_leaks=1"
    ASAN_OPTIONS="$ASAN_OPTIONS:check_initialization_order=1"
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_stack_use_after_return=1"
    UBSAN_OPTIONS="print_stacktrace=1"
    export ASAN_OPTIONS UBSAN_OPTIONS
fi

# The first line of a UBSan report.  gcc's UBSan is a runtime apart from
# ASan's and writes to standard error whatever log_path says: its reports
# are found in the output of a test (and, by tests/e2e/lib.sh, in the
# files where end-to-end checks keep a program's standard error).  With
# -fno-sanitize-recover, each also aborts its program.
ubsan_line='^[^ ]+:[0-9]+:[0-9]+: runtime error: '

# sanitizer_reports NAME: when the processes of test NAME left sanitizer
# reports (files, or UBSan's in its output), show them, keep them under
# NAME and count one failure.
sanitizer_reports() {
    [ -n "${KQLC_SANITIZE:-}" ] || return 0
    test_name=$1
    if grep -qE "$ubsan_line" "$log"; then
        cp "$log" "$reports/new/output-with-ubsan"
    fi
    set -- "$reports/new"/*
    [ -e "$1" ] || return 0
    failed=$((failed + 1))
    echo "FAIL $test_name: $# sanitizer report(s), kept in" \
        "$reports/$test_name"
    for r in "$@"; do
        echo "  $(basename "$r"):"
        if grep -qE "$ubsan_line" "$r"; then
            grep -E -A 40 "$ubsan_line" "$r"
        else
            cat "$r"
        fi | head -n 40 | sed -e 's/^/    /'
    done
    mkdir -p "$reports/$test_name"
    mv "$@" "$reports/$test_name/"
}

count_cmocka() {
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${s:-0}))
}

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    if "$t" >"$log" 2>&1; then
        status=0
    else
        status=$?
    fi
    count_cmocka
    if ! grep -q '^\[  PASSED  \]\|^\[  FAILED  \]' "$log"; then
        # The program died before cmocka could summarise: one failure.
        failed=$((failed + 1))
        echo "FAIL $name (exit $status, no summary)"
        tail -n 20 "$log"
    elif [ "$status" -ne 0 ]; then
        echo "FAIL $name"
        grep -E '^\[  (FAILED|ERROR)|^\[ *FAILED|Failure|error' "$log" \
            | head -n 40
    else
        echo "ok   $name"
    fi
    sanitizer_reports "$name"
done

for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    [ "$(basename "$t")" = lib.sh ] && continue
    name=$(basename "$t" .sh)
    sh "$t" >"$log" 2>&1
    status=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    s=$(grep -c '^skip ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
        echo "FAIL $name (exit $status)"
        tail -n 20 "$log"
    elif [ "$f" -ne 0 ]; then
        echo "FAIL $name ($f failed)"
        grep -A8 '^not ok ' "$log" | head -n 60
    else
        echo "ok   $name ($p passed, $s skipped)"
    fi
    sanitizer_reports "$name"
    grep '^skip ' "$log" | head -n 3
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
