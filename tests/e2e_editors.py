#!/usr/bin/env python3
"""End-to-end tests of fixtext inside real editors: Debian's vim (editors/vim) and Emacs
(editors/emacs/fixtext.el). Each opens fixtures/editors/mixed*.txt (GBK and UTF-8 lines mixed;
LF, CR LF, and lone CRs inside the editors' lines) the way the editor opens a file by default, filters it, writes it, and the file
must be byte for byte what `fixtext FILE` writes. The quickfix list and the explain buffer are
checked against `fixtext --explain=json FILE`.

An editor that is not installed is skipped with a message (exit 77, meson's skip, when neither
is). Usage: e2e_editors.py FIXTEXT_BINARY"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from e2e_common import check, finish

FIXTEXT = os.path.abspath(sys.argv[1])
SOURCE = os.path.abspath(os.environ.get("FIXTEXT_SOURCE", os.path.join(os.path.dirname(__file__), "..")))
FIXTURES = os.path.join(SOURCE, "fixtures", "editors")
VIM_PLUGIN = os.path.join(SOURCE, "editors", "vim")
EMACS_LISP = os.path.join(SOURCE, "editors", "emacs", "fixtext.el")
NAMES = ("mixed.txt", "mixed_crlf.txt", "mixed_cr.txt")
# A UTF-8 locale, as on a desktop: vim's 'encoding' is then utf-8 and 'fileencodings' ends at
# latin1, which is where the trouble starts. $PATH finds fixtext for the plain :%!fixtext.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
ENV.update(LANG="C.UTF-8", TERM="dumb", PATH=os.path.dirname(FIXTEXT) + os.pathsep + ENV.get("PATH", ""))
COUNTERS = ("invalid_sequences", "mojibake_spans", "entities_decoded", "c1_fixed", "pinyin_removed",
            "shifted_fixed", "shifted_reported", "converted_spans")


def fixture(name):
    return os.path.join(FIXTURES, name)


def fixtext(args, data=None):
    r = subprocess.run([FIXTEXT] + args, input=data, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


def expected(name):
    return fixtext([fixture(name)]).stdout


def records(name):
    return [json.loads(l) for l in fixtext(["--explain=json", fixture(name)]).stderr.decode().splitlines()
            if l.startswith("{")]


def describe(rec):
    """What the editor commands say was done to a line (the rule both plugins follow)."""
    parts = []
    if rec.get("encoding") not in (None, "", "UTF-8"):
        parts.append(rec["encoding"] + " -> UTF-8")
    if rec.get("explain"):
        parts.append(rec["explain"])
    return "; ".join(parts) or "changed"


def span_start(rec):
    m = re.search(r"(?:span|column) (\d+)", rec.get("explain") or "")
    return int(m.group(1)) if m else None


def summary(recs, data, nlines):
    """The counts the commands report for data, which fixtext changes to recs: changed lines (the
    editor's: fixtext's lines that share one with lone CRs count once), decodings by encoding
    (fixtext's lines), repairs."""
    decoded, sums = {}, {}
    for r in recs:
        if r.get("encoding") not in (None, "", "UTF-8"):
            decoded[r["encoding"]] = decoded.get(r["encoding"], 0) + 1
        for k in COUNTERS:
            if r.get(k):
                sums[k] = sums.get(k, 0) + r[k]
    parts = ["%s %d" % (e, decoded[e]) for e in sorted(decoded)]
    parts += ["%s %d" % (k.replace("_", " "), sums[k]) for k in COUNTERS if k in sums]
    where = positions(data)
    changed = len({where[r["line"] - 1][0] for r in recs})
    return "fixtext: %d of %d lines changed (%s)" % (changed, nlines, ", ".join(parts))


def copy(tmp, name):
    path = os.path.join(tmp, name)
    shutil.copyfile(fixture(name), path)
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def lines_of(data):
    """Lines with their terminators, split where fixtext splits (LF, CR LF, lone CR)."""
    return re.findall(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", data)


def editor_lines(data):
    """Lines as the editors split them: at LF only (a lone CR stays inside a line)."""
    return re.findall(rb"[^\n]*\n|[^\n]+$", data)


def positions(data):
    """Where each of fixtext's lines of data is in an editor: (line number, bytes and characters
    before it in that line, which a lone CR shares with the lines before it; characters only
    mean something in UTF-8)."""
    out, lnum, before_b, before_c = [], 1, 0, 0
    for l in lines_of(data):
        out.append((lnum, before_b, before_c))
        if l.endswith(b"\n"):
            lnum, before_b, before_c = lnum + 1, 0, 0
        else:
            before_b, before_c = before_b + len(l), before_c + len(l.decode("utf-8", "replace"))
    return out


# ---------------------------------------------------------------------------------------------
# vim

def find_vim():
    """Debian's full vim (vim-tiny has no +eval: no plugins, no functions)."""
    vim = shutil.which("vim")
    if not vim:
        return None, None
    version = subprocess.run([vim, "--version"], capture_output=True, text=True, timeout=60).stdout
    if "+eval" not in version:
        return None, None
    with tempfile.NamedTemporaryFile() as f:
        subprocess.run([vim, "-u", "NONE", "-i", "NONE", "-es", "-c",
                        "call writefile([$VIMRUNTIME], '%s')" % f.name, "-c", "qa!"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        runtime = f.read().decode().strip()
    return vim, os.path.join(runtime, "defaults.vim")


VIM, DEFAULTS_VIM = find_vim()


def vim(path, *commands, plugin=True, env=None, flags=()):
    """Runs vim on path the way it starts without a vimrc of the user's (defaults.vim, which is
    also what loads plugins), in Ex mode with no terminal; returns its exit status (1 after any
    error)."""
    args = [VIM, "-u", DEFAULTS_VIM, "-i", "NONE", "-N", "-n", "-es", *flags]
    if plugin:
        args += ["--cmd", "set rtp+=" + VIM_PLUGIN.replace(" ", "\\ "),
                 "--cmd", "let g:fixtext_program = '%s'" % FIXTEXT]
    for c in commands:
        args += ["-c", c]
    args.append(path)
    return subprocess.run(args, env=env or ENV, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=120).returncode


def vim_state(tmp, name):
    """A vim command that writes a few of the buffer's settings to tmp/name as JSON."""
    return ("call writefile([json_encode({'fenc': &fenc, 'ff': &ff, 'bomb': &bomb, 'cursor': getpos('.'),"
            " 'lines': getline(1, '$')})], '%s')" % os.path.join(tmp, name))


def test_vim_trap(tmp):
    """The reproduction of the issue: the fixture opens as latin1, and a plain :%!fixtext then
    :wq writes '?' for every CJK character and fails. This checks the fixture still sets the
    trap (on input vim reads as UTF-8 the other tests would prove nothing)."""
    for name in NAMES:
        path = copy(tmp, name)
        vim(path, vim_state(tmp, "state"), "q!")
        state = json.loads(read(os.path.join(tmp, "state")))
        check("vim opens %s as latin1" % name, state["fenc"] == "latin1", state["fenc"])
        check("vim opens %s with its line ends" % name,
              state["ff"] == ("dos" if "crlf" in name else "unix"), state["ff"])
        check("vim opens %s with a line per LF" % name, len(state["lines"]) == len(editor_lines(read(path))))
        rc = vim(path, "%!fixtext", "wq", plugin=False)
        check("plain :%%!fixtext :wq on %s fails (exit 1)" % name, rc == 1, rc)
        check("plain :%%!fixtext :wq on %s loses the CJK text" % name,
              read(path) != expected(name) and b"\xbf" in read(path))


def test_vim_plain_filter(tmp):
    """The documented way: :%!fixtext, then :setlocal fileencoding=utf-8 before writing."""
    for name in NAMES:
        path = copy(tmp, name)
        rc = vim(path, "%!fixtext", "setlocal fileencoding=utf-8", "wq", plugin=False)
        check("plain :%%!fixtext + fileencoding=utf-8 on %s" % name,
              rc == 0 and read(path) == expected(name), rc)


def test_vim_plugin(tmp):
    for name in NAMES:
        path = copy(tmp, name)
        rc = vim(path, "Fixtext", vim_state(tmp, "state"), "wq")
        state = json.loads(read(os.path.join(tmp, "state")))
        check(":Fixtext on %s writes what fixtext writes" % name, rc == 0 and read(path) == expected(name), rc)
        check(":Fixtext on %s sets utf-8, no BOM, keeps the line ends" % name,
              state["fenc"] == "utf-8" and not state["bomb"]
              and state["ff"] == ("dos" if "crlf" in name else "unix"), state)
        # a buffer already changed since it was read: the text it holds is what goes
        path = copy(tmp, name)
        rc = vim(path, "set modified", "Fixtext", "wq")
        check(":Fixtext on modified %s" % name, rc == 0 and read(path) == expected(name), rc)
        # vim -b: the buffer holds the bytes themselves, CRs included
        path = copy(tmp, name)
        rc = vim(path, "Fixtext", "wq", flags=["-b"])
        check(":Fixtext in vim -b on %s" % name, rc == 0 and read(path) == expected(name), rc)
        # a vim whose 'encoding' is latin1 (C locale): the buffer holds bytes, and 'fileencoding'
        # utf-8 would convert them once more; the plugin leaves it empty
        path = copy(tmp, name)
        rc = vim(path, "Fixtext", "wq", env=dict(ENV, LANG="C"))
        check(":Fixtext in a latin1 vim on %s" % name, rc == 0 and read(path) == expected(name), rc)


def test_vim_message_cursor_undo(tmp):
    name = "mixed.txt"
    path = copy(tmp, name)
    original = read(path)
    msg = os.path.join(tmp, "msg")
    rc = vim(path, "call cursor(14, 5)", vim_state(tmp, "before"),
             "call writefile(split(execute('Fixtext'), \"\\n\"), '%s')" % msg,
             vim_state(tmp, "after"), "undo", vim_state(tmp, "undone"), "wq")
    before, after, undone = (json.loads(read(os.path.join(tmp, n))) for n in ("before", "after", "undone"))
    recs = records(name)
    said = read(msg).decode()
    check(":Fixtext reports the counts", summary(recs, read(fixture(name)), len(before["lines"])) in said, said)
    check(":Fixtext keeps the cursor", after["cursor"] == before["cursor"], (before["cursor"], after["cursor"]))
    check(":Fixtext then undo: the text as read", undone["lines"] == before["lines"])
    # undo brings back the latin1 text, but not 'fileencoding': the plugin's BufWritePre hook
    # does, or :w would write that text as UTF-8 (double-encoded)
    check(":Fixtext, undo, :w writes the file as it was", rc == 0 and read(path) == original, rc)

    path = copy(tmp, name)
    rc = vim(path, "Fixtext", "undo", "redo", "wq")
    check(":Fixtext, undo, redo, :w", rc == 0 and read(path) == expected(name), rc)
    # undone, then another change: a new branch of the undo tree without the filtering
    path = copy(tmp, name)
    rc = vim(path, "Fixtext", "undo", "call setline(2, 'new')", "wq")
    want = original.split(b"\n")
    want[1] = b"new"
    check(":Fixtext, undo, edit, :w keeps the other lines' bytes", rc == 0 and read(path) == b"\n".join(want), rc)


def test_vim_range(tmp):
    """:5,12Fixtext filters those lines only; the others are written as they were read, although
    'fileencoding' is now utf-8."""
    for name in NAMES:
        path = copy(tmp, name)
        original = editor_lines(read(path))
        rc = vim(path, "5,12Fixtext", "wq")
        middle = fixtext([], b"".join(original[4:12])).stdout
        check(":5,12Fixtext on %s" % name,
              rc == 0 and read(path) == b"".join(original[:4]) + middle + b"".join(original[12:]), rc)


def vim_qf(tmp, path, *commands):
    out = os.path.join(tmp, "qf")
    rc = vim(path, *commands, "call writefile([json_encode(getqflist())], '%s')" % out, "q!")
    return rc, json.loads(read(out))


def test_vim_explain(tmp):
    for name in NAMES:
        recs = records(name)
        out = expected(name)
        fixed = [l.decode().rstrip("\r\n") for l in lines_of(out)]
        where = positions(out)
        path = copy(tmp, name)
        rc, qf = vim_qf(tmp, path, "Fixtext", "FixtextExplain")
        lnums = [where[r["line"] - 1][0] for r in recs]
        check("vim quickfix after :Fixtext on %s: one entry per changed line" % name,
              rc == 0 and [e["lnum"] for e in qf] == lnums, ([e["lnum"] for e in qf], lnums))
        check("vim quickfix on %s: what was done" % name, [e["text"] for e in qf] == [describe(r) for r in recs],
              [e["text"] for e in qf][:3])
        # fixtext's columns are characters of its line; the quickfix list wants bytes of vim's
        cols = []
        for r in recs:
            n = span_start(r)
            line = fixed[r["line"] - 1]
            before = where[r["line"] - 1][1]
            cols.append(before + len(line[:n - 1].encode()) + 1 if n and n - 1 <= len(line) else 0)
        check("vim quickfix on %s: columns" % name, [e["col"] for e in qf] == cols and any(cols),
              ([e["col"] for e in qf], cols))
        # before :Fixtext: what it would do; the buffer shows vim's latin1 reading, so no columns
        path = copy(tmp, name)
        rc, qf = vim_qf(tmp, path, "FixtextExplain", "if &modified | cquit | endif")
        check("vim quickfix before :Fixtext on %s" % name,
              rc == 0 and [(e["lnum"], e["text"], e["col"]) for e in qf] == [(l, describe(r), 0) for l, r in zip(lnums, recs)],
              qf[:2])


# ---------------------------------------------------------------------------------------------
# Emacs

EMACS = shutil.which("emacs")


def emacs(path, lisp, before=""):
    """Runs Emacs in batch mode on path (visited as `emacs FILE` visits it, after the Lisp in
    before), then evaluates lisp there; returns (exit status, what it printed)."""
    args = [EMACS, "-Q", "--batch", "-l", EMACS_LISP,
            "--eval", '(setq fixtext-program "%s")' % FIXTEXT]
    if before:
        args += ["--eval", before]
    args += [path, "--eval", "(progn %s)" % lisp]
    r = subprocess.run(args, env=ENV, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    return r.returncode, r.stderr.decode("utf-8", "replace")


SHOW_CODING = '(message "coding: %S" buffer-file-coding-system)'
REREAD = "(let ((coding-system-for-read '%s)) (revert-buffer t t))"


def test_emacs_buffer(tmp):
    for name in NAMES:
        eol = "dos" if "crlf" in name else "unix"
        path = copy(tmp, name)
        rc, out = emacs(path, SHOW_CODING + "(fixtext-buffer)" + SHOW_CODING + "(save-buffer)")
        check("emacs opens %s as raw-text" % name, "coding: raw-text-%s" % eol in out, out)
        check("fixtext-buffer on %s writes what fixtext writes" % name, rc == 0 and read(path) == expected(name), out)
        check("fixtext-buffer on %s: utf-8, line ends kept" % name, "coding: utf-8-%s" % eol in out, out)
        check("fixtext-buffer on %s reports the counts" % name,
              summary(records(name), read(fixture(name)), len(editor_lines(read(fixture(name))))) in out, out)
        # read again with a coding system that decodes (C-x RET r): the GBK lines as text and
        # the UTF-8 ones as raw bytes with chinese-gbk, everything as characters with latin-1
        for coding in ("chinese-gbk", "latin-1"):
            path = copy(tmp, name)
            rc, out = emacs(path, REREAD % coding + SHOW_CODING + "(fixtext-buffer) (save-buffer)")
            check("emacs reads %s as %s" % (name, coding), re.search(r"coding: \S*%s" % coding, out), out)
            check("fixtext-buffer on %s read as %s" % (name, coding), rc == 0 and read(path) == expected(name), out)


def test_emacs_plain(tmp):
    """The documented way without fixtext.el: M-| over the buffer, then C-x RET f utf-8."""
    for name in NAMES:
        path = copy(tmp, name)
        rc, out = emacs(path, '(shell-command-on-region (point-min) (point-max) "fixtext" nil t)'
                              "(set-buffer-file-coding-system 'utf-8) (save-buffer)")
        check("emacs M-| fixtext + utf-8 on %s" % name, rc == 0 and read(path) == expected(name), out)


def test_emacs_point_undo_region(tmp):
    name = "mixed.txt"
    # undo must take back the coding system with the text: a latin-1 reading saved as utf-8
    # would be double-encoded (set-buffer-modified-p: undo leaves the buffer unmodified, and
    # save-buffer would then write nothing at all)
    for reread, coding in (("", "raw-text-unix"), (REREAD % "latin-1", "iso-latin-1-unix")):
        path = copy(tmp, name)
        original = read(path)
        rc, out = emacs(path, reread + "(goto-char (point-min)) (forward-line 13) (forward-char 4)"
                        "(fixtext-buffer)"
                        '(message "point: %d %d" (line-number-at-pos) (current-column))'
                        "(undo-boundary) (undo)" + SHOW_CODING + "(set-buffer-modified-p t) (save-buffer)")
        check("fixtext-buffer keeps point on its line %s" % reread, "point: 14 " in out, out)
        check("fixtext-buffer, undo: coding system back %s" % reread, "coding: " + coding in out, out)
        check("fixtext-buffer, undo, save: the file as it was %s" % reread,
              rc == 0 and read(path) == original, out)

    # a region: lines outside it keep their bytes, however the buffer was read
    for name in NAMES:
        for reread in ("", REREAD % "chinese-gbk", REREAD % "latin-1"):
            path = copy(tmp, name)
            original = editor_lines(read(path))
            rc, out = emacs(path, reread + "(goto-char (point-min)) (forward-line 4)"
                            "(fixtext-region (point) (progn (forward-line 8) (point))) (save-buffer)")
            middle = fixtext([], b"".join(original[4:12])).stdout
            check("fixtext-region over lines 5-12 of %s %s" % (name, reread),
                  rc == 0 and read(path) == b"".join(original[:4]) + middle + b"".join(original[12:]), out)


WALK = """(let ((seen nil))
  (condition-case nil
      (while t
        (next-error)
        (push (format "%d:%d" (line-number-at-pos) (1+ (- (point) (line-beginning-position)))) seen))
    (error nil))
  (message "jumps: %s" (string-join (nreverse seen) " "))
  (message "explain: %s" (with-current-buffer "*fixtext-explain*" (buffer-string))))"""


def dedup(items):
    """items without an item equal to the one before it."""
    out = []
    for i in items:
        if not out or out[-1] != i:
            out.append(i)
    return out


def test_emacs_explain(tmp):
    for name in NAMES:
        recs = records(name)
        where = positions(expected(name))
        base = os.path.basename(name)
        path = copy(tmp, name)
        rc, out = emacs(path, "(fixtext-buffer) (fixtext-explain)" + WALK)
        jumps = re.search(r"jumps: (.*)", out)
        # Emacs counts columns in characters, as fixtext does: a span starts where fixtext says,
        # after the pieces of the line before a lone CR
        spots = []
        for r in recs:
            lnum, _, before = where[r["line"] - 1]
            n = span_start(r)
            spots.append((lnum, before + n if n else None, describe(r)))
        # next-error passes over a message at the place it is already (two of fixtext's lines
        # without a column in one line of Emacs's)
        want = " ".join(dedup("%d:%d" % (l, c or 1) for l, c, _ in spots))
        check("emacs explain after fixtext-buffer on %s jumps to each change" % name,
              rc == 0 and jumps and jumps.group(1) == want, (jumps and jumps.group(1), want))
        for l, c, what in spots:
            entry = "%s:%d:%s %s" % (base, l, "%d:" % c if c else "", what)
            if not check("emacs explain on %s lists line %d" % (name, l), entry in out, entry):
                break
        # before fixtext-buffer: what it would do, the buffer left alone
        path = copy(tmp, name)
        rc, out = emacs(path, "(fixtext-explain) (message \"modified: %S\" (buffer-modified-p))" + WALK)
        want = " ".join(dedup("%d:1" % l for l, _, _ in spots))
        jumps = re.search(r"jumps: (.*)", out)
        check("emacs explain before fixtext-buffer on %s" % name,
              rc == 0 and "modified: nil" in out and jumps and jumps.group(1) == want, out[-300:])


def main():
    ran = False
    if VIM:
        ran = True
        for t in (test_vim_trap, test_vim_plain_filter, test_vim_plugin, test_vim_message_cursor_undo,
                  test_vim_range, test_vim_explain):
            with tempfile.TemporaryDirectory() as tmp:
                t(tmp)
    else:
        print("SKIP vim: no vim with +eval (Debian package vim) installed")
    if EMACS:
        ran = True
        for t in (test_emacs_buffer, test_emacs_plain, test_emacs_point_undo_region, test_emacs_explain):
            with tempfile.TemporaryDirectory() as tmp:
                t(tmp)
    else:
        print("SKIP emacs: no emacs (Debian package emacs-nox) installed")
    if not ran:
        return 77
    return finish()


if __name__ == "__main__":
    sys.exit(main())
