#!/usr/bin/env python3
"""End-to-end test of the determinism contract: fixtext's output bytes, --explain and --detect
records are a pure function of the input bytes and the options, the same for a file and for
standard input written in random pieces, and for any -j.

Inputs: the mixed-encoding detection fixtures and the seeds, shuffled together (seeded) into
inputs of several thousand lines, so that they span many blocks and every kind of boundary
between encodings falls at some block edge. Usage: e2e_determinism.py FIXTEXT_BINARY"""
import json
import os
import random
import subprocess
import sys
import tempfile

from e2e_common import check, finish, run_in_pieces

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")


def fixture_lines():
    """Lines (with their terminators) of the mixed-encoding fixtures and the seeds."""
    paths = [os.path.join(FIXTURES, "detect", f) for f in sorted(os.listdir(os.path.join(FIXTURES, "detect")))
             if f.endswith(".txt") and not f.startswith(("utf16", "utf32"))]
    paths += [os.path.join(FIXTURES, "seeds", f) for f in sorted(os.listdir(os.path.join(FIXTURES, "seeds")))]
    lines = []
    for p in paths:
        lines += open(p, "rb").read().splitlines(keepends=True)
    # documents with mojibake, whose lines the mojibake stage reads with their block's others
    with open(os.path.join(FIXTURES, "mojibake", "documents.jsonl"), encoding="utf-8") as f:
        lines += [(json.loads(l)["input"] + "\n").encode("utf-8") for l in f]
    return lines


def mixed_input(seed, nlines):
    """Runs of 1-40 consecutive fixture lines, in an order the seed decides, some terminators
    changed to CRLF or a lone CR."""
    rng = random.Random(seed)
    pool = fixture_lines()
    out = []
    while len(out) < nlines:
        start = rng.randrange(len(pool))
        out += pool[start:start + rng.randint(1, 40)]
    data = []
    for line in out:
        body = line.rstrip(b"\r\n")
        data.append(body + rng.choice([b"\n"] * 6 + [b"\r\n", b"\r"]))
    return b"".join(data)


def run_file(args, path):
    r = subprocess.run([FIXTEXT] + args + [path], capture_output=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def run_pieces(args, data, seed, largest):
    """Writes data to fixtext's standard input in random pieces of 1..largest bytes."""
    rng = random.Random(seed)
    sizes = iter(lambda: rng.randint(1, largest), None)
    rc, out, err = run_in_pieces([FIXTEXT] + args, data, sizes)
    return rc, out, err.replace(b"standard input", b"FILE")


def test_same_output_every_way(tmp):
    for seed, nlines in ((1, 6000), (2, 3000), (3, 12000)):
        data = mixed_input(seed, nlines)
        path = os.path.join(tmp, f"mixed{seed}.txt")
        open(path, "wb").write(data)
        for mode in ([], ["--explain=json"], ["--detect=json"], ["--stats"]):
            base = run_file(["-q", "-j", "1"] + mode, path)
            want_err = base[2].replace(path.encode(), b"FILE")
            check(f"seed {seed} {mode} runs", base[0] == 0, base[2][-300:])
            for jobs in ("1", "2", "3", "8"):
                r = run_file(["-q", "-j", jobs] + mode, path)
                check(f"seed {seed} {mode} file -j {jobs}",
                      r[1] == base[1] and r[2].replace(path.encode(), b"FILE") == want_err)
            for jobs, largest in (("1", 1), ("2", 4096), ("3", 1 << 20), ("1", 300)):
                if largest == 1 and len(data) > 200000:
                    continue  # a byte at a time through a pipe is slow; the smaller inputs cover it
                r = run_pieces(["-q", "-j", jobs] + mode, data, seed * 7 + len(jobs), largest)
                check(f"seed {seed} {mode} stdin pieces of 1..{largest} -j {jobs}",
                      r[1] == base[1] and r[2] == want_err)


def test_cut_changes_only_nearby_lines(tmp):
    """Cutting a file at a line boundary and running the two halves changes, on these inputs,
    only lines near the cut (the blocks after the cut are counted from it, so in principle a
    line farther away can change too; it does not happen here)."""
    data = mixed_input(4, 4000)
    lines = data.splitlines(keepends=True)
    whole = run_file(["-q"], write(tmp, "whole.txt", data))[1].splitlines(keepends=True)
    for cut in (500, 1500, 2222):
        a = run_file(["-q"], write(tmp, "a.txt", b"".join(lines[:cut])))[1]
        b = run_file(["-q"], write(tmp, "b.txt", b"".join(lines[cut:])))[1]
        parts = (a + b).splitlines(keepends=True)
        differ = [i for i, (x, y) in enumerate(zip(whole, parts)) if x != y]
        check(f"cut at {cut}: same line count", len(parts) == len(whole))
        check(f"cut at {cut}: differences only near the cut",
              all(abs(i - cut) <= 32 for i in differ), differ[:10])


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    open(path, "wb").write(data)
    return path


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_same_output_every_way(tmp)
        test_cut_changes_only_nearby_lines(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
