#!/usr/bin/env python3
"""The hostile-input battery: inputs an attacker or a careless user would feed fixtext, each
checked for what must always hold — exit status 0, one output line per input line with the same
terminators, the same bytes for a file, for standard input in pieces and for any -j — and, for
the inputs that once hit a slow path, time (and memory) that grow linearly: the ratio between two
sizes, never a wall-clock limit. Under the sanitizer build (.ci/test runs the suite twice) any
memory error fails the run too.

Each reproducer of a fixed bug is here: the shifted-run stack overflow, the quadratic pinyin and
lone-CR paths, &NewLine; adding a line, UTF-16 without a BOM, --from with encodings that are not
ASCII-compatible, and the memory per window. Usage: e2e_hostile.py FIXTEXT_BINARY"""
import codecs
import os
import random
import re
import resource
import subprocess
import sys
import tempfile

from e2e_common import check, finish, run_in_pieces

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
SEED = os.path.join(SOURCE, "fixtures", "seeds", "001_f09c55cc5214583c.txt")
# Sanitizer builds run many times slower; the ratios below still hold, the sizes shrink.
SCALE = 1 if os.environ.get("FIXTEXT_HOSTILE_SCALE") is None else float(os.environ["FIXTEXT_HOSTILE_SCALE"])


def run(args, data, **kw):
    return subprocess.run([FIXTEXT] + args, input=data, capture_output=True, timeout=600, **kw)


def terminators(data):
    """The terminator of every line, in order ('' for a last line without one)."""
    ends = re.findall(rb"\r\n|\r|\n", data)
    if data and not data.endswith((b"\n", b"\r")):
        ends.append(b"")
    return ends


def fed_in_pieces(args, data, seed):
    rng = random.Random(seed)
    sizes = iter(lambda: rng.choice([1, 3, 17, 4096, 70000]), None)
    return run_in_pieces([FIXTEXT] + args, data, sizes)[1]


def child_seconds(args, data):
    """CPU seconds of one run on data as a file (user + system, from the children's resource
    usage). A file, not a pipe: reads are then as large as fixtext asks."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run([FIXTEXT] + args + [f.name], capture_output=True, timeout=600)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def linear(name, args, make, small):
    """Time for 4x the input must be well under 16x (quadratic) the time of the small one: the
    best of three runs of each, on inputs large enough that start-up does not dominate."""
    small = int(small * SCALE)
    times = []
    for n in (small, 4 * small):
        data = make(n)
        best = min(child_seconds(args, data)[1] for _ in range(3))
        times.append(best)
    ratio = times[1] / max(times[0], 1e-3)
    check(f"{name}: linear time (4x input: {ratio:.1f}x time)", ratio < 8, times)


# ---- inputs of every kind: the invariants ----

def random_inputs():
    rng = random.Random(20261203)
    seed_text = open(SEED, "rb").read()
    yield "random bytes, no NUL", bytes(rng.choice(range(1, 256)) for _ in range(300000))
    yield "random high bytes and newlines", bytes(rng.choice([0x0A, 0x0D] + list(range(0x80, 0x100)))
                                                  for _ in range(200000))
    yield "truncated UTF-8 sequences", b"\n".join(("網絡強國".encode()[:k] + b"x") for k in range(12)) * 500
    yield "lone CRs", seed_text.replace(b"\n", b"\r")
    yield "mixed terminators", seed_text.replace(b"\n", b"\r\n", 30).replace(b"\n", b"\r", 30)
    yield "controls and escapes", b"\x1b$B\x1b(B\x1b$)C\x0e\x0f~{~}\x7f\x00?" * 2000 + b"\n"
    yield "a 3 MB line", ("中文(zhōng)?" * 300000).encode()
    yield "shifted runs", ("?\u7d6d\u9a3f" * 12 + "a" * 4059 + "\n").encode() * 40
    yield "pinyin spam", ("網(wǎng)絡(luò)" * 5000 + "\n").encode() * 20
    yield "entities", b"&NewLine;&#10;&#13;&Tab;&#x85;&amp;&#0;&#1114112;&nosuch;\n" * 3000
    yield "mojibake", ("cafÃ© ä½ å¥½ 浣犲ソ 锟斤拷 \xc2\x93x\xc2\x94\n" * 5000).encode()


def test_invariants(tmp):
    for name, data in random_inputs():
        path = os.path.join(tmp, "in")
        open(path, "wb").write(data)
        r = subprocess.run([FIXTEXT, "-q", "--binary=text", path], capture_output=True, timeout=600)
        check(f"{name}: exit 0", r.returncode == 0, (r.returncode, r.stderr[-300:]))
        check(f"{name}: terminators kept", terminators(r.stdout) == terminators(data),
              (len(terminators(r.stdout)), len(terminators(data))))
        for jobs in ("2", "3"):
            j = subprocess.run([FIXTEXT, "-q", "--binary=text", "-j", jobs, path], capture_output=True,
                               timeout=600)
            check(f"{name}: -j {jobs} same bytes", j.stdout == r.stdout)
        check(f"{name}: stdin in pieces same bytes",
              fed_in_pieces(["-q", "--binary=text"], data, len(data)) == r.stdout)


def test_binary_and_nul_inputs():
    """NUL bytes may make an input UTF-16/32 (decided for the whole input): whatever it is read
    as, the run ends well and gives the same bytes every way."""
    rng = random.Random(7)
    for name, data in (("random bytes with NUL", bytes(rng.randrange(256) for _ in range(100000))),
                       ("NUL every other byte", b"a\x00" * 50000),
                       ("lone NULs", b"text\x00more\n" * 5000)):
        args = ["-q", "--binary=text"]
        r = run(args, data)
        check(f"{name}: exit 0", r.returncode == 0, r.stderr[-200:])
        check(f"{name}: stdin in pieces same bytes", fed_in_pieces(args, data, 3) == r.stdout)
        check(f"{name}: -j 2 same bytes", run(args + ["-j", "2"], data).stdout == r.stdout)


# ---- the reproducers ----

def test_shifted_run_stack_overflow():
    data = ("?\u7d6d\u9a3f" * 12 + "a" * 4059 + "\n").encode()
    for args in ([], ["--check"], ["--detect"], ["-j", "2"]):
        r = run(args, data)
        check(f"shifted-run overflow {args}: no crash", r.returncode in (0, 1), r.returncode)


def test_entities_never_add_a_line():
    r = run([], b"a&NewLine;b\n&#10;&#13;\n")
    check("&NewLine; adds no line", r.stdout.count(b"\n") == 2 and b"\r" not in r.stdout, r.stdout)


def test_utf16_without_bom():
    text = "".join(open(SEED, encoding="utf-8").read().splitlines(keepends=True)[:6])
    for enc in ("utf-16-le", "utf-16-be"):
        r = run(["--skip=pinyin"], text.encode(enc))
        check(f"{enc} without BOM, CJK first: decoded", r.stdout.decode("utf-8", "replace") == text,
              r.stdout[:60])


def test_from_encodings_that_are_not_ascii_compatible():
    r = run(["--from", "UTF-7"], b"+AAo-\n")
    check("UTF-7 +AAo- is a newline", r.stdout == b"\n\n", r.stdout)
    text = "第一行 line one\nsecond line, café\n"
    for enc, pyenc in (("UTF-7", "utf-7"), ("UCS-4LE", "utf-32-le"), ("UNICODELITTLE", "utf-16-le"),
                       ("IBM037", "cp037"), ("UTF-16", "utf-16"), ("UTF-32", "utf-32")):
        try:
            data = text.encode(pyenc)
        except UnicodeEncodeError:  # EBCDIC has no Han: its part of the text only
            data = text.split("\n", 1)[1].encode(pyenc)
        want = data.decode(pyenc)
        r = run(["--from", enc, "--skip=mojibake,pinyin"], data)
        check(f"--from {enc}: whole-input decoding", r.returncode == 0 and r.stdout.decode() == want,
              (r.stdout[:80], r.stderr[-200:]))


def test_wide_input_then_another():
    """The statistics keep the name of a UTF-16 input's encoding after its converter is gone: a
    second input on the same context once read freed memory there (the sanitizer run sees it)."""
    fixtures = os.path.join(SOURCE, "fixtures", "detect")
    r = subprocess.run([FIXTEXT, "--stats", os.path.join(fixtures, "utf16le_bom.txt"), SEED],
                       capture_output=True, timeout=120)
    check("UTF-16 input then UTF-8: exit 0", r.returncode == 0, r.stderr[-300:])
    check("UTF-16 input then UTF-8: both counted", b"UTF-16LE" in r.stderr and b"UTF-8" in r.stderr,
          r.stderr[-300:])


def test_linear_time():
    linear("pinyin after a run of '?'", ["--window", "16M"],
           lambda n: ("中" + "?" * n + "(de)" * (n // 4) + "\n").encode(), 64000)
    linear("lone-CR lines", [], lambda n: ("短行\r" * n).encode(), 200000)
    # lone CRs once cost a search of the whole read buffer per line: a constant factor (17x),
    # so compare with the same lines ended by LF
    n = int(2_000_000 * SCALE)
    cr = min(child_seconds(["-q"], ("短行\r" * n).encode())[1] for _ in range(3))
    lf = min(child_seconds(["-q"], ("短行\n" * n).encode())[1] for _ in range(3))
    check(f"lone-CR lines cost what LF lines cost ({cr / max(lf, 1e-3):.1f}x)", cr < 3 * lf + 0.05, (cr, lf))
    linear("shifted runs", ["--window", "16M"], lambda n: ("?\u7d6d\u9a3f" * (n // 3) + "\n").encode(), 30000)
    linear("one long mojibake line", ["--window", "64M"], lambda n: ("cafÃ© " * (n // 6)).encode(), 600000)
    linear("many short mojibake lines", [], lambda n: ("cafÃ©\n" * (n // 6)).encode(), 600000)


def peak_rss_kb(args, data):
    path = tempfile.mktemp()
    open(path, "wb").write(data)
    try:
        r = subprocess.run(["/usr/bin/time", "-f", "%M", FIXTEXT, "-q"] + args + [path],
                           capture_output=True, timeout=600)
        return int(r.stderr.split()[-1])
    finally:
        os.unlink(path)


def test_memory_per_window():
    """The man page's bound: about 6 bytes per byte of the window (the longest line held at once)
    plus a constant. Checked as the growth between a 2 MB and an 8 MB line."""
    if not os.path.exists("/usr/bin/time") or os.environ.get("ASAN_OPTIONS"):
        print("memory bound: skipped (no GNU time, or a sanitizer build)")
        return
    for name, unit in (("mojibake", "cafÃ© "), ("Han", "網絡強國建設"), ("pinyin", "網(wǎng)")):
        small = peak_rss_kb(["--window", "64M"], (unit * (2_000_000 // len(unit.encode()))).encode())
        large = peak_rss_kb(["--window", "64M"], (unit * (8_000_000 // len(unit.encode()))).encode())
        per_byte = (large - small) * 1024 / 6_000_000
        check(f"memory per window byte, {name} line: {per_byte:.1f}", per_byte <= 6, (small, large))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_invariants(tmp)
    test_binary_and_nul_inputs()
    test_shifted_run_stack_overflow()
    test_entities_never_add_a_line()
    test_utf16_without_bom()
    test_from_encodings_that_are_not_ascii_compatible()
    test_wide_input_then_another()
    test_linear_time()
    test_memory_per_window()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
