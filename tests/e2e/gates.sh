#!/bin/sh
# Rule selection by gate (compiler/ir_gate.c, runtime/krt_select.c): a
# detector evaluates a rule only on the events that pass one of its
# gates, tests the rule cannot match without.  KRT_NO_GATES=1 turns that
# off (every rule on every event); the answers must not change.  Every
# check here runs the same detector with gates and without and requires
# byte-identical alerts and per-rule counters: the port-26 rule on a
# bench/gen file; then every accepted rule of the shared corpus in one
# detector over the shared ECS datasets, a bench/gen file, and events
# made from the rules' own tests (tests/e2e/data/gate-events.awk: values
# each test accepts, escaped, in arrays, upper-cased, missing, numbers as
# strings, past ignore_above, under mixed keys), natively, with the JIT
# and with the interpreter, with and without --dataset.
. "$(dirname "$0")/lib.sh"

GEN="$BUILD_DIR/bench/gen"
EXPORT="$SHARED/rules/kuery-rules.ndjson"

# The per-rule counters and the totals, without the program's name and
# the time taken.
counters() {
    sed -n -e "s/^[^:]*: \(rule '.*\)/\1/p" \
        -e 's/^[^:]*: \([0-9]* lines = .* alerts\).*/\1/p' "$1"
}

# same_both_ways NAME CMD...: CMD (its output and counters) with gates,
# then with KRT_NO_GATES=1, must be identical; prints the alerts it had.
same_both_ways() {
    name=$1
    shift
    "$@" >"$WORK/on" 2>"$WORK/on.err"
    on=$?
    KRT_NO_GATES=1 "$@" >"$WORK/off" 2>"$WORK/off.err"
    off=$?
    counters "$WORK/on.err" >"$WORK/on.c"
    counters "$WORK/off.err" >"$WORK/off.c"
    if [ "$on" = "$off" ] && cmp -s "$WORK/on" "$WORK/off" \
            && cmp -s "$WORK/on.c" "$WORK/off.c"; then
        ok "$name: $(wc -l <"$WORK/on" | tr -d ' ') lines of output," \
            "the same without gates"
    else
        not_ok "$name: the same without gates" "exit $on and $off" \
            "$(diff "$WORK/on" "$WORK/off" | head -n 4)" \
            "$(diff "$WORK/on.c" "$WORK/off.c" | head -n 4)"
    fi
}

if [ ! -x "$GEN" ]; then
    not_ok "gates: bench/gen is built" "$GEN is missing (make tests-build)"
    exit 0
fi
"$GEN" --events 20000 --hits 0.02 --near 0.05 --seed 5 >"$WORK/bench" \
    2>/dev/null

# ----------------------------------------------------------- port 26

"$KQLC" emit "$PORT26_RULE" -o "$WORK/port26.c"
if grep -q 'static const struct krt_gate gates\[\]' "$WORK/port26.c"; then
    ok "gates: the port-26 rule's C lists its gates"
else
    not_ok "gates: the port-26 rule's C lists its gates"
fi
"$KQLC" build "$PORT26_RULE" -o "$WORK/port26" 2>/dev/null
same_both_ways "gates: port 26, bench/gen, alerts" \
    "$WORK/port26" --format alert "$WORK/bench"
same_both_ways "gates: port 26, bench/gen, KRT_NO_GATES=0 is on" \
    env KRT_NO_GATES=0 "$WORK/port26" --format lines "$WORK/bench"
for engine in jit interp; do
    same_both_ways "gates: port 26, bench/gen, $engine" \
        "$KQLC" run --engine $engine "$PORT26_RULE" --format lines \
        "$WORK/bench"
done

# ------------------------------------------------- the shared corpus

have_shared "gates: the shared corpus" || exit 0
if [ ! -f "$EXPORT" ]; then
    skip "gates: $EXPORT is absent"
    exit 0
fi
"$KQLC" check --list "$EXPORT" >"$WORK/list" 2>/dev/null
awk -F '\t' '$1 == "ok" || $1 == "warnings" {
    n = split($2, at, ":"); print at[n] }' "$WORK/list" >"$WORK/lines"
awk 'NR == FNR { keep[$1]; next } FNR in keep' "$WORK/lines" "$EXPORT" \
    >"$WORK/rules.ndjson"
accepted=$(wc -l <"$WORK/lines" | tr -d ' ')
if ! "$KQLC" build "$WORK/rules.ndjson" -o "$WORK/det" \
        2>"$WORK/build.err"; then
    not_ok "gates: the $accepted accepted rules build into one detector" \
        "$(grep -m 5 'error:' "$WORK/build.err")"
    exit 0
fi

# Most rules have gates: otherwise the checks below prove little.
"$KQLC" emit "$WORK/rules.ndjson" -o "$WORK/rules.c" 2>/dev/null
gated=$(sed -n '/^static const struct krt_gate gates/,/^};/p' \
    "$WORK/rules.c" | awk '/^    \{ [0-9]+,/ { r[$2] } END {
        n = 0; for (k in r) n++; print n }')
if [ "$gated" -ge $((accepted * 3 / 4)) ]; then
    ok "gates: $gated of the $accepted rules have gates"
else
    not_ok "gates: most of the $accepted rules have gates" "$gated have"
fi

"$KQLC" emit --dump-ir "$WORK/rules.ndjson" 2>/dev/null \
    | awk -f "$ROOT/tests/e2e/data/gate-events.awk" >"$WORK/made"
made=$(wc -l <"$WORK/made" | tr -d ' ')
matched=$("$WORK/det" --format count --quiet "$WORK/made" 2>/dev/null)
if [ "$made" -gt 1000 ] && [ "${matched:-0}" -gt 1000 ]; then
    ok "gates: $made events made from the rules' tests, $matched alerts"
else
    not_ok "gates: events made from the rules' tests match rules" \
        "$made events, ${matched:-no} alerts"
fi

set -- "$SHARED"/datasets/ecs-*.ndjson
same_both_ways "gates: corpus, shared datasets" \
    "$WORK/det" --format alert "$@"
same_both_ways "gates: corpus, bench/gen" "$WORK/det" --format alert \
    "$WORK/bench"
same_both_ways "gates: corpus, made events" "$WORK/det" --format alert \
    "$WORK/made"
for ds in okta.system aws.cloudtrail network_traffic.flow; do
    same_both_ways "gates: corpus, made events, --dataset $ds" \
        "$WORK/det" --format lines --dataset "$ds" "$WORK/made"
done
for engine in jit interp; do
    same_both_ways "gates: corpus, made events and datasets, $engine" \
        "$KQLC" run --engine $engine --rules "$WORK/rules.ndjson" \
        --format alert "$WORK/made" "$@"
done

# The engines agree with gates (each compared above with itself without).
"$WORK/det" --format alert "$WORK/made" "$@" >"$WORK/native" 2>/dev/null
for engine in jit interp; do
    "$KQLC" run --engine $engine --rules "$WORK/rules.ndjson" \
        --format alert "$WORK/made" "$@" >"$WORK/$engine" 2>/dev/null
    check_files "gates: $engine gives the detector's alerts" \
        "$WORK/native" "$WORK/$engine"
done
