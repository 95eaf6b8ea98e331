#!/usr/bin/env python3
"""Clean real text cut mid-character: what the repair stages change beside the cut.

A stream cut inside a UTF-8 character leaves one U+FFFD (the DESIGN's "U+FFFD from a UTF-8 stream
cut mid-character": keep it, count it). Every line of each real source (bench/real_corpus.py) that
holds a character of three or more bytes is cut once, or twice, inside such characters (one or
two of its bytes kept, the rest of the line kept or dropped), with a fixed seed. fixtext reads the
result twice: with every repair on (default options) and with the repairs off; a line whose two
outputs differ was changed by a repair, which can only be wrong here: the text around the cut is
clean. Prints lines changed per million, per source and cut count, and the first few changes;
lines that detection did not read as UTF-8 are counted apart (detection's misses, not the
repairs').

Usage: bench_cut_text.py [FIXTEXT] [--show]"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import real_corpus  # noqa: E402
from bench_clean_sources import report, report_total  # noqa: E402

SOURCES = ["poetry-zh", "reference-zh-cn", "reference-zh-tw", "reference-ja", "man-zh_CN",
           "man-zh_TW", "man-ja", "man-ko"]
PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin"]


def cut(line, times, rng):
    """line's UTF-8 with `times` characters of 3+ bytes cut (None: not enough of them)."""
    wide = [i for i, c in enumerate(line) if ord(c) >= 0x800]
    if len(wide) < 2 * times:
        return None
    picks = sorted(rng.sample(wide, times))
    if any(b - a < 2 for a, b in zip(picks, picks[1:])):
        return None
    out, at = b"", 0
    for k in picks:
        out += line[at:k].encode() + line[k].encode()[:rng.choice([1, 2])]
        at = k + 1
    if times == 1 and rng.random() < 0.5:
        return out  # cut at the end of the line, as a stream is
    return out + line[at:].encode()


def run(fixtext, data, extra):
    r = subprocess.run([fixtext, "-q", *extra], input=data, capture_output=True)
    if r.returncode:
        raise SystemExit(r.stderr.decode(errors="replace"))
    return r.stdout.split(b"\n")


def main():
    args = [a for a in sys.argv[1:] if a != "--show"]
    fixtext = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    rng = random.Random(2026)
    total = changed_all = 0
    for name in SOURCES:
        lines = list(real_corpus.lines([name]))
        for times in (1, 2):
            cuts = [c for c in (cut(l, times, rng) for l in lines) if c is not None]
            data = b"\n".join(cuts) + b"\n"
            plain, repaired = run(fixtext, data, PLAIN), run(fixtext, data, [])
            # (a line detection read as another encoding is detection's miss, counted apart: the
            # repairs are judged on lines that came out of detection as UTF-8 with their U+FFFD)
            as_utf8 = [c.decode("utf-8", "replace").encode() for c in cuts]
            read = [(c, a, b) for c, a, b, u in zip(cuts, plain, repaired, as_utf8) if a == u]
            changed = [(a.decode(errors="replace"), b.decode(errors="replace"))
                       for _, a, b in read if a != b]
            total += len(read)
            changed_all += len(changed)
            report(f"{name} cut {times}x", len(read), changed, show,
                   f"  (detection read {len(cuts) - len(read)} of {len(cuts)} otherwise)")
    report_total(total, changed_all)
    return 0


if __name__ == "__main__":
    sys.exit(main())
