#!/usr/bin/env python3
"""End-to-end test of the many-machines recipe (README.md "Many machines", doc/CORPUS.md): GNU
parallel running fixtext one job per shard in order (-k), over blocks of one big file
(--pipepart --block, cut at line ends), and through --sshlogin (here ':' and '1/:', this machine
without ssh). What parallel writes must be, byte for byte, fixtext run on each shard or block on
its own: the same shard gives the same bytes wherever it runs.
Skipped (exit 77) when GNU parallel is not installed. Usage: e2e_parallel.py FIXTEXT_BINARY"""
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

from e2e_common import check, finish

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")
PARALLEL = shutil.which("parallel")


def fixture_lines():
    """Lines of the mixed-encoding detection fixtures (not UTF-16/32, not the one with a NUL) and
    of the seeds: GBK, Big5, Shift_JIS, UTF-8, mojibake and pinyin side by side."""
    detect = os.path.join(FIXTURES, "detect")
    paths = [os.path.join(detect, f) for f in sorted(os.listdir(detect))
             if f.endswith(".txt") and not f.startswith(("utf16", "utf32", "damaged"))]
    seeds = os.path.join(FIXTURES, "seeds")
    paths += [os.path.join(seeds, f) for f in sorted(os.listdir(seeds))]
    lines = []
    for p in paths:
        lines += open(p, "rb").read().splitlines(keepends=True)
    return lines


def mixed(seed, nlines):
    rng = random.Random(seed)
    pool = fixture_lines()
    out = []
    while len(out) < nlines:
        start = rng.randrange(len(pool))
        out += pool[start:start + rng.randint(1, 40)]
    return b"".join(line if line.endswith(b"\n") else line + b"\n" for line in out[:nlines])


def parallel(args, tmp, **kw):
    """GNU parallel with a HOME of its own (it keeps state in ~/.parallel) and no citation
    notice."""
    env = dict(os.environ, HOME=tmp)
    return subprocess.run([PARALLEL, "--will-cite"] + args, capture_output=True, timeout=600, env=env,
                          **kw)


def fixtext(args):
    return subprocess.run([FIXTEXT] + args, capture_output=True, timeout=300).stdout


def make_shards(tmp):
    """Five shards of mixed encodings, two of them gzip'd (compressed shards are read as such)."""
    shards = []
    for i in range(5):
        data = mixed(i, 1500 + 700 * i)
        name = os.path.join(tmp, f"shard{i}.txt")
        if i % 2:
            name += ".gz"
            data = gzip.compress(data)
        open(name, "wb").write(data)
        shards.append(name)
    return shards


# Stands in for ssh: drops ssh's options and the host name and runs the command here, so that
# parallel's remote path (the command quoted and wrapped for a remote shell) is exercised without a
# network. (--transferfile and --return need rsync, which the recipe documents but this does not
# run.) sshd gives the remote command the user's login shell in SHELL, and parallel's remote
# wrapper execs $SHELL, so the stand-in sets it too: without it (CI runs with no SHELL) the remote
# job dies silently and parallel still exits 0.
FAKE_SSH = """#!/bin/sh
SHELL=/bin/sh
export SHELL
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p|-o|-i) shift 2;;
    -*) shift;;
    *) shift; break;;
  esac
done
[ "$1" = "--" ] && shift
exec sh -c "$*"
"""


def test_one_job_per_shard(tmp):
    shards = make_shards(tmp)
    want = b"".join(fixtext([s]) for s in shards)
    fake_ssh = os.path.join(tmp, "fake-ssh")
    open(fake_ssh, "w").write(FAKE_SSH)
    os.chmod(fake_ssh, 0o755)
    for how, extra in (("-k -j 2", ["-j", "2"]), ("--sshlogin :", ["--sshlogin", ":"]),
                       ("-S 1/:", ["-S", "1/:"]),
                       ("-S 2/otherhost through ssh", ["--ssh", fake_ssh, "-S", "2/otherhost"])):
        r = parallel(["-k"] + extra + [FIXTEXT, ":::"] + shards, tmp)
        check(f"shards {how}: exit 0", r.returncode == 0, r.stderr[-300:])
        check(f"shards {how}: output is fixtext per shard, in order", r.stdout == want,
              (len(r.stdout), len(want)))
    # one output file per shard, compressed; totals checked from each job's --stats=json
    out = os.path.join(tmp, "clean")
    os.mkdir(out)
    r = parallel(["-j", "2", FIXTEXT + " --stats=json -o " + out + "/{/.}.zst {} 2> " + out +
                  "/{/.}.stats.json", ":::"] + shards, tmp)
    check("shards to .zst files: exit 0", r.returncode == 0, r.stderr[-300:])
    total = 0
    for s in shards:
        base = os.path.join(out, os.path.basename(s).rsplit(".", 1)[0])
        stats = json.loads(open(base + ".stats.json").read())
        got = subprocess.run(["zstd", "-q", "-d", "-c", base + ".zst"], capture_output=True).stdout \
            if shutil.which("zstd") else fixtext([base + ".zst"])
        check(f"{os.path.basename(s)} .zst is fixtext's output", got == fixtext([s]))
        total += stats["lines"]
    data = b"".join(gzip.decompress(open(s, "rb").read()) if s.endswith(".gz") else
                    open(s, "rb").read() for s in shards)
    check("--stats=json lines add up to the input's", total == data.count(b"\n"), (total, data.count(b"\n")))
    # a failed shard shows in parallel's exit status (the number of failed jobs) and its job log
    bad = os.path.join(tmp, "bad.gz")
    open(bad, "wb").write(gzip.compress(mixed(9, 3000))[:2000])
    log = os.path.join(tmp, "jobs.log")
    r = parallel(["--joblog", log, FIXTEXT + " -o /dev/null {}", ":::"] + shards + [bad], tmp)
    rows = [line.split("\t") for line in open(log).read().splitlines()[1:]]
    failed = [row[-1] for row in rows if row[6] != "0"]
    check("a corrupt shard: parallel exits 1", r.returncode == 1, r.returncode)
    check("a corrupt shard: the job log names it, exit 2", failed == [FIXTEXT + " -o /dev/null " + bad] and
          [row[6] for row in rows if row[6] != "0"] == ["2"], failed)


def test_pipepart_blocks(tmp):
    """One big file in blocks: --pipepart cuts at line ends (--recend '\\n'); each block is run
    by a fixtext reading standard input. The output is fixtext on each block, in order."""
    data = mixed(42, 40000)
    big = os.path.join(tmp, "big.txt")
    open(big, "wb").write(data)
    common = ["--pipepart", "-a", big, "--block", "256k", "--recend", "\\n", "-k"]
    blocks_dir = os.path.join(tmp, "blocks")
    os.mkdir(blocks_dir)
    r = parallel(common + ["cat > " + blocks_dir + "/{#}"], tmp)
    blocks = [open(os.path.join(blocks_dir, str(n)), "rb").read()
              for n in sorted(int(f) for f in os.listdir(blocks_dir))]
    check("blocks: several", r.returncode == 0 and len(blocks) >= 4, (r.stderr[-200:], len(blocks)))
    check("blocks: together the file", b"".join(blocks) == data)
    check("blocks: cut at line ends", all(b.endswith(b"\n") for b in blocks))
    want = b"".join(subprocess.run([FIXTEXT], input=b, capture_output=True).stdout for b in blocks)
    for jobs in ("1", "2"):
        r = parallel(common + ["-j", jobs, FIXTEXT], tmp)
        check(f"--pipepart -j {jobs}: exit 0", r.returncode == 0, r.stderr[-300:])
        check(f"--pipepart -j {jobs}: fixtext per block, in order", r.stdout == want,
              (len(r.stdout), len(want)))
    whole = fixtext([big])
    check("--pipepart: same line count as one run", whole.count(b"\n") == want.count(b"\n"))


def main():
    if not PARALLEL:
        print("SKIP: GNU parallel is not installed (Debian package 'parallel'); the many-machines "
              "recipe is not exercised")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        test_one_job_per_shard(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        test_pipepart_blocks(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
