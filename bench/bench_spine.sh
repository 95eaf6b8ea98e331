#!/usr/bin/env bash
# Benchmark of the filter spine on clean UTF-8 Chinese text: throughput and peak memory of fixtext
# beside `iconv -f UTF-8 -t UTF-8` and `cat` on the same input, in one run; then peak memory on a
# 2 GB stream and on a single 200 MB line without a newline.
# Usage: bash bench/bench_spine.sh [FIXTEXT_BINARY]   (default build/fixtext; needs GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTEXT=${1:-build/fixtext}
WORK=bench/work
mkdir -p "$WORK"
CORPUS=$WORK/clean-zh-50M.txt
RUNS=${RUNS:-5}

# Clean Simplified Chinese from the seeds that carry no annotations (002, 004), repeated to 50 MB.
if [ ! -s "$CORPUS" ]; then
  python3 - "$CORPUS" <<'PY'
import sys
src = b"".join(open(f"fixtures/seeds/{n}", "rb").read() for n in
               ("002_acdd70bc26a88983.txt", "004_ecb655ede9af396d.txt"))
with open(sys.argv[1], "wb") as out:
    size = 0
    while size < 50 * 1024 * 1024:
        out.write(src)
        size += len(src)
PY
fi
bytes=$(stat -c %s "$CORPUS")

# best wall time of RUNS runs (perf_counter: /usr/bin/time has 10 ms steps), peak RSS from GNU time
measure() {
  local label=$1
  shift
  python3 - "$CORPUS" "$RUNS" "$bytes" "$label" "$@" <<'PY'
import subprocess, sys, time
corpus, runs, size, label, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]
best, peak = 1e9, 0
for _ in range(runs):
    with open(corpus, "rb") as src, open("/dev/null", "wb") as null:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", "bench/work/time.out"] + cmd,
                           stdin=src, stdout=null)
        best = min(best, time.perf_counter() - t0)
    peak = max(peak, int(open("bench/work/time.out").read().split()[-1]))
print(f"{label:<28} {size / best / 1e6:8.1f} MB/s  {best:6.3f} s  peak {peak / 1024:6.1f} MB")
PY
}

echo "corpus: $CORPUS ($((bytes / 1048576)) MiB, clean UTF-8 Chinese), best of $RUNS runs"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; -j 2 gains only on an idle machine)"
echo "tool                          throughput    time     memory"
measure "fixtext" "$FIXTEXT"
measure "fixtext -j 2" "$FIXTEXT" -j 2
measure "fixtext --no-mojibake" "$FIXTEXT" --no-mojibake
measure "fixtext, repairs off" "$FIXTEXT" --no-mojibake --keep-pinyin --keep-entities
measure "iconv -f UTF-8 -t UTF-8" iconv -f UTF-8 -t UTF-8
measure "cat" cat
echo

# Streaming memory: 2 GB through a pipe, and one 200 MB line with no newline at all.
stream_peak() {
  python3 -c "
import sys
block = open('$CORPUS', 'rb').read(8 << 20)
for _ in range($1 // len(block) + 1):
    sys.stdout.buffer.write(block)" | /usr/bin/time -f "%M" -o "$WORK/mem.out" "$FIXTEXT" > /dev/null
  echo "$(( $(cat "$WORK/mem.out") / 1024 )) MB"
}
echo "peak memory, 2 GB stream:            $(stream_peak $((2 * 1024 * 1024 * 1024)))"
one_line_peak() {
  python3 -c "
import sys
block = open('$CORPUS', 'rb').read(8 << 20).replace(b'\n', b' ').replace(b'\r', b' ')
for _ in range(25):
    sys.stdout.buffer.write(block)" | /usr/bin/time -f "%M" -o "$WORK/mem.out" "$FIXTEXT" --stats 2> "$WORK/stats.out" > /dev/null
  echo "$(( $(cat "$WORK/mem.out") / 1024 )) MB ($(grep -o 'lines read: [0-9]*' "$WORK/stats.out"))"
}
echo "peak memory, one 200 MB line:        $(one_line_peak)"
