/* encodings.c — the encodings fixtext knows: ids, reported names, aliases, iconv names, kinds,
 * encodings registered at run time for --from, and the byte maps the detector scores lines with.
 *
 * The byte maps are asked of iconv once per process (on the first line that needs them), so the
 * detector decodes exactly what the decoder will, without a second copy of every codec. */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encodings.h"

static const ft_encoding_info builtin[FT_ENC_BUILTIN] = {
    [FT_ENC_UTF8] = {"UTF-8", "UTF-8", FT_KIND_UTF8, 1},
    [FT_ENC_ASCII] = {"ASCII", "UTF-8", FT_KIND_ASCII, 1},
    [FT_ENC_GB18030] = {"GB18030", "GB18030", FT_KIND_MBCS, 1},
    [FT_ENC_BIG5HKSCS] = {"BIG5-HKSCS", "BIG5-HKSCS", FT_KIND_MBCS, 1},
    [FT_ENC_SJIS] = {"SHIFT_JIS", "CP932", FT_KIND_MBCS, 1},
    [FT_ENC_EUCJP] = {"EUC-JP", "EUC-JP", FT_KIND_MBCS, 1},
    [FT_ENC_EUCKR] = {"EUC-KR", "CP949", FT_KIND_MBCS, 1},
    [FT_ENC_ISO2022JP] = {"ISO-2022-JP", "ISO-2022-JP-2", FT_KIND_ISO2022, 0},
    [FT_ENC_CP1250] = {"WINDOWS-1250", "CP1250", FT_KIND_SBCS, 1},
    [FT_ENC_CP1251] = {"WINDOWS-1251", "CP1251", FT_KIND_SBCS, 1},
    [FT_ENC_CP1252] = {"WINDOWS-1252", "CP1252", FT_KIND_SBCS, 1},
    [FT_ENC_CP1253] = {"WINDOWS-1253", "CP1253", FT_KIND_SBCS, 1},
    [FT_ENC_CP1254] = {"WINDOWS-1254", "CP1254", FT_KIND_SBCS, 1},
    [FT_ENC_CP1255] = {"WINDOWS-1255", "CP1255", FT_KIND_SBCS, 1},
    [FT_ENC_CP1256] = {"WINDOWS-1256", "CP1256", FT_KIND_SBCS, 1},
    [FT_ENC_CP1257] = {"WINDOWS-1257", "CP1257", FT_KIND_SBCS, 1},
    [FT_ENC_LATIN1] = {"ISO-8859-1", "ISO-8859-1", FT_KIND_SBCS, 1},
    [FT_ENC_LATIN2] = {"ISO-8859-2", "ISO-8859-2", FT_KIND_SBCS, 1},
    [FT_ENC_ISO88595] = {"ISO-8859-5", "ISO-8859-5", FT_KIND_SBCS, 1},
    [FT_ENC_KOI8R] = {"KOI8-R", "KOI8-R", FT_KIND_SBCS, 1},
    [FT_ENC_UTF16LE] = {"UTF-16LE", "UTF-16LE", FT_KIND_WIDE, 0},
    [FT_ENC_UTF16BE] = {"UTF-16BE", "UTF-16BE", FT_KIND_WIDE, 0},
    [FT_ENC_UTF32LE] = {"UTF-32LE", "UTF-32LE", FT_KIND_WIDE, 0},
    [FT_ENC_UTF32BE] = {"UTF-32BE", "UTF-32BE", FT_KIND_WIDE, 0},
};

static const struct {
    const char *alias;
    int id;
} aliases[] = {
    {"UTF8", FT_ENC_UTF8}, {"US-ASCII", FT_ENC_ASCII}, {"ANSI_X3.4-1968", FT_ENC_ASCII},
    {"GBK", FT_ENC_GB18030}, {"GB2312", FT_ENC_GB18030}, {"CP936", FT_ENC_GB18030},
    {"EUC-CN", FT_ENC_GB18030}, {"EUCCN", FT_ENC_GB18030}, {"BIG5", FT_ENC_BIG5HKSCS},
    {"BIG5HKSCS", FT_ENC_BIG5HKSCS}, {"CP950", FT_ENC_BIG5HKSCS}, {"BIG-5", FT_ENC_BIG5HKSCS},
    {"SJIS", FT_ENC_SJIS}, {"SHIFT-JIS", FT_ENC_SJIS}, {"CP932", FT_ENC_SJIS},
    {"WINDOWS-31J", FT_ENC_SJIS}, {"MS_KANJI", FT_ENC_SJIS}, {"EUCJP", FT_ENC_EUCJP},
    {"CP949", FT_ENC_EUCKR}, {"UHC", FT_ENC_EUCKR}, {"EUCKR", FT_ENC_EUCKR},
    {"CP1250", FT_ENC_CP1250}, {"CP1251", FT_ENC_CP1251}, {"CP1252", FT_ENC_CP1252},
    {"CP1253", FT_ENC_CP1253}, {"CP1254", FT_ENC_CP1254}, {"CP1255", FT_ENC_CP1255},
    {"CP1256", FT_ENC_CP1256}, {"CP1257", FT_ENC_CP1257}, {"LATIN1", FT_ENC_LATIN1},
    {"ISO8859-1", FT_ENC_LATIN1}, {"ISO_8859-1", FT_ENC_LATIN1}, {"LATIN2", FT_ENC_LATIN2},
    {"ISO8859-2", FT_ENC_LATIN2}, {"ISO_8859-2", FT_ENC_LATIN2}, {"ISO8859-5", FT_ENC_ISO88595},
    {"ISO_8859-5", FT_ENC_ISO88595}, {"KOI8R", FT_ENC_KOI8R}, {"UTF16LE", FT_ENC_UTF16LE},
    {"UTF16BE", FT_ENC_UTF16BE}, {"UTF32LE", FT_ENC_UTF32LE}, {"UTF32BE", FT_ENC_UTF32BE},
    {"UCS-2LE", FT_ENC_UTF16LE}, {"UCS-2BE", FT_ENC_UTF16BE},
    {"ISO2022JP", FT_ENC_ISO2022JP},
};

/* Encodings registered at run time: names are strdup'd and live until the process ends (ids are
 * process-wide, and fixtext_line_info.encoding points at the name). */
static ft_encoding_info dynamic[FIXTEXT_MAX_ENCODINGS];
static atomic_int dynamic_count;
static pthread_mutex_t dynamic_lock = PTHREAD_MUTEX_INITIALIZER;

const ft_encoding_info *ft_encoding_info_get(int id)
{
    if (id >= 0 && id < FT_ENC_BUILTIN)
        return &builtin[id];
    int k = id - FT_ENC_BUILTIN;
    if (k >= 0 && k < atomic_load(&dynamic_count))
        return &dynamic[k];
    return NULL;
}

const char *ft_encoding_name(int encoding)
{
    const ft_encoding_info *e = ft_encoding_info_get(encoding);
    return e ? e->name : "UTF-8";
}

int ft_encoding_lookup(const char *name)
{
    for (int i = 0; i < FT_ENC_BUILTIN; i++)
        if (!strcasecmp(name, builtin[i].name) || !strcasecmp(name, builtin[i].iconv_name))
            if (i != FT_ENC_ASCII || !strcasecmp(name, "ASCII"))
                return i;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcasecmp(name, aliases[i].alias))
            return aliases[i].id;
    return -1;
}

int fixtext_encoding_supported(const char *name)
{
    if (!name || !*name)
        return 0;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}

/* 1 if iconv decodes the printable ASCII bytes, alone, as themselves. */
static int decodes_ascii(const char *iconv_name)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1)
        return 0;
    char in[95], out[400];
    for (int i = 0; i < 95; i++)
        in[i] = (char)(0x20 + i);
    char *ip = in, *op = out;
    size_t il = sizeof in, ol = sizeof out;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    return rc != (size_t)-1 && il == 0 && (size_t)(op - out) == sizeof in && !memcmp(in, out, sizeof in);
}

int ft_encoding_resolve(const char *name)
{
    int id = ft_encoding_lookup(name);
    if (id >= 0)
        return id;
    if (!fixtext_encoding_supported(name))
        return -1;
    pthread_mutex_lock(&dynamic_lock);
    int n = atomic_load(&dynamic_count);
    for (int k = 0; k < n; k++)
        if (!strcasecmp(dynamic[k].iconv_name, name)) {
            pthread_mutex_unlock(&dynamic_lock);
            return FT_ENC_BUILTIN + k;
        }
    id = -1;
    if (FT_ENC_BUILTIN + n < FIXTEXT_MAX_ENCODINGS) {
        char *copy = strdup(name);
        if (copy) {
            for (char *c = copy; *c; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 'a' + 'A');
            dynamic[n] = (ft_encoding_info){copy, copy, FT_KIND_OTHER, decodes_ascii(name)};
            atomic_store(&dynamic_count, n + 1);
            id = FT_ENC_BUILTIN + n;
        }
    }
    pthread_mutex_unlock(&dynamic_lock);
    return id;
}

const char *const *fixtext_encodings(void)
{
    static const char *const names[] = {
        "UTF-8", "GB18030", "BIG5-HKSCS", "SHIFT_JIS", "EUC-JP", "EUC-KR", "ISO-2022-JP",
        "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254",
        "WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257", "ISO-8859-1", "ISO-8859-2", "ISO-8859-5",
        "KOI8-R", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", NULL};
    return names;
}

/* ---- byte maps ---- */

static ft_codec_map maps[FT_ENC_BUILTIN];
static int map_ok[FT_ENC_BUILTIN];
static pthread_once_t maps_once = PTHREAD_ONCE_INIT;

/* Decodes in[0..n) completely; returns the first code point and sets *count to how many there
 * were, or returns 0 (invalid) / 1u<<31 (incomplete: a lead byte). */
static uint32_t probe(iconv_t cd, const unsigned char *in, size_t n, int *count)
{
    char out[32];
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    int err = rc == (size_t)-1 ? errno : 0;
    iconv(cd, NULL, NULL, &op, &ol); /* flush a character held back for a possible combination */
    if (err == EINVAL)
        return 1u << 31;
    if (err || il)
        return 0;
    size_t len = (size_t)(op - out), i = 0;
    uint32_t first = 0;
    *count = 0;
    while (i < len) {
        size_t k = ft_utf8_sequence_length((const unsigned char *)out + i, len - i);
        if (!k)
            return 0;
        uint32_t cp;
        ft_utf8_decode((const unsigned char *)out + i, &cp);
        if (!*count)
            first = cp;
        ++*count, i += k;
    }
    return *count ? first : 0;
}

static uint8_t cost_of(uint16_t cp)
{
    if (!cp)
        return FT_COST_INVALID;
    unsigned c = ft_plausibility_floor(cp == FT_MAP_FALLBACK ? 0x3400 : cp);
    return (uint8_t)(c >= FT_COST_INVALID ? FT_COST_INVALID - 1 : c);
}

static void build_map(int id)
{
    const ft_encoding_info *e = &builtin[id];
    iconv_t cd = iconv_open("UTF-8", e->iconv_name);
    if (cd == (iconv_t)-1)
        return;
    ft_codec_map *m = &maps[id];
    if (e->kind == FT_KIND_MBCS) {
        m->dbl = calloc(128 * 256, sizeof(uint16_t));
        if (!m->dbl) {
            iconv_close(cd);
            return;
        }
    }
    for (int b = 0; b < 256; b++) {
        unsigned char in[2] = {(unsigned char)b, 0};
        int count = 0;
        uint32_t cp = b < 0x80 ? (uint32_t)b : probe(cd, in, 1, &count);
        if (b < 0x80) {
            m->type[b] = MAP_SINGLE, m->single[b] = (uint16_t)b;
        } else if (cp == 1u << 31 && m->dbl) {
            m->type[b] = MAP_LEAD;
            for (int t = 0x21; t < 256; t++) {
                in[1] = (unsigned char)t;
                uint32_t c2 = probe(cd, in, 2, &count);
                if (c2 == 1u << 31)
                    continue; /* GB18030 four-byte / EUC-JP three-byte forms: scored apart */
                if (c2)
                    m->dbl[(b - 0x80) * 256 + t] = (uint16_t)(c2 > 0xFFFF || count > 1 ? FT_MAP_FALLBACK : c2);
            }
        } else if (cp && cp != 1u << 31) {
            m->type[b] = MAP_SINGLE, m->single[b] = (uint16_t)(cp > 0xFFFF || count > 1 ? FT_MAP_FALLBACK : cp);
        }
    }
    iconv_close(cd);
    if (m->dbl) {
        m->dbl_cost = malloc(128 * 256);
        if (!m->dbl_cost) {
            free(m->dbl);
            m->dbl = NULL;
            return;
        }
        for (int i = 0; i < 128 * 256; i++)
            m->dbl_cost[i] = cost_of(m->dbl[i]);
    }
    for (int b = 0; b < 256; b++)
        m->single_cost[b] = m->type[b] == MAP_SINGLE ? cost_of(m->single[b])
                            : m->type[b] == MAP_LEAD ? 0 : FT_COST_INVALID;
    map_ok[id] = 1;
}

static void build_maps(void)
{
    for (int id = 0; id < FT_ENC_BUILTIN; id++)
        if (builtin[id].kind == FT_KIND_SBCS || builtin[id].kind == FT_KIND_MBCS)
            build_map(id);
}

const ft_codec_map *ft_codec_map_get(int id)
{
    if (id < 0 || id >= FT_ENC_BUILTIN)
        return NULL;
    pthread_once(&maps_once, build_maps);
    return map_ok[id] ? &maps[id] : NULL;
}
