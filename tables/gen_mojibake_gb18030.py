#!/usr/bin/env python3
"""Generates tables/mojibake_gb18030_extra.c: the GB18030 two-byte codes that the decoders most
mojibake comes from (Windows' code page 54936 and GB18030-2005 decoders such as Python's gb18030
codec) read as another character than glibc's GB18030 converter (which follows GB18030-2022):
the vertical forms at A6D9-A6DF, A6EC-A6ED, A6F3, A8BC, and the FE5x-FEAx codes, which the 2005
mapping gives private-use code points. The mojibake stage adds these characters to its encode
table, so that text such a decoder produced (Big5 read as GB18030: 何 is A6F3, read U+E796) can
be re-encoded. glibc's decoding is kept.

Source: CPython's gb18030 codec (Modules/cjkcodecs, from the GB18030-2005 mapping tables; PSF
licence), compared with this machine's glibc GB18030 converter.
Run: python3 tables/gen_mojibake_gb18030.py > tables/mojibake_gb18030_extra.c
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_mojibake_big5 import print_extra_table  # noqa: E402
from gen_sbcs_maps import iconv  # noqa: E402


def main():
    rows = []
    for lead in range(0x81, 0xFF):
        for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFF)):
            b = bytes([lead, trail])
            try:
                u = b.decode("gb18030")
            except UnicodeDecodeError:
                continue
            if len(u) != 1 or ord(u) > 0xFFFF:
                continue
            g = iconv(b, "GB18030", "UTF-32LE")
            if g is not None and len(g) == 4 and int.from_bytes(g, "little") == ord(u):
                continue
            rows.append((lead << 8 | trail, ord(u)))
    print_extra_table("mojibake_gb18030_extra", "gen_mojibake_gb18030.py", [
        "GB18030 two-byte codes that Python's gb18030 codec (GB18030-2005) reads as another",
        "character than glibc's GB18030 (GB18030-2022): the code and the 2005 character.",
        "Source: CPython's gb18030 codec tables, PSF licence; glibc's GB18030 converter."], rows)


if __name__ == "__main__":
    main()
