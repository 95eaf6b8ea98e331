/* encodings.c — the encodings fixtext knows: ids, reported names, aliases, iconv names, kinds,
 * encodings registered at run time for --from, and the byte maps the detector scores lines with.
 *
 * The byte maps come from tables generated from iconv (tables/gen_sbcs_maps.py, committed, and
 * tables/gen_dbcs_maps.py, run at build time), so the detector reads exactly what iconv
 * decodes without asking it at run time. */
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

static uint8_t cost_of(uint16_t cp)
{
    if (!cp)
        return FT_COST_INVALID;
    unsigned c = ft_plausibility_floor(cp == FT_MAP_FALLBACK ? 0x3400 : cp);
    return (uint8_t)(c >= FT_COST_INVALID ? FT_COST_INVALID - 1 : c);
}

static const ft_sbcs_map *sbcs_record(const char *iconv_name)
{
    for (unsigned i = 0; i < ft_sbcs_map_count; i++)
        if (!strcmp(ft_sbcs_maps[i].iconv_name, iconv_name))
            return &ft_sbcs_maps[i];
    return NULL;
}

const uint16_t *ft_sbcs_high(const char *iconv_name)
{
    const ft_sbcs_map *r = sbcs_record(iconv_name);
    return r ? r->high : NULL;
}

const uint16_t *ft_sbcs_c0(const char *iconv_name)
{
    const ft_sbcs_map *r = sbcs_record(iconv_name);
    return r ? r->c0 : NULL;
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

const ft_dbcs_map *ft_dbcs_map_of(const char *iconv_name)
{
    for (unsigned i = 0; i < ft_dbcs_map_count; i++)
        if (!strcmp(ft_dbcs_maps[i].iconv_name, iconv_name))
            return &ft_dbcs_maps[i];
    return NULL;
}

/* From the generated tables (tables/sbcs_maps.c, the build tree's dbcs_maps.c): no iconv module
 * to load. A codec the build's iconv lacked has no table and no map. */
static void build_map(int id)
{
    const ft_encoding_info *e = &builtin[id];
    ft_codec_map *m = &maps[id];
    for (int b = 0; b < 0x80; b++)
        m->type[b] = MAP_SINGLE, m->single[b] = (uint16_t)b;
    if (e->kind == FT_KIND_SBCS) {
        const ft_sbcs_map *r = sbcs_record(e->iconv_name);
        if (!r)
            return;
        for (int b = 0x80; b < 256; b++)
            if (r->high[b - 0x80])
                m->type[b] = MAP_SINGLE, m->single[b] = r->high[b - 0x80];
        for (int b = 0; r->c0 && b < 0x20; b++) {
            m->single[b] = r->c0[b];
            m->c0_letters |= r->c0[b] != b;
        }
    } else {
        const ft_dbcs_map *dbcs = ft_dbcs_map_of(e->iconv_name);
        /* (the pairs' costs live as long as the process) */
        m->dbl_cost = dbcs ? ft_table_alloc(128 * 256) : NULL;
        if (!m->dbl_cost)
            return;
        m->dbl = dbcs->pairs;
        for (int b = 0x80; b < 256; b++)
            m->type[b] = dbcs->type[b - 0x80], m->single[b] = dbcs->single[b - 0x80];
    }
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
