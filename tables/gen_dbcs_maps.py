#!/usr/bin/env python3
"""Generates dbcs_maps.c at build time: what each double-byte encoding of
src/detect/encodings.def (kind MBCS) decodes its single bytes 0x80..0xFF and its pairs to, so
that neither the detector (src/detect/encodings.c) nor the mojibake stage
(src/stages/mojibake_codecs.c) asks iconv for them at run time: probing eleven codecs cost about
9 ms at the first line of CJK text, and each user probed them again.

Source: the build machine's glibc iconv (GNU C Library, LGPL-2.1-or-later; the gconv modules'
charmaps), the same library that decodes at run time. The output is written into the build tree,
not committed: 64 K entries per codec would weigh megabytes in git.

What a byte and a pair mean (the detector's map semantics, which the mojibake stage narrows):
 - a single byte converted alone: a character (its code point; 0xFFFF when several characters or
   one beyond the BMP come out), a lead (iconv wants more bytes), or rejected;
 - a pair lead+trail (trail 0x21..0xFF) followed by a line feed, which no pair absorbs, ends any
   three- or four-byte form it starts and flushes a character held back for a combining one: the
   characters before the line feed; 0 when there are none or the codec rejects the pair, 0xFFFF
   when there are several or one beyond the BMP.

Usage: gen_dbcs_maps.py src/detect/encodings.def > dbcs_maps.c
"""
import ctypes
import errno
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_sbcs_maps import _libc  # noqa: E402  (glibc's iconv through ctypes, errno kept)

FALLBACK = 0xFFFF
INVALID, SINGLE, LEAD = 0, 1, 2  # encodings.h MAP_INVALID, MAP_SINGLE, MAP_LEAD
FIRST_TRAIL = 0x21


class Decoder:
    """One iconv descriptor to UTF-32LE, reset before every conversion."""

    def __init__(self, name):
        self.cd = _libc.iconv_open(b"UTF-32LE", name.encode())
        if self.cd in (None, ctypes.c_void_p(-1).value):
            self.cd = None
        self.out = ctypes.create_string_buffer(64)

    def decode(self, data):
        """(code points, errno) of converting data completely and flushing."""
        _libc.iconv(self.cd, None, None, None, None)
        inbuf = ctypes.create_string_buffer(data, len(data))
        inp, inleft = ctypes.c_char_p(ctypes.addressof(inbuf)), ctypes.c_size_t(len(data))
        outp = ctypes.c_char_p(ctypes.addressof(self.out))
        outleft = ctypes.c_size_t(len(self.out))
        rc = _libc.iconv(self.cd, ctypes.byref(inp), ctypes.byref(inleft), ctypes.byref(outp),
                         ctypes.byref(outleft))
        err = ctypes.get_errno() if rc == ctypes.c_size_t(-1).value else 0
        _libc.iconv(self.cd, None, None, ctypes.byref(outp), ctypes.byref(outleft))
        raw = self.out.raw[:len(self.out) - outleft.value]
        cps = [int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)]
        if not err and inleft.value:
            err = errno.EILSEQ
        return cps, err

    def close(self):
        _libc.iconv_close(self.cd)


def entry(cps):
    if not cps:
        return 0
    return FALLBACK if len(cps) > 1 or cps[0] > 0xFFFF else cps[0]


def codec_map(dec):
    """(types[128], singles[128], pairs[128 * 256]) for the bytes 0x80..0xFF."""
    types, singles, pairs = [INVALID] * 128, [0] * 128, [0] * (128 * 256)
    for b in range(0x80, 0x100):
        cps, err = dec.decode(bytes([b]))
        if err == errno.EINVAL:
            types[b - 0x80] = LEAD
            for t in range(FIRST_TRAIL, 0x100):
                cps, err = dec.decode(bytes([b, t, 0x0A]))
                if err:
                    continue
                before = cps[:cps.index(0x0A)] if 0x0A in cps else cps
                pairs[(b - 0x80) * 256 + t] = entry(before)
        elif not err and cps:
            types[b - 0x80], singles[b - 0x80] = SINGLE, entry(cps)
    return types, singles, pairs


def numbers(values, per_line=16):
    """values as C initialiser lines, in decimal (zeros, most of the table, stay one digit)."""
    out = []
    for i in range(0, len(values), per_line):
        out.append("    " + ",".join(str(v) for v in values[i:i + per_line]) + ",")
    return "\n".join(out)


def main():
    text = open(sys.argv[1]).read()
    names = sorted(set(re.findall(r'ENCODING\(\w+,\s*"[^"]*",\s*"([^"]*)",\s*MBCS,', text)))
    version = subprocess.run(["ldd", "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0]
    w = sys.stdout.write
    w("/* Generated at build time by tables/gen_dbcs_maps.py from src/detect/encodings.def; do not\n")
    w(" * edit. The single bytes 0x80..0xFF and the pairs of every double-byte encoding as glibc's\n")
    w(" * iconv decodes them (see the generator for what each entry means). Source: %s\n" % version)
    w(" * (LGPL-2.1-or-later), its gconv charmaps. */\n")
    w('#include "dbcs_maps.h"\n\n')
    made = []
    for k, name in enumerate(names):
        dec = Decoder(name)
        if dec.cd is None:
            sys.stderr.write("gen_dbcs_maps.py: iconv lacks %s; fixtext will not read it\n" % name)
            continue
        types, singles, pairs = codec_map(dec)
        dec.close()
        w("static const uint16_t pairs_%d[128 * 256] = {\n%s\n};\n\n" % (k, numbers(pairs)))
        made.append((k, name, types, singles))
    w("const ft_dbcs_map ft_dbcs_maps[] = {\n")
    for k, name, types, singles in made:
        w('    {"%s",\n     {%s},\n     {%s},\n     pairs_%d},\n' % (
            name, ",".join(map(str, types)), ",".join(map(str, singles)), k))
    w("};\n\nconst unsigned ft_dbcs_map_count = sizeof ft_dbcs_maps / sizeof ft_dbcs_maps[0];\n")


if __name__ == "__main__":
    main()
