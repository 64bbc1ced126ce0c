#!/bin/sh
# Kibana rule exports (NDJSON) as rule files, 'kqlc check', and the
# per-rule counters a detector prints at the end of a run.
. "$(dirname "$0")/lib.sh"

# rule NAME ID TYPE LANGUAGE QUERY: one line of an export (QUERY is
# JSON string text, escapes included).
rule() {
    printf '{"name":"%s","rule_id":"%s","type":"%s","language":"%s",' \
        "$1" "$2" "$3" "$4"
    printf '"query":"%s","risk_score":21,"severity":"low",' "$5"
    printf '"threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0011",'
    printf '"name":"Command and Control","reference":"x"}}]}\n'
}

SUMMARY='{"exported_count":5,"exported_rules_count":5,"missing_rules":[],'
SUMMARY="$SUMMARY"'"missing_rules_count":0}'

{
    rule "DNS" dns query kuery 'destination.port:53'
    rule "Bad" bad query kuery 'destination.port:(53 or \"x\\u0041\")'
    rule "Eql" eql eql eql 'network where true'
    rule "Many SMTP" smtp threshold kuery 'destination.port:25'
    echo '{"name":"Broken",'
    echo "$SUMMARY"
} >"$WORK/mixed.ndjson"

{
    rule "DNS" dns query kuery 'destination.port:53'
    rule "SMTP" smtp query kuery \
        'destination.port:25 and\nnetwork.transport:tcp'
    echo "$SUMMARY"
} >"$WORK/good.ndjson"

cat >"$WORK/events.ndjson" <<'EOF'
{"destination":{"port":53},"network":{"transport":"udp"}}
{"destination":{"port":25},"network":{"transport":"tcp"}}
{"destination.port":53}
{"destination":{"port":80}}
EOF

# ------------------------------------------------------------ kqlc check

expect_status "check of a mixed export" 1 "$KQLC" check --list \
    "$WORK/mixed.ndjson"
check "check counts the rules and the skipped ones" \
    "5 rules: 2 ok, 0 with warnings, 2 rejected, 1 skipped (not KQL)" \
    "$(tail -n 1 "$WORK/out")"
# \"x\u0041\" is 'x' then 'A': the bad value's column is the file's.
expect_err "a query's error is at the export's line and column" \
    "mixed.ndjson:2:98: error: 'xA' is not a number"
expect_err "a rule in another language is a note" \
    "mixed.ndjson:3:55: note: rule 'Eql' skipped: not KQL (language 'eql')"
expect_err "a broken line is an error at its line" \
    "mixed.ndjson:5:18: error: invalid JSON:"
expect_err "a threshold rule is compiled, with a note" \
    "note: rule 'Many SMTP' has type 'threshold'"
if grep -q 'exported_count' "$WORK/err"; then
    not_ok "the summary object draws no message" "$(cat "$WORK/err")"
else
    ok "the summary object draws no message"
fi
expect_in "--list: an accepted rule" "$WORK/out" \
    "$(printf 'ok\t%s:1\tdns\tDNS\t-' "$WORK/mixed.ndjson")"
expect_in "--list: a skipped rule, with its note" "$WORK/out" \
    "$(printf "skipped\t%s:3\teql\tEql\trule 'Eql' skipped: not KQL \
(language 'eql')" "$WORK/mixed.ndjson")"
expect_in "--list: a broken line" "$WORK/out" \
    "$(printf "rejected\t%s:5\t-\t-\tinvalid JSON: string or '}' \
expected near end of file" "$WORK/mixed.ndjson")"

expect_status "check of a clean export" 0 "$KQLC" check "$WORK/good.ndjson"
check "check's count line alone on stdout" \
    "2 rules: 2 ok, 0 with warnings, 0 rejected" "$(cat "$WORK/out")"

expect_status "check -Werror: a note is no warning" 1 \
    "$KQLC" check -Werror "$WORK/mixed.ndjson"
check "check -Werror's counts" \
    "5 rules: 2 ok, 0 with warnings, 2 rejected, 1 skipped (not KQL)" \
    "$(tail -n 1 "$WORK/out")"

expect_status "check of TOML and .kql files" 0 \
    "$KQLC" check "$PORT26_RULE" "$WORK/good.ndjson"
check "check counts rules across files" \
    "3 rules: 3 ok, 0 with warnings, 0 rejected" "$(cat "$WORK/out")"

expect_status "check of one rule file twice" 0 \
    "$KQLC" check "$PORT26_RULE" "$PORT26_RULE"
check "a duplicate rule_id is a warning on the second rule" \
    "2 rules: 1 ok, 1 with warnings, 0 rejected" "$(cat "$WORK/out")"
check "one message for the duplicate" 1 \
    "$(grep -c 'is also the rule_id of' "$WORK/err")"

expect_status "check of a missing file" 2 \
    "$KQLC" check "$WORK/missing.ndjson" "$WORK/good.ndjson"
check "the other files are still checked" \
    "2 rules: 2 ok, 0 with warnings, 0 rejected" "$(cat "$WORK/out")"
KQLC_CC=false expect_status "and still go through cc" 3 \
    "$KQLC" check "$WORK/missing.ndjson" "$WORK/good.ndjson"
for kept in $(sed -n "s/.*(kept in '\([^']*\)').*/\1/p" "$WORK/err"); do
    rm -f "$kept"
    rmdir "$(dirname "$kept")"
done
expect_status "check without files" 2 "$KQLC" check

# A C compiler that rejects everything: each rule is found and blamed,
# as our bug (exit 3), and the C of each is kept.
KQLC_CC=false expect_status "cc rejecting the code is internal" 3 \
    "$KQLC" check "$WORK/good.ndjson"
check "cc's rejection blames each rule" \
    "2 rules: 0 ok, 0 with warnings, 2 rejected" "$(cat "$WORK/out")"
expect_err "the rule is named, the C kept" "internal error: the C \
compiler rejected the code generated for rule 'SMTP' (kept in"
for kept in $(sed -n "s/.*(kept in '\([^']*\)').*/\1/p" "$WORK/err"); do
    rm -f "$kept"
    rmdir "$(dirname "$kept")"
done
KQLC_CC=/nonexistent/cc expect_status "no C compiler is a usage error" 2 \
    "$KQLC" check "$WORK/good.ndjson"
check "said once" 1 "$(grep -c 'cannot run the C compiler' "$WORK/err")"

# --------------------------------------------- exports as rule files

expect_status "build of a mixed export rejects it" 1 \
    "$KQLC" build "$WORK/mixed.ndjson" -o "$WORK/det"
expect_status "build of a clean export" 0 \
    "$KQLC" build "$WORK/good.ndjson" -o "$WORK/det"
"$WORK/det" --format alert "$WORK/events.ndjson" >"$WORK/alerts" \
    2>"$WORK/alerts.err"
for engine in jit interp; do
    "$KQLC" run --engine $engine --rules "$WORK/good.ndjson" --format alert \
        "$WORK/events.ndjson" >"$WORK/alerts.$engine" 2>"$WORK/$engine.err"
    check_files "an export's rules: $engine gives the detector's alerts" \
        "$WORK/alerts" "$WORK/alerts.$engine"
done
check "three alerts" 3 "$(wc -l <"$WORK/alerts")"
check "each rule's alerts" \
    "det: rule 'DNS' (dns): 2 alerts
det: rule 'SMTP' (smtp): 1 alerts" \
    "$(grep "rule '" "$WORK/alerts.err")"
check "then the totals" "det: 4 lines = 4 events + 0 malformed + 0 blank, \
3 alerts" "$(tail -n 1 "$WORK/alerts.err" | sed 's/, [0-9]* bytes.*//')"

"$KQLC" run --query 'destination.port:53' "$WORK/events.ndjson" \
    >/dev/null 2>"$WORK/one.err"
check "one rule: no per-rule line" 1 "$(wc -l <"$WORK/one.err")"
"$WORK/det" --quiet "$WORK/events.ndjson" >/dev/null 2>"$WORK/quiet.err"
check "--quiet: no counters at all" 0 "$(wc -l <"$WORK/quiet.err")"
