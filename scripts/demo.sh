#!/bin/sh
# scripts/demo.sh - the port-26 detector on a sample of our own (make demo).
#
# Builds the detector for rules/command_and_control_smtp_to_the_internet_
# port_26.toml with bin/kqlc (run 'make all' first), runs it over
# tests/data/demo-network.ndjson, printing the alerts and then the matching
# line numbers with the run's counters, and fails when the lines found
# differ from tests/data/demo-network.expected, whose verdicts were worked
# out by hand (tests/data/demo-network.md says why for each line).
#
# Exit status: 0 when the detector found exactly the expected lines, 1
# otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1

rule=rules/command_and_control_smtp_to_the_internet_port_26.toml
sample=tests/data/demo-network.ndjson
expected=tests/data/demo-network.expected
out=build/demo
det=$out/port26

fail() {
    echo "demo: $*" >&2
    exit 1
}

[ -x bin/kqlc ] || fail "bin/kqlc is missing; run 'make all' first"
mkdir -p "$out" || fail "cannot create $out"

echo "==> bin/kqlc build $rule -o $det"
bin/kqlc build "$rule" -o "$det" || fail "the detector did not build"

echo
echo "==> $det --format alert $sample"
"$det" --format alert "$sample" || fail "the detector failed"

echo
echo "==> $det --format lines $sample"
"$det" --format lines "$sample" >"$out/lines" \
    || fail "the detector failed"
cat "$out/lines"

# The expectation file may carry '#' comments.
grep -v '^#' "$expected" >"$out/expected"
echo
if cmp -s "$out/expected" "$out/lines"; then
    echo "demo: the detector found the $(grep -c '' "$out/lines")" \
        "lines of $expected"
else
    echo "demo: the lines found differ from $expected" \
        "(< expected, > found):" >&2
    diff "$out/expected" "$out/lines" >&2
    exit 1
fi
