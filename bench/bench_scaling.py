#!/usr/bin/env python3
"""How fixtext's default pipeline scales with -j on diverse real text (bench/real_corpus.py: every
line once, poetry to long prose, many languages), beside `iconv -f UTF-8 -t UTF-8` on the same
bytes in the same run. Also checks that -j 1 and -j N write the same bytes, and, as the ceiling
for -j 2, times two single-threaded processes run at once on two halves of the corpus.

Usage: bench_scaling.py [FIXTEXT] [JOBS...]   (default build/fixtext, jobs 1 2)
RUNS=N sets the runs per row (best of N, default 5). Figures for -j 2 mean something only when
nothing else runs on the machine."""
import hashlib
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
RUNS = int(os.environ.get("RUNS", "5"))
CORPORA = {
    "real-clean.txt": [],  # every source
    "real-zh.txt": ["poetry-zh", "reference-zh-cn", "reference-zh-tw", "man-zh_CN", "man-zh_TW"],
}


def corpus(name):
    path = os.path.join(WORK, name)
    if not os.path.exists(path):
        os.makedirs(WORK, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(HERE, "real_corpus.py"), path] + CORPORA[name],
                       check=True)
    return path


def measure(cmd, path):
    """Best wall time of RUNS runs with the output going to /dev/null (a pipe read by this script
    would compete for the two cores), peak RSS (MB), and the output's digest from one more run."""
    best, peak = 1e9, 0
    for _ in range(RUNS):
        with open(path, "rb") as src, open(os.devnull, "wb") as null:
            t0 = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdin=src, stdout=null,
                               stderr=subprocess.PIPE)
            best = min(best, time.perf_counter() - t0)
        peak = max(peak, int(p.stderr.split()[-1]) / 1024)
    with open(path, "rb") as src:
        digest = hashlib.sha256(subprocess.run(cmd, stdin=src, capture_output=True).stdout).hexdigest()
    return best, peak, digest


def halves(path):
    """The corpus dealt into two parts of the same mix, 1,000 lines to each in turn (the sources
    differ in speed, so two plain halves would not be equal work); made once, beside it."""
    out = [path + ".half1", path + ".half2"]
    if not all(os.path.exists(p) for p in out):
        lines = open(path, "rb").read().splitlines(keepends=True)
        for k, p in enumerate(out):
            with open(p, "wb") as f:
                for start in range(k * 1000, len(lines), 2000):
                    f.writelines(lines[start:start + 1000])
    return out


def measure_pair(cmd, parts):
    """Best wall time of RUNS runs of two processes at once, one per half of the input: what the
    machine gives two independent single-threaded jobs right now, the ceiling for -j 2 (a shared
    host can give its virtual cores unequal speeds; this row shows it)."""
    best = 1e9
    for _ in range(RUNS):
        nulls = [open(os.devnull, "wb") for _ in parts]
        t0 = time.perf_counter()
        procs = [subprocess.Popen(cmd + [p], stdout=n) for p, n in zip(parts, nulls)]
        for proc in procs:
            proc.wait()
        best = min(best, time.perf_counter() - t0)
        for n in nulls:
            n.close()
    return best


def main():
    fixtext = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "fixtext")
    jobs = [int(j) for j in sys.argv[2:]] or [1, 2]
    print(f"load average: {open('/proc/loadavg').read().split()[:3]} ({os.cpu_count()} cores)")
    status = 0
    for name in CORPORA:
        path = corpus(name)
        size = os.path.getsize(path)
        print(f"\n{name}: {size / 1e6:.1f} MB, best of {RUNS}")
        t_iconv, m_iconv, _ = measure(["iconv", "-f", "UTF-8", "-t", "UTF-8"], path)
        print(f"  {'iconv -f UTF-8 -t UTF-8':<26} {size / t_iconv / 1e6:8.1f} MB/s  peak {m_iconv:6.1f} MB")
        base, first_digest = None, None
        for j in jobs:
            t, m, digest = measure([fixtext, "-q", "-j", str(j)], path)
            base = base or t
            first_digest = first_digest or digest
            same = "same output" if digest == first_digest else "OUTPUT DIFFERS"
            status |= digest != first_digest
            print(f"  {'fixtext -j ' + str(j):<26} {size / t / 1e6:8.1f} MB/s  peak {m:6.1f} MB  "
                  f"{t_iconv / t:5.2f}x iconv  {base / t:5.2f}x -j {jobs[0]}  {same}")
        if 2 in jobs and jobs[0] == 1:
            t = measure_pair([fixtext, "-q", "-j", "1"], halves(path))
            print(f"  {'2 x fixtext -j 1, halves':<26} {size / t / 1e6:8.1f} MB/s  "
                  f"{'':>15}{t_iconv / t:5.2f}x iconv  {base / t:5.2f}x -j 1  (two processes)")
    return status


if __name__ == "__main__":
    sys.exit(main())
