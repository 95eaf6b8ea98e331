#!/usr/bin/env python3
"""Latin-script mojibake on held-out text: real European lines that no table and no threshold was
made from (bench/real_corpus.py: reference-eu, the Debian Reference in de/fr/it/es/pt, and
fortunes-eu, the fortunes-de/-es/-it files), each written as UTF-8 and read back with one of the
codecs real software misreads it with (Python's codecs). For every family: how many lines fixtext
restores exactly (only lossless mojibake: a line whose bytes the codec cannot all read is left
out), and, first, how many of the same lines fixtext changes when they are clean.

With --source dev the same families are made from the development source instead (the German,
French, Spanish, Italian and Portuguese man pages), with --source cat from a second one (the
message catalogues of those languages that tables/gen_plausibility.py holds out: short interface
strings): rules are built and checked there, and the held-out figure above is the one to report.

Usage: bench_latin_mojibake.py [FIXTEXT] [--show] [--source test|dev|cat]
(default build/fixtext and test; --show prints misses, SHOW=N of them per family, default 5)"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import real_corpus  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "fixtures", "mojibake"))
from gen_mojibake import html_entities  # noqa: E402

SOURCES = {"test": ["reference-eu", "fortunes-eu"],
           "dev": ["man-de", "man-fr", "man-es", "man-it", "man-pt_BR"],
           "cat": ["de", "fr", "es", "it", "pt_BR"]}


def source_lines(source):
    """The lines of a source: real_corpus's, or for "cat" the message catalogues of those
    languages that tables/gen_plausibility.py holds out (bench/gen_devset.py reads the same)."""
    if source != "cat":
        return real_corpus.lines(SOURCES[source])
    from gen_devset import mo_lines
    return [line for lang in SOURCES["cat"] for line in mo_lines(lang)]
PER_FAMILY = 2000
# UTF-8 read as each of these (ftfy's families of Latin mojibake)
FAMILIES = ["cp1252", "latin-1", "cp1250", "iso8859_2", "cp1251", "cp1257", "mac_roman", "cp437", "cp850",
            "cp1252+plain", "cp1252+html"]


def misread(line, family):
    """line's UTF-8 read as family; "cp1252+plain": then every no-break space made a plain space
    and a no-break space before a space merged into it, as web pages and editors do (measured on
    lines with an "à", whose second byte A0 is the no-break space: "voilà tout" -> "voilÃ tout");
    "cp1252+html": then escaped as PHP's htmlentities() does ("caf&Atilde;&copy;")."""
    if family == "cp1252+html":
        return html_entities(line.encode("utf-8").decode("cp1252"))
    if family == "cp1252+plain":
        return line.encode("utf-8").decode("cp1252").replace("\xa0 ", " ").replace("\xa0", " ")
    return line.encode("utf-8").decode(family)


def run(fixtext, lines):
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    out = subprocess.run([fixtext, "-q"], input=data, capture_output=True).stdout
    return out.decode("utf-8", "replace").split("\n")[:-1]


def count_changed(fixtext, lines, show):
    """How many of the lines fixtext changes (with show, the first 20 printed)."""
    changed = [(a, b) for a, b in zip(lines, run(fixtext, lines)) if a != b]
    if show:
        for a, b in changed[:20]:
            print(f"  {a[:70]!r}\n  -> {b[:70]!r}")
    return len(changed)


def main():
    args = sys.argv[1:]
    source = "test"
    if "--source" in args:
        k = args.index("--source")
        source = args[k + 1]
        del args[k:k + 2]
    if source not in SOURCES:
        raise SystemExit("--source: test, dev or cat")
    args = [a for a in args if a != "--show"]
    fixtext = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    show = "--show" in sys.argv
    rng = random.Random(12)
    clean = [l for l in source_lines(source) if any(ord(c) > 127 for c in l)]
    rng.shuffle(clean)
    changed = count_changed(fixtext, clean, show)
    print(f"clean {'held-out' if source == 'test' else 'development'} lines with non-ASCII text: {len(clean)}, changed by fixtext: "
          f"{changed} ({1e6 * changed / max(1, len(clean)):.0f} per million)")
    # clean text a web page escaped ("caf&eacute;") is not broken either: kept as written
    escaped = [html_entities(l) for l in clean[:PER_FAMILY]]
    changed = count_changed(fixtext, escaped, show)
    print(f"the first {len(escaped)} of them escaped as htmlentities() does, changed by fixtext: "
          f"{changed}")
    total_ok = total = 0
    for family in FAMILIES:
        cases = []
        for line in clean:
            try:
                bad = misread(line, family)
            except UnicodeDecodeError:
                continue
            utf8 = line.encode("utf-8")
            if family.endswith("+plain") and (b"\xc3\xa0" not in utf8 or b"\xc2\xa0" in utf8):
                continue  # lines with an "à" (C3 A0) and no no-break space of their own
            if bad != line and "\n" not in bad and "\r" not in bad and "\x85" not in bad:
                cases.append((line, bad))
            if len(cases) >= PER_FAMILY:
                break
        out = run(fixtext, [bad for _, bad in cases])
        ok = sum(g == want for g, (want, _) in zip(out, cases))
        total_ok += ok
        total += len(cases)
        print(f"UTF-8 read as {family:<10} {ok:5d} / {len(cases):5d} restored ({100.0 * ok / max(1, len(cases)):.2f}%)")
        if show:
            for g, (want, bad) in [(g, c) for g, c in zip(out, cases) if g != c[0]][:int(os.environ.get("SHOW", "5"))]:
                print(f"  {bad[:60]!r}\n  -> {g[:60]!r}\n  want {want[:60]!r}")
    print(f"all families: {total_ok} / {total} ({100.0 * total_ok / max(1, total):.2f}%)")


if __name__ == "__main__":
    main()
