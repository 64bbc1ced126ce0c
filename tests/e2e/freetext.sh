#!/bin/sh
# Free text (a value with no field), end to end on the detector, the JIT
# and the interpreter.  Kibana sends it as a lenient multi_match over
# every field (a query_string when the value has a wildcard): each field
# reads the value as its type reads it, and a type that cannot read it
# ignores it.  The expected lines were worked out by hand from that and
# from each field's ECS type: keyword fields compare the whole value
# (case matters), text and match_only_text fields (message, the .text
# multi-fields) compare analysed tokens (lower case; a quoted value is a
# phrase), numeric fields read numbers and numeric strings, ip fields
# addresses and CIDR blocks, date fields dates; a field no table knows
# is a keyword.
. "$(dirname "$0")/lib.sh"

MAPPING=""
EVENTS="$WORK/free.ndjson"
cat >"$EVENTS" <<'EOF2'
{"process":{"command_line":"bash -c id","pid":26,"name":"bash"},"source":{"ip":"10.1.2.3"},"@timestamp":"2024-01-01T10:00:00Z"}
{"custom":{"note":"Bash"},"tags":["alpha","beta"]}
{"message":"Login FAILED for user admin"}
{"destination.port":"443","network":{"transport":"TCP"}}
{"user":{"name":"Alice"},"event":{"outcome":"failure"},"x":null}
{"host":{"ip":["2001:db8::1","192.0.2.7"]},"event":{"duration":1500}}
{"file":{"path":"C:\\Windows\\System32\\cmd.exe"}}
{"a":{"b":[{"c":"deep value"}]},"url":{"original":"http://example.com/x"}}
{"weird key":"bash","esc\u0061ped":"v\u0061lue"}
{"process":{"pid":"26.0"}}
{"message":"no"}
EOF2

# process.command_line.text has the token bash; process.name is "bash";
# 'weird key' (unknown: a keyword) is "bash"; custom.note "Bash" is a
# keyword, and case matters there.
expect_lines 'bash' '1 9'
expect_lines 'Bash' '1 2'
expect_lines '"bash"' '1 9'
# message is match_only_text: tokens login failed for user admin.
expect_lines 'failed' '3'
expect_lines '"failed for"' '3'
expect_lines '"for failed"' ''
expect_lines 'FAILED' '3'
# destination.port is a long: "443" is 443; network.transport is a
# keyword holding "TCP", not "tcp".
expect_lines '443' '4'
expect_lines 'tcp' ''
expect_lines 'TCP' '4'
# host.ip is an ip: a CIDR block and an address (quoted: ':' would
# otherwise end a field name).
expect_lines '192.0.2.0/24' '6'
expect_lines '"2001:db8::1"' '6'
expect_lines '"2001:0db8:0:0:0:0:0:1"' '6'
# event.duration and process.pid are longs; "26.0" is 26.
expect_lines '1500' '6'
expect_lines '26' '1 10'
expect_lines '26.5' ''
# @timestamp: a date equals its whole day.
expect_lines '2024-01-01' '1'
# file.path is a keyword, file.path.text match_only_text (cmd.exe stays
# one token: '.' between letters does not break a word).  Unquoted, the
# path is also the tokens c, windows, system32, cmd.exe, any of which
# matches: line 1's command line has the token c.
expect_lines 'C\:\\Windows\\System32\\cmd.exe' '1 7'
expect_lines '"C:\\Windows\\System32\\cmd.exe"' '7'
expect_lines 'cmd.exe' '7'
expect_lines 'system32' '7'
# a.b.c is unknown: a keyword, the whole value only.
expect_lines 'deep' ''
expect_lines '"deep value"' '8'
# Wildcards: a keyword matches the whole value, a text field a token
# (the pattern lower-cased); url.original is a wildcard field whose
# .text has the token example.com.
expect_lines 'exam*' '8'
expect_lines '*dmin' '3'
expect_lines 'Ba*' '1 2'
expect_lines 'v*e' '9'
# Escaped keys and values are read decoded.
expect_lines 'value' '9'
expect_lines 'beta' '2'
expect_lines 'failure or alice' '5'
expect_lines 'not bash' '2 3 4 5 6 7 8 10 11'
expect_lines 'process.pid:26 and bash' '1'
expect_lines 'true' ''

# Values below a nested field live in each element's hidden document,
# which free text never reaches: process.pe.sections is nested in ECS,
# however its keys are written (nested, dotted, or both).
EVENTS="$WORK/nested.ndjson"
printf '%s\n' '{"process":{"pe":{"sections":[{"name":"xq"}]}}}' \
    '{"process":{"pe":{"sections.name":"xq"}}}' \
    '{"process.pe.sections":{"name":"xq"}}' '{"a":"xq"}' \
    '{"process":{"pe":{"original_file_name":"xq"}}}' >"$EVENTS"
expect_lines 'xq' '4 5'
expect_lines 'x*' '4 5'

# Free text inside a nested query is refused, with a reason.
"$KQLC" build --query 'process.pe.sections:{ bash }' -o "$WORK/nf" \
    2>"$WORK/err"
check "free text in a nested query: refused" 1 "$?"
expect_err "free text in a nested query: says why" \
    "free text inside a nested query is not supported"
