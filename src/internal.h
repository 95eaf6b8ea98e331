/* internal.h — what the library's files share and the public header does not show: byte buffers,
 * per-line reports, UTF-8 helpers, the worker pool, detection, and the stage table.
 *
 * Stage contract (every row of ft_stages, and decode):
 *   int run(void *state, const char *in, size_t len, ft_buf *out, ft_report *r);
 *   - in/len is valid UTF-8 (decode: raw bytes), without the line terminator;
 *   - the caller hands out empty (len 0); the stage appends to it;
 *   - returns 1 when it wrote a different text to out, 0 when the line stays as it is (out is then
 *     ignored), -1 when out of memory;
 *   - never writes a line terminator ('\n' or '\r'): one input line is one output line;
 *   - counts what it did with ft_report_fixed / ft_report_reported and, when r->explain is not
 *     NULL, says it with ft_report_note.
 * A stage's state is made once per worker by its create function and used by one thread at a
 * time; stages without state get NULL.
 * What a character is (Han, kana, private use, a Latin letter...) every stage asks charclass.h.
 */
#ifndef FIXTEXT_INTERNAL_H
#define FIXTEXT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "charclass.h"
#include "fixtext.h"

/* ---- buf.c: growable byte buffer. The owner frees it with ft_buf_free. ---- */
typedef struct ft_buf {
    char *data;
    size_t len, cap;
} ft_buf;

int ft_buf_reserve(ft_buf *b, size_t extra); /* 0 ok, -1 out of memory */
int ft_buf_append(ft_buf *b, const void *p, size_t n);
int ft_buf_putc(ft_buf *b, char c);
int ft_buf_put_cp(ft_buf *b, uint32_t cp); /* appends cp encoded as UTF-8 */
int ft_buf_vprintf(ft_buf *b, const char *fmt, va_list ap);
static inline void ft_buf_clear(ft_buf *b) /* (inline: every stage clears one for every line) */
{
    b->len = 0;
}
void ft_buf_free(ft_buf *b);
char *ft_buf_release(ft_buf *b); /* the data, for the caller to free(); b left empty */

/* Growable arrays (the caller owns them). ft_capacity_for: cap doubled (from first when 0) until
 * it holds want. ft_grown: block grown to cap elements of size bytes; on failure the old block
 * (still owned) with *failed set. ft_room_for_one: room for one more element in an array of *cap
 * holding n, doubled when full; -1 when out of memory (the old array stays). ft_grown's arrays
 * are ft_block_free'd, ft_room_for_one's free'd. */
size_t ft_capacity_for(size_t cap, size_t want, size_t first);
/* Blocks that may grow large (ft_grown's arrays, ft_buf's data): realloc-like, NULL on failure
 * with the old block kept; blocks of FT_LARGE_BLOCK bytes or more live on huge pages (buf.c).
 * Given back with ft_block_free, never free(). FT_LARGE_BLOCK measured on the GB18030 man pages
 * of bench_single_encoding.py (2.8 MB, hyperfine) and the clean corpus (bench_scaling.py peaks,
 * -j 1 / -j 2): 512 KB 64 ms, 33 / 48 MB; 1 MB 74 ms, 24 / 40 MB; 2 MB 81 ms, 23 / 31 MB; all
 * from malloc 88 ms, 19 / 27 MB. */
#define FT_LARGE_BLOCK ((size_t)512 << 10)
void *ft_block_resize(void *block, size_t bytes);
void ft_block_free(void *block);
void *ft_grown(void *block, size_t cap, size_t size, int *failed);
int ft_room_for_one(void **array, size_t n, size_t *cap, size_t size);
/* Zeroed memory for tables built once and then only read; NULL when out of memory. Its pages are
 * made at once, not one page fault per 4 KiB as the table is filled. Most are kept for the life
 * of the process; ft_table_free gives one back (bytes as allocated). */
void *ft_table_alloc(size_t bytes);
void ft_table_free(void *table, size_t bytes);

/* A view into bytes owned by someone else. */
typedef struct ft_slice {
    const char *data;
    size_t len;
} ft_slice;

/* ---- report.c: what a stage did to a line ---- */
typedef struct ft_report {
    fixtext_line_info *info; /* counters to bump */
    ft_buf *explain;         /* NULL unless --explain */
    size_t explain_start;    /* where this line's notes begin in explain (it holds a batch) */
    unsigned stage;          /* the stage running (its row in ft_stages) */
    size_t column_base;      /* characters of the line before the piece a stage sees */
    struct ft_document *document; /* the lines around this one, for ft_document_survey; NULL:
                                     the line alone */
} ft_report;

/* Adds to the running stage's counters in the line's info. */
static inline void ft_report_fixed(ft_report *r, unsigned n)
{
    r->info->fixed[r->stage] += n;
}
static inline void ft_report_reported(ft_report *r, unsigned n)
{
    r->info->reported[r->stage] += n;
}

/* Appends one note ("cp1252→utf-8 ×2; span 5-17") to the line's explanation, "; "-separated.
 * Does nothing when explanations are off, so stages may call it unconditionally. */
void ft_report_note(ft_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- utf8.c and the inline helpers below: UTF-8 validation, decoding and encoding ---- */
#define FT_REPLACEMENT 0xFFFDu

/* Length of the sequence a byte starts: 1 for ASCII, 2..4 for the lead bytes C2..F4, 0 for a byte
 * that starts no well-formed sequence (a continuation byte, C0, C1, F5..FF). */
static inline size_t ft_utf8_lead_length(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if (b < 0xC2)
        return 0;
    if (b < 0xE0)
        return 2;
    if (b < 0xF0)
        return 3;
    return b < 0xF5 ? 4 : 0;
}
static inline int ft_utf8_is_continuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}
/* A Unicode scalar value: a code point that is not a surrogate, what UTF-8 may encode. */
static inline int ft_is_scalar_value(uint32_t cp)
{
    return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}
/* Writes cp as UTF-8 to out, which has room for 4 bytes, and returns the length (1..4). A value
 * UTF-8 cannot encode (a surrogate, anything past U+10FFFF) is written as U+FFFD. */
static inline size_t ft_utf8_encode(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp - 0xD800 < 0x800 || cp > 0x10FFFF) /* (one test for the surrogates) */
        cp = FT_REPLACEMENT;
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the longest prefix of p that is well-formed UTF-8. */
size_t ft_utf8_valid_prefix(const unsigned char *p, size_t n);
/* 1 if all of p is well-formed UTF-8: the fast check for whole batches (AVX2 where the CPU has it).
 * When valid and replacements_seen is not NULL, sets it to whether p holds a U+FFFD. */
int ft_utf8_valid(const unsigned char *p, size_t n, int *replacements_seen);
/* What a line's bytes hold, counted in one vectorised pass: the facts detection sorts lines by. */
typedef struct ft_byte_census {
    int high;       /* a byte >= 0x80 */
    int control;    /* a byte < 0x20 other than tab, LF, VT, FF, CR (NUL and ESC among them) */
    unsigned leads; /* bytes >= 0xC0: starts of multi-byte UTF-8 sequences, if valid */
    unsigned longs; /* bytes >= 0xE0: starts of 3- and 4-byte sequences */
} ft_byte_census;
/* Fills *c for p[0..n) and returns 1; returns 0 when the CPU lacks the vector unit (the caller
 * then counts with its own loop). */
int ft_byte_census_take(const unsigned char *p, size_t n, ft_byte_census *c);
/* Same, counting the U+FFFD characters of that prefix into *replacements, in the same pass. */
size_t ft_utf8_scan(const unsigned char *p, size_t n, unsigned *replacements);
/* Length of the maximal ill-formed subpart starting at p (at least 1), as Unicode's
 * "U+FFFD substitution of maximal subparts" defines it. */
size_t ft_utf8_invalid_length(const unsigned char *p, size_t n);
/* Decodes one character from well-formed UTF-8; returns its length (1..4). Inline: the stages
 * call it once per character on their hot paths. */
static inline size_t ft_utf8_decode(const unsigned char *p, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] < 0xE0) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (p[0] < 0xF0) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
          ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
}
/* The index of the first byte >= 0x80 in p[i..n), or n: eight bytes at a time. Whoever walks a
 * line character by character skips its ASCII runs with it (most of a line of Latin text with one
 * accented letter). */
static inline size_t ft_next_high(const unsigned char *p, size_t i, size_t n)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t high = x & 0x8080808080808080ull;
        if (!high)
            continue;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return i + (size_t)(__builtin_ctzll(high) >> 3); /* (the word's first byte is its lowest) */
#else
        break;
#endif
    }
    while (i < n && p[i] < 0x80)
        i++;
    return i;
}
/* Length of the well-formed sequence at p, or 0 if p does not start one. */
size_t ft_utf8_sequence_length(const unsigned char *p, size_t n);
/* A CESU-8 surrogate pair at p (ED A0..AF xx ED B0..BF xx: a supplementary character written
 * as the UTF-8 of its two UTF-16 halves, as Java's modified UTF-8 and utf8mb3 stores do): 6, with
 * the character in *cp; else 0. Ill-formed UTF-8, but nothing in it is lost. */
size_t ft_utf8_cesu_pair(const unsigned char *p, size_t n, uint32_t *cp);
/* Appends p to out with every maximal ill-formed subpart replaced by U+FFFD, as the Unicode
 * Standard substitutes them; when pairs is not NULL, CESU-8 surrogate pairs are decoded first
 * (and counted in *pairs). Returns the number of replacements, or -1 if out of memory. */
long ft_utf8_sanitize(const unsigned char *p, size_t n, ft_buf *out, unsigned *pairs);
/* 1 if every byte is < 0x80. */
int ft_is_ascii(const unsigned char *p, size_t n);
/* Number of U+FFFD characters in valid UTF-8. */
unsigned ft_utf8_count_replacements(const unsigned char *p, size_t n);

/* ---- framing.c: splitting a byte stream into lines ---- */
typedef struct ft_line_ref {
    size_t start, len;   /* content, in the framer's buffer */
    uint8_t term_len;    /* 0, 1 or 2 bytes of terminator right after the content */
    uint8_t partial;     /* a window of a longer line: no terminator, more of the line follows */
} ft_line_ref;

/* Where a window of a line too long to hold may be cut without splitting a character:
 * returns a cut position in 1..n (the bytes [0, cut) form the window). */
size_t ft_window_cut(const unsigned char *p, size_t n);
/* Finds the first line terminator in p[0..n). Returns the content length and sets *term_len
 * (0 when no terminator was found; a trailing lone '\r' needs more input to decide, so it is
 * reported as not found unless at_eof). */
size_t ft_find_line_end(const unsigned char *p, size_t n, int at_eof, uint8_t *term_len);

/* ---- encodings.c / detect.c: choosing an encoding per line (sequential, one per context) ---- */
/* Encoding ids: FT_ENC_<ID> for every row of encodings.def, in its order (UTF-8 first, ASCII
 * second); ids from FT_ENC_BUILTIN on are registered at run time (--from with another name). */
enum {
#define ENCODING(id, name, iconv, kind, flags, langs, aliases, short_name) FT_ENC_##id,
#include "encodings.def"
#undef ENCODING
    FT_ENC_BUILTIN
};
const char *ft_encoding_name(int encoding);

/* One candidate's evidence for a line (fixtext_candidate says what each figure means). */
typedef struct ft_evidence {
    int16_t encoding;      /* id, -1: none */
    int16_t invalid;       /* invalid or cut sequences of the reading, -1: not scored */
    float score, line_bits, context_bits;
    float plausibility;    /* bits, -1: not scored */
} ft_evidence;

typedef struct ft_choice {
    int encoding;          /* chosen encoding id */
    double score;          /* confidence 0..1 */
    int runner_up;         /* id or -1 */
    double runner_up_score;
    unsigned warnings;     /* FIXTEXT_WARN_* found while scoring */
    unsigned rule;         /* FT_RULE_*: what decided the line */
    ft_evidence top[3];    /* the three best candidates, the chosen one first */
} ft_choice;
/* What decided a line (fixtext_line_info.decided_by names them). */
enum { FT_RULE_NONE, FT_RULE_UTF8_SEQUENCES, FT_RULE_UTF8_PAIRS, FT_RULE_UTF8_DOUBLE,
       FT_RULE_UTF8_LOCAL, FT_RULE_PREFIX, FT_RULE_SETTLED, FT_RULE_SCORED, FT_RULE_COUNT };
/* Fills the detection fields of info (decided_by, candidates) from a choice. */
struct fixtext_line_info;
void ft_choice_describe(const ft_choice *c, struct fixtext_line_info *info);

typedef struct ft_detector ft_detector;
ft_detector *ft_detector_new(const fixtext_options *o, char *err, size_t errlen);
void ft_detector_free(ft_detector *d);
/* Whether the detector compares encodings at all (not forced, not off, more than one candidate):
 * without that, no line needs context. */
int ft_detector_compares(const ft_detector *d);
/* Bounded context: a line's choice depends on at most the FT_DETECT_CONTEXT_LINES lines on each
 * side of the range it is chosen in (fewer when they hold FT_DETECT_CONTEXT_BYTES), never on
 * anything further, so the same range gives the same choices wherever a batch begins. */
#define FT_DETECT_CONTEXT_LINES 32
#define FT_DETECT_CONTEXT_BYTES (16u << 10)
/* How many of the lines before lines[first] (counting back) the range starting there reads. */
size_t ft_detect_context_before(const ft_detector *d, const ft_line_ref *lines, size_t first);
/* How many of lines[end..nlines) the range ending at end reads; *complete is 0 when it would read
 * more lines than there are (wait for them, unless the input has ended). */
size_t ft_detect_context_after(const ft_detector *d, const ft_line_ref *lines, size_t end,
                               size_t nlines, int *complete);
/* The detector's sequential form (ft_detect_range is built on it): chooses an encoding for each
 * of n consecutive lines, carrying the smoothing state from the previous call until
 * ft_detector_reset. Returns 0, or -1 if out of memory. */
void ft_detector_reset(ft_detector *d);
int ft_detect_batch(ft_detector *d, const ft_slice *lines, size_t n, const uint8_t *utf8_valid,
                    ft_choice *choices);
/* Chooses an encoding for each of the n lines of a range: lines[0..before) are the context
 * before it, lines[before..before+n) the range, then `after` lines of context. utf8_valid, when
 * not NULL, says which lines of the range (indexed from the range's first line) are well-formed
 * UTF-8. Fills choices[0..n). Returns 0, or -1 if out of memory. */
int ft_detect_range(ft_detector *d, const ft_slice *lines, size_t before, size_t n, size_t after,
                    const uint8_t *utf8_valid, ft_choice *choices);

/* ---- decode.c: bytes in the chosen encoding -> UTF-8 (per worker) ---- */
typedef struct ft_decoder ft_decoder;
ft_decoder *ft_decoder_new(const fixtext_options *o, char *err, size_t errlen);
void ft_decoder_free(ft_decoder *d);
/* Stage contract; returns 0 only when in is valid UTF-8 that is used as it is. Undecodable bytes
 * become U+FFFD and are counted in info->invalid_sequences. */
int ft_decode_line(ft_decoder *d, int encoding, const char *in, size_t len, ft_buf *out,
                   ft_report *r);

/* ---- wide.c: UTF-16/UTF-32 inputs, decided for the whole input before framing ---- */
enum { FT_WIDE_NEED_MORE = -1, FT_WIDE_NONE = 0, FT_WIDE_UTF16LE, FT_WIDE_UTF16BE, FT_WIDE_UTF32LE,
       FT_WIDE_UTF32BE, FT_WIDE_OTHER /* a codec named by --from that is not ASCII-compatible */ };
/* Looks at the first n bytes of an input (n may grow across calls). Sets *bom_len to the length of
 * a byte order mark to drop. Returns FT_WIDE_NEED_MORE until it can decide (never at_eof). */
int ft_wide_sniff(const unsigned char *p, size_t n, int at_eof, size_t *bom_len);
typedef struct ft_wide ft_wide;
/* The whole-input decision: the kind --from (may be NULL) names, else, when sniff, what the
 * first bytes show (ft_wide_sniff). FT_WIDE_NEED_MORE until it can tell (never at_eof); *bom is
 * the length of a byte order mark to drop. */
int ft_wide_decide(const char *from, int sniff, const unsigned char *p, size_t n, int at_eof,
                   size_t *bom);
/* other: the iconv name for FT_WIDE_OTHER (ignored otherwise); it must outlive every report that
 * names the encoding (the context's own copy of its options does). NULL when iconv lacks it. */
ft_wide *ft_wide_new(int kind, const char *other);
void ft_wide_free(ft_wide *w);
const char *ft_wide_name(int kind);
/* The name it converts from: a static string, or `other`, so that statistics may keep it after
 * the converter is freed. */
const char *ft_wide_encoding(const ft_wide *w);
/* 1 when name's codec writes each ASCII character as that one byte (lines framed on raw bytes). */
int ft_codec_ascii_compatible(const char *name);
/* Converts the next chunk to UTF-8 appended to out, keeping an incomplete unit for the next call.
 * Invalid units become U+FFFD and are added to *invalid. Returns 0 or -1 (out of memory). */
int ft_wide_convert(ft_wide *w, const char *in, size_t len, int at_eof, ft_buf *out,
                    uint64_t *invalid);

/* ---- plausibility.c: how natural a text looks, from the frequency tables ---- */
/* Average cost per character of UTF-8 text (0 = very natural; higher = less plausible; rare,
 * private-use, control and unassigned characters and mojibake-typical pairs cost most). */
double ft_plausibility_cost(const char *utf8, size_t len);
/* Total cost in bits of the text (the sum the average above divides); *chars gets the number of
 * characters (may be NULL). Invalid UTF-8 bytes count as U+FFFD. */
double ft_plausibility_bits(const char *utf8, size_t len, size_t *chars);
/* Cost of character cp after character prev (0xFFFFFFFF at the start of a text), in 1/8 bits. */
unsigned ft_plausibility_step(uint32_t prev, uint32_t cp);
/* The same, asked another way (FT_PL_* flags): FT_PL_DRAWN, box-drawing characters drawn on
 * purpose (read from a double-byte code of a CJK encoding; a code page's single byte read as
 * one is the misreading the plain step charges); FT_PL_FOLD_CAPS, a pair of Greek, Cyrillic or
 * Armenian capitals costs as the small letters (detection: which code page, not which case). */
#define FT_PL_DRAWN 1u
#define FT_PL_FOLD_CAPS 2u
unsigned ft_plausibility_step_as(uint32_t prev, uint32_t cp, unsigned how);
/* Cost of character cp regardless of its neighbours, in 1/8 bits. */
unsigned ft_plausibility_unigram(uint32_t cp);
/* The least cp costs after any character (a lower bound of ft_plausibility_step and of what the
 * detector charges), 1/8 bits. */
unsigned ft_plausibility_floor(uint32_t cp);
/* The most cp costs after the start of a text, an ASCII character or a character that has a
 * ceiling too (an upper bound of ft_plausibility_step_as there), 1/8 bits; FT_PL_NO_CEILING for
 * the characters none is kept for: all but those from U+3000 up and punctuation, and among those
 * letters of an alphabet, box drawing and symbols. */
#define FT_PL_NO_CEILING 0xFFFFu
unsigned ft_plausibility_ceiling(uint32_t cp);
/* Whether the model's text holds cp at all (its cost is then counted, not the class's guess). */
int ft_plausibility_seen(uint32_t cp);
/* What the detector charges a Hebrew point (ft_is_vowel_point) on a Hebrew letter, in bits: one
 * of the sixteen signs a pointed letter takes (eleven vowel points, dagesh, shin and sin dots,
 * rafe, meteg), uniformly. The pooled model's text is unpointed, so it has no count of its own:
 * each point cost some 16 bits as an unknown mark, and Genesis in windows-1255 came out as
 * windows-1251 letter soup. */
#define FT_POINT_BITS 4

/* A small direct-mapped cache of pair costs for one thread's scorer (the detector's readings,
 * the mojibake stage's rounds), which ask the same character pairs over and over while each
 * answer costs class lookups and a probe of a large table. The answer must be a pure function of
 * (prev, cp, flags), so a cache changes speed only. FT_PAIR_CACHE_BITS: 2^14 entries of 8 bytes
 * (128 KiB, within L2); the GB18030 poetry file of bench_single_encoding.py took 11% less time
 * with it. An entry: bit 63 set, the flags in 61-62, prev in 40-60 (0x1FFFFF: none before), cp
 * in 19-39, the cost in 0-18. */
#define FT_PAIR_CACHE_BITS 14
uint64_t *ft_pair_cache_new(void); /* NULL when out of memory: callers then ask every time */
static inline uint64_t ft_pair_cache_key(uint32_t prev, uint32_t cp, unsigned flags)
{
    if (cp > 0x10FFFF || (prev > 0x10FFFF && prev != 0xFFFFFFFFu))
        return 0; /* (not cached) */
    return 1ull << 63 | (uint64_t)(flags & 3) << 61 |
           (uint64_t)(prev == 0xFFFFFFFFu ? 0x1FFFFFu : prev) << 40 | (uint64_t)cp << 19;
}
static inline uint64_t *ft_pair_cache_slot(uint64_t *cache, uint64_t key)
{
    return &cache[(key * 0x9E3779B97F4A7C15ull) >> (64 - FT_PAIR_CACHE_BITS)];
}
/* The cached cost of key (from ft_pair_cache_key), or -1. */
static inline long ft_pair_cache_get(uint64_t *cache, uint64_t key)
{
    if (!cache || !key)
        return -1;
    uint64_t e = *ft_pair_cache_slot(cache, key);
    return (e & ~((1ull << 19) - 1)) == key ? (long)(e & ((1ull << 19) - 1)) : -1;
}
static inline void ft_pair_cache_put(uint64_t *cache, uint64_t key, unsigned cost)
{
    if (cache && key && cost < (1u << 19))
        *ft_pair_cache_slot(cache, key) = key | cost;
}

/* ---- letters.c: how well a text reads as each language (per-language letter models) ---- */
int ft_letters_langs(void);               /* the languages modelled, 0..ft_letters_langs()-1 */
#define FT_MAX_LETTER_LANGS 64 /* at most: the detector keeps a candidate's languages in 64 bits */
const char *ft_letters_lang_name(int lang); /* "pl", "ru", ... */
/* The letter tokens of cps[0..n) into tokens[0..cap) (returns how many) and what the non-ASCII
 * symbols among them cost (1/8 bits, the same in every language). */
size_t ft_letters_tokens(const uint32_t *cps, size_t n, uint32_t *tokens, size_t cap,
                         unsigned *symbols);
/* What a text's distinct non-ASCII letters[0..n) (as tokens), each occurring counts[i] times,
 * cost one by one, without their neighbours, in each language: cost[0..ft_letters_langs())
 * (1/8 bits). */
void ft_letters_unigrams(const uint32_t *letters, const unsigned *counts, size_t n, unsigned *cost);
/* Their cost as text of lang in 1/8 bits, stopping (returning more than limit) past limit: the
 * pairs touching a non-ASCII character and the symbols (high), or the other pairs (!high), which
 * are the same in every single-byte reading of a line. */
unsigned ft_letters_cost(const uint32_t *tokens, size_t n, unsigned symbols, int lang,
                         unsigned limit, int high);
/* The other pairs (!high) of tokens[0..n) as indexes into every language's table of ASCII pairs
 * (room for n; (size_t)-1 when the tables could not be built), for a text judged in several
 * languages: ft_letters_low_cost is then what ft_letters_cost(..., ~0u, 0) gives, at one
 * load a pair. */
size_t ft_letters_low_pairs(const uint32_t *tokens, size_t n, uint16_t *pairs);
unsigned ft_letters_low_cost(const uint16_t *pairs, size_t n, int lang);

/* ---- pool.c: worker threads for independent tasks ---- */
typedef struct ft_pool ft_pool;
typedef void (*ft_task_fn)(void *ctx, size_t task, unsigned worker);
ft_pool *ft_pool_new(unsigned workers); /* workers, the calling thread included (1..MAX_JOBS) */
void ft_pool_free(ft_pool *p);
/* Runs fn(ctx, task, worker) for every task in 0..ntasks, each once, on the workers (worker 0
 * is the caller), in two halves: start lets the threads begin; finish makes the caller take tasks
 * too and returns when all are done. Between them the caller may do other work that touches
 * none of what the tasks touch. */
void ft_pool_start(ft_pool *p, size_t ntasks, ft_task_fn fn, void *ctx);
void ft_pool_finish(ft_pool *p);

/* ---- stages.c: the repair and conversion stages, one row each, in pipeline order ---- */
typedef int (*ft_stage_run_fn)(void *state, const char *in, size_t len, ft_buf *out, ft_report *r);
/* counts a stage's survey keeps per document: room for the mojibake stage's one per reading
 * (mojibake.c asserts READING_SLOTS fits) */
#define FT_SURVEY_COUNTS 80
typedef struct ft_stage {
    const char *name;       /* for --skip/--only and reports */
    const char *summary;    /* one line for --help */
    unsigned off_flag;      /* the FIXTEXT_* flag that also turns it off (0: none) */
    /* on unless turned off; or, when set, only if the options ask for it (conversion) */
    int (*wanted)(const fixtext_options *o);
    void *(*create)(const fixtext_options *o, char *err, size_t errlen); /* NULL: no state */
    void (*destroy)(void *state);
    ft_stage_run_fn run;
    int ascii_inert;        /* never changes a line of ASCII alone: such lines skip it */
    /* the longest text it takes at once (0: any); a longer line goes in pieces cut after a
       space or ASCII punctuation (ft_window_cut), which bounds the stage's memory */
    size_t max_piece;
    const char *counter[2]; /* names of its fixed / reported counts (NULL: none) */
    const char *label[2];   /* the same for --stats ("pinyin annotations removed") */
    /* What a line says about its document, for stages that judge a line by the lines around
     * it (NULL: none): FT_SURVEY_COUNTS counts it adds to; ft_document_survey sums them over the
     * document when the stage asks. It gets the stage's state, which it may use as scratch: the
     * stage asks for the survey only where it can lose what the state holds. */
    void (*survey)(void *state, const char *utf8, size_t len, unsigned counts[]);
} ft_stage;

/* One line's nonzero survey count, kept for ft_document_survey_near. */
typedef struct ft_survey_entry {
    uint32_t line;  /* its index in the document */
    uint8_t stage;
    uint8_t which;
    uint16_t count; /* (saturating) */
} ft_survey_entry;

/* The document a line is read in: its block of lines, or its --jsonl/--tsv document. Blocks are
 * cut by content, so a survey, like everything else, depends on the input bytes only. A stage
 * that needs one asks ft_document_survey, which sums the stage's survey over the lines that are
 * valid UTF-8 and read as such, once per document (the common line never asks), or
 * ft_document_survey_near, the same over the lines near the one being worked on.
 * Ownership: the entries are the document's (ft_document_free); the rest is borrowed. */
typedef struct ft_document {
    const ft_slice *lines;
    size_t n;
    const ft_choice *choices;        /* per line */
    const uint8_t *utf8_valid;       /* per line */
    int all_utf8;                    /* every line is UTF-8 (the input was decoded whole) */
    size_t at;                       /* the line being worked on */
    unsigned surveyed;               /* bit k: surveys[k] is taken (every line seen) */
    unsigned surveys[FIXTEXT_MAX_STAGES][FT_SURVEY_COUNTS];
    ft_survey_entry *entries;        /* the nonzero counts of the lines seen */
    size_t nentries, entries_cap;
    uint16_t *seen;                  /* per line, bit k: stage k's survey of it is in entries */
    size_t seen_cap;
} ft_document;
/* The document's sum of count `which` of the stage's survey (saturating); state: the stage's,
 * handed to its survey. */
unsigned ft_document_survey(ft_document *doc, unsigned stage, void *state, unsigned which);
/* The same over the lines at most `radius` lines from doc->at, that line itself left out; only
 * those lines are surveyed (each once per document), so a question near one line costs the
 * lines around it, not the whole document. */
unsigned ft_document_survey_near(ft_document *doc, unsigned stage, void *state, unsigned which,
                                 size_t radius);
void ft_document_free(ft_document *doc);
extern const ft_stage ft_stages[];
extern const unsigned ft_stage_total;

/* ---- entities.c: HTML character references (no state) ---- */
void *ft_entities_new(const fixtext_options *o, char *err, size_t errlen);
void ft_entities_free(void *state);
/* state NULL: decode on every line without markup, as FIXTEXT_ENTITIES_ALWAYS */
int ft_entities_decode(void *state, const char *in, size_t len, ft_buf *out, ft_report *r);

/* ---- mojibake.c, c1.c, shifted.c: undoing wrong decodings ---- */
void *ft_mojibake_new(const fixtext_options *o, char *err, size_t errlen);
void ft_mojibake_free(void *m);
int ft_mojibake_repair(void *m, const char *in, size_t len, ft_buf *out, ft_report *r);
/* Its survey: one count per reading (X→Y) that repairs the line on its own. */
void ft_mojibake_survey(void *m, const char *utf8, size_t len, unsigned counts[]);
/* For the tests: whether the line gate's two ways of reading a line (valid UTF-8) agree: 1 yes
 * (or the quick way, for plain CJK lines, passed the line to the walk), 0 no, -1 out of memory.
 * *quick: the quick way's answer, 1 clean, 0 suspect, -1 passed on. */
int ft_mojibake_gates_agree(const char *utf8, size_t len, int *quick);
/* The windows-1252 character a C1 control U+0080..U+009F stands for; cp itself when windows-1252
 * leaves that byte undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
uint32_t ft_c1_as_cp1252(uint32_t cp);
int ft_c1_fix(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r);
int ft_shifted_repair(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r);

/* ---- pinyin.c: stray pinyin annotations (no state) ---- */
/* Its survey: the annotations of a line on plain characters (ones no gloss would explain), and
 * the others (FT_PINYIN_PLAIN, FT_PINYIN_GLOSSES). A document (block of lines, or --jsonl
 * document) with FT_PINYIN_SPAM_DOCUMENT plain ones is spam, and loses even the annotations that
 * would pass for glosses elsewhere. Measured: the seeds' spam pages have 2 to 60 per block, every
 * block; glossed classical text (fortunes-zh) and the glosses of the pinyin issue 0 or 1. */
#define FT_PINYIN_SPAM_DOCUMENT 2
enum { FT_PINYIN_PLAIN, FT_PINYIN_GLOSSES };
void ft_pinyin_survey(void *unused, const char *utf8, size_t len, unsigned counts[]);
int ft_pinyin_strip(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r);

/* ---- script.c, convert.c: Traditional/Simplified (per worker) ---- */
enum { FT_SCRIPT_NONE = 0, FT_SCRIPT_SIMPLIFIED, FT_SCRIPT_TRADITIONAL, FT_SCRIPT_MIXED, FT_SCRIPT_SHARED,
       FT_SCRIPT_COUNT };
int ft_script_classify(const char *utf8, size_t len);
const char *ft_script_name(int script);
/* NULL with a message naming the configuration when it is missing or broken. Only called when
 * options ask for a conversion. */
void *ft_converter_new(const fixtext_options *o, char *err, size_t errlen);
void ft_converter_free(void *c);
int ft_convert_line(void *c, const char *in, size_t len, ft_buf *out, ft_report *r);

#endif
