#!/bin/sh
# The command lines of kqlc and of a detector: usage errors, rejected
# rules with their diagnostics, I/O errors and malformed events.
. "$(dirname "$0")/lib.sh"

# expect_status NAME STATUS CMD...: run CMD, check its exit status.
expect_status() {
    name=$1
    want=$2
    shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" = "$want" ]; then
        ok "$name (exit $want)"
    else
        not_ok "$name (exit $want)" "exit $got" "$(head -n 5 "$WORK/err")"
    fi
}

# expect_err NAME TEXT: the last command's stderr holds TEXT.
expect_err() {
    if grep -qF -- "$2" "$WORK/err"; then
        ok "$1"
    else
        not_ok "$1" "stderr lacks: $2" "$(head -n 6 "$WORK/err")"
    fi
}

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
