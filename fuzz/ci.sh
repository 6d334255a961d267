#!/usr/bin/env bash
# Builds every fuzz target with the nightly toolchain and runs each one for
# FUZZ_SECONDS seconds (default 30), FUZZ_JOBS at a time (default 2),
# starting from its committed seeds. Any crash, panic, timeout or leak fails
# the script, which prints the reproducer: the artifact's path under
# fuzz/artifacts/<target>/, its bytes in hex, and the command that replays it.
#
# With 19 targets, 30 seconds each and two at a time, the runs take about
# 5 minutes; a cold build adds 2 to 3 minutes on two cores.
set -euo pipefail

cd "$(dirname "$0")"
# The sanitizer builds live in fuzz/target, apart from the stable builds
# (their flags differ, so sharing a target directory would only rebuild).
unset CARGO_TARGET_DIR
secs=${FUZZ_SECONDS:-30}
jobs=${FUZZ_JOBS:-2}

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --help >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz build
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin=target/$host/release
targets=$(cargo +nightly fuzz list)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one target on a scratch copy of its seeds; writes a report and an
# exit status to $work.
run_target() {
    local t=$1
    local log=$work/$t.log report=$work/$t.report
    mkdir -p "$work/corpus-$t" "artifacts/$t"
    cp corpus/"$t"/seed-* "$work/corpus-$t/" 2>/dev/null || true
    local rc=0
    "$bin/$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "$work/corpus-$t" >"$log" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ]; then
        local done_line
        done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
        echo "ok    $t  ${done_line:-(no DONE line)}" >"$report"
    else
        {
            echo "FAIL  $t (libFuzzer exit status $rc)"
            echo "---- last lines of the log:"
            tail -n 60 "$log"
            for f in $(grep -o "artifacts/$t/[^ ]*" "$log" | sort -u); do
                [ -f "$f" ] || continue
                echo "---- reproducer: fuzz/$f ($(wc -c <"$f") bytes)"
                od -An -tx1 -v "$f"
                echo "---- replay: (cd fuzz && cargo +nightly fuzz run $t $f)"
            done
        } >"$report"
    fi
    echo "$rc" >"$work/$t.status"
}

echo "fuzzing $(echo "$targets" | wc -w) targets for ${secs}s each, $jobs at a time"
for t in $targets; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n || true
    done
    run_target "$t" &
done
wait

failed=0
for t in $targets; do
    cat "$work/$t.report"
    if [ "$(cat "$work/$t.status")" != 0 ]; then
        failed=1
    fi
done
if [ "$failed" -ne 0 ]; then
    echo "fuzzing found a failure: see the reproducers above" >&2
    exit 1
fi
echo "fuzzing: every target ran ${secs}s without a failure"
