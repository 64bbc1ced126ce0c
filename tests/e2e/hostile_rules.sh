#!/bin/sh
# tests/e2e/hostile_rules.sh - rules whose values and field names hold C
# syntax, comment marks, trigraphs, newlines, a NUL, non-ASCII and sizes
# past sane limits.  Each compiles to C that means what the KQL means
# (the three engines agree with verdicts worked by hand) or is refused
# with a diagnostic (exit 1): never a C compiler error (3), never a crash.
. "$(dirname "$0")/lib.sh"

# hostile NAME QUERY EVENTS EXPECTED: emit and build QUERY (as --query
# and as a .kql file), check that no line of the C holds the hostile
# text outside a comment, run the three engines on EVENTS and require
# the matching lines EXPECTED (--format lines, space-separated).
hostile() {
    name=$1
    query=$2
    printf '%s' "$3" >"$WORK/$name.ndjson"
    want=$4
    printf '%s' "$query" >"$WORK/$name.kql"
    "$KQLC" emit --query "$query" -o "$WORK/$name.c" 2>"$WORK/$name.emit.err"
    check "hostile $name: emit exits 0" 0 "$?"
    bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<|system\(' \
              "$WORK/$name.c" | grep -vE '^[0-9]+:[[:space:]]*/\*.*\*/$')
    check "hostile $name: no hostile text outside comments" "" "$bad"
    "$KQLC" build --query "$query" -o "$WORK/$name.det" \
        2>"$WORK/$name.build.err"
    check "hostile $name: build exits 0" 0 "$?"
    "$KQLC" build "$WORK/$name.kql" -o "$WORK/$name.kdet" \
        2>"$WORK/$name.kbuild.err"
    check "hostile $name: build of the .kql file exits 0" 0 "$?"
    [ -x "$WORK/$name.det" ] || return 0
    h=$name
    engines_run "hostile $h" "$WORK/$h.out" "--query=$query" \
        "$WORK/$h.det" --format lines "$WORK/$h.ndjson"
    engines_run "hostile $h (.kql)" "$WORK/$h.kout" "$WORK/$h.kql" \
        "$WORK/$h.kdet" --format lines "$WORK/$h.ndjson"
    check "hostile $h: matches" "$want" \
        "$(tr '\n' ' ' <"$WORK/$h.out" | sed 's/ $//')"
    check "hostile $h (.kql): matches" "$want" \
        "$(tr '\n' ' ' <"$WORK/$h.kout" | sed 's/ $//')"
}

# refused NAME QUERY-FILE PATTERN: kqlc emit refuses the query with exit 1
# and a message matching PATTERN.
refused() {
    "$KQLC" emit --query "$(cat "$2")" >/dev/null 2>"$WORK/$1.err"
    check "hostile $1: refused with exit 1" 1 "$?"
    if grep -q "$3" "$WORK/$1.err"; then
        ok "hostile $1: the diagnostic says why"
    else
        not_ok "hostile $1: the diagnostic says why" \
            "$(head -c 300 "$WORK/$1.err")"
    fi
}

# C syntax in a value: only line 1 holds it exactly.
hostile c-syntax 'process.command_line:"\"; system(\"x\"); \""' \
'{"process":{"command_line":"\"; system(\"x\"); \""}}
{"process":{"command_line":"system(\"x\")"}}
{"user":{"name":"\"; system(\"x\"); \""}}
' "1"

# Comment marks, a backslash and trigraphs: exact bytes only.
hostile comments 'user.name:"*/ /* \\ ??/ ??= ??\\"' \
'{"user":{"name":"*/ /* \\ ??/ ??= ??\\"}}
{"user":{"name":"*/ /* \\ ??/ ??= ??"}}
{"user":{"name":"*/ /* \\ \\ # ??\\"}}
' "1"

# A \n escape: a newline, not backslash-n.
hostile newline-escape 'user.name:"a\nb"' \
'{"user":{"name":"a\nb"}}
{"user":{"name":"a\\nb"}}
{"user":{"name":"ab"}}
' "1"

# A real newline and '#include <stdio.h>' on its own line of the query.
hostile include 'user.name:"x
#include <stdio.h>
" or unknown.field:"
#include <stdio.h>"' \
'{"user":{"name":"x\n#include <stdio.h>\n"}}
{"user":{"name":"x #include <stdio.h> "}}
{"unknown":{"field":"\n#include <stdio.h>"}}
{"unknown.field":"#include <stdio.h>"}
' "1 3"

# A NUL inside a value: the whole value, NUL included.
hostile nul 'user.name:"a\u0000b" or unknown.x:"\u0000"' \
'{"user":{"name":"a\u0000b"}}
{"user":{"name":"ab"}}
{"user":{"name":"a"}}
{"unknown":{"x":"\u0000"}}
{"unknown":{"x":""}}
' "1 4"

# Non-ASCII: e acute, an emoji and a right-to-left mark, as UTF-8 in the
# query and either way in the event.
hostile non-ascii 'user.name:"é😀‏" or process.command_line:‏é' \
'{"user":{"name":"\u00e9\ud83d\ude00\u200f"}}
{"user":{"name":"é😀‏"}}
{"user":{"name":"é😀"}}
{"process":{"command_line":"\u200f\u00e9"}}
{"process":{"command_line":"é"}}
' "1 2 4"

# A field name holding escaped KQL syntax: an unknown keyword field.
hostile field-name 'a\(b\)\:c:"x\"y"' \
'{"a(b):c":"x\"y"}
{"a(b)":{"c":"x\"y"}}
{"a(b):c":"xy"}
' "1"

# 100 KB values (past the 4,095 bytes ISO C promises in a string
# literal): user.name is a keyword with ignore_above 1024, so it indexes
# no such value and matches nothing; an unknown field (a keyword with no
# limit) matches the exact value only.
long=$(head -c 102400 /dev/zero | tr '\0' 'x')
printf '{"user":{"name":"%s"}}\n{"unknown":{"long":"%s"}}\n' "$long" "$long" \
    >"$WORK/long-events"
printf '{"unknown":{"long":"%sy"}}\n' "$long" >>"$WORK/long-events"
hostile long-keyword "user.name:$long" "$(cat "$WORK/long-events")
" ""
hostile long-unknown "unknown.long:\"$long\"" "$(cat "$WORK/long-events")
" "2"

# Ten thousand nested parentheses: refused, not a stack overflow.
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "("; printf "a:b";
             for (i = 0; i < 10000; i++) printf ")" }' >"$WORK/nest.txt"
refused nest "$WORK/nest.txt" "nests deeper than"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "not ("; printf "a:b";
             for (i = 0; i < 10000; i++) printf ")" }' \
    >"$WORK/nots.txt"
refused nots "$WORK/nots.txt" "nests deeper than"
