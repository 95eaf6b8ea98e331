/* fixtext.h — the public API of libfixtext, the only header a program needs.
 *
 * libfixtext turns text of unknown, mixed or damaged encoding into clean UTF-8, line by line:
 *   bytes -> frame lines -> detect + decode -> repair -> convert -> your write callback.
 *
 * Usage:
 *   fixtext_options o; fixtext_options_init(&o);
 *   char err[256];
 *   fixtext *ft = fixtext_new(&o, err, sizeof err);          // NULL on failure, err says why
 *   fixtext_set_output(ft, my_write, my_line, my_data);
 *   while ((n = read(...)) > 0) fixtext_feed(ft, buf, n);   // any chunking
 *   fixtext_finish(ft);                                       // end of this input
 *   fixtext_free(ft);
 *
 * Every input line produces exactly one output line, in order, with its own terminator
 * ("\n", "\r\n" or a lone "\r"); a missing final terminator stays missing.
 *
 * Contexts are independent: use one per thread. A context is not safe to share between threads
 * (with jobs > 1 it runs its own worker threads internally).
 */
#ifndef FIXTEXT_H
#define FIXTEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FIXTEXT_VERSION "0.1.0"

typedef struct fixtext fixtext;

#if defined(FIXTEXT_BUILDING) && defined(__GNUC__)
#define FIXTEXT_API __attribute__((visibility("default")))
#else
#define FIXTEXT_API
#endif

/* Return codes of the functions below. */
enum {
    FIXTEXT_OK = 0,
    FIXTEXT_ERR_NOMEM = -1,   /* out of memory */
    FIXTEXT_ERR_WRITE = -2,   /* the write callback returned nonzero */
    FIXTEXT_ERR_USAGE = -3,   /* bad option value (fixtext_new) or call out of order */
    FIXTEXT_ERR_CONFIG = -4,  /* a data file (OpenCC configuration, …) is missing or broken */
};

/* Limits, published once: the CLI and bindings check options against these. */
#define FIXTEXT_MAX_JOBS 64                 /* worker threads per context */
#define FIXTEXT_DEFAULT_WINDOW (64u << 10)  /* longest piece of one line handled at once */
#define FIXTEXT_DEFAULT_DOCUMENT_WINDOW (64u << 20) /* the same for --jsonl/--tsv: a document is
                                                       repaired only when held whole */
#define FIXTEXT_MIN_WINDOW 64
#define FIXTEXT_MAX_WINDOW ((size_t)1 << 30)
#define FIXTEXT_MAX_STAGES 16               /* room in the per-stage counter arrays below */

/* Behaviour switches for fixtext_options.flags. Repairs are on unless turned off. The stage
 * switches are kept for existing programs; fixtext_options.skip / .only name stages instead. */
enum {
    FIXTEXT_KEEP_BOM = 1u << 0,        /* keep a leading byte order mark (as UTF-8) */
    FIXTEXT_NO_DETECT = 1u << 1,       /* take every line as UTF-8; invalid bytes -> U+FFFD */
    FIXTEXT_NO_MOJIBAKE = 1u << 2,     /* skip the "mojibake" stage */
    FIXTEXT_KEEP_ENTITIES = 1u << 3,   /* skip the "entities" stage */
    FIXTEXT_KEEP_PINYIN = 1u << 4,     /* skip the "pinyin" stage */
    FIXTEXT_NO_SHIFTED = 1u << 5,      /* skip the "shifted" stage */
    FIXTEXT_EXPLAIN = 1u << 6,         /* fill fixtext_line_info.explain */
    FIXTEXT_CLASSIFY_SCRIPT = 1u << 7, /* fill fixtext_line_info.script */
    FIXTEXT_NO_C1 = 1u << 8,           /* skip the "c1" stage */
    FIXTEXT_JSONL_RAW = 1u << 9,       /* --jsonl: write repaired non-ASCII as UTF-8, not \uXXXX */
    FIXTEXT_DETECT_EVIDENCE = 1u << 10, /* fill fixtext_line_info.decided_by and candidates */
    FIXTEXT_ENTITIES_ALWAYS = 1u << 11, /* the "entities" stage decodes HTML references on every
                                           line without markup; without it, only on a line they
                                           turn into mojibake that the "mojibake" stage restores */
};

/* What a line is (fixtext_options.container). In JSONL and TSV modes a line is a document: only
 * its chosen values (fixtext_options.fields) are repaired, each document on its own; everything
 * else in the line is kept byte for byte. A JSON document whose values are all UTF-8 is UTF-8
 * (JSON is); one holding other bytes is detected alone, never with its neighbours. A TSV row's
 * columns are read in the encoding the row's line is detected in among its neighbours. A JSON string's escapes are resolved before repair and a repaired string is
 * written back in the line's style: a line that escapes non-ASCII (or holds none) keeps it
 * escaped unless FIXTEXT_JSONL_RAW; quotes, backslashes and control characters are escaped, so
 * the line stays valid JSON. A line that is not valid JSON (or a window of a line longer than
 * fixtext_options.window) passes through unchanged with FIXTEXT_WARN_NOT_DOCUMENT. A TSV column
 * is never given a tab. */
enum {
    FIXTEXT_CONTAINER_NONE = 0, /* plain text: every line is repaired */
    FIXTEXT_CONTAINER_JSONL,    /* JSON Lines: one JSON value per line */
    FIXTEXT_CONTAINER_TSV,      /* tab-separated values */
};

typedef struct fixtext_options {
    unsigned flags;              /* FIXTEXT_* switches above */
    const char *from;            /* force this input encoding (any iconv name); NULL: detect */
    const char *candidates;      /* comma-separated candidate encodings; NULL: all */
    const char *lang;            /* language hint: "zh", "zh-Hant", "ja", "ko", "ru", …; NULL: none */
    const char *convert_to;      /* "simplified", "traditional", "taiwan", "hongkong",
                                    "taiwan-phrases", … or an OpenCC config name ("s2t");
                                    NULL: no conversion */
    const char *opencc_config;   /* path to any OpenCC configuration file (overrides convert_to) */
    const char *opencc_data_dir; /* where OpenCC data lives; NULL: $FIXTEXT_OPENCC_DATA or OpenCC's */
    unsigned jobs;               /* worker threads for the per-line stages; 0 or 1: none */
    size_t window;               /* longest piece of one line handled at once; 0: the default */
    const char *skip;            /* comma-separated stage names to leave out ("detect" included) */
    const char *only;            /* comma-separated stage names to run, all others left out */
    int container;               /* FIXTEXT_CONTAINER_* above */
    const char *fields;          /* the values to repair, comma-separated. JSONL: field names or
                                    dotted paths ("title", "meta.title", "items[0]"), "*" every
                                    string value (keys untouched); NULL: "text". TSV: 1-based
                                    column numbers, "*"; NULL: every column */
} fixtext_options;

/* One candidate encoding's evidence for a line (fixtext_line_info.candidates). The detector
 * charges every reading of a line a cost in bits (what the plausibility model charges its
 * characters, 60 bits per invalid sequence, 12 per sequence cut by the end of the line); the
 * lines of an input are read together by charging every change of encoding from one line to
 * the next 10 bits (smoothing), and 8 more for entering a code page seldom met today (DOS and
 * Mac code pages, Vietnamese, ...), whose lines also pay 3 bits each. */
typedef struct fixtext_candidate {
    const char *encoding;     /* NULL: no such candidate (fewer were compared) */
    double score;             /* 0..1, smoothing included: the chosen encoding against the
                                 runner-up, the others against the chosen one (as score and
                                 runner_up_score of fixtext_line_info) */
    double line_bits;         /* the line's own cost relative to its cheapest reading (0), with
                                 the bonuses (valid UTF-8, --lang) taken off; 21 or more: ruled out */
    double context_bits;      /* what the best reading of the other lines costs more when this
                                 line is read so: the switching cost smoothing adds (0: none) */
    double plausibility_bits; /* what the model charged this reading (its first 96 non-ASCII
                                 characters, or those the detector looked at); -1: not scored */
    int invalid_sequences;    /* invalid or cut byte sequences in this reading; -1: not scored */
} fixtext_candidate;
#define FIXTEXT_TOP_CANDIDATES 3

/* What happened to one line; passed to the line callback right after the line is written. */
typedef struct fixtext_line_info {
    uint64_t number;           /* 1-based line number within the current input */
    int partial;               /* 1: a window of a line longer than options.window; more follows */
    int changed;               /* output bytes differ from input bytes */
    const char *encoding;      /* what the line was decoded from ("UTF-8", "GB18030", "ASCII", …) */
    double score;              /* detector confidence for it, 0..1 */
    const char *runner_up;     /* second-best encoding, or NULL */
    double runner_up_score;
    const char *script;        /* "simplified", "traditional", "mixed", "shared" (Han characters of both
                                  scripts only), "none" (no Han) (FIXTEXT_CLASSIFY_SCRIPT) */
    unsigned invalid_sequences; /* ill-formed byte sequences replaced by U+FFFD */
    unsigned replacement_chars; /* U+FFFD characters in the output (kept or inserted) */
    unsigned warnings;         /* FIXTEXT_WARN_* bits */
    const char *explain;       /* with FIXTEXT_EXPLAIN: what was done, "" if nothing; else NULL.
                                  JSONL/TSV: one entry per changed value, "NAME\tENCODING\tWHAT",
                                  entries separated by "\n" (NAME: the field's path or column) */
    /* Per stage (index: fixtext_stage_id), its two counters (names: fixtext_stage_counter):
     * what it fixed (spans, references, annotations…) and what it reported but left alone. */
    unsigned fixed[FIXTEXT_MAX_STAGES];
    unsigned reported[FIXTEXT_MAX_STAGES];
    /* With FIXTEXT_DETECT_EVIDENCE (else NULL and zero; gathering it costs about a tenth of the
     * time): how the detector chose: the three best candidates, the chosen one first (score and
     * runner_up above are candidates[0] and [1]), and what decided the line:
     *   "none"                 nothing compared (ASCII, binary, forced, a single candidate)
     *   "utf8-sequences"       valid UTF-8 holding a 3- or 4-byte sequence
     *   "utf8-pairs"           valid UTF-8 with 6 or more two-byte sequences (2 or more outside a
     *                          stretch of double-byte text)
     *   "utf8-double-encoded"  valid UTF-8 holding UTF-8 read as Latin-1/windows-1252 ("Ã©")
     *   "utf8-local"           valid UTF-8 whose own cost is 16 bits or more below every other
     *   "prefix"               the current encoding read its first characters naturally
     *   "settled"              one more line of a long run in one encoding
     *   "scored"               every candidate compared; smoothing decides between close ones
     * The utf8-* rules make the line UTF-8 whatever its neighbours are. */
    const char *decided_by;
    fixtext_candidate candidates[FIXTEXT_TOP_CANDIDATES];
} fixtext_line_info;

enum {
    FIXTEXT_WARN_BINARY = 1u << 0,    /* NUL bytes or runs of control bytes */
    FIXTEXT_WARN_TRUNCATED = 1u << 1, /* a multi-byte sequence cut at the end of the line or input */
    FIXTEXT_WARN_NOT_DOCUMENT = 1u << 2, /* JSONL: not valid JSON (or longer than the window);
                                            passed through unchanged */
};

#define FIXTEXT_MAX_ENCODINGS 64

/* Totals since the context was created (all inputs). */
typedef struct fixtext_stats {
    uint64_t lines, lines_changed, bytes_in, bytes_out;
    uint64_t invalid_sequences, replacement_chars, truncated_sequences, binary_lines;
    uint64_t boms_removed;
    uint64_t fixed[FIXTEXT_MAX_STAGES];    /* per stage, as in fixtext_line_info */
    uint64_t reported[FIXTEXT_MAX_STAGES];
    uint64_t stage_lines[FIXTEXT_MAX_STAGES]; /* lines a stage fixed something in */
    uint64_t script_lines[5]; /* none, simplified, traditional, mixed, shared (FIXTEXT_CLASSIFY_SCRIPT) */
    uint64_t not_documents;   /* JSONL lines passed through as not valid JSON (or too long) */
    size_t encoding_count;    /* entries used in encodings[] */
    struct {
        const char *name;
        uint64_t lines;
    } encodings[FIXTEXT_MAX_ENCODINGS];
} fixtext_stats;

/* Output callbacks. Return 0 to go on; anything else stops processing with FIXTEXT_ERR_WRITE. */
typedef int (*fixtext_write_fn)(void *opaque, const char *data, size_t len);
typedef int (*fixtext_line_fn)(void *opaque, const fixtext_line_info *info);

FIXTEXT_API void fixtext_options_init(fixtext_options *options);

/* Creates a context. On failure returns NULL and writes a message to errbuf (if given). */
FIXTEXT_API fixtext *fixtext_new(const fixtext_options *options, char *errbuf, size_t errlen);
FIXTEXT_API void fixtext_free(fixtext *ft);

/* Where output goes. write receives the output bytes in order; line (may be NULL) is called once
 * per line (or window of a long line) after its bytes were written. */
FIXTEXT_API void fixtext_set_output(fixtext *ft, fixtext_write_fn write, fixtext_line_fn line, void *opaque);

/* Feeds input bytes, in any chunking. Output may be delayed until more lines arrive. */
FIXTEXT_API int fixtext_feed(fixtext *ft, const void *data, size_t len);
/* The same without a copy: fixtext_feed_buffer returns room for at least want bytes inside the
 * context (NULL when out of memory); read into it, then fixtext_feed_commit(ft, n) feeds its first
 * n bytes. Nothing else may be called on the context between the two. */
FIXTEXT_API void *fixtext_feed_buffer(fixtext *ft, size_t want);
FIXTEXT_API int fixtext_feed_commit(fixtext *ft, size_t n);
/* Processes and writes every complete line fed so far (for interactive streams). Detection then
 * decides those lines without the lines after them, so the output may differ from a run without
 * the flush: every other call gives the same output for the same bytes however they are fed. */
FIXTEXT_API int fixtext_flush(fixtext *ft);
/* Ends the current input: writes everything, including a last line without terminator. The next
 * fixtext_feed starts a new input (line numbers restart, a BOM is looked for again). */
FIXTEXT_API int fixtext_finish(fixtext *ft);

/* Convenience: processes one whole input held in memory. *out is malloc'd (caller frees). */
FIXTEXT_API int fixtext_buffer(fixtext *ft, const void *in, size_t len, char **out, size_t *outlen);

/* Message for the last error of this context ("" if none). */
FIXTEXT_API const char *fixtext_error(const fixtext *ft);
FIXTEXT_API const fixtext_stats *fixtext_get_stats(const fixtext *ft);

/* The stages a line goes through after detection, in order ("entities", "mojibake", "c1",
 * "shifted", "pinyin", "convert"): fixtext_stage_count() of them, ids 0.. in that order. */
FIXTEXT_API unsigned fixtext_stage_count(void);
FIXTEXT_API const char *fixtext_stage_name(unsigned stage);        /* NULL past the last */
FIXTEXT_API const char *fixtext_stage_summary(unsigned stage);     /* one line saying what it does */
/* The name of a stage's counter: which 0 = fixed ("pinyin_removed"), 1 = reported
 * ("shifted_reported"); NULL when the stage keeps no such count. */
FIXTEXT_API const char *fixtext_stage_counter(unsigned stage, int which);
/* The same counter as a phrase for people ("pinyin annotations removed", "reported"). */
FIXTEXT_API const char *fixtext_stage_label(unsigned stage, int which);
/* The id of a stage by name, -1 if there is none ("detect" is not a stage: it has no id). */
FIXTEXT_API int fixtext_stage_id(const char *name);

/* Encoding names the detector knows, NULL-terminated (for --help and --candidates checks). */
FIXTEXT_API const char *const *fixtext_encodings(void);
/* 1 if name is an encoding this system can decode (iconv accepts it), 0 otherwise. */
FIXTEXT_API int fixtext_encoding_supported(const char *name);

#ifdef __cplusplus
}
#endif
#endif
