#!/usr/bin/env python3
"""The Python package on ~100,000 real documents, each once: throughput of fixtext.fix_text, of a
Fixer reused, of Fixer.fix_bytes, of one Fixer in two threads and in two processes, and of
ftfy.fix_text beside them when `import ftfy` works (ftfy is not packaged in Debian: its row is
skipped with a message otherwise).

Documents: the distinct lines of Debian's translated man pages, the Debian Reference and the
Chinese poetry of fortunes-zh (bench/real_corpus.py, .ci/packages installs them), grouped into
documents of 1 to 8 lines as paragraphs come; one document in ten is turned into mojibake (its
UTF-8 read as Latin-1, as a mislabelled web page is), the damage ftfy exists to repair.

Usage: PYTHONPATH=build/python python3 bench/bench_python.py [DOCS] [--runs N]
The row "all joined" is the same text as one input, which is what the command sees in a file.
MB/s counts the documents' UTF-8 bytes; best of N runs (default 3; ftfy once)."""
import concurrent.futures
import itertools
import multiprocessing
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import real_corpus  # noqa: E402

import fixtext  # noqa: E402

SOURCES = ["man-zh_CN", "man-zh_TW", "man-ja", "man-ko", "man-ru", "man-de", "man-fr", "man-es",
           "man-pl", "man-it", "man-pt_BR", "man-uk", "poetry-zh", "reference-zh-cn",
           "reference-zh-tw", "reference-ja"]
SIZES = [1, 1, 2, 3, 5, 8, 1, 2]  # lines per document, in turn: 2.9 on average


def documents(count):
    lines = real_corpus.lines(SOURCES)
    docs = []
    for k in range(count):
        group = list(itertools.islice(lines, SIZES[k % len(SIZES)]))
        if not group:
            break
        doc = "\n".join(group)
        if k % 10 == 9:
            doc = doc.encode("utf-8").decode("latin-1")
        docs.append(doc)
    return docs


def best(runs, fn):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def in_threads(fixer, docs, n):
    parts = [docs[k::n] for k in range(n)]
    threads = [threading.Thread(target=lambda p=p: [fixer.fix_text(d) for d in p]) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    if "--runs" in sys.argv:
        args.remove(str(runs))
    count = int(args[0]) if args else 100000
    t = time.perf_counter()
    docs = documents(count)
    raw = [d.encode("utf-8") for d in docs]
    size = sum(map(len, raw))
    print(f"{len(docs)} documents, {size / 1e6:.1f} MB of UTF-8, {sum(d.count(chr(10)) + 1 for d in docs)} "
          f"lines ({time.perf_counter() - t:.1f} s to read); fixtext {fixtext.__version__} from "
          f"{os.path.dirname(fixtext.__file__)}; best of {runs}")

    fixer = fixtext.Fixer()
    reference = [fixer.fix_text(d) for d in docs]
    changed = sum(a is not b and a != b for a, b in zip(reference, docs))
    print(f"documents changed by fixtext: {changed}")
    rows = []

    def row(name, seconds, note=""):
        rows.append((name, size / seconds / 1e6, len(docs) / seconds, note))
        print(f"  {name:<34} {size / seconds / 1e6:8.1f} MB/s {len(docs) / seconds:10,.0f} docs/s {note}",
              flush=True)

    row("fixtext.fix_text(doc)", best(runs, lambda: [fixtext.fix_text(d) for d in docs]))
    row("Fixer().fix_text(doc), reused", best(runs, lambda: [fixer.fix_text(d) for d in docs]))
    row("Fixer().fix_bytes(doc), reused", best(runs, lambda: [fixer.fix_bytes(d) for d in raw]))
    joined = "\n".join(docs)
    row("Fixer().fix_text(all joined), 1 call", best(runs, lambda: fixer.fix_text(joined)),
        "(one input, as the command reads a file)")
    row("fix_and_explain(doc), reused", best(runs, lambda: [fixer.fix_and_explain(d) for d in docs]))
    row("one Fixer, 2 threads", best(runs, lambda: in_threads(fixer, docs, 2)),
        "(documents under %d bytes keep the GIL)" % fixtext.GIL_RELEASE_MIN)
    big = ["\n".join(docs[k:k + 200]) for k in range(0, len(docs), 200)]
    row("one Fixer, 2 threads, 200-doc batches", best(runs, lambda: in_threads(fixer, big, 2)))
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as ex:
        list(ex.map(fixer.fix_text, docs[:1000], chunksize=500))  # workers started
        row("one Fixer, 2 processes (fork)",
            best(runs, lambda: list(ex.map(fixer.fix_text, docs, chunksize=2000))))
    try:
        import ftfy
    except ImportError:
        print("  ftfy.fix_text: skipped (ftfy is not installed; Debian does not package it)")
    else:
        ftfy_out = None

        def run_ftfy():
            nonlocal ftfy_out
            ftfy_out = [ftfy.fix_text(d) for d in docs]
        row(f"ftfy.fix_text(doc) {ftfy.__version__}", best(1, run_ftfy))
        agree = sum(a == b for a, b in zip(ftfy_out, reference))
        print(f"  ftfy and fixtext give the same text for {agree} of {len(docs)} documents")


if __name__ == "__main__":
    main()
