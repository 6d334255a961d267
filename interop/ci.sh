#!/usr/bin/env bash
# The interop suite: our Telnet client and servers against real peers
# (busybox, inetutils, libtelnet, Python telnetlib, telnetlib3, tintin++),
# all on 127.0.0.1. Called by .ci/run, which installs the Debian packages;
# this script checks each peer, installs telnetlib3 (pinned) into a virtual
# environment, builds our binaries and runs the tests with a time bound.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD

TELNETLIB3_VERSION=2.0.4

fail() { printf 'interop: %s\n' "$*" >&2; exit 1; }

# ---- peers from Debian ----------------------------------------------------
for pkg in busybox-static inetutils-telnetd inetutils-telnet socat libtelnet-utils tintin++ bsdutils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || fail "Debian package $pkg is not installed (apt-get install $pkg)"
done
need() { # program, package
  if [[ $1 == */* ]]; then [ -x "$1" ] || fail "missing peer: $1 (from $2)"
  else command -v "$1" >/dev/null || fail "missing peer: $1 not in PATH (from $2)"; fi
}
need busybox busybox-static
busybox --list | grep -qx telnetd || fail "this busybox has no telnetd applet (install busybox-static)"
busybox --list | grep -qx telnet || fail "this busybox has no telnet applet (install busybox-static)"
need /usr/sbin/telnetd inetutils-telnetd
need inetutils-telnet inetutils-telnet
need socat socat
need telnet-chatd libtelnet-utils
need telnet-client libtelnet-utils
need /usr/games/tt++ tintin++
need script bsdutils
need timeout coreutils

# ---- Python: telnetlib (3.11 still has it) and telnetlib3 from PyPI -------
python=
for candidate in python3.11 python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null \
    && "$candidate" -W ignore -c 'import telnetlib, venv' 2>/dev/null; then
    python=$(command -v "$candidate"); break
  fi
done
[ -n "$python" ] || fail "no python3 with telnetlib and venv (Python 3.11 and python3-venv are needed)"
venv=${INTEROP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/telnet-interop/venv-telnetlib3-$TELNETLIB3_VERSION}
if ! "$venv/bin/python" -c "import telnetlib3, sys; from importlib.metadata import version; sys.exit(version('telnetlib3') != '$TELNETLIB3_VERSION')" 2>/dev/null; then
  rm -rf "$venv"
  timeout 120 "$python" -m venv "$venv" || fail "could not create a virtual environment at $venv"
  timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check "telnetlib3==$TELNETLIB3_VERSION" \
    || fail "pip could not install telnetlib3==$TELNETLIB3_VERSION"
fi
"$venv/bin/python" -W ignore -c 'import telnetlib, telnetlib3' \
  || fail "the virtual environment $venv lacks telnetlib or telnetlib3"
export INTEROP_PYTHON=$venv/bin/python

# ---- our binaries ------------------------------------------------------------
bins=${CARGO_TARGET_DIR:-$here/../target}/interop-bin
mkdir -p "$bins"
main_target=${CARGO_TARGET_DIR:-$here/../target}
# Both adapters have an example called `echo`, the command their docs give;
# cargo links the one of the package it builds to examples/echo, so each is
# copied right after its own build.
for crate in telnet-std telnet-tokio; do
  timeout 900 cargo build --quiet --manifest-path ../Cargo.toml -p "$crate" --example echo \
    || fail "our $crate echo example does not build"
  cp "$main_target/debug/examples/echo" "$bins/$crate-echo"
done
# The command-line client, for rtelnet_vs_servers.rs.
timeout 900 cargo build --quiet --manifest-path ../Cargo.toml -p telnet-std --bin rtelnet \
  || fail "our rtelnet client does not build"
cp "$main_target/debug/rtelnet" "$bins/rtelnet"
export INTEROP_BIN_DIR=$bins

# ---- the suite -----------------------------------------------------------------
timeout 900 cargo test --no-run 2>&1 | tail -n 3 || fail "the interop tests do not build"
# Peers are processes and sockets: two at a time keeps the machine responsive.
timeout 300 cargo test -- --test-threads=2
