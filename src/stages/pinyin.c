/* pinyin.c — strips the pinyin annotations that spam mirrors insert after Chinese characters
 * (網(wǎng)絡(luò) -> 網絡), and only those: an annotation goes only when it is one lowercase syllable
 * that is a reading of the character just before it, per the Unihan readings table
 * (tables/pinyin_readings.c: every reading in kMandarin, kHanyuPinyin, kXHC1983, kTGHZ2013, plus
 * the readings of the character's Simplified/Traditional counterparts). Everything else in
 * parentheses stays: 組織(ISO), (貴州), 北京(Běijīng), 國(Guó), Attempt (Trial), 名(name).
 *
 * Accepted spellings of the syllable: tone marks precomposed or combining (NFC or NFD), ü, v or u:,
 * a trailing tone number 1-4 (0 or 5 for the neutral tone), or no tone at all; in ASCII (guó) or
 * full-width （guó） parentheses, glued to the character (a variation selector between them is
 * looked through). A tone mark must be a tone the character has; no tone matches any of its
 * tones; a neutral-tone number matches any tone of the syllable, since any syllable may lose its
 * tone in context (們 men5 for mén). "The character before" is the one the output holds there,
 * so consecutive annotations 中(zhōng)國(guó) each see their own character.
 *
 * Damaged text (a double-byte run that lost a byte upstream) needs two more rules:
 *  - the character before the annotation is a lone ASCII byte glued to a non-ASCII character, as
 *    in 崿F(xiàn) or <U+E7D1>I(lǐng): that byte is the second half of a GBK pair whose first half
 *    went into the previous character. The pair is rebuilt (last GB18030 byte of the previous
 *    character + this byte; F -> 現, I -> 領) and the annotation goes if it is a reading of the
 *    rebuilt character. The text itself is left alone: realigning it is the shifted stage's work.
 *  - the character before is a lost one ('?' after a Han character or another lost character,
 *    U+FFFD, a private-use character), as in 人民日?qǐng)?bào): nothing is left to verify against,
 *    and the crawler that lost the character often swallowed the '(' with it. Then a syllable in
 *    parentheses, or followed by ')' alone, goes if it carries a tone (mark or number) that some
 *    character has with that syllable, or, toneless, if it has two letters or more (de, zi; not
 *    a, e, n, which list items use). A syllable right after a lost Han character is an annotation
 *    in all the text seen; the lost character itself ('?') stays as the visible trace of the
 *    damage, for the shifted stage to report. Result: 人民日??.
 *
 * Cost: lines without '(' or ')' or '（' are rejected by one vector scan; on the others each
 * candidate parenthesis costs a table lookup for the character before it and a short parse.
 * Stateless and thread-safe (the GB18030 pair rebuilding opens its own iconv descriptor, and only
 * runs for the rare damaged case). */
#include <iconv.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "pinyin_readings.h"

#define MAX_LETTERS 7 /* longest syllable is 6 letters (zhuang); one spare to reject longer */
#define TONE_ANY (-1) /* no tone written */

typedef struct syllable {
    int index;  /* into ft_py_syllables */
    int tone;   /* 0 neutral, 1-4, TONE_ANY */
    int number; /* the tone was written as a number */
} syllable;

/* ---- table lookups ---- */

/* Index of cp's reading set, or -1 when the table has no reading for cp. */
static int reading_set(uint32_t cp)
{
    if (cp >= FT_PY_COMMON_FIRST && cp <= FT_PY_COMMON_LAST) {
        unsigned set = ft_py_common_set[cp - FT_PY_COMMON_FIRST];
        return set == FT_PY_NONE ? -1 : (int)set;
    }
    if (cp < ft_py_cp[0] || cp > ft_py_cp[FT_PY_CHARS - 1])
        return -1;
    size_t lo = 0, hi = FT_PY_CHARS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ft_py_cp[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < FT_PY_CHARS && ft_py_cp[lo] == cp ? ft_py_set[lo] : -1;
}

/* Index of the spelling s[0..n) (n <= 8) among the syllables, or -1. */
static int syllable_index(const char *s, size_t n)
{
    uint64_t key = 0;
    for (size_t i = 0; i < 8; i++)
        key = key << 8 | (i < n ? (unsigned char)s[i] : 0);
    size_t lo = 0, hi = FT_PY_SYLLABLES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ft_py_syllable_keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < FT_PY_SYLLABLES && ft_py_syllable_keys[lo] == key ? (int)lo : -1;
}

/* 1 if the syllable as written is one of the readings of set. */
static int set_has(int set, const syllable *s)
{
    for (unsigned i = ft_py_set_start[set]; i < ft_py_set_start[set + 1]; i++) {
        unsigned rd = ft_py_pool[i];
        if ((int)(rd >> 3) != s->index)
            continue;
        if (s->tone == TONE_ANY || (s->number && s->tone == 0) || (int)(rd & 7) == s->tone)
            return 1;
    }
    return 0;
}

/* ---- parsing one syllable ---- */

/* Letters with a tone mark (or ü/ê, and the script-a/script-g some textbooks print):
 * code point -> base letter ('v' for ü, 'E' for ê) and tone (0 when none). */
static const struct {
    uint16_t cp;
    char base;
    char tone;
} marked[] = {
    {0x00E0, 'a', 4}, {0x00E1, 'a', 2}, {0x00E8, 'e', 4}, {0x00E9, 'e', 2}, {0x00EA, 'E', 0},
    {0x00EC, 'i', 4}, {0x00ED, 'i', 2}, {0x00F2, 'o', 4}, {0x00F3, 'o', 2}, {0x00F9, 'u', 4},
    {0x00FA, 'u', 2}, {0x00FC, 'v', 0}, {0x0101, 'a', 1}, {0x0113, 'e', 1}, {0x011B, 'e', 3},
    {0x012B, 'i', 1}, {0x0144, 'n', 2}, {0x0148, 'n', 3}, {0x014D, 'o', 1}, {0x016B, 'u', 1},
    {0x01CE, 'a', 3}, {0x01D0, 'i', 3}, {0x01D2, 'o', 3}, {0x01D4, 'u', 3}, {0x01D6, 'v', 1},
    {0x01D8, 'v', 2}, {0x01DA, 'v', 3}, {0x01DC, 'v', 4}, {0x01F9, 'n', 4}, {0x0251, 'a', 0},
    {0x0261, 'g', 0}, {0x1E3F, 'm', 2}, {0x1EBF, 'E', 2}, {0x1EC1, 'E', 4},
};

static int marked_letter(uint32_t cp, char *base, int *tone)
{
    size_t lo = 0, hi = sizeof marked / sizeof marked[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (marked[mid].cp < cp)
            lo = mid + 1;
        else if (marked[mid].cp > cp)
            hi = mid;
        else {
            *base = marked[mid].base;
            *tone = marked[mid].tone;
            return 1;
        }
    }
    return 0;
}

/* A combining mark (NFD) applies to the letter before it: a tone mark sets *tone (once), the
 * diaeresis makes u into ü (v), the circumflex e into ê (E). 0 when cp is none of them or does
 * not fit. */
static int apply_combining(uint32_t cp, char *letter, int *tone)
{
    int t;
    switch (cp) {
    case 0x0304: t = 1; break;
    case 0x0301: t = 2; break;
    case 0x030C: t = 3; break;
    case 0x0300: t = 4; break;
    case 0x0308:
        if (*letter != 'u')
            return 0;
        *letter = 'v';
        return 1;
    case 0x0302:
        if (*letter != 'e')
            return 0;
        *letter = 'E';
        return 1;
    default:
        return 0;
    }
    if (*tone != TONE_ANY)
        return 0;
    *tone = t;
    return 1;
}

/* Parses p[0..n) as exactly one lowercase pinyin syllable. Returns 1 and fills *s on success. */
static int parse_syllable(const unsigned char *p, size_t n, syllable *s)
{
    char letters[MAX_LETTERS + 1];
    size_t nl = 0, i = 0;
    int tone = TONE_ANY, number = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (number)
            return 0; /* the tone number ends the syllable */
        if (c >= 'a' && c <= 'z') {
            if (nl == MAX_LETTERS)
                return 0;
            letters[nl++] = (char)c;
            i++;
            continue;
        }
        if (c == ':' && nl > 0 && letters[nl - 1] == 'u') { /* lu:4, as CC-CEDICT writes ü */
            letters[nl - 1] = 'v';
            i++;
            continue;
        }
        if (c >= '0' && c <= '5') {
            if (nl == 0 || tone != TONE_ANY)
                return 0;
            tone = c == '5' ? 0 : c - '0';
            number = 1;
            i++;
            continue;
        }
        if (c < 0x80)
            return 0; /* capitals, spaces, punctuation: not an annotation */
        uint32_t cp;
        size_t k = ft_utf8_decode(p + i, &cp);
        if (k > n - i)
            return 0;
        i += k;
        char base;
        int t;
        if (marked_letter(cp, &base, &t)) {
            if (nl == MAX_LETTERS || (t && tone != TONE_ANY))
                return 0;
            letters[nl++] = base;
            if (t)
                tone = t;
            continue;
        }
        if (nl == 0 || !apply_combining(cp, &letters[nl - 1], &tone))
            return 0;
    }
    if (nl == 0)
        return 0;
    int idx = syllable_index(letters, nl);
    if (idx < 0)
        return 0;
    s->index = idx;
    s->tone = tone;
    s->number = number;
    return 1;
}

static int is_tone_combining(uint32_t cp)
{
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0302 || cp == 0x0304 || cp == 0x0308 ||
           cp == 0x030C;
}

/* After a lost character nothing is left to verify against: the syllable must be one that some
 * character has with the tone written, or, without a tone, at least two letters long (de, zi, le:
 * single letters such as a, e, n are too common as list markers). */
static int plausible_after_lost(const syllable *s)
{
    if (s->tone == TONE_ANY || (s->number && s->tone == 0))
        return ft_py_syllables[s->index][1] != '\0';
    return (ft_py_syllable_tones[s->index] >> s->tone) & 1;
}

/* ---- characters around a parenthesis ---- */

/* The line as the output reads so far: what was written to out (annotations dropped), then the
 * input not yet copied. Looking back from an annotation goes through this "virtual" text, so in
 * 日?qǐng)?bào) the second '?' follows the first one, and in 網(wǎng)絡(luò) 絡 follows 網. Positions
 * below are virtual: v < olen is out[v], otherwise in[copied + v - olen]. out only ever holds
 * whole characters, so none straddles the seam. */
typedef struct text {
    const unsigned char *in;
    size_t copied;
    const unsigned char *out;
    size_t olen;
} text;

static size_t vpos(const text *t, size_t i)
{
    return t->olen + (i - t->copied);
}

static unsigned char vbyte(const text *t, size_t v)
{
    return v < t->olen ? t->out[v] : t->in[t->copied + v - t->olen];
}

/* Start of the character that ends at virtual position end, or end if there is none. */
static size_t char_before(const text *t, size_t end, uint32_t *cp)
{
    if (end == 0)
        return end;
    size_t s = end - 1;
    while (s > 0 && end - s < 4 && ft_utf8_is_continuation(vbyte(t, s)))
        s--;
    unsigned char c[4];
    for (size_t k = s; k < end; k++)
        c[k - s] = vbyte(t, k);
    if (ft_utf8_is_continuation(c[0]) || ft_utf8_decode(c, cp) != end - s)
        return end;
    return s;
}

/* The longest run of '?' still read as characters lost from double-byte text. */
#define MAX_LOST_RUN 64

/* A character the text lost: U+FFFD, private use (an unmapped GBK pair), or '?' standing where
 * a double-byte character was (so right after a Han character or another lost one). */
static int is_lost(const text *t, size_t start, uint32_t cp)
{
    if (ft_is_private_use(cp))
        return 1;
    if (cp == FT_REPLACEMENT) {
        /* (not a U+FFFD right after kana or Hangul: Japanese or Korean text cut mid-character,
           "RAW ソ�ッ�(ping)", where the parenthesis is the text's own) */
        uint32_t before = 0;
        if (char_before(t, start, &before) != start &&
            (ft_cc(before) & (FT_CC_KANA | FT_CC_HANGUL)))
            return 0;
        return 1;
    }
    if (cp != '?')
        return 0;
    /* Walk back over the run of '?' (one per lost character), but only so far: a longer run is
       not lost double-byte text, and an unbounded walk per annotation made hostile lines
       ("中" + 32,000 '?' + 8,000 "(de)") quadratic. */
    uint32_t before = '?';
    for (size_t steps = 0; before == '?'; steps++) {
        if (steps > MAX_LOST_RUN)
            return 0;
        size_t b = char_before(t, start, &before);
        if (b == start)
            return 0;
        start = b;
    }
    /* after a Han character (or another lost one): not after kana, Hangul or Latin, whose
     * texts have their own uses for '?' followed by a parenthesis */
    return before == FT_REPLACEMENT || ft_is_private_use(before) || reading_set(before) >= 0;
}

/* The Han character a GBK pair was split from: prev's last GB18030 byte + the ASCII byte trail.
 * Returns 0 when they make no two-byte character. prev is non-ASCII (the caller checks). */
static uint32_t rebuild_gbk_pair(uint32_t prev, unsigned char trail)
{
    iconv_t enc = iconv_open("GB18030", "UTF-8");
    if (enc == (iconv_t)-1)
        return 0;
    /* prev as UTF-8 (it is a character of the line, so no surrogate and at most U+10FFFF) */
    char in[4], gb[8];
    size_t il = ft_utf8_encode(prev, (unsigned char *)in);
    char *ip = in, *op = gb;
    size_t ol = sizeof gb;
    size_t rc = iconv(enc, &ip, &il, &op, &ol);
    iconv_close(enc);
    if (rc == (size_t)-1 || sizeof gb - ol != 2)
        return 0;

    iconv_t dec = iconv_open("UTF-8", "GB18030");
    if (dec == (iconv_t)-1)
        return 0;
    char pair[2] = {gb[1], (char)trail}, utf8[8];
    ip = pair, il = 2, op = utf8, ol = sizeof utf8;
    rc = iconv(dec, &ip, &il, &op, &ol);
    iconv_close(dec);
    if (rc == (size_t)-1 || il != 0)
        return 0;
    uint32_t cp;
    size_t n = sizeof utf8 - ol;
    if (n < 2 || ft_utf8_decode((const unsigned char *)utf8, &cp) != n)
        return 0;
    return cp;
}

/* A character no gloss would explain: everyday, with one modern reading (tables/gen_readings.py).
 * A lost character (0) counts too: only damaged spam text annotates what it lost. */
static int is_plain(uint32_t han)
{
    if (han == 0)
        return 1;
    if (han < FT_PY_COMMON_FIRST || han > FT_PY_COMMON_LAST)
        return 0;
    unsigned k = han - FT_PY_COMMON_FIRST;
    return ft_py_plain[k >> 3] >> (k & 7) & 1;
}

/* Does the annotation at p[open..close) (the syllable between the parentheses) belong to the
 * character before p[open]? *han is that character (0 when it was lost). */
static int annotates(const text *t, size_t open, const syllable *s, uint32_t *han)
{
    uint32_t cp;
    size_t start = char_before(t, open, &cp);
    if (start == open)
        return 0;
    /* a variation selector picks a glyph of the character before it: look through it */
    if (ft_is_variation_selector(cp)) {
        size_t s2 = char_before(t, start, &cp);
        if (s2 == start)
            return 0;
        start = s2;
    }
    *han = cp;
    int set = reading_set(cp);
    if (set >= 0)
        return set_has(set, s);
    *han = 0;
    if (is_lost(t, start, cp))
        return plausible_after_lost(s);
    /* a lone ASCII byte after a non-ASCII character: the second half of a split GBK pair */
    if (cp >= 0x40 && cp <= 0x7E) {
        uint32_t prev;
        size_t pstart = char_before(t, start, &prev);
        if (pstart == start || prev < 0x80)
            return 0;
        *han = rebuild_gbk_pair(prev, (unsigned char)cp);
        set = *han ? reading_set(*han) : -1;
        return set >= 0 && set_has(set, s);
    }
    return 0;
}

/* The annotation syllable after a lost character whose '(' went with it, ending at the ')' at
 * virtual position close (in the uncopied input). Returns the virtual start of the syllable, or
 * close when there is none. */
static size_t lost_paren_annotation(const text *t, size_t close)
{
    size_t s = close;
    /* back over letters, tone marks and a tone number: at most 7 letters, 2 bytes each */
    while (s > t->olen && close - s < 3 * MAX_LETTERS) {
        unsigned char c = vbyte(t, s - 1);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '5') || c == ':') {
            s--;
            continue;
        }
        uint32_t cp;
        char base;
        int tone;
        size_t cs = char_before(t, s, &cp);
        if (c < 0x80 || cs == s || cs < t->olen ||
            !(marked_letter(cp, &base, &tone) || is_tone_combining(cp)))
            break;
        s = cs;
    }
    if (s == close)
        return close;
    uint32_t cp;
    size_t ls = char_before(t, s, &cp);
    if (ls == s || !is_lost(t, ls, cp))
        return close;
    syllable syl;
    const unsigned char *p = t->in + t->copied + (s - t->olen);
    if (!parse_syllable(p, close - s, &syl) || !plausible_after_lost(&syl))
        return close;
    return s;
}

/* ---- the stage ---- */

static size_t open_paren(const unsigned char *p, size_t i, size_t len)
{
    if (p[i] == '(')
        return 1;
    if (p[i] == 0xEF && i + 2 < len && p[i + 1] == 0xBC && p[i + 2] == 0x88)
        return 3;
    return 0;
}

static size_t close_paren(const unsigned char *p, size_t i, size_t len)
{
    if (p[i] == ')')
        return 1;
    if (p[i] == 0xEF && i + 2 < len && p[i + 1] == 0xBC && p[i + 2] == 0x89)
        return 3;
    return 0;
}

/* Offset of the first byte that may begin an annotation: '(', ')' (whose '(' was lost), or the
 * EF of a full-width '（' (EF BC 88); len when there is none. 16 bytes at a time where SSE2 is
 * there (every x86-64), since every line of clean text goes through here whole. */
#ifdef __SSE2__
/* next_trigger's test of the 16 bytes at p (the EF test reads two more): one bit per byte. */
static inline unsigned trigger_bits(const unsigned char *p)
{
    const __m128i open = _mm_set1_epi8('('), close = _mm_set1_epi8(')');
    const __m128i ef = _mm_set1_epi8((char)0xEF), x88 = _mm_set1_epi8((char)0x88);
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, open), _mm_cmpeq_epi8(a, close)),
                             _mm_and_si128(_mm_cmpeq_epi8(a, ef), _mm_cmpeq_epi8(c, x88)));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

static size_t next_trigger(const unsigned char *p, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 18 <= len; i += 16) {
        unsigned bits = trigger_bits(p + i);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    /* the rest of a line of 18 bytes or more: the 16 bytes that end two before its end, less
       those already seen (short lines are mostly such rests: byte by byte, they were half the
       time of this function) */
    if (len >= 18 && i < len - 2) {
        size_t from = len - 18;
        unsigned bits = trigger_bits(p + from) & (~0u << (i - from));
        if (bits)
            return from + (size_t)__builtin_ctz(bits);
        i = len - 2;
    }
#endif
    for (; i < len; i++)
        if (p[i] == '(' || p[i] == ')' || (p[i] == 0xEF && i + 2 < len && p[i + 2] == 0x88))
            return i;
    return len;
}

/* Writes in to out without its annotations; *plain counts those on plain characters. Returns
 * how many went, or -1 when out of memory (out is then incomplete). */
static int strip(const char *in, size_t len, ft_buf *out, unsigned *plain)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t i = next_trigger(p, len);
    *plain = 0;
    if (i == len)
        return 0; /* most lines: no parenthesis at all */

    unsigned removed = 0;
    size_t base = out->len; /* out is handed empty; keep whatever is there anyway */
    text t = {p, 0, out->data ? (const unsigned char *)out->data + base : NULL, 0};
    size_t copied = 0; /* in[0..copied) is accounted for (written to out, or dropped) */
    for (; i < len; i += next_trigger(p + i, len - i)) {
        size_t drop_from, drop_to;
        size_t ol = open_paren(p, i, len);
        if (ol) {
            /* the syllable runs to the first closing parenthesis, within a few bytes */
            size_t j = i + ol, cl = 0;
            while (j < len && j - i < 4 * MAX_LETTERS && !(cl = close_paren(p, j, len)) &&
                   !open_paren(p, j, len))
                j++;
            syllable s;
            uint32_t han = 0;
            if (!cl || j == i + ol || !parse_syllable(p + i + ol, j - i - ol, &s) ||
                !annotates(&t, vpos(&t, i), &s, &han)) {
                i++;
                continue;
            }
            *plain += is_plain(han);
            drop_from = i;
            drop_to = j + cl;
        } else if (p[i] == ')') {
            size_t v = vpos(&t, i), s = lost_paren_annotation(&t, v);
            if (s == v) {
                i++;
                continue;
            }
            drop_from = i - (v - s);
            drop_to = i + 1;
            ++*plain; /* after a lost character */
        } else {
            i++;
            continue;
        }
        if (removed == 0 && ft_buf_reserve(out, len) != 0)
            return -1;
        if (ft_buf_append(out, in + copied, drop_from - copied) != 0)
            return -1;
        copied = drop_to;
        t.copied = copied;
        t.out = (const unsigned char *)out->data + base;
        t.olen = out->len - base;
        i = drop_to;
        removed++;
    }
    if (removed == 0)
        return 0;
    if (ft_buf_append(out, in + copied, len - copied) != 0)
        return -1;
    return (int)removed;
}

void ft_pinyin_survey(void *unused, const char *utf8, size_t len, unsigned counts[])
{
    (void)unused;
    if (next_trigger((const unsigned char *)utf8, len) == len)
        return;
    ft_buf scratch = {0};
    unsigned plain = 0;
    int found = strip(utf8, len, &scratch, &plain);
    ft_buf_free(&scratch);
    counts[FT_PINYIN_PLAIN] = plain;
    counts[FT_PINYIN_GLOSSES] = found > 0 ? (unsigned)found - plain : 0;
}

/* Spam annotates everyday characters line after line; a gloss explains a rare or polyphonic one
 * now and then (醪(láo), 行(háng)). So annotations go when the line or its document holds
 * FT_PINYIN_SPAM_DOCUMENT annotations on plain characters, or the line one and no other line of
 * its document a gloss (a line of a spam page alone, "長(zhǎng)於網(wǎng)"), and stay, counted as glosses kept,
 * otherwise: verse glosses literary characters the tables call everyday beside rare ones,
 * "封狼居胥（xū）" two lines before "佛(bi)狸祠下" in fortunes-zh. */
int ft_pinyin_strip(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)unused;
    unsigned plain;
    int removed = strip(in, len, out, &plain);
    if (removed <= 0)
        return removed;
    unsigned doc_plain =
        r->document ? ft_document_survey(r->document, r->stage, NULL, FT_PINYIN_PLAIN) : plain;
    unsigned doc_glosses = r->document
                               ? ft_document_survey(r->document, r->stage, NULL, FT_PINYIN_GLOSSES)
                               : (unsigned)removed - plain;
    int spam = plain >= FT_PINYIN_SPAM_DOCUMENT || doc_plain >= FT_PINYIN_SPAM_DOCUMENT ||
               (plain > 0 && doc_glosses == (unsigned)removed - plain);
    if (!spam) {
        ft_report_reported(r, (unsigned)removed);
        ft_report_note(r, "pinyin: %d glosses kept", removed);
        return 0;
    }
    ft_report_fixed(r, (unsigned)removed);
    ft_report_note(r, "pinyin: %d removed", removed);
    return 1;
}
