#!/usr/bin/env bash
# Benchmark of pinyin stripping on real text, each line once: bench/work/real-zh.txt (real_corpus.py:
# poetry, the Debian Reference, man pages) with spam-mirror annotations ("網(wǎng)絡(luò)") on one
# Chinese line in three (bench/annotate_corpus.py), beside `iconv -f UTF-8 -t UTF-8` and `cat` on
# the same file, in one run; fixtext also with --keep-pinyin (the stage off) to show what the stage
# itself costs, and the stage alone through a small driver linked against the static library.
# Prints best wall time of RUNS runs and peak memory (GNU time), then the annotated lines that
# come back as they were before annotation and the other lines that change (default options).
# Usage: bash bench/bench_pinyin.sh [BUILD_DIR]   (default build; needs GNU time and cc)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
FIXTEXT=$BUILD/fixtext
WORK=bench/work
mkdir -p "$WORK"
CORPUS=$WORK/pinyin-real.txt
EXPECTED=$WORK/pinyin-real.expected
CLEAN=$WORK/real-zh.txt
RUNS=${RUNS:-5}

[ -s "$CLEAN" ] || python3 bench/real_corpus.py "$CLEAN" poetry-zh reference-zh-cn reference-zh-tw man-zh_CN man-zh_TW
[ -s "$CORPUS" ] && [ -s "$EXPECTED" ] || python3 bench/annotate_corpus.py "$CLEAN" "$CORPUS" "$EXPECTED"
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

echo "corpus: $CORPUS ($((bytes / 1048576)) MiB, real text each line once, one Chinese line in three annotated), best of $RUNS runs"
measure "fixtext" "$FIXTEXT"
fx=$(cat "$WORK/last.time")
removed=$("$FIXTEXT" --stats < "$CORPUS" 2>&1 >/dev/null | grep -i pinyin || true)
measure "fixtext --keep-pinyin" "$FIXTEXT" --keep-pinyin
measure "iconv -f UTF-8 -t UTF-8" iconv -f UTF-8 -t UTF-8
ic=$(cat "$WORK/last.time")
measure "cat" cat
python3 -c "print(f'fixtext / iconv throughput: {$ic / max($fx, 0.001):.2f}x (target >= 0.5x)')"
echo "${removed:-fixtext --stats printed no pinyin figure}"

cc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Isrc/detect -Itables bench/bench_pinyin_stage.c "$BUILD/libfixtext.a" \
   -o "$WORK/bench_pinyin_stage" $(pkg-config --libs opencc icu-uc icu-i18n) -lpthread -lm 2>&1 | head -5
"$WORK/bench_pinyin_stage" "$CORPUS"
echo -n "the same text without annotations: "
"$WORK/bench_pinyin_stage" "$CLEAN"
echo "annotated lines restored and other lines changed (default options):"
"$FIXTEXT" -q < "$CORPUS" > "$WORK/out.txt" || true
python3 bench/corpus_pairs.py "$CORPUS" "$EXPECTED" "$WORK/out.txt"
