/* opencc_engine.c — an OpenCC configuration loaded and applied: the dictionaries it names,
 * OpenCC's longest-match segmentation and its conversion chain, done by fixtext itself on
 * dictionaries in OpenCC's text format (opencc_dict.c); libopencc converts with data only it
 * can read.
 *
 * What libopencc 1.1 does, and so what this does, byte for byte (tests/test_opencc_engine.c
 * compares the two on real text, configuration by configuration):
 *   - segmentation ("mmseg"): from each position, the longest key of the segmentation
 *     dictionary that starts there is a segment of its own; characters no key starts with
 *     gather into one segment up to the next match;
 *   - each step of the conversion chain converts each segment alone: from each position, the
 *     longest key of the step's dictionary (of a group: the first of its dictionaries with a
 *     match) becomes its first candidate, any other character is copied; what a segment became
 *     is that segment in the next step.
 * Read here: "text" dictionaries, and "ocd"/"ocd2" ones in fixtext's own data directory (their
 * .txt sources sit beside them). Anything else (another segmentation, a dictionary with no text
 * form, a file not beside the configuration) goes to libopencc, which looks further.
 * Why not libopencc throughout: its conversions copy every segment into new strings and
 * streams, and took half of the stage's time on real text.
 */
#include <errno.h>
#include <opencc/opencc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opencc_engine.h"

/* A configuration's dictionary group: a match is the first of its dictionaries' matches
 * (OpenCC's DictGroup; a group within a group flattens to the same order). */
typedef struct dict_group {
    const ft_opencc_dict **dicts;
    size_t n;
} dict_group;

/* A dictionary file loaded for this configuration (a file named twice is loaded once). */
typedef struct loaded_dict {
    char *path;
    ft_opencc_dict *dict;
} loaded_dict;

struct ft_opencc {
    char path[4096];
    int own_data;
    unsigned refs;           /* under open_lock */
    opencc_t od;             /* libopencc's handle, or NULL: converted here */
    dict_group segmentation;
    dict_group *chain;
    size_t nchain;
    loaded_dict *loaded;
    size_t nloaded;
};

/* ---- the configuration file: just enough JSON ----
 * The file is first checked whole (skip_value), so the cursor functions after it only meet
 * well-formed JSON. */

#define JSON_MAX_DEPTH 64
#define DICT_MAX_NESTING 8
#define NAME_MAX_LEN 1024

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* The end of the JSON string opening at p, or NULL. */
static const char *skip_string(const char *p)
{
    for (p++; *p; p++) {
        if (*p == '\\' && !*++p)
            return NULL;
        if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* The end of the JSON value at p, or NULL if it is not one. */
static const char *skip_value(const char *p, int depth)
{
    p = skip_space(p);
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        if (depth >= JSON_MAX_DEPTH)
            return NULL;
        p = skip_space(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                if (*p != '"' || !(p = skip_string(p)))
                    return NULL;
                p = skip_space(p);
                if (*p++ != ':')
                    return NULL;
            }
            if (!(p = skip_value(p, depth + 1)))
                return NULL;
            p = skip_space(p);
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p = skip_space(p + 1);
        }
    }
    const char *start = p; /* a number, true, false or null */
    while (*p && strchr("+-.0123456789Eaeflnrstu", *p))
        p++;
    return p > start ? p : NULL;
}

/* The JSON string at p, its escapes read, in out; -1 if p is no string or it does not fit.
 * (\u escapes other than ASCII are refused: no name fixtext reads needs one.) */
static int string_value(const char *p, char *out, size_t cap)
{
    if (*p != '"')
        return -1;
    size_t n = 0;
    for (p++; *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            c = *++p;
            if (c == 'u') {
                unsigned v;
                if (sscanf(p + 1, "%4x", &v) != 1 || v == 0 || v > 0x7F)
                    return -1;
                c = (char)v;
                p += 4;
            } else if (c != '"' && c != '\\' && c != '/') {
                return -1;
            }
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* The value of the member key of the object at p, or NULL. */
static const char *member(const char *p, const char *key)
{
    p = skip_space(p);
    if (*p != '{')
        return NULL;
    for (p = skip_space(p + 1); *p == '"';) {
        char name[64];
        int found = string_value(p, name, sizeof name) == 0 && strcmp(name, key) == 0;
        p = skip_space(skip_string(p));
        p = skip_space(p + 1); /* the ':' */
        if (found)
            return p;
        p = skip_space(skip_value(p, 0));
        if (*p != ',')
            return NULL;
        p = skip_space(p + 1);
    }
    return NULL;
}

/* Item i of the array at p, or NULL. */
static const char *item(const char *p, size_t i)
{
    p = skip_space(p);
    if (*p != '[')
        return NULL;
    p = skip_space(p + 1);
    if (*p == ']')
        return NULL;
    for (size_t k = 0; k < i; k++) {
        p = skip_space(skip_value(p, 0));
        if (*p != ',')
            return NULL;
        p = skip_space(p + 1);
    }
    return p;
}

/* The string member key of the object at p in out; -1 if missing or not a string. */
static int string_member(const char *p, const char *key, char *out, size_t cap)
{
    const char *v = member(p, key);
    return v ? string_value(v, out, cap) : -1;
}

/* ---- loading ---- */

enum { LOADED = 0, NOT_HERE = 1, FAILED = -1 }; /* NOT_HERE: libopencc's to read */

static int group_add(dict_group *g, const ft_opencc_dict *d)
{
    const ft_opencc_dict **dicts = realloc(g->dicts, (g->n + 1) * sizeof *dicts);
    if (!dicts)
        return -1;
    dicts[g->n++] = d;
    g->dicts = dicts;
    return 0;
}

/* The dictionary at path, loaded once for this configuration; NULL with err. */
static const ft_opencc_dict *load_once(ft_opencc *cc, const char *path, char *err, size_t errlen)
{
    for (size_t i = 0; i < cc->nloaded; i++)
        if (strcmp(cc->loaded[i].path, path) == 0)
            return cc->loaded[i].dict;
    loaded_dict *loaded = realloc(cc->loaded, (cc->nloaded + 1) * sizeof *loaded);
    if (!loaded) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cc->loaded = loaded;
    loaded_dict *l = &loaded[cc->nloaded];
    if (!(l->path = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(l->dict = ft_opencc_dict_load(path, err, errlen))) {
        free(l->path);
        return NULL;
    }
    cc->nloaded++;
    return l->dict;
}

/* Where the text form of a dictionary named in a configuration is, in path: a "text" file, or
 * the .txt beside an "ocd"/"ocd2" file of fixtext's data. NOT_HERE if there is none. */
static int text_path(const ft_opencc *cc, const char *type, const char *file, char *path, size_t size)
{
    const char *slash = strrchr(cc->path, '/');
    int dirlen = file[0] == '/' ? 0 : slash ? (int)(slash - cc->path + 1) : 0;
    int n = snprintf(path, size, "%.*s%s", dirlen, cc->path, file);
    if (n < 0 || (size_t)n >= size)
        return NOT_HERE;
    if (strcmp(type, "ocd") == 0 || strcmp(type, "ocd2") == 0) {
        char *dot = strrchr(path, '.');
        if (!cc->own_data || !dot || strchr(dot, '/') || (size_t)(dot - path) + 5 > size)
            return NOT_HERE;
        strcpy(dot, ".txt");
    } else if (strcmp(type, "text") != 0) {
        return NOT_HERE;
    }
    return access(path, R_OK) == 0 ? LOADED : NOT_HERE;
}

/* Adds the dictionaries of the "dict" object at p (a group's in its order) to g. */
static int add_dicts(ft_opencc *cc, dict_group *g, const char *p, int nesting, char *err,
                     size_t errlen)
{
    char type[16], file[NAME_MAX_LEN], path[4096];
    if (string_member(p, "type", type, sizeof type))
        return NOT_HERE;
    if (strcmp(type, "group") == 0) {
        const char *list = member(p, "dicts"), *d;
        if (!list || nesting >= DICT_MAX_NESTING)
            return NOT_HERE;
        for (size_t i = 0; (d = item(list, i)); i++) {
            int rc = add_dicts(cc, g, d, nesting + 1, err, errlen);
            if (rc != LOADED)
                return rc;
        }
        return LOADED;
    }
    if (string_member(p, "file", file, sizeof file) ||
        text_path(cc, type, file, path, sizeof path) != LOADED)
        return NOT_HERE;
    const ft_opencc_dict *d = load_once(cc, path, err, errlen);
    if (!d)
        return FAILED;
    if (group_add(g, d)) {
        snprintf(err, errlen, "out of memory");
        return FAILED;
    }
    return LOADED;
}

/* Reads the configuration document doc into cc. */
static int load_native(ft_opencc *cc, const char *doc, char *err, size_t errlen)
{
    const char *end = skip_value(doc, 0);
    if (!end || *skip_space(end))
        return NOT_HERE; /* not JSON: libopencc says what is wrong with it */
    char type[16];
    const char *seg = member(doc, "segmentation"), *chain = member(doc, "conversion_chain");
    if (!seg || !chain || string_member(seg, "type", type, sizeof type) ||
        strcmp(type, "mmseg") != 0 || !member(seg, "dict"))
        return NOT_HERE;
    int rc = add_dicts(cc, &cc->segmentation, member(seg, "dict"), 0, err, errlen);
    const char *step;
    for (size_t i = 0; rc == LOADED && (step = item(chain, i)); i++) {
        const char *dict = member(step, "dict");
        dict_group *steps = dict ? realloc(cc->chain, (cc->nchain + 1) * sizeof *steps) : NULL;
        if (!dict)
            return NOT_HERE;
        if (!steps) {
            snprintf(err, errlen, "out of memory");
            return FAILED;
        }
        cc->chain = steps;
        steps[cc->nchain++] = (dict_group){NULL, 0};
        rc = add_dicts(cc, &steps[cc->nchain - 1], dict, 0, err, errlen);
    }
    return rc;
}

static void free_native(ft_opencc *cc)
{
    for (size_t i = 0; i < cc->nloaded; i++) {
        ft_opencc_dict_free(cc->loaded[i].dict);
        free(cc->loaded[i].path);
    }
    free(cc->loaded);
    for (size_t i = 0; i < cc->nchain; i++)
        free(cc->chain[i].dicts);
    free(cc->chain);
    free(cc->segmentation.dicts);
    cc->loaded = NULL;
    cc->nloaded = cc->nchain = 0;
    cc->chain = NULL;
    cc->segmentation = (dict_group){NULL, 0};
}

static void free_cc(ft_opencc *cc)
{
    if (!cc)
        return;
    free_native(cc);
    if (cc->od)
        opencc_close(cc->od);
    free(cc);
}

static ft_opencc *load(const char *path, int own_data, char *err, size_t errlen)
{
    ft_opencc *cc = calloc(1, sizeof *cc);
    if (!cc || strlen(path) >= sizeof cc->path) {
        snprintf(err, errlen, cc ? "configuration path too long: %s" : "out of memory", path);
        free(cc);
        return NULL;
    }
    strcpy(cc->path, path);
    cc->own_data = own_data;
    size_t len;
    char *doc = ft_opencc_read_file(path, &len);
    if (!doc) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(cc);
        return NULL;
    }
    int rc = strlen(doc) == len ? load_native(cc, doc, err, errlen) : NOT_HERE;
    free(doc);
    if (rc == FAILED) {
        free_cc(cc);
        return NULL;
    }
    if (rc == NOT_HERE) {
        free_native(cc);
        cc->od = opencc_open(path);
        if (cc->od == (opencc_t)-1) {
            const char *why = opencc_error();
            snprintf(err, errlen, "%s", why && *why ? why : "libopencc cannot load it");
            cc->od = NULL;
            free_cc(cc);
            return NULL;
        }
    }
    return cc;
}

/* ---- one configuration per path, shared by the workers ---- */

#define OPEN_MAX 16
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static ft_opencc *open_configs[OPEN_MAX];

ft_opencc *ft_opencc_open(const char *path, int own_data, char *err, size_t errlen)
{
    pthread_mutex_lock(&open_lock);
    ft_opencc *cc = NULL;
    int slot = -1;
    for (int i = 0; i < OPEN_MAX && !cc; i++) {
        ft_opencc *o = open_configs[i];
        if (o && o->own_data == own_data && strcmp(o->path, path) == 0)
            cc = o;
        else if (!o && slot < 0)
            slot = i;
    }
    if (!cc && (cc = load(path, own_data, err, errlen)) && slot >= 0)
        open_configs[slot] = cc; /* (loaded under the lock: a second worker waits for it) */
    if (cc)
        cc->refs++;
    pthread_mutex_unlock(&open_lock);
    return cc;
}

void ft_opencc_close(ft_opencc *cc)
{
    if (!cc)
        return;
    pthread_mutex_lock(&open_lock);
    if (--cc->refs == 0) {
        for (int i = 0; i < OPEN_MAX; i++)
            if (open_configs[i] == cc)
                open_configs[i] = NULL;
        free_cc(cc);
    }
    pthread_mutex_unlock(&open_lock);
}

const char *ft_opencc_engine(const ft_opencc *cc)
{
    return cc->od ? "libopencc" : "fixtext";
}

void ft_opencc_scratch_free(ft_opencc_scratch *s)
{
    ft_buf_free(&s->text[0]);
    ft_buf_free(&s->text[1]);
    free(s->ends);
    s->ends = NULL;
    s->ends_cap = 0;
}

/* ---- converting ---- */

static inline size_t group_match(const dict_group *g, const unsigned char *p, size_t n,
                                 const char **value, size_t *value_len)
{
    for (size_t i = 0; i < g->n; i++) {
        size_t m = ft_opencc_dict_match(g->dicts[i], p, n, value, value_len);
        if (m)
            return m;
    }
    return 0;
}

static int push_end(ft_opencc_scratch *s, size_t *nseg, size_t end)
{
    if (ft_room_for_one((void **)&s->ends, *nseg, &s->ends_cap, sizeof *s->ends))
        return -1;
    s->ends[(*nseg)++] = end;
    return 0;
}

/* OpenCC's segmentation of p[0..n): the segments' ends in s->ends, their number in *nseg. */
static int segment(const ft_opencc *cc, ft_opencc_scratch *s, const unsigned char *p, size_t n,
                   size_t *nseg)
{
    *nseg = 0;
    int unmatched = 0; /* characters no key starts with wait before at */
    for (size_t at = 0; at < n;) {
        const char *value;
        size_t vlen, m = group_match(&cc->segmentation, p + at, n - at, &value, &vlen);
        if (m == 0) {
            at += ft_opencc_char_length(p + at, n - at);
            unmatched = 1;
            continue;
        }
        if ((unmatched && push_end(s, nseg, at)) || push_end(s, nseg, at + m))
            return -1;
        unmatched = 0;
        at += m;
    }
    return unmatched ? push_end(s, nseg, n) : 0;
}

/* One step of the chain: each segment of src (ends in s->ends) converted alone into dst, the
 * ends rewritten to the converted segments' ends. */
static int convert_step(const dict_group *g, ft_opencc_scratch *s, size_t nseg, const char *src,
                        ft_buf *dst)
{
    const unsigned char *p = (const unsigned char *)src;
    ft_buf_clear(dst);
    for (size_t i = 0, start = 0; i < nseg; i++) {
        size_t end = s->ends[i], copied = start;
        for (size_t at = start; at < end;) {
            const char *value;
            size_t vlen, m = group_match(g, p + at, end - at, &value, &vlen);
            if (m == 0) {
                at += ft_opencc_char_length(p + at, end - at);
                continue;
            }
            if (ft_buf_append(dst, src + copied, at - copied) || ft_buf_append(dst, value, vlen))
                return -1;
            at += m;
            copied = at;
        }
        if (ft_buf_append(dst, src + copied, end - copied))
            return -1;
        s->ends[i] = dst->len;
        start = end;
    }
    return 0;
}

static int terminate(ft_buf *out)
{
    if (ft_buf_putc(out, '\0'))
        return -1;
    out->len--;
    return 0;
}

static int convert_with_libopencc(const ft_opencc *cc, const char *in, size_t n, ft_buf *out)
{
    char *converted = opencc_convert_utf8(cc->od, in, n);
    if (!converted)
        return -1;
    int rc = ft_buf_append(out, converted, strlen(converted));
    opencc_convert_utf8_free(converted);
    return rc ? -1 : terminate(out);
}

int ft_opencc_convert(const ft_opencc *cc, ft_opencc_scratch *s, const char *in, size_t n, ft_buf *out)
{
    ft_buf_clear(out);
    if (cc->od)
        return convert_with_libopencc(cc, in, n, out);
    if (cc->nchain == 0 || n == 0)
        return ft_buf_append(out, in, n) ? -1 : terminate(out);
    size_t nseg;
    if (segment(cc, s, (const unsigned char *)in, n, &nseg))
        return -1;
    const char *src = in;
    for (size_t i = 0; i < cc->nchain; i++) {
        ft_buf *dst = i + 1 == cc->nchain ? out : &s->text[i & 1];
        if (convert_step(&cc->chain[i], s, nseg, src, dst))
            return -1;
        src = dst->data ? dst->data : ""; /* (a step may empty the text) */
    }
    return terminate(out);
}
