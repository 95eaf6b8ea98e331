/* opencc_dict.c — one OpenCC dictionary, read from OpenCC's text format (one entry a line:
 * "key<TAB>candidate candidate ...", the form fixtext's data is committed in), and its longest
 * prefix match, the one question OpenCC's segmentation and conversions ask of a dictionary.
 *
 * The keys are held as a trie of code points: the root's children for the Basic Multilingual
 * Plane in a direct array (the first step of every match, taken at every character of the
 * text), every other edge in one open-addressing hash table keyed by (parent node, code point).
 * A match walks the trie along the text and stops at the first missing edge, so a character no
 * key starts with costs one array read. The trie is built from the text, or mapped from the
 * compiled form the build writes beside it (X.fxt, below). Read-only once loaded: workers share
 * a dictionary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "opencc_engine.h"

#define BMP_SPAN 0x10000u
#define NO_VALUE UINT32_MAX

typedef struct trie_edge {
    uint32_t parent, cp;
    uint32_t child; /* 0: an empty slot (node 0 is the root, never a child) */
} trie_edge;

/* Each node keeps a 64-bit filter of its children's code points (one bit each, by hash): most
 * steps of a match ask for a child that does not exist, and the filter, in the node already
 * read, answers most of them without reading the edge table (a cache miss each: the probes were
 * about half of the match time; s2t on the Simplified corpus went from 0.180 to 0.163 s). 0: no
 * child, the match stops here. */
typedef struct trie_node {
    uint64_t child_filter;
    uint32_t value;     /* offset of the key's default candidate in values, or NO_VALUE */
    uint16_t value_len;
    uint16_t unused;
} trie_node;

static inline uint64_t filter_bit(uint32_t cp)
{
    return (uint64_t)1 << ((cp * 0x9E3779B1u) >> 26);
}

/* Longest candidate a dictionary may hold (OpenCC's are words: under 100 bytes). */
#define VALUE_MAX 0xFFFFu

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
    char *map;            /* the compiled form mapped (all of the above point into it), or NULL */
    size_t map_len;
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
    if (!(d->nodes[node].child_filter & filter_bit(cp)))
        return 0;
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
    d->nodes[d->nnodes] = (trie_node){0, NO_VALUE, 0, 0};
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
    d->nodes[node].child_filter |= filter_bit(cp);
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
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    /* The common case: a three-byte sequence whose lead byte allows any continuation (E1..EC,
     * EE, EF: the CJK blocks); the rest is checked in full. */
    if (n >= 3 && (p[0] - 0xE1u < 12 || p[0] >= 0xEE) && p[0] <= 0xEF &&
        ft_utf8_is_continuation(p[1]) && ft_utf8_is_continuation(p[2])) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
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
    d->nodes[node].value = (uint32_t)d->values_len;
    d->nodes[node].value_len = (uint16_t)vlen;
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
    return ft_buf_release(&b); /* (NULL when out of memory: errno ENOMEM) */
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
        if (value_end - value > (long)VALUE_MAX) {
            snprintf(err, errlen, "%s:%zu: candidate longer than %u bytes", path, lineno,
                     VALUE_MAX);
            return -1;
        }
        if (add_entry(d, (const unsigned char *)line, (size_t)(tab - line), value,
                      (size_t)(value_end - value))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        line = next;
    }
    return 0;
}

/* Builds the dictionary from its text (len bytes). NULL with err. */
static ft_opencc_dict *build_from_text(const char *text, size_t len, const char *path, char *err,
                                       size_t errlen)
{
    ft_opencc_dict *d = calloc(1, sizeof *d);
    if (!d || size_tables(d, text, len)) {
        snprintf(err, errlen, "%s: out of memory", path);
        ft_opencc_dict_free(d);
        return NULL;
    }
    if (parse_entries(d, text, len, path, err, errlen)) {
        ft_opencc_dict_free(d);
        return NULL;
    }
    return d;
}

/* ---- the compiled form: the tables above written to a file at build time and mapped ----
 * Building s2t's phrase trie from its text takes about 20 ms, every run and before the first
 * line; mapping the built one takes well under one. The file starts with a header naming its
 * layout and the text it was built from (length and hash): a file built from other text, or
 * on a machine of another word order, is passed over and the text read instead. */

#define TRIE_MAGIC "FXOCCTRI"
#define TRIE_VERSION 3u
#define TRIE_BYTE_ORDER 0x01020304u

typedef struct trie_header {
    char magic[8];
    uint32_t version, byte_order;
    uint64_t text_len, text_hash;
    uint64_t edge_cap, nedges, nnodes, values_len;
} trie_header;

/* A 64-bit hash of the text (four interleaved FNV-1a lanes over 8-byte words: the check runs
 * on every load, so it must cost far less than the build it saves). */
static uint64_t text_hash(const char *p, size_t n)
{
    const uint64_t prime = 0x100000001B3u;
    uint64_t lane[4] = {0xCBF29CE484222325u, 1, 2, 3};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            lane[k] = (lane[k] ^ w) * prime;
        }
    for (; i < n; i++)
        lane[0] = (lane[0] ^ (unsigned char)p[i]) * prime;
    return (lane[0] ^ lane[1] * 3 ^ lane[2] * 5 ^ lane[3] * 7) * prime ^ n;
}

/* The compiled form's file name for the text's path: X.txt -> X.fxt. 0, or -1 when it has none. */
static int trie_path(const char *text_path, char *out, size_t size)
{
    size_t n = strlen(text_path);
    if (n < 4 || strcmp(text_path + n - 4, ".txt") != 0 || n + 1 > size)
        return -1;
    memcpy(out, text_path, n - 4);
    memcpy(out + n - 4, ".fxt", 5);
    return 0;
}

/* The dictionary as mapped from its compiled form, if there is one built from this text. */
static ft_opencc_dict *map_trie(const char *text_path, const char *text, size_t len)
{
    char path[4096];
    if (trie_path(text_path, path, sizeof path))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    trie_header h;
    int ok = fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof h &&
             pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
             memcmp(h.magic, TRIE_MAGIC, 8) == 0 && h.version == TRIE_VERSION &&
             h.byte_order == TRIE_BYTE_ORDER && h.text_len == len &&
             h.text_hash == text_hash(text, len) && h.edge_cap && !(h.edge_cap & (h.edge_cap - 1)) &&
             h.nnodes && h.edge_cap < UINT32_MAX && h.nnodes < UINT32_MAX &&
             h.values_len < UINT32_MAX &&
             (uint64_t)st.st_size == sizeof h + BMP_SPAN * sizeof(uint32_t) +
                                         h.edge_cap * sizeof(trie_edge) +
                                         h.nnodes * sizeof(trie_node) + h.values_len;
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    char *map = ok ? mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0) : MAP_FAILED;
    close(fd);
    ft_opencc_dict *d = map != MAP_FAILED ? calloc(1, sizeof *d) : NULL;
    if (!d) {
        if (map != MAP_FAILED)
            munmap(map, (size_t)st.st_size);
        return NULL;
    }
    d->map = map;
    d->map_len = (size_t)st.st_size;
    d->root_bmp = (uint32_t *)(map + sizeof h);
    d->edges = (trie_edge *)(d->root_bmp + BMP_SPAN);
    d->edge_mask = h.edge_cap - 1;
    d->nedges = h.nedges;
    d->nodes = (trie_node *)(d->edges + h.edge_cap);
    d->nnodes = d->node_cap = h.nnodes;
    d->values = (char *)(d->nodes + h.nnodes);
    d->values_len = d->values_cap = h.values_len;
    return d;
}

/* The text of a dictionary, mapped (it is only read, once: checked against the compiled form or
 * built from, so mapping costs no copy). NULL with errno; an empty file maps as "". */
static const char *map_text(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        *len = 0;
        return st.st_size == 0 ? "" : NULL;
    }
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void *text = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    if (text == MAP_FAILED)
        return NULL;
    *len = (size_t)st.st_size;
    return text;
}

ft_opencc_dict *ft_opencc_dict_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    const char *text = map_text(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    ft_opencc_dict *d = map_trie(path, text, len);
    if (!d)
        d = build_from_text(text, len, path, err, errlen);
    if (len)
        munmap((void *)text, len);
    return d;
}

/* Writes n bytes; 0, or -1 with errno. */
static int write_all(FILE *f, const void *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, f) == n ? 0 : -1;
}

int ft_opencc_dict_compile(const char *text_path, const char *out_path, char *err, size_t errlen)
{
    size_t len;
    char *text = ft_opencc_read_file(text_path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", text_path, strerror(errno));
        return -1;
    }
    ft_opencc_dict *d = build_from_text(text, len, text_path, err, errlen);
    if (!d) {
        free(text);
        return -1;
    }
    trie_header h = {TRIE_MAGIC, TRIE_VERSION, TRIE_BYTE_ORDER, len, text_hash(text, len),
                     d->edge_mask + 1, d->nedges, d->nnodes, d->values_len};
    free(text);
    FILE *f = fopen(out_path, "wb");
    int rc = !f || write_all(f, &h, sizeof h) ||
             write_all(f, d->root_bmp, BMP_SPAN * sizeof *d->root_bmp) ||
             write_all(f, d->edges, (d->edge_mask + 1) * sizeof *d->edges) ||
             write_all(f, d->nodes, d->nnodes * sizeof *d->nodes) ||
             write_all(f, d->values, d->values_len);
    if (f && fclose(f))
        rc = -1;
    if (rc)
        snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
    ft_opencc_dict_free(d);
    return rc ? -1 : 0;
}

void ft_opencc_dict_free(ft_opencc_dict *d)
{
    if (!d)
        return;
    if (d->map) {
        munmap(d->map, d->map_len);
        free(d);
        return;
    }
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
        if (!d->nodes[node].child_filter)
            break;
    }
    if (best) {
        *value = d->values + d->nodes[best_node].value;
        *value_len = d->nodes[best_node].value_len;
    }
    return best;
}
