/* decode.c — turns a line's bytes, in the encoding the detector chose, into UTF-8 with iconv.
 * One decoder per worker; it owns one iconv descriptor per encoding it has met (opened on first
 * use, reset before every line so no shift state leaks from one line into the next). Bytes the
 * encoding cannot decode become U+FFFD and are counted; a multi-byte sequence cut by the end of
 * the line becomes U+FFFD too and sets FIXTEXT_WARN_TRUNCATED.
 *
 * GB18030: glibc decodes it (its table, through the byte map or iconv), and a four-byte sequence
 * glibc rejects is asked of ICU's gb18030 converter, whose answer is taken when it maps it (the
 * 18 sequences of GB18030-2005 for U+9FB4-U+9FBB and U+FE10-U+FE19: "\x82\x35\x91\x32" is 龹).
 * Everything glibc maps stays glibc's, so the common path keeps iconv's speed.
 *
 * Encodings glibc lacks (HZ) are decoded by ICU's converter of that name, through UTF-16.
 *
 * EUC-KR: KS X 1001's eight-byte form of the syllables outside its 2,350, which iconv leaves as
 * four jamo, is composed after decoding. */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include "encodings.h"

struct ft_decoder {
    iconv_t cd[FIXTEXT_MAX_ENCODINGS]; /* (iconv_t)-1 until opened */
    int failed[FIXTEXT_MAX_ENCODINGS]; /* iconv_open failed: decode as UTF-8 instead */
    UConverter *gb18030; /* ICU's, opened on the first sequence glibc rejects */
    int gb18030_failed;
    UConverter *icu[FIXTEXT_MAX_ENCODINGS]; /* "ICU:" encodings, opened on first use */
    unsigned icu_invalid; /* sequences the current ICU conversion could not map */
    UChar *units;         /* the current ICU conversion's UTF-16 */
    size_t units_cap;
};

ft_decoder *ft_decoder_new(const fixtext_options *o, char *err, size_t errlen)
{
    (void)o;
    ft_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (int i = 0; i < FIXTEXT_MAX_ENCODINGS; i++)
        d->cd[i] = (iconv_t)-1;
    return d;
}

void ft_decoder_free(ft_decoder *d)
{
    if (!d)
        return;
    for (int i = 0; i < FIXTEXT_MAX_ENCODINGS; i++)
        if (d->cd[i] != (iconv_t)-1)
            iconv_close(d->cd[i]);
    if (d->gb18030)
        ucnv_close(d->gb18030);
    for (int i = 0; i < FIXTEXT_MAX_ENCODINGS; i++)
        if (d->icu[i])
            ucnv_close(d->icu[i]);
    free(d->units);
    free(d);
}

/* UTF-8 (or ASCII) lines: nothing to do when valid, else maximal subparts -> U+FFFD. */
static int decode_utf8(const unsigned char *p, size_t len, ft_buf *out, ft_report *r)
{
    size_t valid = ft_utf8_valid_prefix(p, len);
    if (valid == len)
        return 0;
    unsigned pairs = 0;
    long replaced = ft_utf8_sanitize(p, len, out, &pairs);
    if (replaced < 0)
        return -1;
    r->info->invalid_sequences += (unsigned)replaced;
    if (pairs)
        ft_report_note(r, "%u CESU-8 surrogate pair%s -> UTF-8", pairs, pairs == 1 ? "" : "s");
    if (!replaced)
        return 1;
    /* the last ill-formed piece: a sequence the end of the line cut short? */
    size_t i = valid, last = valid;
    while (i < len) {
        uint32_t cp;
        size_t k = ft_utf8_sequence_length(p + i, len - i);
        if (!k)
            k = ft_utf8_cesu_pair(p + i, len - i, &cp);
        if (k) {
            i += k;
        } else {
            last = i;
            i += ft_utf8_invalid_length(p + i, len - i);
        }
    }
    if (last < len && ft_utf8_lead_length(p[last]) >= 2 &&
        ft_utf8_invalid_length(p + last, len - last) == len - last &&
        len - last < ft_utf8_lead_length(p[last]))
        r->info->warnings |= FIXTEXT_WARN_TRUNCATED;
    ft_report_note(r, "%ld invalid UTF-8 sequence%s -> U+FFFD", replaced, replaced == 1 ? "" : "s");
    return 1;
}

/* ---- GB18030's four-byte codes of the BMP, as glibc decodes them ---- */

/* The four-byte codes 81308130..8431A439 (ft_gb18030_four_index 0..GB18030_FOUR_BMP-1) give the
 * BMP characters the two-byte codes do not have (middle dot ・, box corners, the symbols of
 * Debian's Chinese documents): glibc's answer for each, 0 where glibc has none, asked of iconv
 * one row of 1,260 codes (first two bytes) at a time, when the row is first met. A line with
 * such a code went to iconv whole, at several thousand instructions a line, a quarter of the
 * lines of Chinese documentation in GB18030. */
enum { GB18030_FOUR_BMP = 39420, GB18030_FOUR_ROW = 1260,
       GB18030_FOUR_ROWS = (GB18030_FOUR_BMP + GB18030_FOUR_ROW - 1) / GB18030_FOUR_ROW };
static uint16_t four_bmp[GB18030_FOUR_ROWS * GB18030_FOUR_ROW];
static _Atomic uint8_t four_row_ready[GB18030_FOUR_ROWS];
static pthread_mutex_t four_lock = PTHREAD_MUTEX_INITIALIZER;

/* Fills row `row` of four_bmp from one iconv conversion of its 1,260 codes in turn (a code glibc
 * rejects is stepped over and stays 0; any other surprise leaves the whole row 0, to iconv). */
static void fill_four_row(unsigned row)
{
    static unsigned char codes[GB18030_FOUR_ROW * 4];
    uint32_t chars[GB18030_FOUR_ROW];
    uint16_t got[GB18030_FOUR_ROW] = {0};
    for (unsigned k = 0; k < GB18030_FOUR_ROW; k++) {
        unsigned idx = row * GB18030_FOUR_ROW + k;
        codes[4 * k] = (unsigned char)(0x81 + idx / 12600);
        codes[4 * k + 1] = (unsigned char)(0x30 + idx / 1260 % 10);
        codes[4 * k + 2] = (unsigned char)(0x81 + idx / 10 % 126);
        codes[4 * k + 3] = (unsigned char)(0x30 + idx % 10);
    }
    iconv_t cd = iconv_open("UTF-32LE", "GB18030");
    if (cd == (iconv_t)-1)
        return;
    char *ip = (char *)codes;
    size_t il = sizeof codes;
    unsigned k = 0; /* the code ip is at */
    int ok = 1;
    while (il && ok) {
        char *op = (char *)chars;
        size_t ol = sizeof chars, before = il;
        size_t rc = iconv(cd, &ip, &il, &op, &ol);
        size_t codes_read = (before - il) / 4, chars_made = (sizeof chars - ol) / 4;
        ok = (before - il) % 4 == 0 && chars_made == codes_read;
        for (size_t c = 0; ok && c < chars_made; c++, k++)
            got[k] = chars[c] < 0x10000 ? (uint16_t)chars[c] : 0;
        if (rc == (size_t)-1 && ok) {
            ok = errno == EILSEQ && il >= 4;
            ip += 4, il -= 4, k++; /* (glibc has no character for this code) */
        }
    }
    iconv_close(cd);
    if (ok)
        memcpy(four_bmp + row * GB18030_FOUR_ROW, got, sizeof got);
}

/* glibc's BMP character for the four-byte code of index idx (< GB18030_FOUR_BMP), 0 if none. */
static uint32_t gb18030_four_bmp(long idx)
{
    unsigned row = (unsigned)(idx / GB18030_FOUR_ROW);
    if (!atomic_load_explicit(&four_row_ready[row], memory_order_acquire)) {
        pthread_mutex_lock(&four_lock);
        if (!atomic_load_explicit(&four_row_ready[row], memory_order_relaxed)) {
            fill_four_row(row);
            atomic_store_explicit(&four_row_ready[row], 1, memory_order_release);
        }
        pthread_mutex_unlock(&four_lock);
    }
    return four_bmp[idx];
}

/* The common case without iconv: every character of the line is in the encoding's byte map
 * (which encodings.c took from iconv, so the result is iconv's). Returns 1 when done, 0 when the
 * line needs iconv (an invalid or cut sequence, a four-byte form, a multi-character mapping), -1
 * when out of memory. Per-line iconv calls cost more than the conversion of a short line. */
static int decode_with_map(const ft_codec_map *m, int gb18030, const unsigned char *p, size_t len,
                           ft_buf *out)
{
    if (!m)
        return 0;
    size_t start = out->len;
    /* the most a byte can become: 3 bytes (a single-byte €, or half of a double-byte character
     * that gives 3 bytes for 2), so no check is needed inside the loop */
    if (ft_buf_reserve(out, len * 3 + 4))
        return -1;
    unsigned char *o = (unsigned char *)out->data + start;
    size_t i = 0;
    while (i < len) {
        unsigned b = p[i];
        uint32_t cp;
        if (ft_map_ascii(m, b)) {
            *o++ = (unsigned char)b;
            i++;
            continue;
        }
        if (m->type[b] == MAP_SINGLE) {
            cp = m->single[b];
            i++;
        } else if (m->type[b] == MAP_LEAD && i + 1 < len) {
            cp = m->dbl[(b - 0x80) * 256 + p[i + 1]];
            long four;
            if (!cp && gb18030 && i + 3 < len && (four = ft_gb18030_four_index(p + i)) >= 0 &&
                four < GB18030_FOUR_BMP) {
                cp = gb18030_four_bmp(four);
                i += 2;
            }
            i += 2;
        } else {
            goto need_iconv;
        }
        if (!cp || cp == FT_MAP_FALLBACK)
            goto need_iconv;
        if (ft_map_is_mark(cp))
            goto need_iconv; /* (iconv composes it with the letter: m->composes) */
        o += ft_utf8_encode(cp, o); /* (map entries are BMP characters: 2 or 3 bytes) */
    }
    out->len = (size_t)((char *)o - out->data);
    return 1;
need_iconv:
    out->len = start;
    return 0;
}

/* The four-byte GB18030 sequence at p (4 bytes readable) through ICU, appended to out as UTF-8.
 * Returns 1 when ICU maps it, 0 when it does not (or has no converter), -1 when out of memory. */
static int gb18030_icu(ft_decoder *d, const unsigned char *p, ft_buf *out)
{
    if (ft_gb18030_four_index(p) < 0 || d->gb18030_failed)
        return 0;
    UErrorCode e = U_ZERO_ERROR;
    if (!d->gb18030) {
        d->gb18030 = ucnv_open("gb18030", &e);
        if (U_SUCCESS(e))
            ucnv_setToUCallBack(d->gb18030, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &e);
        if (U_FAILURE(e)) {
            if (d->gb18030)
                ucnv_close(d->gb18030);
            d->gb18030 = NULL;
            d->gb18030_failed = 1;
            return 0;
        }
    }
    UChar u[4];
    ucnv_reset(d->gb18030);
    int32_t n = ucnv_toUChars(d->gb18030, u, 4, (const char *)p, 4, &e);
    uint32_t cp;
    if (U_FAILURE(e) || n < 1 || n > 2)
        return 0;
    if (n == 2 && u[0] >= 0xD800 && u[0] < 0xDC00 && u[1] >= 0xDC00 && u[1] < 0xE000)
        cp = 0x10000 + ((uint32_t)(u[0] - 0xD800) << 10) + (u[1] - 0xDC00);
    else if (n == 1 && (u[0] < 0xD800 || u[0] >= 0xE000))
        cp = u[0];
    else
        return 0;
    if (cp == FT_REPLACEMENT)
        return 0;
    return ft_buf_put_cp(out, cp) ? -1 : 1;
}

/* ICU calls this for every sequence it cannot map: a U+FFFD, counted. */
static void substitute_and_count(const void *context, UConverterToUnicodeArgs *args,
                                 const char *bytes, int32_t length,
                                 UConverterCallbackReason reason, UErrorCode *err)
{
    (void)bytes, (void)length;
    if (reason > UCNV_IRREGULAR)
        return; /* (reset, close, clone: nothing to substitute) */
    ft_decoder *d = (ft_decoder *)context;
    d->icu_invalid++;
    static const UChar replacement = 0xFFFD;
    *err = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(args, &replacement, 1, 0, err);
}

static UConverter *icu_converter(ft_decoder *d, int encoding, const char *name)
{
    if (d->icu[encoding] || d->failed[encoding])
        return d->icu[encoding];
    UErrorCode e = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(name, &e);
    if (U_SUCCESS(e))
        ucnv_setToUCallBack(cv, substitute_and_count, d, NULL, NULL, &e);
    if (U_FAILURE(e)) {
        if (cv)
            ucnv_close(cv);
        d->failed[encoding] = 1;
        return NULL;
    }
    return d->icu[encoding] = cv;
}

/* A line in an encoding only ICU has: 1 when decoded into out, 0 when ICU has no such converter,
 * -1 when out of memory. (A byte never becomes more than one UTF-16 unit in these encodings;
 * ICU says so when one does, and the buffer grows.) */
static int decode_icu(ft_decoder *d, int encoding, const ft_encoding_info *e, const char *in,
                      size_t len, ft_buf *out, ft_report *r)
{
    UConverter *cv = icu_converter(d, encoding, ft_encoding_icu_name(e));
    if (!cv)
        return 0;
    if (len > INT32_MAX / 2)
        return 0;
    for (;;) {
        UErrorCode err = U_ZERO_ERROR;
        d->icu_invalid = 0;
        ucnv_reset(cv);
        int32_t n = ucnv_toUChars(cv, d->units, (int32_t)d->units_cap, in, (int32_t)len, &err);
        if (err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING ||
            (size_t)n >= d->units_cap) {
            size_t cap = ft_capacity_for(d->units_cap, (size_t)n + 1, 256);
            UChar *grown = realloc(d->units, cap * sizeof *grown);
            if (!grown)
                return -1;
            d->units = grown, d->units_cap = cap;
            continue;
        }
        if (U_FAILURE(err))
            return 0;
        if (ft_buf_reserve(out, (size_t)n * 3 + 4))
            return -1;
        for (int32_t i = 0; i < n; i++) {
            uint32_t cp = d->units[i];
            if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n && d->units[i + 1] >= 0xDC00 &&
                d->units[i + 1] < 0xE000)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (d->units[++i] - 0xDC00);
            else if (cp >= 0xD800 && cp < 0xE000)
                cp = FT_REPLACEMENT;
            if (ft_buf_put_cp(out, cp))
                return -1;
        }
        r->info->invalid_sequences += d->icu_invalid;
        if (d->icu_invalid)
            ft_report_note(r, "%s: %u undecodable sequence%s -> U+FFFD", e->name, d->icu_invalid,
                           d->icu_invalid == 1 ? "" : "s");
        return 1;
    }
}

/* ---- KS X 1001's eight-byte Hangul ---- */

/* The syllable the four characters of UTF-8 at p spell (ft_hangul_eight_byte_syllable), or 0. */
static uint32_t eight_byte_syllable(const unsigned char *p, size_t avail)
{
    uint32_t jamo[4];
    for (int k = 0; k < 4; k++) {
        if (avail < 3 * (size_t)k + 3 || p[3 * k] != 0xE3 || ft_utf8_decode(p + 3 * k, &jamo[k]) != 3)
            return 0;
    }
    return ft_hangul_eight_byte_syllable(jamo);
}

/* Composes every eight-byte syllable in out[from..), in place (each 12 bytes become 3). */
static void compose_eight_byte_hangul(ft_buf *out, size_t from)
{
    unsigned char *p = (unsigned char *)out->data;
    size_t r = from, w = from;
    while (r < out->len) {
        uint32_t syllable = p[r] == 0xE3 ? eight_byte_syllable(p + r, out->len - r) : 0;
        if (syllable) {
            w += ft_utf8_encode(syllable, p + w);
            r += 12;
        } else {
            p[w++] = p[r++];
        }
    }
    out->len = w;
}

static int is_euc_kr(int encoding)
{
    return encoding == FT_ENC_EUCKR || encoding == FT_ENC_EUCKR_PLAIN;
}

/* The line (not ASCII) in a legacy encoding: through the byte map when it can, else ICU or
 * iconv. */
static int decode_legacy(ft_decoder *d, int encoding, const ft_encoding_info *e, const char *in,
                         size_t len, ft_buf *out, ft_report *r)
{
    const unsigned char *p = (const unsigned char *)in;
    if (e->kind == FT_KIND_SBCS || e->kind == FT_KIND_MBCS) {
        int rc = decode_with_map(ft_codec_map_get(encoding), encoding == FT_ENC_GB18030, p, len, out);
        if (rc)
            return rc;
    }
    if (ft_encoding_icu_name(e)) {
        int rc = decode_icu(d, encoding, e, in, len, out, r);
        return rc ? rc : decode_utf8(p, len, out, r);
    }
    if (d->cd[encoding] == (iconv_t)-1 && !d->failed[encoding]) {
        d->cd[encoding] = iconv_open("UTF-8", e->iconv_name);
        if (d->cd[encoding] == (iconv_t)-1)
            d->failed[encoding] = 1;
    }
    iconv_t cd = d->cd[encoding];
    if (cd == (iconv_t)-1)
        return decode_utf8(p, len, out, r);
    iconv(cd, NULL, NULL, NULL, NULL);
    char *ip = (char *)in;
    size_t il = len;
    unsigned invalid = 0;
    if (ft_buf_reserve(out, len * 2 + 16))
        return -1;
    while (il) {
        char *op = out->data + out->len;
        size_t ol = out->cap - out->len;
        size_t rc = iconv(cd, &ip, &il, &op, &ol);
        int err = rc == (size_t)-1 ? errno : 0;
        out->len = (size_t)(op - out->data);
        if (!err)
            continue;
        if (err == E2BIG) {
            if (ft_buf_reserve(out, il * 4 + 64))
                return -1;
            continue;
        }
        /* EILSEQ: an undecodable byte; EINVAL: a sequence cut by the end of the line */
        if (err == EILSEQ && encoding == FT_ENC_GB18030 && il >= 4) {
            int got = gb18030_icu(d, (const unsigned char *)ip, out);
            if (got < 0)
                return -1;
            if (got) {
                ip += 4, il -= 4;
                continue;
            }
        }
        if (ft_buf_put_cp(out, FT_REPLACEMENT))
            return -1;
        invalid++;
        if (err == EINVAL) {
            r->info->warnings |= FIXTEXT_WARN_TRUNCATED;
            il = 0;
        } else {
            ip++, il--;
        }
    }
    /* flush what a stateful codec holds back (a BIG5-HKSCS base waiting for a combining mark) */
    if (ft_buf_reserve(out, 64))
        return -1;
    char *op = out->data + out->len;
    size_t ol = out->cap - out->len;
    iconv(cd, NULL, NULL, &op, &ol);
    out->len = (size_t)(op - out->data);
    r->info->invalid_sequences += invalid;
    if (invalid)
        ft_report_note(r, "%s: %u undecodable sequence%s -> U+FFFD", e->name, invalid,
                       invalid == 1 ? "" : "s");
    return 1;
}

int ft_decode_line(ft_decoder *d, int encoding, const char *in, size_t len, ft_buf *out,
                   ft_report *r)
{
    const unsigned char *p = (const unsigned char *)in;
    const ft_encoding_info *e = ft_encoding_info_get(encoding);
    if (!e || e->kind == FT_KIND_UTF8 || e->kind == FT_KIND_ASCII || encoding >= FIXTEXT_MAX_ENCODINGS)
        return decode_utf8(p, len, out, r);
    if (e->ascii_compatible && ft_is_ascii(p, len))
        return 0;
    size_t start = out->len;
    int rc = decode_legacy(d, encoding, e, in, len, out, r);
    /* (the filler's code, A4 D4, is in the bytes of every eight-byte syllable) */
    if (rc == 1 && is_euc_kr(encoding) && memmem(in, len, "\xA4\xD4", 2))
        compose_eight_byte_hangul(out, start);
    return rc;
}
