#!/usr/bin/env python3
"""Real single-encoding files nobody made for fixtext: Vim's menu translations
(/usr/share/vim/vim*/lang/menu_*.vim, package vim-runtime, Vim licence). Each file names its
encoding in a `scriptencoding` line, which is what Vim itself decodes it with: UTF-8, Latin-1,
windows-1250/1252/1254, ISO-8859-2/5/9, KOI8-R/U, cp1251, GBK/GB18030, Big5, EUC-JP, Shift_JIS,
EUC-KR, IBM850, Vietnamese. Short menu labels with one or two accented letters, in whole files:
what a detector meets in software's own text.

A file is right when every line comes back as the declared encoding decodes it (Python's codec,
glibc's iconv where Python lacks it); per line, the non-ASCII lines that come back. fixtext runs
with the repairs off (detection alone decides); uchardet + iconv runs on the same files in the
same run. Files the declared encoding cannot decode,
and pure-ASCII files, are left out. A development source, not a held-out one: letters.c's charge
for a symbol ending a word was found on it (2026-12-05); report bench_encodings.py --source test.

Usage: bench_vim_menus.py [FIXTEXT] [--no-peers] [--show]"""
import glob
import os
import re
import subprocess
import sys

PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]
# scriptencoding names -> (Python codec, iconv name)
CODECS = {"utf-8": ("utf-8", "UTF-8"), "latin1": ("latin-1", "ISO-8859-1"),
          "iso-8859-1": ("latin-1", "ISO-8859-1"), "iso-8859-2": ("iso8859-2", "ISO-8859-2"),
          "latin2": ("iso8859-2", "ISO-8859-2"), "iso-8859-5": ("iso8859-5", "ISO-8859-5"),
          "iso-8859-9": ("iso8859-9", "ISO-8859-9"), "cp1250": ("cp1250", "CP1250"),
          "cp1251": ("cp1251", "CP1251"), "cp1252": ("cp1252", "CP1252"),
          "cp1254": ("cp1254", "CP1254"), "koi8-r": ("koi8-r", "KOI8-R"),
          "koi8-u": ("koi8-u", "KOI8-U"), "cp936": ("gbk", "GBK"), "gbk": ("gbk", "GBK"),
          "gb2312": ("gb2312", "GB2312"), "gb18030": ("gb18030", "GB18030"),
          "cp950": ("cp950", "BIG5"), "big5": ("big5", "BIG5"), "euc-jp": ("euc_jp", "EUC-JP"),
          "cp932": ("cp932", "CP932"), "sjis": ("cp932", "CP932"), "euc-kr": ("euc_kr", "EUC-KR"),
          "cp949": ("cp949", "CP949"), "cp850": ("cp850", "IBM850"), "850": ("cp850", "IBM850")}
SCRIPTENCODING = re.compile(rb"^\s*scriptencoding\s+(\S+)", re.M)
LANG = {"cs": "czech", "sk": "slovak", "pl": "polish", "hu": "hungarian", "ru": "russian",
        "uk": "ukrainian", "zh": "chinese", "ja": "japanese", "ko": "korean"}


def files():
    """(path, declared name, codec, iconv name, raw bytes, expected lines) per usable file."""
    for path in sorted(glob.glob("/usr/share/vim/vim*/lang/menu_*.vim")):
        if os.path.islink(path):
            continue
        raw = open(path, "rb").read()
        m = SCRIPTENCODING.search(raw)
        if not m or not any(b >= 0x80 for b in raw):
            continue
        name = m.group(1).decode("ascii", "replace").lower()
        if name not in CODECS:
            continue
        codec, iconv_name = CODECS[name]
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        yield path, name, codec, iconv_name, raw, text.split("\n")


def lines_right(got, want):
    """Non-ASCII lines of want that got has, in place; and their number."""
    hi = [i for i, line in enumerate(want) if any(ord(c) >= 0x80 for c in line)]
    return sum(1 for i in hi if i < len(got) and got[i] == want[i]), len(hi)


def peer(cmd, path):
    r = subprocess.run(cmd + [path], capture_output=True, text=True)
    enc = r.stdout.strip().split(";")[0].split(":")[-1].strip() if r.returncode == 0 else ""
    if not enc or enc.lower() in ("unknown", "ascii", "7bit", "us-ascii"):
        return None
    r = subprocess.run(["iconv", "-f", enc, "-t", "UTF-8", path], capture_output=True)
    return r.stdout.decode("utf-8", "replace").split("\n") if r.returncode == 0 else None


def add(tally, whole, right, n):
    """Adds one file to [files right, files, lines right, lines]."""
    tally[0] += whole
    tally[1] += 1
    tally[2] += right
    tally[3] += n


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fixtext = args[0] if args else "build/fixtext"
    peers = "--no-peers" not in sys.argv
    show = "--show" in sys.argv
    tools = {"fixtext": lambda p: subprocess.run([fixtext] + PLAIN + [p], capture_output=True)
             .stdout.decode("utf-8", "replace").split("\n")}
    if peers:
        tools["uchardet + iconv"] = lambda p: peer(["uchardet"], p)
    totals = {t: [0, 0, 0, 0] for t in tools}  # files right, files, lines right, lines
    per_encoding = {}
    for path, name, codec, _, raw, want in files():
        for tool, run in tools.items():
            got = run(path) or []
            right, n = lines_right(got, want)
            whole = right == n
            add(totals[tool], whole, right, n)
            if tool == "fixtext":
                add(per_encoding.setdefault(name, [0, 0, 0, 0]), whole, right, n)
                if show and not whole:
                    print(f"  {os.path.basename(path)}: {n - right} of {n} lines wrong")
    print("Vim's menu translations (vim-runtime), per declared encoding: fixtext files right / "
          "files, lines right / non-ASCII lines")
    for name, (fr, f, lr, n) in sorted(per_encoding.items()):
        print(f"  {name:12} {fr:3d}/{f:<3d} {lr:5d}/{n}")
    for tool, (fr, f, lr, n) in totals.items():
        print(f"{tool:18} files {fr}/{f} ({100.0 * fr / max(1, f):.1f}%)  "
              f"lines {lr}/{n} ({100.0 * lr / max(1, n):.2f}%)")


if __name__ == "__main__":
    main()
