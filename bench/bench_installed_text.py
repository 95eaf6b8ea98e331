#!/usr/bin/env python3
"""Clean text from installed files that no table, threshold or reported figure of fixtext came
from: the X11 compose tables (libx11-data), glibc's locale sources (locales), Python sources
(python3 and its packages), Debian changelogs (/usr/share/doc), Vim's help, menus and tutors
(vim-runtime). Each file that is valid UTF-8 and holds non-ASCII text goes through fixtext with
the default options, file by file as a user runs it; every changed line is counted per source.

A development source since 2026-12-05 (the detector's lone-character charge and the mojibake
stage's span rules were found on it), so its figures are not held out. Some files hold real
damage that fixtext repairs (libxml2's changelog is UTF-8 read as windows-1252, a test of pip's
webencodings writes mojibake on purpose): read the sample (--show) before calling a change false.

Usage: bench_installed_text.py [FIXTEXT] [--show]   (default build/fixtext)"""
import glob
import gzip
import os
import subprocess
import sys

SOURCES = {
    "X11 compose tables": ["/usr/share/X11/locale/*.UTF-8/Compose"],
    "glibc locale sources": ["/usr/share/i18n/locales/*"],
    "Python sources": ["/usr/lib/python3/dist-packages/**/*.py", "/usr/lib/python3.*/**/*.py"],
    "Debian changelogs": ["/usr/share/doc/*/changelog.Debian.gz", "/usr/share/doc/*/changelog.gz",
                          "/usr/share/doc/*/NEWS.Debian.gz"],
    "Vim help, menus, tutors": ["/usr/share/vim/vim*/doc/*.txt", "/usr/share/vim/vim*/lang/menu_*utf-8.vim",
                                "/usr/share/vim/vim*/tutor/tutor*"],
}
MAX_FILES = 4000  # per source: the Python sources are many


def texts(patterns):
    """(path, bytes) of each file that is valid UTF-8 with a non-ASCII byte."""
    seen = 0
    for pattern in patterns:
        for path in sorted(glob.glob(pattern, recursive=True)):
            if seen >= MAX_FILES or not os.path.isfile(path):
                continue
            raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
            if not any(b >= 0x80 for b in raw):
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            seen += 1
            yield path, raw


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fixtext = args[0] if args else "build/fixtext"
    show = "--show" in sys.argv
    total_lines = total_changed = 0
    for name, patterns in SOURCES.items():
        files = lines = changed = 0
        sample = []
        for path, raw in texts(patterns):
            out = subprocess.run([fixtext, "-q"], input=raw, capture_output=True).stdout
            before, after = raw.split(b"\n"), out.split(b"\n")
            files += 1
            lines += len(before) - (before[-1] == b"")
            diff = [(a, b) for a, b in zip(before, after) if a != b]
            changed += len(diff)
            sample += [(path, a, b) for a, b in diff[:2]]
        total_lines += lines
        total_changed += changed
        print(f"{name:26} {files:5d} files {lines:9d} lines  changed {changed:4d}  "
              f"{1e6 * changed / max(1, lines):6.0f} per million", flush=True)
        for path, a, b in sample[:8] if show else []:
            print(f"    {path}\n      {a.decode('utf-8', 'replace')[:90]!r}\n   -> "
                  f"{b.decode('utf-8', 'replace')[:90]!r}")
    print(f"{'all':26} {'':11} {total_lines:9d} lines  changed {total_changed:4d}  "
          f"{1e6 * total_changed / max(1, total_lines):6.0f} per million")


if __name__ == "__main__":
    main()
