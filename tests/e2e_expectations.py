#!/usr/bin/env python3
"""fixtext against the hand-written conversion expectations (fixtures/convert/expectations.tsv):
every row must come out as expected, with the default data (the suite points
$FIXTEXT_OPENCC_DATA at the build's OpenCC 1.4 data). One fixtext run per configuration, all its
rows as lines. Usage: python3 e2e_expectations.py path/to/fixtext
(bench/compare_opencc.py prints the same rows beside opencc 1.1.6 with Debian's data.)"""
import os
import subprocess
import sys

from e2e_common import check, finish

FIXTEXT = sys.argv[1]
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
CONVERT_ONLY = ["--no-detect", "--no-mojibake", "--no-shifted", "--keep-entities",
                "--keep-pinyin", "--no-c1"]


def load(path):
    """{config: [(input, expected, why)]} in file order."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            config, text, want, why = line.rstrip("\n").split("\t")
            rows.setdefault(config, []).append((text, want, why))
    return rows


def run_fixtext(binary, config, texts):
    r = subprocess.run([binary] + CONVERT_ONLY + ["--to", config],
                       input=("\n".join(texts) + "\n").encode(), capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode().split("\n")[:len(texts)]


def main():
    rows = load(os.path.join(SOURCE, "fixtures", "convert", "expectations.tsv"))
    total = 0
    for config, cases in rows.items():
        got = run_fixtext(FIXTEXT, config, [c[0] for c in cases])
        ok = got is not None and all(g == c[1] for g, c in zip(got, cases))
        bad = [] if got is None else [(c[0], c[1], g) for g, c in zip(got, cases) if g != c[1]]
        total += len(cases)
        check("--to %s: %d expectations" % (config, len(cases)), ok, bad or "fixtext failed")
    check("every configuration has expectations", len(rows) >= 16, sorted(rows))
    print("%d expectations in %d configurations" % (total, len(rows)))
    sys.exit(finish())


if __name__ == "__main__":
    main()
