#!/bin/sh
# tests/e2e/threads.sh - a detector on several threads (--threads) gives
# what it gives on one, byte for byte: output in every format, messages
# about malformed lines (file, line and column, in input order, the first
# ten of each file), counters; on several files and on standard input;
# with a closed pipe downstream, a full disk, and SIGINT.  The same for
# 'kqlc run' with the JIT and the interpreter.
. "$(dirname "$0")/lib.sh"

DET="$WORK/det"
echo 'destination.port:53' >"$WORK/dns.kql"
"$KQLC" build "$PORT26_RULE" "$WORK/dns.kql" -o "$DET" \
    2>"$WORK/build.err" || {
    not_ok "threads: build the detector" "$(head -n 3 "$WORK/build.err")"
    exit 0
}

# Some 8 MB of events in several shapes: the demo sample, each line now
# and then broken, blank, ended by CR LF, or given a BOM-like prefix;
# every 7th copy lacks its last line's newline inside the file (the lines
# run together: one malformed line).
SAMPLE="$ROOT/tests/data/demo-network.ndjson"
awk -v copies=140 '
{ line[NR] = $0 }
END {
    n = 0
    for (c = 0; c < copies; c++) {
        for (i = 1; i <= NR; i++) {
            n++
            l = line[i]
            if (n % 97 == 0) l = substr(l, 1, length(l) / 2)
            else if (n % 101 == 0) l = ""
            else if (n % 103 == 0) l = l "\r"
            else if (n % 107 == 0) l = "   " l "  "
            else if (n % 109 == 0) l = l ",}"
            else if (n % 113 == 0) l = "{\"a\":1,\"a\":2}"
            printf "%s", l
            if (!(i == NR && c % 7 == 3)) printf "\n"
        }
    }
}' "$SAMPLE" >"$WORK/events.ndjson"
printf '{"destination":{"port":53}}' >"$WORK/tail.ndjson"
head -n 700 "$WORK/events.ndjson" >"$WORK/small.ndjson"

# The counters' time differs from run to run: drop it.
untimed() {
    sed -e 's/ bytes, [0-9.]* s/ bytes, T s/' "$1"
}

# same NAME ARGS...: the detector with --threads 2, 3 and 0 writes what
# it writes with --threads 1, on stdout and stderr, and exits alike.
# Standard input is $STDIN (default /dev/null).
same() {
    name=$1
    shift
    "$DET" --threads 1 "$@" <"${STDIN:-/dev/null}" >"$WORK/one.out" \
        2>"$WORK/one.err"
    one=$?
    untimed "$WORK/one.err" >"$WORK/one.err.u"
    for t in 2 3 0; do
        "$DET" --threads $t "$@" <"${STDIN:-/dev/null}" >"$WORK/many.out" \
            2>"$WORK/many.err"
        many=$?
        untimed "$WORK/many.err" >"$WORK/many.err.u"
        if [ $one = $many ] && cmp -s "$WORK/one.out" "$WORK/many.out" \
            && cmp -s "$WORK/one.err.u" "$WORK/many.err.u"; then
            ok "threads: $name: --threads $t as one thread"
        else
            not_ok "threads: $name: --threads $t as one thread" \
                "exit $many, one thread $one" \
                "$(diff "$WORK/one.out" "$WORK/many.out" | head -n 4)" \
                "$(diff "$WORK/one.err.u" "$WORK/many.err.u" | head -n 6)"
        fi
    done
}

# the malformed lines were there to be reported, and alerts to be written
"$DET" --format lines "$WORK/events.ndjson" >"$WORK/one.out" 2>"$WORK/one.err"
if grep -q 'events.ndjson:97:.*warning: malformed event' "$WORK/one.err" \
    && [ "$(wc -l <"$WORK/one.out")" -gt 1000 ]; then
    ok "threads: the input has malformed lines and alerts"
else
    not_ok "threads: the input has malformed lines and alerts" \
        "$(head -n 3 "$WORK/one.err")"
fi

for f in event alert lines count; do
    same "--format $f" --format $f "$WORK/events.ndjson"
done
same "three files" --format lines "$WORK/events.ndjson" "$WORK/small.ndjson" \
    "$WORK/tail.ndjson"
same "a missing file among others" --format alert "$WORK/small.ndjson" \
    "$WORK/missing.ndjson" "$WORK/tail.ndjson"
same "a directory among files" --format count "$WORK/small.ndjson" "$WORK" \
    "$WORK/tail.ndjson"
same "--quiet" --quiet --format lines "$WORK/events.ndjson"
same "--dataset" --dataset zeek.smtp --format lines "$WORK/small.ndjson"

gzip -c "$WORK/events.ndjson" >"$WORK/events.ndjson.gz"
same "gzip" --format lines "$WORK/events.ndjson.gz"

# standard input, a file at a time and a pipe (read as it comes)
STDIN="$WORK/events.ndjson" same "standard input" --format lines -
STDIN="$WORK/events.ndjson" same "standard input and files" --format lines \
    "$WORK/small.ndjson" - "$WORK/tail.ndjson"
"$DET" --threads 1 --format alert <"$WORK/events.ndjson" >"$WORK/one.out" \
    2>/dev/null
cat "$WORK/events.ndjson" | "$DET" --threads 2 --format alert \
    >"$WORK/many.out" 2>/dev/null
check_files "threads: a pipe: as one thread" "$WORK/one.out" "$WORK/many.out"

# kqlc run: the JIT (compiled once, before the threads start) and the
# interpreter on two threads write what the detector writes on one.
"$DET" --format alert "$WORK/events.ndjson" >"$WORK/det.out" 2>"$WORK/det.err"
untimed "$WORK/det.err" | sed -e 's/^[^:]*: //' >"$WORK/det.err.u"
for engine in jit interp; do
    "$KQLC" run --engine $engine "$PORT26_RULE" "$WORK/dns.kql" --threads 2 \
        --format alert "$WORK/events.ndjson" \
        >"$WORK/run.out" 2>"$WORK/run.err"
    untimed "$WORK/run.err" | sed -e 's/^[^:]*: //' >"$WORK/run.err.u"
    if cmp -s "$WORK/det.out" "$WORK/run.out" \
        && cmp -s "$WORK/det.err.u" "$WORK/run.err.u"; then
        ok "threads: kqlc run --engine $engine --threads 2 as the detector"
    else
        not_ok "threads: kqlc run --engine $engine --threads 2 as the detector" \
            "$(diff "$WORK/det.out" "$WORK/run.out" | head -n 4)" \
            "$(diff "$WORK/det.err.u" "$WORK/run.err.u" | head -n 4)"
    fi
done

# A closed pipe downstream: the first lines, status 0, no error.
{ "$DET" --threads 2 --format alert "$WORK/events.ndjson" 2>"$WORK/pipe.err"
  echo $? >"$WORK/pipe.rc"; } | head -n 2 >"$WORK/pipe.out"
"$DET" --format alert "$WORK/events.ndjson" 2>/dev/null | head -n 2 \
    >"$WORK/pipe.want"
check_files "threads: closed pipe: the first lines" "$WORK/pipe.want" \
    "$WORK/pipe.out"
check "threads: closed pipe: status 0" 0 "$(cat "$WORK/pipe.rc")"
check "threads: closed pipe: no error" 0 "$(grep -c error "$WORK/pipe.err")"

# A full disk: what one thread reports, at the same line.  (Only the
# bytes read differ: the reader thread reads ahead.)
if [ -w /dev/full ]; then
    "$DET" "$WORK/events.ndjson" >/dev/full 2>"$WORK/full1.err"
    one=$?
    "$DET" --threads 2 "$WORK/events.ndjson" >/dev/full 2>"$WORK/full2.err"
    check "threads: /dev/full: the status of one thread" $one "$?"
    untimed "$WORK/full1.err" | sed -e 's/alerts, [0-9]* bytes/alerts, N bytes/' \
        >"$WORK/full1.err.u"
    untimed "$WORK/full2.err" | sed -e 's/alerts, [0-9]* bytes/alerts, N bytes/' \
        >"$WORK/full2.err.u"
    check_files "threads: /dev/full: the messages and counters of one thread" \
        "$WORK/full1.err.u" "$WORK/full2.err.u"
else
    skip "threads: /dev/full: no /dev/full"
fi

# SIGINT on an idle pipe: the run ends at once, as at the end of its
# input, with the line it had counted.
rm -f "$WORK/fifo"
mkfifo "$WORK/fifo"
exec 3<>"$WORK/fifo"
printf '%s\n' '{"destination":{"port":53}}' >&3
env --default-signal=INT "$DET" --threads 2 --format count <"$WORK/fifo" \
    >"$WORK/idle.out" 2>"$WORK/idle.err" 3>&- &
bg=$!
sleep 1
kill -INT $bg
n=0
while kill -0 $bg 2>/dev/null && [ $n -lt 20 ]; do
    sleep 0.1
    n=$((n + 1))
done
if kill -0 $bg 2>/dev/null; then
    not_ok "threads: INT on an idle pipe: ends within 2 s" "killed"
    kill -KILL $bg
else
    ok "threads: INT on an idle pipe: ends within 2 s"
fi
wait $bg
check "threads: INT on an idle pipe: status 130" 130 "$?"
exec 3>&-
check "threads: INT on an idle pipe: the alert counted" 1 \
    "$(cat "$WORK/idle.out")"
check "threads: INT on an idle pipe: counters" 1 "$(grep -c \
    ': 1 lines = 1 events + 0 malformed + 0 blank, 1 alerts' "$WORK/idle.err")"

# Usage errors.
expect_status "threads: --threads -1" 2 "$DET" --threads -1 "$WORK/tail.ndjson"
expect_err "threads: --threads -1 says why" "--threads expects a number"
expect_status "threads: --threads x" 2 "$DET" --threads x "$WORK/tail.ndjson"
expect_status "threads: --threads 65" 2 "$DET" --threads 65 "$WORK/tail.ndjson"
