#!/usr/bin/env python3
"""End-to-end tests of pinyin stripping through the fixtext binary.

- The seeds against fixtures/pinyin/expected/ (made by the reference stripper in
  fixtures/pinyin/gen_pinyin_fixtures.py and reviewed: seed_annotations.tsv lists every annotation
  removed), with the other repairs off so that only this stage changes the text; --keep-pinyin
  leaves them as they are; --explain counts what went.
- The seeds through the whole default pipeline: none of those annotations is left, and every
  legitimate parenthesis checked by hand (LEGITIMATE below) is still there.
- The development set: injected annotations removed (target 99.5%), negative lines unchanged.
- Randomly damaged seed lines: the output agrees with the reference stripper's line for line.
Prints the figures. Usage: e2e_pinyin.py FIXTEXT"""
import collections
import os
import re
import subprocess
import sys

from e2e_common import check, finish

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIX = os.path.join(SOURCE, "fixtures")
PINYIN = os.path.join(FIX, "pinyin")
ONLY_PINYIN = ["--no-detect", "--no-mojibake", "--no-shifted", "--keep-entities"]

# Parentheses in the seeds that are not annotations, each checked by hand, with how many times
# the seed holds it.
LEGITIMATE = {
    "000": {"組織(ISO)": 1, "黨委(黨組)": 2, "(后改為委員會)": 1, "國家(貴州)": 1, "(含教學點)": 1},
    "001": {"(後改爲中央網絡安全和信息化委員會)": 1},
    "002": {"(以下简称《决议》)": 1},
    "004": {"(后改为委员会)": 1, "Management (Trial)": 1},
}


def run(args, path):
    r = subprocess.run([FIXTEXT] + args + [path], capture_output=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


def seeds():
    d = os.path.join(FIX, "seeds")
    return [(f[:3], os.path.join(d, f)) for f in sorted(os.listdir(d))]


def seed_annotations():
    rows = collections.defaultdict(list)
    with open(os.path.join(PINYIN, "seed_annotations.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            seed, num, before, ann, rule = line.rstrip("\n").split("\t")
            rows[seed].append((int(num), before, ann, rule))
    return rows


def test_seeds_alone():
    anns = seed_annotations()
    found = removed = 0
    for seed, path in seeds():
        name = os.path.basename(path)
        want = open(os.path.join(PINYIN, "expected", name), "rb").read()
        raw = open(path, "rb").read()
        rc, out, _ = run(["-q"] + ONLY_PINYIN, path)
        check(f"{seed} exit", rc == 0, rc)
        check(f"{seed} matches expected", out == want,
              [i + 1 for i, (a, b) in enumerate(zip(out.split(b"\n"), want.split(b"\n"))) if a != b][:10])
        rc, out, _ = run(["-q", "--keep-pinyin"] + ONLY_PINYIN, path)
        check(f"{seed} --keep-pinyin leaves it", rc == 0 and out == raw)
        # --explain: per line "pinyin: N removed"; they add up to the annotations of the seed
        rc, out, err = run(["--explain"] + ONLY_PINYIN, path)
        said = sum(int(n) for n in re.findall(rb"pinyin: (\d+) removed", err))
        check(f"{seed} --explain counts", said == len(anns[seed]), (said, len(anns[seed])))
        found += len(anns[seed])
        removed += said
    print(f"seeds: annotations found {found}, removed {removed}, left {found - removed}")
    check("seed annotations all removed", found == removed and found >= 1680, (found, removed))


def test_seeds_full_pipeline():
    anns = seed_annotations()
    kept = total = 0
    for seed, path in seeds():
        rc, out, _ = run(["-q"], path)
        check(f"{seed} default exit", rc == 0, rc)
        text = out.decode("utf-8", "replace")
        lines = text.split("\n")
        for num, before, ann, rule in anns[seed]:
            if rule != "han":
                continue  # damaged runs may be realigned by the shifted stage first
            check(f"{seed}:{num} {before}({ann}) gone", before + "(" + ann + ")" not in lines[num - 1]
                  and before + "（" + ann + "）" not in lines[num - 1])
        raw = open(path, encoding="utf-8", errors="replace").read()
        # the seed holds them once its annotations are gone (組(zǔ)織(zhī)(ISO) -> 組織(ISO))
        clean = open(os.path.join(PINYIN, "expected", os.path.basename(path)), encoding="utf-8",
                     errors="replace").read()
        for s, n in LEGITIMATE.get(seed, {}).items():
            total += n
            check(f"{seed} seed holds {s}", clean.count(s) == n, clean.count(s))
            check(f"{seed} keeps {s}", text.count(s) == n, text.count(s))
            kept += min(text.count(s), n)
        # no parenthesis other than annotations disappears
        opens = lambda t: t.count("(") + t.count("（")
        check(f"{seed} parentheses kept", opens(text) == opens(raw) - len(
            [a for a in anns[seed] if a[3] != "lost-paren"]), (opens(text), opens(raw)))
    print(f"seeds: legitimate parentheses kept {kept} of {total} (checked by hand)")


def test_development_set():
    rc, out, _ = run(["-q"] + ONLY_PINYIN, os.path.join(PINYIN, "dev_positive.txt"))
    check("dev positive exit", rc == 0, rc)
    got = out.decode("utf-8").split("\n")
    want = open(os.path.join(PINYIN, "dev_positive.expected"), encoding="utf-8").read().split("\n")
    forms = open(os.path.join(PINYIN, "dev_positive.forms"), encoding="utf-8").read().split("\n")
    check("dev positive line count", len(got) == len(want), (len(got), len(want)))
    per_form = collections.defaultdict(lambda: [0, 0])
    injected = left = 0
    closing = lambda t: t.count(")") + t.count("）")
    for g, w, f in zip(got, want, forms):
        if not f:
            continue
        form, n = f.split()
        n = int(n)
        miss = 0 if g == w else max(1, closing(g) - closing(w))
        if miss and g.replace(")", "").replace("）", "") == g:
            miss = n  # text changed otherwise: count the whole case as missed
        injected += n
        left += miss
        per_form[form][0] += n
        per_form[form][1] += n - miss
    rate = (injected - left) / injected if injected else 0
    print(f"development set: injected {injected}, removed {injected - left} ({100 * rate:.2f}%)")
    print("  by form: " + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(per_form.items())))
    check("dev set removal rate >= 99.5%", rate >= 0.995, rate)
    for form in per_form:
        check(f"dev form {form} present", per_form[form][0] >= 100, per_form[form][0])

    path = os.path.join(PINYIN, "dev_negative.txt")
    rc, out, _ = run(["-q"] + ONLY_PINYIN, path)
    raw = open(path, "rb").read()
    changed = [(a, b) for a, b in zip(raw.split(b"\n"), out.split(b"\n")) if a != b]
    nlines = raw.count(b"\n")
    print(f"development set: negative lines {nlines}, changed {len(changed)}")
    for a, b in changed[:5]:
        print("  changed:", a.decode()[:100], "->", b.decode()[:100])
    check("dev negatives unchanged", rc == 0 and out == raw and nlines >= 1000, len(changed))


def test_mutated_agree_with_reference():
    path = os.path.join(PINYIN, "mutated.txt")
    rc, out, _ = run(["-q"] + ONLY_PINYIN, path)
    want = open(os.path.join(PINYIN, "mutated.expected"), "rb").read()
    differ = [i + 1 for i, (a, b) in enumerate(zip(out.split(b"\n"), want.split(b"\n"))) if a != b]
    check("mutated seed lines as the reference strips them", rc == 0 and out == want, differ[:10])


def main():
    test_seeds_alone()
    test_seeds_full_pipeline()
    test_development_set()
    test_mutated_agree_with_reference()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
