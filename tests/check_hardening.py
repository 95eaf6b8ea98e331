#!/usr/bin/env python3
"""Checks that the release build of fixtext is hardened as meson.build asks: a position-independent
executable, full RELRO with immediate binding, stack canaries and fortified libc calls.
Usage: check_hardening.py FIXTEXT_BINARY (reads it with binutils' readelf)."""
import subprocess
import sys

from e2e_common import check, finish

binary = sys.argv[1]


def readelf(*flags):
    return subprocess.run(["readelf", *flags, binary], capture_output=True, text=True, check=True).stdout


header = readelf("-h")
dynamic = readelf("-d")
segments = readelf("-lW")
symbols = readelf("--dyn-syms", "-W")

check("PIE", "DYN (Position-Independent Executable" in header, header)
check("BIND_NOW", "BIND_NOW" in dynamic or "NOW" in dynamic, dynamic)
check("RELRO segment", "GNU_RELRO" in segments)
check("stack protector", "__stack_chk_fail" in symbols)
check("fortified calls", "_chk@" in symbols.replace("__stack_chk_fail@", ""))
sys.exit(finish())
