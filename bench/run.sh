#!/bin/sh
# bench/run.sh - make bench: kqlc's detectors and their peers, side by
# side, on the same events from a warm page cache.  Writes
# bench/RESULTS.md and the plots bench/*.png.  Figures, not tests:
# nothing here fails on time; a peer that finds other matches than the
# native detector is reported as such, and timed all the same.
#
#   BENCH_EVENTS=1000000  events of the main file (about 540 bytes each)
#   BENCH_RUNS=3          timed runs of each command (the median counts)
#   BENCH_STREAM_GB=5     gigabytes streamed through a pipe (RSS)
#   BENCH_SEED=1          the generator's seed
#   BENCH_DATA=bench/data where the event files go (kept between runs)
#
# Needs bin/kqlc and build/bench/gen (make bench builds both) and, for
# the peers, jq, node with bench/node_modules, GNU time and gnuplot
# (scripts/install-deps.sh bench).  A missing peer, ../shared or a
# detector option is skipped with a note in RESULTS.md.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KQLC="$ROOT/bin/kqlc"
GEN="$ROOT/build/bench/gen"
SHARED=${KQLC_SHARED:-$ROOT/../shared}
RULE="$ROOT/rules/command_and_control_smtp_to_the_internet_port_26.toml"
EXPORT="$SHARED/rules/kuery-rules.ndjson"
EVENTS=${BENCH_EVENTS:-1000000}
RUNS=${BENCH_RUNS:-3}
STREAM_GB=${BENCH_STREAM_GB:-5}
SEED=${BENCH_SEED:-1}
DATA=${BENCH_DATA:-$ROOT/bench/data}
WORK="$ROOT/build/bench/run"
OUT="$ROOT/bench/RESULTS.md"
TIME=/usr/bin/time
CORES=$(nproc)

rm -rf "$WORK"
mkdir -p "$WORK/res" "$DATA"
: >"$WORK/notes"

say() { echo "bench: $*" >&2; }
note() { echo "- $*" >>"$WORK/notes"; say "note: $*"; }

# ------------------------------------------------------------- helpers

median() {
    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure NAME STDOUT CMD...: run CMD BENCH_RUNS times, its output to
# STDOUT; keeps the median seconds in res/NAME.s and the largest peak
# RSS (KiB) in res/NAME.rss.  A failing run is reported, not fatal.
measure() {
    name=$1
    stdout=$2
    shift 2
    : >"$WORK/res/$name.runs"
    : >"$WORK/res/$name.rsss"
    failed=0
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        s=$(date +%s%N)
        if ! "$TIME" -f '%M' -o "$WORK/res/$name.time" "$@" >"$stdout" \
                2>"$WORK/res/$name.err"; then
            failed=1
            note "$name: run $((i + 1)) failed: $(tail -n 1 \
                "$WORK/res/$name.err")"
        fi
        e=$(date +%s%N)
        echo "$s $e" | awk '{ printf "%.4f\n", ($2 - $1) / 1e9 }' \
            >>"$WORK/res/$name.runs"
        tail -n 1 "$WORK/res/$name.time" >>"$WORK/res/$name.rsss"
        i=$((i + 1))
    done
    median <"$WORK/res/$name.runs" >"$WORK/res/$name.s"
    sort -n "$WORK/res/$name.rsss" | tail -n 1 >"$WORK/res/$name.rss"
    if [ "$failed" -ne 0 ]; then    # no figure from a failing command
        echo - >"$WORK/res/$name.s"
        echo - >"$WORK/res/$name.rss"
    fi
    say "$name: $(cat "$WORK/res/$name.s") s, $(cat "$WORK/res/$name.rss") KiB"
}

secs() { cat "$WORK/res/$1.s" 2>/dev/null || echo -; }
rss_kib() { cat "$WORK/res/$1.rss" 2>/dev/null || echo -; }

# Figures of run NAME over BYTES and EVENTS, for the tables.
mbps() { awk -v b="$2" -v s="$(secs "$1")" 'BEGIN {
    if (s == "-" || s <= 0) print "-"; else printf "%.0f\n", b / s / 1e6 }'; }
evps() { awk -v n="$2" -v s="$(secs "$1")" 'BEGIN {
    if (s == "-" || s <= 0) print "-"; else printf "%.0f\n", n / s }'; }
mib() { awk -v k="$(rss_kib "$1")" 'BEGIN {
    if (k == "-" || k == "") print "-"; else printf "%.1f\n", k / 1024 }'; }
# time of run A over time of run B
ratio() { awk -v a="$(secs "$1")" -v b="$(secs "$2")" 'BEGIN {
    if (a == "-" || b == "-" || b <= 0) print "-";
    else printf "%.2f\n", a / b }'; }

# compare NAME FILE: the line numbers in FILE against the native
# detector's; writes the verdict to res/NAME.check.
compare() {
    LC_ALL=C sort "$2" >"$WORK/cmp.peer"
    missing=$(LC_ALL=C comm -23 "$WORK/lines.native" "$WORK/cmp.peer" \
        | wc -l)
    extra=$(LC_ALL=C comm -13 "$WORK/lines.native" "$WORK/cmp.peer" \
        | wc -l)
    if [ "$missing" -eq 0 ] && [ "$extra" -eq 0 ]; then
        echo "same $(wc -l <"$WORK/cmp.peer") lines" >"$WORK/res/$1.check"
    else
        echo "**differs: $missing missing, $extra extra**" \
            >"$WORK/res/$1.check"
        note "$1 finds other lines than the native detector:" \
            "$missing missing, $extra extra"
    fi
}

check_of() { cat "$WORK/res/$1.check" 2>/dev/null || echo -; }

# events FILE N: generate N events (seed SEED) into FILE once; the hits'
# line numbers go to FILE.truth, gen's summary to FILE.gen.
events() {
    if [ ! -s "$1" ] || [ ! -f "$1.truth" ] \
            || ! grep -q "^gen: $2 events" "$1.gen" 2>/dev/null; then
        say "generating $2 events into $1"
        "$GEN" --events "$2" --seed "$SEED" --truth "$1.truth" >"$1" \
            2>"$1.gen"
    fi
    cat "$1" >/dev/null   # warm the page cache
}

size_of() { wc -c <"$1" | tr -d ' '; }

have() { command -v "$1" >/dev/null 2>&1; }

# ------------------------------------------------------------- machine

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cc_version=$(cc --version 2>/dev/null | head -n 1)
tcc_version=$(tcc -v 2>/dev/null | head -n 1 || true)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    commit="$commit with local changes"
fi
started=$(date -u +%Y-%m-%dT%H:%MZ)

# ---------------------------------------------------------------- peers

JQ=""
if have jq; then
    JQ=$(jq --version)
else
    note "jq is not installed: no jq figures (scripts/install-deps.sh bench)"
fi
DUCKDB=""
if ! have node; then
    note "node is not installed: no DuckDB figures" \
        "(scripts/install-deps.sh bench)"
elif [ ! -d "$ROOT/bench/node_modules/@duckdb/node-api" ]; then
    note "bench/node_modules lacks @duckdb/node-api: no DuckDB figures" \
        "(scripts/install-deps.sh bench)"
else
    DUCKDB="DuckDB $(node "$ROOT/bench/duckdb.mjs" version)"
    DUCKDB="$DUCKDB (@duckdb/node-api) on node $(node --version)"
fi
if [ ! -x "$TIME" ]; then
    say "GNU time ($TIME) is missing: scripts/install-deps.sh bench"
    exit 2
fi

# ------------------------------------------------------------- the file

FILE="$DATA/events-$EVENTS-seed$SEED.ndjson"
events "$FILE" "$EVENTS"
BYTES=$(size_of "$FILE")
PLANTED=$(wc -l <"$FILE.truth" | tr -d ' ')
say "$FILE: $BYTES bytes, $EVENTS events, $PLANTED hits planted"

DET="$WORK/port26"
"$KQLC" build "$RULE" -o "$DET"
THREADS=""
if "$DET" --help 2>&1 | grep -q -- '--threads'; then
    THREADS=$CORES
else
    note "the detector has no --threads option: no figures on $CORES" \
        "threads"
fi

# ------------------------------------------- same matches, then timed

# lines_of NAME CMD...: the line numbers CMD prints, set against the
# native detector's.
lines_of() {
    name=$1
    shift
    if "$@" >"$WORK/lines.$name" 2>"$WORK/lines.$name.err"; then
        compare "$name" "$WORK/lines.$name"
    else
        echo "**failed**" >"$WORK/res/$name.check"
        note "$name failed: $(tail -n 1 "$WORK/lines.$name.err")"
    fi
}

# Every engine and peer first gives the line numbers it matches; the
# native detector's are the reference, and must be the planted hits.
say "checking the matches"
"$DET" --format lines --quiet "$FILE" >"$WORK/lines.native.raw"
LC_ALL=C sort "$WORK/lines.native.raw" >"$WORK/lines.native"
compare truth "$FILE.truth"
if [ -n "$THREADS" ]; then
    lines_of threads "$DET" --threads "$THREADS" --format lines --quiet \
        "$FILE"
fi
lines_of jit "$KQLC" run "$RULE" --format lines --quiet "$FILE"
lines_of interp "$KQLC" run --engine interp "$RULE" --format lines \
    --quiet "$FILE"
if [ -n "$JQ" ]; then
    lines_of jq jq -n --arg mode lines -f "$ROOT/bench/port26.jq" "$FILE"
fi
if [ -n "$DUCKDB" ]; then
    lines_of duckdb node "$ROOT/bench/duckdb.mjs" lines "$FILE"
fi

say "timing, $RUNS runs each"
measure cat /dev/null cat "$FILE"
measure wc /dev/null wc -l "$FILE"
measure native "$WORK/count.native" "$DET" --format count --quiet "$FILE"
if [ -n "$THREADS" ]; then
    measure threads "$WORK/count.threads" "$DET" --threads "$THREADS" \
        --format count --quiet "$FILE"
fi
measure jit "$WORK/count.jit" "$KQLC" run "$RULE" --format count --quiet \
    "$FILE"
measure interp "$WORK/count.interp" "$KQLC" run --engine interp "$RULE" \
    --format count --quiet "$FILE"
if [ -n "$JQ" ]; then
    measure jq "$WORK/count.jq" jq -n --arg mode count \
        -f "$ROOT/bench/port26.jq" "$FILE"
fi
if [ -n "$DUCKDB" ]; then
    measure duckdb "$WORK/count.duckdb" node "$ROOT/bench/duckdb.mjs" count \
        "$FILE"
fi
# The counts the timed runs printed, against the lines checked above.
for e in native threads jit interp jq duckdb; do
    [ -f "$WORK/count.$e" ] || continue
    if [ "$(cat "$WORK/count.$e")" != "$(wc -l <"$WORK/lines.native" \
            | tr -d ' ')" ]; then
        note "$e counted $(cat "$WORK/count.$e") matches in its timed runs"
    fi
done

# ---------------------------------------------- throughput against size

# 10 thousand, 100 thousand and a million events, as far as
# BENCH_EVENTS, and BENCH_EVENTS itself (its figures are those above).
SIZES=$(printf '%s\n' 10000 100000 1000000 "$EVENTS" \
    | awk -v max="$EVENTS" '$1 <= max' | sort -n -u)
for n in $SIZES; do
    if [ "$n" -eq "$EVENTS" ]; then
        echo "$BYTES" >"$WORK/res/size$n.bytes"
        for e in native threads jit interp jq duckdb; do
            for x in s rss; do
                [ -f "$WORK/res/$e.$x" ] \
                    && cp "$WORK/res/$e.$x" "$WORK/res/size$n-$e.$x"
            done
        done
        continue
    fi
    f="$DATA/events-$n-seed$SEED.ndjson"
    events "$f" "$n"
    size_of "$f" >"$WORK/res/size$n.bytes"
    say "size $n"
    measure "size$n-native" /dev/null "$DET" --format count --quiet "$f"
    if [ -n "$THREADS" ]; then
        measure "size$n-threads" /dev/null "$DET" --threads "$THREADS" \
            --format count --quiet "$f"
    fi
    measure "size$n-jit" /dev/null "$KQLC" run "$RULE" --format count \
        --quiet "$f"
    measure "size$n-interp" /dev/null "$KQLC" run --engine interp "$RULE" \
        --format count --quiet "$f"
    if [ -n "$JQ" ]; then
        measure "size$n-jq" /dev/null jq -n --arg mode count \
            -f "$ROOT/bench/port26.jq" "$f"
    fi
    if [ -n "$DUCKDB" ]; then
        measure "size$n-duckdb" /dev/null node "$ROOT/bench/duckdb.mjs" \
            count "$f"
    fi
done

# ------------------------------------------ throughput against rules

# One detector of the first 1, 10 and 100 rules of the shared export
# that kqlc accepts, and of all of them, over the main file.  The JIT
# and the interpreter must give the native detector's alerts.
RULE_COUNTS=""
rules_experiment() {
    if [ ! -f "$EXPORT" ]; then
        note "$EXPORT is absent: no figures against the number of rules"
        return 0
    fi
    "$KQLC" check --list "$EXPORT" >"$WORK/rules.list" 2>/dev/null || true
    awk -F '\t' '$1 == "ok" || $1 == "warnings" {
        n = split($2, at, ":"); print at[n] }' "$WORK/rules.list" \
        >"$WORK/rules.lines"
    awk 'NR == FNR { keep[$1]; next } FNR in keep' "$WORK/rules.lines" \
        "$EXPORT" >"$WORK/rules.accepted"
    total=$(wc -l <"$WORK/rules.accepted" | tr -d ' ')
    if [ "$total" -eq 0 ]; then
        note "kqlc check accepted no rule of $EXPORT: no figures" \
            "against the number of rules"
        return 0
    fi
    RULE_COUNTS=$(printf '%s\n' 1 10 100 "$total" \
        | awk -v max="$total" '$1 <= max' | sort -n -u | tr '\n' ' ')
    for n in $RULE_COUNTS; do
        rules_one "$n"
    done
}

# rules_one N: build, check and time the detector of the first N rules.
rules_one() {
    n=$1
    r="$WORK/rules$n.ndjson"
    det="$WORK/rules$n"
    head -n "$n" "$WORK/rules.accepted" >"$r"
    say "$n rules"
    s=$(date +%s%N)
    if ! "$KQLC" build "$r" -o "$det" 2>"$WORK/rules$n.build.err"; then
        note "$n rules: kqlc build failed:" \
            "$(grep -m 1 'error:' "$WORK/rules$n.build.err")"
        return 0
    fi
    e=$(date +%s%N)
    echo "$s $e" | awk '{ printf "%.2f\n", ($2 - $1) / 1e9 }' \
        >"$WORK/res/rules$n.build"

    "$det" --format lines "$FILE" >"$WORK/rules$n.lines" \
        2>"$WORK/rules$n.err"
    agree=yes
    for engine in jit interp; do
        "$KQLC" run --engine "$engine" --rules "$r" --format lines "$FILE" \
            >"$WORK/rules$n.$engine" 2>/dev/null || true
        if ! cmp -s "$WORK/rules$n.lines" "$WORK/rules$n.$engine"; then
            agree=no
            note "$n rules: $engine's alerts differ from the native" \
                "detector's"
        fi
    done
    echo "$agree" >"$WORK/res/rules$n.agree"
    wc -l <"$WORK/rules$n.lines" | tr -d ' ' >"$WORK/res/rules$n.alerts"

    measure "rules$n-native" /dev/null "$det" --format count --quiet "$FILE"
    if [ -n "$THREADS" ]; then
        measure "rules$n-threads" /dev/null "$det" --threads "$THREADS" \
            --format count --quiet "$FILE"
    fi
    measure "rules$n-jit" /dev/null "$KQLC" run --rules "$r" --format count \
        --quiet "$FILE"
    measure "rules$n-interp" /dev/null "$KQLC" run --engine interp \
        --rules "$r" --format count --quiet "$FILE"
}
rules_experiment

# ------------------------------------------------- a stream, bounded RSS

# BENCH_STREAM_GB gigabytes from the generator through a pipe: the
# detector's peak RSS must not grow with its input.  head cuts the last
# line short, which the detector reports as malformed.  The hits
# expected are the planted ones among the lines that arrived whole.
# stream NAME DETECTOR-OPTIONS...: one such run, figures in res/NAME.*.
stream() {
    name=$1
    shift
    say "$name: $SBYTES bytes"
    s=$(date +%s%N)
    "$GEN" --stream --seed "$SEED" --truth "$WORK/$name.truth" \
        | head -c "$SBYTES" \
        | "$TIME" -f '%M' -o "$WORK/res/$name.time" "$DET" "$@" \
            --format count >"$WORK/$name.count" 2>"$WORK/$name.err" \
        || note "$name: the detector failed: $(tail -n 1 "$WORK/$name.err")"
    e=$(date +%s%N)
    echo "$s $e" | awk '{ printf "%.2f\n", ($2 - $1) / 1e9 }' \
        >"$WORK/res/$name.s"
    tail -n 1 "$WORK/res/$name.time" >"$WORK/res/$name.rss"
    whole=$(sed -n 's/.* = \([0-9]*\) events.*/\1/p' "$WORK/$name.err" \
        | tail -n 1)
    echo "${whole:-?}" >"$WORK/res/$name.events"
    awk -v n="${whole:-0}" '$1 <= n' "$WORK/$name.truth" | wc -l \
        | tr -d ' ' >"$WORK/res/$name.expected"
    say "$name: $(secs "$name") s, $(rss_kib "$name") KiB"
}

SBYTES=$(awk -v g="$STREAM_GB" 'BEGIN { printf "%.0f", g * 1e9 }')
STREAMS=""
if [ "$SBYTES" -eq 0 ]; then
    note "BENCH_STREAM_GB=0: no stream"
else
    stream stream
    STREAMS="stream"
    if [ -n "$THREADS" ]; then
        stream stream-threads --threads "$THREADS"
        STREAMS="stream stream-threads"
    fi
fi

# ---------------------------------------------------------- bench/jit.sh

# JIT compile latency and native build time; jit.sh writes its own
# RESULTS.md, kept here as a section of ours.
JIT_MS="-"
BUILD_S="-"
if sh "$ROOT/bench/jit.sh" >"$WORK/jit.log" 2>&1; then
    cp "$OUT" "$WORK/jit.md"
    JIT_MS=$(awk -F '|' '/JIT compile, port-26 rule/ {
        sub(/ ms */, "", $3); gsub(/ /, "", $3); print $3 }' "$WORK/jit.md")
    BUILD_S=$(awk -F '|' '/native build/ {
        sub(/ s */, "", $3); gsub(/ /, "", $3); print $3 }' "$WORK/jit.md")
else
    note "bench/jit.sh failed: $(tail -n 1 "$WORK/jit.log")"
fi

# ---------------------------------------------------------------- plots

# Data for gnuplot: "-" marks a figure not measured.
plot_data() {
    for e in cat wc native threads jit interp jq duckdb; do
        [ -f "$WORK/res/$e.s" ] || continue
        echo "\"$(label "$e")\" $(mbps "$e" "$BYTES")"
    done >"$WORK/throughput.dat"
    for n in $SIZES; do
        b=$(cat "$WORK/res/size$n.bytes")
        printf '%s' "$n"
        for e in native threads jit interp jq duckdb; do
            printf ' %s' "$(mbps "size$n-$e" "$b")"
        done
        echo
    done >"$WORK/size.dat"
    for n in $RULE_COUNTS; do
        printf '%s' "$n"
        for e in native threads jit interp; do
            printf ' %s' "$(evps "rules$n-$e" "$EVENTS")"
        done
        echo
    done >"$WORK/rules.dat"
}

label() {
    case $1 in
    cat) echo "cat" ;;
    wc) echo "wc -l" ;;
    native) echo "native, 1 thread" ;;
    threads) echo "native, ${THREADS:-all} cores" ;;
    jit) echo "JIT" ;;
    interp) echo "interpreter" ;;
    jq) echo "jq 1.6" ;;
    duckdb) echo "DuckDB" ;;
    esac
}

plots() {
    if ! have gnuplot; then
        note "gnuplot is not installed: no plots"
        return 0
    fi
    plot_data
    t=$(label threads)
    cat >"$WORK/plots.gp" <<GNUPLOT
set terminal pngcairo size 900,520 font "sans,10" noenhanced
set datafile missing "-"
set grid ytics
set key top right

set output "$ROOT/bench/throughput.png"
set title "Port-26 rule, $EVENTS events ($BYTES bytes), median of $RUNS"
set ylabel "MB/s (log scale)"
set logscale y
set style fill solid 0.7
set boxwidth 0.6
set xtics rotate by -30
set yrange [1:*]
plot "$WORK/throughput.dat" using 0:2:xticlabels(stringcolumn(1)) \\
    with boxes notitle, \\
    "" using 0:2:(sprintf("%d", \$2)) with labels offset 0,0.7 notitle

set output "$ROOT/bench/size.png"
set title "Port-26 rule: throughput against input size"
set key outside right top
set xtics norotate
set xlabel "events (log scale)"
set logscale x
set yrange [*:*]
plot "$WORK/size.dat" using 1:2 with linespoints title "native, 1 thread", \\
    "" using 1:3 with linespoints title "$t", \\
    "" using 1:4 with linespoints title "JIT", \\
    "" using 1:5 with linespoints title "interpreter", \\
    "" using 1:6 with linespoints title "jq 1.6", \\
    "" using 1:7 with linespoints title "DuckDB"
GNUPLOT
    [ -z "$RULE_COUNTS" ] || cat >>"$WORK/plots.gp" <<GNUPLOT

set output "$ROOT/bench/rules.png"
set title "Rules of the shared export in one detector, $EVENTS events"
set xlabel "rules (log scale)"
set ylabel "events/s (log scale)"
plot "$WORK/rules.dat" using 1:2 with linespoints title "native, 1 thread", \\
    "" using 1:3 with linespoints title "$t", \\
    "" using 1:4 with linespoints title "JIT", \\
    "" using 1:5 with linespoints title "interpreter"
GNUPLOT
    gnuplot "$WORK/plots.gp" >"$WORK/gnuplot.log" 2>&1 \
        || note "gnuplot failed: $(grep -v warning "$WORK/gnuplot.log" \
            | tail -n 1)"
}

plots

# -------------------------------------------------------------- report

# verdict VALUE OP LIMIT: met, not met, or not measured.
verdict() {
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (v == "-" || v == "" || v == "?") { print "not measured"; exit }
        ok = op == ">=" ? v + 0 >= l + 0 : v + 0 < l + 0
        print ok ? "met" : "**not met**" }'
}

div() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN {
    if (a == "-" || b == "-" || b == 0) print "-"; else printf f, a / b }'; }

targets() {
    n_mbps=$(mbps native "$BYTES")
    wc_pct=$(div "$n_mbps" "$(mbps wc "$BYTES")" "%.4f" \
        | awk '{ if ($1 == "-") print "-"; else printf "%.0f", $1 * 100 }')
    duck_x=$(ratio duckdb native)
    jq_x=$(ratio jq native)
    jit_x=$(ratio jit native)
    thr_x=$(ratio native threads)
    last=$(echo "$RULE_COUNTS" | awk '{ print $NF }')
    all_evps="-"
    [ -n "$last" ] && all_evps=$(evps "rules$last-native" "$EVENTS")
    s_mib=$(for n in $STREAMS; do mib "$n"; done | sort -n | tail -n 1)
    echo "| target | measured | verdict |"
    echo "| --- | --- | --- |"
    target "native, 1 thread, at least 2 GB/s" "$n_mbps" "MB/s" ">=" 2000
    target "native at least 40% of wc -l's speed" "$wc_pct" "%" ">=" 40
    target "native at least 5x DuckDB (1 thread)" "$duck_x" "x" ">=" 5
    target "native at least 50x jq" "$jq_x" "x" ">=" 50
    target "JIT within 1.5x of native (time)" "$jit_x" "x" "<" 1.5001
    target "two threads at least 1.8x one thread" "$thr_x" "x" ">=" 1.8
    target "every shared rule in one detector${last:+ ($last rules)}:" \
        "1 million events/s, 1 thread" "$all_evps" "events/s" ">=" 1000000
    target "peak RSS under 64 MiB, $STREAM_GB GB through a pipe" \
        "$s_mib" "MiB" "<" 64
    target "JIT compile of the port-26 rule under 5 ms (bench/jit.sh)" \
        "$JIT_MS" "ms" "<" 5
    target "native build under 1 s (bench/jit.sh)" "$BUILD_S" "s" "<" 1
}

# target WHAT... VALUE UNIT OP LIMIT: one row of the targets' table
# (WHAT may take several words, joined).
target() {
    what=""
    while [ $# -gt 4 ]; do
        what="${what:+$what }$1"
        shift
    done
    case $2 in
    x|%) figure="${1:--}$2" ;;
    *) figure="${1:--} $2" ;;
    esac
    echo "| $what | $figure | $(verdict "$1" "$3" "$4") |"
}

main_table() {
    echo "| what | seconds | MB/s | events/s | peak RSS MiB | time / native |" \
        "matches (against native) |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for e in cat wc native threads jit interp jq duckdb; do
        [ -f "$WORK/res/$e.s" ] || continue
        case $e in
        cat|wc) m="-" ;;
        native) m="$(wc -l <"$WORK/lines.native" | tr -d ' ') lines;" ;;
        *) m=$(check_of "$e") ;;
        esac
        [ "$e" = native ] && m="$m planted hits: $(check_of truth)"
        echo "| $(label "$e") | $(secs "$e") | $(mbps "$e" "$BYTES") |" \
            "$(evps "$e" "$EVENTS") | $(mib "$e") | $(ratio "$e" native) |" \
            "$m |"
    done
}

size_table() {
    echo "| events | bytes | native, 1 thread | $(label threads) | JIT |" \
        "interpreter | jq 1.6 | DuckDB |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for n in $SIZES; do
        b=$(cat "$WORK/res/size$n.bytes")
        printf '| %s | %s |' "$n" "$b"
        for e in native threads jit interp jq duckdb; do
            printf ' %s |' "$(mbps "size$n-$e" "$b")"
        done
        echo
    done
}

rules_table() {
    echo "| rules | build s | native, 1 thread | $(label threads) | JIT |" \
        "interpreter | lines alerted | JIT and interpreter agree |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for n in $RULE_COUNTS; do
        printf '| %s | %s |' "$n" "$(cat "$WORK/res/rules$n.build" \
            2>/dev/null || echo -)"
        for e in native threads jit interp; do
            printf ' %s |' "$(evps "rules$n-$e" "$EVENTS")"
        done
        echo " $(cat "$WORK/res/rules$n.alerts" 2>/dev/null || echo -) |" \
            "$(cat "$WORK/res/rules$n.agree" 2>/dev/null || echo -) |"
    done
}

stream_table() {
    [ -n "$STREAMS" ] || { echo "(not run)"; return 0; }
    echo "| detector | bytes | seconds | MB/s | whole events | alerts |" \
        "hits planted in them | peak RSS MiB |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    for n in $STREAMS; do
        case $n in
        stream) what=$(label native) ;;
        *) what=$(label threads) ;;
        esac
        echo "| $what | $SBYTES | $(secs "$n") | $(mbps "$n" "$SBYTES") |" \
            "$(cat "$WORK/res/$n.events") | $(cat "$WORK/$n.count") |" \
            "$(cat "$WORK/res/$n.expected") | $(mib "$n") |"
    done
}

rules_section() {
    if [ -z "$RULE_COUNTS" ]; then
        echo "(not run: see the notes)"
        return 0
    fi
    rules_table
    echo
    echo "![throughput against the number of rules](rules.png)"
}

# bench/jit.sh's RESULTS.md, as a section of ours.
jit_section() {
    [ -f "$WORK/jit.md" ] || return 0
    sed -e 's|^# The JIT, measured$|## The JIT, measured (bench/jit.sh)|' \
        "$WORK/jit.md"
}

write_results() {
    cat <<EOF2
# kqlc measured: detectors and their peers

Written by \`make bench\` (bench/run.sh) on $started, tree at $commit.
Every figure below comes from that one run; run it again to replace
them all.  $EVENTS events (BENCH_EVENTS) of bench/gen, seed $SEED,
$BYTES bytes, warm page cache; each command ran $RUNS times
(BENCH_RUNS) and the median counts; peak RSS is the largest of the
runs (GNU time).

## Machine

| | |
| --- | --- |
| CPU | ${cpu:-unknown}, $CORES cores |
| memory | $mem |
| kernel | $(uname -sr) |
| C compiler (detectors) | $cc_version |
| JIT | libtcc, ${tcc_version:-tcc not found} |
| jq | ${JQ:-not installed} |
| DuckDB | ${DUCKDB:-not installed} |

## Targets (issue 5)

$(targets)

## The port-26 rule, side by side

Each row reads the same file, $(awk -v b="$BYTES" 'BEGIN {
printf "%.0f MB", b / 1e6 }'), and counts the matches of Elastic's
"SMTP to the Internet on Port 26/TCP": the native detector built by
\`kqlc build\` (\`--format count\`), on one thread and on all cores
(\`--threads\`), \`kqlc run\` with the JIT and with the interpreter (their
time includes compiling the rule), jq 1.6 with bench/port26.jq, and
DuckDB through node with bench/duckdb.mjs (\`SET threads = 1\`; its time
includes starting node).  \`cat\` and \`wc -l\` give the machine's limit.
Before the timed runs each one printed the line numbers it matches, set
against the native detector's; the native detector's are set against
the hits bench/gen planted.

$(main_table)

![throughput per engine and peer](throughput.png)

## Throughput against input size

MB/s, port-26 rule, files of bench/gen with the same seed.  Small files
show start-up: loading a detector, compiling the rule, starting node.

$(size_table)

![throughput against input size](size.png)

## Throughput against the number of rules

Events per second over the $EVENTS events: one detector holding the
first N rules of ../shared/rules/kuery-rules.ndjson that \`kqlc check\`
accepts (in the export's order), then all of them.  Most of these rules
look at other kinds of events and match nothing here; the ones about
network traffic do, and the queries of threat_match rules (whose
indicator match step kqlc does not run) select every event with an
address.  "lines alerted": lines with at least one alert; "agree": the
JIT and the interpreter printed the native detector's alerts, line for
line.

$(rules_section)

## A stream through a pipe

\`gen --stream | head -c BYTES | detector --format count\`: the detector
reads standard input as it comes and holds no more than a few buffers,
whatever the size.  Its speed here is the generator's.

$(stream_table)

## Peers: where they differ from Elasticsearch

bench/port26.jq and bench/duckdb.mjs give the rule the meaning
Elasticsearch gives it on ECS as far as each can; both say so at their
top.  Both read a field nested, dotted or mixed, take any element of an
array, read numeric strings as numbers for destination.port, and parse
IPv4 and IPv6 addresses (\`::\`, an IPv4 tail, IPv4-mapped addresses,
hex in any case) to test the rule's 3 and 26 CIDR blocks as 128-bit
numbers.  Narrower than Elasticsearch:

- jq prints numbers again in its own way, so a keyword field holding a
  number compares as jq writes it (1.0 reads "1"), and its number
  parser takes strings Elasticsearch may refuse (" 26");
- DuckDB reads the objects that hold the rule's fields as STRUCTs: an
  array of such objects (Elasticsearch flattens it) stops the query with
  an error rather than a wrong answer; arrays within arrays flatten one
  level only;
- a line that is no JSON stops both, where a detector reports it and
  goes on.

None of these occurs in bench/gen's events, so every peer must find
exactly the native detector's lines; a difference is reported in the
table above and in the notes.

The events: bench/gen draws Zeek connection and SMTP, Elastic
network_traffic flow, PAN-OS and pfSense documents, mostly trimmed
(about 400 bytes) with some whole ones (up to about 2,700), keys
nested, dotted or mixed, about 0.11% hits and 1% near misses (one
condition of the rule broken each: UDP, a private or excluded
destination, another port, an outside source, "TCP" in capitals, no
network category).  Outside hosts use the documentation ranges, which
the rule excludes for IPv4: planted hits go to 2001:db8::/32.

## Notes from this run

$(if [ -s "$WORK/notes" ]; then cat "$WORK/notes"; else echo "None."; fi)

$(jit_section)

## How to run

    make bench                                   # everything, as above
    BENCH_EVENTS=100000 BENCH_STREAM_GB=0.2 make bench   # a quick look
    build/bench/gen --help                       # the generator alone

\`make bench\` installs what only it needs (\`scripts/install-deps.sh
bench\`: gnuplot, GNU time, node and npm, and @duckdb/node-api into
bench/node_modules at the version bench/package-lock.json pins).  Event
files are kept in bench/data/ (BENCH_DATA) for the next run.
EOF2
}

write_results >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "wrote $OUT"
