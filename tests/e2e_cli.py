#!/usr/bin/env python3
"""End-to-end tests of the fixtext command: GNU conventions, error paths, -o, -i, --check,
write errors, closed pipes, standard input, editor filtering. Usage: e2e_cli.py FIXTEXT_BINARY"""
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

from e2e_common import check, finish

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), ".."))
SEEDS = os.path.join(SOURCE, "fixtures", "seeds")


def run(args, stdin=b"", **kw):
    return subprocess.run([FIXTEXT] + args, input=stdin, capture_output=True, timeout=120, **kw)


def seed(name):
    for f in sorted(os.listdir(SEEDS)):
        if f.startswith(name):
            return os.path.join(SEEDS, f)
    raise FileNotFoundError(name)


def as_nobody():
    """preexec_fn dropping root, so permission errors happen even in a root CI."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)


def test_help_and_version():
    r = run(["--help"])
    check("help exit", r.returncode == 0, r.returncode)
    check("help text", b"Usage: fixtext [OPTION]... [FILE]..." in r.stdout)
    r = run(["--version"])
    check("version", r.returncode == 0 and r.stdout.startswith(b"fixtext "), r.stdout)
    r = run(["--no-such-option"])
    check("unknown option exit 2", r.returncode == 2, r.returncode)
    check("unknown option message", b"unrecognized option '--no-such-option'" in r.stderr, r.stderr)
    check("unknown option nothing on stdout", r.stdout == b"")
    r = run(["--from", "NOT-AN-ENCODING"])
    check("unknown encoding", r.returncode == 2 and b"NOT-AN-ENCODING" in r.stderr, r.stderr)


def test_option_argument_messages():
    """A missing argument names the option as GNU getopt does (the letter, not a stray byte)."""
    r = run(["-o"])
    check("missing argument short", r.returncode == 2 and
          r.stderr.startswith(b"fixtext: option requires an argument -- 'o'\n"), r.stderr)
    r = run(["-qj"])
    check("missing argument grouped", b"option requires an argument -- 'j'\n" in r.stderr, r.stderr)
    r = run(["--output"])
    check("missing argument long", r.returncode == 2 and
          b"fixtext: option '--output' requires an argument\n" in r.stderr, r.stderr)
    r = run(["--quiet=1"])
    check("argument not allowed long", r.returncode == 2 and
          b"option '--quiet' doesn't allow an argument" in r.stderr, r.stderr)
    r = run(["-Z"])
    check("invalid short option", b"invalid option -- 'Z'\n" in r.stderr, r.stderr)


def test_window_sizes():
    """--window takes the K, M and G suffixes its message names, up to 1G, and no wrapped values."""
    for size in ("64", "4K", "4k", "1M", "1G", "1048576K"):
        r = run(["--window", size], b"x\n")
        check(f"window {size} accepted", r.returncode == 0 and r.stdout == b"x\n", r.stderr)
    for size in ("63", "0", "2G", "1025M", "18014398509481985K", "18446744073709551616", " 64",
                 "-1", "4KB", "K"):
        r = run(["--window", size], b"x\n")
        check(f"window {size!r} refused", r.returncode == 2 and r.stdout == b"" and
              f"invalid window size '{size}' (64 to 1G bytes".encode() in r.stderr, r.stderr)
    r = run(["-j", " -18446744073709551615"], b"x\n")
    check("jobs negative wrap refused", r.returncode == 2 and b"(1 to 64)" in r.stderr, r.stderr)


def test_stdin_and_dash():
    text = "網絡強國\r\nplain\n".encode()
    check("stdin", run([], text).stdout == text)
    check("dash", run(["-"], text).stdout == text)
    check("empty", run([], b"").stdout == b"")


def test_missing_file_others_still_processed(tmp):
    good = os.path.join(tmp, "good.txt")
    open(good, "wb").write(b"kept\n")
    r = run(["nosuch.txt", good])
    check("missing exit 2", r.returncode == 2, r.returncode)
    check("missing message", b"fixtext: nosuch.txt: No such file or directory" in r.stderr, r.stderr)
    check("other file still processed", r.stdout == b"kept\n", r.stdout)
    r = run([tmp])
    check("directory", r.returncode == 2 and b"Is a directory" in r.stderr, r.stderr)


def test_unreadable_file(tmp):
    path = os.path.join(tmp, "secret.txt")
    open(path, "wb").write(b"x\n")
    os.chmod(path, 0)
    os.chmod(tmp, 0o755)
    r = subprocess.run([FIXTEXT, path], capture_output=True, preexec_fn=as_nobody, timeout=60)
    check("unreadable exit 2", r.returncode == 2, r.returncode)
    check("unreadable message", f"fixtext: {path}: Permission denied".encode() in r.stderr, r.stderr)


def test_output_file(tmp):
    out = os.path.join(tmp, "out.txt")
    r = run(["-o", out, seed("002")])
    check("-o exit", r.returncode == 0, r.stderr)
    check("-o content", open(out, "rb").read() == open(seed("002"), "rb").read())
    r = run(["-o", os.path.join(tmp, "no", "dir", "out.txt")], b"x\n")
    check("-o bad dir", r.returncode == 2 and b"No such file or directory" in r.stderr, r.stderr)


def test_output_is_an_input(tmp):
    """-o naming an input (by any path, link or hard link) is refused before the output is emptied;
    so is standard output appending to an input."""
    src = os.path.join(tmp, "s.txt")
    content = "網絡\n".encode() + b"bad \xff\n"
    open(src, "wb").write(content)
    os.link(src, os.path.join(tmp, "hard.txt"))
    os.symlink("s.txt", os.path.join(tmp, "sym.txt"))
    other = os.path.join(tmp, "other.txt")
    open(other, "wb").write(b"other\n")
    cases = [("same name", ["-o", src, src]),
             ("other path", ["-o", os.path.join(tmp, ".", "s.txt"), src]),
             ("hard link", ["-o", os.path.join(tmp, "hard.txt"), src]),
             ("symbolic link", ["-o", os.path.join(tmp, "sym.txt"), src]),
             ("second input", ["-o", src, other, src]),
             ("detect", ["--detect", "-o", src, src])]
    for name, args in cases:
        open(src, "wb").write(content)  # (the same inode: the links stay links)
        r = run(args)
        check(f"-o input {name} exit 2", r.returncode == 2, (r.returncode, r.stderr))
        check(f"-o input {name} message", f"fixtext: {src}: input file is also the output file".encode()
              in r.stderr, r.stderr)
        check(f"-o input {name} untouched", open(src, "rb").read() == content)
    open(src, "wb").write(content)
    with open(src, "rb") as f:
        r = subprocess.run([FIXTEXT, "-o", src, "-"], stdin=f, capture_output=True, timeout=60)
    check("-o standard input exit 2", r.returncode == 2 and b"fixtext: standard input: input file is"
          in r.stderr, r.stderr)
    check("-o standard input untouched", open(src, "rb").read() == content)
    open(src, "wb").write(content)
    with open(src, "ab") as f:
        r = subprocess.run([FIXTEXT, src], stdout=f, stderr=subprocess.PIPE, timeout=60)
    check("stdout appends to input exit 2", r.returncode == 2 and
          f"fixtext: {src}: input file is also standard output".encode() in r.stderr, r.stderr)
    check("stdout appends to input untouched", open(src, "rb").read() == content)
    # what stays allowed: devices, and --check (which writes nothing)
    r = run(["-o", "/dev/null", "/dev/null"])
    check("-o /dev/null /dev/null", r.returncode == 0, r.stderr)
    open(src, "wb").write(content)
    r = run(["--check", "-o", src, src])
    check("--check -o input", r.returncode == 1 and open(src, "rb").read() == content, r.stderr)
    r = run(["-o", other, src])
    check("-o other file written", r.returncode == 0 and open(other, "rb").read() != b"other\n", r.stderr)


def test_dev_full():
    with open("/dev/full", "wb") as full:
        r = subprocess.run([FIXTEXT, seed("002")], stdout=full, stderr=subprocess.PIPE, timeout=60)
    check("/dev/full exit", r.returncode == 2, r.returncode)
    check("/dev/full message", b"No space left on device" in r.stderr, r.stderr)
    r = run(["-o", "/dev/full", seed("002")])
    check("-o /dev/full", r.returncode == 2 and b"/dev/full: No space left" in r.stderr, r.stderr)


def test_stderr_write_errors(tmp):
    """A report that cannot be written to standard error is trouble (exit 2), though nothing can
    say so; with nothing to report, a full standard error changes nothing."""
    dirty = os.path.join(tmp, "dirty.txt")
    open(dirty, "wb").write(b"bad \xff\xfe\xfd\xfc\n")
    cases = [("--stats", ["--stats", seed("002")]),
             ("--explain", ["--explain", "--no-detect", dirty]),
             ("--explain=json", ["--explain=json", "--no-detect", dirty]),
             ("warning", [], b"a\x00\x01\x02b\n"),
             ("--check report", ["--check", "--no-detect", dirty]),
             ("error message", ["nosuch.txt"])]
    for case in cases:
        name, args, stdin = case[0], case[1], case[2] if len(case) > 2 else b""
        with open("/dev/full", "wb") as full:
            r = subprocess.run([FIXTEXT] + args, input=stdin, stdout=subprocess.DEVNULL, stderr=full,
                               timeout=60)
        check(f"stderr full {name} exit 2", r.returncode == 2, r.returncode)
    with open("/dev/full", "wb") as full:
        r = subprocess.run([FIXTEXT, seed("002")], stdout=subprocess.DEVNULL, stderr=full, timeout=60)
    check("stderr full, nothing to say, exit 0", r.returncode == 0, r.returncode)


def test_closed_pipe(tmp):
    """A reader that goes away ends fixtext as it ends cat: killed by SIGPIPE, no message."""
    big = os.path.join(tmp, "big.txt")
    with open(big, "wb") as f:
        for _ in range(400):
            f.write(open(seed("002"), "rb").read())
    p = subprocess.Popen([FIXTEXT, big], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(100)
    p.stdout.close()  # the reader goes away, as `| head` does
    err = p.stderr.read()
    rc = p.wait(timeout=60)
    check("closed pipe dies of SIGPIPE", rc == -signal.SIGPIPE, rc)
    check("closed pipe no message", err == b"", err)


def test_check(tmp):
    clean = os.path.join(tmp, "clean.txt")
    dirty = os.path.join(tmp, "dirty.txt")
    open(clean, "wb").write("網絡\n".encode())
    open(dirty, "wb").write(b"bad \xff\xfe\xfd\xfc\n")
    r = run(["--check", "--no-detect", clean])
    check("check clean", r.returncode == 0 and r.stdout == b"", (r.returncode, r.stdout))
    r = run(["--check", "--no-detect", clean, dirty])
    check("check dirty exit 1", r.returncode == 1, r.returncode)
    check("check names file", dirty.encode() in r.stderr and clean.encode() not in r.stderr, r.stderr)
    check("check writes nothing", r.stdout == b"")
    check("check leaves file", open(dirty, "rb").read() == b"bad \xff\xfe\xfd\xfc\n")
    r = run(["--check", clean, "nosuch.txt"])
    check("check trouble exit 2", r.returncode == 2, r.returncode)


def test_in_place(tmp):
    path = os.path.join(tmp, "fix.txt")
    open(path, "wb").write(b"\xef\xbb\xbfhello\r\nbad \xff\xfe\xfd\xfc\n")
    os.chmod(path, 0o640)
    r = run(["-i", "--no-detect", path])
    check("in-place exit", r.returncode == 0, r.stderr)
    check("in-place content", open(path, "rb").read() == "hello\r\nbad \ufffd\ufffd\ufffd\ufffd\n".encode(),
          open(path, "rb").read())
    check("in-place mode kept", stat.S_IMODE(os.stat(path).st_mode) == 0o640, oct(os.stat(path).st_mode))
    check("in-place no temp left", sorted(os.listdir(tmp)) == ["fix.txt"], os.listdir(tmp))
    open(path, "wb").write(b"\xef\xbb\xbfagain\n")
    r = run(["--in-place=.bak", path])
    check("backup kept", open(path + ".bak", "rb").read() == b"\xef\xbb\xbfagain\n")
    check("backup rewritten", open(path, "rb").read() == b"again\n")
    os.unlink(path + ".bak")


def test_in_place_keeps_owner_and_mode(tmp):
    """-i keeps owner, group and mode, setuid and setgid bits included (the owner is set first, as
    a change of owner clears them); a user who cannot give the file its owner gets no set-id bits."""
    path = os.path.join(tmp, "setid.txt")
    open(path, "wb").write(b"bad \xff\n")
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o6755)
    r = run(["-i", path])
    st = os.stat(path)
    check("in-place setid exit", r.returncode == 0, r.stderr)
    check("in-place setid mode kept", stat.S_IMODE(st.st_mode) == 0o6755, oct(st.st_mode))
    check("in-place owner kept", (st.st_uid, st.st_gid) == (65534, 65534), (st.st_uid, st.st_gid))
    # nobody rewriting root's set-id file in a directory nobody may write: the copy is nobody's,
    # and must not become a set-user-ID nobody (or set-group-ID) program
    shared = os.path.join(tmp, "shared")
    os.mkdir(shared)
    os.chmod(shared, 0o777)
    theirs = os.path.join(shared, "theirs.txt")
    open(theirs, "wb").write(b"bad \xff\n")
    os.chown(theirs, 0, 0)
    os.chmod(theirs, 0o6755)
    r = subprocess.run([FIXTEXT, "-i", theirs], capture_output=True, preexec_fn=as_nobody, timeout=60)
    st = os.stat(theirs)
    check("in-place not owner exit", r.returncode == 0, r.stderr)
    check("in-place not owner no set-id bits", stat.S_IMODE(st.st_mode) == 0o755 and
          st.st_uid == 65534, (oct(st.st_mode), st.st_uid))


def test_in_place_symlinks(tmp):
    """-i does not replace a symbolic link by a regular file: it refuses, or with --follow-symlinks
    rewrites the file the link (or chain of links) points to and leaves the link a link."""
    real_dir = os.path.join(tmp, "real")
    os.mkdir(real_dir)
    target = os.path.join(real_dir, "target.txt")
    dirty, fixed = b"bad \xff\n", "bad \ufffd\n".encode()
    open(target, "wb").write(dirty)
    os.chmod(target, 0o640)
    link = os.path.join(tmp, "link.txt")
    os.symlink(os.path.join("real", "target.txt"), link)
    r = run(["-i", "--no-detect", link])
    check("in-place symlink refused exit 2", r.returncode == 2, r.returncode)
    check("in-place symlink refused message", f"fixtext: {link}: is a symbolic link".encode() in r.stderr,
          r.stderr)
    check("in-place symlink refused link kept", os.path.islink(link) and
          open(target, "rb").read() == dirty, os.path.islink(link))
    chain = os.path.join(tmp, "chain.txt")
    os.symlink("link.txt", chain)
    r = run(["-i.bak", "--follow-symlinks", "--no-detect", chain])
    check("follow-symlinks exit", r.returncode == 0, r.stderr)
    check("follow-symlinks links kept", os.path.islink(chain) and os.path.islink(link) and
          os.readlink(link) == os.path.join("real", "target.txt"))
    check("follow-symlinks target rewritten", open(target, "rb").read() == fixed and
          stat.S_IMODE(os.stat(target).st_mode) == 0o640, open(target, "rb").read())
    check("follow-symlinks backup beside target", os.path.exists(target + ".bak") and
          open(target + ".bak", "rb").read() == dirty, os.listdir(real_dir))
    check("follow-symlinks no temp left", sorted(os.listdir(tmp)) == ["chain.txt", "link.txt", "real"] and
          sorted(os.listdir(real_dir)) == ["target.txt", "target.txt.bak"], (os.listdir(tmp), os.listdir(real_dir)))
    dangling = os.path.join(tmp, "dangling.txt")
    os.symlink("nowhere.txt", dangling)
    r = run(["-i", "--follow-symlinks", dangling])
    check("follow-symlinks dangling exit 2", r.returncode == 2 and dangling.encode() in r.stderr and
          os.path.islink(dangling), r.stderr)


def test_in_place_hard_links(tmp):
    """-i gives the name a new file: the other hard links keep the old content, and fixtext says so
    once, naming the file (not under -q)."""
    path, other = os.path.join(tmp, "a.txt"), os.path.join(tmp, "b.txt")
    open(path, "wb").write(b"bad \xff\n")
    os.link(path, other)
    r = run(["-i", "--no-detect", path])
    check("in-place hard link exit", r.returncode == 0, r.stderr)
    check("in-place hard link warning", r.stderr ==
          f"fixtext: {path}: warning: 1 other hard link still has the old content\n".encode(), r.stderr)
    check("in-place hard link split", open(path, "rb").read() == "bad \ufffd\n".encode() and
          open(other, "rb").read() == b"bad \xff\n")
    r = run(["-i", "--no-detect", path])
    check("in-place single link no warning", r.returncode == 0 and r.stderr == b"", r.stderr)
    os.link(other, path + ".2")
    r = run(["-i", "-q", "--no-detect", other])
    check("in-place hard link -q quiet", r.returncode == 0 and r.stderr == b"", r.stderr)


def wait_for_temp(directory, proc):
    """Waits until proc has made its .fixtext-* file in directory; False if it ended first."""
    while proc.poll() is None:
        if any(f.startswith(".fixtext-") for f in os.listdir(directory)):
            return True
        time.sleep(0.0005)
    return False


def test_in_place_signals(tmp):
    """A hangup, interrupt or termination during -i removes the temporary file, leaves the original
    as it was, and fixtext dies of that signal (its exit status says so)."""
    seeds = b"".join(open(os.path.join(SEEDS, f), "rb").read() for f in sorted(os.listdir(SEEDS)))
    path = os.path.join(tmp, "big.txt")

    def default_signals():  # whatever the test runner ignores, fixtext must see these
        for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        name = signal.Signals(sig).name
        copies = 50
        for _ in range(6):  # the file must outlast the time it takes to see the temporary file
            original = seeds * copies
            open(path, "wb").write(original)
            p = subprocess.Popen([FIXTEXT, "-i", path], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, preexec_fn=default_signals)
            seen = wait_for_temp(tmp, p)
            if seen:
                p.send_signal(sig)
            err = p.communicate(timeout=120)[1]
            if seen or p.returncode != 0:
                break
            copies *= 4  # it finished first: a bigger file
        check(f"in-place {name} temporary seen", seen, copies)
        check(f"in-place {name} dies of the signal", p.returncode == -sig, (p.returncode, err))
        check(f"in-place {name} no temporary left", os.listdir(tmp) == ["big.txt"], os.listdir(tmp))
        check(f"in-place {name} original untouched", open(path, "rb").read() == original)
        for f in os.listdir(tmp):  # (so that the next signal starts clean even before the fix)
            if f.startswith(".fixtext-"):
                os.unlink(os.path.join(tmp, f))


def test_in_place_failure_leaves_original(tmp):
    path = os.path.join(tmp, "big.txt")
    original = open(seed("000"), "rb").read() * 8 + b"bad \xff\n"

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))

    open(path, "wb").write(original)
    r = subprocess.run([FIXTEXT, "-i", path], capture_output=True, preexec_fn=limit_file_size, timeout=60)
    check("in-place write failure exit 2", r.returncode == 2, r.returncode)
    check("in-place write failure message", path.encode() in r.stderr, r.stderr)
    check("in-place original untouched", open(path, "rb").read() == original)
    check("in-place temp removed", sorted(os.listdir(tmp)) == ["big.txt"], os.listdir(tmp))
    # a directory nobody may write to: no temporary file can be made
    locked = os.path.join(tmp, "locked")
    os.mkdir(locked)
    inner = os.path.join(locked, "f.txt")
    open(inner, "wb").write(b"bad \xff\n")
    os.chmod(inner, 0o666)
    r = subprocess.run([FIXTEXT, "-i", inner], capture_output=True, preexec_fn=as_nobody, timeout=60)
    check("in-place locked dir exit 2", r.returncode == 2, r.returncode)
    check("in-place locked dir original", open(inner, "rb").read() == b"bad \xff\n")
    r = run(["-i", "nosuch.txt"])
    check("in-place missing", r.returncode == 2 and b"nosuch.txt" in r.stderr, r.stderr)


def test_stats_and_bom():
    r = run(["--stats"], b"\xef\xbb\xbfa\nb\n")
    check("bom removed", r.stdout == b"a\nb\n", r.stdout)
    check("stats lines", b"lines read: 2, changed: 1" in r.stderr, r.stderr)
    check("stats bom", b"BOMs removed: 1" in r.stderr, r.stderr)
    r = run(["--keep-bom"], b"\xef\xbb\xbfa\n")
    check("keep bom", r.stdout == b"\xef\xbb\xbfa\n", r.stdout)


def test_invalid_utf8_matches_unicode_practice():
    """With detection off, each maximal ill-formed subpart becomes one U+FFFD; CPython's
    decoder follows the same recommendation, so it is the reference."""
    import random
    rng = random.Random(1234)
    alphabet = [b"a", b"\n", b"\r\n", "網".encode(), b"\x80", b"\xbf", b"\xc0", b"\xc2", b"\xe0",
                b"\xe4\xbd", b"\xed\xa0", b"\xf0\x90", b"\xf4\x90", b"\xff", b"\xe7\xb6\xb2"]
    data = b"".join(rng.choice(alphabet) for _ in range(20000))
    r = run(["--skip=detect,entities,mojibake,c1,shifted,pinyin"], data)
    want = data.decode("utf-8", "replace").encode("utf-8")
    check("maximal subparts like CPython", r.stdout == want)


def test_long_line_without_newline():
    line = ("網絡強國" * 200000).encode()  # 2.4 MB, one line, no terminator
    r = run(["--window=4K", "--stats"], line)
    check("long line identical", r.stdout == line)
    check("long line counted once", b"lines read: 1," in r.stderr, r.stderr)


def test_detect_one_record_per_long_line():
    """A line longer than the window is processed in pieces, but --detect says one record per input
    line, and a warning about it comes once."""
    line = ("網絡強國" * 2000).encode()  # 24 KB: 24 windows of 1K
    r = run(["--detect", "--window=1K"], line + b"\nshort\n" + line)
    records = r.stdout.decode().splitlines()
    check("detect long line one record", r.returncode == 0 and len(records) == 3, records[:5])
    check("detect long line fields", [x.split("\t")[:2] for x in records] ==
          [["1", "UTF-8"], ["2", "ASCII"], ["3", "UTF-8"]] and "partial" not in r.stdout.decode(),
          records[:5])
    r = run(["--detect=json", "--window=1K"], line + b"\n")
    check("detect json long line one record", r.stdout.count(b"\n") == 1 and
          b'"line":1,' in r.stdout and b"partial" not in r.stdout, r.stdout[:300])
    # pieces read in different encodings: the first piece's encoding, then the list of them all
    mixed = ("网络强国建设" * 300).encode("gbk") + ("網絡強國" * 300).encode()
    r = run(["--detect", "--window=1K"], mixed + b"\n")
    fields = r.stdout.decode().rstrip("\n").split("\t")
    check("detect mixed pieces one record", r.stdout.count(b"\n") == 1 and len(fields) == 7 and
          fields[1] == "GB18030" and fields[6] == "GB18030,UTF-8" and fields[5] == "mixed", fields)
    # pure ASCII pieces do not decide: the line is UTF-8 as its whole-line detection says
    r = run(["--detect", "--window=1K"], b"a" * 3000 + "網絡".encode() * 1000 + b"\n")
    check("detect ASCII piece does not decide", r.stdout.decode().split("\t")[:2] == ["1", "UTF-8"] and
          r.stdout.count(b"\n") == 1, r.stdout)
    r = run(["--window=1K", "--binary=text"], b"abc\x00\x01\x02\x03" * 1000 + b"\n")
    check("binary warning once per long line", r.stderr.count(b"warning") == 1, r.stderr)


def test_interactive_stream():
    """With --line-buffered, a line written into a pipe comes out before the input ends
    (tail -f | fixtext --line-buffered), as with grep's option of the same name."""
    import select
    p = subprocess.Popen([FIXTEXT, "--line-buffered"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    p.stdin.write("網絡 line one\n".encode())
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], 10)
    got = os.read(p.stdout.fileno(), 100) if ready else b""
    check("interactive line written before end of input", got == "網絡 line one\n".encode(), got)
    p.stdin.close()
    p.wait(timeout=10)


def test_editor_filter(tmp):
    vim = shutil.which("vim.tiny") or shutil.which("vim")
    path = os.path.join(tmp, "buffer.txt")
    original = open(seed("002"), "rb").read()
    open(path, "wb").write(original)
    if not vim:
        print("note: no vim; the editor filter is exercised through standard input only")
        check("filter via stdin", run([], original).stdout == original)
        return
    env = dict(os.environ, PATH=os.path.dirname(FIXTEXT) + ":" + os.environ.get("PATH", ""))

    def filter_in_vim():
        return subprocess.run([vim, "-N", "-u", "NONE", "-es", "-c", "set binary noeol nofixeol",
                               "-c", "%!fixtext", "-c", "wq", path], env=env, timeout=60,
                              stdin=subprocess.DEVNULL, capture_output=True).returncode

    rc = filter_in_vim()
    check("vim :%!fixtext leaves clean buffer", rc == 0 and open(path, "rb").read() == original)
    # and the filter did run: a buffer with pinyin annotations comes back without them (no final
    # newline, as 'noeol' writes the buffer)
    open(path, "wb").write("網(wǎng)絡(luò)\nplain".encode())
    rc = filter_in_vim()
    check("vim :%!fixtext filters the buffer",
          rc == 0 and open(path, "rb").read() == "網絡\nplain".encode(), open(path, "rb").read())


def main():
    test_help_and_version()
    test_option_argument_messages()
    test_window_sizes()
    test_stdin_and_dash()
    test_dev_full()
    test_stats_and_bom()
    test_invalid_utf8_matches_unicode_practice()
    test_long_line_without_newline()
    test_detect_one_record_per_long_line()
    test_interactive_stream()
    for t in (test_missing_file_others_still_processed, test_unreadable_file, test_output_file,
              test_output_is_an_input,
              test_stderr_write_errors, test_closed_pipe, test_check, test_in_place,
              test_in_place_keeps_owner_and_mode, test_in_place_symlinks, test_in_place_hard_links,
              test_in_place_signals, test_in_place_failure_leaves_original,
              test_editor_filter):
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            t(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
