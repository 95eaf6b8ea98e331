#!/usr/bin/env python3
"""fixtext --jsonl on compressed JSON Lines shards of real documents, beside plain reading of the
same shards (zcat) and beside ftfy.fix_text over the same documents in Python when `import ftfy`
works (ftfy is not packaged in Debian: its row is skipped with a message otherwise).

Documents: bench/bench_python.py's (distinct lines of Debian's translated man pages, the Debian
Reference and fortunes-zh poetry, each once, in documents of 1 to 8 lines; one in ten turned into
mojibake by reading its UTF-8 as Latin-1), written by json.dumps with its default escaping — the
shards datatrove and NeMo Curator pipelines write — into gzip'd shards of about 25,000 documents.
Also prints what the repair did: mojibake documents restored exactly, clean documents changed.

Usage: bench_jsonl.py [FIXTEXT] [DOCS]   (default build/fixtext, 100000 documents)
RUNS=N: best of N runs per row (default 3). MB/s counts the uncompressed JSONL bytes."""
import glob
import gzip
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_python  # noqa: E402  (its documents(); importing it needs the package built)

WORK = os.path.join(HERE, "work", "jsonl")
RUNS = int(os.environ.get("RUNS", "3"))
SHARD_DOCS = 25000


def make_shards(count):
    os.makedirs(WORK, exist_ok=True)
    for old in glob.glob(os.path.join(WORK, "shard-*.jsonl.gz")):
        os.remove(old)
    docs = bench_python.documents(count)
    originals = []
    size = 0
    for s in range(0, len(docs), SHARD_DOCS):
        lines = []
        for k in range(s, min(s + SHARD_DOCS, len(docs))):
            lines.append(json.dumps({"id": k, "url": f"https://example.org/{k}", "text": docs[k]}) + "\n")
            broken = k % 10 == 9
            originals.append(docs[k].encode("latin-1").decode("utf-8") if broken else None)
        data = "".join(lines).encode()
        size += len(data)
        with open(os.path.join(WORK, f"shard-{s // SHARD_DOCS}.jsonl.gz"), "wb") as f:
            f.write(gzip.compress(data, 6))
    return docs, originals, size


def timed(cmd):
    best = 1e9
    peak = 0
    for _ in range(RUNS):
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, shell=False)
        best = min(best, time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}: {p.stderr[-300:]!r}")
        peak = max(peak, int(p.stderr.split()[-1]) / 1024)
    return best, peak


def main():
    fixtext = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "fixtext")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    docs, originals, size = make_shards(count)
    shards = sorted(glob.glob(os.path.join(WORK, "shard-*.jsonl.gz")))
    print(f"load average: {open('/proc/loadavg').read().split()[:3]} ({os.cpu_count()} cores)")
    print(f"{len(docs)} documents in {len(shards)} gzip'd shards, {size / 1e6:.1f} MB of JSONL "
          f"(json.dumps' default escaping), best of {RUNS}")
    out = os.path.join(WORK, "clean.jsonl.zst")
    rows = [
        ("zcat shard-*.jsonl.gz", ["sh", "-c", "zcat \"$@\" > /dev/null", "zcat"] + shards),
        ("fixtext (lines as plain text) -j 1", [fixtext, "-j", "1", "-o", "/dev/null"] + shards),
        ("fixtext --jsonl -j 1", [fixtext, "--jsonl", "-j", "1", "-o", "/dev/null"] + shards),
        ("fixtext --jsonl -j 2", [fixtext, "--jsonl", "-j", "2", "-o", "/dev/null"] + shards),
        ("fixtext --jsonl -j 2 -o clean.jsonl.zst", [fixtext, "--jsonl", "-j", "2", "-o", out] + shards),
    ]
    for name, cmd in rows:
        seconds, peak = timed(cmd)
        print(f"  {name:<42} {size / seconds / 1e6:8.1f} MB/s  peak {peak:6.1f} MB")
    try:
        import ftfy
        t = time.perf_counter()
        for d in docs:
            ftfy.fix_text(d)
        seconds = time.perf_counter() - t
        print(f"  {'ftfy.fix_text per document (Python, once)':<42} {size / seconds / 1e6:8.1f} MB/s")
    except ImportError:
        print("  ftfy.fix_text: skipped (import ftfy failed; it is not packaged in Debian)")

    # what the repair did, from the written shard
    got = subprocess.run(["zstd", "-dc", out], capture_output=True, check=True).stdout
    texts = [json.loads(line)["text"] for line in got.splitlines()]
    restored = sum(t == o for t, o in zip(texts, originals) if o is not None)
    broken = sum(o is not None for o in originals)
    clean_changed = sum(t != d for t, d, o in zip(texts, docs, originals) if o is None)
    clean = len(docs) - broken
    print(f"  mojibake documents restored exactly: {restored} of {broken} ({100 * restored / broken:.1f}%)")
    print(f"  documents not made mojibake here, changed: {clean_changed} of {clean} "
          f"({1e6 * clean_changed / clean:.0f} per million); the first changed lines (some sources "
          f"hold mojibake of their own):")
    shown = 0
    for t, d, o in zip(texts, docs, originals):
        if o is None and t != d and shown < 6:
            a, b = next((a, b) for a, b in zip(d.split("\n"), t.split("\n")) if a != b)
            print(f"    {a[:70]!r}\n    -> {b[:70]!r}")
            shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
