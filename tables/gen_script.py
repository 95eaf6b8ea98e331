#!/usr/bin/env python3
"""Generates tables/script_table.c and tables/script_table.h: for every character that OpenCC's
character dictionaries know, which script it marks, for the script classifier (src/stages/script.c) and
for the conversion stage (src/stages/convert.c), which converts only text not already in its target
script.

Source: the OpenCC dictionaries fixtext converts with (default tables/opencc/*.txt, OpenCC 1.4.2's,
see tables/gen_opencc_data.py), so the classifier and the conversion agree. A directory of .ocd2
files only (Debian's libopencc-data, /usr/share/opencc) is read through `opencc_dict -f ocd2 -t
text` (Debian's opencc package). Each line of a text dictionary is "key<TAB>candidate
candidate ..."; OpenCC converts a key to its first candidate.

Flags per code point (a uint32):
  FT_SC  simplified form: STCharacters changes it (s2t would convert it: 发 后 干 么)
  FT_TC  traditional form: TSCharacters (after TSCharactersExt, which t2s asks first) changes it
         (t2s would convert it: 發 麼 乾)
  FT_SO  simplified only: FT_SC, not among its own candidates (发, not 后 干 里), and not the
         Taiwan or Hong Kong form of the character it converts to (not 群 峰 床: TWVariants)
  FT_TO  traditional only: FT_TC, and not among its own candidates (發 麼, not 乾)
  FT_TWK / FT_TWV  key / first candidate of TWVariants (OpenCC form 爲 → Taiwan form 為)
  FT_HKK / FT_HKV  key / first candidate of HKVariants (OpenCC form 爲 → Hong Kong form 為)
  FT_TRT / FT_SRT  round trip: a FT_TC character that TSCharacters then STCharacters (first
                   candidates) give back, a FT_SC one that STCharacters then TSCharacters give
                   back. In a phrase of mixed script, such a character is what the conversion
                   of its own reading gives, and the phrase may change it (數据库 -> 資料庫);
                   one that does not round-trip (髮, 遊) was chosen on purpose and is kept.
  FT_TWS / FT_HKS  FT_TWV / FT_HKV and FT_SO both: 么 is Simplified for 麼 and Taiwan's form of
                   幺, so from Taiwan text (tw2s) it is a source character
  FT_K_*           the character occurs in a key of one group of dictionaries (KEY_GROUPS):
                   a character in no key of a configuration's dictionaries is never part of a
                   match there, so the converter may cut the text at it (src/convert.c: split;
                   only with this same data, named by FT_SCRIPT_DATA_ID)
  FT_JPK / FT_JPV  key / first candidate of JPShinjitaiCharactersRev, t2jp's dictionary
                   (JPVariants in OpenCC 1.1) (traditional 會 → shinjitai 会), plus
                   the keys of JPShinjitaiCharacters as FT_JPV (両 芸 弁: shinjitai forms)
The classifier uses FT_SO/FT_TO (a character that is valid in both scripts, such as 后 or 乾, says
nothing); the converter uses FT_SC/FT_TC and the variant flags (see src/stages/convert.c).

Layout: ft_script_index[cp >> 8] (0x1100 uint16 entries) names a 256-entry block (uint32) of
ft_script_blocks[]; block 0 is all zero, so most of Unicode costs two bytes of index. (Whether a
character is Han at all is the character-class table's answer: src/charclass.h.)

Usage: gen_script.py [OPENCC_DATA_DIR] > tables/script_table.c   (writes script_table.h beside
the .c named by --header, default tables/script_table.h)
"""
import os
import subprocess
import sys
import tempfile

FLAGS = [
    ("FT_SC", "simplified form: s2t's character dictionary changes it"),
    ("FT_TC", "traditional form: t2s's character dictionary changes it"),
    ("FT_SO", "simplified only: FT_SC, not one of its own candidates, not a Taiwan/HK form"),
    ("FT_TO", "traditional only: FT_TC and not one of its own candidates"),
    ("FT_TWK", "key of TWVariants (OpenCC traditional form with a Taiwan variant)"),
    ("FT_TWV", "Taiwan variant form (first candidate of TWVariants)"),
    ("FT_HKK", "key of HKVariants (OpenCC traditional form with a Hong Kong variant)"),
    ("FT_HKV", "Hong Kong variant form (first candidate of HKVariants)"),
    ("FT_JPK", "key of JPVariants (traditional form with a Japanese shinjitai variant)"),
    ("FT_JPV", "Japanese shinjitai form (JPVariants candidate, JPShinjitaiCharacters key)"),
    ("FT_TRT", "traditional form t2s then s2t give back (發: 发 -> 發; not 髮 or 遊)"),
    ("FT_SRT", "simplified form s2t then t2s give back (发: 發 -> 发)"),
    ("FT_TWS", "Taiwan form that is Simplified-only too (么: Taiwan's 幺, Simplified 麼)"),
    ("FT_HKS", "Hong Kong form that is Simplified-only too"),
    ("FT_K_TS", "in a key of TSPhrases, TSCharacters(Ext) (every conversion to Simplified)"),
    ("FT_K_ST", "in a key of STPhrasesUnion, STCharacters (every conversion from Simplified)"),
    ("FT_K_TWV", "in a key of TWVariantsPhrases, TWVariants (s2tw s2twp t2tw)"),
    ("FT_K_TWP", "in a key of TWPhrases (s2twp)"),
    ("FT_K_TWVR", "in a key of TWVariantsRevPhrases, TWVariantsRev (tw2s tw2sp tw2t)"),
    ("FT_K_TWPR", "in a key of TWPhrasesRev (tw2sp)"),
    ("FT_K_HKV", "in a key of HKVariantsPhrases, HKVariants (s2hk s2hkp t2hk)"),
    ("FT_K_HKP", "in a key of HKPhrases (s2hkp)"),
    ("FT_K_HKVR", "in a key of HKVariantsRevPhrases, HKVariantsRev (hk2s hk2sp hk2t)"),
    ("FT_K_HKPR", "in a key of HKPhrasesRev (hk2sp)"),
    ("FT_K_JP", "in a key of JPShinjitaiPhrases, JPShinjitaiCharacters (jp2t)"),
    ("FT_K_JPR", "in a key of JPShinjitaiCharactersRev (t2jp)"),
]
BIT = {name: 1 << i for i, (name, _) in enumerate(FLAGS)}


def load(data_dir, name, tmp):
    """Returns {key: [candidates]} of one OpenCC dictionary (text, or .ocd2 read as text)."""
    out = os.path.join(data_dir, name + ".txt")
    if not os.path.exists(out):
        out = os.path.join(tmp, name + ".txt")
        subprocess.run(["opencc_dict", "-i", os.path.join(data_dir, name + ".ocd2"), "-o", out,
                        "-f", "ocd2", "-t", "text"], check=True, stdout=subprocess.DEVNULL)
    d = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            key, _, values = line.rstrip("\n").partition("\t")
            d[key] = values.split(" ")
    return d


# The dictionaries behind each key flag. (CJK_Compatibility_Ideographs is in none: fixtext
# normalizes a line before converting it, see tables/gen_opencc_data.py.)
KEY_GROUPS = [
    ("FT_K_TS", ["TSPhrases", "TSCharacters", "TSCharactersExt"]),
    ("FT_K_ST", ["STPhrasesUnion", "STCharacters"]),
    ("FT_K_TWV", ["TWVariantsPhrases", "TWVariants"]),
    ("FT_K_TWP", ["TWPhrases"]),
    ("FT_K_TWVR", ["TWVariantsRevPhrases", "TWVariantsRev"]),
    ("FT_K_TWPR", ["TWPhrasesRev"]),
    ("FT_K_HKV", ["HKVariantsPhrases", "HKVariants"]),
    ("FT_K_HKP", ["HKPhrases"]),
    ("FT_K_HKVR", ["HKVariantsRevPhrases", "HKVariantsRev"]),
    ("FT_K_HKPR", ["HKPhrasesRev"]),
    ("FT_K_JP", ["JPShinjitaiPhrases", "JPShinjitaiCharacters"]),
    ("FT_K_JPR", ["JPShinjitaiCharactersRev"]),
]


def keys_of(data_dir, name):
    """Keys of a text dictionary of data_dir; none when it is not there (key flags are then
    incomplete, and data_id() says the data is not fixtext's own)."""
    path = os.path.join(data_dir, name + ".txt")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.split("\t", 1)[0] for line in f]


def data_id(data_dir):
    """The identity of fixtext's own data (tables/opencc/DATA_ID), "" for other data."""
    path = os.path.join(data_dir, "DATA_ID")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def opencc_version(data_dir):
    readme = os.path.join(data_dir, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            for line in f:
                if "version" in line and "npm package" in line:
                    return line.split("version", 1)[1].split(",")[0].strip()
    try:
        r = subprocess.run(["opencc", "--version"], capture_output=True, text=True)
        for line in (r.stdout + r.stderr).splitlines():
            if line.strip().startswith("Version"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data_dir = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "opencc")
    flags = {}

    def mark(ch, bit):
        if len(ch) != 1:
            sys.exit("gen_script.py: multi-character key %r in a character dictionary" % ch)
        flags[ord(ch)] = flags.get(ord(ch), 0) | BIT[bit]

    with tempfile.TemporaryDirectory() as tmp:
        st = load(data_dir, "STCharacters", tmp)
        ts = load(data_dir, "TSCharacters", tmp)
        # t2s asks TSCharactersExt first (OpenCC 1.4: rare characters whose Simplified form is in
        # CJK Extension B and later, which TSCharacters maps to themselves): what t2s does.
        if any(os.path.exists(os.path.join(data_dir, "TSCharactersExt" + e))
               for e in (".txt", ".ocd2")):
            ts.update(load(data_dir, "TSCharactersExt", tmp))
        tw = load(data_dir, "TWVariants", tmp)
        hk = load(data_dir, "HKVariants", tmp)
        jp_name = "JPShinjitaiCharactersRev"
        if not any(os.path.exists(os.path.join(data_dir, jp_name + e)) for e in (".txt", ".ocd2")):
            jp_name = "JPVariants"  # OpenCC 1.1's name for t2jp's dictionary
        jp = load(data_dir, jp_name, tmp)
        jps = load(data_dir, "JPShinjitaiCharacters", tmp)

    # Simplified forms that are also the Taiwan or Hong Kong form of the same character: 群 is
    # what t2s makes of OpenCC's 羣 and what Taiwan writes for it (TWVariants 羣 -> 群), so it is
    # regular Traditional text too. (么 is not: Taiwan's 么 stands for 幺, not for 麼.)
    shared = {v[0] for d in (tw, hk) for k, v in d.items() if ts.get(k, [k])[0] == v[0]}
    for d, changed, only in ((st, "FT_SC", "FT_SO"), (ts, "FT_TC", "FT_TO")):
        for k, cands in d.items():
            if cands[0] != k:
                mark(k, changed)
                if k not in cands and not (only == "FT_SO" and k in shared):
                    mark(k, only)
    for d, back, bit in ((ts, st, "FT_TRT"), (st, ts, "FT_SRT")):
        for k, cands in d.items():
            if cands[0] != k and back.get(cands[0], [cands[0]])[0] == k:
                mark(k, bit)
    for d, kbit, vbit in ((tw, "FT_TWK", "FT_TWV"), (hk, "FT_HKK", "FT_HKV"),
                          (jp, "FT_JPK", "FT_JPV")):
        for k, cands in d.items():
            if cands[0] != k:
                mark(k, kbit)
                mark(cands[0], vbit)
    for k in jps:
        mark(k, "FT_JPV")
    for bit, names in KEY_GROUPS:
        for name in names:
            for key in keys_of(data_dir, name):
                for ch in key:
                    flags[ord(ch)] = flags.get(ord(ch), 0) | BIT[bit]
    for cp, f in list(flags.items()):
        for v, both in (("FT_TWV", "FT_TWS"), ("FT_HKV", "FT_HKS")):
            if f & BIT[v] and f & BIT["FT_SO"]:
                mark(chr(cp), both)

    blocks = {}
    for cp, f in flags.items():
        blocks.setdefault(cp >> 8, [0] * 256)[cp & 0xFF] = f
    order = sorted(blocks)
    number = {b: i + 1 for i, b in enumerate(order)}
    if len(order) >= 0xFFFF:
        sys.exit("gen_script.py: too many blocks for the index")

    counts = {name: sum(1 for f in flags.values() if f & BIT[name]) for name, _ in FLAGS}
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "script_table.h")
    for i, a in enumerate(sys.argv):
        if a.startswith("--header="):
            header = a.split("=", 1)[1]
    shown = os.path.relpath(data_dir, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if shown.startswith(".."):
        shown = data_dir
    source_note = (
        " * Source: OpenCC %s dictionaries (STCharacters, TSCharacters, TWVariants, HKVariants,\n"
        " * %s, JPShinjitaiCharacters) from %s.\n"
        " * Source licence: Apache License 2.0 (OpenCC, https://github.com/BYVoid/OpenCC).\n"
        % (opencc_version(data_dir), jp_name, shown))

    with open(header, "w", encoding="utf-8") as h:
        h.write("/* script_table.h — GENERATED by tables/gen_script.py; do not edit.\n")
        h.write(" * Which script each character marks, from OpenCC's character dictionaries.\n")
        h.write(source_note + " */\n")
        h.write("#ifndef FIXTEXT_SCRIPT_TABLE_H\n#define FIXTEXT_SCRIPT_TABLE_H\n")
        h.write("#include <stdint.h>\n\n")
        h.write("enum {\n")
        for name, doc in FLAGS:
            h.write("    %s = 0x%07x, /* %s */\n" % (name, BIT[name], doc))
        h.write("};\n\n#define FT_SCRIPT_BLOCKS %d\n" % (len(order) + 1))
        h.write("/* The data the key flags (FT_K_*) hold for: its DATA_ID file. */\n")
        h.write("#define FT_SCRIPT_DATA_ID \"%s\"\n" % data_id(data_dir))
        h.write("extern const uint16_t ft_script_index[0x1100];\n")
        h.write("extern const uint32_t ft_script_blocks[FT_SCRIPT_BLOCKS][256];\n\n")
        h.write("/* Flags of one code point (0 for any character OpenCC's dictionaries do not mark). */\n")
        h.write("static inline unsigned ft_script_flags(uint32_t cp)\n{\n")
        h.write("    return cp < 0x110000 ? ft_script_blocks[ft_script_index[cp >> 8]][cp & 0xFF] : 0;\n")
        h.write("}\n\n#endif\n")

    w = sys.stdout.write
    w("/* script_table.c — GENERATED by tables/gen_script.py; do not edit.\n")
    w(" * Which script each character marks (flags: see script_table.h and the generator).\n")
    w(source_note)
    w(" * %d characters: %s. */\n" % (len(flags), ", ".join(
        "%s %d" % (n, c) for n, c in counts.items())))
    w('#include "script_table.h"\n\n')
    w("const uint16_t ft_script_index[0x1100] = {\n")
    idx = [number.get(b, 0) for b in range(0x1100)]
    for i in range(0, len(idx), 32):
        w("    " + ",".join(str(x) for x in idx[i:i + 32]) + ",\n")
    w("};\n\nconst uint32_t ft_script_blocks[FT_SCRIPT_BLOCKS][256] = {\n    {0},\n")
    for b in order:
        row = blocks[b]
        w("    /* U+%04X */ {\n" % (b << 8))
        for i in range(0, 256, 32):
            w("        " + ",".join(str(x) for x in row[i:i + 32]) + ",\n")
        w("    },\n")
    w("};\n")


if __name__ == "__main__":
    main()
