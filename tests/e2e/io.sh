#!/bin/sh
# tests/e2e/io.sh - a detector's input and output failures: files it
# cannot read, a closed pipe, a full disk, and SIGINT/SIGTERM mid-run.
. "$(dirname "$0")/lib.sh"

DET="$WORK/det"
"$KQLC" build --query 'user.name:root' -o "$DET" 2>"$WORK/build.err" || {
    not_ok "io: build the detector" "$(head -n 3 "$WORK/build.err")"
    exit 0
}
EV='{"user":{"name":"root"}}'
printf '%s\n{"user":{"name":"bob"}}\n' "$EV" >"$WORK/a.ndjson"
cp "$WORK/a.ndjson" "$WORK/b.ndjson"

# A missing file, an unreadable one (a directory when root reads all)
# and a directory, between good files: each named, the others read.
mkdir "$WORK/dir"
if [ "$(id -u)" -eq 0 ]; then
    mkdir "$WORK/unreadable"
else
    cp "$WORK/a.ndjson" "$WORK/unreadable"
    chmod 000 "$WORK/unreadable"
fi
"$DET" --format count "$WORK/a.ndjson" "$WORK/missing.ndjson" \
    "$WORK/unreadable" "$WORK/dir" "$WORK/b.ndjson" \
    >"$WORK/bad.out" 2>"$WORK/bad.err"
check "io: bad files: exit 2 at the end" 2 "$?"
check "io: bad files: the good files still read" 2 "$(cat "$WORK/bad.out")"
for f in missing.ndjson unreadable dir; do
    if grep -q "error: .*'$WORK/$f'" "$WORK/bad.err"; then
        ok "io: bad files: a message names $f"
    else
        not_ok "io: bad files: a message names $f" \
            "$(head -n 6 "$WORK/bad.err")"
    fi
done
check "io: bad files: counters cover the good files" 1 \
    "$(grep -c ': 4 lines = 4 events + 0 malformed + 0 blank' "$WORK/bad.err")"
chmod 600 "$WORK/unreadable" 2>/dev/null

# A closed pipe downstream: quiet, status 0.
i=0
: >"$WORK/big.ndjson"
while [ $i -lt 200 ]; do
    cat "$WORK/a.ndjson" "$WORK/a.ndjson" "$WORK/a.ndjson" "$WORK/a.ndjson" \
        "$WORK/a.ndjson" >>"$WORK/big.ndjson"
    i=$((i + 1))
done
for k in 1 2 3 4 5 6; do
    cat "$WORK/big.ndjson" "$WORK/big.ndjson" >"$WORK/big2.ndjson"
    cat "$WORK/big2.ndjson" "$WORK/big2.ndjson" >"$WORK/big.ndjson"
done
{ "$DET" "$WORK/big.ndjson" 2>"$WORK/pipe.err"; echo $? >"$WORK/pipe.rc"; } \
    | head -n 1 >"$WORK/pipe.out"
check "io: closed pipe: the first line written" "$EV" "$(cat "$WORK/pipe.out")"
check "io: closed pipe: status 0" 0 "$(cat "$WORK/pipe.rc")"
check "io: closed pipe: nothing on stderr" "" "$(cat "$WORK/pipe.err")"

# A write error: reported, exit 2.
if [ -w /dev/full ]; then
    "$DET" "$WORK/big.ndjson" >/dev/full 2>"$WORK/full.err"
    check "io: /dev/full: exit 2" 2 "$?"
    if grep -q "error: cannot write the output" "$WORK/full.err"; then
        ok "io: /dev/full: reported"
    else
        not_ok "io: /dev/full: reported" "$(head -n 3 "$WORK/full.err")"
    fi
else
    skip "io: /dev/full: no /dev/full"
fi

# SIGINT and SIGTERM during an endless stream: the count found so far
# written, counters printed and consistent, status 128 + the signal.  A
# non-interactive shell starts background jobs with SIGINT ignored, so a
# wrapper puts it back to default, records its pid and execs the program.
stop_test() {
    sig=$1
    want=$2
    shift 2
    rm -f "$WORK/pid"
    yes "$EV" | timeout 60 env --default-signal=INT \
        sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/pid" "$@" --format count \
        >"$WORK/sig.out" 2>"$WORK/sig.err" &
    bg=$!
    n=0
    while [ ! -s "$WORK/pid" ] && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    sleep 1
    [ -s "$WORK/pid" ] && kill -"$sig" "$(cat "$WORK/pid")"
    wait $bg
    rc=$?
    name="io: $sig ($(basename "$1")${4:+ $4})"
    check "$name: status $want" "$want" "$rc"
    n='\([0-9]*\)'
    counters="$n lines = $n events + $n malformed + $n blank, $n alerts"
    sum=$(sed -n "s/.*: $counters.*/\\1 \\2 \\3 \\4 \\5/p" "$WORK/sig.err")
    set -- $sum
    if [ $# -eq 5 ] && [ "$1" -gt 0 ] && [ "$1" -eq $(($2 + $3 + $4)) ]; then
        ok "$name: counters printed, lines = events + malformed + blank"
    else
        not_ok "$name: counters printed, lines = events + malformed + blank" \
            "$(tail -n 3 "$WORK/sig.err")"
    fi
    if [ $# -eq 5 ] && [ "$(cat "$WORK/sig.out")" = "$5" ]; then
        ok "$name: the alerts found so far counted on stdout"
    else
        not_ok "$name: the alerts found so far counted on stdout" \
            "stdout: $(head -c 100 "$WORK/sig.out"); counters: $sum"
    fi
}

# SIGINT while the program waits for input on an idle pipe (a fifo this
# shell holds open, one line written): it ends at once, as at the end of
# its input, without waiting for a line that may never come.
idle_test() {
    name="io: INT on an idle pipe ($(basename "$1")${4:+ $4})"
    rm -f "$WORK/pid" "$WORK/fifo"
    mkfifo "$WORK/fifo"
    exec 3<>"$WORK/fifo"
    printf '%s\n' "$EV" >&3
    env --default-signal=INT sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/pid" \
        "$@" --format count <"$WORK/fifo" >"$WORK/idle.out" \
        2>"$WORK/idle.err" 3>&- &
    bg=$!
    n=0
    while [ ! -s "$WORK/pid" ] && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    sleep 0.5
    kill -INT $bg
    n=0
    while kill -0 $bg 2>/dev/null && [ $n -lt 20 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if kill -0 $bg 2>/dev/null; then
        not_ok "$name: ends within 2 s" "still running; killed"
        kill -KILL $bg
    else
        ok "$name: ends within 2 s"
    fi
    wait $bg
    rc=$?
    exec 3>&-
    check "$name: status 130" 130 "$rc"
    check "$name: the alert found counted" 1 "$(cat "$WORK/idle.out")"
    check "$name: counters printed" 1 "$(grep -c \
        ': 1 lines = 1 events + 0 malformed + 0 blank, 1 alerts' \
        "$WORK/idle.err")"
}
idle_test "$DET"
idle_test "$KQLC" run --engine interp --query 'user.name:root'

stop_test INT 130 "$DET"
stop_test TERM 143 "$DET"
stop_test INT 130 "$KQLC" run --engine jit --query 'user.name:root'
stop_test TERM 143 "$KQLC" run --engine interp --query 'user.name:root'
