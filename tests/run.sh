#!/bin/sh
# Run every test and end with the line 'N passed, N failed, N skipped'.
#
# Unit tests are cmocka programs in build/tests/; their own summary lines
# are counted.  End-to-end tests are the scripts tests/e2e/*.sh; each
# prints 'ok NAME', 'not ok NAME' or 'skip NAME: why' lines, TAP-like.
# Exit status 0 when nothing failed.
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_cmocka() {
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${s:-0}))
}

for t in build/tests/test_*; do
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
    grep '^skip ' "$log" | head -n 3
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
