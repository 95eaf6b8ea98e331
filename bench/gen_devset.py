#!/usr/bin/env python3
"""Builds fixtext's detection development set into bench/work/devset/ (gitignored): files glued
together from blocks of 1-30 lines of real text in many encodings, each with the true UTF-8 of
every line, plus single-encoding files for the per-file comparison with uchardet.

Sources are kept apart from the frequency tables' sources (tables/gen_plausibility.py):
  - Debian man pages under /usr/share/man/<lang>/ (roff requests and font escapes stripped),
    which the tables never read;
  - for languages without man pages here (el, he, ar, lt, lv, et), the message catalogues the
    table generator holds out (domains whose md5 is 0 mod 5);
  - fixtures/seeds/ (real crawled Chinese text) for GB18030, Big5 and UTF-8.
Every encoded line is checked to come back as the same text through glibc iconv (the decoder
fixtext uses), so an expected line never depends on a codec disagreement.

The "bleed" files test that a line's own evidence wins over its neighbours': runs of 1-2 valid
UTF-8 lines placed between blocks of 1-8 legacy-encoded lines (double-byte and single-byte
sources alike). The UTF-8 lines are of four kinds (.kind names them per line, "-" for the
legacy ones):
  clean       real text in UTF-8 (Chinese, Japanese, Korean, Russian, German, French, Polish...)
  latin       Latin-script text whose UTF-8 was read as windows-1252 and saved as UTF-8 ("cafÃ©")
  cjk-latin   CJK text whose UTF-8 was read as windows-1252 and saved as UTF-8 ("ä¸­æ–‡")
  cjk-gbk     CJK text whose legacy bytes (GB18030, Big5, Shift_JIS, EUC-KR) were read as
              windows-1252 / Latin-1 and saved as UTF-8 ("ÖÐÎÄ")
  cjk-utf8gbk Chinese text whose UTF-8 was read as GBK and saved as UTF-8 ("涓枃")
Every one of them must come out as UTF-8 (with the repair stages off: as it is).

Usage: gen_devset.py [OUTDIR] [SEED]
"""
import glob
import hashlib
import json
import os
import random
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "fixtures"))
from real_text import man_pages  # noqa: E402

# language -> encodings (python codec, iconv/fixtext name)
PLAN = {
    "zh_CN": [("gb18030", "GB18030"), ("utf-8", "UTF-8")],
    "zh_TW": [("big5hkscs", "BIG5-HKSCS"), ("utf-8", "UTF-8")],
    "ja": [("cp932", "SHIFT_JIS"), ("euc_jp", "EUC-JP"), ("iso2022_jp", "ISO-2022-JP"), ("utf-8", "UTF-8")],
    "ko": [("cp949", "EUC-KR"), ("utf-8", "UTF-8")],
    "ru": [("cp1251", "WINDOWS-1251"), ("koi8_r", "KOI8-R"), ("iso8859_5", "ISO-8859-5"), ("utf-8", "UTF-8")],
    "uk": [("cp1251", "WINDOWS-1251")],
    "de": [("cp1252", "WINDOWS-1252"), ("utf-8", "UTF-8")],
    "fr": [("cp1252", "WINDOWS-1252"), ("utf-8", "UTF-8")],
    "pt": [("cp1252", "WINDOWS-1252")],
    "pl": [("cp1250", "WINDOWS-1250"), ("iso8859_2", "ISO-8859-2"), ("utf-8", "UTF-8")],
    "cs": [("cp1250", "WINDOWS-1250")],
    "hu": [("cp1250", "WINDOWS-1250")],
    "tr": [("cp1254", "WINDOWS-1254")],
    "el": [("cp1253", "WINDOWS-1253")],
    "he": [("cp1255", "WINDOWS-1255")],
    "ar": [("cp1256", "WINDOWS-1256")],
    "lt": [("cp1257", "WINDOWS-1257")],
    "lv": [("cp1257", "WINDOWS-1257")],
    "et": [("cp1257", "WINDOWS-1257")],
}
ICONV = {"gb18030": "GB18030", "big5hkscs": "BIG5-HKSCS", "cp932": "CP932", "euc_jp": "EUC-JP",
         "iso2022_jp": "ISO-2022-JP", "cp949": "CP949", "utf-8": "UTF-8", "koi8_r": "KOI8-R",
         "iso8859_5": "ISO-8859-5", "iso8859_2": "ISO-8859-2"}


def iconv_name(codec):
    return ICONV.get(codec, codec.upper().replace("CP", "CP"))


ROFF_ESC = re.compile(r"\\f[BIRP1-4]|\\f\(..|\\f\[[^]]*\]|\\[&|^%]|\\\(..|\\\*\(..|\\\*.|\\s[-+]?\d|\\-|\\e")


def man_lines(lang):
    out = []
    for text in man_pages(lang):
        for line in text.split("\n"):
            if line.startswith((".", "'")):
                continue
            line = ROFF_ESC.sub("", line).replace("\\", "").strip()
            if line:
                out.append(line)
    return out


def held_out(domain):
    return hashlib.md5(domain.encode()).digest()[0] % 5 == 0


def mo_lines(lang):
    out = []
    for path in sorted(glob.glob("/usr/share/locale/%s/LC_MESSAGES/*.mo" % lang)):
        if not held_out(os.path.basename(path)[:-3]):
            continue
        data = open(path, "rb").read()
        if len(data) < 28:
            continue
        end = "<" if struct.unpack("<I", data[:4])[0] == 0x950412DE else ">"
        _, n, _, toff = struct.unpack(end + "4I", data[4:20])
        for i in range(n):
            ln, off = struct.unpack(end + "2I", data[toff + 8 * i:toff + 8 * i + 8])
            try:
                s = data[off:off + ln].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if s.startswith("Project-Id"):
                continue
            for part in s.replace("\0", "\n").split("\n"):
                part = part.strip()
                if part:
                    out.append(part)
    return out


def seed_lines():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "fixtures", "seeds", "*.txt"))):
        for line in open(path, encoding="utf-8", errors="replace"):
            line = line.rstrip("\r\n")
            if line and "\ufffd" not in line:
                out.append(line)
    return out


def iconv_agrees(lines, codec):
    """Keeps the lines glibc iconv decodes back to themselves from their python encoding."""
    enc = [l.encode(codec) for l in lines]
    blob = b"\n".join(enc) + b"\n"
    res = subprocess.run(["iconv", "-f", iconv_name(codec), "-t", "UTF-8"], input=blob,
                         capture_output=True)
    if res.returncode != 0:
        # decode one by one (slow path; only when some line fails)
        keep = []
        for l, e in zip(lines, enc):
            r = subprocess.run(["iconv", "-f", iconv_name(codec), "-t", "UTF-8"], input=e,
                               capture_output=True)
            if r.returncode == 0 and r.stdout.decode("utf-8", "replace") == l:
                keep.append(l)
        return keep
    back = res.stdout.decode("utf-8", "replace").split("\n")
    return [l for l, b in zip(lines, back) if b == l]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "work", "devset")
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    os.makedirs(out, exist_ok=True)
    pools = {}
    for lang, encs in PLAN.items():
        lines = man_lines(lang) or mo_lines(lang)
        if lang == "zh_CN":
            lines += seed_lines()
        lines = [l for l in lines if len(l) < 400 and "\t" not in l]
        rnd.shuffle(lines)
        lines = lines[:3000]
        for codec, name in encs:
            ok = []
            for l in lines:
                try:
                    if l.encode(codec).decode(codec) == l:
                        ok.append(l)
                except (UnicodeError, LookupError):
                    pass
            ok = iconv_agrees(ok, codec)
            if codec == "iso2022_jp":
                ok = [l for l in ok if any(ord(c) > 0x7F for c in l)]
            if len(ok) >= 30:
                pools[(lang, codec, name)] = ok
    keys = sorted(pools)
    manifest = {"mixed": [], "single": []}

    def write(path, items):
        """items: (text, python codec, encoding name) per line."""
        with open(path, "wb") as f:
            for text, codec, _ in items:
                f.write(text.encode(codec) + b"\n")
        with open(path + ".expected", "w", encoding="utf-8") as f:
            for text, _, _ in items:
                f.write(text + "\n")
        with open(path + ".truth", "w") as f:
            for _, _, name in items:
                f.write(name + "\n")

    # mixed files: blocks of 1-30 lines from random sources and encodings
    for i in range(40):
        items = []
        while len(items) < 150:
            key = rnd.choice(keys)
            lang, codec, name = key
            k = rnd.randint(1, 30)
            start = rnd.randrange(0, max(1, len(pools[key]) - k))
            for l in pools[key][start:start + k]:
                items.append((l, codec, name))
        path = os.path.join(out, "mixed_%02d.txt" % i)
        write(path, items)
        manifest["mixed"].append(os.path.basename(path))
    # single-encoding files: 40 lines each, two per source
    for key in keys:
        lang, codec, name = key
        for j in range(2):
            start = rnd.randrange(0, max(1, len(pools[key]) - 40))
            items = [(l, codec, name) for l in pools[key][start:start + 40]]
            path = os.path.join(out, "single_%s_%s_%d.txt" % (lang, codec, j))
            write(path, items)
            manifest["single"].append({"file": os.path.basename(path), "encoding": name,
                                       "codec": codec, "lang": lang})
    # bleed files: valid UTF-8 lines between legacy-encoded blocks
    def cp1252_read(b):
        """bytes read as windows-1252, Latin-1 for the bytes windows-1252 leaves undefined"""
        return "".join(bytes([x]).decode("cp1252", errors="ignore") or chr(x) for x in b)

    legacy_keys = [k for k in keys if k[1] != "utf-8"]
    by_lang = {}
    for (lang, codec, name), pool in pools.items():
        by_lang.setdefault(lang, set()).update(pool)
    by_lang = {lang: sorted(v) for lang, v in by_lang.items()}
    latin_langs = [l for l in ("de", "fr", "pt", "pl", "cs", "hu", "tr", "lt", "lv", "et") if l in by_lang]
    cjk_legacy = [k for k in legacy_keys if k[0] in ("zh_CN", "zh_TW", "ja", "ko") and k[1] != "iso2022_jp"]
    utf8_keys = [k for k in keys if k[1] == "utf-8"]

    def bleed_line(kind):
        if kind == "clean":
            return rnd.choice(pools[rnd.choice(utf8_keys)])
        if kind == "latin":
            return cp1252_read(rnd.choice(by_lang[rnd.choice(latin_langs)]).encode("utf-8"))
        if kind == "cjk-latin":
            lang = rnd.choice(["zh_CN", "zh_TW", "ja", "ko"])
            return cp1252_read(rnd.choice(by_lang[lang]).encode("utf-8"))
        if kind == "cjk-gbk":
            lang, codec, _ = rnd.choice(cjk_legacy)
            return cp1252_read(rnd.choice(pools[(lang, codec, _)]).encode(codec))
        return rnd.choice(by_lang["zh_CN"]).encode("utf-8").decode("gbk", errors="replace")

    kinds = ["clean", "latin", "cjk-latin", "cjk-gbk", "cjk-utf8gbk"]
    manifest["bleed"] = []
    for i in range(20):
        items, marks = [], []
        while len(items) < 150:
            key = rnd.choice(legacy_keys)
            k = rnd.randint(1, 8)
            start = rnd.randrange(0, max(1, len(pools[key]) - k))
            for l in pools[key][start:start + k]:
                items.append((l, key[1], key[2]))
                marks.append("-")
            for _ in range(rnd.randint(1, 2)):
                kind = rnd.choice(kinds)
                text = bleed_line(kind)
                # (control characters of a misreading would make the line binary)
                if not any(ord(c) > 0x7F for c in text) or any(ord(c) < 0x20 for c in text):
                    continue
                items.append((text, "utf-8", "UTF-8"))
                marks.append(kind)
        path = os.path.join(out, "bleed_%02d.txt" % i)
        write(path, items)
        with open(path + ".kind", "w") as f:
            f.write("\n".join(marks) + "\n")
        manifest["bleed"].append(os.path.basename(path))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("devset: %d sources, %d mixed files, %d single-encoding files, %d bleed files in %s"
          % (len(keys), len(manifest["mixed"]), len(manifest["single"]), len(manifest["bleed"]), out))


if __name__ == "__main__":
    main()
