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
#include "sbcs_maps.h"

enum { UTF8 = FT_KIND_UTF8, ASCII = FT_KIND_ASCII, SBCS = FT_KIND_SBCS, MBCS = FT_KIND_MBCS,
       ISO2022 = FT_KIND_ISO2022, WIDE = FT_KIND_WIDE, CAND = FT_ENC_CAND, NAMED = FT_ENC_NAMED,
       RARE = FT_ENC_RARE };

_Static_assert(FT_ENC_BUILTIN < FIXTEXT_MAX_ENCODINGS, "room for --from encodings in the id space");

static const ft_encoding_info builtin[FT_ENC_BUILTIN] = {
#define ENCODING(id, name, iconv, kind, flags, langs, aliases, short_name) \
    [FT_ENC_##id] = {name, iconv, kind, kind != ISO2022 && kind != WIDE, flags, langs, aliases, short_name},
#include "encodings.def"
#undef ENCODING
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

/* Whether name is one of the space-separated words of list (case-insensitive). */
static int in_word_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *w = list; *w;) {
        size_t k = strcspn(w, " ");
        if (k == n && !strncasecmp(w, name, n))
            return 1;
        w += k + (w[k] == ' ');
    }
    return 0;
}

int ft_encoding_lookup(const char *name)
{
    for (int i = 0; i < FT_ENC_BUILTIN; i++)
        if ((builtin[i].flags & FT_ENC_NAMED) && !strcasecmp(name, builtin[i].name))
            return i;
    for (int i = 0; i < FT_ENC_BUILTIN; i++)
        if ((builtin[i].flags & FT_ENC_NAMED) &&
            (in_word_list(builtin[i].aliases, name) ||
             (i != FT_ENC_ASCII && !strcasecmp(name, builtin[i].iconv_name))))
            return i;
    return -1;
}

size_t ft_encoding_lang_match(int id, const char *lang)
{
    const ft_encoding_info *e = ft_encoding_info_get(id);
    size_t best = 0;
    for (const char *w = e ? e->langs : ""; *w;) {
        size_t k = strcspn(w, " ");
        char end = lang[k < strlen(lang) ? k : strlen(lang)];
        if (k > best && !strncasecmp(w, lang, k) && (end == 0 || end == '-' || end == '_'))
            best = k;
        w += k + (w[k] == ' ');
    }
    return best;
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
            dynamic[n] = (ft_encoding_info){copy, copy, FT_KIND_OTHER, decodes_ascii(name),
                                            FT_ENC_NAMED, "", "", copy};
            atomic_store(&dynamic_count, n + 1);
            id = FT_ENC_BUILTIN + n;
        }
    }
    pthread_mutex_unlock(&dynamic_lock);
    return id;
}

/* The NAMED rows but ASCII, in table order, NULL-terminated. */
static const char *named_list[FT_ENC_BUILTIN + 1];

static void list_names(void)
{
    size_t n = 0;
    for (int i = 0; i < FT_ENC_BUILTIN; i++)
        if ((builtin[i].flags & FT_ENC_NAMED) && i != FT_ENC_ASCII)
            named_list[n++] = builtin[i].name;
    named_list[n] = NULL;
}

const char *const *fixtext_encodings(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, list_names);
    return named_list;
}

/* ---- byte maps ---- */

static ft_codec_map maps[FT_ENC_BUILTIN];
static int map_ok[FT_ENC_BUILTIN];
static atomic_int map_state[FT_ENC_BUILTIN]; /* 0 not built, 1 built (map_ok says how it went) */
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* The pairs lead+0x21 .. lead+0xFF of a double-byte codec, as map entries (0: not one pair's
 * character; FT_MAP_FALLBACK: more than one character, or one beyond the BMP), through cd32
 * (to UTF-32LE). One iconv call for the whole row instead of three per pair, which cost ten
 * milliseconds at the first line of CJK text: every pair is followed by a line feed, which no
 * pair absorbs, ends any three- or four-byte form it starts (those are not pairs: 0, as a probe
 * of the pair alone gives) and flushes a character held back for a combining one. A pair the
 * codec rejects stops the call; the row goes on after it. */
enum { ROW_FIRST = 0x21, ROW_TRAILS = 0x100 - ROW_FIRST };
static void probe_row(iconv_t cd32, int lead, uint16_t entries[ROW_TRAILS])
{
    unsigned char in[3 * ROW_TRAILS];
    uint32_t out[4 * ROW_TRAILS];
    for (int t = 0; t < ROW_TRAILS; t++)
        in[3 * t] = (unsigned char)lead, in[3 * t + 1] = (unsigned char)(ROW_FIRST + t), in[3 * t + 2] = '\n';
    int t = 0;
    while (t < ROW_TRAILS) {
        char *ip = (char *)in + 3 * t, *op = (char *)out;
        size_t il = 3 * (size_t)(ROW_TRAILS - t), ol = sizeof out;
        iconv(cd32, NULL, NULL, NULL, NULL);
        size_t rc = iconv(cd32, &ip, &il, &op, &ol);
        iconv(cd32, NULL, NULL, &op, &ol);
        size_t done = (size_t)(ip - ((char *)in + 3 * t)) / 3; /* pairs read with their line feed */
        const uint32_t *c = out, *end = (const uint32_t *)op;
        for (size_t k = 0; k < done; k++, t++) {
            const uint32_t *nl = c;
            while (nl < end && *nl != '\n')
                nl++;
            size_t n = (size_t)(nl - c);
            entries[t] = n == 0 ? 0 : (n > 1 || c[0] > 0xFFFF) ? FT_MAP_FALLBACK : (uint16_t)c[0];
            c = nl + 1;
        }
        if (rc == (size_t)-1 && t < ROW_TRAILS)
            entries[t++] = 0; /* the pair it stopped at: rejected, or the start of a longer form */
    }
}

static uint8_t cost_of(uint16_t cp)
{
    if (!cp)
        return FT_COST_INVALID;
    unsigned c = ft_plausibility_floor(cp == FT_MAP_FALLBACK ? 0x3400 : cp);
    return (uint8_t)(c >= FT_COST_INVALID ? FT_COST_INVALID - 1 : c);
}

const uint16_t *ft_sbcs_high(const char *iconv_name)
{
    for (unsigned i = 0; i < ft_sbcs_map_count; i++)
        if (!strcmp(ft_sbcs_maps[i].iconv_name, iconv_name))
            return ft_sbcs_maps[i].high;
    return NULL;
}

static void fill_costs(ft_codec_map *m)
{
    if (m->dbl) {
        for (int i = 0; i < 128 * 256; i++)
            m->dbl_cost[i] = cost_of(m->dbl[i]);
    }
    /* (a combining mark costs nothing in the bound: it composes with the letter before, which
       the detector then scores as one character) */
    for (int b = 0; b < 256; b++) {
        int mark = m->type[b] == MAP_SINGLE && ft_map_is_mark(m->single[b]);
        m->composes |= mark;
        m->single_cost[b] = mark ? 0
                            : m->type[b] == MAP_SINGLE ? cost_of(m->single[b])
                            : m->type[b] == MAP_LEAD   ? 0
                                                       : FT_COST_INVALID;
    }
}

static void build_map(int id)
{
    const ft_encoding_info *e = &builtin[id];
    ft_codec_map *m = &maps[id];
    /* single-byte codecs from the generated tables: no iconv module to load */
    const uint16_t *high = e->kind == FT_KIND_SBCS ? ft_sbcs_high(e->iconv_name) : NULL;
    if (high) {
        for (int b = 0; b < 256; b++)
            if (b < 0x80 || high[b - 0x80])
                m->type[b] = MAP_SINGLE, m->single[b] = b < 0x80 ? (uint16_t)b : high[b - 0x80];
        fill_costs(m);
        map_ok[id] = 1;
        return;
    }
    iconv_t cd = iconv_open("UTF-8", e->iconv_name);
    if (cd == (iconv_t)-1)
        return;
    iconv_t cd32 = (iconv_t)-1;
    if (e->kind == FT_KIND_MBCS) {
        cd32 = iconv_open("UTF-32LE", e->iconv_name);
        /* the pairs' characters and their costs, in one block (tables live as long as the process) */
        unsigned char *tables = cd32 == (iconv_t)-1 ? NULL : ft_table_alloc(128 * 256 * 3);
        if (!tables) {
            if (cd32 != (iconv_t)-1)
                iconv_close(cd32);
            iconv_close(cd);
            return;
        }
        m->dbl = (uint16_t *)tables;
        m->dbl_cost = tables + 128 * 256 * 2;
    }
    for (int b = 0; b < 256; b++) {
        unsigned char in[2] = {(unsigned char)b, 0};
        int count = 0;
        uint32_t cp = b < 0x80 ? (uint32_t)b : probe(cd, in, 1, &count);
        if (b < 0x80) {
            m->type[b] = MAP_SINGLE, m->single[b] = (uint16_t)b;
        } else if (cp == 1u << 31 && m->dbl) {
            m->type[b] = MAP_LEAD; /* (GB18030 four-byte / EUC-JP three-byte forms: scored apart) */
            probe_row(cd32, b, m->dbl + (b - 0x80) * 256 + ROW_FIRST);
        } else if (cp && cp != 1u << 31) {
            m->type[b] = MAP_SINGLE, m->single[b] = (uint16_t)(cp > 0xFFFF || count > 1 ? FT_MAP_FALLBACK : cp);
        }
    }
    iconv_close(cd);
    if (cd32 != (iconv_t)-1)
        iconv_close(cd32);
    fill_costs(m);
    map_ok[id] = 1;
}

/* Maps are built on first use, each once: only the encodings a run compares cost start-up time. */
const ft_codec_map *ft_codec_map_get(int id)
{
    if (id < 0 || id >= FT_ENC_BUILTIN ||
        (builtin[id].kind != FT_KIND_SBCS && builtin[id].kind != FT_KIND_MBCS))
        return NULL;
    if (!atomic_load(&map_state[id])) {
        pthread_mutex_lock(&maps_lock);
        if (!atomic_load(&map_state[id])) {
            build_map(id);
            atomic_store(&map_state[id], 1);
        }
        pthread_mutex_unlock(&maps_lock);
    }
    return map_ok[id] ? &maps[id] : NULL;
}
