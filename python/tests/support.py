"""What the Python package's tests share: where the sources and the built fixtext command are,
running the command on bytes (one input or many in one run), and the real fixtures as inputs.

Environment (set by tests/meson.build; defaults for running pytest by hand from the source tree):
  FIXTEXT         the built fixtext command (default: build/fixtext of the source tree)
  FIXTEXT_SOURCE  the source tree (default: two directories up from here)"""
import glob
import json
import os
import re
import subprocess
import tempfile

import pytest

SOURCE = os.environ.get("FIXTEXT_SOURCE") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(SOURCE, "fixtures")
FIXTEXT = os.environ.get("FIXTEXT") or os.path.join(SOURCE, "build", "fixtext")
TERMINATOR = re.compile(rb"\r\n|\r|\n")

needs_cli = pytest.mark.skipif(not os.access(FIXTEXT, os.X_OK),
                               reason=f"no fixtext command at {FIXTEXT} (set FIXTEXT)")

# Options of the Python API -> the same options for the command.
def cli_args(options):
    args = []
    for name, value in options.items():
        flag = "--" + name.rstrip("_").replace("_", "-")
        if name == "encoding":
            flag = "--from"
        if value is True:
            args.append(flag)
        elif value not in (False, None):
            if isinstance(value, (list, tuple)):
                value = ",".join(value)
            args.append(f"{flag}={value}")
    return args


# The library has no binary-file policy (the command's --binary is a command option): the
# command is compared with it as text.
CLI = [FIXTEXT, "-q", "--binary=text"]


def cli(data, *args):
    """The command's output (bytes) for one input."""
    r = subprocess.run([*CLI, *args], input=data, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    return r.stdout


def cli_stderr(data, *args):
    r = subprocess.run([*CLI, *args], input=data, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    return r.stdout, r.stderr


def line_count(data):
    n = len(TERMINATOR.findall(data))
    return n + (1 if data and not data.endswith((b"\n", b"\r")) else 0)


def cli_many(inputs, *args):
    """The command's output for each of many inputs, from few runs over one file per input: each
    file is its own input (the library's fixtext_finish between them), and one input line gives
    one output line, so a run's output splits by its inputs' line counts. An input without a final
    line terminator ends a run (the next file's first line would follow it on the same line)."""
    outputs, group = [], []
    for data in inputs:
        group.append(data)
        if data and not data.endswith((b"\n", b"\r")):
            outputs += _cli_run(group, args)
            group = []
    if group:
        outputs += _cli_run(group, args)
    return outputs


def _cli_run(inputs, args):
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(inputs):
            path = os.path.join(tmp, f"{i:06d}")
            with open(path, "wb") as f:
                f.write(data)
            paths.append(path)
        r = subprocess.run([*CLI, *args, *paths], capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    out = r.stdout
    pieces, at = [], 0
    for data in inputs:
        start = at
        for _ in range(line_count(data)):
            m = TERMINATOR.search(out, at)
            at = m.end() if m else len(out)
        pieces.append(out[start:at])
    assert at == len(out), "output longer than the inputs' lines"
    return pieces


def fixture_files():
    """Every real input among the fixtures (text files, not generators or notes)."""
    paths = []
    for sub in ("seeds", "detect", "spine", "convert", "pinyin"):
        for path in sorted(glob.glob(os.path.join(FIXTURES, sub, "*"))):
            if os.path.isfile(path) and path.endswith(".txt"):
                paths.append(path)
    return paths


def fixture_id(path):
    return os.path.relpath(path, FIXTURES)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mojibake_cases():
    with open(os.path.join(FIXTURES, "mojibake", "cases.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
