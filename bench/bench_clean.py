#!/usr/bin/env python3
"""Clean-text check on real data: fixtext over ~180 MB of text that is already clean UTF-8 (Debian's
man pages in 23 languages, every message catalogue under /usr/share/locale, seeds 002 and 004).
Prints how many non-ASCII lines the detector reads as something other than UTF-8 (each one is a
damaged line) and what the default pipeline changes, stage by stage, with a sample of the changed
lines. Not a test with a threshold: real packages hold real mojibake (Debian's Spanish fakeroot
man page is double-encoded), so the sample is for reading.

Usage: bench_clean.py [path/to/fixtext]   (default build/fixtext; needs gettext's msgunfmt)
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
from real_text import catalogues, man_pages  # noqa: E402
CORPUS = os.path.join(HERE, "work", "clean-real.txt")
LANGS = ["de", "fr", "ru", "pl", "es", "it", "pt_BR", "sv", "ja", "ko", "zh_TW", "zh_CN", "cs",
         "hu", "tr", "uk", "nl", "fi", "da", "ro", "sr", "id", "vi"]


def build():
    os.makedirs(os.path.dirname(CORPUS), exist_ok=True)
    with open(CORPUS, "w", encoding="utf-8") as out:
        for lang in LANGS:
            for text in man_pages(lang, max_files=60):
                out.write(text)
        for text in catalogues():
            out.write(text)
        for name in ("002_acdd70bc26a88983.txt", "004_ecb655ede9af396d.txt"):
            out.write(open(os.path.join(ROOT, "fixtures", "seeds", name), encoding="utf-8").read())


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "fixtext")
    if not os.path.exists(CORPUS):
        build()
    data = open(CORPUS, "rb").read()
    lines = data.split(b"\n")
    print("corpus: %s (%.0f MB, %d lines, all valid UTF-8)" % (CORPUS, len(data) / 1e6, len(lines)))

    det = subprocess.run([exe, "-q", "--detect", CORPUS], capture_output=True).stdout.decode()
    wrong = [r.split("\t") for r in det.splitlines() if r.split("\t")[1] not in ("UTF-8", "ASCII")]
    print("non-ASCII lines read as another encoding than UTF-8: %d" % len(wrong))
    for r in wrong[:8]:
        print("  %s %s: %r" % (r[0], r[1], lines[int(r[0]) - 1].decode()[:70]))

    r = subprocess.run([exe, "-q", "--stats", CORPUS], capture_output=True)
    for line in r.stderr.decode().splitlines():
        if "changed" in line or "mojibake" in line or "pinyin" in line:
            print(line)
    out = r.stdout.split(b"\n")
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(lines, out)) if a != b]
    print("sample of changed lines (read them: real mojibake is repaired, clean text must not be):")
    for i, a, b in random.Random(1).sample(changed, min(12, len(changed))):
        print("  %d: %r\n   -> %r" % (i + 1, a.decode()[:80], b.decode("utf-8", "replace")[:80]))


if __name__ == "__main__":
    main()
