/* opencc_dict.c — one OpenCC dictionary, read from OpenCC's text format (one entry a line:
 * "key<TAB>candidate candidate ...", the form fixtext's data is committed in), and its longest
 * prefix match, the one question OpenCC's segmentation and conversions ask of a dictionary.
 *
 * The keys are held as a trie of code points: the root's children for the Basic Multilingual
 * Plane in a direct array (the first step of every match, taken at every character of the
 * text), every other edge in one open-addressing hash table keyed by (parent node, code point).
 * A match walks the trie along the text and stops at the first missing edge, so a character no
 * key starts with costs one array read. Read-only once loaded: workers share a dictionary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "opencc_engine.h"

#define BMP_SPAN 0x10000u
#define NO_VALUE UINT32_MAX

typedef struct trie_edge {
    uint32_t parent, cp;
    uint32_t child; /* 0: an empty slot (node 0 is the root, never a child) */
} trie_edge;

typedef struct trie_node {
    uint32_t value;     /* offset of the key's default candidate in values, or NO_VALUE */
    uint32_t value_len;
} trie_node;

/* Sized from a count of the file before it is read in (see size_tables): a dictionary is built
 * without growing anything, its pages made at once (ft_table_alloc). */
struct ft_opencc_dict {
    uint32_t *root_bmp;   /* BMP_SPAN entries: the root's child for that code point, or 0 */
    trie_edge *edges;     /* capacity edge_mask + 1 (a power of two), at most half full */
    size_t edge_mask, nedges;
    trie_node *nodes;     /* node_cap: one more than the characters of all keys */
    size_t nnodes, node_cap;
    char *values;         /* the default candidates, back to back; values_cap bytes */
    size_t values_len, values_cap;
};

static inline size_t edge_slot(uint32_t parent, uint32_t cp, size_t mask)
{
    uint32_t h = parent * 0x9E3779B1u ^ cp * 0x85EBCA77u;
    h ^= h >> 15;
    return h & mask;
}

/* The child of node along cp, or 0. */
static inline uint32_t child_of(const ft_opencc_dict *d, uint32_t node, uint32_t cp)
{
    if (node == 0 && cp < BMP_SPAN)
        return d->root_bmp[cp];
    for (size_t i = edge_slot(node, cp, d->edge_mask);; i = (i + 1) & d->edge_mask) {
        const trie_edge *e = &d->edges[i];
        if (e->child == 0)
            return 0;
        if (e->parent == node && e->cp == cp)
            return e->child;
    }
}

/* A new edge table of cap slots, the old one's edges moved in. */
static int rehash_edges(ft_opencc_dict *d, size_t cap)
{
    trie_edge *edges = ft_table_alloc(cap * sizeof *edges);
    if (!edges)
        return -1;
    for (size_t i = 0; d->edges && i <= d->edge_mask; i++) {
        const trie_edge *e = &d->edges[i];
        if (e->child == 0)
            continue;
        size_t j = edge_slot(e->parent, e->cp, cap - 1);
        while (edges[j].child)
            j = (j + 1) & (cap - 1);
        edges[j] = *e;
    }
    if (d->edges)
        ft_table_free(d->edges, (d->edge_mask + 1) * sizeof *d->edges);
    d->edges = edges;
    d->edge_mask = cap - 1;
    return 0;
}

/* Appends a node with no value (room was counted: see size_tables). */
static uint32_t new_node(ft_opencc_dict *d)
{
    d->nodes[d->nnodes] = (trie_node){NO_VALUE, 0};
    return (uint32_t)d->nnodes++;
}

/* The child of node along cp, made if missing; 0 if out of memory. */
static uint32_t add_child(ft_opencc_dict *d, uint32_t node, uint32_t cp)
{
    uint32_t child = child_of(d, node, cp);
    if (child)
        return child;
    if ((d->nedges + 1) * 2 > d->edge_mask + 1 && rehash_edges(d, (d->edge_mask + 1) * 2))
        return 0;
    child = new_node(d);
    if (node == 0 && cp < BMP_SPAN) {
        d->root_bmp[cp] = child;
        return child;
    }
    size_t i = edge_slot(node, cp, d->edge_mask);
    while (d->edges[i].child)
        i = (i + 1) & d->edge_mask;
    d->edges[i] = (trie_edge){node, cp, child};
    d->nedges++;
    return child;
}

/* One character of p[0..n): its length, and its code point in *cp. A byte that starts no
 * well-formed sequence is read as one character no key holds (cp past U+10FFFF). */
static inline size_t next_char(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t l = ft_utf8_lead_length(p[0]);
    if (l == 0 || l > n || ft_utf8_sequence_length(p, l) != l) {
        *cp = 0x110000u + p[0];
        return 1;
    }
    return ft_utf8_decode(p, cp);
}

size_t ft_opencc_char_length(const unsigned char *p, size_t n)
{
    uint32_t cp;
    return next_char(p, n, &cp);
}

/* Adds key -> value; a key met again keeps its first value (OpenCC's dictionaries hold each
 * key once). Returns 0, or -1 if out of memory. */
static int add_entry(ft_opencc_dict *d, const unsigned char *key, size_t klen, const char *value,
                     size_t vlen)
{
    uint32_t node = 0;
    for (size_t i = 0; i < klen;) {
        uint32_t cp;
        i += next_char(key + i, klen - i, &cp);
        if (!(node = add_child(d, node, cp)))
            return -1;
    }
    if (d->nodes[node].value != NO_VALUE)
        return 0;
    memcpy(d->values + d->values_len, value, vlen);
    d->nodes[node] = (trie_node){(uint32_t)d->values_len, (uint32_t)vlen};
    d->values_len += vlen;
    return 0;
}

char *ft_opencc_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ft_buf b = {0};
    struct stat st;
    size_t n;
    size_t first = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 1;
    int failed = ft_buf_reserve(&b, first); /* the file in one read, usually */
    while (!failed && !(failed = b.cap - b.len < 2 && ft_buf_reserve(&b, 1 << 16)) &&
           (n = fread(b.data + b.len, 1, b.cap - b.len - 1, f)) > 0)
        b.len += n;
    int saved = ferror(f) ? errno : 0;
    failed = failed || saved || ft_buf_putc(&b, '\0');
    fclose(f);
    if (failed) {
        ft_buf_free(&b);
        errno = saved ? saved : ENOMEM;
        return NULL;
    }
    *len = b.len - 1;
    return b.data;
}

static size_t power_of_two_at_least(size_t n)
{
    size_t p = 1024;
    while (p < n)
        p *= 2;
    return p;
}

/* Counts what the text of a dictionary needs (characters of the keys: at most one node and
 * one edge each; bytes of the candidates) and allocates it all. Returns 0, or -1. */
static int size_tables(ft_opencc_dict *d, const char *text, size_t len)
{
    size_t key_chars = 0, value_bytes = 0;
    for (const char *line = text, *end = text + len; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        const char *tab = memchr(line, '\t', (size_t)(stop - line));
        const unsigned char *key = (const unsigned char *)line;
        for (size_t at = 0, klen = (size_t)((tab ? tab : stop) - line); at < klen; key_chars++)
            at += ft_opencc_char_length(key + at, klen - at); /* (as add_entry reads them) */
        value_bytes += tab ? (size_t)(stop - tab) : 0;
        line = nl ? nl + 1 : end;
    }
    if (key_chars >= UINT32_MAX - 1 || value_bytes >= UINT32_MAX)
        return -1;
    d->node_cap = key_chars + 1;
    d->values_cap = value_bytes;
    if (!(d->root_bmp = ft_table_alloc(BMP_SPAN * sizeof *d->root_bmp)) ||
        !(d->nodes = ft_table_alloc(d->node_cap * sizeof *d->nodes)) ||
        !(d->values = malloc(value_bytes + 1)) ||
        rehash_edges(d, power_of_two_at_least(key_chars)))
        return -1;
    new_node(d); /* the root, node 0 */
    return 0;
}

/* Parses the text of a dictionary into d. Returns 0, or -1 with a message in err. */
static int parse_entries(ft_opencc_dict *d, const char *text, size_t len, const char *path, char *err,
                         size_t errlen)
{
    size_t lineno = 0;
    for (const char *line = text, *end = text + len; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        lineno++;
        if (stop > line && stop[-1] == '\r')
            stop--;
        if (stop == line) { /* an empty line */
            line = next;
            continue;
        }
        const char *tab = memchr(line, '\t', (size_t)(stop - line));
        if (!tab || tab == line) {
            snprintf(err, errlen, "%s:%zu: not a dictionary entry (key, tab, candidates)", path,
                     lineno);
            return -1;
        }
        const char *value = tab + 1;
        const char *space = memchr(value, ' ', (size_t)(stop - value));
        const char *value_end = space ? space : stop;
        if (add_entry(d, (const unsigned char *)line, (size_t)(tab - line), value,
                      (size_t)(value_end - value))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        line = next;
    }
    return 0;
}

ft_opencc_dict *ft_opencc_dict_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = ft_opencc_read_file(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    ft_opencc_dict *d = calloc(1, sizeof *d);
    if (!d || size_tables(d, text, len)) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(text);
        ft_opencc_dict_free(d);
        return NULL;
    }
    int rc = parse_entries(d, text, len, path, err, errlen);
    free(text);
    if (rc) {
        ft_opencc_dict_free(d);
        return NULL;
    }
    return d;
}

void ft_opencc_dict_free(ft_opencc_dict *d)
{
    if (!d)
        return;
    ft_table_free(d->root_bmp, BMP_SPAN * sizeof *d->root_bmp);
    if (d->edges)
        ft_table_free(d->edges, (d->edge_mask + 1) * sizeof *d->edges);
    ft_table_free(d->nodes, d->node_cap * sizeof *d->nodes);
    free(d->values);
    free(d);
}

size_t ft_opencc_dict_match(const ft_opencc_dict *d, const unsigned char *p, size_t n, const char **value,
                        size_t *value_len)
{
    size_t best = 0, at = 0;
    uint32_t node = 0, best_node = 0;
    while (at < n) {
        uint32_t cp;
        size_t l = next_char(p + at, n - at, &cp);
        if (!(node = child_of(d, node, cp)))
            break;
        at += l;
        if (d->nodes[node].value != NO_VALUE) {
            best = at;
            best_node = node;
        }
    }
    if (best) {
        *value = d->values + d->nodes[best_node].value;
        *value_len = d->nodes[best_node].value_len;
    }
    return best;
}
