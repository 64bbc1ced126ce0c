#!/bin/sh
# bench/gen, the benchmark's event generator: the same seed gives the
# same bytes; every line is a JSON object of 300 to 3,000 bytes; the hits
# it says it planted are the lines the native detector, the JIT and the
# interpreter find, and the lines bench/port26.jq (the benchmark's jq
# peer) finds; a closed pipe ends --stream quietly.
. "$(dirname "$0")/lib.sh"

GEN="$BUILD_DIR/bench/gen"
if [ ! -x "$GEN" ]; then
    not_ok "bench/gen is built" "$GEN is missing (make tests-build)"
    exit 0
fi

# Many hits and near misses, so that a few thousand events hold every
# kind of each.
gen() {
    "$GEN" --events 3000 --hits 0.05 --near 0.1 "$@"
}

# ---------------------------------------------------------- determinism

gen --seed 7 --truth "$WORK/truth" >"$WORK/a" 2>"$WORK/a.err"
gen --seed 7 >"$WORK/b" 2>/dev/null
gen --seed 8 >"$WORK/c" 2>/dev/null
if cmp -s "$WORK/a" "$WORK/b"; then
    ok "gen: the same seed gives the same bytes"
else
    not_ok "gen: the same seed gives the same bytes" \
        "$(cmp "$WORK/a" "$WORK/b")"
fi
if cmp -s "$WORK/a" "$WORK/c"; then
    not_ok "gen: another seed gives other events"
else
    ok "gen: another seed gives other events"
fi

# --------------------------------------------------------------- shape

check "gen: 3000 lines" 3000 "$(wc -l <"$WORK/a" | tr -d ' ')"
check "gen: every line is a JSON object (jq)" '["object"]' \
    "$(jq -c -n '[inputs | type] | unique' "$WORK/a" 2>&1)"
check "gen: 3000 documents (jq)" 3000 \
    "$(jq -n 'reduce inputs as $e (0; . + 1)' "$WORK/a" 2>&1)"
check "gen: every line holds 300 to 3000 bytes" "in range" \
    "$(LC_ALL=C awk 'length($0) < 300 || length($0) > 3000 { bad = NR }
        END { print bad ? "line " bad : "in range" }' "$WORK/a")"

# The variety the benchmark relies on, each seen at least once.
variety() {
    if grep -q -- "$2" "$WORK/a"; then
        ok "gen: $1"
    else
        not_ok "gen: $1" "no line holds: $2"
    fi
}
variety "nested keys" '"destination":{'
variety "dotted keys" '"destination.port":'
variety "mixed keys" '"zeek":{"connection.state":'
variety "ports written as strings" '"port":"[0-9]'
variety "IPv6 hit destinations" '"ip":"2001:db8:'
variety "IPv4-mapped sources" '"ip":"::ffff:10\.\|"ip":"::ffff:1[79]'
variety "escaped quotes in strings" '\\"'
variety "unicode escapes" '\\u003c134\\u003e'
variety "arrays" '"category":\["network"\]'

# ---------------------------------------------------------- the hits

hits=$(sed -n 's/^gen: 3000 events, \([0-9]*\) hits, .*/\1/p' "$WORK/a.err")
check "gen: the summary counts the hits written to --truth" \
    "$(wc -l <"$WORK/truth" | tr -d ' ')" "${hits:-none}"

if "$KQLC" build "$PORT26_RULE" -o "$WORK/port26" 2>"$WORK/build.err"; then
    ok "gen: build the port-26 detector"
else
    not_ok "gen: build the port-26 detector" "$(cat "$WORK/build.err")"
    exit 0
fi
"$WORK/port26" --format lines "$WORK/a" >"$WORK/lines.native" \
    2>"$WORK/native.err"
check_files "gen: the native detector finds the planted hits" \
    "$WORK/truth" "$WORK/lines.native"
check "gen: no malformed line" "3000 events 0 malformed" \
    "$(events_malformed "$WORK/native.err")"
for engine in jit interp; do
    "$KQLC" run --engine $engine "$PORT26_RULE" --format lines --quiet \
        "$WORK/a" >"$WORK/lines.$engine" 2>"$WORK/$engine.err"
    check_files "gen: $engine finds the planted hits" \
        "$WORK/truth" "$WORK/lines.$engine"
done
jq -n --arg mode lines -f "$ROOT/bench/port26.jq" "$WORK/a" \
    >"$WORK/lines.jq" 2>"$WORK/jq.err"
check_files "gen: bench/port26.jq finds the planted hits" \
    "$WORK/truth" "$WORK/lines.jq"

# -------------------------------------------------------------- stream

# 'gen --stream | head' ends with status 0 and says nothing.
( "$GEN" --stream 2>"$WORK/stream.err"; echo $? >"$WORK/stream.status" ) \
    | head -c 100000 >"$WORK/stream.head"
check "gen --stream: a closed pipe ends it with status 0" 0 \
    "$(cat "$WORK/stream.status")"
check "gen --stream: a closed pipe ends it quietly" "" \
    "$(cat "$WORK/stream.err")"
check "gen --stream: it wrote up to the reader's limit" 100000 \
    "$(wc -c <"$WORK/stream.head" | tr -d ' ')"

expect_status "gen: an unknown option" 2 "$GEN" --frobnicate
expect_err "gen: an unknown option is named" "'--frobnicate'"
expect_status "gen: --hits and --near above 1" 2 "$GEN" --hits 0.6 \
    --near 0.6
