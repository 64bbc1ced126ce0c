#!/bin/sh
# Install the Debian packages kqlc needs to build, test and benchmark,
# when any of them is missing.  Uses sudo when not run as root.  Safe to
# run again: it does nothing when everything is present.
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

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

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
