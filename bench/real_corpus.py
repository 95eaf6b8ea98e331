#!/usr/bin/env python3
"""Builds the benchmarks' corpus of diverse real clean text: every distinct line once, from named
Debian sources (see fixtures/real_text.py), the sources interleaved in runs of 64 lines so the
stream changes language and line length as crawls do. Nothing is repeated to reach a size.

Sources (Debian packages; .ci/packages installs them):
  poetry-zh      fortunes-zh: 唐詩三百首, 宋詞一百首, the chinese fortune file (short lines)
  reference-*    debian-reference-zh-cn / -zh-tw / -ja: technical prose (long lines)
  man-*          the translated man pages of manpages-zh, manpages-ja and man-db's languages
  catalogues     every translated message catalogue installed (msgunfmt), all languages
  reference-eu   debian-reference-de / -fr / -it / -es / -pt: technical prose
  fortunes-eu    fortunes-de / -es / -it: epigrams, anecdotes, verse (short lines)
                 (these two are held out from the tables and the repairs' thresholds; saved
                 in windows-1252 they checked the detector's letter weights, 2026-12-04)

Usage: real_corpus.py OUT [SOURCE...]   (default: all sources). Prints the line and byte counts.
Importable: lines(sources) yields the corpus lines."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import real_text  # noqa: E402

MAN_LANGS = ["zh_CN", "zh_TW", "ja", "ko", "ru", "de", "fr", "es", "it", "pl", "pt_BR", "cs",
             "hu", "nl", "sv", "tr", "uk", "ro", "sr", "vi"]


def catalogue_lines():
    for text in real_text.catalogues("*"):
        for line in text.split("\n"):
            if line.startswith("msgstr") and len(line) > 10:
                yield line[line.index('"') + 1:-1].replace('\\n', ' ').strip()


SOURCES = {
    "poetry-zh": lambda: (l for name in ("tang300", "song100", "chinese")
                          for l in real_text.fortune_lines(name)),
    "reference-zh-cn": lambda: real_text.debian_reference_lines("zh-cn"),
    "reference-zh-tw": lambda: real_text.debian_reference_lines("zh-tw"),
    "reference-ja": lambda: real_text.debian_reference_lines("ja"),
    "catalogues": catalogue_lines,
    # European text that no table and no threshold was made from (held out for Latin mojibake)
    "reference-eu": lambda: (l for lang in ("de", "fr", "it", "es", "pt")
                             for l in real_text.debian_reference_lines(lang)),
    "fortunes-eu": lambda: (l for lang in ("de", "es", "it") for l in real_text.fortune_dir_lines(lang)),
}
for _lang in MAN_LANGS:
    SOURCES["man-" + _lang] = (lambda lang: lambda: real_text.man_text_lines(lang))(_lang)


def lines(sources=None, run=64):
    """Every distinct non-empty line of the sources, interleaved in runs of `run` lines."""
    names = sources or list(SOURCES)
    streams = []
    for name in names:
        try:
            streams.append(iter(SOURCES[name]()))
        except OSError:
            print(f"real_corpus: source {name} is not installed; left out", file=sys.stderr)
    seen = set()
    while streams:
        for s in list(streams):
            taken = 0
            while taken < run:
                try:
                    line = next(s)
                except (StopIteration, OSError):
                    streams.remove(s)
                    break
                if line and line not in seen:
                    seen.add(line)
                    taken += 1
                    yield line


def main():
    args = sys.argv[1:]
    unknown = [a for a in args[1:] if a not in SOURCES]
    if not args or args[0].startswith("-") or unknown:
        # (an option taken for OUT once wrote 77 MB to a file named "--help")
        print("usage: real_corpus.py OUT [SOURCE...]\n%ssources: %s" % (
            "unknown source: %s\n" % " ".join(unknown) if unknown else "", " ".join(SOURCES)),
            file=sys.stderr)
        sys.exit(2)
    out = args[0]
    count = size = 0
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        for line in lines(sys.argv[2:] or None):
            f.write(line + "\n")
            count += 1
            size += len(line.encode()) + 1
    os.replace(out + ".tmp", out)
    print(f"{out}: {count} lines, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
