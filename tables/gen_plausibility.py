#!/usr/bin/env python3
"""Generates tables/plausibility_tables.c: a pooled character model of real text in many languages,
used by src/detect/plausibility.c to say how natural a decoded line looks (and so, which decoding of a
line's bytes is the right one).

Sources (real text, named in the generated file):
  - Simplified Chinese: jieba's dictionary (/usr/lib/python3/dist-packages/jieba/dict.txt, MIT),
    every word weighted by its frequency (characters and the pairs inside words), plus the
    zh_CN message catalogues below;
  - Traditional Chinese: the same dictionary converted through OpenCC (`opencc -c s2t.json`,
    Apache-2.0 data), plus the zh_TW/zh_HK catalogues;
  - every other language: the translated message catalogues (.mo) that Debian installs under
    /usr/share/locale/<lang>/LC_MESSAGES (msgstr texts; each package's own licence, mostly GPL/LGPL),
    read with the .mo format's documented layout (what `msgunfmt` prints).
  Catalogues whose domain hashes to 0 mod 5 are held out (tables never see them), so a development
  set can be drawn from them (bench/bench_detect.py uses those and man pages, never table text).

Model: for each language, character counts and counts of adjacent pairs (at least one character
non-ASCII). Languages are pooled with fixed weights (each language's counts normalised to its
weight), so P(c) is a mixture over languages and P(b|a) is the pooled conditional. Stored:
  - ft_pl_uni_cp[] / ft_pl_uni_cost[]: characters (sorted) and -log2 P(c) in 1/8 bits;
  - ft_pl_uni_floor[]: the least a character costs after any other (rounded down), so the
    detector can rule a reading out from a lower bound without looking up pairs;
  - ft_pl_pair_fp[] / ft_pl_pair_cost[]: an open-addressing hash table (linear probing) of pairs,
    key = (a << 21 | b) * 0x9E3779B97F4A7C15 mod 2^64, slot = key >> (64 - FT_PL_PAIR_BITS),
    fingerprint = (key & 0xFFFFFFFF) | 1; cost = -log2(LAMBDA P(b|a) + (1 - LAMBDA) P(b)) in 1/8
    bits. A pair is stored only when it is at least 1 bit cheaper than the back-off
    -log2((1 - LAMBDA) P(b)) that src/detect/plausibility.c uses for pairs not in the table.

Usage: gen_plausibility.py > tables/plausibility_tables.c
(also writes tables/plausibility_tables.h and tables/catalogue_domains.txt, the catalogues read)
"""
import collections
import glob
import hashlib
import math
import os
import struct
import subprocess
import sys

JIEBA = "/usr/lib/python3/dist-packages/jieba/dict.txt"
LOCALE = "/usr/share/locale"
LAMBDA = 0.85
UNI_MIN = 1e-8          # characters rarer than this in the pooled model are left to the classes
PAIR_MAX = 90000       # most useful pairs kept
PAIR_BITS = 17

# language -> (weight, locale directories). A language's weight is paid by each of its characters
# in the pooled model, so a script written by one language only (Greek, Hebrew, Arabic) gets about
# the mass of a whole family of languages (Cyrillic, Latin): otherwise short lines in those
# scripts would lose against same-length readings in a heavier script. Likewise every language
# with a code page of its own (Baltic: windows-1257) gets at least 0.15.
LANGS = {
    "zh-Hans": (1.0, ["zh_CN", "zh_SG"]),
    "zh-Hant": (0.8, ["zh_TW", "zh_HK"]),
    "ja": (0.8, ["ja"]),
    "ko": (0.6, ["ko"]),
    "ru": (0.5, ["ru"]),
    "uk": (0.25, ["uk"]),
    "bg": (0.2, ["bg"]),
    "sr": (0.1, ["sr"]),
    "be": (0.08, ["be"]),
    "mk": (0.05, ["mk"]),
    "de": (0.3, ["de"]),
    "fr": (0.3, ["fr"]),
    "es": (0.3, ["es"]),
    "pt": (0.2, ["pt", "pt_BR"]),
    "it": (0.2, ["it"]),
    "nl": (0.1, ["nl"]),
    "sv": (0.1, ["sv"]),
    "da": (0.06, ["da"]),
    "nb": (0.06, ["nb"]),
    "fi": (0.1, ["fi"]),
    "is": (0.03, ["is"]),
    "ca": (0.06, ["ca"]),
    "pl": (0.3, ["pl"]),
    "cs": (0.25, ["cs"]),
    "sk": (0.15, ["sk"]),
    "hu": (0.2, ["hu"]),
    "ro": (0.15, ["ro"]),
    "sl": (0.1, ["sl"]),
    "hr": (0.1, ["hr"]),
    "tr": (0.2, ["tr"]),
    "el": (1.0, ["el"]),
    "he": (1.0, ["he"]),
    "ar": (0.8, ["ar"]),
    "fa": (0.2, ["fa"]),
    "et": (0.15, ["et"]),
    "lv": (0.2, ["lv"]),
    "lt": (0.2, ["lt"]),
    "vi": (0.1, ["vi"]),
    "th": (1.0, ["th"]),  # (a script of its own, as el and he: windows-874 / TIS-620)
    "eo": (0.03, ["eo"]),
}
# Languages that the single-byte code pages of bigger languages also read as letters. Without a
# letter model of their own (gen_letters.py), Albanian "është" in windows-1252 was best read as
# Lithuanian "ėsht" in windows-1257, Breton "kargañ" as Polish "kargań" in windows-1250, Faroese
# "boðrøð" as "bošrųš" (bench_encodings.py --source more: 79.0% of files). In the pooled model
# each weighs SMALL_WEIGHT. (locale directories, as in LANGS)
SMALL_LANGS = {
    "sq": ["sq"], "af": ["af"], "ga": ["ga"], "gd": ["gd"], "cy": ["cy"], "br": ["br"],
    "gl": ["gl"], "ast": ["ast"], "eu": ["eu"], "oc": ["oc"], "wa": ["wa"], "nn": ["nn"],
    "fo": ["fo"], "id": ["id", "ms"], "ia": ["ia"], "xh": ["xh"], "tl": ["tl", "fil"],
    "mt": ["mt"], "bs": ["bs"], "az": ["az"], "crh": ["crh"],
}
SMALL_WEIGHT = 0.03
# Languages whose scripts no language above writes (Indic scripts, Georgian, Armenian, Myanmar,
# Khmer, Lao, Ethiopic, Tibetan, Thaana, Shavian). Without them a repair into those scripts was
# text of no language: UTF-8 Hindi or Georgian read as windows-1252 never came back, and half of
# such lines were "repaired" into other garbage ("西쒉쨼西¨"): 0 of 11,800 restored in
# bench/bench_mojibake.sh's corpus (2026-12-05). Their weight is small (no code page of theirs is
# a detection candidate, so only repairs into them need their costs), which moves every other
# character's cost by less than a tenth of a bit.
SCRIPT_LANGS = {
    "hi": ["hi"], "mr": ["mr"], "ne": ["ne"], "bn": ["bn"], "as": ["as"], "pa": ["pa"],
    "gu": ["gu"], "or": ["or"], "ta": ["ta"], "te": ["te"], "kn": ["kn"], "ml": ["ml"],
    "si": ["si"], "ka": ["ka"], "hy": ["hy"], "my": ["my"], "km": ["km"], "lo": ["lo"],
    "am": ["am"], "ti": ["ti"], "dz": ["dz"], "dv": ["dv"], "en@shaw": ["en@shaw"],
}
SCRIPT_WEIGHT = 0.03


def held_out(domain):
    """Catalogues kept for the development set, never used for tables."""
    return hashlib.md5(domain.encode()).digest()[0] % 5 == 0


def mo_strings(path):
    """msgstr texts of a .mo file (GNU gettext binary format)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412DE else ">"
    _, n, _, toff = struct.unpack(end + "4I", data[4:20])
    out = []
    for i in range(n):
        ln, off = struct.unpack(end + "2I", data[toff + 8 * i:toff + 8 * i + 8])
        if i == 0 and ln and data[off:off + ln].startswith(b"Project-Id") or ln == 0:
            continue
        raw = data[off:off + ln]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        for part in text.split("\0"):
            out.append(part)
    return out


def catalogue_text(dirs):
    texts, used = [], []
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(LOCALE, d, "LC_MESSAGES", "*.mo"))):
            domain = os.path.basename(path)[:-3]
            if held_out(domain):
                continue
            texts.extend(mo_strings(path))
            used.append(domain)
    return texts, used


class Counts:
    def __init__(self):
        self.uni = collections.Counter()
        self.pair = collections.Counter()
        self.total = 0.0

    def add(self, text, weight=1.0):
        prev = None
        for ch in text:
            if ch == "\n":
                prev = None
                continue
            self.uni[ch] += weight
            self.total += weight
            if prev is not None and (ord(prev) > 0x7F or ord(ch) > 0x7F):
                self.pair[(prev, ch)] += weight
            prev = ch


def jieba_words():
    with open(JIEBA, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                yield parts[0], int(parts[1])


def main():
    langs = {}
    sources = {}
    domains = {}
    words = list(jieba_words())
    # Simplified: jieba (words weighted by frequency) and catalogues, half the mass each.
    for name, (weight, dirs) in (list(LANGS.items()) +
                                 [(n, (SMALL_WEIGHT, d)) for n, d in SMALL_LANGS.items()] +
                                 [(n, (SCRIPT_WEIGHT, d)) for n, d in SCRIPT_LANGS.items()]):
        texts, used = catalogue_text(dirs)
        c = Counts()
        for t in texts:
            c.add(t)
        sources[name] = "%d catalogues" % len(used)
        domains[name] = used
        if name in ("zh-Hans", "zh-Hant"):
            if name == "zh-Hans":
                wl = [w for w, _ in words]
            else:
                res = subprocess.run(["opencc", "-c", "s2t.json"], input="\n".join(w for w, _ in words),
                                     capture_output=True, text=True, check=True)
                wl = res.stdout.split("\n")
                assert len(wl) >= len(words), "opencc changed the line count"
            d = Counts()
            for w, (_, f) in zip(wl, words):
                d.add(w, float(f))
            # mix: jieba 0.6, catalogues 0.4 (of the language's mass)
            mixed = Counts()
            for src, share in ((d, 0.6), (c, 0.4)):
                if src.total == 0:
                    continue
                k = share / src.total
                for ch, v in src.uni.items():
                    mixed.uni[ch] += v * k
                for p, v in src.pair.items():
                    mixed.pair[p] += v * k
            mixed.total = 1.0
            c = mixed
            sources[name] += " + jieba dict.txt" + (" via OpenCC s2t" if name == "zh-Hant" else "")
        if c.total == 0:
            continue
        langs[name] = (weight, c)
    wsum = sum(w for w, _ in langs.values())
    uni = collections.Counter()
    pair = collections.Counter()
    first = collections.Counter()  # pooled count of a as the first of a pair context
    for name, (weight, c) in langs.items():
        k = weight / wsum / c.total
        for ch, v in c.uni.items():
            uni[ch] += v * k
        for p, v in c.pair.items():
            pair[p] += v * k
    # P(b|a) = pair(a,b) / uni(a): a's pooled mass stands for how often a is followed by anything
    q = lambda bits: max(0, min(255, int(round(bits * 8))))
    uni_items = sorted((ord(ch), p) for ch, p in uni.items() if p >= UNI_MIN and ch not in "\n\r")
    unip = {cp: p for cp, p in uni_items}
    cand = []
    for (a, b), v in pair.items():
        pa = uni.get(a, 0)
        pb = unip.get(ord(b))
        if not pa or pb is None:
            continue
        cond = min(1.0, v / pa)
        cost = -math.log2(LAMBDA * cond + (1 - LAMBDA) * pb)
        backoff = -math.log2((1 - LAMBDA) * pb)
        gain = backoff - cost
        if gain >= 1.0:
            cand.append((gain * v, ord(a), ord(b), cost))
    cand.sort(reverse=True)
    cand = cand[:PAIR_MAX]
    # the cheapest a character can cost after anything: its back-off or its cheapest stored pair
    floor = {cp: -math.log2((1 - LAMBDA) * p) for cp, p in uni_items}
    for _, a, b, cost in cand:
        floor[b] = min(floor[b], cost)
    size = 1 << PAIR_BITS
    fps = [0] * size
    costs = [0] * size
    M = 0x9E3779B97F4A7C15
    for _, a, b, cost in cand:
        key = ((a << 21 | b) * M) & 0xFFFFFFFFFFFFFFFF
        slot = key >> (64 - PAIR_BITS)
        fp = (key & 0xFFFFFFFF) | 1
        while fps[slot]:
            slot = (slot + 1) & (size - 1)
        fps[slot] = fp
        costs[slot] = q(cost)

    w = sys.stdout.write
    w("/* plausibility_tables.c — GENERATED by tables/gen_plausibility.py; do not edit.\n")
    w(" * Pooled character and character-pair model of real text, for src/detect/plausibility.c.\n")
    w(" * Sources: jieba dict.txt (MIT licence; Simplified Chinese word frequencies), the same\n")
    w(" * converted by OpenCC s2t (Apache-2.0 data) for Traditional Chinese, and the translated\n")
    w(" * message catalogues (.mo) Debian installs under /usr/share/locale (msgstr texts; each\n")
    w(" * package's own free licence, mostly GPL/LGPL; only statistics are derived here).\n")
    w(" * Languages (weight; source):\n")
    for name, (weight, _) in langs.items():
        w(" *   %s (%.2f; %s)\n" % (name, weight, sources[name]))
    w(" * %d characters, %d pairs in a 2^%d-slot hash table; costs in 1/8 bits. */\n"
      % (len(uni_items), len(cand), PAIR_BITS))
    w('#include "plausibility_tables.h"\n\n')
    w("const uint32_t ft_pl_uni_cp[FT_PL_UNI_COUNT] = {\n")
    for i in range(0, len(uni_items), 10):
        w("    " + " ".join("0x%X," % cp for cp, _ in uni_items[i:i + 10]) + "\n")
    w("};\n\nconst uint8_t ft_pl_uni_cost[FT_PL_UNI_COUNT] = {\n")
    for i in range(0, len(uni_items), 20):
        w("    " + " ".join("%d," % q(-math.log2(p)) for _, p in uni_items[i:i + 20]) + "\n")
    w("};\n\nconst uint8_t ft_pl_uni_floor[FT_PL_UNI_COUNT] = {\n")
    for i in range(0, len(uni_items), 20):
        w("    " + " ".join("%d," % int(floor[cp] * 8) for cp, _ in uni_items[i:i + 20]) + "\n")
    w("};\n\nconst uint32_t ft_pl_pair_fp[1u << FT_PL_PAIR_BITS] = {\n")
    for i in range(0, size, 8):
        w("    " + " ".join("0x%X," % x if x else "0," for x in fps[i:i + 8]) + "\n")
    w("};\n\nconst uint8_t ft_pl_pair_cost[1u << FT_PL_PAIR_BITS] = {\n")
    for i in range(0, size, 24):
        w("    " + " ".join("%d," % x for x in costs[i:i + 24]) + "\n")
    w("};\n")
    # The catalogues read, language by language: which ones a machine has installed depends on
    # more than .ci/packages (the machine's own tools bring theirs), so a regeneration elsewhere
    # can differ; this list says from what exactly these tables (and gen_letters.py's) were made.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalogue_domains.txt"), "w") as f:
        f.write("# GENERATED by tables/gen_plausibility.py: the message catalogues (.mo domains under\n"
                "# /usr/share/locale/<dir>/LC_MESSAGES) each language's tables were made from.\n")
        for name, used in domains.items():
            f.write("%s: %s\n" % (name, " ".join(sorted(set(used)))))
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plausibility_tables.h"), "w") as h:
        h.write("/* plausibility_tables.h — GENERATED by tables/gen_plausibility.py; do not edit.\n"
                " * Declarations of the pooled character model (see plausibility_tables.c). */\n"
                "#ifndef FT_PLAUSIBILITY_TABLES_H\n#define FT_PLAUSIBILITY_TABLES_H\n#include <stdint.h>\n\n"
                "#define FT_PL_UNI_COUNT %d\n#define FT_PL_PAIR_BITS %d\n#define FT_PL_LAMBDA %.2f\n\n"
                "extern const uint32_t ft_pl_uni_cp[FT_PL_UNI_COUNT];\n"
                "extern const uint8_t ft_pl_uni_cost[FT_PL_UNI_COUNT];\n"
                "extern const uint8_t ft_pl_uni_floor[FT_PL_UNI_COUNT]; /* cheapest after anything */\n"
                "extern const uint32_t ft_pl_pair_fp[1u << FT_PL_PAIR_BITS];\n"
                "extern const uint8_t ft_pl_pair_cost[1u << FT_PL_PAIR_BITS];\n\n#endif\n"
                % (len(uni_items), PAIR_BITS, LAMBDA))


if __name__ == "__main__":
    main()
