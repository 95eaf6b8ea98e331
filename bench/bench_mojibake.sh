#!/usr/bin/env bash
# Benchmark of mojibake repair: a 50 MB corpus of real clean lines (the seeds, Debian's translated
# man pages) in which one line in ten carries mojibake made with Python's codecs (every class of
# fixtures/mojibake/gen_mojibake.py), run through `iconv -f UTF-8 -t UTF-8` and fixtext in the same
# run: fixtext as a user runs it, with --no-detect (the lines are UTF-8: the mojibake and shifted
# stages without the detector), and with --no-mojibake (the stages off) to show what they cost.
# Prints best wall time of RUNS runs, MB/s, the ratio to iconv and peak memory (GNU time), then the
# accuracy of the development set (bench/work/mojibake_dev.jsonl, generated here, not committed).
# Usage: bash bench/bench_mojibake.sh [BUILD_DIR]   (default build; needs GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
FIXTEXT=$BUILD/fixtext
WORK=bench/work
mkdir -p "$WORK"
CORPUS=$WORK/mojibake-50M.txt
DEV=$WORK/mojibake_dev.jsonl
RUNS=${RUNS:-3}

[ -s "$DEV" ] || python3 fixtures/mojibake/gen_mojibake.py devset "$DEV" 300
if [ ! -s "$CORPUS" ]; then
  python3 - "$CORPUS" "$DEV" <<'PY'
import json, random, sys
sys.path.insert(0, "fixtures/mojibake")
import gen_mojibake as g
rng = random.Random(7)
src = g.sources()
clean = [l for lines in src.values() for l in lines]
bad = [c["input"] for c in map(json.loads, open(sys.argv[2], encoding="utf-8")) if c["class"] != "NEGATIVE"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    size = 0
    while size < 50 * 1024 * 1024:
        block = [rng.choice(clean) for _ in range(9)] + [rng.choice(bad)]
        text = "\n".join(block) + "\n"
        out.write(text)
        size += len(text.encode("utf-8"))
PY
fi
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

echo "corpus: $CORPUS ($bytes bytes, 1 line in 10 with mojibake)"
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
echo "repairs (fixtext --no-detect --stats):"
"$FIXTEXT" --no-detect --stats < "$CORPUS" 2>&1 >/dev/null | grep -i -E "mojibake|shifted|entit|c1" || true
echo "development set ($DEV):"
python3 tests/e2e_mojibake.py "$FIXTEXT" "$DEV" --report | grep -v "^FAIL\|^  "
