#!/bin/sh
# Nested queries, f:{ query }, end to end: each query is built into a
# detector, and the JIT and the interpreter must give its output.  The
# expected lines were worked out by hand from Elasticsearch's nested
# query: the inner query's fields are under f, and it holds when one
# object of the array at f satisfies the whole inner query; 'not'
# inside asks it of the element, 'not' outside asks that no element
# match.  On a field not mapped nested Elasticsearch fails the query
# ('[nested] failed to find nested object under path'): kqlc warns
# (-Wnot-nested) and evaluates it as if the field were nested.
. "$(dirname "$0")/lib.sh"

MAPPING="$WORK/mapping.json"
cat >"$MAPPING" <<'EOF2'
{"mappings": {"properties": {
  "user": {"type": "nested", "properties": {
    "name": {"type": "keyword"}, "id": {"type": "long"}}},
  "items": {"type": "nested", "properties": {
    "name": {"type": "keyword"},
    "tags": {"type": "nested", "properties": {"k": {"type": "keyword"}}}}}
}}}
EOF2

EVENTS="$WORK/nested.ndjson"
cat >"$EVENTS" <<'EOF2'
{"user":[{"name":"bob","id":2},{"name":"alice","id":1}]}
{"user":[{"name":"bob","id":1}]}
{"user":{"name":"bob","id":"1"}}
{"user":[{"name":"alice"},{"name":"bob","id":1}]}
{"other":1}
{"user":[{"name":"bob"}]}
{"user":[]}
{"items":[{"name":"a","tags":[{"k":"p"},{"k":"q"}]},{"name":"b","tags":{"k":"r"}}]}
{"process":{"pe":{"sections":[{"name":".text","entropy":6},{"name":".rsrc","entropy":8}]}}}
{"process.pe.sections":[{"name":".text","entropy":"8"}]}
EOF2


# Both tests in one element: line 1 has bob (id 2) and alice (id 1).
expect_lines 'user:{ name:bob and id:1 }' '2 3 4'
# Two nested queries may each find their own element.
expect_lines 'user:{ name:bob } and user:{ id:1 }' '1 2 3 4'
# not inside: an element that is bob without id 1 (line 6 has no id).
expect_lines 'user:{ name:bob and not id:1 }' '1 6'
expect_lines 'user:{ not name:bob }' '1 4'
# not outside: no element matches; events without user too.
expect_lines 'not user:{ name:bob and id:1 }' '1 5 6 7 8 9 10'
expect_lines 'user:{ id >= 2 or name:alice }' '1 4'
# An empty array has no element, even for a query that always holds.
expect_lines 'user:{ name:* }' '1 2 3 4 6'
# Nested in nested: the inner elements of the outer element only.
expect_lines 'items:{ name:b and tags:{ k:p } }' ''
expect_lines 'items:{ name:a and tags:{ k:q } }' '8'
expect_lines 'items:{ tags:{ k:p and k:q } }' ''
expect_lines 'items:{ tags:{ k:p or k:r } and not tags:{ k:q } }' '8'
# ECS's own nested fields need no mapping; entropy is a long.
expect_lines 'process.pe.sections:{ name:".text" and entropy > 7 }' '10' ''
expect_lines 'process.pe.sections:{ entropy > 7 }' '9 10' ''
# Outside f:{ }, a field under a nested field matches no event:
# Elasticsearch indexes each element as a document of its own
# (-Wnested-field); 'not' of it then holds for every event.
expect_lines 'process.pe.sections.name:".text"' '' ''
expect_lines 'not process.pe.sections.entropy > 7' '1 2 3 4 5 6 7 8 9 10' ''
expect_lines 'process.pe.sections:*' '' ''
# Inside a nested query, a field under a deeper nested field too.
expect_lines 'items:{ tags.k:p }' '' "$MAPPING"

# refuse QUERY MESSAGE: the query is refused (status 1) with MESSAGE.
refuse() {
    "$KQLC" build --query "$1" -o "$WORK/refused" 2>"$WORK/refuse.err"
    status=$?
    check "$1: refused with status 1" 1 "$status"
    if grep -qF "$2" "$WORK/refuse.err"; then
        ok "$1: says why"
    else
        not_ok "$1: says why" "$(head -n 3 "$WORK/refuse.err")"
    fi
}

refuse 'proc*:{ name:x }' "a nested query needs one field"

# warns QUERY MESSAGE: the query builds, warning MESSAGE; with -Werror it
# is refused.
warns() {
    "$KQLC" build --query "$1" -o "$WORK/warned" 2>"$WORK/warn.err"
    check "$1: builds" 0 "$?"
    if grep -qF "$2" "$WORK/warn.err"; then
        ok "$1: warns"
    else
        not_ok "$1: warns" "$(head -n 3 "$WORK/warn.err")"
    fi
    "$KQLC" build -Werror --query "$1" -o "$WORK/warned" 2>/dev/null
    check "$1: refused under -Werror" 1 "$?"
}

# On a field not mapped nested Elasticsearch fails the query; kqlc says
# so and evaluates it as if the field were nested, as its author meant.
warns 'user:{ name:bob }' \
    "warning: field 'user' is of type 'object', not nested"
warns 'nosuch:{ a:1 }' "warning: field 'nosuch' has no known type"
warns 'process.pe:{ name:x }' \
    "warning: field 'process.pe' is of type 'object', not nested"
# ECS maps user.id as a keyword: 1 and "1" are the text 1.  Line 3's
# single object is one element.
expect_lines 'user:{ name:bob and id:1 }' '2 3 4' ""

# The shared nested case: 'user' is an object in ECS, so the case
# presumes an index that maps it nested; kqlc answers it given that
# mapping, as Elasticsearch would.
eval_case() {
    have_shared "nested evaluation case" || return 0
    cases="$SHARED/cases/eval-cases.ndjson"
    jq -c 'select(.query | test("^[a-z.]+:\\{")) | .doc' "$cases" \
        >"$WORK/cases.ndjson"
    jq -r 'select(.query | test("^[a-z.]+:\\{")) | .query' "$cases" \
        >"$WORK/cases.queries"
    jq -r 'select(.query | test("^[a-z.]+:\\{")) | .match' "$cases" \
        >"$WORK/cases.expected"
    if [ ! -s "$WORK/cases.ndjson" ]; then
        not_ok "nested evaluation case: none found in $cases"
        return
    fi
    i=0
    while read -r q; do
        i=$((i + 1))
        sed -n "${i}p" "$WORK/cases.ndjson" >"$WORK/case.ndjson"
        want=$(sed -n "${i}p" "$WORK/cases.expected")
        for engine in jit interp; do
            got=$("$KQLC" run --engine $engine --mapping "$MAPPING" \
                  --query "$q" --quiet --format count "$WORK/case.ndjson" \
                  2>"$WORK/case.err")
            [ "$got" = 1 ] && got=true || got=false
            check "eval case '$q' ($engine)" "$want" "$got"
        done
    done <"$WORK/cases.queries"
}

eval_case
