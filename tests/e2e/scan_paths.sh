#!/bin/sh
# tests/e2e/scan_paths.sh - every path of the scanner (KQLC_SCAN: the
# reference walk, and the structural scan in portable C, SSE2, AVX2 and
# AVX-512 where this CPU has them) gives a detector the same output,
# messages and counters, on events with every kind of malformed line, on
# the shared ECS datasets, and on the same lines with escapes, dotted
# keys and the port written 26, "26", 26.0 and 2.6e1.
. "$(dirname "$0")/lib.sh"

DET="$WORK/det"
"$KQLC" build "$PORT26_RULE" -o "$DET" 2>"$WORK/build.err" || {
    not_ok "scan paths: build the detector" "$(head -n 3 "$WORK/build.err")"
    exit 0
}

# The demo sample, its lines broken in many ways, and variations of the
# port and of the keys that lead to it.
SAMPLE="$ROOT/tests/data/demo-network.ndjson"
awk '
{ line[NR] = $0 }
END {
    for (i = 1; i <= NR; i++) {
        l = line[i]
        print l
        for (k = 1; k <= 12; k++) {
            m = l
            if (k == 1) m = substr(l, 1, length(l) - k)
            if (k == 2) sub(/"port":26/, "\"port\":\"26\"", m)
            if (k == 3) sub(/"port":26/, "\"port\":26.0", m)
            if (k == 4) sub(/"port":26/, "\"port\":2.6e1", m)
            if (k == 5) sub(/"port":26/, "\"port\":[25,\"\\u0032\\u0036\"]", m)
            if (k == 6) sub(/"destination":\{/, "\"destination.x\":1,\"destination\":{", m)
            if (k == 7) sub(/"destination":\{"address"/, "\"destination\":{\"address\"", m)
            if (k == 8) sub(/"destination":\{/, "\"dest\\u0069nation\":{", m)
            if (k == 9) sub(/"port":/, "\"port\" :", m)
            if (k == 10) sub(/"port":26/, "\"port\":26,\"port\":26", m)
            if (k == 11) sub(/"transport":"tcp"/, "\"transport\":\"t\\u0063p\"", m)
            if (k == 12) m = substr(l, 1, 70) "\t" substr(l, 71)
            if (m != l) print m
        }
    }
}' "$SAMPLE" >"$WORK/events.ndjson"
FILES="$WORK/events.ndjson $SAMPLE"
if [ -d "$SHARED/datasets" ]; then
    FILES="$FILES $SHARED/datasets/ecs-*.ndjson"
else
    skip "scan paths: the shared datasets: $SHARED is absent"
fi

# The counters' time differs from run to run: drop it.
untimed() {
    sed -e 's/ bytes, [0-9.]* s/ bytes, T s/' "$1"
}

# shellcheck disable=SC2086
KQLC_SCAN=reference "$DET" --format lines $FILES >"$WORK/ref.out" \
    2>"$WORK/ref.err"
untimed "$WORK/ref.err" >"$WORK/ref.err.u"
if [ "$(grep -c 'malformed event' "$WORK/ref.err")" -ge 10 ] \
    && [ "$(wc -l <"$WORK/ref.out")" -ge 20 ]; then
    ok "scan paths: the input has malformed lines and matches"
else
    not_ok "scan paths: the input has malformed lines and matches" \
        "$(tail -n 2 "$WORK/ref.err")"
fi
for path in portable sse2 avx2 avx512; do
    # shellcheck disable=SC2086
    KQLC_SCAN=$path "$DET" --format lines $FILES >"$WORK/$path.out" \
        2>"$WORK/$path.err"
    untimed "$WORK/$path.err" >"$WORK/$path.err.u"
    if cmp -s "$WORK/ref.out" "$WORK/$path.out" \
        && cmp -s "$WORK/ref.err.u" "$WORK/$path.err.u"; then
        ok "scan paths: $path as the reference"
    else
        not_ok "scan paths: $path as the reference" \
            "$(diff "$WORK/ref.out" "$WORK/$path.out" | head -n 4)" \
            "$(diff "$WORK/ref.err.u" "$WORK/$path.err.u" | head -n 4)"
    fi
done
