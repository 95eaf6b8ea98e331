#!/usr/bin/env python3
"""Corpora of damaged lines beside the lines they came from, for the benches that count what
fixtext restores (bench_mojibake.sh, bench_pinyin.sh): written by garble_corpus.py and
annotate_corpus.py through write_pairs(), counted by this script.

Usage: corpus_pairs.py CORPUS EXPECTED OUT [ALONE]
CORPUS is what fixtext read, EXPECTED the lines before the damage, OUT fixtext's output. With
ALONE (fixtext's output on EXPECTED itself), lines fixtext changes there are damaged in the clean
text already: they are left out of both counts and counted apart. Prints the damaged lines
restored exactly and the other lines changed."""
import sys


def write_pairs(clean_path, out_path, expected_path, damage):
    """Writes every line of clean_path to expected_path as it is and to out_path as damage(line)
    returns it (the line itself to leave it clean)."""
    with open(clean_path, encoding="utf-8") as src, \
            open(out_path, "w", encoding="utf-8") as out, \
            open(expected_path, "w", encoding="utf-8") as expected:
        for line in src:
            line = line.rstrip("\n")
            out.write(damage(line) + "\n")
            expected.write(line + "\n")


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    files = [open(p, encoding="utf-8", errors="surrogateescape").read().split("\n")
             for p in sys.argv[1:]]
    ins, exp, out = files[:3]
    alone = files[3] if len(files) == 4 else exp
    damaged = restored = clean = changed = left_out = 0
    for i, e, o, a in zip(ins, exp, out, alone):
        if a != e:
            left_out += 1
        elif i != e:
            damaged += 1
            restored += o == e
        else:
            clean += 1
            changed += o != e
    print("  damaged lines restored exactly: %d of %d (%.2f%%)" %
          (restored, damaged, 100.0 * restored / max(1, damaged)))
    print("  other lines changed: %d of %d (%.1f per million)" %
          (changed, clean, 1e6 * changed / max(1, clean)))
    if len(files) == 4:
        print("  left out: %d lines fixtext changes in the clean text too (damaged there)" % left_out)


if __name__ == "__main__":
    main()
