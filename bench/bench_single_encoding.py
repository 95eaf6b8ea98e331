#!/usr/bin/env python3
"""Single-encoding real text: each real source (bench/real_corpus.py) saved in a legacy CJK
encoding with Python's codec, every line it can encode once, decoded by fixtext with the repairs
off (detection alone decides), and by uchardet + iconv on the whole file beside it. Prints, per
file, the lines that do not come back exactly, and per million.

Lines that are not CJK text at all (ASCII) count too: they come back unless something is badly
wrong. A line a codec cannot encode is left out of that file; a line is right when it comes back
as the codec decodes its bytes (where a codec does not round-trip, as CP932's wave dash).

Usage: bench_single_encoding.py [FIXTEXT_BINARY] [--show]"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import real_corpus  # noqa: E402

PLAIN = ["--no-mojibake", "--no-shifted", "--no-c1", "--keep-entities", "--keep-pinyin", "-q"]

# (source, Python codec, iconv name): long prose, short lines, man pages, UI strings
FILES = [
    ("poetry-zh", "gb18030", "GB18030"),
    ("reference-zh-cn", "gb18030", "GB18030"),
    ("man-zh_CN", "gb18030", "GB18030"),
    ("reference-zh-tw", "big5", "BIG5"),
    ("man-zh_TW", "big5", "BIG5"),
    ("reference-ja", "euc_jp", "EUC-JP"),
    ("man-ja", "euc_jp", "EUC-JP"),
    ("reference-ja", "cp932", "CP932"),
    ("man-ko", "cp949", "CP949"),
]


def uchardet_lines(path, n):
    """What uchardet + iconv make of the whole file, as lines (None: no answer)."""
    r = subprocess.run(["uchardet", path], capture_output=True, text=True)
    enc = r.stdout.strip()
    if r.returncode or not enc or enc.lower() in ("unknown", "ascii"):
        return None, enc or "none"
    r = subprocess.run(["iconv", "-f", enc, "-t", "UTF-8", path], capture_output=True)
    return r.stdout.decode("utf-8", "replace").split("\n")[:n], enc


def encodable(texts, codec):
    """The texts the codec can encode, as its bytes decode (CP932 writes 〜, U+301C, as 81 60,
    which is ～, U+FF5E), and those bytes."""
    lines, raw = [], []
    for line in texts:
        try:
            b = line.encode(codec)
        except UnicodeEncodeError:
            continue
        raw.append(b)
        lines.append(b.decode(codec))
    return lines, raw


def best_time(cmd):
    best = 1e9
    for _ in range(int(os.environ.get("RUNS", "3"))):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--show" in sys.argv
    exe = args[0] if args else os.path.join(HERE, "..", "build", "fixtext")
    print("%-16s %-8s %8s %10s %10s %18s %22s" % ("source", "encoding", "lines", "fixtext", "per M",
                                                 "uchardet + iconv", "MB/s fixtext / iconv"))
    total = wrong_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source, codec, iconv_name in FILES:
            lines, raw = encodable(real_corpus.lines([source]), codec)
            if not lines:
                print("%-16s %-8s not installed" % (source, codec))
                continue
            path = os.path.join(tmp, "in.txt")
            with open(path, "wb") as f:
                f.write(b"\n".join(raw) + b"\n")
            got = subprocess.run([exe] + PLAIN + [path], capture_output=True).stdout
            got = got.decode("utf-8", "replace").split("\n")[:len(lines)]
            wrong = [(w, g) for w, g in zip(lines, got) if w != g]
            wrong += [(w, "") for w in lines[len(got):]]
            peer, enc = uchardet_lines(path, len(lines))
            peer_wrong = len(lines) if peer is None else sum(w != g for w, g in zip(lines, peer))
            mb = os.path.getsize(path) / 1e6
            ours = mb / best_time([exe] + PLAIN + [path])
            theirs = mb / best_time(["iconv", "-f", iconv_name, "-t", "UTF-8", path])
            print("%-16s %-8s %8d %10d %10.0f %10d (%s) %8.1f / %.1f (%.2fx)" % (
                source, iconv_name, len(lines), len(wrong), 1e6 * len(wrong) / len(lines),
                peer_wrong, enc, ours, theirs, ours / theirs))
            if show:
                for w, g in wrong[:10]:
                    print("    %r\n    -> %r" % (w[:100], g[:100]))
            total += len(lines)
            wrong_total += len(wrong)
    if total:
        print("%-16s %-8s %8d %10d %10.0f" % ("all", "", total, wrong_total,
                                              1e6 * wrong_total / total))


if __name__ == "__main__":
    main()
