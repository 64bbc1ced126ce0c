#!/bin/sh
# Every case of ../shared/cases/eval-cases.ndjson (query, doc, match),
# on the native detector, the JIT and the interpreter: the detector must
# match the doc exactly when the case says so, and the other two engines
# must give its output.  Needs ../shared; skips when it is absent.
#
# One case is a nested query on 'user', which ECS maps as an object: on
# such an index Elasticsearch fails the query; kqlc warns (-Wnot-nested)
# and evaluates it per element, as the case's author meant.
. "$(dirname "$0")/lib.sh"

have_shared "evaluation cases" || exit 0
CASES="$SHARED/cases/eval-cases.ndjson"

total=$(grep -c . "$CASES")
i=0
while [ "$i" -lt "$total" ]; do
    i=$((i + 1))
    line=$(sed -n "${i}p" "$CASES")
    q=$(printf '%s\n' "$line" | jq -r .query)
    printf '%s\n' "$line" | jq -c .doc >"$WORK/doc$i.ndjson"
    want=""
    [ "$(printf '%s\n' "$line" | jq -r .match)" = true ] && want=1
    why=$(printf '%s\n' "$line" | jq -r .why)
    EVENTS="$WORK/doc$i.ndjson"
    MAPPING=""
    expect_lines "$q" "$want" >"$WORK/case$i.out"
    if grep -q '^not ok' "$WORK/case$i.out"; then
        sed "s|^not ok |not ok case $i ($why): |" "$WORK/case$i.out" \
            | grep -v '^ok'
    else
        ok "case $i: $why ($(grep -c '^ok' "$WORK/case$i.out") checks)"
    fi
done
