#!/bin/sh
# tests/fuzz/run.sh - run libFuzzer targets one after another (make fuzz).
#
#   tests/fuzz/run.sh DIR SECONDS TARGET...
#
# Runs DIR/fuzz_TARGET for SECONDS seconds each, on the corpus it grows
# in DIR/corpus/TARGET (started from the seeds of tests/fuzz/corpus/TARGET),
# with the target's dictionary and input size limit.  A crash, sanitizer
# report, timeout or out-of-memory is kept as DIR/crashes/TARGET-*; its
# output is in DIR/TARGET.log.  Prints one line per target (seconds,
# executions, coverage, corpus) and exits 1 when any target found
# something.
set -u

[ $# -ge 3 ] || { echo "usage: run.sh DIR SECONDS TARGET..." >&2; exit 2; }
dir=$1
secs=$2
shift 2
here=$(dirname "$0")

failed=""
for t in "$@"; do
    case $t in
        parser)   max_len=4096; dict=kql.dict ;;
        rulefile) max_len=16384; dict=rulefile.dict ;;
        scan)     max_len=8192; dict=json.dict ;;
        *) echo "run.sh: unknown target '$t'" >&2; exit 2 ;;
    esac
    mkdir -p "$dir/corpus/$t" "$dir/crashes"
    log="$dir/$t.log"
    echo "fuzz: $t for $secs s (log: $log)"
    start=$(date +%s)
    "$dir/fuzz_$t" -max_total_time="$secs" -max_len="$max_len" \
        -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -dict="$here/$dict" -artifact_prefix="$dir/crashes/$t-" \
        "$dir/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    # libFuzzer's last status line and final statistics
    last=$(grep -E '^#[0-9]+.*(cov|DONE)' "$log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $t: status $rc after $took s, ${execs:-?} executions; $last"
    if [ $rc -ne 0 ]; then
        failed="$failed $t"
        grep -E 'ERROR|SUMMARY|differ|Test unit written' "$log" | head -n 8
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in:$failed (see $dir/crashes/)"
    exit 1
fi
echo "fuzz: no findings"
