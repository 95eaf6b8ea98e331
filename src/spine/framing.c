/* framing.c — where lines end and where an over-long line may be cut into windows.
 * Terminators are "\n", "\r\n" and a lone "\r"; they travel with their line untouched. */
#include <string.h>

#include "internal.h"

/* The first '\n' or '\r' in p[0..n), or n. Both are looked for in stretches that double in size,
 * so the cost follows the line, not the buffer: searching the whole buffer for '\n' on every
 * line made files of lone-'\r' lines quadratic in their read size. */
static size_t first_terminator_byte(const unsigned char *p, size_t n)
{
    size_t from = 0, stretch = 256;
    while (from < n) {
        size_t len = n - from < stretch ? n - from : stretch;
        const unsigned char *nl = memchr(p + from, '\n', len);
        const unsigned char *cr = memchr(p + from, '\r', nl ? (size_t)(nl - (p + from)) : len);
        if (cr)
            return (size_t)(cr - p);
        if (nl)
            return (size_t)(nl - p);
        from += len;
        stretch *= 2;
    }
    return n;
}

size_t ft_find_line_end(const unsigned char *p, size_t n, int at_eof, uint8_t *term_len)
{
    size_t i = first_terminator_byte(p, n);
    if (i == n) {
        *term_len = 0;
        return n;
    }
    if (p[i] == '\n') {
        *term_len = 1;
        return i;
    }
    if (i + 1 < n) {
        *term_len = p[i + 1] == '\n' ? 2 : 1;
        return i;
    }
    /* A '\r' as the last byte we have may be the first half of "\r\n". */
    *term_len = at_eof ? 1 : 0;
    return at_eof ? i : n;
}

/* Where a window of a line in an unknown legacy encoding may end: walking from the window's
 * start (a character boundary), a byte from 0x81 up starts a pair, or a four-byte GB18030
 * sequence when a digit follows it. That keeps GBK, GB18030, Big5 and EUC-KR characters whole
 * (and nearly all of Shift_JIS and EUC-JP). */
static size_t double_byte_cut(const unsigned char *p, size_t n)
{
    size_t i = 0, last = 0;
    while (i < n) {
        last = i;
        if (p[i] < 0x81)
            i += 1;
        else if (i + 1 < n && p[i + 1] >= 0x30 && p[i + 1] <= 0x39)
            i += 4;
        else
            i += 2;
    }
    return i == n ? n : last;
}

/* Bytes below 0x30 (space, punctuation, controls) never occur inside a multi-byte character of
 * UTF-8, GB18030, GBK, Big5, Shift_JIS or EUC-*, so cutting after one is safe whatever the line's
 * encoding turns out to be. Failing that, cut at a character boundary: UTF-8's if the window is
 * UTF-8, else the double-byte encodings'. p starts at a character boundary. */
size_t ft_window_cut(const unsigned char *p, size_t n)
{
    for (size_t i = n; i > n / 4; i--) /* not too far back: windows stay large */
        if (p[i - 1] < 0x30 && p[i - 1] != 0x1B) /* not inside an ISO-2022 escape */
            return i;
    size_t valid = ft_utf8_valid_prefix(p, n);
    if (valid + 4 < n) {
        size_t cut = double_byte_cut(p, n);
        return cut ? cut : n;
    }
    for (size_t k = 1; k <= 4 && k <= n; k++) {
        unsigned char c = p[n - k];
        if (ft_utf8_is_continuation(c))
            continue;
        size_t need = ft_utf8_lead_length(c); /* (0 for a byte that leads nothing: no cut) */
        return (need > k && n > k) ? n - k : n; /* cut before a character the window would split */
    }
    return n;
}
