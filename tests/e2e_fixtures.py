#!/usr/bin/env python3
"""End-to-end tests over the fixtures: every fixture keeps its line count, order of terminators
and final-newline state; the spine fixtures match their expected outputs; the seeds pass through
byte for byte when the repairs that would change them are off. Usage: e2e_fixtures.py FIXTEXT"""
import html
import os
import re
import subprocess
import sys

from e2e_common import check, finish

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")
TERMINATOR = re.compile(rb"\r\n|\r|\n")


def fixtext(args, path):
    r = subprocess.run([FIXTEXT, "-q"] + args + [path], capture_output=True, timeout=120)
    return r.returncode, r.stdout


def terminators(data):
    return TERMINATOR.findall(data)


def all_fixture_files():
    for root, dirs, files in os.walk(FIXTURES):
        dirs[:] = [d for d in dirs if d != "expected"]
        for f in sorted(files):
            if f.endswith((".py", ".md", ".json", ".args")):
                continue
            yield os.path.join(root, f)


def test_lines_and_terminators_kept():
    for path in all_fixture_files():
        data = open(path, "rb").read()
        if b"\x00" in data:
            continue  # UTF-16/32: terminators are re-encoded; checked by the detection tests
        rc, out = fixtext([], path)
        name = os.path.relpath(path, FIXTURES)
        check(f"{name} exit", rc in (0,), rc)
        check(f"{name} terminators", terminators(out) == terminators(data),
              (len(terminators(out)), len(terminators(data))))
        ends_open = lambda d: bool(d) and not d.endswith((b"\n", b"\r"))
        check(f"{name} final newline state", ends_open(out) == ends_open(data))


def test_spine_expected_outputs():
    spine = os.path.join(FIXTURES, "spine")
    for f in sorted(os.listdir(os.path.join(spine, "expected"))):
        rc, out = fixtext([], os.path.join(spine, f))
        want = open(os.path.join(spine, "expected", f), "rb").read()
        check(f"spine/{f}", rc == 0 and out == want, (rc, out[:80], want[:80]))


def test_seeds_pass_through_without_repairs():
    seeds = os.path.join(FIXTURES, "seeds")
    for f in sorted(os.listdir(seeds)):
        path = os.path.join(seeds, f)
        rc, out = fixtext(["--only=detect"], path)
        check(f"seed {f} untouched", rc == 0 and out == open(path, "rb").read())


def test_clean_lines_once_damaged_stay():
    """Clean classical Chinese the mojibake stage once rewrote (fixtures/clean/)."""
    path = os.path.join(FIXTURES, "clean", "damaged-once.txt")
    rc, out = fixtext(["--skip=pinyin,entities"], path)
    want = open(path, "rb").read()
    for got, line in zip(out.split(b"\n"), want.split(b"\n")):
        check(f"clean line kept: {line.decode()[:20]}", got == line, got.decode("utf-8", "replace"))


def test_reference_tables_stay():
    """Text about HTML references keeps them: the Debian Reference's table of XML entities
    (debian-reference-zh-cn, a package .ci/packages installs) holds "&lt;" beside a raw "<" on
    each row. The same references in a line that holds no raw "<", '"' … are decoded."""
    sys.path.insert(0, FIXTURES)
    import real_text
    rows = [l for l in real_text.debian_reference_lines("zh-cn")
            if re.search(r"\|&(lt|gt|quot|apos|amp);\s*\|", l)]
    check("the Debian Reference holds its table of references", len(rows) >= 5, str(len(rows)))
    data = ("\n".join(rows) + "\n").encode()
    r = subprocess.run([FIXTEXT, "-q", "--only=entities", "--entities=always"], input=data,
                       capture_output=True)
    check(f"{len(rows)} rows of a table of references kept", r.stdout == data,
          r.stdout.decode("utf-8", "replace")[:200])
    refs = " ".join(m for row in rows for m in re.findall(r"&(?:lt|gt|quot|apos|amp);", row))
    r = subprocess.run([FIXTEXT, "-q", "--only=entities", "--entities=always"],
                       input=(refs + "\n").encode(), capture_output=True)
    check("the references alone are decoded when asked (as Python's html.unescape)",
          r.stdout.decode() == html.unescape(refs) + "\n", r.stdout.decode("utf-8", "replace"))
    r = subprocess.run([FIXTEXT, "-q"], input=(refs + "\n").encode(), capture_output=True)
    check("by default references in clean text stay as written",
          r.stdout == (refs + "\n").encode(), r.stdout.decode("utf-8", "replace"))


def run_lines(args, lines):
    data = ("\n".join(lines) + "\n").encode()
    r = subprocess.run([FIXTEXT, "-q"] + args, input=data, capture_output=True, timeout=120)
    return r.stdout.decode("utf-8", "replace").split("\n")[:-1]


def test_references_on_mojibake():
    """HTML references that spell mojibake are decoded and the mojibake restored: French and
    German man-page lines (manpages-fr/-de through man-db) as UTF-8 read as windows-1252, then
    escaped as PHP's htmlentities() does ("caf&Atilde;&copy;"). The same lines escaped without
    the mojibake are clean text and stay as written, unless --entities=always."""
    sys.path.insert(0, FIXTURES)
    sys.path.insert(0, os.path.join(FIXTURES, "mojibake"))
    import real_text
    from gen_mojibake import html_entities, read_as
    lines = []
    for lang in ("fr", "de"):
        for line in real_text.man_text_lines(lang, max_files=40):
            if not line.isascii() and len(lines) < 300 * (1 + (lang == "de")):
                lines.append(line)
    # only lines fixtext leaves as they are: a line of the pages that is itself mojibake is not
    # clean text to start from
    lines = [a for a, b in zip(lines, run_lines([], lines)) if a == b]
    check("enough real lines with non-ASCII text", len(lines) >= 400, str(len(lines)))
    broken = [html_entities(read_as(line, "utf-8", "cp1252")) for line in lines]
    got = run_lines([], broken)
    restored = sum(g == want for g, want in zip(got, lines))
    check(f"references on mojibake restored: {restored} of {len(lines)}",
          restored >= 0.99 * len(lines),
          next((f"{b!r} -> {g!r}" for b, g, w in zip(broken, got, lines) if g != w), ""))
    got = run_lines(["--entities=never"], broken)
    check("--entities=never leaves them", got == broken)
    # references to ASCII characters spell no mojibake: beside mojibake restored, they stay
    mojibake = [read_as(line, "utf-8", "cp1252") + " &lt;b&gt; &amp;" for line in lines[:100]]
    got = run_lines([], mojibake)
    kept = sum(g == line + " &lt;b&gt; &amp;" for g, line in zip(got, lines))
    check(f"ASCII references kept beside restored mojibake: {kept} of 100", kept >= 99,
          next((f"{b!r} -> {g!r}" for b, g in zip(mojibake, got) if "&lt;" not in g), ""))
    escaped = [html_entities(line) for line in lines]
    got = run_lines([], escaped)
    check("clean text escaped by htmlentities() stays as written", got == escaped,
          next((f"{e!r} -> {g!r}" for e, g in zip(escaped, got) if e != g), ""))
    got = run_lines(["--entities=always"], escaped)
    decoded = sum(g == html.unescape(e) for g, e in zip(got, escaped))
    check(f"--entities=always decodes them: {decoded} of {len(escaped)}",
          decoded == len(escaped))


def main():
    test_lines_and_terminators_kept()
    test_reference_tables_stay()
    test_references_on_mojibake()
    test_spine_expected_outputs()
    test_seeds_pass_through_without_repairs()
    test_clean_lines_once_damaged_stay()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
