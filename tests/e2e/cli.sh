#!/bin/sh
# The command lines of kqlc and of a detector: usage errors, rejected
# rules with their diagnostics, I/O errors and malformed events.
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- kqlc

expect_status "kqlc without a command" 2 "$KQLC"
expect_status "kqlc with an unknown command" 2 "$KQLC" frobnicate
expect_status "build without -o" 2 "$KQLC" build "$PORT26_RULE"
expect_status "build with both rules and --query" 2 \
    "$KQLC" build "$PORT26_RULE" --query 'a:b' -o "$WORK/x"
expect_status "build of a missing rule file" 2 \
    "$KQLC" build "$WORK/missing.toml" -o "$WORK/x"
expect_err "the missing file is named" "missing.toml"

expect_status "a syntax error rejects the query" 1 \
    "$KQLC" build --query 'destination.port:(26 or' -o "$WORK/x"
expect_err "syntax error at its column" "<query>:1:24: error:"

expect_status "a word on a long field is rejected" 1 \
    "$KQLC" build --query 'destination.port:abc' -o "$WORK/x"
expect_err "the long field's message" \
    "'abc' is not a number, as field 'destination.port' (long) needs"
expect_err "the diagnostic has a caret line" "^^^"

expect_status "a bad CIDR prefix is rejected" 1 \
    "$KQLC" build --query 'source.ip:10.0.0.0/33' -o "$WORK/x"
expect_err "the ip field's message" "'10.0.0.0/33' is not an IP address"

expect_status "an unknown field is a warning" 0 \
    "$KQLC" emit --query 'custom.thing:x' -o "$WORK/x.c"
expect_err "the warning names the field" \
    "read as keyword: 'custom.thing' [-Wunknown-field]"
expect_status "-Werror makes it an error" 1 \
    "$KQLC" emit -Werror --query 'custom.thing:x' -o "$WORK/x.c"

# A rule file whose query has an error: reported at its place in the file.
cat >"$WORK/bad-query.toml" <<'TOML'
[metadata]
creation_date = "2026/01/01"

[rule]
author = ["kqlc tests"]
description = "A rule with a bad value."
name = "Bad value"
risk_score = 1
rule_id = "00000000-0000-4000-8000-000000000001"
severity = "low"
type = "query"
language = "kuery"
index = ["logs-*"]
query = '''
event.category:network and
  destination.port:twenty-six
'''
TOML
expect_status "a rule file with a bad value" 1 \
    "$KQLC" build "$WORK/bad-query.toml" -o "$WORK/x"
expect_err "the bad value at its file line and column" \
    "bad-query.toml:16:20: error: 'twenty-six' is not a number"

cat >"$WORK/eql.toml" <<'TOML'
[rule]
name = "An EQL rule"
description = "Not KQL."
risk_score = 1
rule_id = "00000000-0000-4000-8000-000000000002"
severity = "low"
type = "eql"
language = "eql"
query = '''
process where process.name == "x"
'''
TOML
expect_status "an EQL rule is rejected" 1 \
    "$KQLC" build "$WORK/eql.toml" -o "$WORK/x"
expect_err "the EQL rule's message" "kqlc compiles KQL"

printf '[rule\nname = "x"\n' >"$WORK/broken.toml"
expect_status "a TOML syntax error" 1 \
    "$KQLC" build "$WORK/broken.toml" -o "$WORK/x"
expect_err "the TOML error names the file and line" "broken.toml:1:"

expect_status "emit of a query" 0 \
    "$KQLC" emit --query 'destination.port:26' -o "$WORK/q.c"
if grep -q 'const struct krt_program krt_program' "$WORK/q.c"; then
    ok "emitted C defines krt_program"
else
    not_ok "emitted C defines krt_program"
fi

# ------------------------------------------------------------ detector

DET="$WORK/det"
"$KQLC" build --query 'destination.port:26' -o "$DET" 2>/dev/null
expect_status "detector: unknown format" 2 "$DET" --format yaml /dev/null
expect_status "detector: empty input" 0 "$DET" /dev/null

printf '%s\n' '{"destination":{"port":26}}' >"$WORK/good.ndjson"
expect_status "detector: a missing file among good ones" 2 \
    "$DET" --format count "$WORK/good.ndjson" "$WORK/nope.ndjson" \
    "$WORK/good.ndjson"
check "the other files are still read" "2" "$(cat "$WORK/out")"
expect_err "the missing file is named" "nope.ndjson"

printf '%s\n' '{"destination":{"port":26}}' '{"destination":{"port":26' \
    '' '{"destination":{"port":26}} trailing' '[26]' \
    '{"destination":{"port":26}}' >"$WORK/mixed.ndjson"
expect_status "detector: malformed lines do not stop the run" 0 \
    "$DET" --format lines "$WORK/mixed.ndjson"
check "only well-formed lines alert" "1
6" "$(cat "$WORK/out")"
expect_err "a malformed line is reported with file and line" \
    "mixed.ndjson:2:"
expect_err "a line with trailing text is malformed" "mixed.ndjson:4:"

# ------------------------------------------------- faults found by users

# Writing the detector is kqlc's step: a bad -o is an I/O error, not a
# compiler bug, and no temporary directory is left behind.
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" expect_status "build -o into a missing directory" 2 \
    "$KQLC" build --query 'destination.port:26' -o "$WORK/no/such/dir/x"
expect_err "a bad -o names the path" "cannot write '$WORK/no/such/dir/x'"
if grep -q 'internal error' "$WORK/err"; then
    not_ok "a bad -o is not called an internal error"
else
    ok "a bad -o is not called an internal error"
fi
TMPDIR="$WORK/tmp" expect_status "build -o onto a directory" 2 \
    "$KQLC" build --query 'destination.port:26' -o "$WORK"
check "no temporary directory is left behind" "" "$(ls "$WORK/tmp")"

# A .kql file holds one bare query; the file's name names the rule.
printf 'destination.port:26 and\n  network.transport:tcp\n' \
    >"$WORK/port-26.kql"
printf '%s\n' '{"destination":{"port":26},"network":{"transport":"tcp"}}' \
    >"$WORK/one.ndjson"
expect_status "a .kql file runs" 0 \
    "$KQLC" run "$WORK/port-26.kql" --format alert "$WORK/one.ndjson"
check "the .kql file names the rule" "port-26" \
    "$(jq -r .rule.name "$WORK/out")"
printf 'destination.port:26 and\n  source.ip:x\n' >"$WORK/bad.kql"
expect_status "a .kql file with a bad value" 1 \
    "$KQLC" build "$WORK/bad.kql" -o "$WORK/x"
expect_err "its diagnostic is at the file's line and column" \
    "bad.kql:2:13: error: 'x' is not an IP address"

# Rule files written with CR LF, or with a basic string and escapes, are
# still reported at the file's line and column.
rule_head() {
    printf '[rule]\nname = "%s"\nrule_id = "%s"\nrisk_score = 1\n' "$1" "$2"
    printf 'severity = "low"\ntype = "query"\nlanguage = "kuery"\n'
}
{
    rule_head crlf c1
    cat <<'TOML'
query = '''
network.transport:tcp and
  destination.port:abc
'''
TOML
} | sed 's/$/\r/' >"$WORK/crlf.toml"
expect_status "a CR LF rule file with a bad value" 1 \
    "$KQLC" build "$WORK/crlf.toml" -o "$WORK/x"
expect_err "CR LF: the file's line and column" "crlf.toml:10:20: error:"
{
    rule_head b c2
    cat <<'TOML'
query = "event.code:a\\\\b and destination.port:abc"
TOML
} >"$WORK/basic.toml"
expect_status "a basic-string query with escapes" 1 \
    "$KQLC" build "$WORK/basic.toml" -o "$WORK/x"
expect_err "escapes: the file's line and column" "basic.toml:8:49: error:"
{
    rule_head m c3
    cat <<'TOML'
query = """
event.code:\u00e9 and \
    destination.port:abc"""
TOML
} >"$WORK/ml.toml"
expect_status "a multi-line basic string with a line-ending backslash" 1 \
    "$KQLC" build "$WORK/ml.toml" -o "$WORK/x"
expect_err "line-ending backslash: the file's line and column" \
    "ml.toml:10:22: error:"

# A NUL in a rule's name would cut it short in every alert.
{
    rule_head 'evil\u0000tail' c4
    echo 'query = "a:b"'
} >"$WORK/nul.toml"
expect_status "a NUL in a rule's name is refused" 1 \
    "$KQLC" build "$WORK/nul.toml" -o "$WORK/x"
expect_err "the NUL is reported" "'name' holds a NUL character"

expect_status "the same rule twice still builds" 0 \
    "$KQLC" emit "$PORT26_RULE" "$PORT26_RULE" -o "$WORK/x.c"
expect_err "the same rule twice is a warning" "is also the rule_id of"

# A value list of 100,000 values compiles in bounded memory (it needed
# memory quadratic in the list and was killed).
awk 'BEGIN { printf "event.code:("; for (i = 0; i < 100000; i++)
             printf "%sv%d", i ? " or " : "", i; print ")" }' \
    >"$WORK/wide.kql"
if (ulimit -v 600000; "$KQLC" emit "$WORK/wide.kql" -o "$WORK/wide.c") \
        2>"$WORK/err"; then
    ok "a list of 100,000 values compiles within 600 MB"
else
    not_ok "a list of 100,000 values compiles within 600 MB" \
        "$(head -n 3 "$WORK/err")"
fi
check "the 100,000 values are one set" "1" \
    "$(grep -c 'krt_any_kw_in(ev, F_EVENT_CODE, rule_wide_set1, 100000)' \
       "$WORK/wide.c")"

expect_status "parse: a write error is reported" 2 \
    sh -c "\"$KQLC\" parse --json 'a:1' >/dev/full"

# An Elasticsearch 6 mapping puts the fields under the type's name; it
# used to load as no field at all, silently.
printf '%s%s' '{"idx":{"mappings":{"_doc":{"properties":' \
    '{"custom":{"properties":{"n":{"type":"long"}}}}}}}}' >"$WORK/typed.json"
printf '%s\n' '{"custom":{"n":"026"}}' >"$WORK/n.ndjson"
expect_status "a typed (6.x) mapping loads" 0 \
    "$KQLC" run --mapping "$WORK/typed.json" --query 'custom.n:26' \
    --format count "$WORK/n.ndjson"
check "its field is a long: \"026\" is 26" "1" "$(cat "$WORK/out")"
printf '%s' '{"idx":{"mappings":{}}}' >"$WORK/empty-mapping.json"
expect_status "a mapping with no fields" 0 \
    "$KQLC" emit --mapping "$WORK/empty-mapping.json" --query 'a:b' \
    -o "$WORK/x.c"
expect_err "a mapping with no fields is a warning" \
    "the mapping of index 'idx' defines no fields"
