#!/bin/sh
# Install the Debian packages kqlc needs to build, test and benchmark,
# when any of them is missing.  Uses sudo when not run as root.  Safe to
# run again: it does nothing when everything is present.
#
#   scripts/install-deps.sh        what make and make test need
#   scripts/install-deps.sh fuzz   that, and clang with libFuzzer (make fuzz)
#   scripts/install-deps.sh bench  that, and the peers and tools of make
#                                  bench, DuckDB into bench/node_modules
set -eu

PACKAGES="
build-essential
flex
bison
tcc
libtcc-dev
libjansson-dev
libtomlplusplus-dev
libedit-dev
zlib1g-dev
libzstd-dev
libunistring-dev
libcmocka-dev
pkg-config
jq
"

# clang and its sanitizer and libFuzzer runtimes, for make fuzz only.
FUZZ_PACKAGES="
clang
libclang-rt-14-dev
"

# gnuplot and GNU time, for make bench only; Node.js and npm when there
# are none (a Node.js of another source may be installed already).
BENCH_PACKAGES="
gnuplot-nox
time
"
command -v node >/dev/null 2>&1 || BENCH_PACKAGES="$BENCH_PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || BENCH_PACKAGES="$BENCH_PACKAGES npm"

case "${1:-}" in
    "") ;;
    fuzz) PACKAGES="$PACKAGES $FUZZ_PACKAGES" ;;
    bench) PACKAGES="$PACKAGES $BENCH_PACKAGES" ;;
    *) echo "usage: install-deps.sh [fuzz|bench]" >&2; exit 2 ;;
esac

# DuckDB for make bench: the npm package, at the version that
# bench/package-lock.json pins, into bench/node_modules.
bench_npm() {
    [ "${1:-}" = bench ] || return 0
    bench=$(cd "$(dirname "$0")/../bench" && pwd)
    [ -d "$bench/node_modules/@duckdb/node-api" ] && return 0
    echo "install-deps: npm ci in $bench" >&2
    (cd "$bench" && npm ci --no-audit --no-fund >/dev/null)
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    bench_npm "${1:-}"
    exit 0
fi

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
bench_npm "${1:-}"
