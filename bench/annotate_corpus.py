#!/usr/bin/env python3
"""Writes the corpus of bench/bench_pinyin.sh: real Chinese text, every line once (a file that
bench/real_corpus.py wrote: poetry, the Debian Reference, man pages), with pinyin annotations
the way spam mirrors inject them ("網(wǎng)絡(luò)") on one Chinese line in three; beside it,
the lines as they should come back (the annotations gone).

A mirror annotates a page's characters, not one here and there: on an annotated line every Han
character that has one Mandarin reading in Unihan (kMandarin) gets "(reading)" after it with
probability ANNOTATE, so lines of a few annotations and lines of many both occur. Characters with
several readings are left alone (the mirrors' tables give one reading a character).

No line repeats: the seeds repeated to 50 MB kept every cache warm and told nothing about the
text users have.

Usage: annotate_corpus.py CLEAN OUT EXPECTED   (deterministic)"""
import bz2
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_pairs import write_pairs  # noqa: E402

UNIHAN = "/usr/share/unicode/Unihan_Readings.txt.bz2"  # Debian's unicode-data package
EVERY = 3        # one Chinese line in EVERY is annotated
ANNOTATE = 0.6   # the share of its characters with one reading that get an annotation


def readings():
    """Han character -> its one kMandarin reading (characters with more are left out)."""
    out = {}
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == "kMandarin" and " " not in parts[2]:
                out[chr(int(parts[0][2:], 16))] = parts[2]
    return out


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    reading = readings()
    rng = random.Random(5)
    counts = {"annotated": 0, "chinese": 0}

    def damage(line):
        if not any("\u4e00" <= c <= "\u9fff" for c in line):
            return line
        counts["chinese"] += 1
        if counts["chinese"] % EVERY:
            return line
        text = "".join(c + ("(%s)" % reading[c] if c in reading and rng.random() < ANNOTATE else "")
                       for c in line)
        counts["annotated"] += text != line
        return text

    write_pairs(sys.argv[1], sys.argv[2], sys.argv[3], damage)
    print(f"{counts['annotated']} annotated lines of {counts['chinese']} Chinese lines", file=sys.stderr)


if __name__ == "__main__":
    main()
