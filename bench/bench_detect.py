#!/usr/bin/env python3
"""Detection benchmark: per-line accuracy of fixtext on the development set (bench/gen_devset.py)
beside uchardet (one answer per file, and one answer per line), per-file detection on
single-encoding files, and throughput / peak memory on two 50 MB GB18030 files (prose, man pages)
and on clean UTF-8 Chinese beside iconv.

A line or file counts as right when its decoded text is, whatever name its encoding was given:
encodings that decode it identically (windows-1252 and ISO-8859-1 on text without 0x80-0x9F,
GB18030 and GBK, CP949 and EUC-KR, BIG5-HKSCS and BIG5 on their common codes) are one answer.

Usage: bench_detect.py [path/to/fixtext]     (default: build/fixtext)
Prints figures only; exits 0.
"""
import codecs
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
DEV = os.environ.get("DEVSET") or os.path.join(WORK, "devset")
# only detection and decoding: every repair stage off
FLAGS = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]

PY = {"BIG5": "big5hkscs", "BIG5-HKSCS": "big5hkscs", "SHIFT_JIS": "cp932", "EUC-KR": "cp949",
      "UHC": "cp949", "GB18030": "gb18030", "GB2312": "gb18030", "EUC-JP": "euc_jp",
      "ISO-2022-JP": "iso2022_jp", "MAC-CYRILLIC": "mac_cyrillic", "IBM866": "cp866",
      "IBM855": "cp855", "ASCII": "ascii", "UTF-8": "utf-8"}


def py_codec(name):
    name = name.strip().upper()
    if name in PY:
        return PY[name]
    m = re.match(r"WINDOWS-(\d+)$", name)
    if m:
        return "cp" + m.group(1)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_as(raw, name):
    c = py_codec(name) if name else None
    if not c:
        return None
    try:
        return raw.decode(c)
    except (UnicodeDecodeError, LookupError):
        return None


def non_ascii(raw):
    return any(b >= 0x80 or b == 0x1B for b in raw)


def uchardet_files(paths):
    """uchardet's answer for each path (one process for all)."""
    res = {}
    for i in range(0, len(paths), 500):
        chunk = paths[i:i + 500]
        out = subprocess.run(["uchardet"] + chunk, capture_output=True, text=True).stdout
        if len(chunk) == 1:
            res[chunk[0]] = out.strip()
            continue
        for line in out.splitlines():
            p, _, enc = line.rpartition(": ")
            res[p] = enc.strip()
    return res


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "fixtext")
    if not os.path.exists(os.path.join(DEV, "manifest.json")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_devset.py"), DEV], check=True)
    manifest = json.load(open(os.path.join(DEV, "manifest.json")))

    # ---- per-line accuracy on mixed files ----
    tot = collections.Counter()
    ok = collections.Counter()
    ok_file_u = collections.Counter()
    ok_line_u = collections.Counter()
    line_dir = tempfile.mkdtemp(prefix="lines", dir=WORK)
    line_jobs = []  # (path, raw, expected, truth)
    errors = collections.Counter()
    t0 = time.time()
    files = [os.path.join(DEV, f) for f in manifest["mixed"]]
    file_answers = uchardet_files(files)
    for path in files:
        raws = open(path, "rb").read().split(b"\n")[:-1]
        exp = open(path + ".expected", encoding="utf-8").read().split("\n")[:-1]
        truth = open(path + ".truth").read().split()
        got = subprocess.run([exe] + FLAGS + [path], capture_output=True).stdout
        got = got.decode("utf-8", "replace").split("\n")[:-1]
        whole = file_answers.get(path, "")
        for i, (raw, e, t) in enumerate(zip(raws, exp, truth)):
            if not non_ascii(raw):
                continue
            tot[t] += 1
            if i < len(got) and got[i] == e:
                ok[t] += 1
            else:
                errors[t] += 1
            if decode_as(raw, whole) == e:
                ok_file_u[t] += 1
            lp = os.path.join(line_dir, "%d" % len(line_jobs))
            with open(lp, "wb") as f:
                f.write(raw + b"\n")
            line_jobs.append((lp, raw, e, t))
    answers = uchardet_files([j[0] for j in line_jobs])
    for lp, raw, e, t in line_jobs:
        if decode_as(raw, answers.get(lp, "")) == e:
            ok_line_u[t] += 1
        os.unlink(lp)
    os.rmdir(line_dir)
    n = sum(tot.values())
    print("== per-line accuracy on non-ASCII lines of %d mixed files (%d lines, blocks of 1-30 lines)"
          % (len(files), n))
    print("%-14s %6s %9s %16s %16s" % ("encoding", "lines", "fixtext", "uchardet/file", "uchardet/line"))
    for t in sorted(tot):
        print("%-14s %6d %8.1f%% %15.1f%% %15.1f%%" % (t, tot[t], 100.0 * ok[t] / tot[t],
              100.0 * ok_file_u[t] / tot[t], 100.0 * ok_line_u[t] / tot[t]))
    print("%-14s %6d %8.2f%% %15.1f%% %15.1f%%" % ("ALL", n, 100.0 * sum(ok.values()) / n,
          100.0 * sum(ok_file_u.values()) / n, 100.0 * sum(ok_line_u.values()) / n))
    print("fixtext: %d/%d lines decoded exactly" % (sum(ok.values()), n))

    # ---- bleed: valid UTF-8 lines between legacy-encoded blocks ----
    if manifest.get("bleed"):
        b_tot, b_ok = collections.Counter(), collections.Counter()
        l_tot = l_ok = 0
        wrong = []
        for name in manifest["bleed"]:
            path = os.path.join(DEV, name)
            raws = open(path, "rb").read().split(b"\n")[:-1]
            exp = open(path + ".expected", encoding="utf-8").read().split("\n")[:-1]
            kinds = open(path + ".kind").read().split()
            got = subprocess.run([exe] + FLAGS + [path], capture_output=True).stdout
            got = got.decode("utf-8", "replace").split("\n")[:-1]
            for i, (raw, e, k) in enumerate(zip(raws, exp, kinds)):
                if not non_ascii(raw):
                    continue
                good = i < len(got) and got[i] == e
                if k == "-":
                    l_tot += 1
                    l_ok += good
                    continue
                b_tot[k] += 1
                b_ok[k] += good
                if not good and len(wrong) < 10:
                    wrong.append("%s:%d %s %r" % (name, i + 1, k, e[:60]))
        nb = sum(b_tot.values())
        print("\n== bleed: valid UTF-8 lines between legacy-encoded blocks (%d files)" % len(manifest["bleed"]))
        for k in sorted(b_tot):
            print("%-14s %6d lines, %d read as another encoding" % (k, b_tot[k], b_tot[k] - b_ok[k]))
        print("%-14s %6d lines, %d read as another encoding; legacy neighbours %d/%d (%.2f%%) exact"
              % ("ALL", nb, nb - sum(b_ok.values()), l_ok, l_tot, 100.0 * l_ok / max(1, l_tot)))
        for w in wrong:
            print("  wrong:", w)

    # ---- per-file detection on single-encoding files ----
    singles = manifest["single"]
    spaths = [os.path.join(DEV, s["file"]) for s in singles]
    sans = uchardet_files(spaths)
    f_ok = u_ok = 0
    f_lines = f_lines_ok = 0
    misses = []
    for s, path in zip(singles, spaths):
        raw = open(path, "rb").read()
        exp = open(path + ".expected", encoding="utf-8").read()
        got = subprocess.run([exe] + FLAGS + [path], capture_output=True).stdout.decode("utf-8", "replace")
        if got == exp:
            f_ok += 1
        else:
            misses.append(s["file"])
        if decode_as(raw, sans.get(path, "")) == exp:
            u_ok += 1
        for g, e, r in zip(got.split("\n"), exp.split("\n"), raw.split(b"\n")):
            if non_ascii(r):
                f_lines += 1
                f_lines_ok += g == e
    print("\n== single-encoding files (%d files, 40 lines each): whole file decoded exactly" % len(singles))
    print("fixtext  %d/%d files (%.1f%%); %.2f%% of their non-ASCII lines" %
          (f_ok, len(singles), 100.0 * f_ok / len(singles), 100.0 * f_lines_ok / max(1, f_lines)))
    print("uchardet %d/%d files (%.1f%%)" % (u_ok, len(singles), 100.0 * u_ok / len(singles)))
    if misses:
        print("fixtext misses:", " ".join(misses))

    # ---- throughput ----
    if os.environ.get("BENCH_QUICK"):
        return
    gb = os.path.join(WORK, "gb18030_50M.txt")
    prose = os.path.join(WORK, "gb18030_prose_50M.txt")
    utf = os.path.join(WORK, "utf8_zh_50M.txt")
    if not os.path.exists(gb):
        # 50 MB of real Simplified Chinese text (Debian's Chinese man pages), as GB18030
        src = subprocess.run("for f in $(find /usr/share/man/zh_CN -type f | sort); do zcat -f $f; done",
                             shell=True, capture_output=True).stdout
        text = src.decode("utf-8", "replace").encode("gb18030", "replace")
        reps = 50 * 1024 * 1024 // len(text) + 1
        open(gb, "wb").write((text * reps)[:50 * 1024 * 1024])
        # UTF-8 cut at a line boundary
        u = (text * reps)[:50 * 1024 * 1024].decode("gb18030", "replace").encode("utf-8")
        open(utf, "wb").write(u[:u.rfind(b"\n") + 1])
    if not os.path.exists(prose):
        # 50 MB of Chinese prose (the seeds without annotations, 002 and 004), as GB18030
        text = b"".join(open(os.path.join(ROOT, "fixtures", "seeds", n), "rb").read() for n in
                        ("002_acdd70bc26a88983.txt", "004_ecb655ede9af396d.txt"))
        text = text.decode("utf-8").encode("gb18030")
        with open(prose + ".tmp", "wb") as f:  # (whole or not at all: renamed when written)
            f.write(text * (50 * 1024 * 1024 // len(text) + 1))
        os.replace(prose + ".tmp", prose)

    def timed(cmd, path, reps):
        """best wall time (perf_counter: GNU time counts in 10 ms steps) and peak RSS (GNU time)"""
        best, mem = None, 0
        for _ in range(reps):
            with open(path, "rb") as f, open(os.devnull, "wb") as null:
                t = time.perf_counter()
                r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdin=f, stdout=null,
                                   stderr=subprocess.PIPE, text=True)
                sec = time.perf_counter() - t
            if r.returncode != 0 and cmd[0] != "iconv":  # (iconv: 1 on the file's cut end)
                sys.exit("%s exited with %d on %s: %s" % (cmd[0], r.returncode, path, r.stderr[-300:]))
            kb = int(r.stderr.strip().splitlines()[-1].split()[-1])
            best = sec if best is None else min(best, sec)
            mem = max(mem, kb)
        return best, mem

    def table(path, rows, reps=5):
        mbs = os.path.getsize(path) / 1e6
        base = None
        for label, cmd in rows:
            sec, kb = timed(cmd, path, reps)
            base = base or sec
            print("%-46s %6.3f s %7.1f MB/s  %5.2fx iconv  peak %6.1f MB" %
                  (label, sec, mbs / sec, base / sec, kb / 1024))

    off = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]
    print("\n== throughput, best of 5 runs (load average %s; 2 cores)" %
          " ".join(open("/proc/loadavg").read().split()[:3]))
    for path, what in ((prose, "Chinese prose from the seeds, lines of 142 bytes on average"),
                       (gb, "Debian's Chinese man pages, lines of 29 bytes on average")):
        print("-- %.0f MB of GB18030: %s" % (os.path.getsize(path) / 1e6, what))
        table(path, [("iconv -f GB18030 -t UTF-8", ["iconv", "-f", "GB18030", "-t", "UTF-8"]),
                     ("fixtext (default: detection and every repair)", [exe, "-q"]),
                     ("fixtext -j2 (default)", [exe, "-q", "-j2"]),
                     ("fixtext (detection and decoding; repairs off)", [exe] + off),
                     ("fixtext -j2 (repairs off)", [exe, "-j2"] + off),
                     ("fixtext --from GB18030 (no detection)", [exe, "--from", "GB18030"] + off)])
    print("-- %.0f MB of clean UTF-8 Chinese (the man pages)" % (os.path.getsize(utf) / 1e6))
    table(utf, [("iconv -f UTF-8 -t UTF-8", ["iconv", "-f", "UTF-8", "-t", "UTF-8"]),
                ("fixtext (default: detection and every repair)", [exe]),
                ("fixtext (detection; repairs off)", [exe] + off),
                ("fixtext --no-detect (repairs off)", [exe, "--no-detect"] + off)])
    print("(benchmark ran in %.0f s)" % (time.time() - t0))


if __name__ == "__main__":
    main()
