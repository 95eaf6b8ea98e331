#!/usr/bin/env python3
"""End-to-end tests of what corpus pipelines need from the fixtext command: compressed input and
output (gzip, xz, zstd, bzip2), the binary-file policy, --stats=json, SIGUSR1's totals, the
progress line, and a quiet end when the reader of the output goes away.
Usage: e2e_corpus.py FIXTEXT_BINARY"""
import bz2
import gzip
import io
import itertools
import json
import lzma
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile

from e2e_common import check, finish, run_in_pieces

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")
SEEDS = os.path.join(FIXTURES, "seeds")
ZSTD = shutil.which("zstd")


def run(args, stdin=b"", **kw):
    return subprocess.run([FIXTEXT] + args, input=stdin, capture_output=True, timeout=300, **kw)


def seeds():
    """The crawled seeds, one after another: mixed encodings, pinyin, terminators of each kind."""
    return b"".join(open(os.path.join(SEEDS, f), "rb").read() for f in sorted(os.listdir(SEEDS)))


def zstd_compress(data):
    return subprocess.run([ZSTD, "-q", "-c"], input=data, capture_output=True, check=True).stdout


def zstd_decompress(data):
    return subprocess.run([ZSTD, "-q", "-d", "-c"], input=data, capture_output=True, check=True).stdout


# name -> (suffix, compress, decompress); zstd only when the zstd command is there
CODECS = {
    "gzip": (".gz", gzip.compress, gzip.decompress),
    "xz": (".xz", lzma.compress, lzma.decompress),
    "bzip2": (".bz2", bz2.compress, bz2.decompress),
}
if ZSTD:
    CODECS["zstd"] = (".zst", zstd_compress, zstd_decompress)
else:
    print("note: no zstd command; zstd input and output are not exercised")


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    open(path, "wb").write(data)
    return path


# ---- compressed input and output ----

def test_compressed_inputs(tmp):
    """Every format reads as its plain bytes, as a file (recognised by its bytes, whatever its
    name) and on standard input."""
    data = seeds()
    want = run([], data).stdout
    for name, (suffix, compress, _) in CODECS.items():
        packed = compress(data)
        r = run([write(tmp, "in" + suffix, packed)])
        check(f"{name} file", r.returncode == 0 and r.stdout == want, r.stderr)
        r = run([write(tmp, f"{name}-misnamed.txt", packed)])
        check(f"{name} recognised by its bytes, not its name", r.stdout == want, r.stderr)
        r = run([], packed)
        check(f"{name} standard input", r.returncode == 0 and r.stdout == want, r.stderr)
        r = run(["--stats"], compress(b""))
        check(f"{name} empty stream", r.returncode == 0 and r.stdout == b"" and
              b"lines read: 0" in r.stderr, r.stderr)
    # a plain file that merely starts like a magic stays plain
    for text in (b"BZh9 is how bzip2 files start\n", b"BZh", b"(\xb5/\n", b"\xfd7zX\n"):
        r = run([], text)
        check(f"plain {text[:6]!r} stays plain", r.returncode == 0 and b"corrupt" not in r.stderr,
              r.stderr)


def test_concatenated_streams(tmp):
    """gzip members, zstd frames, xz and bzip2 streams one after another read as one input."""
    a, b = seeds(), "第二部分 網絡\nend without newline".encode()
    want = run([], a + b).stdout
    for name, (suffix, compress, _) in CODECS.items():
        r = run([write(tmp, "multi" + suffix, compress(a) + compress(b) + compress(b""))])
        check(f"{name} concatenated streams", r.returncode == 0 and r.stdout == want, r.stderr)
    # a large multi-member gzip through standard input (members larger than any buffer)
    big = a * 40
    r = run([], gzip.compress(big) + gzip.compress(big))
    check("multi-member gzip, large", r.stdout == run([], big + big).stdout, r.stderr)


def test_corrupt_streams(tmp):
    """A damaged or cut stream: one message naming the file and the format, exit 2; the lines
    decoded before the damage are written, and the next file is still read."""
    data = b"".join(("網絡強國 line %d of a long text\n" % i).encode() for i in range(60000))
    want = run([], data).stdout
    other = write(tmp, "other.txt", b"next file\n")
    for name, (suffix, compress, _) in CODECS.items():
        packed = compress(data)
        cases = {"truncated": packed[:len(packed) * 2 // 3],
                 "damaged": packed[:len(packed) // 2] + bytes(64) + packed[len(packed) // 2 + 64:]}
        for how, broken in cases.items():
            path = write(tmp, f"{how}{suffix}", broken)
            r = run(["-q", path, other])  # (-q: garbage decoded before the damage may warn)
            check(f"{name} {how}: exit 2", r.returncode == 2, r.returncode)
            check(f"{name} {how}: message names the file", r.stderr.startswith(
                f"fixtext: {path}: corrupt {name} data".encode()) and r.stderr.count(b"\n") == 1,
                r.stderr)
            check(f"{name} {how}: next file read", r.stdout.endswith(b"next file\n"), r.stdout[-40:])
            got = r.stdout[:-len(b"next file\n")].split(b"\n")[:-1]  # (the last line may be cut)
            if how == "truncated":  # every line before the cut, exactly
                check(f"{name} truncated: lines before the cut written",
                      len(got) > 20000 and want.startswith(b"\n".join(got) + b"\n"), len(got))
            else:  # (what a codec decodes just before it sees the damage may be garbage)
                check(f"{name} damaged: lines before the damage written",
                      got[:10000] == want.split(b"\n")[:10000], len(got))
        out = os.path.join(tmp, "out" + suffix)
        r = run(["-o", out, os.path.join(tmp, "truncated" + suffix)])
        check(f"{name} truncated into -o: a complete {name} file", r.returncode == 2 and
              want.startswith(b"\n".join(CODECS[name][2](open(out, "rb").read()).split(b"\n")[:-1])),
              r.stderr)


def test_compressed_output(tmp):
    """-o NAME.gz, .xz, .zst, .bz2 writes that format; fixtext reads it back."""
    data = seeds()
    want = run([], data).stdout
    src = write(tmp, "src.txt", data)
    for name, (suffix, _, decompress) in CODECS.items():
        out = os.path.join(tmp, "out.jsonl" + suffix)
        r = run(["-o", out, src])
        packed = open(out, "rb").read()
        check(f"-o {suffix} exit", r.returncode == 0, r.stderr)
        check(f"-o {suffix} is {name}", packed != want and decompress(packed) == want)
        r = run([out])
        check(f"-o {suffix} read back", r.returncode == 0 and r.stdout == run([], want).stdout)
        r = run(["--detect=json", "-o", out, src])
        check(f"-o {suffix} --detect records compressed",
              all(json.loads(line)["line"] for line in decompress(open(out, "rb").read()).splitlines()))
    out = os.path.join(tmp, "lines.gz")
    p = subprocess.Popen([FIXTEXT, "--line-buffered", "-o", out], stdin=subprocess.PIPE)
    p.stdin.write("網絡 one\n".encode())
    p.stdin.flush()
    deadline = time.time() + 10
    seen = b""
    while time.time() < deadline and b"one" not in seen:
        time.sleep(0.05)
        seen = zlib_partial(open(out, "rb").read()) if os.path.exists(out) else b""
    check("--line-buffered -o .gz: a line is readable before the end", b"one" in seen, seen)
    p.stdin.close()
    p.wait(timeout=30)
    check("--line-buffered -o .gz: complete at the end", gzip.decompress(open(out, "rb").read()) ==
          "網絡 one\n".encode())


def zlib_partial(raw):
    """What a gzip stream that may not be finished decodes to so far."""
    import zlib
    try:
        return zlib.decompressobj(31).decompress(raw)
    except zlib.error:
        return b""


def test_in_place_compressed(tmp):
    """-i rewrites a compressed file compressed the same way."""
    data = b"bad \xff\n" + seeds()
    want = run([], data).stdout
    for name, (suffix, compress, decompress) in CODECS.items():
        path = write(tmp, "file" + suffix, compress(data))
        r = run(["-i.orig", path])
        check(f"-i {name} exit", r.returncode == 0, r.stderr)
        check(f"-i {name} same format", decompress(open(path, "rb").read()) == want)
        check(f"-i {name} backup", decompress(open(path + ".orig", "rb").read()) == data)
        broken = compress(data)
        path = write(tmp, "broken" + suffix, broken[:len(broken) // 2])
        r = run(["-i", path])
        check(f"-i corrupt {name}: refused, file untouched", r.returncode == 2 and
              open(path, "rb").read() == broken[:len(broken) // 2] and
              sorted(f for f in os.listdir(tmp) if f.startswith(".fixtext-")) == [], r.stderr)


# ---- binary files ----

def elf_header():
    return (b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00" + bytes(44)) + b"code\n" * 100


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "網絡\n" * 100)
    return buf.getvalue()


def tar_bytes():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("a.txt")
        body = "網絡\n".encode() * 100
        info.size = len(body)
        t.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def sqlite_bytes(tmp):
    path = os.path.join(tmp, "db.sqlite")
    con = sqlite3.connect(path)
    con.execute("create table t (x text)")
    con.execute("insert into t values ('網絡')")
    con.commit()
    con.close()
    return open(path, "rb").read()


def test_binary_files(tmp):
    """A binary file gets one message and is skipped (exit 2); the other files go on."""
    text = write(tmp, "text.txt", "網絡\n".encode())
    kinds = {"ELF header": elf_header(), "zip": zip_bytes(), "tar": tar_bytes(),
             "PNG": b"\x89PNG\r\n\x1a\n" + bytes(20) + b"IHDR\n",
             "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\n",
             "PDF": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
             "sqlite": sqlite_bytes(tmp),
             "DOS executable": b"MZ\x90\x00\x03" + bytes(59) + b"This program cannot be run\n",
             "NUL in text": b"plain text\n" * 100 + b"a\x00b\n",
             "control bytes": b"ab\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10\n" * 100,
             "gzip inside gzip": gzip.compress(gzip.compress(b"x\n"))}
    if os.path.exists("/usr/bin/ls"):
        kinds["/usr/bin/ls"] = open("/usr/bin/ls", "rb").read()
    for name, data in kinds.items():
        path = write(tmp, "binary.bin", data)
        r = run([path, text])
        check(f"{name}: exit 2", r.returncode == 2, r.returncode)
        check(f"{name}: one message", r.stderr == f"fixtext: {path}: binary file skipped (use "
              "--binary=text to process it)\n".encode(), r.stderr[:300])
        check(f"{name}: skipped, the text file written", r.stdout == "網絡\n".encode(), r.stdout[:100])
        r = run(["--binary=text", "-q", path])
        check(f"{name}: --binary=text processes it", r.returncode == 0 and len(r.stdout) > 0,
              r.stderr[:200])
        r = run([], gzip.compress(data))
        check(f"{name}: judged after decompression", r.returncode == 2 and r.stdout == b"" and
              b"standard input: binary file skipped" in r.stderr, r.stderr[:200])
    r = run(["--check", write(tmp, "elf", elf_header())])
    check("--check on a binary file: exit 2", r.returncode == 2 and b"binary file skipped" in r.stderr)
    path = write(tmp, "elf", elf_header())
    r = run(["-i", path])
    check("-i on a binary file: untouched", r.returncode == 2 and open(path, "rb").read() == elf_header()
          and b"binary file skipped" in r.stderr, r.stderr)
    r = run(["--binary=maybe"], b"x\n")
    check("--binary bad value", r.returncode == 2 and b"invalid --binary action 'maybe'" in r.stderr,
          r.stderr)


def test_text_with_nuls_is_not_binary_when_wide(tmp):
    """UTF-16 and UTF-32 are full of NULs: the library decodes them, and they are text."""
    for name in ("utf16le_bom", "utf16be", "utf32le"):
        path = os.path.join(FIXTURES, "detect", name + ".txt")
        r = run([path])
        check(f"{name} not binary", r.returncode == 0 and r.stdout ==
              open(os.path.join(FIXTURES, "detect", name + ".expected"), "rb").read(), r.stderr[:200])
        r = run([], gzip.compress(open(path, "rb").read()))
        check(f"{name}.gz not binary", r.returncode == 0 and r.stderr == b"", r.stderr[:200])
    text = "héllo wörld 網絡\n".encode("utf-16-le") * 20  # no byte order mark
    r = run([], text)
    check("UTF-16LE without BOM not binary", r.returncode == 0 and
          r.stdout.decode() == "héllo wörld 網絡\n" * 20, r.stderr[:200])
    r = run(["--from", "UTF-16LE"], "網絡 text\n".encode("utf-16-le") * 10)
    check("--from UTF-16LE judged on the decoded text", r.returncode == 0 and
          r.stdout.decode() == "網絡 text\n" * 10, r.stderr)


def feed_in_pieces(args, data, piece):
    return run_in_pieces([FIXTEXT] + args, data, itertools.repeat(piece))


def test_binary_decision_on_the_first_64k():
    """The decision reads the first 64 KiB of plain bytes, however they arrive: a NUL inside them
    skips the file, a NUL after them does not, read whole or a few bytes at a time."""
    body = b"plain ascii text line\n"
    early = body * (60000 // len(body)) + b"\x00\n" + body * 1000
    late = body * (70000 // len(body)) + b"\x00\n" + body * 10
    for piece in (1 << 20, 4093, 7):
        for name, data, rc in (("NUL in the first 64 KiB", early, 2), ("NUL after 64 KiB", late, 0)):
            got = feed_in_pieces(["-q"], data, piece)
            check(f"{name}, pieces of {piece}: exit {rc}", got[0] == rc, got[2][:200])
        got = feed_in_pieces([], gzip.compress(early), piece)
        check(f"gzip'd NUL in the first 64 KiB, pieces of {piece}: skipped", got[0] == 2 and
              got[1] == b"", got[2][:200])


# ---- totals, progress, signals ----

def stats_text_numbers(err):
    """The numbers --stats prints, by the phrase before them."""
    text = err.decode()
    nums = {}
    m = re.search(r"lines read: (\d+), changed: (\d+); bytes in: (\d+), out: (\d+)", text)
    nums.update(lines=int(m[1]), lines_changed=int(m[2]), bytes_in=int(m[3]), bytes_out=int(m[4]))
    m = re.search(r"encodings:(.*)\n", text)
    nums["encodings"] = {k: int(v) for k, v in re.findall(r" (\S+) (\d+)", m[1])}
    for key, phrase in (("invalid_sequences", "invalid sequences replaced"),
                        ("replacement_chars", "U\\+FFFD in output"),
                        ("truncated_sequences", "truncated sequences"),
                        ("binary_lines", "binary lines"), ("boms_removed", "BOMs removed"),
                        ("pinyin_removed", "pinyin annotations removed"),
                        ("shifted_fixed", "shifted runs realigned")):
        nums[key] = int(re.search(phrase + r": (\d+)", text)[1])
    m = re.search(r"scripts: simplified (\d+), traditional (\d+), mixed (\d+), shared (\d+), none (\d+)",
                  text)
    nums["scripts"] = dict(zip(("simplified", "traditional", "mixed", "shared", "none"),
                               map(int, m.groups())))
    return nums


def test_stats_json(tmp):
    data = b"\xef\xbb\xbf" + seeds() + b"bad \xff\n"
    path = write(tmp, "in.txt", data)
    text = run(["--stats", path])
    r = run(["--stats=json", path])
    check("--stats=json exit", r.returncode == 0 and r.stdout == text.stdout, r.stderr)
    lines = r.stderr.decode().splitlines()
    check("--stats=json one line", len(lines) == 1, lines[:3])
    try:
        got = json.loads(lines[0])
    except (ValueError, IndexError) as e:
        check("--stats=json parses", False, e)
        return
    want = stats_text_numbers(text.stderr)
    for key, value in want.items():
        check(f"--stats=json {key}", got.get(key) == value, (got.get(key), value))
    check("--stats=json every stage counter", {"entities_decoded", "mojibake_spans", "c1_fixed",
          "shifted_fixed", "shifted_reported", "pinyin_removed", "converted_spans"} <= set(got))
    check("--stats=json stage lines by stage name", set(got.get("stage_lines", {})) ==
          {"entities", "mojibake", "c1", "shifted", "pinyin", "convert"}, got.get("stage_lines"))
    check("--stats=json files and bytes", got.get("files") == 1 and got.get("bytes_read") == len(data)
          and got.get("binary_files_skipped") == 0, got)
    r = run(["--stats=json", write(tmp, "elf", elf_header()), path])
    check("--stats=json counts binary files skipped",
          json.loads(r.stderr.decode().splitlines()[-1]).get("binary_files_skipped") == 1, r.stderr)
    r = run(["--stats=xml"], b"")
    check("--stats bad format", r.returncode == 2 and b"invalid --stats format 'xml'" in r.stderr)


def big_input():
    return seeds() * 160  # 14 MB


def test_sigusr1(tmp):
    """SIGUSR1 prints the totals so far and the run goes on to a complete output, exit 0."""
    data = big_input()
    want = run(["-q"], data).stdout
    for fmt in ("text", "json"):
        p = subprocess.Popen([FIXTEXT, "-q", f"--stats={fmt}"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = {}
        readers = [threading.Thread(target=lambda k=k, f=f: got.__setitem__(k, f.read()))
                   for k, f in (("out", p.stdout), ("err", p.stderr))]
        for t in readers:
            t.start()
        half = len(data) // 2
        p.stdin.write(data[:half])
        p.stdin.flush()
        time.sleep(1.0)  # it has read what it was given and waits for more
        p.send_signal(signal.SIGUSR1)
        time.sleep(0.2)
        p.stdin.write(data[half:])
        p.stdin.close()
        for t in readers:
            t.join()
        rc = p.wait()
        err = got["err"].decode()
        check(f"SIGUSR1 {fmt}: exit 0", rc == 0, (rc, err[-300:]))
        check(f"SIGUSR1 {fmt}: output complete", got["out"] == want, len(got["out"]))
        check(f"SIGUSR1 {fmt}: totals printed", re.search(r"fixtext: [\d.]+ MB read in [\d.]+ s, [\d.]+ MB/s\n",
                                                          err) is not None, err[:300])
        if fmt == "text":
            check("SIGUSR1 text: lines so far", err.count("fixtext: lines read:") == 2, err[:500])
        else:
            objs = [json.loads(l) for l in err.splitlines() if l.startswith("{")]
            check("SIGUSR1 json: totals so far, then the final ones", len(objs) == 2 and
                  0 < objs[0]["lines"] < objs[1]["lines"], [o.get("lines") for o in objs])


def test_quiet_sigpipe(tmp):
    """fixtext big | head -1: no message, the status of a process killed by SIGPIPE."""
    path = write(tmp, "big.txt", big_input())
    r = subprocess.run(["bash", "-c", f'"{FIXTEXT}" "$1" | head -1 >/dev/null; echo "${{PIPESTATUS[0]}}" >&2',
                        "sh", path], capture_output=True, timeout=120)
    check("| head -1: no message and status 141", r.stderr == b"141\n", r.stderr)
    open(path + ".gz", "wb").write(gzip.compress(big_input()))
    r = subprocess.run(["bash", "-c", f'"{FIXTEXT}" "$1" | head -c 10 >/dev/null; echo "${{PIPESTATUS[0]}}" >&2',
                        "sh", path + ".gz"], capture_output=True, timeout=120)
    check("gzip'd input | head: no message and status 141", r.stderr == b"141\n", r.stderr)
    with open("/dev/full", "wb") as full:
        r = subprocess.run([FIXTEXT, path], stdout=full, stderr=subprocess.PIPE, timeout=60)
    check("/dev/full still an error", r.returncode == 2 and b"No space left" in r.stderr, r.stderr)


def test_progress_on_a_pipe():
    """--progress draws on standard error even when it is not a terminal: '\\r' + the line +
    clear-to-end, at most four times a second, erased at the end."""
    data = big_input()
    p = subprocess.Popen([FIXTEXT, "--progress", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    got = {}
    readers = [threading.Thread(target=lambda k=k, f=f: got.__setitem__(k, f.read()))
               for k, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    step = len(data) // 6
    start = time.time()
    for i in range(0, len(data), step):
        p.stdin.write(data[i:i + step])
        p.stdin.flush()
        time.sleep(0.35)
    p.stdin.close()
    for t in readers:
        t.join()
    elapsed = time.time() - start
    rc = p.wait()
    err = got["err"].decode()
    drawings = re.findall(r"\rfixtext: ([\d.]+) MB, (\d+) lines, ([\d.]+) MB/s\x1b\[K", err)
    check("--progress exit", rc == 0 and got["out"] == run([], data).stdout, err[-200:])
    check("--progress drawn", len(drawings) >= 2, repr(err[:300]))
    check("--progress at most 4 a second", len(drawings) <= 4 * elapsed + 1, (len(drawings), elapsed))
    check("--progress counts grow", [float(d[0]) for d in drawings] == sorted(float(d[0]) for d in drawings))
    check("--progress erased at the end", err.endswith("\r\x1b[K"), repr(err[-40:]))
    check("--progress nothing else", re.sub(r"\rfixtext: [^\r]*\x1b\[K", "", err) == "\r\x1b[K",
          repr(err[:200]))
    r = run(["--no-progress"], data[:1000])
    check("--no-progress", r.returncode == 0 and r.stderr == b"", r.stderr)


def test_progress_with_known_size(tmp):
    """For regular files the total is known: the share and an ETA are shown."""
    # (a drawing comes after a quarter of a second: 1,000 copies of the seeds, 22 MB, take about
    # a second with every repair and the conversion on one thread)
    path = write(tmp, "trad.txt", seeds() * 1000)
    r = run(["--progress", "--to", "simplified", "-j", "1", "-q", path])
    err = r.stderr.decode()
    drawings = re.findall(r"\rfixtext: [\d.]+ MB of [\d.]+ MB \(\d+%\), \d+ lines, [\d.]+ MB/s, "
                          r"ETA \d+:\d\d\x1b\[K", err)
    check("--progress with a total: share and ETA", r.returncode == 0 and len(drawings) >= 1 and
          err.endswith("\r\x1b[K"), repr(err[:300]))


def main():
    for t in (test_compressed_inputs, test_concatenated_streams, test_corrupt_streams,
              test_compressed_output, test_in_place_compressed, test_binary_files,
              test_text_with_nuls_is_not_binary_when_wide, test_stats_json, test_sigusr1,
              test_quiet_sigpipe, test_progress_with_known_size):
        with tempfile.TemporaryDirectory() as tmp:
            t(tmp) if t.__code__.co_argcount else t()
    test_binary_decision_on_the_first_64k()
    test_progress_on_a_pipe()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
