#!/usr/bin/env python3
"""Prints, per configuration, how many of the hand-written conversion expectations
(fixtures/convert/expectations.tsv) each tool meets: fixtext with its default data (OpenCC 1.4.2's,
tables/opencc), `opencc` 1.1.6 with Debian's data (/usr/share/opencc), and `opencc` 1.1.6 with the
same 1.4.2 data as fixtext (which shows what the data changes and what fixtext's own handling
adds). A report, not a test: tests/e2e_expectations.py is the test.

Usage: python3 bench/compare_opencc.py [FIXTEXT_BINARY] [DATA_DIR]
(defaults build/fixtext and the build tree's tables/opencc beside it). -v lists the misses."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from e2e_expectations import load, run_fixtext  # noqa: E402

DEBIAN = "/usr/share/opencc"


def run_opencc(config_path, texts):
    if not os.path.exists(config_path):
        return None
    r = subprocess.run(["opencc", "-c", config_path], input=("\n".join(texts) + "\n").encode(),
                       capture_output=True)
    return r.stdout.decode().split("\n")[:len(texts)] if r.returncode == 0 else None


def score(got, cases):
    if got is None:
        return None, []
    misses = [(c[0], c[1], g) for g, c in zip(got, cases) if g != c[1]]
    return len(cases) - len(misses), misses


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    binary = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    data = args[1] if len(args) > 1 else os.path.join(os.path.dirname(binary), "tables", "opencc")
    os.environ["FIXTEXT_OPENCC_DATA"] = os.path.abspath(data)
    rows = load(os.path.join(HERE, "..", "fixtures", "convert", "expectations.tsv"))
    print("| configuration | cases | fixtext, 1.4.2 data | opencc 1.1.6, Debian data "
          "| opencc 1.1.6, 1.4.2 data |")
    print("|---|---|---|---|---|")
    sums = [0, 0, 0, 0]
    for config, cases in rows.items():
        texts = [c[0] for c in cases]
        results = [score(run_fixtext(binary, config, texts), cases),
                   score(run_opencc(os.path.join(DEBIAN, config + ".json"), texts), cases),
                   score(run_opencc(os.path.join(data, config + ".json"), texts), cases)]
        cells = ["n/a (no %s.json)" % config if n is None else str(n) for n, _ in results]
        sums[0] += len(cases)
        for i, (n, _) in enumerate(results):
            sums[i + 1] += n or 0
        print("| %s | %d | %s |" % (config, len(cases), " | ".join(cells)))
        if verbose:
            for name, (_, misses) in zip(("fixtext", "opencc-debian", "opencc-1.4.2"), results):
                for text, want, got in misses:
                    print("|   | %s | %s: %s -> %s (want %s) | | |" % (name, config, text, got, want))
    print("| all | %d | %d | %d | %d |" % tuple(sums))


if __name__ == "__main__":
    main()
