"""jsonl= and tsv=: the package gives what `fixtext --jsonl` / `--tsv` give on the same bytes,
on JSON Lines and TSV made from the mojibake fixture (text broken by real codecs) and the seeds."""
import json
import os

import pytest

import fixtext
from support import FIXTURES, cli, cli_args, mojibake_cases, needs_cli

pytestmark = needs_cli


def jsonl(ensure_ascii):
    return "".join(json.dumps({"class": c["class"], "input": c["input"], "n": k}, ensure_ascii=ensure_ascii) + "\n"
                   for k, c in enumerate(mojibake_cases())).encode("utf-8")


def tsv():
    seeds = os.path.join(FIXTURES, "seeds")
    lines = []
    for name in sorted(os.listdir(seeds)):
        with open(os.path.join(seeds, name), encoding="utf-8", errors="replace") as f:
            lines += [l for l in f.read().splitlines() if l.strip()]
    cases = [c["input"] for c in mojibake_cases()]
    return "".join(f"{k}\t{a}\t{b}\n" for k, (a, b) in enumerate(zip(lines, cases))).encode("utf-8")


SETS = [
    (dict(jsonl=["input"]), True),
    (dict(jsonl=["input"]), False),
    (dict(jsonl="*", jsonl_raw=True), True),
    (dict(jsonl=["input", "class"], jobs=2), False),
    (dict(tsv=True), None),
    (dict(tsv=["3"]), None),
]


@pytest.mark.parametrize("options,ensure_ascii", SETS, ids=lambda o: str(o))
def test_documents_equal_cli(options, ensure_ascii):
    data = tsv() if ensure_ascii is None else jsonl(ensure_ascii)
    assert fixtext.fix_bytes(data, **options) == cli(data, *cli_args(options)).decode("utf-8")


def test_jsonl_repairs_the_field():
    cases = [c for c in mojibake_cases() if not c["lossy"]]
    data = "".join(json.dumps({"input": c["input"]}) + "\n" for c in cases)
    out = fixtext.fix_text(data, jsonl=["input"]).splitlines()
    right = sum(json.loads(line)["input"] == c["expected"] for line, c in zip(out, cases))
    assert len(out) == len(cases) and all(line.isascii() for line in out)
    assert right >= 0.9 * len(cases), (right, len(cases))


def test_bad_combinations():
    with pytest.raises(fixtext.Error):
        fixtext.Fixer(jsonl=True, tsv=True)
    with pytest.raises(fixtext.Error):
        fixtext.Fixer(jsonl_raw=True)
    with pytest.raises(fixtext.Error):
        fixtext.Fixer(tsv=["0"])
