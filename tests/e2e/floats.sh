#!/bin/sh
# Floating-point fields, keyword and boolean ranges, integer strings and
# --mapping end to end: each query is built into a detector with a
# mapping, and the JIT and the interpreter must give its output.  The
# expected lines were worked out by hand from Elasticsearch's and
# Lucene's documented behaviour: a float field holds the value rounded
# to binary32 and a term on it is rounded the same way; half_float
# rounds to binary16, but a range bound on it is not rounded (the range
# starts at the first binary16 at or above the bound); scaled_float
# holds Math.round(value * scaling_factor); -0.0 and +0.0 are two values
# (the numeric field types' documentation); NaN and infinities make a
# document unindexable; keyword ranges compare UTF-8 bytes, booleans
# order false before true; integer fields read strings with
# Double.parseDouble.
. "$(dirname "$0")/lib.sh"

MAPPING="$WORK/mapping.json"
cat >"$MAPPING" <<'EOF'
{
  "logs-a": {"mappings": {"properties": {
    "f": {"type": "float"},
    "h": {"type": "half_float"},
    "d": {"type": "double"},
    "s": {"type": "scaled_float", "scaling_factor": 100},
    "k": {"type": "keyword", "ignore_above": 8},
    "b": {"type": "boolean"},
    "i": {"type": "integer"}
  }}},
  "logs-b": {"mappings": {"properties": {
    "i": {"type": "keyword"}
  }}}
}
EOF

EVENTS="$WORK/floats.ndjson"
cat >"$EVENTS" <<'EOF'
{"f":0.1,"h":0.1,"d":0.1,"s":79.99,"k":"alpha","b":true,"i":"26","event":{"risk_score":0.1}}
{"f":"0.1","h":"0.1","d":"0.1","s":"79.99","k":"Beta","b":false,"i":" 26 ","event":{"risk_score":"0.1"}}
{"f":-0.0,"h":-0.0,"d":-0.0,"k":"alphabet","b":"true","i":"26.9"}
{"f":0,"h":0,"d":0,"k":"b","b":"false","i":"0x1Ap0"}
{"f":"NaN","h":65520,"d":"Infinity","s":"NaN","k":"abcdefghij","b":"yes","i":"2147483647.5"}
{"f":" 0x1p-1 ","h":0.5,"d":"0.5d","s":0.005,"k":["zeta","\u00e9t\u00e9"],"i":"NaN"}
{"f":1e39,"h":65519,"d":1e39,"s":0.004,"k":"","i":"26d"}
{"other":1}
{"f":"","h":"","d":"","s":"","k":null,"b":"","i":""}
{"f":[1,"x",0.30000001],"h":0.30000001,"d":0.30000000000000004,"s":0.3}
EOF


# float: values and terms rounded to binary32; -0 is not 0; NaN, "" and
# 1e39 (infinite as a float) are no value.
expect_lines 'f:0.1' '1 2'
expect_lines 'f:0.3' '10'
expect_lines 'f:0' '4'
expect_lines 'f:"-0"' '3'
expect_lines 'f:0.5' '6'
expect_lines 'f > -0' '1 2 4 6 10'
expect_lines 'f >= -0' '1 2 3 4 6 10'
expect_lines 'f:*' '1 2 3 4 6 10'
# double: 1e39 is a double; 0.30000000000000004 is not 0.3.
expect_lines 'd:0.1' '1 2'
expect_lines 'd < 0' '3'
expect_lines 'd >= 0' '1 2 4 6 7 10'
expect_lines 'd:0.3' ''
expect_lines 'd > 0.3' '6 7 10'
expect_lines 'd:*' '1 2 3 4 6 7 10'
# half_float: 0.1 is held as 0.0999755859375: a term matches it, and so
# does <= 0.1, but >= 0.1 starts at 0.10003662109375.
expect_lines 'h:0.1' '1 2'
expect_lines 'h >= 0.1' '6 7 10'
expect_lines 'h <= 0.1' '1 2 3 4'
expect_lines 'h:65504' '7'
# scaled_float, factor 100: 79.99 * 100 rounds to 7999; 0.005 * 100 =
# 0.5 rounds up to 1; 0.004 * 100 rounds to 0.
expect_lines 's:79.99' '1 2'
expect_lines 's >= 0.005' '1 2 6 10'
expect_lines 's < 0.005' '7'
expect_lines 's:0.3' '10'
# keyword ranges: bytes, a prefix first, ignore_above (8) leaves
# abcdefghij unindexed; booleans: false < true.
expect_lines 'k > alpha' '3 4 6'
expect_lines 'k < b' '1 2 3 7'
expect_lines 'k <= b' '1 2 3 4 7'
expect_lines 'k >= "été"' '6'
expect_lines 'b > false' '1 3'
expect_lines 'b < true' '2 4 9'
expect_lines 'b >= false' '1 2 3 4 9'
expect_lines 'b > true' ''
# integer: Double.parseDouble, the range, the cast; "NaN" is 0.
expect_lines 'i:26' '1 2 3 4 7'
expect_lines 'i:0' '6'
expect_lines 'i:*' '1 2 3 4 6 7'
# ECS's own float field, without a mapping.
expect_lines 'event.risk_score:0.1' '1 2' ''

# What Elasticsearch refuses is refused, with the file's position.
"$KQLC" emit --mapping "$MAPPING" --query 's:Infinity' >/dev/null \
    2>"$WORK/err"
check "a scaled_float refuses Infinity (exit 1)" 1 $?
check "a scaled_float refuses Infinity: the message" \
    "<query>:1:3: error: 'Infinity' is not a finite number, as field 's' (scaled_float) needs" \
    "$(grep error "$WORK/err")"
"$KQLC" emit --query 'custom.size > 100' >/dev/null 2>"$WORK/err"
check "a range on a field with no type is refused (exit 1)" 1 $?
grep -q "give its type with --mapping" "$WORK/err" \
    && ok "a range on a field with no type: the message" \
    || not_ok "a range on a field with no type: the message" \
        "$(cat "$WORK/err")"
"$KQLC" emit --mapping "$MAPPING" --query 'i:1' >/dev/null 2>"$WORK/err"
check "two indices, one field, two types: a warning naming both" \
    "kqlc: warning: $MAPPING: field 'i' is 'integer' in index 'logs-a' and 'keyword' in index 'logs-b'; kqlc reads it as in 'logs-a'" \
    "$(cat "$WORK/err")"
printf '{"properties": {\n  "x": {"type": "long"}}\n  "y": 1}\n' \
    >"$WORK/bad.json"
"$KQLC" build --mapping "$WORK/bad.json" --query 'x:1' -o "$WORK/never" \
    2>"$WORK/err"
check "a malformed mapping is a usage error (exit 2)" 2 $?
check "a malformed mapping: its line and column" \
    "$WORK/bad.json:3:5: error: '}' expected near '\"y\"'" \
    "$(head -n 1 "$WORK/err")"
echo '{"properties":{"s":{"type":"scaled_float"}}}' >"$WORK/bad2.json"
"$KQLC" run --mapping "$WORK/bad2.json" --query 's:1' "$EVENTS" \
    >/dev/null 2>"$WORK/err"
check "a scaled_float without scaling_factor is refused (exit 2)" 2 $?
"$KQLC" run --mapping "$WORK/absent.json" --query 's:1' "$EVENTS" \
    >/dev/null 2>"$WORK/err"
check "a missing mapping file is a usage error (exit 2)" 2 $?

# check and repl take --mapping too.
printf 's:79.99 and k > alpha\n' >"$WORK/rule.kql"
check "kqlc check --mapping" "1 rule: 1 ok, 0 with warnings, 0 rejected" \
    "$("$KQLC" check --mapping "$MAPPING" "$WORK/rule.kql" 2>/dev/null)"
check "kqlc repl --mapping" "2 matches" \
    "$(echo 's:79.99' | "$KQLC" repl --mapping "$MAPPING" "$EVENTS" \
        2>/dev/null | sed -n 's/^\(2 matches\) .*/\1/p')"

# The C names the scaling factor and shows each range as values.
"$KQLC" emit --mapping "$MAPPING" --query 's >= 0.005 or f:0.1' \
    >"$WORK/gen.c" 2>/dev/null
grep -q 'krt_any_scaled_in(ev, F_S, 100.0, ' "$WORK/gen.c" \
    && ok "emit: the scaled_float test carries its factor" \
    || not_ok "emit: the scaled_float test carries its factor" \
        "$(grep krt_any "$WORK/gen.c")"
grep -q '/\* 0.1 - 0.1 \*/' "$WORK/gen.c" \
    && ok "emit: a float range shown as values" \
    || not_ok "emit: a float range shown as values" \
        "$(grep -A2 'keys' "$WORK/gen.c" | head -n 6)"

# The LIMIT(types) in sema.c: a type kqlc does not read is refused, from
# ECS (geo_point) or from a mapping (version).
"$KQLC" emit --query 'client.geo.location:1' >/dev/null 2>"$WORK/err"
check "a geo_point field is refused (exit 1)" 1 $?
grep -q "field 'client.geo.location' is of type 'geo_point', which kqlc does not support yet" "$WORK/err" \
    && ok "a geo_point field is refused: the message" \
    || not_ok "a geo_point field is refused: the message" "$(cat "$WORK/err")"
echo '{"properties":{"v":{"type":"version"}}}' >"$WORK/version.json"
"$KQLC" emit --mapping "$WORK/version.json" --query 'v:1.2.3' >/dev/null \
    2>"$WORK/err"
check "a version field from a mapping is refused (exit 1)" 1 $?
