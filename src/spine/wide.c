/* wide.c — inputs decoded as a whole before lines are framed: UTF-16/UTF-32, recognised (a
 * byte order mark, or the NUL pattern: every second or every 2nd-4th byte zero in mostly-Latin
 * text, NULs on one side of the units only and after a newline in CJK text) and converted to
 * UTF-8 as a stream with iconv; and any encoding --from names whose bytes for ASCII are not
 * ASCII (UTF-7, EBCDIC, UCS-4…), where a '\n' byte need not be a newline. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encodings.h"

#define SNIFF_MIN 64   /* bytes wanted before judging a NUL pattern (unless the input ends) */
#define SNIFF_MAX 4096 /* the most bytes any decision looks at */
/* CJK UTF-16 without NULs: at least this many units, this share of them East Asian or ASCII, and
 * an average cost per character the plausibility model gives real text (see cjk_utf16). */
#define MIN_CJK_UNITS 4
#define CJK_UNITS_PERCENT 95
#define CJK_MAX_COST 15.0 /* real Chinese and Japanese text: 7.7-11.1 bits; Latin-1, GB18030 read as UTF-16: 21-23 */

static int nul_pattern(const unsigned char *p, size_t n)
{
    size_t zero[4] = {0}, count[4] = {0};
    for (size_t i = 0; i < n; i++) {
        count[i & 3]++;
        zero[i & 3] += p[i] == 0;
    }
    size_t units4 = n / 4;
    if (units4 >= 2) {
        /* UTF-32: the two high bytes of every unit are zero, the low byte mostly not */
        int le = zero[2] == count[2] && zero[3] == count[3] && zero[0] * 10 < count[0] * 2;
        int be = zero[0] == count[0] && zero[1] == count[1] && zero[3] * 10 < count[3] * 2;
        if (le && !be)
            return FT_WIDE_UTF32LE;
        if (be && !le)
            return FT_WIDE_UTF32BE;
    }
    size_t even_n = count[0] + count[2], odd_n = count[1] + count[3];
    size_t even_z = zero[0] + zero[2], odd_z = zero[1] + zero[3];
    if (n >= 4 && odd_z * 10 >= odd_n * 4 && even_z * 20 <= even_n)
        return FT_WIDE_UTF16LE;
    if (n >= 4 && even_z * 10 >= even_n * 4 && odd_z * 20 <= odd_n)
        return FT_WIDE_UTF16BE;
    /* CJK text in UTF-16 has few NULs: only its ASCII (newlines, spaces, digits) has them. Take
     * it as UTF-16 when nearly every NUL is on one side of the units and a line ends there. */
    size_t nl_le = 0, nl_be = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        nl_le += (p[i] == '\n' || p[i] == '\r') && p[i + 1] == 0;
        nl_be += p[i] == 0 && (p[i + 1] == '\n' || p[i + 1] == '\r');
    }
    if (odd_z >= 2 && even_z * 4 <= odd_z && nl_le) /* (U+4E00 一 and its kind give a few) */
        return FT_WIDE_UTF16LE;
    if (even_z >= 2 && odd_z * 4 <= even_z && nl_be)
        return FT_WIDE_UTF16BE;
    return FT_WIDE_NONE;
}

/* Every decision below is a function of a fixed prefix of the input (the first line, the first
 * SNIFF_MIN or the first SNIFF_MAX bytes), never of how much happened to arrive: the same input
 * read in any pieces is read as the same kind. */

/* NULs among the first bytes: a NUL pattern, judged on the first SNIFF_MIN bytes when they are
 * conclusive and on the first SNIFF_MAX otherwise. */
static int sniff_nul_pattern(const unsigned char *p, size_t n, int at_eof)
{
    if (n < SNIFF_MIN && !at_eof)
        return FT_WIDE_NEED_MORE;
    int kind = nul_pattern(p, n < SNIFF_MIN ? n : SNIFF_MIN);
    if (kind != FT_WIDE_NONE || (at_eof && n <= SNIFF_MIN))
        return kind;
    if (n < SNIFF_MAX && !at_eof)
        return FT_WIDE_NEED_MORE;
    return nul_pattern(p, n < SNIFF_MAX ? n : SNIFF_MAX);
}

/* A first line that is well-formed UTF-8 without control characters: no UTF-16 text of more than
 * a character or two is that (its CJK units put bytes 0x4E-0x9F after every other byte). */
static int plain_first_line(const unsigned char *p, size_t head)
{
    for (size_t i = 0; i < head; i++)
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != 0x1B && p[i] != '\f')
            return 0;
    return ft_utf8_valid_prefix(p, head) == head;
}

/* The UTF-16 reading of p[0..n) in byte order big (0 little-endian): whether it is East Asian
 * text, every unit a CJK ideograph, kana, CJK or full-width punctuation or printable ASCII, no
 * lone surrogate, and natural by the plausibility model. */
static int cjk_utf16(const unsigned char *p, size_t n, int big)
{
    size_t units = n / 2, good = 0;
    if (units < MIN_CJK_UNITS)
        return 0;
    char *text = malloc(units * 3);
    if (!text)
        return 0;
    size_t len = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = big ? (uint32_t)p[2 * i] << 8 | p[2 * i + 1] : (uint32_t)p[2 * i + 1] << 8 | p[2 * i];
        int east_asian = (ft_cc(u) & (FT_CC_HAN | FT_CC_KANA | FT_CC_CJK_PUNCT | FT_CC_FULLWIDTH)) != 0;
        int ascii = (u >= 0x20 && u < 0x7F) || u == '\n' || u == '\r' || u == '\t';
        good += east_asian || ascii;
        /* (units outside those ranges, surrogates among them, only count against the reading;
           a surrogate unit is left out of the text the model judges) */
        if (ft_is_scalar_value(u))
            len += ft_utf8_encode(u, (unsigned char *)text + len);
    }
    int natural = good * 100 >= units * CJK_UNITS_PERCENT &&
                  ft_plausibility_cost(text, len) <= CJK_MAX_COST;
    free(text);
    return natural;
}

/* No NUL among the first four bytes: Latin UTF-16 is ruled out, CJK UTF-16 is not (it has NULs
 * only in its ASCII, perhaps first in the first newline). A plain UTF-8 first line decides at
 * once, so an interactive stream's first line is not held back; anything else is judged on the
 * first SNIFF_MAX bytes. */
static int sniff_without_nul(const unsigned char *p, size_t n, int at_eof)
{
    size_t look = n < SNIFF_MAX ? n : SNIFF_MAX;
    size_t head = 0;
    while (head < look && p[head] != '\n' && p[head] != '\r')
        head++;
    int head_complete = head < look || at_eof;
    if (head_complete && head > 0 && plain_first_line(p, head))
        return FT_WIDE_NONE;
    if (look < SNIFF_MAX && !at_eof)
        return FT_WIDE_NEED_MORE;
    if (ft_utf8_valid_prefix(p, look) + 3 >= look) /* (at most a character cut at the end) */
        return FT_WIDE_NONE;
    int kind = nul_pattern(p, look);
    if (kind != FT_WIDE_NONE)
        return kind;
    size_t even = look & ~(size_t)1;
    int le = cjk_utf16(p, even, 0), be = cjk_utf16(p, even, 1);
    if (le != be)
        return le ? FT_WIDE_UTF16LE : FT_WIDE_UTF16BE;
    return FT_WIDE_NONE;
}

int ft_wide_sniff(const unsigned char *p, size_t n, int at_eof, size_t *bom_len)
{
    *bom_len = 0;
    if (n == 0) /* an empty input may have no buffer at all */
        return at_eof ? FT_WIDE_NONE : FT_WIDE_NEED_MORE;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        if (n < 4 && !at_eof)
            return FT_WIDE_NEED_MORE; /* FF FE 00 00 would be UTF-32LE */
        if (n >= 4 && p[2] == 0 && p[3] == 0) {
            *bom_len = 4;
            return FT_WIDE_UTF32LE;
        }
        *bom_len = 2;
        return FT_WIDE_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *bom_len = 2;
        return FT_WIDE_UTF16BE;
    }
    if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
        *bom_len = 4;
        return FT_WIDE_UTF32BE;
    }
    /* Four bytes decide which way the rest goes (a NUL among them or not): until they have
       arrived, the same input fed in smaller pieces would be judged another way. */
    if (n < 4 && !at_eof)
        return FT_WIDE_NEED_MORE;
    if (memchr(p, 0, n < 4 ? n : 4))
        return sniff_nul_pattern(p, n, at_eof);
    return sniff_without_nul(p, n, at_eof);
}

struct ft_wide {
    int kind;
    const char *name;          /* the iconv name converted from: static, or the caller's string */
    iconv_t cd;
    unsigned char pending[16]; /* an incomplete unit (or surrogate pair, or shift sequence) */
    size_t npending;
};

const char *ft_wide_name(int kind)
{
    switch (kind) {
    case FT_WIDE_UTF16LE: return "UTF-16LE";
    case FT_WIDE_UTF16BE: return "UTF-16BE";
    case FT_WIDE_UTF32LE: return "UTF-32LE";
    case FT_WIDE_UTF32BE: return "UTF-32BE";
    default: return "UTF-8";
    }
}

/* Whether name's codec writes every ASCII character as that byte and nothing else: then lines
 * can be framed on the raw bytes. UTF-7 ('+'), EBCDIC, UCS-4 and their kind cannot be. */
int ft_codec_ascii_compatible(const char *name)
{
    iconv_t cd = iconv_open(name, "UTF-8");
    if (cd == (iconv_t)-1)
        return 1; /* not iconv's to judge (the caller reports unknown names) */
    char ascii[128], out[1024];
    for (int i = 0; i < 128; i++)
        ascii[i] = (char)i;
    char *ip = ascii, *op = out;
    size_t il = sizeof ascii, ol = sizeof out;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    if (rc != (size_t)-1)
        rc = iconv(cd, NULL, NULL, &op, &ol);
    iconv_close(cd);
    return rc != (size_t)-1 && (size_t)(op - out) == sizeof ascii && !memcmp(out, ascii, sizeof ascii);
}

ft_wide *ft_wide_new(int kind, const char *other)
{
    if (kind <= FT_WIDE_NONE || kind > FT_WIDE_OTHER || (kind == FT_WIDE_OTHER && !other))
        return NULL;
    ft_wide *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->kind = kind;
    w->name = kind == FT_WIDE_OTHER ? other : ft_wide_name(kind);
    w->cd = iconv_open("UTF-8", w->name);
    if (w->cd == (iconv_t)-1) {
        free(w);
        return NULL;
    }
    return w;
}

const char *ft_wide_encoding(const ft_wide *w)
{
    return w->name;
}

void ft_wide_free(ft_wide *w)
{
    if (!w)
        return;
    iconv_close(w->cd);
    free(w);
}

/* Converts in[0..len) completely or up to an incomplete tail, which is returned in *rest. */
static int convert(ft_wide *w, const char *in, size_t len, ft_buf *out, uint64_t *invalid,
                   size_t *rest)
{
    size_t unit = w->kind == FT_WIDE_OTHER ? 1 : w->kind >= FT_WIDE_UTF32LE ? 4 : 2;
    char *ip = (char *)in;
    size_t il = len;
    *rest = 0;
    while (il) {
        if (ft_buf_reserve(out, il * 2 + 16))
            return -1;
        char *op = out->data + out->len;
        size_t ol = out->cap - out->len;
        size_t rc = iconv(w->cd, &ip, &il, &op, &ol);
        int err = rc == (size_t)-1 ? errno : 0;
        out->len = (size_t)(op - out->data);
        if (!err || err == E2BIG)
            continue;
        if (err == EINVAL && il <= sizeof w->pending) {
            *rest = il;
            return 0;
        }
        /* an invalid sequence, or an incomplete one longer than any character: U+FFFD */
        if (ft_buf_put_cp(out, FT_REPLACEMENT))
            return -1;
        ++*invalid;
        size_t skip = il < unit ? il : unit;
        ip += skip, il -= skip;
    }
    return 0;
}

int ft_wide_convert(ft_wide *w, const char *in, size_t len, int at_eof, ft_buf *out,
                    uint64_t *invalid)
{
    size_t rest;
    if (w->npending) {
        /* complete the pending unit with the first bytes of this chunk */
        unsigned char tmp[2 * sizeof w->pending];
        size_t take = len < sizeof tmp - w->npending ? len : sizeof tmp - w->npending;
        memcpy(tmp, w->pending, w->npending);
        if (take) /* at the end of input there is no chunk, perhaps not even a pointer */
            memcpy(tmp + w->npending, in, take);
        size_t total = w->npending + take;
        if (convert(w, (const char *)tmp, total, out, invalid, &rest))
            return -1;
        size_t used = total - rest; /* bytes of tmp consumed */
        if (used < w->npending) {   /* still incomplete: all of this chunk fit in tmp */
            memcpy(w->pending, tmp + used, rest < sizeof w->pending ? rest : sizeof w->pending);
            w->npending = rest < sizeof w->pending ? rest : sizeof w->pending;
            goto tail;
        }
        size_t from_in = used - w->npending;
        w->npending = 0;
        in += from_in, len -= from_in;
    }
    if (convert(w, in, len, out, invalid, &rest))
        return -1;
    if (rest)
        memcpy(w->pending, in + len - rest, rest);
    w->npending = rest;
tail:
    if (at_eof && w->npending) {
        if (ft_buf_put_cp(out, FT_REPLACEMENT))
            return -1;
        ++*invalid;
        w->npending = 0;
    }
    if (at_eof)
        iconv(w->cd, NULL, NULL, NULL, NULL);
    return 0;
}

/* The UTF-16/32 kind --from names (any spelling encodings.c knows), FT_WIDE_NONE for other
 * encodings. A name without a byte order (UTF-16, UTF-32, UCS-2, UCS-4) is read as its BOM or
 * NUL pattern says, big-endian when they say nothing, as iconv reads it; FT_WIDE_NEED_MORE while
 * too little has arrived to tell. */
static int forced_wide_kind(const char *from, const unsigned char *p, size_t n, int at_eof,
                            size_t *bom)
{
    if (!from)
        return FT_WIDE_NONE;
    switch (ft_encoding_lookup(from)) {
    case FT_ENC_UTF16LE: return FT_WIDE_UTF16LE;
    case FT_ENC_UTF16BE: return FT_WIDE_UTF16BE;
    case FT_ENC_UTF32LE: return FT_WIDE_UTF32LE;
    case FT_ENC_UTF32BE: return FT_WIDE_UTF32BE;
    default: break;
    }
    static const char *const unordered16[] = {"UTF-16", "UTF16", "UCS-2", "UCS2"};
    static const char *const unordered32[] = {"UTF-32", "UTF32", "UCS-4", "UCS4"};
    int bits = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(from, unordered16[i]))
            bits = 16;
        if (!strcasecmp(from, unordered32[i]))
            bits = 32;
    }
    if (!bits)
        return ft_codec_ascii_compatible(from) ? FT_WIDE_NONE : FT_WIDE_OTHER;
    int kind = ft_wide_sniff(p, n, at_eof, bom);
    if (kind == FT_WIDE_NEED_MORE && !at_eof)
        return kind;
    int is16 = kind == FT_WIDE_UTF16LE || kind == FT_WIDE_UTF16BE;
    int is32 = kind == FT_WIDE_UTF32LE || kind == FT_WIDE_UTF32BE;
    if ((bits == 16 && is16) || (bits == 32 && is32))
        return kind;
    *bom = 0;
    return bits == 16 ? FT_WIDE_UTF16BE : FT_WIDE_UTF32BE;
}

int ft_wide_decide(const char *from, int sniff, const unsigned char *p, size_t n, int at_eof,
                   size_t *bom)
{
    *bom = 0;
    int kind = forced_wide_kind(from, p, n, at_eof, bom);
    if (kind == FT_WIDE_NONE && !from && sniff)
        kind = ft_wide_sniff(p, n, at_eof, bom);
    if (kind == FT_WIDE_NEED_MORE && at_eof)
        kind = FT_WIDE_NONE;
    return kind;
}
