#!/usr/bin/env bash
# Benchmark of mojibake repair on diverse real text: every line of bench/work/real-clean.txt
# (bench/real_corpus.py: poetry, manuals, man pages, catalogues, fortunes in many languages, each
# distinct line once) with one non-ASCII line in ten garbled by a reading its script meets
# (bench/garble_corpus.py, Python's codecs), run through `iconv -f UTF-8 -t UTF-8` and fixtext in
# the same run: fixtext as a user runs it, with --no-detect (the lines are UTF-8: the repair stages
# without the detector), and with --no-mojibake (the stages off) to show what they cost. Prints
# best wall time of RUNS runs, MB/s, the ratio to iconv and peak memory (GNU time); then, from the
# default run's output, the garbled lines restored and the clean lines changed (lines fixtext also
# changes in the clean corpus alone are damaged there, and are left out); then the accuracy of the
# development set (bench/work/mojibake_dev.jsonl, generated here, not committed).
# Usage: bash bench/bench_mojibake.sh [BUILD_DIR]   (default build; needs GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
FIXTEXT=$BUILD/fixtext
WORK=bench/work
mkdir -p "$WORK"
CORPUS=$WORK/mojibake-real.txt
DEV=$WORK/mojibake_dev.jsonl
RUNS=${RUNS:-3}

[ -s "$DEV" ] || python3 fixtures/mojibake/gen_mojibake.py devset "$DEV" 300
CLEAN=$WORK/real-clean.txt
EXPECTED=$WORK/mojibake-real.expected
[ -s "$CLEAN" ] || python3 bench/real_corpus.py "$CLEAN"
[ -s "$CORPUS" ] && [ -s "$EXPECTED" ] || python3 bench/garble_corpus.py "$CLEAN" "$CORPUS" "$EXPECTED"
bytes=$(stat -c %s "$CORPUS")

# Best wall time and best CPU time (user+sys: the machine may be shared, CPU time is steadier).
measure() {
  local label=$1 best=999999 cpu=999999 peak=0 t u s m
  shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.out" "$@" < "$CORPUS" > "$WORK/out.txt"
    read -r t u s m < "$WORK/time.out"
    best=$(python3 -c "print(min($best, $t))")
    cpu=$(python3 -c "print(min($cpu, $u + $s))")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  echo "$label|$best|$cpu|$peak"
}

echo "corpus: $CORPUS ($bytes bytes, 1 non-ASCII line in 10 garbled)"
{
  measure "iconv -f UTF-8 -t UTF-8" iconv -f UTF-8 -t UTF-8
  measure "fixtext" "$FIXTEXT"
  measure "fixtext --no-detect" "$FIXTEXT" --no-detect
  measure "fixtext --no-mojibake" "$FIXTEXT" --no-mojibake
  measure "fixtext --no-detect --no-mojibake" "$FIXTEXT" --no-detect --no-mojibake
} | python3 -c "
import sys
rows = [l.split('|') for l in sys.stdin.read().splitlines()]
base, base_cpu = float(rows[0][1]), float(rows[0][2])
print('%-34s %8s %10s %11s %8s %11s %9s' % ('', 'wall', 'MB/s', 'vs iconv', 'cpu', 'vs iconv', 'peak'))
for label, t, c, m in rows:
    t, c = float(t), max(float(c), 0.01)
    print('%-34s %7.2fs %10.1f %10.2fx %7.2fs %10.2fx %7.1f MB' % (label, t, $bytes / t / 1e6, base / t, c, base_cpu / c, int(m) / 1024))
"
echo "restored and changed (default options):"
"$FIXTEXT" -q < "$CORPUS" > "$WORK/out.txt" || true
"$FIXTEXT" -q < "$CLEAN" > "$WORK/out-clean.txt" || true
python3 bench/corpus_pairs.py "$CORPUS" "$EXPECTED" "$WORK/out.txt" "$WORK/out-clean.txt"
echo "repairs (fixtext --no-detect --stats):"
"$FIXTEXT" --no-detect --stats < "$CORPUS" 2>&1 >/dev/null | grep -i -E "mojibake|shifted|entit|c1" || true
echo "development set ($DEV):"
python3 tests/e2e_mojibake.py "$FIXTEXT" "$DEV" --report | grep -v "^FAIL\|^  "
