"""fix_and_explain: the same text as fix_text, and for every changed line the same record as the
command's --explain=json (line, encoding, explanation, per-stage counters by their names)."""
import json
import os

import pytest

import fixtext
from support import FIXTURES, cli_stderr, fixture_files, fixture_id, mojibake_cases, needs_cli, read

pytestmark = needs_cli

INPUTS = [p for p in fixture_files() if "/spine/" not in p]


def cli_records(data, *args):
    out, err = cli_stderr(data, "--explain=json", *args)
    records = [json.loads(line) for line in err.decode("utf-8").splitlines()]
    for r in records:
        del r["file"]
    return out.decode("utf-8"), records


def same_fields(mine, theirs):
    return {k: mine[k] for k in theirs} == theirs


@pytest.mark.parametrize("path", INPUTS, ids=fixture_id)
def test_explain_equals_cli(path):
    data = read(path)
    text, records = fixtext.fix_and_explain(data)
    want_text, want = cli_records(data)
    assert text == want_text == fixtext.fix_bytes(data)
    changed = [r for r in records if r["changed"]]
    assert len(changed) == len(want)
    for mine, theirs in zip(changed, want):
        assert same_fields(mine, theirs), (mine, theirs)


def test_explain_mojibake_document_and_options():
    doc = "".join(c["input"] + "\n" for c in mojibake_cases())
    text, records = fixtext.fix_and_explain(doc, keep_pinyin=True, window=64)
    want_text, want = cli_records(doc.encode("utf-8"), "--keep-pinyin", "--window=64")
    assert text == want_text
    changed = [r for r in records if r["changed"]]
    assert [r["line"] for r in changed] == [r["line"] for r in want]
    assert all(same_fields(m, t) for m, t in zip(changed, want))
    assert any(r["partial"] for r in records)  # windows of long lines are their own records


def test_record_fields():
    text, records = fixtext.fix_and_explain("caf\u00c3\u00a9 ok\nplain line\n\u6d63\u72b2\u30bd\n")
    assert text == "café ok\nplain line\n你好\n"
    assert [r["line"] for r in records] == [1, 3]
    first = records[0]
    assert first["explain"] == "cp1252\u2192utf-8; span 4-5"
    assert first["changed"] is True and first["partial"] is False
    assert first["encoding"] == "UTF-8" and 0 <= first["score"] <= 1
    assert first["mojibake_spans"] == 1 and first["warnings"] == []
    counters = {name for pair in fixtext.stage_counters().values() for name in pair if name}
    assert counters <= set(first)
    assert set(fixtext.stage_counters()) == set(fixtext.stages())


def test_warnings_and_unchanged_reports():
    data = read(os.path.join(FIXTURES, "detect", "damaged.txt"))
    text, records = fixtext.fix_and_explain(data)
    by_line = {r["line"]: r for r in records}
    assert "truncated" in by_line[4]["warnings"]
    assert "binary" in by_line[7]["warnings"]
    assert text == fixtext.fix_bytes(data)


def test_explain_accepts_str_and_bytes_alike():
    doc = "PersÃ¶nliche Einstellungsdatei fÃ¼r Vim\n"
    assert fixtext.fix_and_explain(doc) == fixtext.fix_and_explain(doc.encode("utf-8"))
    with pytest.raises(TypeError):
        fixtext.fix_and_explain(42)
