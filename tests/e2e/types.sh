#!/bin/sh
# The meaning of each scalar type, end to end on the detector, the JIT
# and the interpreter, through a mapping that gives one field of each
# type.  Expected lines were worked out by hand from Elasticsearch's
# documented behaviour on a logs data stream, whose index settings
# ignore malformed values (index.mapping.ignore_malformed): a value its
# field cannot read is left out of the index and the rest of the
# document stays, so it matches nothing, not even f:*, while 'not'
# still holds.
#   byte, short, integer, long: numbers and numeric strings ("42",
#     "4.2e1"); a fraction is dropped (42.9 is 42); a value out of the
#     type's range (128 for a byte) or no number ("0x10") is malformed.
#   keyword: exact bytes, case matters; a value longer than ignore_above
#     (8 here) is not indexed; a range compares bytes.
#   wildcard: '*' spans any characters, newlines too; \* and a quoted *
#     are a literal asterisk.
#   boolean: true, false, "true", "false", and "" (false).
#   ip: IPv4 as IPv4-mapped IPv6; CIDR blocks; ranges of addresses.
#   constant_keyword with a value in the mapping: every document of the
#     index holds it.
# Kibana's detection engine builds the query knowing no field's type:
# a value with wildcards goes as a query_string, which splits it at
# white space into clauses or-ed together; a term on an integer type
# out of the type's range matches nothing (a range bound out of range is
# an error); a range bound with '*' is text, '*' and all; f:* on an
# object asks whether any field below it has a value.
. "$(dirname "$0")/lib.sh"

MAPPING="$WORK/mapping.json"
cat >"$MAPPING" <<'EOF2'
{"mappings":{"properties":{"t":{"properties":{
  "b":{"type":"byte"},"s":{"type":"short"},"i":{"type":"integer"},
  "l":{"type":"long"},"k":{"type":"keyword","ignore_above":8},
  "w":{"type":"wildcard"},"bo":{"type":"boolean"},"ip":{"type":"ip"},
  "c":{"type":"constant_keyword","value":"fixed"}}}}}}
EOF2

EVENTS="$WORK/types.ndjson"
cat >"$EVENTS" <<'EOF2'
{"t":{"b":127,"s":-32768,"i":"42","l":"9223372036854775807","k":"ABCdef","w":"line1\nline2","bo":"true","ip":"192.0.2.1"}}
{"t":{"b":128,"s":32768,"i":42.9,"l":-1,"k":"abcdefghi","w":"a*b","bo":false,"ip":["198.51.100.7","2001:db8::5"]}}
{"t":{"b":"-128","s":"12.5","i":"4.2e1","l":1e3,"k":"04624","w":"C:\\x\\y","bo":"","ip":"not an ip"}}
{"t":{"b":[1,2,3],"i":[],"k":["x","ABCdef"],"w":"","bo":[true,false],"ip":"::ffff:192.0.2.1"}}
{"t":{"k":null,"i":null,"bo":null}}
{"t.b":"0x10","t.k":"a b","t.w":"*","t.l":"9223372036854775808"}
EOF2

expect_lines 't.b:127' '1'
expect_lines 't.b >= 100' '1'
expect_lines 't.b < 0' '3'
expect_lines 't.b:2' '4'
expect_lines 't.b:*' '1 3 4'
expect_lines 'not t.b:*' '2 5 6'
expect_lines 't.s <= -32768' '1'
expect_lines 't.s:12' '3'
expect_lines 't.s:*' '1 3'
expect_lines 't.i:42' '1 2 3'
expect_lines 't.i:*' '1 2 3'
expect_lines 't.l:9223372036854775807' '1'
expect_lines 't.l:1000' '3'
expect_lines 't.l:*' '1 2 3'
expect_lines 't.l < 0' '2'
expect_lines 't.k:ABCdef' '1 4'
expect_lines 't.k:abcdef' ''
expect_lines 't.k:abcdefghi' ''
expect_lines 't.k:*' '1 3 4 6'
expect_lines 't.k:04624' '3'
expect_lines 't.k:abc*' ''
expect_lines 't.k:"a b"' '6'
expect_lines 't.k:a*' '6'
expect_lines 't.k >= b' '4'
expect_lines 't.k:(x and ABCdef)' '4'
expect_lines 't.w:line1*line2' '1'
expect_lines 't.w:*\*b' '2'
expect_lines 't.w:"*"' '6'
expect_lines 't.w:\*' '6'
expect_lines 't.w:*' '1 2 3 4 6'
expect_lines 't.w:C\:\\x\\y' '3'
expect_lines 't.w:"C:\\x\\y"' '3'
expect_lines 't.bo:true' '1 4'
expect_lines 't.bo:false' '2 3 4'
expect_lines 't.bo:"false"' '2 3 4'
expect_lines 't.bo:*' '1 2 3 4'
expect_lines 'not t.bo:true' '2 3 5 6'
expect_lines 't.ip:192.0.2.1' '1 4'
expect_lines 't.ip:"::ffff:192.0.2.1"' '1 4'
expect_lines 't.ip:192.0.2.0/24' '1 4'
expect_lines 't.ip:(198.51.100.7 or "2001:db8::/32")' '2'
expect_lines 't.ip:*' '1 2 4'
expect_lines 't.ip >= "2001:db8::"' '2'
expect_lines 't.ip < 192.0.2.2' '1 4'
expect_lines 't.ip:(not 192.0.2.1)' '2 3 5 6'
expect_lines 't.c:fixed' '1 2 3 4 5 6'
expect_lines 't.c:fix*' '1 2 3 4 5 6'
expect_lines 't.c:other' ''
expect_lines 'not t.c:*' ''
expect_lines 't.c > f' '1 2 3 4 5 6'
expect_lines 't.b:300' ''
expect_lines 'not t.b:300' '1 2 3 4 5 6'
expect_lines 't.l:9223372036854775808' ''
expect_lines 't.k > a*' '4'
expect_lines 't.w:line1* C\:*' '1 3'
expect_lines 't.k:x* 04624' '3 4'
expect_lines 't.k:abc* ABC*' '1 4'
expect_lines 't:*' '1 2 3 4 6'
