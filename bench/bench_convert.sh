#!/usr/bin/env bash
# Benchmark of the OpenCC stage: `fixtext --to simplified` beside `opencc -c t2s.json` on a 50 MB
# Traditional Chinese corpus, in one run: throughput and peak memory (GNU time), on one core and
# with -j 2; whether the outputs agree; then, on a Simplified corpus, how many lines OpenCC's
# tw2s and t2s change and how many fixtext --to simplified / --to tw2s change (should be 0).
#
# fixtext is measured twice: as users run it (every repair on: detection, mojibake, pinyin, ...)
# and with the repairs turned off, which isolates the conversion stage itself.
# opencc gets its fastest mode (-i FILE -o /dev/null; reading stdin is slower).
# Usage: bash bench/bench_convert.sh [FIXTEXT_BINARY]   (default build/fixtext; RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTEXT=${1:-build/fixtext}
WORK=bench/work
mkdir -p "$WORK"
TRAD=$WORK/trad-zh-50M.txt
SIMP=$WORK/simp-zh.txt
RUNS=${RUNS:-3}
CONVERT_ONLY="--no-detect --no-mojibake --no-shifted --keep-entities --keep-pinyin --no-c1"

# Traditional: seeds 000, 001, 003 and Debian's manpages-zh zh_TW pages, repeated to 50 MB.
# Simplified: seeds 002, 004 and the zh_CN pages, once (about 6 MB).
if [ ! -s "$TRAD" ] || [ ! -s "$SIMP" ]; then
  python3 - "$TRAD" "$SIMP" <<'PY'
import glob, gzip, sys
def man(lang):
    return b"".join(gzip.open(p).read() for p in sorted(glob.glob(f"/usr/share/man/{lang}/man*/*.gz")))
def seeds(*names):
    return b"".join(open(glob.glob(f"fixtures/seeds/{n}_*.txt")[0], "rb").read() for n in names)
trad = seeds("000", "001", "003") + man("zh_TW")
with open(sys.argv[1], "wb") as out:
    size = 0
    while size < 50 * 1024 * 1024:
        out.write(trad)
        size += len(trad)
with open(sys.argv[2], "wb") as out:
    out.write(seeds("002", "004") + man("zh_CN"))
PY
fi
bytes=$(stat -c %s "$TRAD")

# best wall time of RUNS runs, peak RSS (KiB) and CPU use; the command reads $TRAD itself
measure() {
  local label=$1 best=999999 peak=0 cpu="" t m p
  shift
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M %P" -o "$WORK/time.out" "$@" > /dev/null
    read -r t m p < "$WORK/time.out"
    if python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; cpu=$p; fi
    [ "$m" -gt "$peak" ] && peak=$m
  done
  python3 -c "
b=$bytes; t=max($best, 0.001)
print(f'{\"$label\":<42} {b/t/1e6:7.1f} MB/s  {t:6.2f} s  cpu {\"$cpu\":>5}  peak {$peak/1024:6.1f} MB')"
  echo "$best" > "$WORK/last.time"
}

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (-j 2 can only gain on idle cores)"
echo "corpus: $TRAD ($((bytes / 1048576)) MiB, Traditional Chinese), best of $RUNS runs"
echo "tool                                       throughput   time      cpu    memory"
measure "opencc -c t2s.json" opencc -c t2s.json -i "$TRAD" -o /dev/null
t_opencc=$(cat "$WORK/last.time")
# shellcheck disable=SC2086
measure "fixtext --to simplified (-j1, conv only)" "$FIXTEXT" $CONVERT_ONLY --to simplified "$TRAD"
t_conv1=$(cat "$WORK/last.time")
# shellcheck disable=SC2086
measure "fixtext --to simplified (-j2, conv only)" "$FIXTEXT" $CONVERT_ONLY -j 2 --to simplified "$TRAD"
t_conv2=$(cat "$WORK/last.time")
measure "fixtext --to simplified (-j1, all)" "$FIXTEXT" --to simplified "$TRAD"
t_all1=$(cat "$WORK/last.time")
measure "fixtext --to simplified (-j2, all)" "$FIXTEXT" -j 2 --to simplified "$TRAD"
t_all2=$(cat "$WORK/last.time")
measure "fixtext, no conversion (-j1, all)" "$FIXTEXT" "$TRAD"
python3 -c "
o=$t_opencc
print(f'speed vs opencc: conversion only {o/$t_conv1:.2f}x (-j1), {o/$t_conv2:.2f}x (-j2); '
      f'with every repair {o/$t_all1:.2f}x (-j1), {o/$t_all2:.2f}x (-j2)')"

# Do the outputs agree? (Repairs off: the corpus is clean, only conversion differs.)
opencc -c t2s.json -i "$TRAD" -o "$WORK/opencc.out"
# shellcheck disable=SC2086
"$FIXTEXT" $CONVERT_ONLY --to simplified "$TRAD" > "$WORK/fixtext.out"
lines=$(wc -l < "$TRAD")
echo "lines where fixtext --to simplified differs from opencc t2s: $(diff "$WORK/opencc.out" "$WORK/fixtext.out" | grep -c '^<' || true) of $lines"
rm -f "$WORK/opencc.out" "$WORK/fixtext.out"
echo

# Simplified text: speed (fixtext skips OpenCC where nothing is to convert) and what each changes.
bytes=$(stat -c %s "$SIMP")
echo "corpus: $SIMP ($((bytes / 1048576)) MiB, Simplified Chinese), best of $RUNS runs"
measure "opencc -c t2s.json" opencc -c t2s.json -i "$SIMP" -o /dev/null
# shellcheck disable=SC2086
measure "fixtext --to simplified (-j1, conv only)" "$FIXTEXT" $CONVERT_ONLY --to simplified "$SIMP"
slines=$(wc -l < "$SIMP")
changed() { diff "$SIMP" - | grep -c '^<' || true; }
echo "Simplified corpus: $SIMP ($slines lines)"
echo "  opencc -c tw2s.json changes            $(opencc -c tw2s.json -i "$SIMP" | changed) lines"
echo "  opencc -c t2s.json changes             $(opencc -c t2s.json -i "$SIMP" | changed) lines"
# shellcheck disable=SC2086
echo "  fixtext --to simplified changes        $("$FIXTEXT" $CONVERT_ONLY --to simplified "$SIMP" | changed) lines"
# shellcheck disable=SC2086
echo "  fixtext --to tw2s changes              $("$FIXTEXT" $CONVERT_ONLY --to tw2s "$SIMP" | changed) lines"
