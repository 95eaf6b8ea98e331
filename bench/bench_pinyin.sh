#!/usr/bin/env bash
# Benchmark of pinyin stripping: fixtext on a 50 MB corpus built from all five seeds (three of
# them carry ~1,700 annotations per 80 KB, so about 1 line in 3 has work to do), beside
# `iconv -f UTF-8 -t UTF-8` and `cat` on the same file, in one run; fixtext also with
# --keep-pinyin (the stage off) to show what the stage itself costs, and the stage alone through a
# small driver linked against the static library. Prints best wall time of RUNS runs and peak
# memory (GNU time).
# Usage: bash bench/bench_pinyin.sh [BUILD_DIR]   (default build; needs GNU time and cc)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
FIXTEXT=$BUILD/fixtext
WORK=bench/work
mkdir -p "$WORK"
CORPUS=$WORK/seeds-50M.txt
RUNS=${RUNS:-5}

if [ ! -s "$CORPUS" ]; then
  python3 - "$CORPUS" <<'PY'
import glob, sys
src = b"".join(open(f, "rb").read() for f in sorted(glob.glob("fixtures/seeds/*.txt")))
with open(sys.argv[1], "wb") as out:
    size = 0
    while size < 50 * 1024 * 1024:
        out.write(src)
        size += len(src)
PY
fi
bytes=$(stat -c %s "$CORPUS")

measure() {
  local label=$1 best=999999 peak=0 t m
  shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" < "$CORPUS" > "$WORK/out.txt"
    read -r t m < "$WORK/time.out"
    best=$(python3 -c "print(min($best, $t))")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  python3 -c "
b=$bytes; t=max($best, 0.001)
print(f'{\"$label\":<28} {b/t/1e6:8.1f} MB/s  {t:6.3f} s  peak {$peak/1024:6.1f} MB')"
  echo "$best" > "$WORK/last.time"
}

echo "corpus: $CORPUS ($((bytes / 1048576)) MiB, the five seeds repeated), best of $RUNS runs"
measure "fixtext" "$FIXTEXT"
fx=$(cat "$WORK/last.time")
removed=$("$FIXTEXT" --stats < "$CORPUS" 2>&1 >/dev/null | grep -i pinyin || true)
measure "fixtext --keep-pinyin" "$FIXTEXT" --keep-pinyin
measure "iconv -f UTF-8 -t UTF-8" iconv -f UTF-8 -t UTF-8
ic=$(cat "$WORK/last.time")
measure "cat" cat
python3 -c "print(f'fixtext / iconv throughput: {$ic / max($fx, 0.001):.2f}x (target >= 0.5x)')"
echo "${removed:-fixtext --stats printed no pinyin figure}"

cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Itables bench/bench_pinyin_stage.c "$BUILD/libfixtext.a" \
   -o "$WORK/bench_pinyin_stage" -lpthread -lm 2>&1 | head -5
"$WORK/bench_pinyin_stage" "$CORPUS"
# a clean corpus (seeds 002 and 004 only, no annotation) through the stage alone: the hot path
python3 - "$WORK/clean-50M.txt" <<'PY'
import sys
src = b"".join(open(f"fixtures/seeds/{n}", "rb").read() for n in
               ("002_acdd70bc26a88983.txt", "004_ecb655ede9af396d.txt"))
open(sys.argv[1], "wb").write(src * (50 * 1024 * 1024 // len(src) + 1))
PY
echo -n "clean text only: "
"$WORK/bench_pinyin_stage" "$WORK/clean-50M.txt"
