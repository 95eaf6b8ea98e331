#!/usr/bin/env python3
"""Whole files from other projects' test corpora, which no table, threshold or fixture of fixtext
was made from, taken from the Debian source packages (bookworm) that ship them:
  uchardet  uchardet 0.0.7, test/LANG/CHARSET.txt: about a hundred short texts, 40 languages;
  enca      enca 1.19, test/LANG-s.CHARSET: one text per Slavic or Baltic language, saved in each
            of its legacy encodings;
  icu       ICU 72.1, source/test/testdata/csdetest.xml: the IUC10 conference announcement in 30
            languages, each case naming the legacy encodings it is to be saved in (saved here
            with glibc's iconv, the codec fixtext decodes with);
  python    CPython 3.11.2, Lib/test/cjkencodings/: CJK texts in their codecs, each beside its
            UTF-8 (the expected output).
The source tarballs are downloaded once from deb.debian.org into bench/work/outside/ and checked
against the SHA-256 that bookworm's Sources index gives.

A file is right when the tool's output is exactly what iconv makes of it under the encoding its
name gives (so encodings that decode the file identically are one answer). Each file goes through
fixtext with the repairs off (detection alone decides), fixtext with its default options,
uchardet + iconv, and enca + iconv (enca is told the language; only for the languages it knows).

These are uchardet's and enca's own regression texts, so those two are expected to do well on
them; fixtext is measured on them as on any outside data, never tuned on them.

Usage: bench_outside.py [FIXTEXT] [--show]"""
import hashlib
import os
import subprocess
import sys
import tarfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work", "outside")
POOL = "http://deb.debian.org/debian/pool/main/"
TARBALLS = {
    "uchardet": ("u/uchardet/uchardet_0.0.7.orig.tar.xz",
                 "3fc79408ae1d84b406922fa9319ce005631c95ca0f34b205fad867e8b30e45b1"),
    "enca": ("e/enca/enca_1.19.orig.tar.gz",
             "4c305cc59f3e57f2cfc150a6ac511690f43633595760e1cb266bf23362d72f8a"),
    "icu": ("i/icu/icu_72.1.orig.tar.gz",
            "a2d2d38217092a7ed56635e34467f92f976b370e20182ad325edea6681a71d68"),
    "python": ("p/python3.11/python3.11_3.11.2.orig.tar.gz",
               "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"),
}
# the members each corpus needs (the ICU and CPython tarballs weigh 26 MB each)
MEMBERS = {"uchardet": "uchardet-0.0.7/test/", "enca": "enca-1.19/test/",
           "icu": "icu/source/test/testdata/csdetest.xml",
           "python": "Python-3.11.2/Lib/test/cjkencodings/"}
PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]

# the corpora's charset names -> iconv's; names left out are encodings fixtext does not claim
# (enca's TeX Cork, KEYBCS2, KOI8-CS2, ECMA-113, "baltic", IBM775, CP1125, KOI8-Unified)
ICONV = {
    "utf-8": "UTF-8", "ascii": "ASCII", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE",
    "utf-16.le": "UTF-16", "utf-16.be": "UTF-16", "utf-32.le": "UTF-32", "utf-32.be": "UTF-32",
    "windows-1250": "CP1250", "windows-1251": "CP1251", "windows-1252": "CP1252",
    "windows-1253": "CP1253", "windows-1255": "CP1255", "windows-1256": "CP1256",
    "windows-1257": "CP1257", "windows-1258": "CP1258", "ibm852": "IBM852", "ibm855": "IBM855",
    "ibm866": "IBM866", "koi8-r": "KOI8-R", "mac-centraleurope": "MAC-CENTRALEUROPE",
    "mac-cyrillic": "MAC-CYRILLIC", "viscii": "VISCII", "tis-620": "TIS-620",
    "iso-8859-11": "ISO-8859-11", "shift_jis": "CP932", "euc-jp": "EUC-JP",
    "iso-2022-jp": "ISO-2022-JP", "iso-2022-kr": "ISO-2022-KR", "uhc": "CP949",
    "gb18030": "GB18030", "big5": "BIG5-HKSCS", "euc-tw": "EUC-TW",
    # enca's names
    "cp1250": "CP1250", "cp1251": "CP1251", "cp1257": "CP1257", "iso88592": "ISO-8859-2",
    "iso88594": "ISO-8859-4", "iso88595": "ISO-8859-5", "iso885913": "ISO-8859-13",
    "iso885916": "ISO-8859-16", "macce": "MAC-CENTRALEUROPE", "maccyr": "MAC-CYRILLIC",
    "koi8r": "KOI8-R", "koi8u": "KOI8-U", "cp866": "IBM866", "utf8": "UTF-8", "gbk": "GBK",
    "hz": "HZ",
    # ICU's and CPython's names
    "iso-8859-8-i": "ISO-8859-8", "euc-kr": "CP949", "big5hkscs": "BIG5-HKSCS",
    "cp949": "CP949", "euc_jp": "EUC-JP", "euc_kr": "CP949", "gb2312": "GB18030",
    "iso2022_jp": "ISO-2022-JP", "iso2022_kr": "ISO-2022-KR", "johab": "JOHAB",
}
for _n in range(1, 17):
    ICONV.setdefault("iso-8859-%d" % _n, "ISO-8859-%d" % _n)
ENCA_LANG = {"ru": "russian", "uk": "ukrainian", "bg": "bulgarian", "be": "belarusian",
             "pl": "polish", "cs": "czech", "sk": "slovak", "hu": "hungarian", "hr": "croatian",
             "sl": "slovene", "lt": "lithuanian", "lv": "latvian", "et": "estonian", "zh": "chinese"}


def fetch(name):
    """The unpacked source tree of one tarball, downloaded and checked once."""
    path, digest = TARBALLS[name]
    os.makedirs(WORK, exist_ok=True)
    local = os.path.join(WORK, os.path.basename(path))
    if not os.path.exists(local):
        urllib.request.urlretrieve(POOL + path, local + ".part")
        os.replace(local + ".part", local)
    got = hashlib.sha256(open(local, "rb").read()).hexdigest()
    if got != digest:
        raise SystemExit("bench_outside: %s has SHA-256 %s, not %s" % (local, got, digest))
    tree = os.path.join(WORK, name)
    if not os.path.isdir(tree):
        with tarfile.open(local) as t:
            t.extractall(tree + ".part", members=[m for m in t.getmembers()
                                                  if m.name.startswith(MEMBERS[name])])
        os.replace(tree + ".part", tree)
    return tree


def icu_cases():
    """(id, language, encoding, text) of every legacy encoding csdetest.xml names for a case."""
    import re
    xml = open(os.path.join(fetch("icu"), MEMBERS["icu"]), encoding="utf-8").read()
    for m in re.finditer(r'<test-case id="([^"]*)" encodings="([^"]*)">(.*?)</test-case>', xml, re.S):
        body = re.sub(r"<!--.*?-->", "", m.group(3), flags=re.S)
        lines = [l[4:] if l.startswith("    ") else l.lstrip() for l in body.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        text = "\n".join(l.rstrip() for l in lines) + "\n"
        for enc in m.group(2).split():
            name, _, lang = enc.partition("/")
            if not name.upper().startswith("UTF"):
                yield m.group(1), lang or m.group(1).split("-")[1], name.lower(), text


def files():
    """(corpus, language, charset name, path) of every sample in an encoding fixtext claims."""
    out = []
    test = os.path.join(fetch("uchardet"), "uchardet-0.0.7", "test")
    for lang in sorted(os.listdir(test)):
        d = os.path.join(test, lang)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            charset = f[:-4] if f.endswith(".txt") else f.replace(".smi", "")
            if charset in ICONV:
                out.append(("uchardet", lang, charset, os.path.join(d, f)))
    test = os.path.join(fetch("enca"), "enca-1.19", "test")
    for f in sorted(os.listdir(test)):
        lang, _, charset = f.partition("-s.")
        if charset in ICONV and lang != "none":
            out.append(("enca", lang, charset, os.path.join(test, f)))
    saved = os.path.join(WORK, "icu-saved")
    os.makedirs(saved, exist_ok=True)
    for case, lang, charset, text in icu_cases():
        if charset not in ICONV:
            continue
        r = subprocess.run(["iconv", "-f", "UTF-8", "-t", ICONV[charset]], input=text.encode(),
                           capture_output=True)
        if r.returncode:
            continue  # (a character the encoding lacks: the case names it for another reason)
        path = os.path.join(saved, "%s.%s" % (case, charset))
        with open(path, "wb") as f:
            f.write(r.stdout)
        out.append(("icu", lang, charset, path))
    test = os.path.join(fetch("python"), MEMBERS["python"])
    for f in sorted(os.listdir(test)):
        charset = f[:-4]
        if f.endswith(".txt") and not f.endswith("-utf8.txt") and charset in ICONV:
            out.append(("python", charset[:2], charset, os.path.join(test, f)))
    return out


def expected(path, charset):
    if path.endswith(".txt") and os.path.exists(path[:-4] + "-utf8.txt"):
        return open(path[:-4] + "-utf8.txt", "rb").read()  # (CPython's: the text itself)
    if ICONV[charset] == "HZ":
        return open(path, "rb").read().decode("hz").encode()
    r = subprocess.run(["iconv", "-f", ICONV[charset], "-t", "UTF-8", path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def peer(tool, path, lang):
    if tool == "uchardet":
        r = subprocess.run(["uchardet", path], capture_output=True, text=True)
    elif lang in ENCA_LANG:
        r = subprocess.run(["enca", "-L", ENCA_LANG[lang], "-i", path], capture_output=True, text=True)
    else:
        return None
    enc = r.stdout.strip()
    if r.returncode or not enc or enc.lower() in ("unknown", "???"):
        return None
    r = subprocess.run(["iconv", "-f", enc, "-t", "UTF-8", path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def main():
    args = [a for a in sys.argv[1:] if a != "--show"]
    fixtext = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    tools = {"fixtext (detection)": lambda p, l: subprocess.run(
                 [fixtext] + PLAIN + [p], capture_output=True).stdout,
             "fixtext (default)": lambda p, l: subprocess.run(
                 [fixtext, "-q", p], capture_output=True).stdout,
             "uchardet + iconv": lambda p, l: peer("uchardet", p, l),
             "enca + iconv": lambda p, l: peer("enca", p, l)}
    right = {(c, t): 0 for c in TARBALLS for t in tools}
    asked = {(c, t): 0 for c in TARBALLS for t in tools}
    count = {c: 0 for c in TARBALLS}
    for corpus, lang, charset, path in files():
        want = expected(path, charset)
        if want is None:
            continue
        count[corpus] += 1
        for tool, run in tools.items():
            if tool.startswith("enca") and lang not in ENCA_LANG:
                continue
            asked[corpus, tool] += 1
            got = run(path, lang)
            ok = got == want
            right[corpus, tool] += ok
            if show and not ok and tool.startswith("fixtext"):
                g = (got or b"").decode("utf-8", "replace").split("\n")
                w = want.decode("utf-8", "replace").split("\n")
                bad = next((i for i in range(max(len(g), len(w)))
                            if i >= len(g) or i >= len(w) or g[i] != w[i]), 0)
                print("  %s %s/%s %s: line %d %r -> %r" % (tool, corpus, lang, charset, bad + 1,
                      w[bad][:60] if bad < len(w) else None, g[bad][:60] if bad < len(g) else None))
    print("files right / files asked (outside data: the peers' own samples)")
    print("%-22s" % "tool" + "".join("%-19s" % ("%s (%d)" % (c, count[c])) for c in TARBALLS) + "all")
    for tool in tools:
        print("%-22s" % tool + "".join("%-19s" % ("%d/%d" % (right[c, tool], asked[c, tool]))
                                       for c in TARBALLS) +
              "%d/%d" % (sum(right[c, tool] for c in TARBALLS), sum(asked[c, tool] for c in TARBALLS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
