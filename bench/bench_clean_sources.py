#!/usr/bin/env python3
"""Clean lines changed per million, per named source of real clean text (bench/real_corpus.py:
every distinct line once), with fixtext's default options. Every changed line is a claim that the
line was broken: read the sample (--show) before calling one a false repair — some sources hold
real damage (the Spanish fakeroot page is double-encoded, zh iptables pages carry GBK damage,
fortunes hold windows-1252 quotes as C1 controls). The total says how many of the changed lines
hold a C1 control character (U+0080..U+009F), which no clean text has: those are damaged in the
source whatever fixtext does; the rest are the lines to read.

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


def holds_c1(line):
    return any(0x80 <= ord(ch) <= 0x9F for ch in line)


def report_total(lines, changed, with_c1=None):
    note = "" if with_c1 is None else \
        f"  ({with_c1} of them hold C1 controls; without: {changed - with_c1}, " \
        f"{1e6 * (changed - with_c1) / max(1, lines):.0f} per million)"
    print(f"{'all':24} {lines:8d} lines  changed {changed:5d}  "
          f"{1e6 * changed / max(1, lines):7.0f} per million{note}")


def main():
    args = [a for a in sys.argv[1:] if a != "--show"]
    fixtext = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    total = total_changed = with_c1 = 0
    for name in SOURCES:
        lines = list(real_corpus.lines([name]))
        data = ("\n".join(lines) + "\n").encode()
        out = subprocess.run([fixtext, "-q"], input=data, capture_output=True).stdout
        got = out.decode("utf-8", "replace").split("\n")
        changed = [(a, b) for a, b in zip(lines, got) if a != b]
        total += len(lines)
        total_changed += len(changed)
        with_c1 += sum(holds_c1(a) for a, _ in changed)
        report(name, len(lines), changed, show)
    report_total(total, total_changed, with_c1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
