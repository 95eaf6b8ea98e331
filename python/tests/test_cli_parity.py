"""The package gives what the fixtext command gives on the same bytes: every real fixture, with
the default options and with a set of the CLI's options spelt the Python way; the mojibake sample
case by case; the detection fixtures' expected outputs."""
import os

import pytest

import fixtext
from support import (FIXTURES, cli, cli_args, cli_many, fixture_files, fixture_id, is_utf8,
                     mojibake_cases, needs_cli, read)

pytestmark = needs_cli

FILES = fixture_files()

# The CLI's repairs off, as tests/e2e_detect.py runs the detection fixtures.
PLAIN = dict(no_mojibake=True, no_shifted=True, no_c1=True, keep_entities=True, keep_pinyin=True)


def test_fixtures_found():
    assert len(FILES) >= 25, FILES


@pytest.mark.parametrize("path", FILES, ids=fixture_id)
def test_fix_bytes_equals_cli(path):
    data = read(path)
    assert fixtext.fix_bytes(data) == cli(data).decode("utf-8")


@pytest.mark.parametrize("path", [p for p in FILES if is_utf8(read(p))], ids=fixture_id)
def test_fix_text_equals_cli(path):
    data = read(path)
    assert fixtext.fix_text(data.decode("utf-8")) == cli(data).decode("utf-8")


OPTION_SETS = [
    PLAIN,
    dict(only="detect"),
    dict(only=["detect", "mojibake"]),
    dict(skip=["pinyin", "entities"]),
    dict(no_detect=True),
    dict(keep_bom=True),
    dict(window="1K"),
    dict(window=64, no_detect=True),
    dict(jobs=2),
    dict(lang="zh"),
    dict(lang="ja"),
    dict(candidates=["UTF-8", "GB18030", "BIG5-HKSCS"]),
    dict(from_="GB18030"),
    dict(encoding="SHIFT_JIS"),
    dict(to="simplified"),
    dict(to="traditional", jobs=2),
    dict(to="taiwan-phrases", keep_pinyin=True),
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(cli_args(o)))
def test_options_equal_cli(options):
    """Each option set on every fixture, one CLI run for all files (each its own input)."""
    datas = [read(p) for p in FILES]
    want = cli_many(datas, *cli_args(options))
    fixer = fixtext.Fixer(**options)
    for path, data, expected in zip(FILES, datas, want):
        assert fixer.fix_bytes(data) == expected.decode("utf-8"), fixture_id(path)
        assert fixtext.fix_bytes(data, **options) == expected.decode("utf-8"), fixture_id(path)


def test_mojibake_cases_each_equal_cli():
    """Every case of fixtures/mojibake/cases.jsonl as its own input, through fix_text."""
    cases = mojibake_cases()
    inputs = [(c["input"] + "\n").encode("utf-8") for c in cases]
    want = cli_many(inputs)
    fixer = fixtext.Fixer()
    for case, expected in zip(cases, want):
        got = fixer.fix_text(case["input"] + "\n")
        assert got == expected.decode("utf-8"), case
        assert fixtext.fix_text(case["input"]) == expected.decode("utf-8").rstrip("\n"), case


def test_mojibake_cases_as_one_document():
    """The sample as tests/e2e_mojibake.py runs it: one document, pinyin kept. Its bar, too: no
    clean (NEGATIVE) line changes and at least 95% of the lossless cases come back exactly."""
    cases = mojibake_cases()
    doc = "".join(c["input"] + "\n" for c in cases)
    got = fixtext.fix_text(doc, keep_pinyin=True)
    assert got == cli(doc.encode("utf-8"), "--keep-pinyin").decode("utf-8")
    lines = got.split("\n")
    negatives = [(c, line) for c, line in zip(cases, lines) if c["class"] == "NEGATIVE"]
    assert all(line == c["expected"] for c, line in negatives)
    lossless = [(c, line) for c, line in zip(cases, lines)
                if c["class"] != "NEGATIVE" and not c["lossy"] and "contains" not in c]
    exact = sum(line == c["expected"] for c, line in lossless)
    assert exact >= 0.95 * len(lossless), (exact, len(lossless))


def expected(name):
    return read(os.path.join(FIXTURES, "detect", name + ".expected")).decode("utf-8")


@pytest.mark.parametrize("name", ["iso2022jp", "damaged", "utf16le_bom", "utf16be", "utf32le"])
def test_detect_expected_outputs(name):
    data = read(os.path.join(FIXTURES, "detect", name + ".txt"))
    assert fixtext.fix_bytes(data, **PLAIN) == expected(name)


def test_mixed_sparse_every_line():
    data = read(os.path.join(FIXTURES, "detect", "mixed_sparse.txt"))
    assert fixtext.fix_bytes(data, **PLAIN) == expected("mixed_sparse")


@pytest.mark.parametrize("name", ["mixed_cjk", "mixed_european"])
def test_mixed_files_decoded(name):
    """Lines glued together from many encodings: all non-ASCII lines but one in a hundred decoded
    to their true text (the end-to-end test's bar), and the same lines as the command."""
    raw = read(os.path.join(FIXTURES, "detect", name + ".txt"))
    got = fixtext.fix_bytes(raw, **PLAIN).split("\n")
    exp = expected(name).split("\n")
    assert len(got) == len(exp)
    high = [i for i, line in enumerate(raw.split(b"\n")) if any(c >= 0x80 for c in line)]
    wrong = [i + 1 for i in high if got[i] != exp[i]]
    assert len(wrong) * 100 <= len(high), wrong
    assert "\n".join(got) == cli(raw, *cli_args(PLAIN)).decode("utf-8")
