/* plausibility.c — how natural a decoded text looks, in bits per character, from the pooled
 * character / character-pair model generated into tables/plausibility_tables.c (real text in ~40
 * languages). The detector compares the decodings of one line's bytes with it; the mojibake stage
 * compares a text with its repaired form.
 *
 * cost(b | a) = the stored pair cost when (a, b) is a known pair, else the unigram cost of b plus
 * the back-off -log2(1 - lambda). Characters the tables do not know get a cost from their Unicode
 * class (charclass.h): unassigned, private-use, surrogates and controls cost most. A few
 * mojibake-typical pairs (a Latin-1 reading of a UTF-8 lead byte followed by a reading of a
 * continuation byte: "Ã©", "â€", "Â ") cost extra, because no language writes them, and so do
 * words that mix alphabets (Latin, Greek, Cyrillic, Hebrew, Arabic, Thai letters side by side) and
 * box-drawing characters glued to letters or digits. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"
#include "plausibility_tables.h"

/* Unigram costs of the whole BMP in 1/8 bits, built once (64 KiB, read-only afterwards). */
static uint8_t uni_bmp[0x10000];
static uint8_t floor_bmp[0x10000]; /* the least each character costs after any other */
static uint8_t seen_bmp[0x10000 / 8]; /* one bit per character the tables hold */
static pthread_once_t uni_once = PTHREAD_ONCE_INIT;
static atomic_int uni_ready;
static unsigned backoff_q; /* -log2(1 - lambda) in 1/8 bits */

#define Q(bits) ((unsigned)((bits)*8 + 0.5))

/* Cost of a character the tables do not know, by its class. */
static unsigned class_cost(uint32_t cp)
{
    if (cp == '\t')
        return Q(6);
    const ft_char_class *c = ft_cc_record(cp);
    uint32_t f = c->flags;
    if (f & FT_CC_CONTROL)
        return Q(24); /* C0, DEL and above all C1 controls: almost always a wrong decoding */
    if (cp == FT_REPLACEMENT)
        return Q(20);
    /* An ideograph too rare for the tables costs about what their rarer half do (11,034 held,
     * median 21.4 bits, at most 26.6). At 17 it cost less than 9,017 of them, so a misreading
     * made of ideographs nobody writes beat the right one: the GB18030 poetry line "漾漾泛菱荇，"
     * was read as CP949, and UTF-8 read as GBK was restored in 275 of 300 held-out cases (286). */
    if (f & FT_CC_HAN)
        return cp < 0x20000 ? Q(23) : Q(25);
    if ((f & (FT_CC_HANGUL | FT_CC_LETTER)) == (FT_CC_HANGUL | FT_CC_LETTER))
        return Q(18); /* a Hangul syllable (or jamo) nobody uses */
    if (ft_is_halfwidth_katakana(cp))
        return Q(16); /* Shift_JIS readings of other encodings */
    if (f & (FT_CC_UNASSIGNED | FT_CC_SURROGATE))
        return Q(26);
    if (f & FT_CC_PRIVATE_USE)
        return Q(22);
    if (f & FT_CC_FORMAT)
        return Q(20);
    if (f & FT_CC_COMBINING_MARK)
        return Q(16);
    if (f & (FT_CC_DIGIT | FT_CC_SPACE))
        return Q(13);
    if (c->category == FT_GC_SO)
        return cp >= 0x1F000 ? Q(12) : Q(15); /* emoji are common in real text */
    if (f & FT_CC_LETTER)
        return Q(17);
    return Q(15);
}

/* Words in capitals (headings, names, "ΑΝΕΠΙΤΥΧΕΣ") are the same words: the model's text, mostly
 * in small letters, holds few pairs of capitals, and an all-capital Greek line cost more than
 * its KOI8-R reading in small Cyrillic letters ("амепитувес"). Detection, which asks which
 * code page a line is in, looks a pair of Greek, Cyrillic or Armenian capitals up as the pair
 * of small letters, for this much more (FT_PL_FOLD_CAPS). Not Latin: GBK read as windows-1252
 * is mostly Latin-1 capitals ("ÖÐÎÄ" for 中文), and Big5's "，" read as ISO-8859-2 is "ĄA",
 * which must not pass for "ąa". Not for the mojibake stage: capitals are part of what UTF-8
 * read as windows-1251 looks like ("РЎРѕ"), and folding them lost 5 of its 2,000 held-out
 * cases (bench_latin_mojibake.py). */
#define CAPS_BITS 1

/* The small letter of a Greek, Cyrillic or Armenian capital (their regular ranges); any other
 * character as it is. */
static uint32_t small_letter(uint32_t cp)
{
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
        return cp + 0x20;
    if (cp == 0x386)
        return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A)
        return cp + 0x25;
    if (cp == 0x38C)
        return 0x3CC;
    if (cp == 0x38E || cp == 0x38F)
        return cp + 0x3F;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    if (cp >= 0x460 && cp <= 0x4FF)
        return cp | 1;
    if (cp >= 0x531 && cp <= 0x556)
        return cp + 0x30;
    return cp;
}

/* Symbols (So, Sm, Sc: arrows, box drawing, math signs, currency signs) are too rare in the
 * model's text for their counts to mean much: the rule "─" had 21.9 bits and the arrow "→" 19.3
 * where a symbol the tables never saw costs 15, so an EUC-JP "→" lost to its GB18030 reading "ⅹ";
 * the euro sign had 24.6, more than the C1 control U+0080 that latin-1 reads windows-1252's
 * byte 80 as, so a Danish windows-1252 line with "(€)" was decoded as latin-1. A symbol seen
 * costs less than an unseen one, by the smallest step (1/8 bit): having been seen is evidence of
 * use, and it decides between readings that differ only there (ISO-8859-15's "€" at A4 against
 * latin-1's unseen "¤": at the same cost the earlier row, windows-1252, named the line). */
static int symbol_prior_wins(uint32_t cp)
{
    unsigned gc = ft_cc_record(cp)->category;
    return gc == FT_GC_SO || gc == FT_GC_SM || gc == FT_GC_SC;
}

static void build_unigrams(void)
{
    for (uint32_t cp = 0; cp < 0x10000; cp++) {
        unsigned c = class_cost(cp);
        uni_bmp[cp] = (uint8_t)(c > 255 ? 255 : c);
    }
    backoff_q = Q(-log2(1.0 - FT_PL_LAMBDA));
    for (uint32_t cp = 0; cp < 0x10000; cp++)
        floor_bmp[cp] = (uint8_t)(uni_bmp[cp] + backoff_q > 255 ? 255 : uni_bmp[cp] + backoff_q);
    for (size_t i = 0; i < FT_PL_UNI_COUNT; i++)
        if (ft_pl_uni_cp[i] < 0x10000) {
            uint32_t cp = ft_pl_uni_cp[i];
            unsigned cost = ft_pl_uni_cost[i], floor = ft_pl_uni_floor[i];
            if (symbol_prior_wins(cp) && cost >= uni_bmp[cp]) {
                cost = uni_bmp[cp] - 1;
                if (floor > cost + backoff_q)
                    floor = cost + backoff_q;
            }
            uni_bmp[cp] = (uint8_t)cost;
            floor_bmp[cp] = (uint8_t)floor;
            seen_bmp[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        }
    /* (the detector charges a point on a Hebrew letter FT_POINT_BITS) */
    for (uint32_t cp = 0x591; cp < 0x5C8; cp++)
        if (ft_is_vowel_point(cp) && floor_bmp[cp] > Q(FT_POINT_BITS))
            floor_bmp[cp] = Q(FT_POINT_BITS);
    /* (a capital after a capital costs at least what its small letter does, and CAPS_BITS) */
    for (uint32_t cp = 0x386; cp < 0x557; cp++) {
        uint32_t small = small_letter(cp);
        unsigned folded = floor_bmp[small] + Q(CAPS_BITS);
        if (small != cp && folded < floor_bmp[cp])
            floor_bmp[cp] = (uint8_t)folded;
    }
    atomic_store_explicit(&uni_ready, 1, memory_order_release);
}

static inline void ensure_ready(void)
{
    if (!atomic_load_explicit(&uni_ready, memory_order_acquire))
        pthread_once(&uni_once, build_unigrams);
}

/* The table entry of cp, or FT_PL_UNI_COUNT: a binary search (for the supplementary planes,
 * whose entries are few; the BMP's are in uni_bmp and seen_bmp). */
static size_t table_index(uint32_t cp)
{
    size_t lo = 0, hi = FT_PL_UNI_COUNT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ft_pl_uni_cp[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < FT_PL_UNI_COUNT && ft_pl_uni_cp[lo] == cp ? lo : FT_PL_UNI_COUNT;
}

static unsigned unigram(uint32_t cp)
{
    if (cp < 0x10000)
        return uni_bmp[cp];
    size_t k = table_index(cp); /* else the class */
    return k < FT_PL_UNI_COUNT ? ft_pl_uni_cost[k] : class_cost(cp);
}

unsigned ft_plausibility_unigram(uint32_t cp)
{
    ensure_ready();
    return unigram(cp);
}

int ft_plausibility_seen(uint32_t cp)
{
    ensure_ready();
    if (cp < 0x10000)
        return cp < 0x80 || (seen_bmp[cp >> 3] >> (cp & 7) & 1);
    return table_index(cp) < FT_PL_UNI_COUNT;
}

unsigned ft_plausibility_floor(uint32_t cp)
{
    ensure_ready();
    if (cp < 0x10000)
        return floor_bmp[cp];
    return 0; /* supplementary characters: no bound kept */
}

/* The script of a letter (or Arabic digit) cp whose record is c, for the scripts decodings mix up
 * (0: none or other): 1 Latin, 2 Greek, 3 Cyrillic, 4 Hebrew, 5 Arabic, 6 CJK (ft_is_cjk: Han,
 * kana, Hangul, Bopomofo), 7 Thai (windows-874 reads the bytes of UTF-8's two-byte letters as
 * Thai: "Qogʻoz" is "Qogสปoz"). A combining mark of Hebrew, Arabic or Thai counts as a letter of
 * its script: it sits on a letter of that script, so on a Latin letter it is a misreading
 * (windows-874 reads the Italian "Così" as "Cos" with the Thai mark U+0E4C on its "s"). */
static int letter_script(uint32_t cp, const ft_char_class *c)
{
    if (ft_cc_cjk(c))
        return 6;
    switch (ft_cc_letter_script(cp, c)) {
    case FT_USCRIPT_LATIN:
        return ft_cc_latin_letter(c);
    case FT_USCRIPT_GREEK:
        return 2;
    case FT_USCRIPT_CYRILLIC:
        return 3;
    case FT_USCRIPT_HEBREW:
        return 4;
    case FT_USCRIPT_ARABIC:
        return 5;
    case FT_USCRIPT_THAI:
        return 7;
    case FT_USCRIPT_UNKNOWN: /* not a letter: the Arabic-Indic digits count as Arabic */
        if (c->flags & FT_CC_COMBINING_MARK) {
            /* (the harakat U+064B..065F and the superscript alef U+0670 are of script Inherited
               in Scripts.txt, shared with Syriac: Arabic for the code pages here) */
            if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670)
                return 5;
            return c->script == FT_USCRIPT_HEBREW   ? 4
                   : c->script == FT_USCRIPT_ARABIC ? 5
                   : c->script == FT_USCRIPT_THAI   ? 7
                                                    : 0;
        }
        return c->script == FT_USCRIPT_ARABIC && (c->flags & FT_CC_DIGIT) ? 5 : 0;
    default:
        return 0;
    }
}

/* Neighbouring letters of scripts that real text does not put side by side: two alphabets inside
 * one word, or CJK against a non-Latin alphabet (CJK beside Latin is everyday mixed text). */
static int scripts_clash(int a, int b)
{
    if (!a || !b || a == b)
        return 0;
    if (a == 6 || b == 6)
        return a != 1 && b != 1;
    return 1;
}

/* A pair the tables hold costs less than the pair's back-off (tables/gen_plausibility.py keeps a
 * pair only when it saves a bit), so after any character cp costs at most its unigram cost and the
 * back-off, plus the charges step() adds. Those need a letter of an alphabet, a box drawing, a
 * capital or a Latin-1 letter on one side (UTF-8's lead bytes read as Latin-1), so the ceiling is
 * kept for the characters that are none of them: from U+3000 up (ideographs, kana, Hangul, CJK
 * and full-width punctuation) and punctuation below (the quotation marks, dashes, ellipses and
 * middle dots of CJK text), and holds after the start of a text, ASCII, or such a character. Not
 * for the symbols whose unigram cost symbol_prior_wins lowered below their table cost, which
 * their pairs' costs may then exceed. */
unsigned ft_plausibility_ceiling(uint32_t cp)
{
    ensure_ready();
    if (cp < 0x80 || cp >= 0x10000)
        return FT_PL_NO_CEILING;
    const ft_char_class *c = ft_cc_record(cp);
    int script = letter_script(cp, c);
    if ((cp < 0x3000 && !(c->flags & FT_CC_PUNCT)) || (script && script != 6 && script != 1) ||
        (c->flags & FT_CC_BOX_DRAWING) || symbol_prior_wins(cp))
        return FT_PL_NO_CEILING;
    return uni_bmp[cp] + backoff_q;
}

/* Box drawing comes in runs: table rules, frames. The model's text holds few, so their pairs fell
 * back to the unigram cost, about 24 bits a character: a GB18030 table row "├────┼" cost more
 * than its Big5 reading "念岸岸岸岸拈", and 237 rows of the GB18030 poetry file were read as Big5.
 * A box character repeated, or beside a horizontal rule (─ ━ ═), costs this much. Not any two:
 * UTF-8 read as cp437 makes pairs of them ("ó" is "├│", "ñ" "├▒"), which must stay costly. */
#define BOX_RUN_BITS 2

static int is_box(uint32_t c)
{
    return c - 0x2500u < 0xA0u;
}

static int is_rule(uint32_t c)
{
    return c == 0x2500 || c == 0x2501 || c == 0x2550;
}

static int box_run(uint32_t prev, uint32_t cp)
{
    return is_box(prev) && is_box(cp) && (prev == cp || is_rule(prev) || is_rule(cp));
}

static unsigned step(uint32_t prev, uint32_t cp, unsigned how);

uint64_t *ft_pair_cache_new(void)
{
    return calloc((size_t)1 << FT_PAIR_CACHE_BITS, sizeof(uint64_t));
}

unsigned ft_plausibility_step(uint32_t prev, uint32_t cp)
{
    return step(prev, cp, 0);
}

unsigned ft_plausibility_step_as(uint32_t prev, uint32_t cp, unsigned how)
{
    return step(prev, cp, how);
}

static unsigned step(uint32_t prev, uint32_t cp, unsigned how)
{
    const int drawn = (how & FT_PL_DRAWN) != 0;
    ensure_ready();
    if (prev < 0x80 && cp < 0x80)
        return uni_bmp[cp];
    if (box_run(prev, cp))
        return Q(BOX_RUN_BITS);
    unsigned extra = 0;
    if (prev < 0x3000 || cp < 0x3000) { /* (two CJK characters never clash) */
        /* Letters of two alphabets inside one word ("katalogа", "FRANاOIS"): what a single-byte
         * text read with another code page looks like, and almost never real text. */
        const ft_char_class *rp = ft_cc_record(prev), *rc = ft_cc_record(cp); /* (looked up once) */
        uint32_t fp = rp->flags, fc = rc->flags;
        int a = letter_script(prev, rp), b = letter_script(cp, rc);
        if (scripts_clash(a, b))
            extra += Q(8);
        /* Box-drawing and block characters touching a letter or digit: KOI8 / code page
         * readings of other text ("dpkg═1.21"); drawings put them next to each other or to
         * spaces. Not when drawn: a table's border touches the text of its cells. */
        if (!drawn &&
            (((fc & FT_CC_BOX_DRAWING) && ((a && a != 6) || (prev >= '0' && prev <= '9'))) ||
             ((fp & FT_CC_BOX_DRAWING) && ((b && b != 6) || (cp >= '0' && cp <= '9')))))
            extra += Q(8);
        /* (a UTF-8 lead byte's Latin-1 reading, then a continuation byte's Latin-1 or
           windows-1252 reading) */
        if (prev >= 0xC2 && prev <= 0xEF && ((cp >= 0x80 && cp <= 0xBF) || (fc & FT_CC_CP1252_C1)))
            extra += Q(6);
        /* Asked to: two capitals cost as the two small letters and CAPS_BITS more (see there). */
        if ((how & FT_PL_FOLD_CAPS) && rp->category == FT_GC_LU && rc->category == FT_GC_LU &&
            small_letter(prev) != prev && small_letter(cp) != cp) {
            prev = small_letter(prev);
            cp = small_letter(cp);
            extra += Q(CAPS_BITS);
        }
    }
    if (prev != 0xFFFFFFFFu) {
        uint64_t key = ((uint64_t)prev << 21 | cp) * 0x9E3779B97F4A7C15ull;
        uint32_t slot = (uint32_t)(key >> (64 - FT_PL_PAIR_BITS));
        uint32_t fp = (uint32_t)key | 1u;
        const uint32_t mask = (1u << FT_PL_PAIR_BITS) - 1;
        for (;;) {
            uint32_t f = ft_pl_pair_fp[slot];
            if (f == fp)
                return ft_pl_pair_cost[slot] + extra;
            if (!f)
                break;
            slot = (slot + 1) & mask;
        }
    }
    return unigram(cp) + backoff_q + extra;
}

double ft_plausibility_bits(const char *utf8, size_t len, size_t *chars_out)
{
    const unsigned char *p = (const unsigned char *)utf8;
    size_t i = 0, chars = 0;
    unsigned long total = 0;
    uint32_t prev = 0xFFFFFFFFu;
    while (i < len) {
        uint32_t cp;
        size_t n = ft_utf8_sequence_length(p + i, len - i);
        if (!n) {
            cp = FT_REPLACEMENT;
            n = 1;
        } else {
            ft_utf8_decode(p + i, &cp);
        }
        i += n, chars++;
        total += ft_plausibility_step(prev, cp);
        prev = cp;
    }
    if (chars_out)
        *chars_out = chars;
    return total / 8.0;
}

double ft_plausibility_cost(const char *utf8, size_t len)
{
    size_t chars;
    double bits = ft_plausibility_bits(utf8, len, &chars);
    return chars ? bits / (double)chars : 0;
}
