#!/usr/bin/env python3
"""Writes the corpus of bench/bench_mojibake.sh: real clean text, every line once (a file that
bench/real_corpus.py wrote: poetry, reference manuals, man pages, catalogues, fortunes in many
languages), with one non-ASCII line in ten garbled by a reading its script meets in practice,
made with Python's codecs (fixtures/mojibake/gen_mojibake.py's read_as). Beside it, the same
lines as they should come back, so the benchmark can count what was restored and what changed.

No line repeats: a few pages repeated to fill the size would keep every cache warm and tell
nothing about text users have.

Usage: garble_corpus.py CLEAN OUT EXPECTED   (deterministic: the same CLEAN gives the same files)"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fixtures", "mojibake"))
from gen_mojibake import read_as  # noqa: E402
from corpus_pairs import write_pairs  # noqa: E402

EVERY = 10  # one non-ASCII line in EVERY is garbled

# (script test, readings tried in turn from a random start): what text in that script becomes
# when its bytes are read with the wrong codec
READINGS = [
    (lambda c: "\u3040" <= c <= "\u30ff", [("utf-8", "shift_jis"), ("utf-8", "cp1252"),
                                           ("shift_jis", "cp1252"), ("utf-8", "gbk")]),
    (lambda c: "\uac00" <= c <= "\ud7a3", [("utf-8", "euc_kr"), ("utf-8", "cp1252"),
                                           ("euc_kr", "latin-1"), ("utf-8", "cp949")]),
    (lambda c: "\u4e00" <= c <= "\u9fff", [("utf-8", "gbk"), ("utf-8", "big5"), ("utf-8", "cp1252"),
                                           ("gbk", "latin-1"), ("big5", "cp1252"),
                                           ("utf-8", "gb18030"), ("big5", "gbk"), ("gbk", "big5")]),
    (lambda c: "\u0400" <= c <= "\u04ff", [("utf-8", "cp1252"), ("utf-8", "latin-1")]),
    (lambda c: c > "\x7f", [("utf-8", "cp1252"), ("utf-8", "latin-1"), ("utf-8", "cp1257")]),
]


def garble(line, rng):
    """line read with a wrong codec its script meets, or None when no reading changes it
    (ASCII) or keeps it one line."""
    for test, readings in READINGS:
        if any(test(c) for c in line):
            break
    else:
        return None
    start = rng.randrange(len(readings))
    for k in range(len(readings)):
        enc, dec = readings[(start + k) % len(readings)]
        try:
            out = read_as(line, enc, dec)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if out != line and not any(c in out for c in "\n\r\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"):
            return out
    return None


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    rng = random.Random(7)
    counts = {"garbled": 0, "clean": 0, "due": EVERY}  # due: non-ASCII lines until the next garbled one

    def damage(line):
        text = line
        if any(c > "\x7f" for c in line):
            counts["due"] -= 1
            if counts["due"] <= 0:
                g = garble(line, rng)
                if g is not None:
                    text, counts["due"] = g, EVERY
                    counts["garbled"] += 1
        counts["clean"] += text == line
        return text

    write_pairs(sys.argv[1], sys.argv[2], sys.argv[3], damage)
    print(f"{counts['garbled']} garbled lines, {counts['clean']} clean lines", file=sys.stderr)


if __name__ == "__main__":
    main()
