/* plausibility.c — how natural a decoded text looks, in bits per character, from the pooled
 * character / character-pair model generated into tables/plausibility_tables.c (real text in ~40
 * languages). The detector compares the decodings of one line's bytes with it; the mojibake stage
 * compares a text with its repaired form.
 *
 * cost(b | a) = the stored pair cost when (a, b) is a known pair, else the unigram cost of b plus
 * the back-off -log2(1 - lambda). Characters the tables do not know get a cost from their Unicode
 * class (ICU general category): unassigned, private-use, surrogates and controls cost most. A few
 * mojibake-typical pairs (a Latin-1 reading of a UTF-8 lead byte followed by a reading of a
 * continuation byte: "Ã©", "â€", "Â ") cost extra, because no language writes them, and so do
 * words that mix alphabets (Latin, Greek, Cyrillic, Hebrew, Arabic letters side by side) and
 * box-drawing characters glued to letters or digits. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unicode/uchar.h>

#include "internal.h"
#include "plausibility_tables.h"

/* Unigram costs of the whole BMP in 1/8 bits, built once (64 KiB, read-only afterwards). */
static uint8_t uni_bmp[0x10000];
static uint8_t floor_bmp[0x10000]; /* the least each character costs after any other */
static pthread_once_t uni_once = PTHREAD_ONCE_INIT;
static atomic_int uni_ready;
static unsigned backoff_q; /* -log2(1 - lambda) in 1/8 bits */

#define Q(bits) ((unsigned)((bits)*8 + 0.5))

/* Cost of a character the tables do not know, by its class. */
static unsigned class_cost(uint32_t cp)
{
    if (cp == '\t')
        return Q(6);
    if (cp < 0x20 || cp == 0x7F)
        return Q(24);
    if (cp >= 0x80 && cp < 0xA0)
        return Q(24); /* C1 controls: almost always a wrong decoding */
    if (cp == FT_REPLACEMENT)
        return Q(20);
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF))
        return Q(17); /* an ideograph too rare for the tables */
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return Q(18); /* a Hangul syllable nobody uses */
    if (cp >= 0xFF61 && cp <= 0xFF9F)
        return Q(16); /* half-width katakana: Shift_JIS readings of other encodings */
    if (cp >= 0x20000 && cp <= 0x3FFFF)
        return Q(19);
    switch (u_charType((UChar32)cp)) {
    case U_UNASSIGNED:
    case U_SURROGATE:
        return Q(26);
    case U_PRIVATE_USE_CHAR:
        return Q(22);
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
        return Q(20);
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
        return Q(16);
    case U_DECIMAL_DIGIT_NUMBER:
    case U_SPACE_SEPARATOR:
        return Q(13);
    case U_OTHER_SYMBOL:
        return cp >= 0x1F000 ? Q(12) : Q(15); /* emoji are common in real text */
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
        return Q(17);
    default:
        return Q(15);
    }
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
            uni_bmp[ft_pl_uni_cp[i]] = ft_pl_uni_cost[i];
            floor_bmp[ft_pl_uni_cp[i]] = ft_pl_uni_floor[i];
        }
    atomic_store_explicit(&uni_ready, 1, memory_order_release);
}

static inline void ensure_ready(void)
{
    if (!atomic_load_explicit(&uni_ready, memory_order_acquire))
        pthread_once(&uni_once, build_unigrams);
}

static unsigned unigram(uint32_t cp)
{
    if (cp < 0x10000)
        return uni_bmp[cp];
    /* supplementary planes: binary search the (few) table entries, else the class */
    size_t lo = 0, hi = FT_PL_UNI_COUNT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ft_pl_uni_cp[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < FT_PL_UNI_COUNT && ft_pl_uni_cp[lo] == cp)
        return ft_pl_uni_cost[lo];
    return class_cost(cp);
}

unsigned ft_plausibility_unigram(uint32_t cp)
{
    ensure_ready();
    return unigram(cp);
}

unsigned ft_plausibility_floor(uint32_t cp)
{
    ensure_ready();
    if (cp < 0x10000)
        return floor_bmp[cp];
    return 0; /* supplementary characters: no bound kept */
}

/* The cp1252 readings of bytes 0x80-0x9F (UTF-8 continuation bytes seen as windows-1252). */
static int is_c1_reading(uint32_t cp)
{
    switch (cp) {
    case 0x20AC: case 0x201A: case 0x0192: case 0x201E: case 0x2026: case 0x2020: case 0x2021:
    case 0x02C6: case 0x2030: case 0x0160: case 0x2039: case 0x0152: case 0x017D: case 0x2018:
    case 0x2019: case 0x201C: case 0x201D: case 0x2022: case 0x2013: case 0x2014: case 0x02DC:
    case 0x2122: case 0x0161: case 0x203A: case 0x0153: case 0x017E: case 0x0178:
        return 1;
    default:
        return 0;
    }
}

/* The script of a letter (or Arabic digit), for the scripts decodings mix up (0: none or other):
 * 1 Latin, 2 Greek, 3 Cyrillic, 4 Hebrew, 5 Arabic, 6 CJK (Han, kana, Hangul). */
static int letter_script(uint32_t cp)
{
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? 1 : 0;
    if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7)
        return 1;
    if (cp >= 0x386 && cp <= 0x3FF)
        return 2;
    if (cp >= 0x400 && cp <= 0x52F)
        return 3;
    if (cp >= 0x5D0 && cp <= 0x5EA)
        return 4;
    if ((cp >= 0x620 && cp <= 0x64A) || (cp >= 0x660 && cp <= 0x669) || (cp >= 0x6F0 && cp <= 0x6F9))
        return 5;
    if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF))
        return 6;
    return 0;
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

unsigned ft_plausibility_step(uint32_t prev, uint32_t cp)
{
    ensure_ready();
    if (prev < 0x80 && cp < 0x80)
        return uni_bmp[cp];
    unsigned extra = 0;
    if (prev < 0x3000 || cp < 0x3000) { /* (two CJK characters never clash) */
        /* Letters of two alphabets inside one word ("katalogа", "FRANاOIS"): what a single-byte
         * text read with another code page looks like, and almost never real text. */
        int a = letter_script(prev), b = letter_script(cp);
        if (scripts_clash(a, b))
            extra += Q(8);
        /* Box-drawing and block characters touching a letter or digit: KOI8 / code page
         * readings of other text ("dpkg═1.21"); drawings put them next to each other or to
         * spaces. */
        if (((cp >= 0x2500 && cp <= 0x259F) && ((a && a != 6) || (prev >= '0' && prev <= '9'))) ||
            ((prev >= 0x2500 && prev <= 0x259F) && ((b && b != 6) || (cp >= '0' && cp <= '9'))))
            extra += Q(8);
        if (prev >= 0xC2 && prev <= 0xEF && ((cp >= 0x80 && cp <= 0xBF) || is_c1_reading(cp)))
            extra += Q(6);
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
