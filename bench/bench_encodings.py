#!/usr/bin/env python3
"""Every encoding the detector is asked to know, file by file and line by line, beside uchardet +
iconv and enca + iconv in the same run.

For each encoding and each language written in it, real text is saved in that encoding with
glibc's iconv (the codec fixtext decodes with; a line is kept when it comes back through iconv
exactly and holds a non-ASCII character), into single-encoding files of 1, 3, 10, 40 and 400
lines. Every file is decoded by fixtext with the repairs off (detection alone decides), by
uchardet + iconv and by enca + iconv (enca only for the languages it knows; it is told the
language with -L, which the others are not). A file is right when every line comes back exactly:
encodings that decode a file identically (windows-1252 and ISO-8859-15 on most French text) are
one answer. Per line: the lines of all files that come back exactly.

Three sources, never two in one figure:
  dev   the thresholds' source: Debian man pages where the language has them, else the message
        catalogues tables/gen_plausibility.py holds out (bench/gen_devset.py reads the same);
  test  held out from everything: Debian's translated package descriptions (Translation-LANG of
        bookworm, downloaded once into bench/work/descriptions/), for the languages Debian
        translates them into. Report these.
  more  languages the letter models did not know before 2026-12-05 (Albanian, Afrikaans, Irish,
        Galician, Basque, ... Bosnian, Crimean Tatar): their held-out catalogues, in the code
        pages their text is met in (a development source for those languages).

Usage: bench_encodings.py [FIXTEXT] [--source dev|test] [--only ENC,...] [--show N]
                          [--candidates LIST]   (passed to fixtext, for experiments)
                          [--keep-failing DIR]  (the files fixtext gets wrong, saved there)"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_devset import man_lines, mo_lines  # noqa: E402
from bench_descriptions import description_lines  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "tables"))
from gen_sbcs_maps import iconv  # noqa: E402  (glibc's iconv through ctypes)

PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]

# fixtext's name, iconv's name, languages written in it (locale names, as the sources use them)
ENCODINGS = [
    ("GB18030", "GB18030", ["zh_CN"]),
    ("HZ-GB-2312", None, ["zh_CN"]),  # glibc has no HZ: the file is made with Python's codec
    ("ISO-2022-CN", "ISO-2022-CN", ["zh_CN"]),
    ("BIG5-HKSCS", "BIG5-HKSCS", ["zh_TW"]),
    ("EUC-TW", "EUC-TW", ["zh_TW"]),
    ("SHIFT_JIS", "CP932", ["ja"]),
    ("EUC-JP", "EUC-JP", ["ja"]),
    ("ISO-2022-JP", "ISO-2022-JP", ["ja"]),
    ("EUC-KR", "CP949", ["ko"]),
    ("JOHAB", "JOHAB", ["ko"]),
    ("ISO-2022-KR", "ISO-2022-KR", ["ko"]),
    ("WINDOWS-1250", "CP1250", ["pl", "cs", "sk", "hu", "hr"]),
    ("ISO-8859-2", "ISO-8859-2", ["pl", "cs", "sk", "hu", "hr"]),
    ("IBM852", "IBM852", ["pl", "cs", "sk", "hu", "hr"]),
    ("MAC-CENTRALEUROPE", "MAC-CENTRALEUROPE", ["pl", "cs", "sk", "hu"]),
    ("ISO-8859-16", "ISO-8859-16", ["ro", "pl"]),
    ("WINDOWS-1251", "CP1251", ["ru", "uk", "bg", "sr"]),
    ("KOI8-R", "KOI8-R", ["ru"]),
    ("KOI8-U", "KOI8-U", ["uk"]),
    ("IBM866", "IBM866", ["ru"]),
    ("IBM855", "IBM855", ["ru", "bg", "sr"]),
    ("MAC-CYRILLIC", "MAC-CYRILLIC", ["ru", "uk", "bg"]),
    ("ISO-8859-5", "ISO-8859-5", ["ru", "bg", "sr"]),
    ("WINDOWS-1252", "CP1252", ["de", "fr", "es", "pt", "it", "da", "sv", "fi", "nl"]),
    ("ISO-8859-1", "ISO-8859-1", ["de", "fr", "es", "it"]),
    ("ISO-8859-15", "ISO-8859-15", ["fr", "fi", "de"]),
    ("MACINTOSH", "MACINTOSH", ["fr", "de", "es"]),
    ("IBM850", "IBM850", ["fr", "de", "es"]),
    ("IBM437", "IBM437", ["de", "fr", "es"]),
    ("WINDOWS-1253", "CP1253", ["el"]),
    ("ISO-8859-7", "ISO-8859-7", ["el"]),
    ("WINDOWS-1254", "CP1254", ["tr"]),
    ("ISO-8859-9", "ISO-8859-9", ["tr"]),
    ("ISO-8859-3", "ISO-8859-3", ["tr"]),
    ("WINDOWS-1255", "CP1255", ["he"]),
    ("ISO-8859-8", "ISO-8859-8", ["he"]),
    ("WINDOWS-1256", "CP1256", ["ar", "fa"]),
    ("ISO-8859-6", "ISO-8859-6", ["ar"]),
    ("WINDOWS-1257", "CP1257", ["lt", "lv", "et"]),
    ("ISO-8859-13", "ISO-8859-13", ["lt", "lv", "et"]),
    ("ISO-8859-4", "ISO-8859-4", ["lt", "lv", "et"]),
    ("WINDOWS-874", "CP874", ["th"]),
    ("WINDOWS-1258", "CP1258", ["vi"]),
    ("VISCII", "VISCII", ["vi"]),
    ("TCVN5712-1", "TCVN5712-1", ["vi"]),
]
# --source more: languages the letter models did not know before 2026-12-05, in the code pages
# their text is met in; their held-out catalogues (no man pages: the languages have none)
MORE_LANGS = ["sq", "af", "ga", "gl", "eu", "ast", "oc", "nn", "id", "ms", "an", "cy", "br", "wa",
              "gd", "ia", "xh", "tl"]
ENCODINGS_MORE = [
    ("WINDOWS-1252", "CP1252", MORE_LANGS),
    ("ISO-8859-1", "ISO-8859-1", MORE_LANGS),
    ("WINDOWS-1250", "CP1250", ["bs"]),
    ("ISO-8859-2", "ISO-8859-2", ["bs"]),
    ("WINDOWS-1254", "CP1254", ["crh", "az"]),
]
SIZES = [1, 3, 10, 40, 400]
FILES_PER_SIZE = {1: 20, 3: 10, 10: 6, 40: 3, 400: 1}
ENCA_LANG = {"ru": "russian", "uk": "ukrainian", "bg": "bulgarian", "be": "belarusian",
             "pl": "polish", "cs": "czech", "sk": "slovak", "hu": "hungarian", "hr": "croatian",
             "sl": "slovene", "lt": "lithuanian", "lv": "latvian", "et": "estonian",
             "zh_CN": "chinese", "zh_TW": "chinese"}
DESCRIPTION_LANGS = {"ru", "uk", "sr", "el", "tr", "vi", "pl", "cs", "sk", "hu", "hr", "ro", "de",
                     "fr", "es", "pt", "it", "da", "sv", "fi", "nl", "zh_CN", "zh_TW", "ja", "ko"}

def encode(line, fixtext_name, iconv_name):
    """The line's bytes in the encoding when they decode back to it exactly, else None."""
    if iconv_name is None:
        try:
            raw = line.encode("hz")
        except UnicodeError:
            return None
        return raw if raw.decode("hz") == line else None
    raw = iconv(line.encode(), "UTF-8", iconv_name)
    if raw is None or b"\n" in raw or b"\r" in raw:
        return None
    back = iconv(raw, iconv_name, "UTF-8")
    return raw if back is not None and back.decode() == line else None


def valid_utf8_beyond_ascii(raw):
    """Bytes that are also valid UTF-8 with a non-ASCII character: a line whose text is itself
    mojibake ("kĂśzĂśket" in a Hungarian source, which ISO-8859-2 saves as the UTF-8 of
    "közöket"), ambiguous by construction and left out."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 0x7F for b in raw)


def source_lines(lang, source):
    if source == "more":
        return mo_lines(lang)
    if source == "test":
        if lang not in DESCRIPTION_LANGS:
            return []
        return description_lines(lang)
    return man_lines(lang) or mo_lines(lang)


def build(source, only, rnd):
    """[(encoding, lang, size, [(raw, text)])] for every file of the run."""
    files = []
    cache = {}
    for name, iconv_name, langs in ENCODINGS_MORE if source == "more" else ENCODINGS:
        if only and name not in only:
            continue
        for lang in langs:
            if lang not in cache:
                lines = [l for l in source_lines(lang, source)
                         if len(l) < 400 and "\t" not in l and any(ord(c) > 0x7F for c in l)]
                rnd.shuffle(lines)
                cache[lang] = lines
            pool = []
            for l in cache[lang]:
                raw = encode(l, name, iconv_name)
                if raw is not None and any(b > 0x7F or b in (0x1B, 0x7E) for b in raw) \
                        and not valid_utf8_beyond_ascii(raw):
                    pool.append((raw, l))
                if len(pool) >= 1200:
                    break
            at = 0
            for size in SIZES:
                for _ in range(FILES_PER_SIZE[size]):
                    if at + size > len(pool):
                        break
                    files.append((name, lang, size, pool[at:at + size]))
                    at += size
    return files


def peer(tool, path, lang):
    """What uchardet or enca + iconv make of the file (None: no answer)."""
    if tool == "uchardet":
        r = subprocess.run(["uchardet", path], capture_output=True, text=True)
    else:
        if lang not in ENCA_LANG:
            return None
        r = subprocess.run(["enca", "-L", ENCA_LANG[lang], "-i", path], capture_output=True,
                           text=True)
    enc = r.stdout.strip()
    if r.returncode or not enc or enc.lower() in ("unknown", "ascii", "???", "us-ascii"):
        return None
    r = subprocess.run(["iconv", "-f", enc, "-t", "UTF-8", path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def lines_right(out, items):
    if out is None:
        return 0
    got = out.decode("utf-8", "replace").split("\n")
    return sum(1 for (_, text), g in zip(items, got) if g == text)


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("fixtext", nargs="?", default=os.path.join(HERE, "..", "build", "fixtext"))
    ap.add_argument("--source", choices=["dev", "test", "more"], default="test")
    ap.add_argument("--only", default="")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--candidates", default="")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--keep-failing", default="", metavar="DIR",
                    help="save each file fixtext gets wrong into DIR (ENC-LANG-N.txt), to look into")
    a = ap.parse_args()
    only = set(a.only.split(",")) - {""}
    files = build(a.source, only, random.Random(1))
    extra = ["--candidates=" + a.candidates] if a.candidates else []
    tools = ["fixtext"] + ([] if a.no_peers else ["uchardet", "enca"])
    stats = {}  # encoding -> tool -> [files right, files, lines right, lines]
    shown = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f.txt")
        for name, lang, size, items in files:
            with open(path, "wb") as f:
                f.write(b"".join(raw + b"\n" for raw, _ in items))
            for tool in tools:
                if tool == "fixtext":
                    out = subprocess.run([a.fixtext] + PLAIN + extra + [path],
                                         capture_output=True).stdout
                else:
                    out = peer(tool, path, lang)
                    if out is None and tool == "enca" and lang not in ENCA_LANG:
                        continue
                right = lines_right(out, items)
                s = stats.setdefault(name, {}).setdefault(tool, [0, 0, 0, 0])
                s[0] += right == len(items)
                s[1] += 1
                s[2] += right
                s[3] += len(items)
                if tool == "fixtext" and right < len(items) and a.keep_failing:
                    os.makedirs(a.keep_failing, exist_ok=True)
                    kept = os.path.join(a.keep_failing, "%s-%s-%d.txt" % (name, lang, s[1]))
                    with open(kept, "wb") as f:
                        f.write(b"".join(raw + b"\n" for raw, _ in items))
                if tool == "fixtext" and right < len(items) and shown < a.show:
                    got = (out or b"").decode("utf-8", "replace").split("\n")
                    for (_, text), g in zip(items, got):
                        if g != text and shown < a.show:
                            shown += 1
                            print("  %s %s: %r -> %r" % (name, lang, text[:60], g[:60]))
    print("\n%s source (%s): files right / files, lines right / lines" %
          (a.source, "Debian's translated package descriptions" if a.source == "test"
           else "held-out catalogues of languages the letter models did not know before 2026-12-05"
           if a.source == "more" else "man pages and held-out catalogues"))
    print("%-20s %-24s %-24s %-24s" % ("encoding", "fixtext", "uchardet + iconv", "enca + iconv"))
    totals = {t: [0, 0, 0, 0] for t in tools}
    for name, _, _ in ENCODINGS_MORE if a.source == "more" else ENCODINGS:
        if name not in stats:
            continue
        cells = []
        for tool in tools:
            s = stats[name].get(tool)
            if not s:
                cells.append("-")
                continue
            totals[tool] = [x + y for x, y in zip(totals[tool], s)]
            cells.append("%d/%d %d/%d" % tuple(s))
        print("%-20s " % name + " ".join("%-24s" % c for c in cells))
    print("%-20s " % "all" + " ".join(
        "%-24s" % ("%.2f%% files %.2f%% lines" % (100.0 * s[0] / max(1, s[1]), 100.0 * s[2] / max(1, s[3])))
        for s in totals.values()))


if __name__ == "__main__":
    main()
