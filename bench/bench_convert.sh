#!/usr/bin/env bash
# Benchmark of the OpenCC stage beside `opencc -c CONFIG` (libopencc 1.1.6), on diverse real text
# with every line once (bench/real_corpus.py; nothing repeated to reach a size):
#   Traditional: Debian Reference zh-tw (long technical lines) + manpages-zh zh_TW    -> t2s, tw2sp
#   Simplified:  fortunes-zh poetry (short lines) + Debian Reference zh-cn + zh_CN pages -> s2t, s2twp
#   poetry:      the fortunes-zh poetry alone (lines of 5-20 characters)               -> s2t
#   everything:  every source of bench/real_corpus.py (68 MB, every script; the Chinese in both
#                scripts, long and short lines)                                     -> t2s, s2t
#   (fixtext's start, about 12 ms with s2t's dictionaries mapped, and its first-touch of a few
#   MB of buffers weigh on the small corpora, -j 2 most: the last two rows show how it scales)
# Peers: opencc with Debian's data (what `opencc -c t2s.json` runs here) and opencc with
# fixtext's own data (the same dictionaries and configuration files fixtext uses).
# fixtext: conversion only (-j 1, -j 2; the other repairs off) and as users run it (-j 1, every
# repair on). Each row: best wall time of RUNS runs, its CPU time (user+sys), peak memory and
# throughput; speed-ups are against opencc with Debian's data, then with fixtext's data. The load average is
# printed before and after: on a shared machine -j 2 figures mean little.
# Then, per configuration, the lines where fixtext differs from opencc with the same data (lines
# in both scripts, which fixtext converts differently on purpose, and none other).
# Usage: bash bench/bench_convert.sh [FIXTEXT_BINARY]   (default build/fixtext; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTEXT=${1:-build/fixtext}
DATA=${FIXTEXT_OPENCC_DATA:-$(dirname "$FIXTEXT")/tables/opencc}
export FIXTEXT_OPENCC_DATA=$DATA
WORK=bench/work
mkdir -p "$WORK"
RUNS=${RUNS:-5}
CONVERT_ONLY="--only=convert"

[ -s "$WORK/conv-trad.txt" ] || python3 bench/real_corpus.py "$WORK/conv-trad.txt" reference-zh-tw man-zh_TW
[ -s "$WORK/conv-simp.txt" ] || python3 bench/real_corpus.py "$WORK/conv-simp.txt" poetry-zh reference-zh-cn man-zh_CN
[ -s "$WORK/conv-poetry.txt" ] || python3 bench/real_corpus.py "$WORK/conv-poetry.txt" poetry-zh
[ -s "$WORK/real-clean.txt" ] || python3 bench/real_corpus.py "$WORK/real-clean.txt"

# measure LABEL FILE COMMAND...: prints the row (best wall time of RUNS runs, to the
# millisecond, with that run's CPU time and peak memory); the best goes to $WORK/last.time
measure() {
  local label=$1 file=$2
  shift 2
  python3 - "$RUNS" "$label" "$file" "$WORK/last.time" "$@" <<'PY'
import os, subprocess, sys, time
runs, label, path, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{label}: exit status {proc.returncode}")
    if best is None or wall < best[0]:
        best = (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
wall, cpu, peak_kb = best
mb_s = os.path.getsize(path) / wall / 1e6
print(f"  {label:<44} {mb_s:7.1f} MB/s  {wall:6.3f} s  cpu {cpu:6.3f} s  peak {peak_kb / 1024:4.0f} MB")
with open(out, "w") as f:
    f.write(f"{wall} {cpu}\n")
PY
}

# bench CONFIG FILE: the rows for one configuration on one corpus, and the speed-ups
bench() {
  local config=$1 file=$2 deb own c1 c2 ca
  echo "$config on $file ($(wc -l < "$file") lines, $(($(stat -c %s "$file") / 1024)) KiB)"
  if [ -f "/usr/share/opencc/$config.json" ]; then
    measure "opencc -c $config.json (Debian data)" "$file" opencc -c "/usr/share/opencc/$config.json" -i "$file" -o /dev/null
    deb=$(cat "$WORK/last.time")
  else
    deb="0 0"
  fi
  measure "opencc -c $config.json (fixtext's data)" "$file" opencc -c "$DATA/$config.json" -i "$file" -o /dev/null
  own=$(cat "$WORK/last.time")
  # shellcheck disable=SC2086
  measure "fixtext --to $config -j 1 (conversion only)" "$file" "$FIXTEXT" $CONVERT_ONLY --to "$config" "$file"
  c1=$(cat "$WORK/last.time")
  # shellcheck disable=SC2086
  measure "fixtext --to $config -j 2 (conversion only)" "$file" "$FIXTEXT" $CONVERT_ONLY -j 2 --to "$config" "$file"
  c2=$(cat "$WORK/last.time")
  measure "fixtext --to $config -j 1 (every repair)" "$file" "$FIXTEXT" --to "$config" "$file"
  ca=$(cat "$WORK/last.time")
  python3 - "$deb" "$own" "$c1" "$c2" "$ca" <<'PY'
import sys
(deb, _), (own, _), (c1, cpu1), (c2, cpu2), (ca, _) = [tuple(map(float, a.split())) for a in sys.argv[1:]]
def vs(peer, name):
    if not peer:
        return f"  vs opencc, {name}: n/a"
    return (f"  vs opencc, {name}: -j 1 {peer / c1:.2f}x, -j 2 {peer / c2:.2f}x, "
            f"every repair -j 1 {peer / ca:.2f}x")
print(vs(deb, "Debian data"))
print(vs(own, "fixtext's data"))
print(f"  -j 2 against -j 1: {c1 / c2:.2f}x wall, CPU {cpu2:.3f} s against {cpu1:.3f} s")
PY
  # shellcheck disable=SC2086
  "$FIXTEXT" $CONVERT_ONLY --to "$config" "$file" > "$WORK/fixtext.out"
  opencc -c "$DATA/$config.json" -i "$file" -o "$WORK/opencc.out"
  echo "  lines where fixtext differs from opencc (same data): $(diff "$WORK/opencc.out" "$WORK/fixtext.out" | grep -c '^<' || true)"
  rm -f "$WORK/opencc.out" "$WORK/fixtext.out"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; best of $RUNS runs"
bench t2s "$WORK/conv-trad.txt"
bench tw2sp "$WORK/conv-trad.txt"
bench s2t "$WORK/conv-simp.txt"
bench s2twp "$WORK/conv-simp.txt"
bench s2t "$WORK/conv-poetry.txt"
bench t2s "$WORK/real-clean.txt"
bench s2t "$WORK/real-clean.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
