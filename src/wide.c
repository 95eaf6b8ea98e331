/* wide.c — UTF-16/UTF-32 inputs, recognised for the whole input before lines are framed (a
 * byte order mark, or the NUL pattern: every second or every 2nd-4th byte zero in mostly-Latin
 * text, NULs on one side of the units only and after a newline in CJK text) and converted to
 * UTF-8 as a stream with iconv. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SNIFF_MIN 64 /* bytes wanted before judging a NUL pattern (unless the input ends) */

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
    if (n < 4 && !at_eof && (n == 0 || p[0] == 0xFF || p[0] == 0xFE || p[0] == 0 || memchr(p, 0, n)))
        return FT_WIDE_NEED_MORE;
    /* Text without a NUL among its first bytes is not wide Latin text; say so at once so an
     * interactive stream's first line is not held back. */
    if (!memchr(p, 0, n < 4 ? n : 4))
        return FT_WIDE_NONE;
    if (n < SNIFF_MIN && !at_eof)
        return FT_WIDE_NEED_MORE;
    return nul_pattern(p, n < 4096 ? n : 4096);
}

struct ft_wide {
    int kind;
    iconv_t cd;
    unsigned char pending[8]; /* an incomplete unit (or surrogate pair) from the previous call */
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

ft_wide *ft_wide_new(int kind)
{
    if (kind <= FT_WIDE_NONE || kind > FT_WIDE_UTF32BE)
        return NULL;
    ft_wide *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->kind = kind;
    w->cd = iconv_open("UTF-8", ft_wide_name(kind));
    if (w->cd == (iconv_t)-1) {
        free(w);
        return NULL;
    }
    return w;
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
    size_t unit = w->kind >= FT_WIDE_UTF32LE ? 4 : 2;
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
        if (err == EINVAL) {
            *rest = il;
            return 0;
        }
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
        unsigned char tmp[16];
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
