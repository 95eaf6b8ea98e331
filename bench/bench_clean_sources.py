#!/usr/bin/env python3
"""Clean lines changed per million, per named source of real clean text (bench/real_corpus.py:
every distinct line once), with fixtext's default options. Every changed line is a claim that the
line was broken: read the sample (--show) before calling one a false repair — some sources hold
real damage (the Spanish fakeroot page is double-encoded, zh iptables pages carry GBK damage) and
documentation of HTML references (`&quot;`) is decoded by the entities stage.

Usage: bench_clean_sources.py [FIXTEXT] [--show]   (default build/fixtext)"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import real_corpus  # noqa: E402

SOURCES = ["poetry-zh", "reference-zh-cn", "reference-zh-tw", "reference-ja", "man-zh_CN",
           "man-zh_TW", "man-ja", "man-ko", "man-ru", "man-de", "man-fr", "man-vi", "catalogues",
           "reference-eu", "fortunes-eu"]


def report(label, lines, changed, show, note=""):
    """One source's line: lines read, (before, after) pairs changed, a sample when show."""
    print(f"{label:24} {lines:8d} lines  changed {len(changed):5d}  "
          f"{1e6 * len(changed) / max(1, lines):7.0f} per million{note}", flush=True)
    for a, b in changed[:5] if show else []:
        print(f"    {a[:80]!r}\n    -> {b[:80]!r}")


def report_total(lines, changed):
    print(f"{'all':24} {lines:8d} lines  changed {changed:5d}  "
          f"{1e6 * changed / max(1, lines):7.0f} per million")


def main():
    args = [a for a in sys.argv[1:] if a != "--show"]
    fixtext = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    total = total_changed = 0
    for name in SOURCES:
        lines = list(real_corpus.lines([name]))
        data = ("\n".join(lines) + "\n").encode()
        out = subprocess.run([fixtext, "-q"], input=data, capture_output=True).stdout
        got = out.decode("utf-8", "replace").split("\n")
        changed = [(a, b) for a, b in zip(lines, got) if a != b]
        total += len(lines)
        total_changed += len(changed)
        report(name, len(lines), changed, show)
    report_total(total, total_changed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
