#!/bin/sh
# Instructions each parser executes on each corpus (a 2 MiB prefix), counted
# by callgrind: reliable where wall-clock time on a shared machine is not.
#
#   benches/icount.sh [parser ...]        (default: ours libtelnet)
#
# Prints one line per corpus and chunk size: instructions per byte.
set -eu
target=${CARGO_TARGET_DIR:-target}
CARGO_PROFILE_RELEASE_DEBUG=true cargo build -q --release -p telnet-benches --example profile
size=2097152
parsers=${*:-ours libtelnet}
for corpus in plain binary iac_dense negotiation subneg mud nvt_crlf; do
    for chunk in 4096 64; do
        line="$corpus $chunk"
        for parser in $parsers; do
            out=$(mktemp)
            valgrind --tool=callgrind --callgrind-out-file="$out" \
                --toggle-collect='telnet_benches::*::run*' \
                "$target/release/examples/profile" "$corpus" "$chunk" "$parser" "$size" >/dev/null 2>&1
            ir=$(grep '^summary:' "$out" | awk '{print $2}')
            rm -f "$out"
            line="$line $parser=$(echo "$ir $size" | awk '{printf "%.2f", $1 / $2}')"
        done
        echo "$line"
    done
done
