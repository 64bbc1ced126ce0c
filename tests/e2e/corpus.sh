#!/bin/sh
# The shared corpus: Elastic's KQL rules as a Kibana export.
#
# 'kqlc check' must give the counts pinned in data/corpus-summary.txt and
# reject exactly the rules of data/corpus-rejected.txt (rule_id, name and
# first error, tab-separated), no more and no fewer: a rule kqlc learns
# to compile, or stops compiling, fails the test until the list is
# rewritten on purpose (make update-corpus, then review the diff).  Then
# every accepted rule goes into ONE detector, run over the shared ECS
# datasets natively, with the JIT and with the interpreter: the alerts
# and the per-rule counters must be identical.
. "$(dirname "$0")/lib.sh"

EXPORT="$SHARED/rules/kuery-rules.ndjson"
DATA="$ROOT/tests/e2e/data"
SUMMARY="$DATA/corpus-summary.txt"
REJECTED="$DATA/corpus-rejected.txt"

have_shared "corpus" || exit 0
if [ ! -f "$EXPORT" ]; then
    skip "corpus: $EXPORT is absent"
    exit 0
fi

# ------------------------------------------------------------ kqlc check

"$KQLC" check --list "$EXPORT" >"$WORK/list" 2>"$WORK/check.err"
status=$?
tail -n 1 "$WORK/list" >"$WORK/summary"
awk -F '\t' '$1 == "rejected" { print $3 "\t" $4 "\t" $5 }' "$WORK/list" \
    | LC_ALL=C sort >"$WORK/rejected"

if [ -n "${KQLC_UPDATE_CORPUS:-}" ]; then
    cp "$WORK/summary" "$SUMMARY"
    cp "$WORK/rejected" "$REJECTED"
    echo "wrote $SUMMARY and $REJECTED: $(cat "$SUMMARY")"
    exit 0
fi

check "corpus: check's counts" "$(cat "$SUMMARY")" "$(cat "$WORK/summary")"
if [ -s "$REJECTED" ]; then want=1; else want=0; fi
check "corpus: check's exit status" "$want" "$status"

LC_ALL=C sort "$REJECTED" >"$WORK/rejected.want"
gone=$(LC_ALL=C comm -23 "$WORK/rejected.want" "$WORK/rejected")
new=$(LC_ALL=C comm -13 "$WORK/rejected.want" "$WORK/rejected")
name="corpus: the rejected rules are the listed ones, for the listed reasons"
if [ -z "$gone$new" ]; then
    ok "$name"
else
    not_ok "$name" \
        "listed but not rejected (or for another reason):" \
        "$(printf '%s\n' "$gone" | head -n 10)" \
        "rejected but not listed (or for another reason):" \
        "$(printf '%s\n' "$new" | head -n 10)" \
        "(make update-corpus rewrites the list; review the diff)"
fi

# Every rule accepted with warnings has been reviewed: it is listed in
# data/corpus-warned.txt, saying whether and why kqlc's answers may
# differ from Elasticsearch's; and every listed rule still warns.
WARNED="$DATA/corpus-warned.txt"
awk -F '\t' '$1 == "warnings" { print $3 }' "$WORK/list" | LC_ALL=C sort \
    >"$WORK/warned"
grep -v '^#' "$WARNED" | cut -f 1 | LC_ALL=C sort >"$WORK/warned.want"
unlisted=$(LC_ALL=C comm -13 "$WORK/warned.want" "$WORK/warned")
stale=$(LC_ALL=C comm -23 "$WORK/warned.want" "$WORK/warned")
name="corpus: every rule that warns is reviewed in corpus-warned.txt"
if [ -z "$unlisted$stale" ]; then
    ok "$name"
else
    not_ok "$name" "warn, not listed: $(echo $unlisted)" \
        "listed, no longer warn: $(echo $stale)"
fi
bad=$(grep -v '^#' "$WARNED" | awk -F '\t' \
    'NF != 3 || ($2 != "same" && $2 != "differs") || length($3) < 20')
check "corpus: each reviewed rule has a verdict and a reason" "" "$bad"

# ------------------------------------------------- the accepted rules, run

# The lines of the export whose rules passed: the list's FILE:LINE.
awk -F '\t' '$1 == "ok" || $1 == "warnings" {
    n = split($2, at, ":"); print at[n] }' "$WORK/list" >"$WORK/lines"
awk 'NR == FNR { keep[$1]; next } FNR in keep' "$WORK/lines" "$EXPORT" \
    >"$WORK/accepted.ndjson"
accepted=$(wc -l <"$WORK/lines")

if "$KQLC" build "$WORK/accepted.ndjson" -o "$WORK/det" \
        2>"$WORK/build.err"; then
    ok "corpus: the $accepted accepted rules build into one detector"
else
    not_ok "corpus: the $accepted accepted rules build into one detector" \
        "$(grep -m 5 'error:' "$WORK/build.err")"
    exit 0
fi
rules=$("$WORK/det" --help | sed -n '/^rules:/,$p' | grep -c '^  ')
check "corpus: the detector holds every accepted rule" "$accepted" "$rules"

# The per-rule counters, without the program's name.
counters() {
    sed -n "s/^[^:]*: \(rule '.*\)/\1/p" "$1"
}

set -- "$SHARED"/datasets/ecs-*.ndjson
"$WORK/det" --format alert "$@" >"$WORK/native" 2>"$WORK/native.err"
counters "$WORK/native.err" >"$WORK/native.rules"
alerts=$(wc -l <"$WORK/native")
for engine in jit interp; do
    "$KQLC" run --engine $engine --rules "$WORK/accepted.ndjson" \
        --format alert "$@" >"$WORK/$engine" 2>"$WORK/$engine.err"
    counters "$WORK/$engine.err" >"$WORK/$engine.rules"
    name="corpus: $engine gives the detector's $alerts alerts and counters"
    if cmp -s "$WORK/native" "$WORK/$engine" \
            && cmp -s "$WORK/native.rules" "$WORK/$engine.rules"; then
        ok "$name"
    else
        not_ok "$name" \
            "$(diff "$WORK/native" "$WORK/$engine" | head -n 4)" \
            "$(diff "$WORK/native.rules" "$WORK/$engine.rules" | head -n 4)" \
            "$(grep -m 3 'error' "$WORK/$engine.err")"
    fi
done
check "corpus: one counter line per rule" "$accepted" \
    "$(wc -l <"$WORK/native.rules")"
