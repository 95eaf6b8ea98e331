#!/usr/bin/env python3
"""Generates tables/pinyin_readings.c: every Mandarin reading of every Han character in Unihan,
for the pinyin stage (src/stages/pinyin.c), which strips an annotation only when it is a reading of the
character before it.

Source: Unihan_Readings.txt from the Unicode Character Database (Debian's unicode-data package,
/usr/share/unicode/Unihan_Readings.txt.bz2), fields kMandarin, kHanyuPinyin, kXHC1983 and
kTGHZ2013, every reading of every field (neutral-tone forms such as zhe, le, de included).
A character also takes the readings of its Simplified and Traditional counterparts
(Unihan_Variants.txt: kSimplifiedVariant, kTraditionalVariant): simplification merged characters
(从 for both 从 cóng and 從 zòng, 干 for 乾 and 幹), and annotators look readings up in
dictionaries keyed by either form. A CJK compatibility ideograph (U+F900.., U+2F800..) takes the
readings of the unified ideograph it decomposes to (UnicodeData.txt), since text that was never
normalised keeps them.

Layout (compact, plain const arrays, nothing to load at run time):
  - ft_py_syllables[]: the distinct toneless syllables, sorted, spelt in ASCII with 'v' for ü and
    'E' for ê (so the stage can binary-search the spelling it parsed);
  - ft_py_syllable_tones[]: for each syllable, a bit mask of the tones any character has with it
    (bit 0 neutral, bits 1-4 the four tones), for annotations whose character was damaged;
  - ft_py_syllable_keys[]: the same spellings packed big-endian into a uint64 (same order), so
    that the stage compares integers, not strings;
  - ft_py_cp[] / ft_py_set[]: sorted code points and, for each, the index of its reading set;
  - ft_py_common_set[]: the same for U+3400..U+9FFF (Extension A and the URO, where nearly all
    text is) indexed directly, FT_PY_NONE where a character has no reading;
  - ft_py_set_start[] / ft_py_pool[]: reading sets (shared by all characters that have the same
    set), each reading a uint16 (syllable index << 3 | tone 0-4).

Also ft_py_plain[], a bit per character of U+3400..U+9FFF: set for the characters a pinyin
annotation has no reason to gloss — everyday characters with one modern reading. Everyday: in
the 3,755 level-1 characters of GB 2312-80 (rows 16-55) or the 5,401 frequently used characters
of Big5 (A440-C67E), or the Simplified/Traditional counterpart of one (the code ranges of the
standards, read through Python's gb2312 and big5 codecs). One modern reading: kMandarin and
kTGHZ2013 (the 2013 general standard character dictionary) of the character and its
counterparts give one toned syllable. Glosses annotate rare or polyphonic characters (醪(láo),
行(háng)); annotations on plain ones (網(wǎng), 國(guó)) are what spam mirrors add.

Usage: gen_readings.py [Unihan_Readings.txt[.bz2] [Unihan_Variants.txt[.bz2] [UnicodeData.txt]]]
         > tables/pinyin_readings.c
"""
import bz2
import sys
import unicodedata

FIELDS = ("kMandarin", "kHanyuPinyin", "kXHC1983", "kTGHZ2013")
MODERN = ("kMandarin", "kTGHZ2013")
EVERYDAY = (("gb2312", 0xB0A1, 0xD7F9), ("big5", 0xA440, 0xC67E))
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}


def split_reading(r):
    """'zhuó' -> ('zhuo', 2); 'lüè' -> ('lve', 4); 'ê̄' -> ('E', 1)."""
    tone = 0
    out = []
    for ch in unicodedata.normalize("NFD", r):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        elif ch == "\u0308":  # ü: u + diaeresis
            if not out or out[-1] != "u":
                raise ValueError(r)
            out[-1] = "v"
        elif ch == "\u0302":  # ê: e + circumflex
            if not out or out[-1] != "e":
                raise ValueError(r)
            out[-1] = "E"
        elif "a" <= ch <= "z":
            out.append(ch)
        else:
            raise ValueError(r)
    return "".join(out), tone


def variants(path):
    """(cp, counterpart cp) for every Simplified/Traditional variant pair."""
    opener = bz2.open if path.endswith(".bz2") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] in ("kSimplifiedVariant", "kTraditionalVariant"):
                for v in parts[2].split():
                    yield int(parts[0][2:], 16), int(v.split("<")[0][2:], 16)


def readings_of(field, value):
    for token in value.split():
        if field != "kMandarin":
            token = token.split(":", 1)[1]  # dictionary positions before the colon
        for r in token.split(","):
            yield r


def everyday(cp):
    for codec, first, last in EVERYDAY:
        try:
            b = chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and first <= int.from_bytes(b, "big") <= last:
            return True
    return False


def plain_characters(modern, pairs):
    """Code points in U+3400..U+9FFF that are everyday and have one modern toned reading."""
    counterparts = {}
    for cp, other in pairs:
        counterparts.setdefault(cp, set()).add(other)
    plain = set()
    for cp in range(0x3400, 0xA000):
        family = {cp} | counterparts.get(cp, set())
        if not any(everyday(c) for c in family):
            continue
        readings = {r for c in family for r in modern.get(c, ()) if r[1] != 0}
        if len(readings) == 1:
            plain.add(cp)
    return plain


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode/Unihan_Readings.txt.bz2"
    opener = bz2.open if path.endswith(".bz2") else open
    header = []
    chars = {}
    modern = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                if len(header) < 12 and ("Date" in line or "version" in line):
                    header.append(line[1:].strip())
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[1] not in FIELDS:
                continue
            cp = int(parts[0][2:], 16)
            for r in readings_of(parts[1], parts[2]):
                chars.setdefault(cp, set()).add(split_reading(r))
                if parts[1] in MODERN:
                    modern.setdefault(cp, set()).add(split_reading(r))

    vpath = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/unicode/Unihan_Variants.txt.bz2"
    own = {cp: set(rs) for cp, rs in chars.items()}
    pairs = list(variants(vpath))
    plain = plain_characters(modern, pairs)
    for cp, other in pairs:
        if other in own and other != cp:
            chars.setdefault(cp, set()).update(own[other])

    udata = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/unicode/UnicodeData.txt"
    with open(udata, encoding="utf-8") as f:
        for line in f:
            fields = line.split(";")
            if fields[1].startswith("CJK COMPATIBILITY IDEOGRAPH") and fields[5]:
                cp, target = int(fields[0], 16), int(fields[5], 16)
                if target in own:
                    chars.setdefault(cp, set()).update(own[target])

    syllables = sorted({s for rs in chars.values() for s, _ in rs})
    index = {s: i for i, s in enumerate(syllables)}
    assert len(syllables) < 8192
    tones = [0] * len(syllables)
    for rs in chars.values():
        for s, t in rs:
            tones[index[s]] |= 1 << t

    sets = {}
    cp_set = []
    for cp in sorted(chars):
        key = tuple(sorted(index[s] << 3 | t for s, t in chars[cp]))
        cp_set.append((cp, sets.setdefault(key, len(sets))))
    set_list = sorted(sets, key=sets.get)
    starts, pool = [], []
    for key in set_list:
        starts.append(len(pool))
        pool.extend(key)
    starts.append(len(pool))
    assert len(pool) < 65536 and len(set_list) < 65536

    w = sys.stdout.write
    w("/* pinyin_readings.c — GENERATED by tables/gen_readings.py; do not edit.\n")
    w(" * Every Mandarin reading of every Han character (kMandarin, kHanyuPinyin, kXHC1983,\n")
    w(" * kTGHZ2013) from Unihan_Readings.txt, plus those of its Simplified/Traditional variants\n")
    w(" * (Unihan_Variants.txt) or of its canonical decomposition (UnicodeData.txt); Unicode\n")
    w(" * Character Database")
    w(",\n * " + "; ".join(header) + ".\n" if header else ".\n")
    w(" * ft_py_plain also reads the level-1 range of GB 2312-80 and the frequently used range of\n")
    w(" * Big5 (through Python's gb2312 and big5 codecs) to tell everyday characters.\n")
    w(" * Source licence: Unicode License Agreement - Data Files and Software,\n")
    w(" * https://www.unicode.org/license.txt (permits copying and derived works with this notice).\n")
    w(" * %d characters, %d distinct reading sets, %d syllables. */\n" %
      (len(cp_set), len(set_list), len(syllables)))
    w('#include "pinyin_readings.h"\n\n')
    w("const char *const ft_py_syllables[FT_PY_SYLLABLES] = {\n")
    for i in range(0, len(syllables), 12):
        w("    " + " ".join('"%s",' % s for s in syllables[i:i + 12]) + "\n")
    w("};\n\nconst uint64_t ft_py_syllable_keys[FT_PY_SYLLABLES] = {\n")
    keys = [int.from_bytes(x.encode("ascii").ljust(8, b"\0"), "big") for x in syllables]
    assert keys == sorted(keys) and all(len(x) <= 8 for x in syllables)
    for i in range(0, len(keys), 4):
        w("    " + " ".join("0x%016XULL," % k for k in keys[i:i + 4]) + "\n")
    w("};\n\nconst uint8_t ft_py_syllable_tones[FT_PY_SYLLABLES] = {\n")
    for i in range(0, len(tones), 24):
        w("    " + ",".join(str(t) for t in tones[i:i + 24]) + ",\n")
    w("};\n\nconst uint32_t ft_py_cp[FT_PY_CHARS] = {\n")
    for i in range(0, len(cp_set), 12):
        w("    " + ",".join("0x%X" % c for c, _ in cp_set[i:i + 12]) + ",\n")
    w("};\n\nconst uint16_t ft_py_set[FT_PY_CHARS] = {\n")
    for i in range(0, len(cp_set), 20):
        w("    " + ",".join(str(s) for _, s in cp_set[i:i + 20]) + ",\n")
    w("};\n\nconst uint16_t ft_py_common_set[FT_PY_COMMON_LAST - FT_PY_COMMON_FIRST + 1] = {\n")
    by_cp = dict(cp_set)
    common = [by_cp.get(c, 0xFFFF) for c in range(0x3400, 0xA000)]
    for i in range(0, len(common), 20):
        w("    " + ",".join(str(x) for x in common[i:i + 20]) + ",\n")
    w("};\n\n/* %d plain characters: everyday, one modern reading (see the generator) */\n" % len(plain))
    w("const uint8_t ft_py_plain[(FT_PY_COMMON_LAST - FT_PY_COMMON_FIRST + 1) / 8] = {\n")
    bits = [sum(1 << k for k in range(8) if c + k in plain) for c in range(0x3400, 0xA000, 8)]
    for i in range(0, len(bits), 24):
        w("    " + ",".join(str(b) for b in bits[i:i + 24]) + ",\n")
    w("};\n\nconst uint16_t ft_py_set_start[FT_PY_SETS + 1] = {\n")
    for i in range(0, len(starts), 20):
        w("    " + ",".join(str(s) for s in starts[i:i + 20]) + ",\n")
    w("};\n\nconst uint16_t ft_py_pool[FT_PY_POOL] = {\n")
    for i in range(0, len(pool), 20):
        w("    " + ",".join(str(s) for s in pool[i:i + 20]) + ",\n")
    w("};\n")

    with open(__file__.replace("gen_readings.py", "pinyin_readings.h"), "w") as h:
        h.write("/* pinyin_readings.h — GENERATED by tables/gen_readings.py; do not edit.\n"
                " * Declarations of the readings table (layout: see the generator). */\n"
                "#ifndef FIXTEXT_PINYIN_READINGS_H\n#define FIXTEXT_PINYIN_READINGS_H\n"
                "#include <stdint.h>\n\n")
        h.write("#define FT_PY_SYLLABLES %d\n#define FT_PY_CHARS %d\n#define FT_PY_SETS %d\n"
                "#define FT_PY_POOL %d\n#define FT_PY_COMMON_FIRST 0x3400\n#define FT_PY_COMMON_LAST 0x9FFF\n"
                "#define FT_PY_NONE 0xFFFF\n\n" % (len(syllables), len(cp_set), len(set_list), len(pool)))
        h.write("extern const char *const ft_py_syllables[FT_PY_SYLLABLES];\n"
                "extern const uint64_t ft_py_syllable_keys[FT_PY_SYLLABLES];\n"
                "extern const uint8_t ft_py_syllable_tones[FT_PY_SYLLABLES];\n"
                "extern const uint16_t ft_py_common_set[FT_PY_COMMON_LAST - FT_PY_COMMON_FIRST + 1];\n"
                "extern const uint8_t ft_py_plain[(FT_PY_COMMON_LAST - FT_PY_COMMON_FIRST + 1) / 8];\n"
                "extern const uint32_t ft_py_cp[FT_PY_CHARS];\n"
                "extern const uint16_t ft_py_set[FT_PY_CHARS];\n"
                "extern const uint16_t ft_py_set_start[FT_PY_SETS + 1];\n"
                "extern const uint16_t ft_py_pool[FT_PY_POOL];\n\n#endif\n")


if __name__ == "__main__":
    main()
