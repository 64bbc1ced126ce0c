#!/bin/sh
# Text and match_only_text fields end to end: each query is built into a
# detector, and the JIT and the interpreter must give its output.  The
# expected lines were worked out by hand from Elasticsearch's
# documentation: the standard analyzer splits a value at UAX #29 word
# boundaries (letters and digits only; dog's is one token) and lowers its
# case one character at a time (no final sigma: ΟΔΟΣ is οδοσ); Kibana
# sends an unquoted value as match (any token of the value) and a quoted
# one as match_phrase (its tokens in a row, in one element of an array);
# a value with no token matches nothing (zero_terms_query none); a value
# with wildcards goes as query_string, whose wildcard terms are lower-cased
# patterns over single tokens.
. "$(dirname "$0")/lib.sh"

EVENTS="$WORK/text.ndjson"
cat >"$EVENTS" <<'EOF'
{"message":"The 2 QUICK Brown-Foxes jumped over the lazy dog's bone."}
{"message":["quick brown","Foxes jumped"]}
{"message":"QUICK-BROWN foxes"}
{"error":{"message":"Access is denied. (0x80070005)"}}
{"process":{"command_line":"powershell.exe -enc SQBFAFgA IEX(Invoke-Mimikatz)"}}
{"process.command_line":"cmd.exe /c \"whoami /all\""}
{"message":"mimikatz # sekurlsa::logonpasswords"}
{"message":"Ünïcödé ΟΔΟΣ 中文 😀 dogs"}
{"message":null}
{"message":12345}
{"file":{"path":"C:\\Windows\\System32\\drivers\\etc\\hosts"}}
{"message":"brown"}
{"message":"function Invoke-Mimikatz { param($Command) }"}
EOF
# Line 14: a subject past its keyword's ignore_above (1024): the keyword
# does not index it, its .text multi-field does.
printf '{"email":{"subject":"%s urgent"}}\n' "$(printf '%01100d' 0)" \
    >>"$EVENTS"

n=0
# expect QUERY LINES: the lines (space-separated) the query matches.
expect() {
    n=$((n + 1))
    det="$WORK/det$n"
    if ! "$KQLC" build --query "$1" -o "$det" 2>"$WORK/build.err"; then
        not_ok "$1: builds" "$(head -n 3 "$WORK/build.err")"
        return
    fi
    engines_run "$1" "$WORK/out$n" "--query=$1" "$det" --quiet \
        --format lines "$EVENTS"
    check "$1: matches lines '$2'" "$2" \
        "$(tr '\n' ' ' <"$WORK/out$n" | sed 's/ $//')"
}

# match: any token; case does not matter, punctuation splits words.
expect 'message:quick' '1 2 3'
expect 'message:QUICK' '1 2 3'
expect 'message:(fox or dogs)' '8'
expect 'message:DOG' ''
expect 'message:12345' '10'
expect 'message:中' '8'
expect 'message:😀' '8'
expect 'message:sekurlsa\:\:logonpasswords' '7'
expect 'not message:brown' '4 5 6 7 8 9 10 11 13 14'
# match_phrase: the tokens in a row, never across array elements.
expect 'message:"quick brown"' '1 2 3'
expect 'message:"brown foxes"' '1 3'
expect 'message:"brown fox"' ''
expect "message:\"dog's bone\"" '1'
expect 'message:"中文"' '8'
expect 'message:"mimikatz #"' '7 13'
expect 'message:"Invoke-Mimikatz"' '13'
# Lower case is one character at a time: final sigma is no sigma.
expect 'message:"ΟΔΟΣ"' '8'
expect 'message:οδος' ''
# The other text fields of ECS, multi-fields among them.
expect 'error.message:"access is denied"' '4'
expect 'error.message:0x80070005' '4'
expect 'process.command_line.text:"invoke mimikatz"' '5'
expect 'process.command_line.text:whoami and process.command_line:*whoami*' '6'
q='process.command_line:*Mimikatz* and not'
expect "$q process.command_line.text:sekurlsa" '5'
expect 'file.path.text:"System32 drivers"' '11'
expect 'email.subject.text:URGENT' '14'
expect 'email.subject:*' ''
# Wildcards: patterns over single tokens, lower-cased; '-' is in none.
expect 'message:qui*' '1 2 3'
expect 'message:*IKATZ' '7 13'
expect 'message:Brown-Fox*' ''
expect 'message:brow* jumped' '1 2 3 12'
expect 'message:*' '1 2 3 7 8 10 12 13'

# A value with no token matches nothing, and kqlc says so.
expect 'not message:"!!!"' '1 2 3 4 5 6 7 8 9 10 11 12 13 14'
"$KQLC" build --query 'message:"!!!"' -o "$WORK/empty" 2>"$WORK/empty.err"
check "a value with no token: a warning" "1" \
    "$(grep -c "warning: '!!!' has no word for text field 'message'" \
        "$WORK/empty.err")"
if "$KQLC" build -Werror --query 'message:"!!!"' -o "$WORK/empty2" \
        2>/dev/null; then
    not_ok "a value with no token: -Werror refuses the rule"
else
    ok "a value with no token: -Werror refuses the rule"
fi

# The shared evaluation cases on the text fields kqlc knows.
if have_shared "evaluation cases on text fields"; then
    cases="$SHARED/cases/eval-cases.ndjson"
    known='^(message|error\.message|[a-z_.]+\.text)[ ]*:'
    jq -c --arg re "$known" 'select(.query | test($re))' "$cases" \
        >"$WORK/cases"
    i=0
    while IFS= read -r c; do
        i=$((i + 1))
        q=$(printf '%s' "$c" | jq -r .query)
        printf '%s\n' "$c" | jq -c .doc >"$WORK/case$i.ndjson"
        want=$(printf '%s' "$c" | jq -r 'if .match then "1" else "" end')
        "$KQLC" build --query "$q" -o "$WORK/case$i" 2>/dev/null
        engines_run "eval case $q" "$WORK/case$i.out" "--query=$q" \
            "$WORK/case$i" --quiet --format lines "$WORK/case$i.ndjson"
        check "eval case $q" "$want" "$(cat "$WORK/case$i.out")"
    done <"$WORK/cases"
fi
