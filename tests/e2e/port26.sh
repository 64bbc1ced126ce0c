#!/bin/sh
# The port-26 rule end to end: the detector built from
# rules/command_and_control_smtp_to_the_internet_port_26.toml on real
# documents, on mutations of them with verdicts worked out by hand
# (data/port26-mutations.tsv), on the shared evaluation cases, and its
# output formats and counters.
. "$(dirname "$0")/lib.sh"

DET="$WORK/port26"
PORT26_ID=d7e62693-aab9-4f66-a21a-3d79ecdd603d
if ! "$KQLC" build "$PORT26_RULE" -o "$DET" 2>"$WORK/build.err"; then
    not_ok "build the port-26 detector" "$(cat "$WORK/build.err")"
    exit 1
fi
ok "build the port-26 detector"

# ------------------------------------------------------------ real docs

real_documents() {
    have_shared "real documents" || return 0
    for f in "$SHARED"/datasets/ecs-*.ndjson; do
        name=$(basename "$f")
        lines=$(grep -c '' "$f")
        # Precondition, checked independently with jq: no document of the
        # shared datasets has destination.port 26, so none may match.
        hits=$(jq -c 'select([.destination.port?, .["destination.port"]?]
                | map(select(. != null)) | flatten
                | any(tostring == "26"))' "$f" | wc -l)
        engines_run "real $name" "$WORK/count" "$PORT26_RULE" "$DET" \
            --format count "$f"
        cp "$WORK/count.err" "$WORK/stderr"
        check "real $name: $hits matches" "$hits" "$(cat "$WORK/count")"
        check "real $name: $lines events, no malformed" \
            "$lines events 0 malformed" \
            "$(events_malformed "$WORK/stderr")"
    done
}

# ------------------------------------------------------------ mutations

mutations() {
    have_shared "mutations" || return 0
    tsv="$ROOT/tests/e2e/data/port26-mutations.tsv"
    base=$(sed -n 's/^# BASE\t//p' "$tsv")
    # One real document of each shape: Zeek, network_traffic, pfSense,
    # PAN-OS, Zeek SMTP.
    for f in ecs-zeek-connection ecs-network_traffic ecs-pfsense-log \
             ecs-panw-panos ecs-zeek-smtp; do
        head -n 1 "$SHARED/datasets/$f.ndjson"
    done >"$WORK/bases.ndjson"
    nbases=$(grep -c '' "$WORK/bases.ndjson")

    : >"$WORK/mutations.ndjson"
    : >"$WORK/expected"
    : >"$WORK/rows"
    line=0
    grep -v '^#' "$tsv" | grep -v '^$' >"$WORK/table"
    while IFS='	' read -r verdict name prog; do
        filter=${prog%% ;; *}
        sedexpr=
        [ "$filter" != "$prog" ] && sedexpr=${prog#* ;; }
        if ! jq -c "$base | $filter" "$WORK/bases.ndjson" \
                >"$WORK/one" 2>"$WORK/jq.err"; then
            not_ok "mutation '$name': jq failed" "$(cat "$WORK/jq.err")"
            continue
        fi
        [ -n "$sedexpr" ] && sed -i "$sedexpr" "$WORK/one"
        cat "$WORK/one" >>"$WORK/mutations.ndjson"
        i=0
        while [ $i -lt "$nbases" ]; do
            line=$((line + 1))
            i=$((i + 1))
            echo "$line	$verdict	$name" >>"$WORK/rows"
            [ "$verdict" = match ] && echo "$line" >>"$WORK/expected"
        done
    done <"$WORK/table"

    engines_run "mutations" "$WORK/found" "$PORT26_RULE" "$DET" \
        --format lines "$WORK/mutations.ndjson"
    cp "$WORK/found.err" "$WORK/stderr"
    # Report per row of the table, naming the documents that disagree.
    sort -n "$WORK/expected" >"$WORK/e"
    sort -n "$WORK/found" >"$WORK/f"
    comm -3 "$WORK/e" "$WORK/f" | tr -d '\t' >"$WORK/wrong"
    while IFS='	' read -r verdict name prog; do
        bad=$(awk -F '\t' -v n="$name" 'NR==FNR { w[$1] = 1; next }
              $3 == n && ($1 in w) { printf "%s ", $1 }' \
              "$WORK/wrong" "$WORK/rows")
        if [ -z "$bad" ]; then
            ok "mutation: $name ($verdict)"
        else
            not_ok "mutation: $name ($verdict)" "wrong on lines: $bad"
        fi
    done <"$WORK/table"
    total=$(grep -c '' "$WORK/mutations.ndjson")
    check "mutations: every line evaluated" "$total events 0 malformed" \
        "$(events_malformed "$WORK/stderr")"
}

# ------------------------------------------------------------ eval cases

eval_cases() {
    have_shared "evaluation cases" || return 0
    cases="$SHARED/cases/eval-cases.ndjson"
    rule_query=$(jq -r 'select(.query | test("destination.port:26 and"))
                        | .query' "$cases" | head -n 1)
    if [ -z "$rule_query" ]; then
        not_ok "eval cases: no port-26 case found in $cases"
        return
    fi
    jq -c --arg q "$rule_query" 'select(.query == $q) | .doc' "$cases" \
        >"$WORK/cases.ndjson"
    jq -r --arg q "$rule_query" 'select(.query == $q) | .match' "$cases" \
        | awk '$1 == "true" { print NR }' >"$WORK/cases.expected"
    n=$(grep -c '' "$WORK/cases.ndjson")
    # The cases' query and the rule file's query are the same query.
    "$KQLC" build --query "$rule_query" -o "$WORK/case-det" 2>"$WORK/err"
    engines_run "eval cases" "$WORK/cases.found" "$PORT26_RULE" "$DET" \
        --format lines "$WORK/cases.ndjson"
    check_files "eval cases ($n port-26 cases), rule file" \
        "$WORK/cases.expected" "$WORK/cases.found"
    engines_run "eval cases, --query" "$WORK/cases.q" \
        "--query=$rule_query" "$WORK/case-det" \
        --format lines "$WORK/cases.ndjson"
    check_files "eval cases ($n port-26 cases), the cases' own query" \
        "$WORK/cases.expected" "$WORK/cases.q"
}

# ------------------------------------------------------------ formats

formats() {
    sample="$ROOT/tests/data/demo-network.ndjson"
    expected="$ROOT/tests/data/demo-network.expected"
    if [ ! -f "$sample" ]; then
        not_ok "formats: $sample is missing"
        return
    fi
    engines_run "demo sample, lines" "$WORK/lines" "$PORT26_RULE" "$DET" \
        --format lines "$sample"
    grep -v '^#' "$expected" >"$WORK/demo.expected"
    check_files "demo sample: the hand-checked lines" "$WORK/demo.expected" \
        "$WORK/lines"
    n=$(grep -c '' "$WORK/lines")
    check "count format agrees with lines" "$n" \
        "$("$DET" --format count "$sample" 2>/dev/null)"
    # event: the matching lines exactly as read.
    awk 'NR==FNR { want[$1] = 1; next } (FNR in want)' "$WORK/lines" \
        "$sample" >"$WORK/events.expected"
    engines_run "demo sample, events" "$WORK/events" "$PORT26_RULE" "$DET" \
        "$sample"
    check_files "event format prints the matching lines as read" \
        "$WORK/events.expected" "$WORK/events"
    # alert: one JSON object per match, holding the rule and the event.
    engines_run "demo sample, alerts" "$WORK/alerts" "$PORT26_RULE" "$DET" \
        --format alert "$sample"
    check "alert format: one object per match" "$n" \
        "$(jq -c . "$WORK/alerts" | grep -c '')"
    check "alert format: rule metadata" \
        "SMTP to the Internet on Port 26/TCP|$PORT26_ID|low|21|TA0011,TA0010" \
        "$(jq -r '[.rule.name, .rule.rule_id, .rule.severity,
                  (.rule.risk_score | tostring),
                  ([.rule.threat[].tactic.id] | join(","))] | join("|")' \
              "$WORK/alerts" | sort -u)"
    jq -c '.event' "$WORK/alerts" >"$WORK/alert-events"
    jq -c . "$WORK/events.expected" >"$WORK/alert-events.expected"
    check_files "alert format: the original events" \
        "$WORK/alert-events.expected" "$WORK/alert-events"
    # Several files: FILE:LINE, as grep prints.
    engines_run "two files" "$WORK/two" "$PORT26_RULE" "$DET" \
        --format lines "$sample" "$sample"
    check "two files: FILE:LINE" "$(sed "s|^|$sample:|" "$WORK/lines")
$(sed "s|^|$sample:|" "$WORK/lines")" "$(cat "$WORK/two")"
    # Standard input.
    check "standard input" "$(cat "$WORK/lines")" \
        "$("$DET" --format lines <"$sample" 2>/dev/null)"
}

# ------------------------------------------------------------ --dataset

dataset() {
    flow='"network":{"transport":"tcp"},"source":{"ip":"10.0.0.9"},'
    flow=$flow'"destination":{"port":26,"ip":"9.9.9.9"}'
    doc="{$flow,\"event\":{\"category\":[\"process\"]}}"
    own="{\"data_stream\":{\"dataset\":\"zeek.connection\"},$flow}"
    printf '%s\n%s\n' "$doc" "$own" >"$WORK/ds.ndjson"
    check "without --dataset, no dataset: no match" "0" \
        "$("$DET" --format count "$WORK/ds.ndjson" 2>/dev/null)"
    engines_run "--dataset" "$WORK/ds.out" "$PORT26_RULE" "$DET" \
        --format lines --dataset zeek.smtp "$WORK/ds.ndjson"
    check "--dataset zeek.smtp supplies data_stream.dataset" "1" \
        "$(cat "$WORK/ds.out")"
    printf '%s\n' "$own" >"$WORK/own.ndjson"
    check "--dataset does not override an event's own dataset" "0" \
        "$("$DET" --format count --dataset zeek.smtp "$WORK/own.ndjson" \
           2>/dev/null)"
}

real_documents
mutations
eval_cases
formats
dataset
