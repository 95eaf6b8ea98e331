/* mojibake_codecs.c — flat encode/decode tables for the codecs mojibake is made of, built once per
 * process (at the first non-ASCII line) from the byte maps generated from the system's iconv
 * (tables/sbcs_maps.c, and the build tree's dbcs_maps.c: tables/gen_dbcs_maps.py), so that
 * fixtext and the converters real software used agree byte for byte. Afterwards the tables are
 * read-only and shared by every worker. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "encodings.h"
#include "mojibake_codecs.h"

/* tables/mojibake_big5_extra.c: Big5 codes other decoders read as kana, Cyrillic and symbols,
 * where glibc reads nothing or private-use characters */
extern const unsigned ft_mb_big5_extra_count;
extern const uint16_t ft_mb_big5_extra[][2];
/* tables/mojibake_gb18030_extra.c: GB18030 codes that GB18030-2005 decoders (Windows, Python)
 * read as private-use characters and glibc (GB18030-2022) as vertical forms: encode-only */
extern const unsigned ft_mb_gb18030_extra_count;
extern const uint16_t ft_mb_gb18030_extra[][2];

/* CP932 single bytes that Windows (and Python's cp932) decode and glibc rejects: mojibake made
 * on Windows holds them ("騾\x80" is UTF-8's 退, E9 80 80, read as CP932) */
static const uint16_t cp932_windows_singles[][2] = {
    {0x80, 0x0080}, {0xA0, 0xF8F0}, {0xFD, 0xF8F1}, {0xFE, 0xF8F2}, {0xFF, 0xF8F3}};

static const int encoding_ids[MB_NCODECS] = {
#define MB_ID(id) FT_ENC_##id,
    MOJIBAKE_CODECS(MB_ID)
#undef MB_ID
};

int mb_codec_encoding(int codec)
{
    return codec >= 0 && codec < MB_NCODECS ? encoding_ids[codec] : -1;
}

#define N_SB MB_FIRST_DBCS
#define N_DB (MB_UTF8 - MB_FIRST_DBCS)

/* Single-byte codecs: bytes 0x80..0xFF -> code point (0 = undefined), and the reverse over the BMP
 * (0 = not encodable). */
static uint16_t sb_dec[N_SB][128];
uint8_t *mb_sb_enc[N_SB];
#define sb_enc mb_sb_enc
/* Double-byte codecs: (lead << 8 | trail) -> code point (0 = invalid); single high bytes
 * (Shift_JIS half-width katakana) in db_dec1; the reverse: code point -> code (> 0xFF for pairs). */
static uint16_t *db_dec[N_DB];
static uint16_t db_dec1[N_DB][128];
uint16_t *mb_db_enc[N_DB];
#define db_enc mb_db_enc
static uint8_t db_lead[N_DB][256]; /* 2 when the byte can lead a pair, 1 single, 0 never */

uint16_t *mb_mask_lead, *mb_mask_long, *mb_mask_cont, *mb_mask_inner, *mb_mask_high;

/* The masks' bits for cp in codec c, whose code is b[0..n). */
static void add_masks(int c, uint32_t cp, const uint8_t *b, int n)
{
    uint16_t bit = (uint16_t)(1u << c);
    mb_mask_high[cp] |= bit;
    uint8_t last = b[n - 1];
    if ((last >= 0xC2 && last <= 0xF4) ||
        (n == 2 && b[0] >= 0xE0 && b[0] <= 0xF4 && b[1] >= 0x80 && b[1] <= 0xBF))
        mb_mask_lead[cp] |= bit; /* a sequence can begin here and go on in the next */
    if (n == 1 && last >= 0xE0 && last <= 0xF4)
        mb_mask_long[cp] |= bit;
    if (b[0] >= 0x80 && b[0] <= 0xBF)
        mb_mask_cont[cp] |= bit;
    if (n == 2 && b[0] >= 0xC2 && b[0] <= 0xDF && b[1] >= 0x80 && b[1] <= 0xBF)
        mb_mask_inner[cp] |= bit;
}

/* Visits cp once per codec: when its encoding is the code it was decoded from. */
static void add_if_canonical(int c, uint32_t cp, uint16_t code)
{
    uint8_t b[2];
    int n = cp >= 0x80 && cp < 0x10000 ? mb_encode(c, cp, b) : 0;
    if (n && (n == 1 ? b[0] == code : (b[0] << 8 | b[1]) == code))
        add_masks(c, cp, b, n);
}

/* Walks the codes each codec has (a few thousand) rather than every BMP character per codec. */
static void build_masks(void)
{
    for (int c = 0; c < N_SB; c++) {
        for (int byte = 0x80; byte < 0x100; byte++) {
            add_if_canonical(c, sb_dec[c][byte - 0x80], (uint16_t)byte);
            add_if_canonical(c, (uint32_t)byte, (uint16_t)byte); /* windows-1252's C1 round trip */
        }
    }
    for (int d = 0; d < N_DB; d++) {
        int c = MB_FIRST_DBCS + d;
        for (int byte = 0x80; byte < 0x100; byte++)
            if (db_lead[d][byte] == 1)
                add_if_canonical(c, db_dec1[d][byte - 0x80], (uint16_t)byte);
        for (uint32_t code = 0x8100; code < 0x10000; code++)
            if (db_dec[d][code])
                add_if_canonical(c, db_dec[d][code], (uint16_t)code);
        /* private-use characters glibc reads some codes as still encode to them, though the
           tables now decode those codes to real characters (tables/mojibake_big5_extra.c) */
        for (uint32_t cp = 0xE000; cp <= 0xF8FF; cp++) {
            uint8_t b[2];
            int n = mb_encode(c, cp, b);
            if (n)
                add_masks(c, cp, b, n);
        }
    }
    /* a byte lost as U+FFFD may have been a continuation byte in any codec */
    mb_mask_cont[0xFFFD] = (uint16_t)((1u << MB_UTF8) - 1);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int state; /* 0 not built, 1 ok, -1 failed */

const char *mb_codec_name(int codec)
{
    return codec >= 0 && codec < MB_NCODECS ? ft_encoding_info_get(encoding_ids[codec])->short_name : "?";
}

/* The tables build() fills, carved from one populated block. */
static int allocate_tables(void)
{
    const size_t sb = 0x10000, db = 0x10000 * sizeof(uint16_t);
    unsigned char *block = ft_table_alloc(N_SB * sb + 2 * N_DB * db + 5 * db);
    if (!block)
        return -1;
    uint16_t **masks[] = {&mb_mask_lead, &mb_mask_long, &mb_mask_cont, &mb_mask_inner, &mb_mask_high};
    for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++, block += db)
        *masks[k] = (uint16_t *)block;
    for (int c = 0; c < N_SB; c++, block += sb)
        sb_enc[c] = block;
    for (int d = 0; d < N_DB; d++, block += 2 * db) {
        db_dec[d] = (uint16_t *)block;
        db_enc[d] = (uint16_t *)(block + db);
    }
    return 0;
}

/* A single-byte codec's decoding and encoding from its generated map (tables/sbcs_maps.c). */
static int add_single_byte(int c, const uint16_t *high)
{
    if (!high)
        return -1;
    for (int b = 0x80; b < 0x100; b++) {
        uint32_t cp = high[b - 0x80] == FT_MAP_FALLBACK ? 0 : high[b - 0x80];
        if (!cp && c == MB_CP1252)
            cp = (uint32_t)b; /* the five undefined bytes round-trip as C1 controls */
        if (cp >= 0x80) {
            sb_dec[c][b - 0x80] = (uint16_t)cp;
            if (!sb_enc[c][cp])
                sb_enc[c][cp] = (uint8_t)b;
        }
    }
    if (c == MB_CP1252) /* latin-1 readings: every C1 control maps back to its byte */
        for (uint32_t cp = 0x80; cp < 0xA0; cp++)
            if (!sb_enc[c][cp])
                sb_enc[c][cp] = (uint8_t)cp;
    return 0;
}

/* A double-byte codec's decoding and encoding from its generated map (tables/dbcs_maps.h): the
 * single bytes and the pairs of trail 0x40..0xFE that are one character of the BMP (the codes
 * mojibake is made of). */
static int add_double_byte(int d, const ft_dbcs_map *map)
{
    if (!map)
        return -1;
    for (int b = 0x80; b < 0x100; b++) {
        uint16_t cp = map->single[b - 0x80];
        if (map->type[b - 0x80] == MAP_SINGLE && cp >= 0x80 && cp != FT_MAP_FALLBACK) {
            db_dec1[d][b - 0x80] = cp;
            db_lead[d][b] = 1;
            if (!db_enc[d][cp])
                db_enc[d][cp] = (uint16_t)b;
        }
    }
    for (int lead = 0x81; lead < 0xFF; lead++) {
        if (map->type[lead - 0x80] != MAP_LEAD)
            continue;
        for (int trail = 0x40; trail < 0xFF; trail++) {
            uint16_t cp = map->pairs[(lead - 0x80) * 256 + trail];
            if (cp < 0x80 || cp == FT_MAP_FALLBACK)
                continue;
            uint16_t code = (uint16_t)(lead << 8 | trail);
            db_dec[d][code] = cp;
            db_lead[d][lead] = 2;
            if (!db_enc[d][cp])
                db_enc[d][cp] = code;
        }
    }
    return 0;
}

/* Encodings from another map for the characters the codec has no code for: Shift_JIS as other
 * software than Windows writes it (JIS X 0208 as the SJIS row reads it: 81 91 is "¢", 81 60
 * "〜", where CP932 reads "￠" and "～") has them, and UTF-8 read so holds them ("縺翫¢" is
 * "おけ"). The codec's decoding stays its own. */
static void add_encodings_of(int d, const ft_dbcs_map *map)
{
    for (int lead = 0x81; map && lead < 0xFF; lead++) {
        if (map->type[lead - 0x80] != MAP_LEAD)
            continue;
        for (int trail = 0x40; trail < 0xFF; trail++) {
            uint16_t cp = map->pairs[(lead - 0x80) * 256 + trail];
            if (cp >= 0x80 && cp != FT_MAP_FALLBACK && !db_enc[d][cp])
                db_enc[d][cp] = (uint16_t)(lead << 8 | trail);
        }
    }
}

static void build(void)
{
    if (allocate_tables()) {
        atomic_store(&state, -1);
        return;
    }
    for (int c = 0; c < MB_UTF8; c++) {
        const char *name = ft_encoding_info_get(encoding_ids[c])->iconv_name;
        if (c < N_SB ? add_single_byte(c, ft_sbcs_high(name))
                     : add_double_byte(c - MB_FIRST_DBCS, ft_dbcs_map_of(name))) {
            atomic_store(&state, -1);
            return;
        }
        if (c == MB_GB18030) {
            int d = c - MB_FIRST_DBCS;
            for (unsigned k = 0; k < ft_mb_gb18030_extra_count; k++) {
                uint16_t code = ft_mb_gb18030_extra[k][0], cp = ft_mb_gb18030_extra[k][1];
                if (!db_enc[d][cp])
                    db_enc[d][cp] = code; /* (glibc's reading of the code stays the decoding) */
            }
        }
        if (c == MB_SJIS) {
            int d = c - MB_FIRST_DBCS;
            for (size_t k = 0; k < sizeof cp932_windows_singles / sizeof *cp932_windows_singles; k++) {
                uint16_t b = cp932_windows_singles[k][0], cp = cp932_windows_singles[k][1];
                if (db_lead[d][b])
                    continue; /* (an iconv that reads it already) */
                db_dec1[d][b - 0x80] = cp;
                db_lead[d][b] = 1;
                if (!db_enc[d][cp])
                    db_enc[d][cp] = b;
            }
            add_encodings_of(d, ft_dbcs_map_of(ft_encoding_info_get(FT_ENC_SHIFTJIS)->iconv_name));
        }
        if (c == MB_BIG5) {
            int d = c - MB_FIRST_DBCS;
            for (unsigned k = 0; k < ft_mb_big5_extra_count; k++) {
                uint16_t code = ft_mb_big5_extra[k][0], cp = ft_mb_big5_extra[k][1];
                /* glibc leaves these codes undefined or maps them to private use */
                db_dec[d][code] = cp;
                db_lead[d][code >> 8] = 2;
                if (!db_enc[d][cp])
                    db_enc[d][cp] = code;
            }
        }
    }
    build_masks();
    atomic_store(&state, 1);
}

int mb_codecs_init(void)
{
    pthread_once(&once, build);
    return atomic_load(&state) == 1 ? 0 : -1;
}

int mb_lead_length(int codec, uint8_t b)
{
    if (b < 0x80)
        return 1;
    if (codec == MB_UTF8)
        return (int)ft_utf8_lead_length(b);
    if (codec < N_SB)
        return sb_dec[codec][b - 0x80] ? 1 : 0;
    return db_lead[codec - MB_FIRST_DBCS][b];
}

/* CESU-8 (Java's and Oracle's "UTF-8"): a character beyond the BMP written as the 3-byte forms of
 * its two surrogates, ED A0..AF xx ED B0..BF xx; high is the first one's value, p its bytes. The
 * character and 6, or 0 when no low surrogate follows (a lone surrogate is no text). */
static int cesu8_pair(const uint8_t *p, size_t n, uint32_t high, uint32_t *cp)
{
    if (n < 6 || p[3] != 0xED || p[4] < 0xB0 || p[4] > 0xBF || !ft_utf8_is_continuation(p[5]))
        return 0;
    uint32_t low = 0xD000 | (uint32_t)(p[4] & 0x3F) << 6 | (p[5] & 0x3F);
    *cp = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    return 6;
}

int mb_decode(int codec, const uint8_t *p, size_t n, uint32_t *cp)
{
    uint8_t b = p[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (codec == MB_UTF8) {
        int len = (int)ft_utf8_lead_length(b);
        if (!len || (size_t)len > n)
            return 0;
        uint32_t c = b & (0xFF >> (len + 1));
        for (int i = 1; i < len; i++) {
            if (!ft_utf8_is_continuation(p[i]))
                return 0;
            c = c << 6 | (p[i] & 0x3F);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (len == 3 && c >= 0xD800 && c <= 0xDBFF)
            return cesu8_pair(p, n, c, cp);
        if (c < min[len] || !ft_is_scalar_value(c))
            return 0;
        *cp = c;
        return len;
    }
    if (codec < N_SB) {
        uint16_t c = sb_dec[codec][b - 0x80];
        if (!c)
            return 0;
        *cp = c;
        return 1;
    }
    int d = codec - MB_FIRST_DBCS;
    if (db_lead[d][b] == 1) {
        *cp = db_dec1[d][b - 0x80];
        return 1;
    }
    if (db_lead[d][b] != 2 || n < 2)
        return 0;
    uint16_t c = db_dec[d][(uint16_t)(b << 8 | p[1])];
    if (!c)
        return 0;
    *cp = c;
    return 2;
}
