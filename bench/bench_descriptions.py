#!/usr/bin/env python3
"""Held-out real text: Debian's translated package descriptions (Translation-zh_CN, -zh_TW, -ja,
-ko of bookworm main, from deb.debian.org; written by translators, used by no table and no
threshold of fixtext). Two figures on them, each beside a peer in the same run:

  clean:   the descriptions as they are (UTF-8) through fixtext's default pipeline; lines changed
           per million (every change is a claim that the line was broken), and what changed;
  single:  each language's descriptions saved in its legacy encodings with Python's codecs (every
           line the codec can encode, once), decoded by fixtext with the repairs off, and by
           uchardet + iconv on the whole file; lines that do not come back as the codec decodes
           its bytes, per million.

The files are downloaded once into bench/work/ (their SHA-256 is printed, so a run names the
data it measured). Usage: bench_descriptions.py [FIXTEXT] [--show]"""
import bz2
import hashlib
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_single_encoding import encodable  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work", "descriptions")
URL = "http://deb.debian.org/debian/dists/bookworm/main/i18n/Translation-%s.bz2"
PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]
LANGS = {"zh_CN": ["gb18030"], "zh_TW": ["big5"], "ja": ["euc_jp", "cp932"], "ko": ["cp949", "euc_kr"]}


def description_lines(lang):
    """Every distinct non-empty line of the descriptions in lang (short and long), in order."""
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, "Translation-%s.bz2" % lang)
    if not os.path.exists(path):
        tmp = path + ".part"
        urllib.request.urlretrieve(URL % lang, tmp)
        os.replace(tmp, path)
    raw = open(path, "rb").read()
    print("  Translation-%s.bz2  sha256 %s" % (lang, hashlib.sha256(raw).hexdigest()))
    seen, out = set(), []
    for line in bz2.decompress(raw).decode("utf-8").split("\n"):
        if line.startswith(("Package:", "Description-md5:")):
            continue
        if line.startswith("Description-"):
            line = line.split(": ", 1)[-1]
        line = line[1:] if line.startswith(" ") else line
        if line.strip() and line != "." and line not in seen:
            seen.add(line)
            out.append(line)
    return out


def run(cmd, data):
    return subprocess.run(cmd, input=data, capture_output=True).stdout


def peer_lines(path, n):
    r = subprocess.run(["uchardet", path], capture_output=True, text=True)
    enc = r.stdout.strip()
    if r.returncode or not enc or enc.lower() in ("unknown", "ascii"):
        return None, enc or "none"
    out = subprocess.run(["iconv", "-f", enc, "-t", "UTF-8", path], capture_output=True).stdout
    return out.decode("utf-8", "replace").split("\n")[:n], enc


def main():
    args = [a for a in sys.argv[1:] if a != "--show"]
    exe = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    texts = {lang: description_lines(lang) for lang in LANGS}

    print("\nclean: the descriptions as they are, default options")
    total = changed_total = 0
    for lang, lines in texts.items():
        got = run([exe, "-q"], ("\n".join(lines) + "\n").encode()).decode("utf-8", "replace")
        changed = [(a, b) for a, b in zip(lines, got.split("\n")) if a != b]
        total += len(lines)
        changed_total += len(changed)
        print("  %-6s %7d lines  changed %4d  %6.0f per million" %
              (lang, len(lines), len(changed), 1e6 * len(changed) / len(lines)))
        for a, b in changed[:5] if show else []:
            print("      %r\n      -> %r" % (a[:90], b[:90]))
    print("  %-6s %7d lines  changed %4d  %6.0f per million" %
          ("all", total, changed_total, 1e6 * changed_total / total))

    print("\nsingle: one legacy encoding per file, repairs off")
    print("  %-6s %-8s %7s %8s %7s %18s" % ("lang", "codec", "lines", "fixtext", "per M", "uchardet + iconv"))
    total = wrong_total = peer_total = 0
    os.makedirs(WORK, exist_ok=True)
    for lang, codecs in LANGS.items():
        for codec in codecs:
            want, raw = encodable(texts[lang], codec)
            path = os.path.join(WORK, "in.%s.%s" % (lang, codec))
            with open(path, "wb") as f:
                f.write(b"\n".join(raw) + b"\n")
            got = run([exe] + PLAIN + [path], b"").decode("utf-8", "replace").split("\n")
            wrong = [(w, g) for w, g in zip(want, got) if w != g]
            peer, enc = peer_lines(path, len(want))
            peer_wrong = len(want) if peer is None else sum(w != g for w, g in zip(want, peer))
            total += len(want)
            wrong_total += len(wrong)
            peer_total += peer_wrong
            print("  %-6s %-8s %7d %8d %7.0f %10d (%s)" % (lang, codec, len(want), len(wrong),
                                                       1e6 * len(wrong) / len(want), peer_wrong, enc))
            for w, g in wrong[:3] if show else []:
                print("      %r\n      -> %r" % (w[:90], g[:90]))
    print("  %-6s %-8s %7d %8d %7.0f %10d" % ("all", "", total, wrong_total, 1e6 * wrong_total / total,
                                             peer_total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
