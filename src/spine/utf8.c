/* utf8.c — UTF-8 validation, decoding and U+FFFD substitution of maximal ill-formed subparts
 * (Unicode 15, section 3.9, table 3-7). The validator is the fast path every clean line takes. */
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FT_HAVE_AVX2_PATH 1
#endif

#include "internal.h"

/* Allowed range of the second byte for each lead byte (narrower after E0, ED, F0 and F4: no
 * overlong forms, surrogates or code points past U+10FFFF); later bytes are always 80..BF.
 * Returns the sequence's length, 0 when lead starts no multi-byte sequence. */
static int second_byte_range(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead == 0xE0)
        *lo = 0xA0;
    else if (lead == 0xED)
        *hi = 0x9F;
    else if (lead == 0xF0)
        *lo = 0x90;
    else if (lead == 0xF4)
        *hi = 0x8F;
    size_t len = ft_utf8_lead_length(lead);
    return len >= 2 ? (int)len : 0;
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
        if (i >= n || !ft_utf8_is_continuation(p[i]))
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
        if (c >= 0xE1 && c != 0xED && i + 2 < n && ft_utf8_is_continuation(p[i + 1]) &&
            ft_utf8_is_continuation(p[i + 2]) && c <= 0xEF) {
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

size_t ft_utf8_cesu_pair(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (n < 6 || p[0] != 0xED || p[1] < 0xA0 || p[1] > 0xAF || !ft_utf8_is_continuation(p[2]) ||
        p[3] != 0xED || p[4] < 0xB0 || p[4] > 0xBF || !ft_utf8_is_continuation(p[5]))
        return 0;
    uint32_t high = 0xD000u | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    uint32_t low = 0xD000u | (uint32_t)(p[4] & 0x3F) << 6 | (p[5] & 0x3F);
    *cp = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    return 6;
}

long ft_utf8_sanitize(const unsigned char *p, size_t n, ft_buf *out, unsigned *pairs)
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
        uint32_t cp;
        size_t pair = pairs ? ft_utf8_cesu_pair(p + i, n - i, &cp) : 0;
        if (pair) {
            if (ft_buf_put_cp(out, cp))
                return -1;
            ++*pairs;
            i += pair;
            continue;
        }
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
    if (n == 0) /* (p may then be NULL: an empty buffer never allocated) */
        return 0;
    unsigned count = 0;
    const unsigned char *end = p + n, *q = p;
    while (end - q >= 3 && (q = memchr(q, 0xEF, (size_t)(end - q - 2))) != NULL) {
        if (q[1] == 0xBF && q[2] == 0xBD)
            count++;
        q++;
    }
    return count;
}

/* ---- Whole-buffer validation ----
 * Batches of clean text are checked 32 bytes at a time with the lookup algorithm of Keiser and
 * Lemire ("Validating UTF-8 in less than one instruction per byte", Software: Practice and
 * Experience, 2021): three 16-entry tables classify each byte pair by the high nibble of the
 * previous byte, its low nibble and the high nibble of the current byte; a pair is an error when
 * all three agree on an error bit. Two- and three-byte look-backs check that continuation bytes
 * appear exactly where lead bytes demand them. */

#ifdef FT_HAVE_AVX2_PATH
enum {
    TOO_SHORT = 1 << 0,  /* lead byte or ASCII followed by a lead byte or ASCII, mid-character */
    TOO_LONG = 1 << 1,   /* ASCII followed by a continuation byte */
    OVERLONG_3 = 1 << 2, /* E0 followed by 80..9F */
    TOO_LARGE = 1 << 3,  /* F4 followed by 90..BF, or F5..FF */
    SURROGATE = 1 << 4,  /* ED followed by A0..BF */
    OVERLONG_2 = 1 << 5, /* C0 or C1 */
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6, /* F0 followed by 80..8F */
    TWO_CONTS = 1 << 7,  /* continuation byte after a continuation byte where none may follow */
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

__attribute__((target("avx2"))) static inline __m256i table16(const uint8_t t[16])
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

/* The previous block's last bytes shifted in front of this block's: prev<N> of the paper. */
#define PREV(input, prev, n)                                                                      \
    _mm256_alignr_epi8((input), _mm256_permute2x128_si256((prev), (input), 0x21), 16 - (n))

/* Checks the whole 32-byte blocks of p; returns how many bytes were checked (a multiple of 32),
 * or (size_t)-1 when an error was found among them. Sets *fffd when a U+FFFD (EF BF BD) ends in
 * one of them. */
__attribute__((target("avx2"))) static size_t valid_blocks_avx2(const unsigned char *p, size_t n,
                                                                int *fffd)
{
    static const uint8_t byte1_high[16] = {
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
        TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
        TOO_SHORT | OVERLONG_2,
        TOO_SHORT,
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4};
    static const uint8_t byte1_low[16] = {
        CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
        CARRY | OVERLONG_2,
        CARRY,
        CARRY,
        CARRY | TOO_LARGE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000};
    static const uint8_t byte2_high[16] = {
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT};
    const __m256i t1h = table16(byte1_high), t1l = table16(byte1_low), t2h = table16(byte2_high);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i prev = _mm256_setzero_si256(), error = _mm256_setzero_si256();
    __m256i replacement = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i input = _mm256_loadu_si256((const __m256i *)(p + i));
        if (_mm256_movemask_epi8(input) == 0 && _mm256_movemask_epi8(prev) == 0) {
            prev = input; /* ASCII after ASCII: nothing to check */
            continue;
        }
        __m256i prev1 = PREV(input, prev, 1), prev2 = PREV(input, prev, 2);
        replacement = _mm256_or_si256(
            replacement,
            _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(prev2, _mm256_set1_epi8((char)0xEF)),
                                              _mm256_cmpeq_epi8(prev1, _mm256_set1_epi8((char)0xBF))),
                             _mm256_cmpeq_epi8(input, _mm256_set1_epi8((char)0xBD))));
        __m256i special =
            _mm256_and_si256(_mm256_and_si256(
                                 _mm256_shuffle_epi8(t1h, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble)),
                                 _mm256_shuffle_epi8(t1l, _mm256_and_si256(prev1, nibble))),
                             _mm256_shuffle_epi8(t2h, _mm256_and_si256(_mm256_srli_epi16(input, 4), nibble)));
        __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
        __m256i fourth = _mm256_subs_epu8(PREV(input, prev, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
        __m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
        error = _mm256_or_si256(error, _mm256_xor_si256(must23, special));
        prev = input;
    }
    *fffd = !_mm256_testz_si256(replacement, replacement);
    return _mm256_testz_si256(error, error) ? i : (size_t)-1;
}

static int have_avx2(void)
{
    static atomic_int known = -1; /* (workers ask at once: atomic, though they all write the same) */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k < 0) {
        k = __builtin_cpu_supports("avx2") ? 1 : 0;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k;
}
#endif

#ifdef FT_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static inline unsigned at_least(__m256i x, __m256i floor)
{
    return (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(x, floor), x));
}

__attribute__((target("avx2,popcnt"))) static size_t census_blocks_avx2(const unsigned char *p,
                                                                       size_t n, ft_byte_census *c)
{
    const __m256i c0 = _mm256_set1_epi8((char)0xC0), e0 = _mm256_set1_epi8((char)0xE0);
    const __m256i below_space = _mm256_set1_epi8(0x1F), tab = _mm256_set1_epi8(0x09);
    const __m256i four = _mm256_set1_epi8(4);
    unsigned high = 0, control = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + i));
        unsigned h = (unsigned)_mm256_movemask_epi8(x);
        high |= h;
        /* below 0x20 and not one of tab, LF, VT, FF, CR (0x09..0x0D) */
        __m256i low = _mm256_cmpeq_epi8(_mm256_min_epu8(x, below_space), x);
        __m256i shifted = _mm256_sub_epi8(x, tab);
        __m256i space_like = _mm256_cmpeq_epi8(_mm256_min_epu8(shifted, four), shifted);
        control |= (unsigned)_mm256_movemask_epi8(_mm256_andnot_si256(space_like, low));
        if (h) {
            c->leads += (unsigned)__builtin_popcount(at_least(x, c0));
            c->longs += (unsigned)__builtin_popcount(at_least(x, e0));
        }
    }
    /* the tail (all of a short line) a word at a time; a word with a byte below 0x20 is left
       to the caller's byte-wise loop */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if ((x - ones * 0x20) & ~x & highs)
            break;
        high |= (x & highs) != 0;
        c->leads += (unsigned)__builtin_popcountll(x & (x << 1) & highs);
        c->longs += (unsigned)__builtin_popcountll(x & (x << 1) & (x << 2) & highs);
    }
    c->high |= high != 0;
    c->control |= control != 0;
    return i;
}
#endif

int ft_byte_census_take(const unsigned char *p, size_t n, ft_byte_census *c)
{
    memset(c, 0, sizeof *c);
#ifdef FT_HAVE_AVX2_PATH
    if (!have_avx2())
        return 0;
    size_t i = census_blocks_avx2(p, n, c);
    for (; i < n; i++) {
        unsigned b = p[i];
        c->high |= b >= 0x80;
        c->control |= b < 0x20 && (b < 0x09 || b > 0x0D);
        c->leads += b >= 0xC0;
        c->longs += b >= 0xE0;
    }
    return 1;
#else
    (void)p, (void)n;
    return 0;
#endif
}

int ft_utf8_valid(const unsigned char *p, size_t n, int *replacements_seen)
{
    size_t checked = 0;
    int fffd = 0;
#ifdef FT_HAVE_AVX2_PATH
    if (n >= 64 && have_avx2()) {
        checked = valid_blocks_avx2(p, n, &fffd);
        if (checked == (size_t)-1)
            return 0;
        /* The blocks may end inside a character: re-check from its first byte. A character whose
         * bytes all lie in the blocks was checked there. */
        for (size_t j = checked; j > 0 && j + 3 > checked; j--) {
            if ((p[j - 1] & 0xC0) != 0x80) {
                checked = j - 1;
                break;
            }
        }
    }
#endif
    unsigned tail_fffd = 0;
    int valid = scan(p + checked, n - checked, &tail_fffd) == n - checked;
    if (replacements_seen)
        *replacements_seen = fffd || tail_fffd;
    return valid;
}
