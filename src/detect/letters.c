/* letters.c — how well a text reads as each language, from the per-language letter models that
 * tables/gen_letters.py generates (tables/letter_models.c). The detector asks it which of the
 * single-byte readings of a line is text of some language: those code pages read each other's
 * bytes as letters, and only the letters' company in a language tells "opcję" (Polish, windows-1250)
 * from "opcjê" (its windows-1252 reading).
 *
 * A text is seen as tokens: small letters, and one boundary token for a run of non-letters. Its
 * cost in a language is the sum over the pairs of neighbouring tokens of -log2 P(b | a) in that
 * language, in two parts: the pairs of which one comes from a non-ASCII character (what differs
 * between code pages; a no-break space where a letter was pays for the words it cuts:
 * "p\u00A0gina"), and the others, the same in every reading of a line, which say what language
 * the line is in ("Questo è Unix" is Italian, not the Russian "и" between Latin words),
 * plus SYMBOL_BITS for each non-ASCII character that is no letter (else a reading with symbols
 * where the letters were would have nothing to pay), GLUED_BITS more when it stands inside a word
 * ("pr’t", "\u00A0bersetzung": German in IBM437 read as windows-1252) or ends one (ends_words),
 * and CAPITAL_INSIDE_BITS for a
 * non-ASCII capital after a small letter. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "internal.h"
#include "letter_models.h"

/* A non-ASCII symbol (¤ ‚ ˘ ...): about what an unusual letter costs in a language that has it,
 * so that readings turning letters into symbols gain nothing. */
#define SYMBOL_BITS 4
/* ... and inside a word, letters on both sides or opening one: rare in real text but for a few
 * marks (word_mark). */
#define GLUED_BITS 8
/* A non-ASCII capital right after a small letter ("свЯзи": Mac Cyrillic's "я" read as
 * windows-1251): the models see small letters only, and real words seldom do this. */
#define CAPITAL_INSIDE_BITS 8
/* A letter the language's model never saw (or saw fewer than 3 times): it costs this after any
 * letter, as a rare character does in the pooled model. */
#define UNSEEN_BITS 20

#define Q8(bits) ((unsigned)(bits) * 8)
_Static_assert(FT_LM_LANGS <= FT_MAX_LETTER_LANGS, "the detector keeps a candidate's languages in 64 bits");
#define BOUNDARY 0u
#define FROM_HIGH (1u << 31) /* a token (or a boundary run) holding a non-ASCII character */

int ft_letters_langs(void)
{
    return FT_LM_LANGS;
}

const char *ft_letters_lang_name(int lang)
{
    return lang >= 0 && lang < FT_LM_LANGS ? ft_lm_langs[lang].lang : "";
}

static const ft_lm_token *token_of(int lang, uint32_t t);

/* Each language's unigram costs and back-off weights of the characters below DENSE_LIMIT (Latin,
 * Greek, Cyrillic, Hebrew, Arabic), and its costs of the pairs of ASCII tokens (a boundary or one
 * of 26 small letters), built once: the detector asks for them for every language and every
 * reading of a line (36 x 5.5 KiB). Above it, a binary search; other pairs, a probe of the pair
 * table. Same values either way: the tables only save the searches. */
#define DENSE_LIMIT 0x800
#define ASCII_TOKENS 27
typedef struct dense_lang {
    uint8_t cost[DENSE_LIMIT];
    uint8_t backoff[DENSE_LIMIT];
    uint16_t ascii_pair[ASCII_TOKENS][ASCII_TOKENS];
} dense_lang;
static dense_lang *dense;
/* The same letter costs transposed, [DENSE_LIMIT][FT_LM_LANGS]: the short-list asks every
 * language about a letter at once (one row, where the per-language tables took a cache line
 * each; 18% of the instructions on windows-1252 text went to that loop). */
static uint8_t (*by_letter)[FT_LM_LANGS];
static pthread_once_t dense_once = PTHREAD_ONCE_INIT;
static atomic_int dense_ready; /* (lets the hot paths skip pthread_once's call: 2% of the time
                                  on windows-1252 text) */

static unsigned probed_pair_cost(int lang, uint32_t a, uint32_t b);

/* The index of an ASCII token in ascii_pair, or -1. */
static int ascii_index(uint32_t t)
{
    return t == BOUNDARY ? 0 : t - 'a' < 26u ? (int)(t - 'a') + 1 : -1;
}

static void build_dense(void)
{
    dense_lang *all = malloc(sizeof *all * FT_LM_LANGS);
    for (int l = 0; all && l < FT_LM_LANGS; l++) {
        memset(all[l].cost, Q8(UNSEEN_BITS), DENSE_LIMIT);
        memset(all[l].backoff, 0, DENSE_LIMIT);
        for (uint32_t i = 0; i < ft_lm_langs[l].count; i++) {
            const ft_lm_token *r = ft_lm_tokens + ft_lm_langs[l].first + i;
            if (r->token < DENSE_LIMIT)
                all[l].cost[r->token] = r->cost, all[l].backoff[r->token] = r->backoff;
        }
    }
    by_letter = all ? malloc(sizeof *by_letter * DENSE_LIMIT) : NULL;
    for (int t = 0; by_letter && t < DENSE_LIMIT; t++)
        for (int l = 0; l < FT_LM_LANGS; l++)
            by_letter[t][l] = all[l].cost[t];
    dense = all; /* (before the ASCII pairs: probed_pair_cost takes its back-off from it) */
    for (int l = 0; all && l < FT_LM_LANGS; l++)
        for (int a = 0; a < ASCII_TOKENS; a++)
            for (int b = 0; b < ASCII_TOKENS; b++)
                all[l].ascii_pair[a][b] = (uint16_t)probed_pair_cost(
                    l, a ? 'a' + (uint32_t)a - 1 : BOUNDARY, b ? 'a' + (uint32_t)b - 1 : BOUNDARY);
    atomic_store_explicit(&dense_ready, 1, memory_order_release);
}

static inline void dense_init(void)
{
    if (!atomic_load_explicit(&dense_ready, memory_order_acquire))
        pthread_once(&dense_once, build_dense);
}

void ft_letters_unigrams(const uint32_t *letters, const unsigned *counts, size_t n, unsigned *cost)
{
    dense_init();
    for (int l = 0; l < FT_LM_LANGS; l++)
        cost[l] = 0;
    for (size_t i = 0; i < n; i++) {
        if (by_letter && letters[i] < DENSE_LIMIT) {
            const uint8_t *row = by_letter[letters[i]];
            for (int l = 0; l < FT_LM_LANGS; l++)
                cost[l] += counts[i] * row[l];
            continue;
        }
        for (int l = 0; l < FT_LM_LANGS; l++) {
            const ft_lm_token *r = token_of(l, letters[i]);
            cost[l] += counts[i] * (r ? r->cost : Q8(UNSEEN_BITS));
        }
    }
}

/* The language's record of token t, or NULL: a binary search of its sorted slice. */
static const ft_lm_token *token_of(int lang, uint32_t t)
{
    const ft_lm_token *a = ft_lm_tokens + ft_lm_langs[lang].first;
    size_t lo = 0, hi = ft_lm_langs[lang].count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid].token < t)
            lo = mid + 1;
        else if (a[mid].token > t)
            hi = mid;
        else
            return a + mid;
    }
    return NULL;
}

/* The pair's cost from the tables themselves: a probe of the pair table, else the back-off. */
static unsigned probed_pair_cost(int lang, uint32_t a, uint32_t b)
{
    uint64_t key = ((uint64_t)lang << 42 | (uint64_t)a << 21 | b) * 0x9E3779B97F4A7C15ull;
    uint32_t fp = (uint32_t)(key & 0xFFFFFFFFu) | 1u;
    const uint32_t mask = (1u << FT_LM_PAIR_BITS) - 1;
    for (uint32_t s = (uint32_t)(key >> (64 - FT_LM_PAIR_BITS));; s = (s + 1) & mask) {
        if (ft_lm_pair_fp[s] == fp)
            return ft_lm_pair_cost[s];
        if (!ft_lm_pair_fp[s])
            break;
    }
    if (dense && a < DENSE_LIMIT && b < DENSE_LIMIT)
        return dense[lang].backoff[a] + dense[lang].cost[b];
    const ft_lm_token *ta = token_of(lang, a), *tb = token_of(lang, b);
    return (ta ? ta->backoff : 0) + (tb ? tb->cost : Q8(UNSEEN_BITS));
}

static unsigned pair_cost(int lang, uint32_t a, uint32_t b)
{
    int ia = ascii_index(a), ib = ascii_index(b);
    if (dense && ia >= 0 && ib >= 0)
        return dense[lang].ascii_pair[ia][ib];
    return probed_pair_cost(lang, a, b);
}

static int is_letter(uint32_t cp)
{
    return cp < 0x80 ? (unsigned)((cp | 0x20) - 'a') < 26 : u_isalpha((UChar32)cp) != 0;
}

/* The token of a character (a small letter or BOUNDARY). */
static uint32_t token(uint32_t cp)
{
    if (cp < 0x80)
        return is_letter(cp) ? cp | 0x20 : BOUNDARY;
    return u_isalpha((UChar32)cp) ? (uint32_t)u_tolower((UChar32)cp) : BOUNDARY;
}

/* Punctuation that real words hold between letters: the apostrophes ’ ʼ ʻ, Hebrew geresh and
 * gershayim (ט״ס), the Catalan middle dot (col·lecció). */
static int word_mark(uint32_t cp)
{
    return cp == 0x2019 || cp == 0x2BC || cp == 0x2BB || cp == 0x5F3 || cp == 0x5F4 || cp == 0xB7;
}

/* Symbols real text glues to the end of a word: closing quotes and brackets, apostrophes, marks
 * of trade (Brand®, Name™), superscripts and ordinals (m², 1ª), the ellipsis. Any other symbol
 * there is the word's last letter misread: Polish "Zamień" in IBM437 is "Zamie±", Slovak
 * "Otvoriť" "Otvori¥", Turkish "Hataları" in Mac Roman "Hatalar˝" (Vim's menu translations). */
static int ends_words(uint32_t cp)
{
    switch (u_charType((UChar32)cp)) {
    case U_END_PUNCTUATION: case U_FINAL_PUNCTUATION: case U_INITIAL_PUNCTUATION:
    case U_OTHER_NUMBER: case U_DECIMAL_DIGIT_NUMBER:
        return 1;
    default:
        return word_mark(cp) || cp == 0xAE || cp == 0x2122 || cp == 0x2120 || cp == 0xAA ||
               cp == 0xBA || cp == 0xB0 || cp == 0x2026;
    }
}

static int is_guillemet(uint32_t cp)
{
    return cp == 0xAB || cp == 0xBB || cp == 0x2039 || cp == 0x203A;
}

/* Whether the line quotes with guillemets: another one besides cps[at]. A lone "»" closing a
 * word is Slovak "ť" of ISO-8859-2 (BB) read as windows-1250: "Otvoriť" as "Otvori»". */
static int quotes_with_guillemets(const uint32_t *cps, size_t n, size_t at)
{
    for (size_t i = 0; i < n; i++)
        if (i != at && is_guillemet(cps[i]))
            return 1;
    return 0;
}

/* A non-ASCII character that is neither a letter nor a space. */
static int in_symbol_run(uint32_t cp)
{
    return cp >= 0x80 && !is_letter(cp) && !u_isspace((UChar32)cp);
}

/* What a non-ASCII non-letter at cps[i] costs, in 1/8 bits (0 for the others). A no-break space
 * separates words as a space does and costs nothing there; opening a word after a space, or
 * between two small letters, it is a letter's misreading ("der \u00A0bersetzung"). */
static unsigned symbol_cost(const uint32_t *cps, size_t n, size_t i)
{
    uint32_t cp = cps[i];
    if (cp < 0x80 || is_letter(cp))
        return 0;
    int before = i > 0 && is_letter(cps[i - 1]);
    int after = i + 1 < n && is_letter(cps[i + 1]);
    /* (after an elision too: "L'½uf" is windows-1252's reading of ISO-8859-15's "L'œuf") */
    int elided = i > 1 && (cps[i - 1] == '\'' || cps[i - 1] == 0x2019) && is_letter(cps[i - 2]);
    int opens = after && (i == 0 || cps[i - 1] == ' ' || elided);
    if (u_isspace((UChar32)cp)) {
        /* (between two small letters too: "ejecutar\u00A0n" is IBM850's "ejecutarán") */
        int small = before && after && u_islower((UChar32)cps[i - 1]) && u_islower((UChar32)cps[i + 1]);
        /* (nor does a no-break space end a word before a plain space: "Est\u00A0 predefinida"
           is windows-1252's reading of IBM850's "Está predefinida") */
        int doubled = before && i + 1 < n && cps[i + 1] == ' ';
        return (opens && i > 0) || small || doubled ? Q8(SYMBOL_BITS + GLUED_BITS) : 0;
    }
    /* (a run of such symbols is as much inside a word as one: "v≤≤r", Dutch "vóór" in IBM437) */
    size_t first = i, last = i;
    while (first > 0 && in_symbol_run(cps[first - 1]))
        first--;
    while (last + 1 < n && in_symbol_run(cps[last + 1]))
        last++;
    int inside = first > 0 && is_letter(cps[first - 1]) && last + 1 < n && is_letter(cps[last + 1]) &&
                 !word_mark(cp);
    int ends = first > 0 && is_letter(cps[first - 1]) && !(last + 1 < n && is_letter(cps[last + 1])) &&
               !(ends_words(cp) && (!is_guillemet(cp) || quotes_with_guillemets(cps, n, i)));
    return Q8(SYMBOL_BITS) + (inside || opens || ends ? Q8(GLUED_BITS) : 0);
}

size_t ft_letters_tokens(const uint32_t *cps, size_t n, uint32_t *tokens, size_t cap,
                         unsigned *symbols)
{
    size_t m = 0;
    *symbols = 0;
    if (cap < 2)
        return 0;
    tokens[m++] = BOUNDARY;
    for (size_t i = 0; i < n && m + 1 < cap; i++) {
        if (cps[i] < 0x80) {
            /* (most of a line: no symbol, no mark, no capital inside a word to look up) */
            if (is_letter(cps[i]))
                tokens[m++] = cps[i] | 0x20;
            else if ((tokens[m - 1] & ~FROM_HIGH) != BOUNDARY)
                tokens[m++] = BOUNDARY;
            continue;
        }
        /* (a vowel point on a Hebrew letter is part of it: the models' text is unpointed, so a
           pointed word is judged as its letters, not as one-letter words; on another letter it
           stays the word boundary it looks like) */
        if (ft_is_vowel_point(cps[i]) &&
            ft_letter_script(tokens[m - 1] & ~FROM_HIGH) == FT_USCRIPT_HEBREW)
            continue;
        *symbols += symbol_cost(cps, n, i);
        if (cps[i] >= 0x80 && i > 0 && u_isupper((UChar32)cps[i]) && u_islower((UChar32)cps[i - 1]))
            *symbols += Q8(CAPITAL_INSIDE_BITS);
        /* (the ligature œ is its two letters, as tables/gen_letters.py reads it: French writes
           "œuvre" and "oeuvre" alike) */
        if ((cps[i] == 0x153 || cps[i] == 0x152) && m + 2 < cap) {
            tokens[m++] = 'o' | FROM_HIGH;
            tokens[m++] = 'e' | FROM_HIGH;
            continue;
        }
        uint32_t t = token(cps[i]) | (cps[i] >= 0x80 ? FROM_HIGH : 0);
        if ((t & ~FROM_HIGH) == BOUNDARY && (tokens[m - 1] & ~FROM_HIGH) == BOUNDARY)
            tokens[m - 1] |= t; /* (one boundary for the run; it holds a non-ASCII one or not) */
        else
            tokens[m++] = t;
    }
    if ((tokens[m - 1] & ~FROM_HIGH) != BOUNDARY && m < cap)
        tokens[m++] = BOUNDARY;
    return m;
}

/* Whether the pair of tokens i-1, i touches a non-ASCII character: what differs between the
 * single-byte readings of a line (the "high" pairs of ft_letters_cost). */
static inline int high_pair(const uint32_t *tokens, size_t i)
{
    return ((tokens[i - 1] | tokens[i]) & FROM_HIGH) != 0;
}

size_t ft_letters_low_pairs(const uint32_t *tokens, size_t n, uint16_t *pairs)
{
    dense_init();
    if (!dense)
        return (size_t)-1;
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        if (high_pair(tokens, i))
            continue;
        /* (tokens without a non-ASCII character are ASCII letters or boundaries: indexed) */
        pairs[k++] = (uint16_t)(ascii_index(tokens[i - 1]) * ASCII_TOKENS + ascii_index(tokens[i]));
    }
    return k;
}

unsigned ft_letters_low_cost(const uint16_t *pairs, size_t n, int lang)
{
    const uint16_t *table = &dense[lang].ascii_pair[0][0];
    unsigned cost = 0;
    for (size_t j = 0; j < n; j++)
        cost += table[pairs[j]];
    return cost;
}

unsigned ft_letters_cost(const uint32_t *tokens, size_t n, unsigned symbols, int lang,
                         unsigned limit, int high)
{
    dense_init();
    unsigned cost = high ? symbols : 0;
    for (size_t i = 1; i < n && cost <= limit; i++)
        if (high_pair(tokens, i) == !!high)
            cost += pair_cost(lang, tokens[i - 1] & ~FROM_HIGH, tokens[i] & ~FROM_HIGH);
    return cost;
}
