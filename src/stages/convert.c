/* convert.c — Traditional <-> Simplified conversion with OpenCC's configurations and
 * dictionaries (opencc_engine.c), touching only text that is not already in the target script
 * (per worker: each converter holds its own buffers; the loaded configurations are shared).
 *
 * OpenCC converts whatever it is given, and damages text that is already converted: tw2s turns
 * 什么 into 什幺, 显著 into 显着. So this stage looks at the script marks of every character (table
 * generated from OpenCC's character dictionaries, tables/gen_script.py) before asking OpenCC:
 *   - "source" characters are those the conversion's character dictionary changes (发 后 for
 *     s2t, 發 乾 for t2s);
 *   - "target" characters belong to the target script alone (發 for s2t, 发 么 for t2s: not 后
 *     or 游, valid in both scripts, so that 游標 still becomes 光标 as tw2sp has it, nor 群, the
 *     Taiwan form too), and are never changed (a character with both marks counts as source).
 * A line is cut into chunks at punctuation, spaces and controls ("cut" characters, which no key
 * of OpenCC's dictionaries contains, so OpenCC's longest-match segmentation never crosses them and
 * converting the chunks one by one gives exactly what converting the line gives). Then:
 *   - no Han character: the line is left alone without calling OpenCC (cheap byte scan);
 *   - no target character: the line is purely in the source script (or shared characters only),
 *     and every chunk is converted, so the output is byte for byte OpenCC's;
 *   - target characters and no source character: the line is already converted; left alone;
 *   - both (a mixed line): chunks with source characters are converted; a chunk that also holds
 *     target characters is converted whole, as OpenCC segments it, with its target characters
 *     first read back into the source script (prepare), so that a phrase that mixes scripts
 *     converts as the phrase (数據庫 -> 資料庫 under s2twp). OpenCC's output is then kept at every
 *     position except those of target characters chosen on purpose (keeps: aligned position by
 *     position when OpenCC kept the length, else by a longest common subsequence); chunks of
 *     shared characters only are left alone, as the line's own script is in doubt.
 * A mixed chunk that is OpenCC's own output already (see skip_converted) is left alone too.
 * The chunks that need OpenCC are joined with '\n' (a cut character) and converted in one call.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"
#include "opencc_engine.h"
#include "script_table.h"

/* Where the data is looked for when no directory is named (meson sets all three). */
#ifndef FT_OPENCC_DATA_DEFAULT
#define FT_OPENCC_DATA_DEFAULT "/usr/local/share/fixtext/opencc"
#endif
#ifndef FT_OPENCC_DATA_UNINSTALLED
#define FT_OPENCC_DATA_UNINSTALLED ""
#endif
#ifndef FT_OPENCC_DATA_SYSTEM
#define FT_OPENCC_DATA_SYSTEM "/usr/share/opencc"
#endif

/* Longest chunk pair aligned by a longest common subsequence (cells of the DP table). */
#define LCS_MAX_CELLS (1u << 18)

/* A run of text between cut characters. */
typedef struct chunk {
    size_t start, end;  /* bytes of the line */
    unsigned source;    /* source-script characters in it */
    unsigned target;    /* target-script characters in it */
    unsigned han;       /* Han characters in it */
    unsigned regional;  /* regional forms that count as source or target (see configs) */
    int selected;       /* converted by OpenCC in this line */
    int prepared;       /* OpenCC converts c->prepared[pstart, pstart + plen) instead */
    size_t pstart, plen;
    size_t run0, nrun;  /* a split chunk's key runs: c->runs[run0, run0 + nrun) */
} chunk;

/* A run of key characters of a split chunk (see split): converted by OpenCC in this line, or
 * found in the cache (its conversion copied to c->hits at hit). */
typedef struct key_run {
    size_t start, end;  /* bytes of the line */
    long hit;           /* offset in c->hits, or -1: sent to OpenCC */
    size_t hlen;
} key_run;

/* What OpenCC made of short runs of key characters: converting one is a function of its text
 * alone (nothing outside a run takes part in a match), and in real text short runs come back
 * again and again (t2s: 這個, 檔案). One entry per hash value, the newest wins; per worker. */
#define CACHE_SLOTS 4096
#define CACHE_KEY 30
#define CACHE_VALUE 60
typedef struct cache_entry {
    uint8_t klen, vlen;  /* klen 0: empty */
    char key[CACHE_KEY];
    char value[CACHE_VALUE];
} cache_entry;

typedef struct ft_converter {
    ft_opencc *od;
    ft_opencc *reverse; /* the configuration converting back; opened on first use */
    char reverse_path[4096]; /* "" when there is none */
    char name[64];      /* configuration name for --explain ("t2s") */
    unsigned source_mask, target_mask; /* script_table.h flags; both 0: no protection known */
    unsigned roundtrip_mask;  /* target characters a phrase may change (FT_TRT/FT_SRT; 0: none) */
    int merging_prepared;     /* the chunk being merged was converted as prepared */
    unsigned key_mask;        /* FT_K_* of its dictionaries with fixtext's own data (split), else 0 */
    ft_opencc *norm;          /* fixtext's data: its normalize.json (see ft_convert_line) */
    int own_data;             /* the configuration is in fixtext's data directory */
    ft_opencc_scratch scratch; /* owned: the engine's buffers */
    ft_buf converted;         /* owned: what the engine made of c->joined */
    ft_buf back, again;       /* owned: reverse conversions (skip_converted, prepare_all) */
    ft_buf normalized;        /* owned: the line after normalize.json */
    unsigned regional_mask;   /* FT_TWS/FT_HKS: source or target as its chunk (see configs) */
    chunk *chunks;      /* owned; reused line after line */
    size_t chunk_cap;
    ft_buf joined;      /* owned: the chunks sent to OpenCC */
    ft_buf mixed;       /* owned: the mixed chunks checked for being converted already */
    ft_buf prepared;    /* owned: mixed chunks with their target characters converted back */
    uint32_t *cps;      /* owned: code points and byte offsets of a chunk pair being merged */
    size_t *offs;
    size_t cp_cap;
    uint16_t *dp;       /* owned: LCS table, dp_cap cells, reused chunk after chunk */
    size_t dp_cap;
    key_run *runs;      /* owned: this line's key runs */
    size_t nruns, runs_cap;
    ft_buf hits;        /* owned: the conversions of this line's cached runs */
    cache_entry *cache; /* owned: CACHE_SLOTS entries, allocated on first use */
} ft_converter;

/* ---- configuration names ---- */

typedef struct config_info {
    const char *name;
    unsigned source, target;
    const char *reverse;           /* the configuration converting back */
    unsigned roundtrip;            /* see ft_converter.roundtrip_mask */
    unsigned regional;             /* see ft_converter.regional_mask */
    unsigned keys;                 /* FT_K_*: the dictionaries it uses (ft_converter.key_mask) */
} config_info;

/* A regional form that is also a Simplified-only form (么 is Taiwan's 幺 too) counts as a source
 * character in a chunk that holds other source characters (t2s and tw2s convert the phrase 么麼小丑
 * to 幺麽小丑), and as a target one elsewhere (the 么 of a Simplified 怎么 stays). */
static const config_info configs[] = {
    {"t2s", FT_TC, FT_SO, "s2t", FT_SRT, FT_TWS | FT_HKS,
     FT_K_TS},
    {"tw2s", FT_TC, FT_SO, "s2tw", FT_SRT, FT_TWS,
     FT_K_TS | FT_K_TWVR},
    {"tw2sp", FT_TC, FT_SO, "s2twp", FT_SRT, FT_TWS,
     FT_K_TS | FT_K_TWVR | FT_K_TWPR},
    {"hk2s", FT_TC, FT_SO, "s2hk", FT_SRT, FT_HKS,
     FT_K_TS | FT_K_HKVR},
    {"hk2sp", FT_TC, FT_SO, "s2hkp", FT_SRT, FT_HKS,
     FT_K_TS | FT_K_HKVR | FT_K_HKPR},
    {"s2t", FT_SC, FT_TO, "t2s", FT_TRT, 0,
     FT_K_ST},
    {"s2tw", FT_SC, FT_TO, "tw2s", FT_TRT, 0,
     FT_K_ST | FT_K_TWV},
    {"s2twp", FT_SC, FT_TO, "tw2sp", FT_TRT, 0,
     FT_K_ST | FT_K_TWV | FT_K_TWP},
    {"s2hk", FT_SC, FT_TO, "hk2s", FT_TRT, 0,
     FT_K_ST | FT_K_HKV},
    {"s2hkp", FT_SC, FT_TO, "hk2sp", FT_TRT, 0,
     FT_K_ST | FT_K_HKV | FT_K_HKP},
    {"t2tw", FT_TWK, FT_TWV, "tw2t", 0, 0,
     FT_K_TWV},
    {"tw2t", FT_TWV, FT_TWK, "t2tw", 0, 0,
     FT_K_TWVR},
    {"t2hk", FT_HKK, FT_HKV, "hk2t", 0, 0,
     FT_K_HKV},
    {"hk2t", FT_HKV, FT_HKK, "t2hk", 0, 0,
     FT_K_HKVR},
    {"t2jp", FT_JPK, FT_JPV, "jp2t", 0, 0,
     FT_K_JPR},
    {"jp2t", FT_JPV, FT_JPK, "t2jp", 0, 0,
     FT_K_JP},
};

/* Friendly targets accepted by --to, beside the configuration names themselves. */
static const struct {
    const char *alias, *config;
} aliases[] = {
    {"simplified", "t2s"},      {"traditional", "s2t"},       {"taiwan", "s2tw"},
    {"hongkong", "s2hk"},       {"hong-kong", "s2hk"},        {"taiwan-phrases", "s2twp"},
    {"zh-hans", "t2s"},         {"zh-cn", "t2s"},             {"zh-hant", "s2t"},
    {"zh-tw", "s2tw"},          {"zh-hk", "s2hk"},            {"japanese", "t2jp"},
    {"simplified-from-taiwan", "tw2s"}, {"simplified-from-taiwan-phrases", "tw2sp"},
    {"simplified-from-hongkong", "hk2s"}, {"hongkong-phrases", "s2hkp"},
    {"simplified-from-hongkong-phrases", "hk2sp"},
};

static const config_info *find_config(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
        if (strlen(configs[i].name) == len && strncasecmp(configs[i].name, name, len) == 0)
            return &configs[i];
    return NULL;
}

/* Maps --to's value to a configuration name; NULL if unknown. */
static const config_info *resolve_target(const char *to)
{
    size_t len = strlen(to);
    if (len > 5 && strcasecmp(to + len - 5, ".json") == 0)
        len -= 5;
    const config_info *ci = find_config(to, len);
    if (ci)
        return ci;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(aliases[i].alias, to) == 0)
            return find_config(aliases[i].config, strlen(aliases[i].config));
    return NULL;
}

/* For a configuration file of unknown name: guess the direction from the dictionaries it uses. */
static void guess_masks(const char *path, unsigned *source, unsigned *target)
{
    *source = *target = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    int ts = strstr(buf, "TSCharacters") != NULL, st = strstr(buf, "STCharacters") != NULL;
    if (ts && !st)
        *source = FT_TC, *target = FT_SO;
    else if (st && !ts)
        *source = FT_SC, *target = FT_TO;
}

/* Every name --to accepts, for the message that lists them. */
static void list_targets(char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0] && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s, ", aliases[i].alias);
    for (size_t i = 0; i < sizeof configs / sizeof configs[0] && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", configs[i].name,
                                 i + 1 < sizeof configs / sizeof configs[0] ? ", " : "");
}

/* Writes dir/name.json to path; 0, or -1 when it does not fit. */
static int config_path(char *path, size_t size, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    return snprintf(path, size, "%.*s/%s.json", (int)dl, dir, name) < (int)size ? 0 : -1;
}

/* The configuration file for ci. A directory the user names (--opencc-data, then
 * $FIXTEXT_OPENCC_DATA) is the only place looked at; otherwise the first of: the data fixtext
 * installs (OpenCC 1.4's, tables/opencc), the build tree's copy of it (uninstalled use), and
 * Debian's libopencc-data, that holds this configuration. Returns 0, or -1 with a message. */
static int find_config_file(const fixtext_options *o, const config_info *ci, char *path,
                            size_t size, char *err, size_t errlen)
{
    const char *dir = o->opencc_data_dir;
    if (!dir || !*dir)
        dir = getenv("FIXTEXT_OPENCC_DATA");
    if (dir && *dir) {
        if (config_path(path, size, dir, ci->name) == 0)
            return 0;
        snprintf(err, errlen, "OpenCC data directory path too long: %s", dir);
        return -1;
    }
    static const char *const defaults[] = {FT_OPENCC_DATA_DEFAULT, FT_OPENCC_DATA_UNINSTALLED,
                                           FT_OPENCC_DATA_SYSTEM};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i][0] && config_path(path, size, defaults[i], ci->name) == 0 &&
            access(path, R_OK) == 0)
            return 0;
    snprintf(err, errlen, "OpenCC configuration %s.json is in none of %s, %s, %s (give the "
             "directory with --opencc-data)", ci->name, FT_OPENCC_DATA_DEFAULT,
             FT_OPENCC_DATA_UNINSTALLED, FT_OPENCC_DATA_SYSTEM);
    return -1;
}

/* Resolves the options to a configuration file; *ci is NULL for a file of unknown name. */
static int resolve_config(const fixtext_options *o, const config_info **ci, char *path,
                          size_t size, char *err, size_t errlen)
{
    if (o->opencc_config) {
        if (snprintf(path, size, "%s", o->opencc_config) >= (int)size) {
            snprintf(err, errlen, "OpenCC configuration path too long: %s", o->opencc_config);
            return -1;
        }
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t blen = strlen(base);
        if (blen > 5 && strcmp(base + blen - 5, ".json") == 0)
            blen -= 5;
        *ci = find_config(base, blen);
        return 0;
    }
    if (!o->convert_to || !(*ci = resolve_target(o->convert_to))) {
        char names[1024];
        list_targets(names, sizeof names);
        snprintf(err, errlen, "unknown conversion target '%s' (valid: %s)",
                 o->convert_to ? o->convert_to : "", names);
        return -1;
    }
    return find_config_file(o, *ci, path, size, err, errlen);
}

/* 1 when the directory of the configuration path holds fixtext's own data, the data the script
 * table's key flags were generated from (its DATA_ID file names it). */
static int own_data(const char *path)
{
    char id_path[4096], id[512];
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    if (snprintf(id_path, sizeof id_path, "%.*sDATA_ID", dirlen, path) >= (int)sizeof id_path)
        return 0;
    FILE *f = fopen(id_path, "r");
    if (!f)
        return 0;
    size_t n = fread(id, 1, sizeof id - 1, f);
    fclose(f);
    while (n > 0 && (id[n - 1] == '\n' || id[n - 1] == '\r'))
        n--;
    id[n] = '\0';
    return FT_SCRIPT_DATA_ID[0] && strcmp(id, FT_SCRIPT_DATA_ID) == 0;
}

/* With fixtext's own data, OpenCC 1.4's normalization (its configurations leave it out: see
 * tables/gen_opencc_data.py). Another data directory has none; NULL then. */
static void open_normalization(ft_converter *c, const char *path)
{
    char norm[4096];
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    char err[256];
    if (!c->own_data ||
        snprintf(norm, sizeof norm, "%.*snormalize.json", dirlen, path) >= (int)sizeof norm ||
        access(norm, R_OK) != 0)
        return;
    c->norm = ft_opencc_open(norm, 1, err, sizeof err); /* (NULL: no normalization) */
}

/* What the converter knows of its configuration: the reverse beside it, the script masks. */
static void describe(ft_converter *c, const config_info *ci, const char *path)
{
    if (ci) {
        /* The reverse configuration sits beside this one (same data directory). */
        const char *slash = strrchr(path, '/');
        int dirlen = slash ? (int)(slash - path + 1) : 0;
        c->key_mask = c->own_data ? ci->keys : 0;
        open_normalization(c, path);
        if (snprintf(c->reverse_path, sizeof c->reverse_path, "%.*s%s.json", dirlen, path,
                     ci->reverse) >= (int)sizeof c->reverse_path ||
            access(c->reverse_path, R_OK) != 0)
            c->reverse_path[0] = '\0';
        c->source_mask = ci->source;
        c->target_mask = ci->target;
        c->roundtrip_mask = ci->roundtrip;
        c->regional_mask = ci->regional;
        snprintf(c->name, sizeof c->name, "%s", ci->name);
    } else {
        guess_masks(path, &c->source_mask, &c->target_mask);
        const char *base = strrchr(path, '/');
        snprintf(c->name, sizeof c->name, "%.63s", base ? base + 1 : path);
    }
}

void *ft_converter_new(const fixtext_options *o, char *err, size_t errlen)
{
    char path[4096];
    const config_info *ci = NULL;
    if (resolve_config(o, &ci, path, sizeof path, err, errlen))
        return NULL;
    const char *shown = o->opencc_config ? o->opencc_config : path; /* for the messages */

    /* OpenCC looks a missing file up in its own data directory too; say plainly that it is not
     * where the user pointed. */
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "OpenCC configuration %s: %s", shown, strerror(errno));
        return NULL;
    }
    ft_converter *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char why[512];
    c->own_data = own_data(path);
    if (!(c->od = ft_opencc_open(path, c->own_data, why, sizeof why))) {
        snprintf(err, errlen, "cannot load OpenCC configuration %s: %s", shown, why);
        free(c);
        return NULL;
    }
    describe(c, ci, path);
    return c;
}

void ft_converter_free(void *state)
{
    ft_converter *c = state;
    if (!c)
        return;
    ft_opencc_close(c->od);
    ft_opencc_close(c->reverse);
    ft_opencc_close(c->norm);
    ft_opencc_scratch_free(&c->scratch);
    ft_buf_free(&c->converted);
    ft_buf_free(&c->back);
    ft_buf_free(&c->again);
    ft_buf_free(&c->normalized);
    ft_buf_free(&c->mixed);
    ft_buf_free(&c->prepared);
    free(c->chunks);
    ft_buf_free(&c->joined);
    free(c->cps);
    free(c->offs);
    free(c->dp);
    free(c->runs);
    ft_buf_free(&c->hits);
    free(c->cache);
    free(c);
}

/* ---- scanning ---- */

/* Characters that end a chunk: controls, spaces and separators, punctuation, the symbols of
 * ASCII and Latin-1 and those of CJK punctuation (〒 ＋ ＝ ～ ￥) and its vertical and small
 * forms, U+FFFD. OpenCC's dictionary keys
 * hold Han characters and a few letters (SQL注入, U盤), 〇 and ．, never these; · (U+00B7) and
 * ‧ (U+2027), used inside transcribed names, are kept inside chunks in case a dictionary spells a
 * name with them, and ．(U+FF0E) with them. */
static inline int is_cut(uint32_t cp)
{
    if (cp < 0x80) /* (the table says the same, without the look-up) */
        return !((cp | 0x20) - 'a' < 26 || cp - '0' < 10);
    if (cp == 0xB7 || cp == 0x2027 || cp == 0xFF0E)
        return 0;
    const ft_char_class *c = ft_cc_record(cp);
    if (c->flags & (FT_CC_CONTROL | FT_CC_FORMAT | FT_CC_SPACE | FT_CC_PUNCT | FT_CC_CJK_PUNCT |
                    FT_CC_CJK_COMPAT_FORM))
        return 1;
    return ((c->flags & FT_CC_SYMBOL) && cp < 0x100) || c->category == FT_GC_ZL ||
           c->category == FT_GC_ZP || cp == FT_REPLACEMENT;
}

static int push_chunk(ft_converter *c, size_t *n, const chunk *k)
{
    if (ft_room_for_one((void **)&c->chunks, *n, &c->chunk_cap, sizeof *c->chunks))
        return -1;
    c->chunks[(*n)++] = *k;
    return 0;
}

/* Ends chunk k at end and keeps it if it holds Han text; its regional characters join the source
 * ones when there are any (see configs). Returns 0, or -1 if out of memory. */
static int close_chunk(ft_converter *c, size_t *n, chunk *k, size_t end)
{
    k->end = end;
    if (k->source)
        k->source += k->regional;
    else
        k->target += k->regional;
    return k->han ? push_chunk(c, n, k) : 0;
}

static int push_run(ft_converter *c, const key_run *r)
{
    if (ft_room_for_one((void **)&c->runs, c->nruns, &c->runs_cap, sizeof *c->runs))
        return -1;
    c->runs[c->nruns++] = *r;
    return 0;
}

/* Counts one character of chunk k: Han, and its script marks. */
static inline void count_char(const ft_converter *c, chunk *k, unsigned f, int han)
{
    k->han += han;
    if (f & c->source_mask)
        k->source++;
    else if (f & c->regional_mask)
        k->regional++;
    else if (f & c->target_mask)
        k->target++;
}

/* Notes the key run [start, end) of the chunk being scanned (see split); -1 if out of memory. */
static int note_run(ft_converter *c, size_t start, size_t end)
{
    key_run r = {start, end, -1, 0};
    return push_run(c, &r);
}

/* Operands an ideographic description character takes (0: not one), as OpenCC 1.4 counts them. */
static size_t ids_arity(uint32_t cp)
{
    if (cp == 0x2FF2 || cp == 0x2FF3)
        return 3;
    if (cp == 0x2FFE || cp == 0x2FFF)
        return 1;
    return cp - 0x2FF0u < 0x10u ? 2 : 0;
}

/* Parses the description at p (an operand: one character, or a description character and its
 * operands); 1 and *used when complete within depth levels and 64 characters in all. */
static int ids_parse(const unsigned char *p, size_t len, int depth, unsigned *count, size_t *used)
{
    if (len == 0 || depth == 0 || *count >= 64)
        return 0;
    uint32_t cp;
    size_t off = ft_utf8_decode(p, &cp);
    ++*count;
    for (size_t a = ids_arity(cp); a > 0; a--) {
        size_t u;
        if (off >= len || !ids_parse(p + off, len - off, depth - 1, count, &u))
            return 0;
        off += u;
    }
    *used = off;
    return 1;
}

/* OpenCC 1.4 copies an ideographic description sequence (⿰氵發) as it is, converting none of
 * its characters: the length of the one at p, 0 if p starts none. */
static size_t ids_length(const unsigned char *p, size_t len)
{
    unsigned count = 0;
    size_t used = 0;
    return ids_parse(p, len, 16, &count, &used) && used > 3 ? used : 0;
}

/* Cuts the line into chunks and counts their marks; with a key mask, notes each chunk's runs of
 * key characters too (c->runs, for split). Returns the number of chunks, or -1. */
static long scan_chunks(ft_converter *c, const unsigned char *p, size_t len)
{
    size_t n = 0, i = 0, run = SIZE_MAX; /* run: where the open key run starts */
    chunk k = {0};
    int open = 0;
    c->nruns = 0;
    while (i < len) {
        uint32_t cp;
        size_t start = i;
        i += ft_utf8_decode(p + i, &cp);
        /* The common case first: CJK Unified Ideographs are Han and never cut a chunk. */
        int han = cp - 0x4E00u < 0x5200u, cut = !han && is_cut(cp);
        unsigned f = cp >= 0x3000 || c->key_mask ? ft_script_flags(cp) : 0;
        size_t ids = c->key_mask && cp - 0x2FF0u < 0x10u ? ids_length(p + start, len - start) : 0;
        if (ids) /* (kept out of the key runs: OpenCC never sees it) */
            i = start + ids;
        if (run != SIZE_MAX && (cut || !(f & c->key_mask))) {
            if (note_run(c, run, start))
                return -1;
            run = SIZE_MAX;
        }
        if (cut) {
            k.nrun = c->nruns - k.run0;
            if (open && close_chunk(c, &n, &k, start))
                return -1;
            open = 0;
            continue;
        }
        if (!open) {
            memset(&k, 0, sizeof k);
            k.start = start;
            k.run0 = c->nruns;
            open = 1;
        }
        if (run == SIZE_MAX && (f & c->key_mask))
            run = start;
        if (cp >= 0x3000)
            count_char(c, &k, f, han || ft_is_han(cp));
    }
    if (run != SIZE_MAX && note_run(c, run, len))
        return -1;
    k.nrun = c->nruns - k.run0;
    if (open && close_chunk(c, &n, &k, len))
        return -1;
    return (long)n;
}

/* ---- merging OpenCC's output into a chunk that holds target-script characters ---- */

/* Decodes in (n bytes) into c->cps/c->offs from index at; returns the count or -1. */
static long decode_into(ft_converter *c, size_t at, const char *in, size_t n)
{
    size_t need = at + n + 1;
    if (need > c->cp_cap) {
        size_t cap = need * 2;
        uint32_t *cps = realloc(c->cps, cap * sizeof *cps);
        if (!cps)
            return -1;
        c->cps = cps;
        size_t *offs = realloc(c->offs, cap * sizeof *offs);
        if (!offs)
            return -1;
        c->offs = offs;
        c->cp_cap = cap;
    }
    size_t k = at, i = 0;
    while (i < n) {
        c->offs[k] = i;
        i += ft_utf8_decode((const unsigned char *)in + i, &c->cps[k]);
        k++;
    }
    c->offs[k] = n;
    return (long)(k - at);
}

static inline int is_target(const ft_converter *c, uint32_t cp)
{
    unsigned f = ft_script_flags(cp);
    return (f & c->target_mask) && !(f & c->source_mask);
}

/* Whether the target character cp of the chunk being merged stays as it was. In a chunk that was
 * converted as prepared (its target characters read back into the source script first, so that
 * OpenCC saw the whole phrase), a target character that is simply the conversion of its own
 * reading (數, the 數 of 数) takes what the phrase made of it (数据库 -> 資料庫, so 數据库 ->
 * 資料庫, not 數料庫); one chosen on purpose (遊, 髮: no round trip) stays. */
static inline int keeps(const ft_converter *c, uint32_t cp)
{
    if (!is_target(c, cp))
        return 0;
    return !c->merging_prepared || !(ft_script_flags(cp) & c->roundtrip_mask);
}

/* Appends the hunk src[a,b) -> dst[d,e) (code point indexes) to out: position by position when
 * the lengths agree, keeping target characters (see keeps); otherwise dst as a whole, unless
 * every source character of the hunk is kept. */
static int emit_hunk(ft_converter *c, const char *src, const char *dst, size_t a, size_t b,
                     size_t d, size_t e, size_t dbase, ft_buf *out)
{
    const uint32_t *cps = c->cps;
    const size_t *offs = c->offs;
    if (b - a == e - d) {
        for (size_t i = a, j = d; i < b; i++, j++) {
            int keep = keeps(c, cps[i]);
            const char *from = keep ? src + offs[i] : dst + offs[dbase + j];
            size_t len = keep ? offs[i + 1] - offs[i] : offs[dbase + j + 1] - offs[dbase + j];
            if (ft_buf_append(out, from, len))
                return -1;
        }
        return 0;
    }
    int all_target = b > a;
    for (size_t i = a; i < b && all_target; i++)
        all_target = keeps(c, cps[i]);
    if (all_target)
        return ft_buf_append(out, src + offs[a], offs[b] - offs[a]);
    return ft_buf_append(out, dst + offs[dbase + d], offs[dbase + e] - offs[dbase + d]);
}

/* Appends the merge of chunk src (OpenCC gave dst for it) to out. */
static int merge_chunk(ft_converter *c, const char *src, size_t slen, const char *dst, size_t dlen,
                       ft_buf *out)
{
    long n = decode_into(c, 0, src, slen);
    if (n < 0)
        return -1;
    long m = decode_into(c, (size_t)n + 1, dst, dlen);
    if (m < 0)
        return -1;
    size_t dbase = (size_t)n + 1; /* dst's code points start there (offs[n] ends src) */
    size_t w = (size_t)m + 1, cells = (size_t)(n + 1) * w;
    if (n == m || cells > LCS_MAX_CELLS) /* position by position, or too long to align */
        return emit_hunk(c, src, dst, 0, (size_t)n, 0, (size_t)m, dbase, out);

    /* dp[i][j]: LCS length of src[i..] and dst[j..]. */
    if (cells > c->dp_cap) {
        uint16_t *grown = realloc(c->dp, cells * sizeof *grown);
        if (!grown)
            return -1;
        c->dp = grown;
        c->dp_cap = cells;
    }
    uint16_t *dp = c->dp;
    const uint32_t *s = c->cps, *t = c->cps + dbase;
    for (long i = n; i >= 0; i--)
        for (long j = m; j >= 0; j--) {
            uint16_t v;
            if (i == n || j == m)
                v = 0;
            else if (s[i] == t[j])
                v = (uint16_t)(dp[(i + 1) * w + j + 1] + 1);
            else {
                uint16_t x = dp[(i + 1) * w + j], y = dp[i * w + j + 1];
                v = x > y ? x : y;
            }
            dp[i * w + j] = v;
        }
    size_t i = 0, j = 0, a = 0, d = 0;
    while (i < (size_t)n && j < (size_t)m) {
        if (s[i] == t[j] && dp[i * w + j] == dp[(i + 1) * w + j + 1] + 1) {
            if (emit_hunk(c, src, dst, a, i, d, j, dbase, out) ||
                ft_buf_append(out, src + c->offs[i], c->offs[i + 1] - c->offs[i]))
                return -1;
            a = ++i;
            d = ++j;
        } else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) {
            i++;
        } else {
            j++;
        }
    }
    return emit_hunk(c, src, dst, a, (size_t)n, d, (size_t)m, dbase, out);
}

/* ---- the stage ---- */

/* Phrases: in a mixed chunk the target characters hide the phrase from OpenCC (s2t converts 頭发
 * character by character into 頭發, its phrase 头发 into 頭髮). So the chunk is converted with each
 * target character read back into the source script on its own (头发), and merge_chunk decides
 * which target characters stay (keeps). Each character is read back alone, not in its phrase:
 * the reverse of a whole chunk may turn a phrase into another word (s2twp: 拷贝 -> 複製), whose
 * characters do not stand for the ones they replace. *reading walks the reverse configuration's
 * output for the chunks' target characters, one a line. Returns 0, or -1 if out of memory. */
static int prepare(ft_converter *c, chunk *k, const char *src, size_t slen, const char **reading)
{
    long n = decode_into(c, 0, src, slen);
    if (n < 0)
        return -1;
    size_t start = c->prepared.len;
    for (long i = 0; i < n; i++) {
        const char *from = src + c->offs[i];
        size_t len = c->offs[i + 1] - c->offs[i];
        if (is_target(c, c->cps[i]) && *reading) {
            const char *nl = strchr(*reading, '\n');
            size_t rlen = nl ? (size_t)(nl - *reading) : strlen(*reading);
            if (rlen > 0 && ft_utf8_sequence_length((const unsigned char *)*reading, rlen) == rlen)
                from = *reading, len = rlen; /* one character: its reading */
            *reading = nl ? nl + 1 : NULL;
        }
        if (ft_buf_append(&c->prepared, from, len))
            return -1;
    }
    k->prepared = 1;
    k->pstart = start;
    k->plen = c->prepared.len - start;
    return 0;
}

/* Prepares every selected chunk that holds target characters: their target characters, one a
 * line, through the reverse configuration in one call. Returns 0, or -1 if out of memory. */
static int prepare_all(ft_converter *c, const char *in, long nchunks)
{
    ft_buf *chars = &c->mixed;
    ft_buf_clear(chars);
    ft_buf_clear(&c->prepared);
    for (long i = 0; i < nchunks; i++) {
        const chunk *k = &c->chunks[i];
        if (!k->selected || k->target == 0)
            continue;
        for (size_t j = k->start; j < k->end;) {
            uint32_t cp;
            size_t l = ft_utf8_decode((const unsigned char *)in + j, &cp);
            if (is_target(c, cp) && (ft_buf_append(chars, in + j, l) || ft_buf_putc(chars, '\n')))
                return -1;
            j += l;
        }
    }
    if (chars->len == 0)
        return 0;
    if (ft_opencc_convert(c->reverse, &c->scratch, chars->data, chars->len, &c->back))
        return -1;
    const char *reading = c->back.data;
    int rc = 0;
    for (long i = 0; i < nchunks && rc == 0; i++) {
        chunk *k = &c->chunks[i];
        if (k->selected && k->target > 0)
            rc = prepare(c, k, in + k->start, k->end - k->start, &reading);
    }
    return rc;
}

/* Idempotence: OpenCC keeps some source characters inside phrases (s2t turns 干预 into 干預 and
 * 里 stays in 公里; s2twp turns 光标 into 游標, 游 being a Simplified form), so its own output
 * can look mixed, and converting it again would damage it (干預 -> 幹預). A mixed chunk (or, with
 * neutral, any chunk) that the reverse configuration followed by this one gives back unchanged
 * is such an output: it is left alone. Deselects those chunks; returns 0, or -1 if out of
 * memory. */
static int skip_converted(ft_converter *c, const char *in, long nchunks, int neutral)
{
    if (!c->reverse_path[0])
        return 0;
    ft_buf *mixed = &c->mixed;
    ft_buf_clear(mixed);
    size_t n = 0;
    for (long i = 0; i < nchunks; i++) {
        const chunk *k = &c->chunks[i];
        if (!k->selected || (k->target == 0 && !neutral))
            continue;
        if ((n++ && ft_buf_putc(mixed, '\n')) || ft_buf_append(mixed, in + k->start, k->end - k->start))
            return -1;
    }
    if (n == 0)
        return 0;
    if (!c->reverse) {
        char err[256];
        if (!(c->reverse = ft_opencc_open(c->reverse_path, c->own_data, err, sizeof err))) {
            c->reverse_path[0] = '\0'; /* a broken reverse only costs this check */
            return 0;
        }
    }
    if (ft_opencc_convert(c->reverse, &c->scratch, mixed->data, mixed->len, &c->back) ||
        ft_opencc_convert(c->od, &c->scratch, c->back.data, c->back.len, &c->again))
        return -1;
    const char *piece = c->again.data;
    for (long i = 0; i < nchunks && piece; i++) {
        chunk *k = &c->chunks[i];
        if (!k->selected || (k->target == 0 && !neutral))
            continue;
        const char *nl = strchr(piece, '\n');
        size_t plen = nl ? (size_t)(nl - piece) : strlen(piece);
        if (plen == k->end - k->start && memcmp(piece, in + k->start, plen) == 0)
            k->selected = 0;
        piece = nl ? nl + 1 : NULL;
    }
    return prepare_all(c, in, nchunks);
}

/* Speed: in a chunk that is converted exactly as OpenCC converts it (no target characters), a
 * character that no key of the configuration's dictionaries contains is never part of a match,
 * in any step of the chain, so OpenCC leaves it as it is and matches never cross it: only the
 * runs between such characters are sent (key_mask: the FT_K_* flags of its dictionaries, with
 * fixtext's own data; OpenCC 1.4's normalization has run before, see ft_convert_line). */
static inline int split(const ft_converter *c, const chunk *k)
{
    return c->key_mask && !k->prepared && k->target == 0;
}

/* Appends a piece to c->joined, '\n'-separated from the one before. */
static int join_piece(ft_converter *c, size_t *pieces, const char *p, size_t n)
{
    return ((*pieces)++ && ft_buf_putc(&c->joined, '\n')) || ft_buf_append(&c->joined, p, n);
}

static cache_entry *cache_slot(ft_converter *c, const char *p, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return &c->cache[h & (CACHE_SLOTS - 1)];
}

/* The cached conversion of run p[0, n), or NULL. */
static const cache_entry *cache_find(ft_converter *c, const char *p, size_t n)
{
    if (n > CACHE_KEY || !c->cache)
        return NULL;
    const cache_entry *e = cache_slot(c, p, n);
    return e->klen == n && memcmp(e->key, p, n) == 0 ? e : NULL;
}

static void cache_put(ft_converter *c, const char *p, size_t n, const char *v, size_t vn)
{
    if (n > CACHE_KEY || vn > CACHE_VALUE || n == 0)
        return;
    if (!c->cache && !(c->cache = calloc(CACHE_SLOTS, sizeof *c->cache)))
        return; /* (the cache is an optimisation: without memory, go without it) */
    cache_entry *e = cache_slot(c, p, n);
    e->klen = (uint8_t)n;
    e->vlen = (uint8_t)vn;
    memcpy(e->key, p, n);
    memcpy(e->value, v, vn);
}

/* A split chunk's key runs (noted by scan_chunks): the cached ones with their conversion, the
 * others joined for OpenCC. Returns 0, or -1 if out of memory. */
static int join_runs(ft_converter *c, const char *in, chunk *k, size_t *pieces)
{
    for (size_t i = k->run0; i < k->run0 + k->nrun; i++) {
        key_run *r = &c->runs[i];
        const cache_entry *e = cache_find(c, in + r->start, r->end - r->start);
        r->hit = e ? (long)c->hits.len : -1;
        r->hlen = e ? e->vlen : 0;
        if (e ? ft_buf_append(&c->hits, e->value, e->vlen)
              : join_piece(c, pieces, in + r->start, r->end - r->start))
            return -1;
    }
    return 0;
}

/* The selected chunks (as prepared, if they were; split ones run by run, cached runs left
 * out), '\n'-separated, into c->joined for OpenCC; *pieces gets their number. */
static int join_selected(ft_converter *c, const char *in, long nchunks, size_t *pieces)
{
    ft_buf_clear(&c->joined);
    ft_buf_clear(&c->hits);
    *pieces = 0;
    for (long i = 0; i < nchunks; i++) {
        chunk *k = &c->chunks[i];
        if (!k->selected)
            continue;
        if (k->prepared) {
            if (join_piece(c, pieces, c->prepared.data + k->pstart, k->plen))
                return -1;
        } else if (!split(c, k)) {
            if (join_piece(c, pieces, in + k->start, k->end - k->start))
                return -1;
        } else if (join_runs(c, in, k, pieces)) {
            return -1;
        }
    }
    return 0;
}

/* Takes the next '\n'-separated piece of OpenCC's output: its length, and *piece moves on. */
static size_t take_piece(const char **piece, const char **at)
{
    const char *p = *piece;
    const char *nl = p ? strchr(p, '\n') : NULL;
    size_t n = p ? (nl ? (size_t)(nl - p) : strlen(p)) : 0;
    *at = p ? p : "";
    *piece = nl ? nl + 1 : NULL;
    return n;
}

/* A split chunk as OpenCC converted it, its runs from the cache or the pieces (which the cache
 * then keeps), into c->mixed. */
static int unsplit(ft_converter *c, const char *in, const chunk *k, const char **piece)
{
    ft_buf_clear(&c->mixed);
    size_t done = k->start;
    for (size_t i = k->run0; i < k->run0 + k->nrun; i++) {
        const key_run *r = &c->runs[i];
        const char *at;
        size_t n;
        if (r->hit >= 0) {
            at = c->hits.data + r->hit;
            n = r->hlen;
        } else {
            n = take_piece(piece, &at);
            cache_put(c, in + r->start, r->end - r->start, at, n);
        }
        if (ft_buf_append(&c->mixed, in + done, r->start - done) || ft_buf_append(&c->mixed, at, n))
            return -1;
        done = r->end;
    }
    return ft_buf_append(&c->mixed, in + done, k->end - done);
}

/* Rebuilds the line into out: the text between selected chunks as it was, each selected chunk
 * from OpenCC's output (piece by piece, as '\n' separated them). *copied: how much of in is out
 * already; *spans: the chunks that changed. */
static int rebuild_line(ft_converter *c, const char *in, long nchunks, const char *converted,
                        ft_buf *out, unsigned *spans, size_t *copied)
{
    const char *piece = converted;
    for (long i = 0; i < nchunks; i++) {
        chunk *k = &c->chunks[i];
        if (!k->selected)
            continue;
        const char *conv;
        size_t plen, klen = k->end - k->start;
        if (split(c, k)) {
            if (unsplit(c, in, k, &piece))
                return -1;
            conv = c->mixed.data ? c->mixed.data : "";
            plen = c->mixed.len;
        } else {
            plen = take_piece(&piece, &conv);
        }
        if (plen == klen && memcmp(conv, in + k->start, klen) == 0)
            continue;
        if (ft_buf_append(out, in + *copied, k->start - *copied))
            return -1;
        size_t before = out->len;
        c->merging_prepared = k->prepared;
        int rc = k->target == 0 ? ft_buf_append(out, conv, plen)
                                : merge_chunk(c, in + k->start, klen, conv, plen, out);
        if (rc)
            return -1;
        if (out->len - before != klen || memcmp(out->data + before, in + k->start, klen))
            ++*spans;
        *copied = k->end;
    }
    return 0;
}

/* The stage on a line in which nothing is to normalize. */
static int convert_line(ft_converter *c, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    const unsigned char *p = (const unsigned char *)in;

    /* Cheap scan: Han characters start at U+3400, lead byte 0xE3 or more. */
    size_t first = 0;
    while (first < len && p[first] < 0xE3)
        first++;
    if (first == len)
        return 0;

    long nchunks = scan_chunks(c, p, len);
    if (nchunks < 0)
        return -1;
    if (nchunks == 0)
        return 0;
    unsigned source = 0, target = 0;
    for (long i = 0; i < nchunks; i++) {
        source += c->chunks[i].source;
        target += c->chunks[i].target;
    }
    int pure = target == 0;
    if (!pure && source == 0)
        return 0; /* already in the target script */

    for (long i = 0; i < nchunks; i++) {
        c->chunks[i].selected = pure || c->chunks[i].source > 0;
        c->chunks[i].prepared = 0;
    }
    /* A line with source characters and no target ones is converted as OpenCC does, chunk for
     * chunk; a line of shared characters only (neither kind) is what a phrase configuration
     * may have produced already (s2twp: 算法 -> 演算法, and again -> 演演算法): checked too. */
    if ((!pure || source == 0) && skip_converted(c, in, nchunks, source == 0))
        return -1;

    size_t pieces;
    if (join_selected(c, in, nchunks, &pieces))
        return -1;
    if (pieces == 0 && c->hits.len == 0)
        return 0; /* nothing OpenCC could change */
    const char *converted = NULL;
    if (pieces) {
        if (ft_opencc_convert(c->od, &c->scratch, c->joined.data, c->joined.len, &c->converted))
            return -1;
        converted = c->converted.data;
    }
    unsigned spans = 0;
    size_t copied = 0;
    if (rebuild_line(c, in, nchunks, converted, out, &spans, &copied))
        return -1;
    if (spans == 0)
        return 0;
    if (ft_buf_append(out, in + copied, len - copied))
        return -1;
    ft_report_fixed(r, spans);
    ft_report_note(r, "opencc %s: %u span%s%s", c->name, spans, spans == 1 ? "" : "s",
                   pure ? "" : " (target-script characters kept)");
    return 1;
}

/* 1 when p holds a CJK compatibility ideograph (U+F900..U+FAFF: EF A4..AB xx; U+2F800..U+2FA1F:
 * F0 AF A0..A8 xx), which OpenCC 1.4 normalizes before converting. */
static int has_compatibility_ideograph(const unsigned char *p, size_t len)
{
    const unsigned char *q = p, *end = p + len;
    while ((q = memchr(q, 0xEF, (size_t)(end - q))) && end - q >= 3) {
        if (q[1] >= 0xA4 && q[1] <= 0xAB)
            return 1;
        q++;
    }
    for (q = p; (q = memchr(q, 0xF0, (size_t)(end - q))) && end - q >= 4; q++)
        if (q[1] == 0xAF && q[2] >= 0xA0 && q[2] <= 0xA8)
            return 1;
    return 0;
}

int ft_convert_line(void *state, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    ft_converter *c = state;
    if (!c->norm || !has_compatibility_ideograph((const unsigned char *)in, len))
        return convert_line(c, in, len, out, r);
    /* OpenCC 1.4's normalization pre-pass (normalize.json of fixtext's data), then the rest on
     * the normalized line. */
    if (ft_opencc_convert(c->norm, &c->scratch, in, len, &c->normalized))
        return -1;
    const char *norm = c->normalized.data;
    size_t nlen = c->normalized.len;
    int rc = convert_line(c, norm, nlen, out, r);
    if (rc == 0 && (nlen != len || memcmp(norm, in, len) != 0)) {
        rc = ft_buf_append(out, norm, nlen) ? -1 : 1;
        if (rc == 1) {
            ft_report_fixed(r, 1);
            ft_report_note(r, "opencc normalize: compatibility ideographs");
        }
    }
    return rc;
}
