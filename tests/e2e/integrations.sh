#!/bin/sh
# Fields that ECS lacks and Elastic's integrations define
# (compiler/fields/integrations.tsv), end to end on the detector, the JIT
# and the interpreter, with no --mapping.  The expected lines were worked
# out by hand from Elasticsearch's documented behaviour:
# - powershell.file.script_block_length is a long (the Windows
#   integration): numbers, numeric strings and exponents are numbers, a
#   fraction is dropped, a range compares numbers;
# - powershell.file.script_block_text is text analysed by the
#   integration's powershell_script_analyzer, a pattern analyzer that
#   splits at every run of characters other than ASCII letters, digits,
#   '_' and '-', lower case: "Invoke-Mimikatz" is one token, "-Command"
#   is the token "-command";
# - aws.cloudtrail.flattened.request_parameters is flattened: a key under
#   it is a keyword, numbers and booleans indexed as their text, a range
#   compares text;
# - process.name.caseless is a keyword with the lowercase normalizer
#   (system integration): values and the query's values are lower-cased
#   code point by code point (U+0130 becomes 'i'), for match, wildcard
#   and range queries alike;
# - github.repository_public is a boolean: true, false and their strings;
# - winlog.event_data.* is a dynamic template of keywords;
# - kibana.alert.risk_score is a float (Kibana's alert field map).
. "$(dirname "$0")/lib.sh"

MAPPING=
EVENTS="$WORK/integrations.ndjson"
cat >"$EVENTS" <<'EVENTS'
{"powershell":{"file":{"script_block_length":999}}}
{"powershell":{"file":{"script_block_length":1000}}}
{"powershell":{"file":{"script_block_length":"1500"}}}
{"powershell":{"file":{"script_block_length":1e3}}}
{"powershell":{"file":{"script_block_length":"1000.9"}}}
{"powershell":{"file":{"script_block_length":"abc"}}}
{"powershell":{"file":{"script_block_length":[10,2000]}}}
{"powershell":{"file":{"script_block_length":999.99}}}
{"powershell":{"file":{"script_block_text":"function Invoke-Mimikatz { param($Command) }"}}}
{"powershell":{"file":{"script_block_text":"Invoke-Expression -Command $c"}}}
{"powershell":{"file":{"script_block_text":"invoke mimikatz"}}}
{"aws":{"cloudtrail":{"flattened":{"request_parameters":{"attribute":"userData","ipPermissions":{"items":[{"fromPort":22},{"fromPort":3389}]}}}}}}
{"aws":{"cloudtrail":{"flattened":{"request_parameters":{"attribute":"UserData","reason":true}}}}}
{"aws.cloudtrail.flattened.request_parameters":{"attribute":"userData"}}
{"process":{"name":"CMD.EXE"}}
{"process":{"name":"cmd.exe"}}
{"process":{"name":"Cmd.exe.bak"}}
{"process":{"name":["powershell.exe","CMD.exe"]}}
{"process":{"name":"\u0130NFO.EXE"}}
{"github":{"repository_public":true}}
{"github":{"repository_public":"false"}}
{"github":{"repository_public":"yes"}}
{"winlog":{"event_data":{"NewField":"abc"}}}
{"kibana":{"alert":{"risk_score":73}}}
{"kibana.alert.risk_score":"47"}
EVENTS

# A long: 1e3 and "1000.9" are 1000, 999.99 is 999, "abc" is no number;
# one element of an array is enough.
expect_lines 'powershell.file.script_block_length >= 1000' '2 3 4 5 7'
expect_lines 'powershell.file.script_block_length:1000' '2 4 5'
expect_lines 'powershell.file.script_block_length < 1000' '1 7 8'

# The powershell_script_analyzer: the standard analyzer would also find
# 'invoke' in lines 9 and 10, and 'command' in line 10.
expect_lines 'powershell.file.script_block_text:"Invoke-Mimikatz"' '9'
expect_lines 'powershell.file.script_block_text:Invoke-Mimikatz' '9'
expect_lines 'powershell.file.script_block_text:invoke' '11'
expect_lines 'powershell.file.script_block_text:command' '9'
expect_lines 'powershell.file.script_block_text:"invoke mimikatz"' '11'
expect_lines 'powershell.file.script_block_text:Invoke-*' '9 10'

# Keys under a flattened field: case-sensitive keywords, dotted keys or
# nested objects alike; "22" < "3" as text.
R=aws.cloudtrail.flattened.request_parameters
expect_lines "$R.attribute:userData" '12 14'
expect_lines "$R.attribute:user*" '12 14'
expect_lines "$R.ipPermissions.items.fromPort:22" '12'
expect_lines "$R.ipPermissions.items.fromPort < 3" '12'
expect_lines "$R.reason:true" '13'
expect_lines "$R.reason:*" '13'

# The lowercase normalizer; process.name itself is compared as written.
expect_lines 'process.name.caseless:cmd.exe' '15 16 18'
expect_lines 'process.name.caseless:CMD.EXE' '15 16 18'
expect_lines 'process.name.caseless:"Cmd.Exe"' '15 16 18'
expect_lines 'process.name.caseless:cmd*' '15 16 17 18'
expect_lines 'process.name.caseless:*.EXE' '15 16 18 19'
expect_lines 'process.name.caseless:info.exe' '19'
expect_lines 'process.name.caseless >= "POWERSHELL"' '18'
expect_lines 'process.name:cmd.exe' '16'

# A boolean: "yes" is none, so it does not exist either.
expect_lines 'github.repository_public:true' '20'
expect_lines 'github.repository_public:false' '21'
expect_lines 'github.repository_public:*' '20 21'

expect_lines 'winlog.event_data.NewField:abc' '23'
expect_lines 'kibana.alert.risk_score >= 73' '24'
expect_lines 'kibana.alert.risk_score < 73' '25'

# None of these fields is unknown: no -Wunknown-field.
expect_status 'integration fields are known' 0 "$KQLC" build \
    --query "process.name.caseless:x and $R.attribute:y and
             powershell.file.script_block_length > 1" -o "$WORK/known"
if grep -q 'unknown-field' "$WORK/err"; then
    not_ok 'integration fields draw no -Wunknown-field' "$(cat "$WORK/err")"
else
    ok 'integration fields draw no -Wunknown-field'
fi
# A query on a flattened field itself (not a key under it) reads every
# leaf below it as a keyword: numbers and booleans as their text.
expect_lines "$R:userData" '12 14'
expect_lines "$R:22" '12'
expect_lines "$R:true" '13'
expect_lines "$R:User*" '13'
expect_lines "$R >= \"3\"" '12 13 14'
expect_lines "not $R:userData" \
    "$(seq 1 25 | grep -vxE '12|14' | tr '\n' ' ' | sed 's/ $//')"
