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
    r = subprocess.run([FIXTEXT, "-q", "--only=entities"], input=data, capture_output=True)
    check(f"{len(rows)} rows of a table of references kept", r.stdout == data,
          r.stdout.decode("utf-8", "replace")[:200])
    refs = " ".join(m for row in rows for m in re.findall(r"&(?:lt|gt|quot|apos|amp);", row))
    r = subprocess.run([FIXTEXT, "-q", "--only=entities"], input=(refs + "\n").encode(),
                       capture_output=True)
    check("the references alone are decoded (as Python's html.unescape)",
          r.stdout.decode() == html.unescape(refs) + "\n", r.stdout.decode("utf-8", "replace"))


def main():
    test_lines_and_terminators_kept()
    test_reference_tables_stay()
    test_spine_expected_outputs()
    test_seeds_pass_through_without_repairs()
    test_clean_lines_once_damaged_stay()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
