/* utf8.c — UTF-8 validation, decoding and U+FFFD substitution of maximal ill-formed subparts
 * (Unicode 15, section 3.9, table 3-7). The validator is the fast path every clean line takes. */
#include <string.h>

#include "internal.h"

/* Allowed range of the second byte for each lead byte; later bytes are always 80..BF. */
static int second_byte_range(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead == 0xE0) {
        *lo = 0xA0;
        return 3;
    }
    if (lead == 0xED) {
        *hi = 0x9F;
        return 3;
    }
    if (lead >= 0xE1 && lead <= 0xEF)
        return 3;
    if (lead == 0xF0) {
        *lo = 0x90;
        return 4;
    }
    if (lead == 0xF4) {
        *hi = 0x8F;
        return 4;
    }
    if (lead >= 0xF1 && lead <= 0xF3)
        return 4;
    return 0;
}

/* Counts how many bytes of a sequence starting at p are well-formed (its prefix), and its full
 * length. A complete sequence has good == total. */
static void scan_sequence(const unsigned char *p, size_t n, size_t *good, size_t *total)
{
    unsigned char lo, hi;
    size_t len = (size_t)second_byte_range(p[0], &lo, &hi);
    *total = len;
    *good = 0;
    if (len == 0)
        return;
    *good = 1;
    if (n < 2 || p[1] < lo || p[1] > hi)
        return;
    *good = 2;
    for (size_t i = 2; i < len; i++) {
        if (i >= n || (p[i] & 0xC0) != 0x80)
            return;
        *good = i + 1;
    }
}

size_t ft_utf8_sequence_length(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    size_t good, total;
    scan_sequence(p, n, &good, &total);
    return (total && good == total) ? total : 0;
}

size_t ft_utf8_invalid_length(const unsigned char *p, size_t n)
{
    size_t good, total;
    scan_sequence(p, n, &good, &total);
    return good ? good : 1;
}

/* One pass over p: the length of its well-formed prefix, and (when count is not NULL) how many
 * U+FFFD it holds. Inlined twice so that the plain validator pays nothing for counting. */
static inline size_t scan(const unsigned char *p, size_t n, unsigned *count)
{
    size_t i = 0;
    unsigned replacements = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            /* In ASCII: go eight bytes at a time while it lasts. */
            i++;
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
                i += 8;
            }
            continue;
        }
        /* Three-byte characters E1..EC and EE..EF (CJK, most of the BMP) take the short way. */
        if (c >= 0xE1 && c != 0xED && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80 && c <= 0xEF) {
            if (count && c == 0xEF && p[i + 1] == 0xBF && p[i + 2] == 0xBD)
                replacements++;
            i += 3;
            continue;
        }
        size_t len = ft_utf8_sequence_length(p + i, n - i);
        if (len == 0)
            break;
        i += len;
    }
    if (count)
        *count = replacements;
    return i < n ? i : n;
}

size_t ft_utf8_valid_prefix(const unsigned char *p, size_t n)
{
    return scan(p, n, NULL);
}

size_t ft_utf8_scan(const unsigned char *p, size_t n, unsigned *replacements)
{
    return scan(p, n, replacements);
}

size_t ft_utf8_decode(const unsigned char *p, uint32_t *cp)
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

long ft_utf8_sanitize(const unsigned char *p, size_t n, ft_buf *out)
{
    long replaced = 0;
    size_t i = 0;
    while (i < n) {
        size_t ok = ft_utf8_valid_prefix(p + i, n - i);
        if (ft_buf_append(out, p + i, ok))
            return -1;
        i += ok;
        if (i >= n)
            break;
        i += ft_utf8_invalid_length(p + i, n - i);
        if (ft_buf_put_cp(out, FT_REPLACEMENT))
            return -1;
        replaced++;
    }
    return replaced;
}

int ft_is_ascii(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull)
            return 0;
    }
    for (; i < n; i++)
        if (p[i] & 0x80)
            return 0;
    return 1;
}

unsigned ft_utf8_count_replacements(const unsigned char *p, size_t n)
{
    unsigned count = 0;
    for (size_t i = 0; i + 2 < n; i++)
        if (p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] == 0xBD)
            count++;
    return count;
}
