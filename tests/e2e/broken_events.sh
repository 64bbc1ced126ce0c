#!/bin/sh
# Broken input lines, end to end: each case puts one kind of broken line
# between good lines that match 'destination.port:26', and runs the
# native detector, the JIT and the interpreter over it (all three must
# print the same alerts).  On the detector's run, each case checks: exit
# status 0; the alerts are exactly the good lines'; each malformed line
# is reported as FILE:LINE:COL; and the summary's counters add up (lines
# = events + malformed + blank) to the figures expected.  The 100 MB
# line runs under 'ulimit -v' (memory bounded), the million-deep
# nesting under 'ulimit -s 256' (no recursion on the depth).
. "$(dirname "$0")/lib.sh"

QUERY='destination.port:26'
GOOD='{"destination":{"port":26}}'
DET="$WORK/det"
if ! "$KQLC" build --query "$QUERY" -o "$DET" 2>"$WORK/build.err"; then
    not_ok "broken events: detector builds" "$(head -n 3 "$WORK/build.err")"
    exit 0
fi

# good: print the good line.
good() { printf '%s\n' "$GOOD"; }

# summary ERRFILE: 'L E M B' from the counters line of a run.
summary() {
    n='\([0-9]*\)'
    pat=".*: $n lines = $n events + $n malformed + $n blank,.*"
    sed -n "s/^$pat\$/\\1 \\2 \\3 \\4/p" "$1"
}

# verify NAME FILE ALERTS MALFORMED LINES BLANK: check a detector run
# over FILE left in $WORK/NAME.out (.err, .rc): ALERTS and MALFORMED
# are space-separated line numbers, LINES and BLANK counts.
verify() {
    out="$WORK/$1.out"
    check "$1: exit status 0" 0 "$(cat "$out.rc")"
    check "$1: alerts are the good lines'" "$3" \
        "$(tr '\n' ' ' <"$out" | sed 's/ $//')"
    missing=
    for l in $4; do
        grep -qF "$2:$l:" "$out.err" \
            && grep -qE "^[^ ]*:$l:[0-9]+: warning: malformed event" \
                "$out.err" \
            || missing="$missing $l"
    done
    if [ -z "$missing" ]; then
        ok "$1: each malformed line reported at file:line:col"
    else
        not_ok "$1: each malformed line reported at file:line:col" \
            "no message for line(s)$missing" "$(head -n 3 "$out.err")"
    fi
    nmal=$(echo $4 | wc -w)
    set -- "$1" $(summary "$out.err") "$5" "$nmal" "$6"
    if [ $# -ne 8 ]; then
        not_ok "$1: counters add up" "no summary line"
        return
    fi
    check "$1: counters add up" \
        "$6 lines = $(($6 - $7 - $8)) events + $7 malformed + $8 blank" \
        "$2 lines = $3 events + $4 malformed + $5 blank"
}

# case_run NAME FILE ALERTS MALFORMED LINES BLANK: run the three
# engines over FILE, then verify the detector's run.
case_run() {
    out="$WORK/$1.out"
    engines_run "$1" "$out" "--query=$QUERY" "$DET" --format lines "$2"
    # engines_run keeps no exit status: run the detector once more.
    "$DET" --format lines "$2" >"$out" 2>"$out.err"
    echo $? >"$out.rc"
    grep 'malformed event' "$out.err" >"$out.msg"
    for engine in jit interp; do
        grep 'malformed event' "$out.$engine.err" >"$out.$engine.msg"
        check_files "$1: $engine reports the detector's malformed lines" \
            "$out.msg" "$out.$engine.msg"
    done
    verify "$@"
}

f="$WORK/truncated.ndjson"
{ good; printf '{"destination":{"port":2\n'; good
  printf '{"destination":\n'; good; printf '{\n'; good; } >"$f"
case_run truncated "$f" "1 3 5 7" "2 4 6" 7 0

f="$WORK/unterminated.ndjson"
{ good; printf '{"a":"abc\n'; good; printf '{"a":"abc\\"}\n'; good
  printf '{"destination.port":26,"a\n'; good; } >"$f"
case_run unterminated_string "$f" "1 3 5 7" "2 4 6" 7 0

f="$WORK/escape.ndjson"
{ good; printf '{"a":"\\q"}\n'; good; printf '{"a":"\\u12G4"}\n'; good
  printf '{"a":"\\u12"}\n'; good
  printf '{"destination.port":26,"a":"\\x41"}\n'
  good; } >"$f"
case_run bad_escape "$f" "1 3 5 7 9" "2 4 6 8" 9 0

f="$WORK/utf8.ndjson"
{ good; printf '{"a":"\377"}\n'; good; printf '{"a":"\300\257"}\n'; good
  printf '{"destination.port":26,"a":"\355\240\200"}\n'; good
  printf '{"a\342\202":1}\n'; good; printf '{"a":"\342\202"}\n'; good; } >"$f"
case_run invalid_utf8 "$f" "1 3 5 7 9 11" "2 4 6 8 10" 11 0

f="$WORK/nul.ndjson"
{ good; printf '{"destination.port":26,"a":"x\0y"}\n'; good
  printf '{"destination.port":26}\0\n'; good
  printf '\0{"destination.port":26}\n'
  good; printf '\0\n'; good; } >"$f"
case_run nul_bytes "$f" "1 3 5 7 9" "2 4 6 8" 9 0

# Random bytes, the same on every run, on one line without a newline.
f="$WORK/random.ndjson"
{ good
  LC_ALL=C awk 'BEGIN { srand(26); for (i = 0; i < 4000; i++) {
      c = int(rand() * 256); if (c == 10) c = 32; printf "%c", c } }'
  printf '\n'; good; printf '{"destination.port":26,"a":"'
  LC_ALL=C awk 'BEGIN { srand(62); for (i = 0; i < 4000; i++) {
      c = int(rand() * 256); if (c == 10) c = 32; printf "%c", c } }'
  printf '\n'; good; } >"$f"
case_run random_bytes "$f" "1 3 5" "2 4" 5 0

# 5,000 digits: too large for a long (no match), and 26 written with
# 5,000 zeros after the point (26 exactly: a match, as in Elasticsearch).
f="$WORK/digits.ndjson"
zeros=$(LC_ALL=C awk 'BEGIN { for (i = 0; i < 5000; i++) printf "0" }')
{ good; printf '{"destination.port":9%s}\n' "$zeros"; good
  printf '{"destination.port":26.%s}\n' "$zeros"
  printf '{"destination.port":"26.%s"}\n' "$zeros"
  printf '{"destination.port":-1%s}\n' "$zeros"; good
  printf '{"destination.port":2%se}\n' "$zeros"; good; } >"$f"
case_run long_numbers "$f" "1 3 4 5 7 9" "8" 9 0

f="$WORK/zeros.ndjson"
{ good; printf '{"destination.port":-000%s1}\n' "$zeros"; good; } >"$f"
case_run leading_zeros "$f" "1 3" "2" 3 0

# A line of 100 MB (an unterminated string) and one of 100 MB that is
# valid, generated on the fly, under a 1 GB limit on virtual memory.
f="$WORK/huge.ndjson"
{ good; printf '{"a":"'; head -c 100000000 /dev/zero | tr '\0' a; printf '\n'
  good; printf '{"destination.port":26,"a":"'
  head -c 100000000 /dev/zero | tr '\0' a; printf '"}\n'; good; } >"$f"
start=$(date +%s)
(ulimit -v 1048576; case_run huge_line "$f" "1 3 4 5" "2" 5 0)
secs=$(($(date +%s) - start))
if [ "$secs" -le 60 ]; then
    ok "huge_line: three engines over 200 MB in ${secs}s (under 60s)"
else
    not_ok "huge_line: three engines over 200 MB in ${secs}s (under 60s)"
fi
rm -f "$f"

# Nesting a million deep, arrays and objects, under a 256 KB stack.
f="$WORK/deep.ndjson"
{ good; head -c 1000000 /dev/zero | tr '\0' '['; printf '\n'; good
  printf '{"a":'; head -c 1000000 /dev/zero | tr '\0' '['; printf '\n'; good
  LC_ALL=C awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "{\"a\":"
      printf "1"; for (i = 0; i < 1000000; i++) printf "}"; print "" }'
  good
  printf '{"destination.port":26,"a":'
  LC_ALL=C awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "[{\"b\":"
      print "" }'
  good
  # The limit: 1,000 levels are an event, 1,001 malformed.
  for n in 999 1000; do
      printf '{"destination.port":26,"a":'
      LC_ALL=C awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "["
          for (i = 0; i < n; i++) printf "]"; print "}" }'
  done
  good; } >"$f"
(ulimit -s 256; case_run deep_nesting "$f" "1 3 5 7 9 10 12" "2 4 6 8 11" \
    12 0)

f="$WORK/blank.ndjson"
{ good; printf '\n'; good; printf '   \t \n'; good; printf '\r\n'; good; } \
    >"$f"
case_run blank_lines "$f" "1 3 5 7" "" 7 3

f="$WORK/crlf.ndjson"
{ printf '%s\r\n' "$GOOD"; printf '{"a":1}\r\n'
  printf '{"destination.port":26}\r\n'; printf '{"a":"x\r\n'
  printf '%s\r\n' "$GOOD"; } >"$f"
case_run crlf "$f" "1 3 5" "4" 5 0

# A byte order mark starts the file (skipped, as a reader of UTF-8
# text does); in the middle of the file it is text before the object.
f="$WORK/bom.ndjson"
{ printf '\357\273\277'; good; good; printf '\357\273\277'; good; good; } \
    >"$f"
case_run byte_order_mark "$f" "1 2 4" "3" 4 0

f="$WORK/nofinal.ndjson"
{ good; printf '{"a":1}\n'; printf '%s' "$GOOD"; } >"$f"
case_run no_final_newline "$f" "1 3" "" 3 0
f="$WORK/nofinal2.ndjson"
{ good; printf '{"destination.port":26'; } >"$f"
case_run no_final_newline_truncated "$f" "1" "2" 2 0

# Values of the wrong type are no value for the field: the event is
# evaluated (no alert), not malformed.
f="$WORK/types.ndjson"
{ good; printf '{"destination.port":"x"}\n'; good
  printf '{"destination.port":{"a":26}}\n'; good
  printf '{"destination.port":true}\n'; good
  printf '{"destination":"26"}\n'; good; printf '{"destination.port":null}\n'
  good; printf '{"destination.port":[]}\n'; good
  printf '{"destination.port":[[26]]}\n'; good; } >"$f"
case_run wrong_type "$f" "1 3 5 7 9 11 13 14 15" "" 15 0
