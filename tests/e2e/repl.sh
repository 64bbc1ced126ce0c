#!/bin/sh
# kqlc repl from a script: one query a line, no prompts; the counts it
# prints agree with the hand-checked demo sample and with the detector.
. "$(dirname "$0")/lib.sh"

sample="$ROOT/tests/data/demo-network.ndjson"
expected=$(grep -cv '^#' "$ROOT/tests/data/demo-network.expected")
det="$WORK/det"
"$KQLC" build --query 'destination.port:26 and network.transport:tcp' \
    -o "$det" 2>/dev/null
native=$("$det" --format count "$sample" 2>/dev/null)

printf '%s\n' \
    ":rule $PORT26_RULE" \
    'destination.port:26 and network.transport:tcp' \
    ':limit 2' \
    'destination.port:26 and network.transport:tcp' \
    'destination.port:(26 or' \
    ':ast' \
    'event.category:*' \
    ':fields' \
    ':c' \
    ':nonsense' \
    ':quit' \
    'never.read:x' \
    | "$KQLC" repl "$sample" >"$WORK/out" 2>"$WORK/err"
status=$?

check "repl exits 0" 0 "$status"
check "no prompt when not at a terminal" "" \
    "$(grep -c 'kql>' "$WORK/out" | sed 's/^0$//')"
counts=$(sed -n 's/^\([0-9]*\) matches in .* ms (compile .* ms)$/\1/p' \
    "$WORK/out" | tr '\n' ' ')
first=$(echo "$counts" | cut -d' ' -f1)
second=$(echo "$counts" | cut -d' ' -f2)
check "a rule file: the hand-checked matches of the demo sample" \
    "$expected" "$first"
check "a query: as many matches as the detector finds" "$native" "$second"
shown=$(awk '/matches in/ { n++ } n == 3 && /^\{/ { c++ } END { print c }' \
    "$WORK/out")
check ":limit 2 shows two events" "2" "$shown"
if grep -q '^<query>:1:24: error: unexpected end of query' "$WORK/out" \
        && grep -q '^ *\^$' "$WORK/out"; then
    ok "a syntax error shows its diagnostic and caret, and the session goes on"
else
    not_ok "a syntax error shows its diagnostic and caret" \
        "$(head -n 20 "$WORK/out")"
fi
if grep -q '"function":"or"' "$WORK/out"; then
    not_ok ":ast after a failed query shows no tree"
else
    ok ":ast after a failed query shows no tree"
fi
check "event.category:* after the error still runs (4 counts)" "4" \
    "$(echo "$counts" | wc -w | tr -d ' ')"
if grep -q '^ *[0-9]*  destination.port  *long$' "$WORK/out"; then
    ok ":fields lists destination.port as long"
else
    not_ok ":fields lists destination.port as long"
fi
if grep -q 'const struct krt_program krt_program' "$WORK/out"; then
    ok ":c prints the C of the last query"
else
    not_ok ":c prints the C of the last query"
fi
if grep -q "unknown command ':nonsense'" "$WORK/out"; then
    ok "an unknown command is reported"
else
    not_ok "an unknown command is reported"
fi
check ":quit stops before the next line" "" \
    "$(grep 'never.read' "$WORK/out" "$WORK/err")"
