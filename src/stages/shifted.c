/* shifted.c — finds double-byte runs knocked out of alignment by a lost byte and realigns them.
 *
 * When a GBK stream loses one byte (a crawler replaced an undecodable pair by '?', say), every
 * later pair is read one byte off until an ASCII byte resyncs the decoder: "擁有了…獲得" becomes
 * "碛辛烁喃@得", rare characters ending in an ASCII character that was really a trail byte. The
 * stage looks for CJK runs shortly after a '?' (or around a private-use character, which is what an
 * unmapped pair turns into), re-encodes the run with GBK, drops its first byte (the orphan trail of
 * the lost character, which becomes U+FFFD) and decodes the rest again, letting the run's last pair
 * take the following ASCII character as its trail. The realigned run replaces the text only when
 * it is far more plausible; otherwise the span is counted as reported and explained. */
#include <string.h>

#include "internal.h"
#include "mojibake_codecs.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define WINDOW 10    /* characters after a '?' in which a shifted run may start */
#define MAX_CHARS 4096
#define RUN_MAX 64   /* characters one realignment looks at */
/* A realigned run: the lost character's U+FFFD, one character per byte pair of the run and its
   ASCII trail, an ASCII byte that resynchronised, a last orphan lead's U+FFFD. */
#define REALIGNED_MAX (RUN_MAX + 4)

/* What an unmapped GBK pair decodes to: a private-use character of the BMP (those
 * has_private_use() finds in the bytes; planes 15 and 16 come from no legacy codec). */
static int is_unmapped_pair(uint32_t c)
{
    return c < 0x10000 && ft_is_private_use(c);
}

/* Whether c is read from a GBK pair: a byte pair read one byte off is any such character, Han or
 * not (full-width forms "ｑ", symbols "】" "⒊", pinyin letters "ǖ"). */
static int gbk_pair(uint32_t c)
{
    uint8_t b[2];
    return c >= 0x80 && mb_encode(MB_GB18030, c, b) == 2;
}

/* Realigns cps[a..) (characters read from GBK pairs): on success fills out (n_out) and returns the
 * number of characters of cps the realigned reading covers; 0 when the bytes do not realign. */
static size_t realign(const uint32_t *cps, size_t n, size_t a, uint32_t *out, size_t *n_out)
{
    uint8_t bytes[2 * RUN_MAX + 2];
    size_t owner_end[2 * RUN_MAX + 2]; /* character index after the one that owns each byte */
    size_t nb = 0, i = a;
    /* the run: characters read from pairs up to the ASCII byte that resynchronised the decoder,
       then at most one ASCII character that may be a trail byte */
    while (i < n && i - a < RUN_MAX) {
        uint8_t b[2];
        if (cps[i] < 0x80 || mb_encode(MB_GB18030, cps[i], b) != 2)
            break;
        bytes[nb] = b[0], owner_end[nb++] = i + 1;
        bytes[nb] = b[1], owner_end[nb++] = i + 1;
        i++;
    }
    int trail = i < n && cps[i] >= 0x40 && cps[i] < 0x7F;
    if (i - a < 1 || (i - a < 2 && !trail))
        return 0;
    if (trail)
        bytes[nb] = (uint8_t)cps[i], owner_end[nb++] = i + 1;
    size_t k = 1, m = 0;
    out[m++] = FT_REPLACEMENT; /* the character whose lead byte was lost */
    while (k + 1 < nb) {
        uint32_t cp;
        if (bytes[k] < 0x80 || mb_decode(MB_GB18030, bytes + k, 2, &cp) != 2 || cp < 0x80)
            break;
        out[m++] = cp;
        k += 2;
        if (k < nb && owner_end[k - 1] != owner_end[k] && bytes[k] < 0x80)
            break; /* resynchronised on a character boundary */
    }
    /* resynchronised inside a character: its trail was an ASCII byte ("琤" = AC 'b'), which is
       itself again */
    while (k < nb && k >= 1 && bytes[k] < 0x80 && owner_end[k - 1] == owner_end[k]) {
        out[m++] = bytes[k];
        k++;
    }
    if (k == nb - 1 && bytes[k] >= 0x80) {
        out[m++] = FT_REPLACEMENT; /* a last lead byte whose trail is gone too */
        k++;
    }
    if (k < 2 || owner_end[k - 1] == (k < nb ? owner_end[k] : (size_t)-1))
        return 0; /* ended inside a character */
    *n_out = m;
    return owner_end[k - 1] - a;
}

static unsigned long run_cost(uint32_t prev, const uint32_t *c, size_t n, uint32_t next)
{
    unsigned long t = 0;
    for (size_t i = 0; i < n; i++)
        t += ft_plausibility_step(prev, c[i]), prev = c[i];
    if (next != 0xFFFFFFFFu)
        t += ft_plausibility_step(prev, next);
    return t;
}

/* Whether s holds a '?' or a BMP private-use character (U+E000..U+F8FF in UTF-8: EE xx xx, or
 * EF 80..A3 xx; EF also leads the full-width punctuation Chinese text is full of, so its second
 * byte decides): what a shifted run shows itself by. One pass, 16 bytes at a time where SSE2 is
 * there, since every line of text goes through here whole. */
#ifdef __SSE2__
/* shows_shift's test of the 16 bytes at s (the EF test reads one more): any of them. */
static inline int shift_sign16(const unsigned char *s)
{
    const __m128i question = _mm_set1_epi8('?'), ee = _mm_set1_epi8((char)0xEE);
    const __m128i ef = _mm_set1_epi8((char)0xEF), a3 = _mm_set1_epi8((char)0xA3);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i next = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, question), _mm_cmpeq_epi8(v, ee)),
                             _mm_and_si128(_mm_cmpeq_epi8(v, ef), _mm_cmpeq_epi8(_mm_min_epu8(next, a3), next)));
    return _mm_movemask_epi8(m) != 0;
}
#endif

static int shows_shift(const unsigned char *s, size_t len)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 17 <= len; i += 16)
        if (shift_sign16(s + i))
            return 1;
    if (len >= 17 && i < len - 1) { /* (the rest: the 16 bytes that end one before the end) */
        if (shift_sign16(s + len - 17))
            return 1;
        i = len - 1;
    }
#endif
    for (; i < len; i++)
        if (s[i] == '?' || s[i] == 0xEE || (s[i] == 0xEF && i + 1 < len && s[i + 1] <= 0xA3))
            return 1;
    return 0;
}

/* ft_shifted_repair for a line that shows a sign. Kept out of line: its 16 KiB of characters
 * made every call probe four pages of stack, the clean lines' calls included. */
__attribute__((noinline)) static int realign_line(const unsigned char *s, size_t len, ft_buf *out,
                                                  ft_report *r)
{
    if (mb_codecs_init())
        return 0;
    uint32_t cps[MAX_CHARS];
    size_t n = 0;
    for (size_t i = 0; i < len && n < MAX_CHARS;) {
        i += ft_utf8_decode(s + i, &cps[n]);
        n++;
    }
    if (n == MAX_CHARS)
        return 0; /* very long lines are left alone */

    /* The repaired line goes straight into out: a realigned run may be longer than the run it
       replaces (a U+FFFD for each lost lead byte), so no array sized by the input can hold it. */
    uint32_t last = 0xFFFFFFFFu; /* the last character written, 0xFFFFFFFF before the first */
    size_t fixed = 0, reported = 0;
    size_t since_q = (size_t)-1; /* characters since the last '?' or private-use character */
    size_t i = 0;
    while (i < n) {
        uint32_t c = cps[i];
        if (c == '?' || is_unmapped_pair(c)) {
            if (is_unmapped_pair(c))
                reported++, ft_report_note(r, "private-use character; column %zu", i + 1);
            since_q = 0;
            if (ft_buf_put_cp(out, c))
                return -1;
            last = c;
            i++;
            continue;
        }
        /* a run starts at the first Han character in a few after the '?', or right after it
           (the lost character's orphan trail and the next lead can read as any pair) */
        if ((since_q <= WINDOW && ft_is_han(c) && (i == 0 || !ft_is_han(cps[i - 1]))) ||
            (since_q == 0 && gbk_pair(c))) {
            uint32_t rr[REALIGNED_MAX];
            size_t nr = 0;
            size_t cover = realign(cps, n, i, rr, &nr);
            if (cover) {
                uint32_t next = i + cover < n ? cps[i + cover] : 0xFFFFFFFFu;
                unsigned long co = run_cost(last, cps + i, cover, next);
                /* the lost character costs nothing here: it is lost either way */
                unsigned long cn = run_cost(last, rr + 1, nr - 1, next);
                /* far more plausible: the realigned run must save a large share of its cost */
                if (cn + 8 * 8 + cover * 8 < co && cn * 10 < co * 8) {
                    for (size_t k = 0; k < nr; k++)
                        if (ft_buf_put_cp(out, rr[k]))
                            return -1;
                    last = rr[nr - 1];
                    fixed++;
                    ft_report_note(r, "shifted gbk run realigned; span %zu-%zu", i + 1, i + cover);
                    i += cover;
                    since_q = (size_t)-1;
                    continue;
                }
                /* left as it is: say so when the run looks like one (rare characters) */
                if (co > cover * 8 * 14) {
                    reported++;
                    ft_report_note(r, "suspected shifted run left; span %zu-%zu", i + 1, i + cover);
                }
            }
        }
        if (since_q != (size_t)-1)
            since_q++;
        if (ft_buf_put_cp(out, c))
            return -1;
        last = c;
        i++;
    }
    ft_report_reported(r, (unsigned)reported);
    if (!fixed)
        return 0;
    ft_report_fixed(r, (unsigned)fixed);
    return 1;
}

int ft_shifted_repair(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)unused;
    const unsigned char *s = (const unsigned char *)in;
    /* hot path: a shifted run shows itself by a '?' or a private-use character */
    if (!shows_shift(s, len))
        return 0;
    return realign_line(s, len, out, r);
}
