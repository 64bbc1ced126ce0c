#!/bin/sh
# Field names with wildcards, end to end: each query is built into a
# detector and run by it, the JIT and the interpreter (engines_run), and
# the lines it matches are checked.  The expected lines were worked out
# by hand from Kibana's expansion (getFields: '*' spans any characters,
# dots included; one should clause per matching field, each typed with
# that field's own type) over ECS's fields, or the mapping's.
. "$(dirname "$0")/lib.sh"

EVENTS="$WORK/fieldwild.ndjson"
cat >"$EVENTS" <<'EOF'
{"source":{"ip":"10.0.0.1","port":80}}
{"destination":{"ip":"10.0.0.1"},"destination.port":"2000"}
{"user":{"name":"root"}}
{"user":{"target":{"name":"root"}},"user.risk.calculated_score":5}
{"process":{"name":"cmd.exe"}}
{"process":{"parent":{"name":"cmd.exe"}},"file":{"hash":{"md5":"abc"}}}
{"file":{"hash":{"sha256":""}}}
{"file":{"hash":{"sha1":null}}}
{"url":{"port":8080},"client":{"nat":{"port":1024}}}
{"other":1}
{"process":{"name":"CMD.EXE"}}
{"app":{"port":"26","addr":"::ffff:10.0.0.5","label":"x"}}
EOF

n=0
# expect QUERY LINES: the lines (space-separated) the query matches, on
# the detector, the JIT and the interpreter.
expect() {
    n=$((n + 1))
    if ! "$KQLC" build --query "$1" -o "$WORK/det$n" 2>"$WORK/build$n.err"
    then
        not_ok "$1: builds" "$(head -n 3 "$WORK/build$n.err")"
        return
    fi
    engines_run "$1" "$WORK/out$n" "--query=$1" "$WORK/det$n" --quiet \
        --format lines "$EVENTS"
    check "$1: matches lines $2" "$2" \
        "$(tr '\n' ' ' <"$WORK/out$n" | sed 's/ $//')"
}

# every ip field: source.ip and destination.ip
expect '*.ip:10.0.0.1' '1 2'
expect 'not *.ip:10.0.0.0/8' '3 4 5 6 7 8 9 10 11 12'
# user.name and user.target.name; the boolean and float fields under
# user cannot read 'root' and are left out
expect 'user.*:root' '3 4'
# leniency the other way: only the float user.risk.calculated_score
# reads 5 (as 5.0); the keyword fields hold no "5"
expect 'user.*:5' '4'
# keyword fields ending in name: case-sensitive, CMD.EXE is no match
expect 'process.*name:cmd.exe' '5 6'
# process.name (keyword) and process.name.text (match_only_text, whose
# token of CMD.EXE is cmd.exe); process.parent.name is not process.name*
expect 'process.name*:cmd.exe' '5 11'
# exists over file.hash.*: an empty string counts, null does not
expect 'file.hash.*:*' '6 7'
# ranges over every port field (longs): "2000" is 2000; 1024 is not
# > 1024 but url.port 8080 is
expect '*.port > 1024' '2 9'
expect 'client.*port >= 1024' '9'
expect '*.calculated_score > 1' '4'
# a pattern no known field matches matches nothing (with a warning)
expect 'nosuch.*:x or user.name:root' '3'

# a mapping's fields join the expansion, each with its type: app.port
# (long) reads 26, app.addr (ip) cannot and is left out, and the other
# way round for the address.
MAPPING="$WORK/mapping.json"
cat >"$MAPPING" <<'EOF'
{"properties": {"app": {"properties": {
  "port": {"type": "long"},
  "addr": {"type": "ip"},
  "label": {"type": "keyword"}
}}}}
EOF
for q in 'app.*:26' 'app.*:10.0.0.5' 'app.*:x'; do
    n=$((n + 1))
    "$KQLC" build --mapping "$MAPPING" --query "$q" -o "$WORK/det$n" \
        2>"$WORK/build$n.err"
    "$WORK/det$n" --quiet --format lines "$EVENTS" >"$WORK/out$n" 2>&1
    for engine in jit interp; do
        "$KQLC" run --engine $engine --mapping "$MAPPING" --query "$q" \
            --quiet --format lines "$EVENTS" >"$WORK/out$n.$engine" \
            2>"$WORK/out$n.$engine.err"
        check_files "$q (mapping): $engine gives the detector's output" \
            "$WORK/out$n" "$WORK/out$n.$engine"
    done
    check "$q (mapping): matches line 12" "12" "$(cat "$WORK/out$n")"
done

# the warnings: a pattern that matches nothing, fields left out
"$KQLC" emit --query 'nosuch.*:x' -o /dev/null 2>"$WORK/none.err"
check "a pattern matching no field: warning" "1" \
    "$(grep -c "warning: field pattern 'nosuch.\*' matches no known field" \
        "$WORK/none.err")"
"$KQLC" emit --query 'user.*:root' -o /dev/null 2>"$WORK/drop.err"
check "fields left out: one warning" "1" \
    "$(grep -c "fields that 'user.\*' matches cannot read the value" \
        "$WORK/drop.err")"

# A flattened field in the expansion answers from every leaf below it,
# each a keyword, as Elasticsearch answers a query on the field itself:
# process.elf.exports holds "x" in an object of its array (line 1), and
# no other process field holds the value x (line 2 holds "xy").
EVENTS="$WORK/flat.ndjson"
printf '%s\n' '{"process":{"elf":{"exports":[{"name":"x","n":1}]}}}' \
    '{"process":{"elf":{"exports":{"name":"xy"}},"name":"y"}}' >"$EVENTS"
MAPPING=
expect_lines 'process.*:x' '1'
expect_lines 'process.*:x*' '1 2'
# A key below a flattened field of ECS is a keyword, ranges included.
expect_lines 'process.elf.exports.name:x' '1'
expect_lines 'process.elf.exports.name > w' '1 2'
expect_lines 'process.elf.exports.n:1' '1'

finish
