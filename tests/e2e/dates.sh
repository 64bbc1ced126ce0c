#!/bin/sh
# Date fields end to end: each query is built into a detector and run
# with --now, and the JIT and the interpreter must give its output.  The
# expected lines were worked out by hand from Elasticsearch's
# documentation: Kibana sends f:v on a date field as a range from v (gte)
# to v (lte); gt and lte round up to the last millisecond of what the
# value leaves out, gte and lt round down; missing month and day are 01
# (range query, 'Missing date components'); date math and 'now' as in
# 'Date math'; a value that is no date is not indexed (ignore_malformed).
. "$(dirname "$0")/lib.sh"

# The clock: 2024-01-03T12:00:00Z, a Wednesday.
NOW=2024-01-03T12:00:00Z

EVENTS="$WORK/dates.ndjson"
cat >"$EVENTS" <<'EOF'
{"@timestamp":"2024-01-02T00:00:00Z"}
{"@timestamp":"2024-01-02T23:59:59.999Z"}
{"@timestamp":"2024-01-03T00:00:00Z"}
{"@timestamp":"2024-01-02T01:00:00+02:00"}
{"@timestamp":1704189600000}
{"@timestamp":"1704189600000"}
{"@timestamp":"2024-01-03T11:59:59.9999Z"}
{"@timestamp":"2024-01-03T12:00:00Z"}
{"@timestamp":"not a date"}
{"@timestamp":2024}
{"@timestamp":["garbage","2024-02-29T12:00:00Z"]}
{"event":{"created":"2024-01-02T00:00:00Z"}}
{"@timestamp":null}
{"@timestamp":"2023-12-31T23:59:59.999-01:00"}
EOF

n=0
# expect QUERY LINES: the lines (space-separated) the query matches.
expect() {
    n=$((n + 1))
    det="$WORK/det$n"
    if ! "$KQLC" build --query "$1" -o "$det" 2>"$WORK/build.err"; then
        not_ok "$1: builds" "$(head -n 3 "$WORK/build.err")"
        return
    fi
    engines_run "$1" "$WORK/out$n" "--query=$1" "$det" --now "$NOW" \
        --quiet --format lines "$EVENTS"
    check "$1: matches lines $2" "$2" \
        "$(tr '\n' ' ' <"$WORK/out$n" | sed 's/ $//')"
}

# Equality covers the value's precision: a day, ...
expect '@timestamp:2024-01-02' '1 2 5 6'
expect '@timestamp:"2024-02-29"' '11'
# ... and a month or a year covers one day: the missing day is 01.
expect '@timestamp:2024-01' '4 10 14'
expect '@timestamp:2024' '4 10 14'
expect '@timestamp:1704189600000' '5 6'
# Each operator rounds its own way.
expect '@timestamp >= 2024-01-02 and @timestamp < 2024-01-03' '1 2 5 6'
expect '@timestamp > 2024-01-02' '3 7 8 11'
expect '@timestamp <= 2024-01-02' '1 2 4 5 6 10 14'
expect '@timestamp <= "2024-01-01T00:59:59.999Z"' '10 14'
# Date math, with and without the clock.
expect '@timestamp < now-1d/d' '4 10 14'
expect '@timestamp > now-1d/d' '3 7 8 11'
expect '@timestamp >= now-1h' '7 8 11'
expect '@timestamp:now' '8'
expect '@timestamp >= now/w' '1 2 3 4 5 6 7 8 10 11 14'
expect '@timestamp:"2024-01-01||+1M/M"' '11'
# Existence: a value that is no date is none.
expect '@timestamp:*' '1 2 3 4 5 6 7 8 10 11 14'
expect 'not @timestamp:*' '9 12 13'
expect 'event.created:2024-01-02 or @timestamp:2024-02-29' '11 12'

# The clock is the detector's: the same detector at another --now.
"$WORK/det10" --now 2024-01-04T12:00:00Z --quiet --format lines \
    "$EVENTS" >"$WORK/later"
check "a later --now moves now-1d/d" "1 2 4 5 6 10 14" \
    "$(tr '\n' ' ' <"$WORK/later" | sed 's/ $//')"
"$WORK/det10" --now 1704283200000 --quiet --format lines \
    "$EVENTS" >"$WORK/millis"
check "--now in epoch milliseconds" "4 10 14" \
    "$(tr '\n' ' ' <"$WORK/millis" | sed 's/ $//')"

printf '@timestamp < now-1d/d\n' \
    | "$KQLC" repl --now "$NOW" "$EVENTS" >"$WORK/repl" 2>&1
check "kqlc repl --now sets its clock" "3 matches" \
    "$(sed -n 's/^\([0-9]* matches\).*/\1/p' "$WORK/repl")"

# -------------------------------------------------------------- errors

# expect_error NAME STATUS TEXT CMD...: CMD exits STATUS, stderr has TEXT.
expect_error() {
    name=$1
    want=$2
    text=$3
    shift 3
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" = "$want" ] && grep -qF -- "$text" "$WORK/err"; then
        ok "$name (exit $want)"
    else
        not_ok "$name (exit $want)" "exit $got" "$(head -n 4 "$WORK/err")"
    fi
}

expect_error "a day that does not exist" 1 \
    "'2024-02-30' is no date for field '@timestamp' (date)" \
    "$KQLC" emit --query '@timestamp:2024-02-30'
expect_error "an unknown unit of date math" 1 \
    "the unit is not one of y, M, w, d, h, H, m, s" \
    "$KQLC" emit --query '@timestamp > now-1x'
expect_error "rounding to two days" 1 "rounding '/' takes a single unit" \
    "$KQLC" emit --query '@timestamp < now/2d'
expect_error "a boolean on a date field" 1 "'true' is no date" \
    "$KQLC" emit --query '@timestamp:true'
expect_error "a wildcard on a date field" 1 \
    "wildcards only apply to keyword fields" \
    "$KQLC" emit --query '@timestamp:2024*'
# LIMIT(zones): a region id is refused, not guessed at.
expect_error "a zone named by region" 1 "names its time zone by region" \
    "$KQLC" emit --query '@timestamp:"2024-01-02T10:00Europe/Paris"'
expect_error "kqlc build takes no --now" 2 "give --now to the detector" \
    "$KQLC" build --query '@timestamp > now-1d' --now "$NOW" -o "$WORK/x"
expect_error "a detector's --now must be a date" 2 \
    "--now expects an ISO 8601 date or epoch milliseconds" \
    "$WORK/det10" --now yesterday "$EVENTS"
# Date math that leaves the dates a long holds at the given clock.
"$KQLC" build --query '@timestamp > now+200000000y' -o "$WORK/far" \
    2>/dev/null
expect_error "date math out of range at --now" 2 \
    "cannot be worked out at --now" \
    "$WORK/far" --now 3000000000000000000 "$EVENTS"
expect_error "kqlc run reads --now as a detector does" 2 \
    "--now expects an ISO 8601 date" \
    "$KQLC" run --query '@timestamp:now' --now soon "$EVENTS"
