#!/usr/bin/env bash
# A short libFuzzer run for the test suite: short_run.sh FUZZER DICT ARTIFACT_DIR SECONDS CORPUS...
# Starts from a copy of the CORPUS directories (new inputs go to the copy: the source tree stays as
# it is), with inputs up to 64 KiB (the default window: quadratic paths show there as timeouts) from the
# start: -len_control=0, else libFuzzer creeps up from the largest seed and a minute never leaves it.
# Exits non-zero when libFuzzer reports a crash, leak, sanitizer error, failed check or timeout;
# the reproducer is then in ARTIFACT_DIR.
set -uo pipefail
fuzzer=$1 dict=$2 artifacts=$3 seconds=$4
shift 4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for corpus in "$@"; do
  cp -r "$corpus"/. "$work/corpus"/ || exit 2
done
mkdir -p "$artifacts"
"$fuzzer" "$work/corpus" -dict="$dict" -max_len=65536 -len_control=0 -timeout=10 -max_total_time="$seconds" \
  -artifact_prefix="$artifacts"/ -print_final_stats=1 >"$work/log" 2>&1
status=$?
# the statistics always; on a failure, what libFuzzer said about it
grep -E '^(stat::|Done|INFO: seed corpus)' "$work/log"
if [ $status -ne 0 ]; then
  grep -E '^(fuzz_|==[0-9]+==|SUMMARY|artifact_prefix|Base64)|runtime error' "$work/log" | tail -n 20
  echo "libFuzzer exited with $status; reproducer in $artifacts" >&2
  exit 1 # not libFuzzer's 77 for a crash: meson takes 77 for "skipped"
fi
exit 0
