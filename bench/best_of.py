#!/usr/bin/env python3
"""Best wall time of N runs of a command reading FILE on stdin, output discarded: for comparing
two builds (or a build and iconv) in the same minute on a machine whose speed drifts.

Usage: best_of.py FILE CMD [ARGS...]   (RUNS=7 by default)"""
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    path, cmd = sys.argv[1], sys.argv[2:]
    best = float("inf")
    for _ in range(int(os.environ.get("RUNS", "7"))):
        with open(path, "rb") as src, open(os.devnull, "wb") as null:
            start = time.perf_counter()
            subprocess.run(cmd, stdin=src, stdout=null, check=True)
            best = min(best, time.perf_counter() - start)
    size = os.path.getsize(path) / 1e6
    print(f"{best * 1000:8.1f} ms  {size / best:7.1f} MB/s  {' '.join(cmd)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
