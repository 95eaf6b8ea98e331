/* pipeline.c — the fixtext context: takes input bytes, frames them into lines, runs the stages on
 * batches of lines (detect, decode, entities, mojibake, shifted runs, pinyin, convert) and writes
 * every line, in order, with its own terminator.
 *
 * Memory: the context holds at most one batch of input (BATCH_BYTES, plus one window of a line that
 * has not ended yet) and the batch's output, whatever the size of the input.
 *
 * Buffer ownership: ft->input owns the bytes fed and not yet written; each worker owns the outputs
 * and explanations of the lines it processed in the current batch; all are reused batch after batch
 * and freed by fixtext_free.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "encodings.h"
#include "internal.h"

#define BATCH_LINES 8192
#define BATCH_BYTES (1u << 20)
#define DEFAULT_WINDOW (64u << 10)
#define MAX_JOBS 64
#define WIDE_SNIFF_BYTES 4096
/* With worker threads each detects its own range of the batch, first reading this many lines
 * before it, so that its smoothing starts from the neighbours' evidence as a single pass would. */
#define DETECT_WARMUP 64

/* Per worker thread: its own stage states and scratch buffers. */
typedef struct worker {
    ft_detector *detector; /* workers 1.. with jobs > 1: detects this worker's range */
    ft_choice warmup[DETECT_WARMUP]; /* choices for the lines read only to warm it up */
    ft_decoder *decoder;
    ft_mojibake *mojibake;
    ft_converter *converter;
    ft_buf scratch[2]; /* ping-pong buffers between stages */
    ft_buf out;        /* output text of this batch's changed lines */
    ft_buf explain;    /* NUL-terminated explanations of this batch's lines */
    struct fixtext *ft;
    size_t first, last; /* lines [first, last) of the batch */
    int failed;
} worker;

/* What happened to one line of the batch. */
typedef struct line_result {
    fixtext_line_info info;
    int worker;       /* whose out/explain buffers hold it */
    int use_raw;      /* output equals input: write the input bytes */
    size_t out_off, out_len;
    size_t explain_off;
} line_result;

struct fixtext {
    fixtext_options opts;
    char *owned_strings[6]; /* copies of the option strings */
    fixtext_write_fn write;
    fixtext_line_fn on_line;
    void *opaque;

    ft_detector *detector;
    worker workers[MAX_JOBS];
    unsigned nworkers;
    struct pool {           /* threads for workers 1.., started at the first batch that needs them */
        pthread_mutex_t lock;
        pthread_cond_t start, done;
        pthread_t threads[MAX_JOBS];
        unsigned nthreads;  /* threads running: workers 1..nthreads */
        unsigned generation; /* bumped for every batch they take part in */
        unsigned used;      /* workers in the current batch */
        unsigned pending;   /* threads not done with the current batch */
        int ready, quit;
    } pool;

    ft_buf input;       /* bytes fed and not yet written: [0, framed) are framed lines */
    ft_buf staging;     /* fixtext_feed_buffer's room when the input is UTF-16/32 (converted) */
    size_t framed;      /* end of the last framed line */
    ft_line_ref *lines; /* framed lines of the current batch */
    size_t nlines, lines_cap, batch_bytes;
    ft_slice *slices;
    ft_choice *choices;
    line_result *results;
    uint8_t *utf8_valid;     /* per line of the batch: well-formed UTF-8 */
    unsigned *replacements;  /* per valid line: U+FFFD it holds */

    /* Per input. */
    int input_started;  /* the wide/BOM decision is made */
    int wide_kind;
    ft_wide *wide;
    int bom_removed;    /* line 1 changed by losing its BOM */
    int line_in_progress_changed; /* an earlier window of the current line changed */
    uint64_t line_number;

    fixtext_stats stats;
    int failed;         /* sticky error code */
    char error[512];
};

static void set_error(fixtext *ft, int code, const char *fmt, const char *arg)
{
    if (!ft->failed)
        ft->failed = code;
    snprintf(ft->error, sizeof ft->error, fmt, arg ? arg : "");
}

void fixtext_options_init(fixtext_options *o)
{
    memset(o, 0, sizeof *o);
}

/* ---- creation ---- */

static int copy_string(fixtext *ft, int slot, const char **field)
{
    if (!*field)
        return 0;
    ft->owned_strings[slot] = strdup(*field);
    if (!ft->owned_strings[slot])
        return -1;
    *field = ft->owned_strings[slot];
    return 0;
}

static int worker_init(fixtext *ft, worker *w, char *err, size_t errlen)
{
    const fixtext_options *o = &ft->opts;
    w->ft = ft;
    /* (the first range continues the context's own detector; the others need one each) */
    if (ft->nworkers > 1 && w != &ft->workers[0]) {
        w->detector = ft_detector_new(o, err, errlen);
        if (!w->detector)
            return -1;
    }
    w->decoder = ft_decoder_new(o, err, errlen);
    if (!w->decoder)
        return -1;
    if (!(o->flags & FIXTEXT_NO_MOJIBAKE)) {
        w->mojibake = ft_mojibake_new(o, err, errlen);
        if (!w->mojibake)
            return -1;
    }
    if (o->convert_to || o->opencc_config) {
        w->converter = ft_converter_new(o, err, errlen);
        if (!w->converter)
            return -1;
    }
    return 0;
}

static void worker_free(worker *w)
{
    ft_detector_free(w->detector);
    ft_decoder_free(w->decoder);
    ft_mojibake_free(w->mojibake);
    ft_converter_free(w->converter);
    ft_buf_free(&w->scratch[0]);
    ft_buf_free(&w->scratch[1]);
    ft_buf_free(&w->out);
    ft_buf_free(&w->explain);
}

fixtext *fixtext_new(const fixtext_options *options, char *errbuf, size_t errlen)
{
    char scratch_err[1];
    if (!errbuf) {
        errbuf = scratch_err;
        errlen = sizeof scratch_err;
    }
    if (errlen)
        errbuf[0] = '\0';
    fixtext *ft = calloc(1, sizeof *ft);
    if (!ft) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (options)
        ft->opts = *options;
    fixtext_options *o = &ft->opts;
    if (copy_string(ft, 0, &o->from) || copy_string(ft, 1, &o->candidates) ||
        copy_string(ft, 2, &o->lang) || copy_string(ft, 3, &o->convert_to) ||
        copy_string(ft, 4, &o->opencc_config) || copy_string(ft, 5, &o->opencc_data_dir)) {
        snprintf(errbuf, errlen, "out of memory");
        fixtext_free(ft);
        return NULL;
    }
    if (o->window == 0)
        o->window = DEFAULT_WINDOW;
    if (o->window < 64)
        o->window = 64;
    ft->nworkers = o->jobs < 1 ? 1 : o->jobs > MAX_JOBS ? MAX_JOBS : o->jobs;

    ft->detector = ft_detector_new(o, errbuf, errlen);
    if (!ft->detector) {
        fixtext_free(ft);
        return NULL;
    }
    for (unsigned i = 0; i < ft->nworkers; i++) {
        if (worker_init(ft, &ft->workers[i], errbuf, errlen)) {
            if (errlen && !errbuf[0])
                snprintf(errbuf, errlen, "out of memory");
            fixtext_free(ft);
            return NULL;
        }
    }
    return ft;
}

static void pool_stop(struct pool *pool);

void fixtext_free(fixtext *ft)
{
    if (!ft)
        return;
    pool_stop(&ft->pool);
    ft_detector_free(ft->detector);
    for (unsigned i = 0; i < MAX_JOBS; i++)
        worker_free(&ft->workers[i]);
    ft_wide_free(ft->wide);
    ft_buf_free(&ft->input);
    ft_buf_free(&ft->staging);
    free(ft->lines);
    free(ft->slices);
    free(ft->choices);
    free(ft->results);
    free(ft->utf8_valid);
    free(ft->replacements);
    for (size_t i = 0; i < sizeof ft->owned_strings / sizeof ft->owned_strings[0]; i++)
        free(ft->owned_strings[i]);
    free(ft);
}

void fixtext_set_output(fixtext *ft, fixtext_write_fn write, fixtext_line_fn line, void *opaque)
{
    ft->write = write;
    ft->on_line = line;
    ft->opaque = opaque;
}

const char *fixtext_error(const fixtext *ft)
{
    return ft->error;
}

const fixtext_stats *fixtext_get_stats(const fixtext *ft)
{
    return &ft->stats;
}

/* ---- one line through the stages ---- */

typedef int (*stage_fn)(void *state, const char *in, size_t len, ft_buf *out, ft_report *r);

static int run_entities(void *s, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)s;
    return ft_entities_decode(in, len, out, r);
}
static int run_mojibake(void *s, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    return ft_mojibake_repair(s, in, len, out, r);
}
static int run_shifted(void *s, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    return ft_shifted_repair(s, in, len, out, r);
}
static int run_pinyin(void *s, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)s;
    return ft_pinyin_strip(in, len, out, r);
}
static int run_convert(void *s, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    return ft_convert_line(s, in, len, out, r);
}

/* Runs one stage; on a change the text moves to the next scratch buffer. */
static int apply_stage(worker *w, stage_fn fn, void *state, const char **text, size_t *len,
                       int *which, ft_report *r)
{
    ft_buf *next = &w->scratch[*which ^ 1];
    ft_buf_clear(next);
    int rc = fn(state, *text, *len, next, r);
    if (rc <= 0)
        return rc;
    *which ^= 1;
    *text = next->data;
    *len = next->len;
    return 1;
}

/* Mojibake, shifted runs, pinyin and conversion, as the options ask. */
static int run_repairs(worker *w, const char **text, size_t *len, int *which, ft_report *report)
{
    const unsigned flags = w->ft->opts.flags;
    if (w->mojibake) {
        if (apply_stage(w, run_mojibake, w->mojibake, text, len, which, report) < 0)
            return -1;
        if (!(flags & FIXTEXT_NO_SHIFTED) &&
            apply_stage(w, run_shifted, w->mojibake, text, len, which, report) < 0)
            return -1;
    }
    if (!(flags & FIXTEXT_KEEP_PINYIN) && apply_stage(w, run_pinyin, NULL, text, len, which, report) < 0)
        return -1;
    if (w->converter && apply_stage(w, run_convert, w->converter, text, len, which, report) < 0)
        return -1;
    return 0;
}

static int process_line(worker *w, size_t index)
{
    fixtext *ft = w->ft;
    const unsigned flags = ft->opts.flags;
    const ft_line_ref *ref = &ft->lines[index];
    const ft_choice *choice = &ft->choices[index];
    line_result *res = &ft->results[index];
    const char *raw = ft->input.data + ref->start;

    *res = (line_result){0}; /* (an assignment, not memset: rep stos is slow for small structs) */
    fixtext_line_info *info = &res->info;
    info->encoding = ft->wide ? ft_wide_encoding(ft->wide) : ft_encoding_name(choice->encoding);
    info->score = choice->score;
    info->runner_up = choice->runner_up >= 0 ? ft_encoding_name(choice->runner_up) : NULL;
    info->runner_up_score = choice->runner_up_score;
    info->warnings = choice->warnings;
    info->partial = ref->partial;

    size_t explain_start = w->explain.len;
    ft_report report = {info, (flags & FIXTEXT_EXPLAIN) ? &w->explain : NULL, explain_start};

    const char *text = raw;
    size_t len = ref->len;
    int which = 1; /* the first stage that changes the line writes scratch[0] */
    int rc = 0;

    /* The common case first: valid UTF-8 that the detector leaves as UTF-8 needs no decoding.
     * (Wide inputs were converted to UTF-8 as a whole; their lines only need sanitising.) */
    int as_utf8 = ft->wide_kind || choice->encoding == FT_ENC_UTF8 || choice->encoding == FT_ENC_ASCII;
    int valid = as_utf8 && ft->utf8_valid[index];
    if (!valid) {
        ft_buf *first = &w->scratch[0];
        ft_buf_clear(first);
        rc = ft_decode_line(w->decoder, ft->wide_kind ? FT_ENC_UTF8 : choice->encoding, text, len,
                            first, &report);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            which = 0;
            text = first->data;
            len = first->len;
        }
    }
    if (!(flags & FIXTEXT_KEEP_ENTITIES) &&
        apply_stage(w, run_entities, NULL, &text, &len, &which, &report) < 0)
        return -1;
    /* A line of ASCII alone (so the detector's census found it) holds nothing the later stages
     * look for: no mojibake, no Han character to annotate or convert. Character references can
     * bring other characters in; then the stages see the decoded line. */
    int ascii_only = !ft->wide_kind && choice->encoding == FT_ENC_ASCII && text == raw;
    if (!ascii_only && run_repairs(w, &text, &len, &which, &report) < 0)
        return -1;
    if (flags & FIXTEXT_CLASSIFY_SCRIPT)
        info->script = ft_script_name(ft_script_classify(text, len));

    info->changed = text != raw && (len != ref->len || memcmp(text, raw, len) != 0);
    if (info->changed) {
        res->worker = (int)(w - ft->workers);
        res->out_off = w->out.len;
        res->out_len = len;
        if (ft_buf_append(&w->out, text, len))
            return -1;
    } else {
        res->use_raw = 1;
        text = raw;
        len = ref->len;
    }
    /* U+FFFD in the output (inserted or already there): counted, never silently. */
    info->replacement_chars = (valid && !info->changed)
                                  ? ft->replacements[index]
                                  : ft_utf8_count_replacements((const unsigned char *)text, len);

    if (report.explain) {
        res->worker = (int)(w - ft->workers);
        res->explain_off = explain_start;
        if (ft_buf_putc(&w->explain, '\0'))
            return -1;
    }
    return 0;
}

/* ---- batches ---- */

static void process_range(worker *w)
{
    for (size_t i = w->first; i < w->last && !w->failed; i++)
        if (process_line(w, i))
            w->failed = 1;
}

/* Chooses encodings for the worker's range. The first range continues the context's detector
 * (its state carries over from the previous batch); the others start afresh a few lines earlier. */
static void detect_range(worker *w, ft_detector *d, int first_range)
{
    fixtext *ft = w->ft;
    if (ft->wide_kind || w->first == w->last)
        return;
    if (!first_range) {
        ft_detector_reset(d);
        size_t warm = w->first > DETECT_WARMUP ? w->first - DETECT_WARMUP : 0;
        if (warm < w->first && ft_detect_batch(d, ft->slices + warm, w->first - warm, ft->utf8_valid + warm, w->warmup))
            w->failed = 1;
    }
    if (!w->failed &&
        ft_detect_batch(d, ft->slices + w->first, w->last - w->first, ft->utf8_valid + w->first,
                        ft->choices + w->first))
        w->failed = 1;
}

static void *worker_thread(void *arg)
{
    worker *w = arg;
    detect_range(w, w->detector, 0);
    process_range(w);
    return NULL;
}

static void reset_worker_outputs(worker *w)
{
    ft_buf_clear(&w->out);
    ft_buf_clear(&w->explain);
    w->failed = 0;
}

/* ---- the worker threads ---- */

typedef struct thread_arg {
    fixtext *ft;
    unsigned index;
} thread_arg;

/* A worker thread waits for a batch, takes its range if the batch uses it, and says when done. */
static void *pool_thread(void *arg)
{
    fixtext *ft = ((thread_arg *)arg)->ft;
    unsigned index = ((thread_arg *)arg)->index;
    free(arg);
    struct pool *pool = &ft->pool;
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->quit && pool->generation == seen)
            pthread_cond_wait(&pool->start, &pool->lock);
        if (pool->quit) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->generation;
        int take = index < pool->used;
        pthread_mutex_unlock(&pool->lock);
        if (take)
            worker_thread(&ft->workers[index]);
        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
}

/* Starts the threads once; returns how many run (fewer if the system refuses some). */
static unsigned pool_start(fixtext *ft)
{
    struct pool *pool = &ft->pool;
    if (pool->ready)
        return pool->nthreads;
    pool->ready = 1;
    if (pthread_mutex_init(&pool->lock, NULL) || pthread_cond_init(&pool->start, NULL) ||
        pthread_cond_init(&pool->done, NULL))
        return 0;
    for (unsigned k = 1; k < ft->nworkers; k++) {
        thread_arg *arg = malloc(sizeof *arg);
        if (!arg)
            break;
        *arg = (thread_arg){ft, k};
        if (pthread_create(&pool->threads[k], NULL, pool_thread, arg) != 0) {
            free(arg);
            break;
        }
        pool->nthreads = k;
    }
    return pool->nthreads;
}

static void pool_stop(struct pool *pool)
{
    if (!pool->ready)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned k = 1; k <= pool->nthreads; k++)
        pthread_join(pool->threads[k], NULL);
    pthread_cond_destroy(&pool->start);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
}

/* Splits the batch into contiguous ranges of about equal bytes, one per worker, and runs them:
 * the calling thread takes the first range, the pool's threads the others. */
static int run_workers(fixtext *ft)
{
    unsigned used = ft->nworkers;
    if (ft->nlines < 64)
        used = 1;
    size_t per = ft->batch_bytes / used + 1, acc = 0, line = 0;
    for (unsigned k = 0; k < used; k++) {
        worker *w = &ft->workers[k];
        reset_worker_outputs(w);
        w->first = line;
        if (k + 1 == used) {
            line = ft->nlines;
        } else {
            while (line < ft->nlines && acc < per * (k + 1))
                acc += ft->lines[line++].len + 1;
        }
        w->last = line;
    }
    struct pool *pool = &ft->pool;
    unsigned threads = used > 1 ? pool_start(ft) : 0;
    if (threads) {
        pthread_mutex_lock(&pool->lock);
        pool->used = used;
        pool->pending = threads;
        pool->generation++;
        pthread_cond_broadcast(&pool->start);
        pthread_mutex_unlock(&pool->lock);
    }
    detect_range(&ft->workers[0], ft->detector, 1);
    process_range(&ft->workers[0]);
    for (unsigned k = threads + 1; k < used; k++) /* ranges no thread could be had for */
        worker_thread(&ft->workers[k]);
    if (threads) {
        pthread_mutex_lock(&pool->lock);
        while (pool->pending)
            pthread_cond_wait(&pool->done, &pool->lock);
        pthread_mutex_unlock(&pool->lock);
    }
    if (used > 1) { /* the last range's detector holds the state the next batch continues */
        ft_detector *carried = ft->workers[used - 1].detector;
        ft->workers[used - 1].detector = ft->detector;
        ft->detector = carried;
    }
    for (unsigned k = 0; k < used; k++)
        if (ft->workers[k].failed)
            return -1;
    return 0;
}

static void count_encoding(fixtext_stats *st, const char *name)
{
    for (size_t i = 0; i < st->encoding_count; i++) { /* names are mostly the same pointers */
        if (st->encodings[i].name == name) {
            st->encodings[i].lines++;
            return;
        }
    }
    for (size_t i = 0; i < st->encoding_count; i++) {
        if (strcmp(st->encodings[i].name, name) == 0) {
            st->encodings[i].lines++;
            return;
        }
    }
    if (st->encoding_count < FIXTEXT_MAX_ENCODINGS) {
        st->encodings[st->encoding_count].name = name;
        st->encodings[st->encoding_count].lines = 1;
        st->encoding_count++;
    }
}

static void count_line(fixtext *ft, const fixtext_line_info *info, size_t out_bytes)
{
    fixtext_stats *st = &ft->stats;
    st->bytes_out += out_bytes;
    st->invalid_sequences += info->invalid_sequences;
    st->replacement_chars += info->replacement_chars;
    st->mojibake_spans += info->mojibake_spans;
    st->entities_decoded += info->entities_decoded;
    st->c1_fixed += info->c1_fixed;
    st->pinyin_removed += info->pinyin_removed;
    st->shifted_fixed += info->shifted_fixed;
    st->shifted_reported += info->shifted_reported;
    st->converted_spans += info->converted_spans;
    if (info->warnings & FIXTEXT_WARN_TRUNCATED)
        st->truncated_sequences++;
    if (info->partial)
        return; /* the rest is counted once per whole line, at its last window */
    st->lines++;
    st->lines_changed += info->changed != 0;
    st->mojibake_lines += info->mojibake_spans != 0;
    st->pinyin_lines += info->pinyin_removed != 0;
    st->converted_lines += info->converted_spans != 0;
    st->binary_lines += (info->warnings & FIXTEXT_WARN_BINARY) != 0;
    if (info->encoding)
        count_encoding(st, info->encoding);
    if (info->script) {
        for (int s = 0; s < FT_SCRIPT_COUNT; s++)
            if (info->script == ft_script_name(s)) /* (the names are static strings) */
                st->script_lines[s]++;
    }
}

static int emit(fixtext *ft, const char *p, size_t n)
{
    if (n == 0 || ft->failed)
        return ft->failed;
    if (ft->write && ft->write(ft->opaque, p, n) != 0) {
        set_error(ft, FIXTEXT_ERR_WRITE, "write failed%s", NULL);
        return FIXTEXT_ERR_WRITE;
    }
    return 0;
}

/* Writes the batch's lines in order, then forgets them. */
static int write_batch(fixtext *ft)
{
    for (size_t i = 0; i < ft->nlines; i++) {
        const ft_line_ref *ref = &ft->lines[i];
        line_result *res = &ft->results[i];
        worker *w = &ft->workers[res->worker];
        const char *text = res->use_raw ? ft->input.data + ref->start : w->out.data + res->out_off;
        size_t len = res->use_raw ? ref->len : res->out_len;

        res->info.number = ft->line_number + 1;
        if (ft->bom_removed) {
            res->info.changed = 1;
            ft->bom_removed = 0;
        }
        if (ref->partial) {
            ft->line_in_progress_changed |= res->info.changed;
        } else {
            res->info.changed |= ft->line_in_progress_changed; /* an earlier window changed */
            ft->line_in_progress_changed = 0;
            ft->line_number++;
        }
        if (ft->opts.flags & FIXTEXT_EXPLAIN)
            res->info.explain = w->explain.data ? w->explain.data + res->explain_off : "";

        if (emit(ft, text, len) || emit(ft, ft->input.data + ref->start + ref->len, ref->term_len))
            return ft->failed;
        count_line(ft, &res->info, len + ref->term_len);
        if (ft->on_line && ft->on_line(ft->opaque, &res->info) != 0) {
            set_error(ft, FIXTEXT_ERR_WRITE, "write failed%s", NULL);
            return ft->failed;
        }
    }
    return 0;
}

/* block grown to cap elements of size bytes; on failure the old block (still owned), *failed set. */
static void *grown(void *block, size_t cap, size_t size, int *failed)
{
    void *p = realloc(block, cap * size);
    if (!p) {
        *failed = 1;
        return block;
    }
    return p;
}

/* The per-line arrays of a batch, all lines_cap long. */
static int ensure_batch_capacity(fixtext *ft)
{
    if (ft->nlines < ft->lines_cap)
        return 0;
    size_t cap = ft->lines_cap ? ft->lines_cap * 2 : BATCH_LINES + 1;
    int failed = 0;
    ft->lines = grown(ft->lines, cap, sizeof *ft->lines, &failed);
    ft->slices = grown(ft->slices, cap, sizeof *ft->slices, &failed);
    ft->choices = grown(ft->choices, cap, sizeof *ft->choices, &failed);
    ft->results = grown(ft->results, cap, sizeof *ft->results, &failed);
    ft->utf8_valid = grown(ft->utf8_valid, cap, sizeof *ft->utf8_valid, &failed);
    ft->replacements = grown(ft->replacements, cap, sizeof *ft->replacements, &failed);
    if (failed)
        return -1;
    ft->lines_cap = cap;
    return 0;
}

/* Which lines of the batch are well-formed UTF-8 and which hold U+FFFD. Clean batches are the
 * common case: one vectorised pass over the whole batch answers for all its lines. */
static void check_utf8(fixtext *ft)
{
    const unsigned char *base = (const unsigned char *)ft->input.data;
    size_t start = ft->lines[0].start;
    int any_fffd = 0;
    int all_valid = ft_utf8_valid(base + start, ft->framed - start, &any_fffd);
    for (size_t i = 0; i < ft->nlines; i++) {
        const unsigned char *p = base + ft->lines[i].start;
        size_t len = ft->lines[i].len;
        int fffd = any_fffd;
        ft->utf8_valid[i] = all_valid ? 1 : (uint8_t)ft_utf8_valid(p, len, &fffd);
        ft->replacements[i] = (ft->utf8_valid[i] && fffd) ? ft_utf8_count_replacements(p, len) : 0;
    }
}

/* Runs the framed lines through the stages, writes them and drops their bytes from the input. */
static int process_batch(fixtext *ft)
{
    if (ft->failed)
        return ft->failed;
    if (ft->nlines == 0)
        return 0;
    for (size_t i = 0; i < ft->nlines; i++)
        ft->slices[i] = (ft_slice){ft->input.data + ft->lines[i].start, ft->lines[i].len};
    check_utf8(ft);
    if (ft->wide_kind)
        for (size_t i = 0; i < ft->nlines; i++)
            ft->choices[i] = (ft_choice){FT_ENC_UTF8, 1.0, -1, 0.0, 0};
    if (run_workers(ft)) { /* detection, then the stages, range by range */
        set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    if (write_batch(ft))
        return ft->failed;
    size_t keep = ft->input.len - ft->framed;
    memmove(ft->input.data, ft->input.data + ft->framed, keep);
    ft->input.len = keep;
    ft->framed = 0;
    ft->nlines = 0;
    ft->batch_bytes = 0;
    return 0;
}

/* ---- framing the input into batches ---- */

static int add_line(fixtext *ft, ft_line_ref ref)
{
    if (ensure_batch_capacity(ft)) {
        set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    ft->lines[ft->nlines++] = ref;
    ft->framed = ref.start + ref.len + ref.term_len;
    ft->batch_bytes += ref.len + ref.term_len;
    if (ft->nlines >= BATCH_LINES || ft->batch_bytes >= BATCH_BYTES)
        return process_batch(ft);
    return 0;
}

/* Frames every complete line in the unframed input; a line longer than the window is cut into
 * windows as soon as a window's worth has arrived, so memory stays bounded. */
static int frame_lines(fixtext *ft, int at_eof)
{
    const size_t window = ft->opts.window;
    while (!ft->failed && ft->framed < ft->input.len) {
        size_t pos = ft->framed;
        const unsigned char *p = (const unsigned char *)ft->input.data + pos;
        size_t avail = ft->input.len - pos;
        uint8_t term;
        size_t content = ft_find_line_end(p, avail, at_eof, &term);
        ft_line_ref ref = {pos, content, term, 0};
        if (content > window) {
            ref.len = ft_window_cut(p, window);
            ref.term_len = 0;
            ref.partial = 1;
        } else if (term == 0 && !at_eof) {
            return 0; /* the line goes on in input yet to come */
        }
        if (add_line(ft, ref))
            return ft->failed;
    }
    return ft->failed;
}

/* The UTF-16/32 kind --from names (any spelling encodings.c knows), FT_WIDE_NONE for other
 * encodings. A name without a byte order (UTF-16, UTF-32, UCS-2, UCS-4) is read as its BOM or
 * NUL pattern says, big-endian when they say nothing, as iconv reads it; FT_WIDE_NEED_MORE while
 * too little has arrived to tell. */
static int forced_wide_kind(const char *from, const unsigned char *p, size_t n, int at_eof,
                            size_t *bom)
{
    if (!from)
        return FT_WIDE_NONE;
    switch (ft_encoding_lookup(from)) {
    case FT_ENC_UTF16LE: return FT_WIDE_UTF16LE;
    case FT_ENC_UTF16BE: return FT_WIDE_UTF16BE;
    case FT_ENC_UTF32LE: return FT_WIDE_UTF32LE;
    case FT_ENC_UTF32BE: return FT_WIDE_UTF32BE;
    default: break;
    }
    static const char *const unordered16[] = {"UTF-16", "UTF16", "UCS-2", "UCS2"};
    static const char *const unordered32[] = {"UTF-32", "UTF32", "UCS-4", "UCS4"};
    int bits = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(from, unordered16[i]))
            bits = 16;
        if (!strcasecmp(from, unordered32[i]))
            bits = 32;
    }
    if (!bits)
        return ft_codec_ascii_compatible(from) ? FT_WIDE_NONE : FT_WIDE_OTHER;
    int kind = ft_wide_sniff(p, n, at_eof, bom);
    if (kind == FT_WIDE_NEED_MORE && !at_eof && n < WIDE_SNIFF_BYTES)
        return kind;
    int is16 = kind == FT_WIDE_UTF16LE || kind == FT_WIDE_UTF16BE;
    int is32 = kind == FT_WIDE_UTF32LE || kind == FT_WIDE_UTF32BE;
    if ((bits == 16 && is16) || (bits == 32 && is32))
        return kind;
    *bom = 0;
    return bits == 16 ? FT_WIDE_UTF16BE : FT_WIDE_UTF32BE;
}

/* Decides, once per input, whether it is UTF-16/32 and whether it starts with a UTF-8 BOM.
 * Returns 1 when decided, 0 when more input is needed. */
static int start_input(fixtext *ft, int at_eof)
{
    const unsigned char *p = (const unsigned char *)ft->input.data;
    size_t n = ft->input.len;
    size_t bom = 0;
    int kind = forced_wide_kind(ft->opts.from, p, n, at_eof, &bom);
    if (kind == FT_WIDE_NONE && !ft->opts.from && !(ft->opts.flags & FIXTEXT_NO_DETECT))
        kind = ft_wide_sniff(p, n, at_eof, &bom);
    if (kind == FT_WIDE_NEED_MORE && !at_eof && n < WIDE_SNIFF_BYTES)
        return 0;
    if (kind == FT_WIDE_NEED_MORE)
        kind = FT_WIDE_NONE;
    if (kind == FT_WIDE_NONE && n < 3 && !at_eof)
        return 0; /* a UTF-8 BOM may still be arriving */
    ft->input_started = 1;
    ft->wide_kind = kind;
    if (kind != FT_WIDE_NONE) {
        ft->wide = ft_wide_new(kind, ft->opts.from);
        if (!ft->wide) {
            set_error(ft, FIXTEXT_ERR_NOMEM, "cannot convert from %s",
                      kind == FT_WIDE_OTHER ? ft->opts.from : ft_wide_name(kind));
            return -1;
        }
        ft_buf converted = {0};
        if ((bom && (ft->opts.flags & FIXTEXT_KEEP_BOM) && ft_buf_append(&converted, "\xEF\xBB\xBF", 3)) ||
            ft_wide_convert(ft->wide, ft->input.data + bom, n - bom, at_eof, &converted,
                            &ft->stats.invalid_sequences)) {
            ft_buf_free(&converted);
            set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
            return -1;
        }
        ft_buf_free(&ft->input);
        ft->input = converted;
        return 1;
    }
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF && !(ft->opts.flags & FIXTEXT_KEEP_BOM)) {
        memmove(ft->input.data, ft->input.data + 3, n - 3);
        ft->input.len -= 3;
        ft->bom_removed = 1;
        ft->stats.boms_removed++;
    }
    return 1;
}

/* Appends one slice of input (already bounded in size) and frames what it completes. */
/* New bytes are at the end of ft->input: decide what the input is, frame what is complete. */
static int input_arrived(fixtext *ft, int at_eof)
{
    if (!ft->input_started) {
        int started = start_input(ft, at_eof);
        if (started < 0)
            return ft->failed;
        if (started == 0)
            return 0;
    }
    return frame_lines(ft, at_eof);
}

static int take_input(fixtext *ft, const char *data, size_t len, int at_eof)
{
    int rc;
    if (ft->input_started && ft->wide)
        rc = ft_wide_convert(ft->wide, data, len, at_eof, &ft->input, &ft->stats.invalid_sequences);
    else
        rc = ft_buf_append(&ft->input, data, len);
    if (rc) {
        set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    return input_arrived(ft, at_eof);
}

/* Text input is read straight into ft->input; UTF-16/32 into staging, converted on commit. */
static int feeding_wide(const fixtext *ft)
{
    return ft->input_started && ft->wide;
}

void *fixtext_feed_buffer(fixtext *ft, size_t want)
{
    if (ft->failed)
        return NULL;
    ft_buf *b = feeding_wide(ft) ? &ft->staging : &ft->input;
    if (ft_buf_reserve(b, want)) {
        set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return NULL;
    }
    return b->data + b->len;
}

int fixtext_feed_commit(fixtext *ft, size_t n)
{
    if (ft->failed)
        return ft->failed;
    ft->stats.bytes_in += n;
    if (feeding_wide(ft)) /* (staging stays empty: its bytes start at data) */
        return take_input(ft, ft->staging.data, n, 0);
    ft->input.len += n;
    return input_arrived(ft, 0);
}

#define FEED_SLICE (256u << 10)

int fixtext_feed(fixtext *ft, const void *data, size_t len)
{
    const char *p = data;
    if (ft->failed)
        return ft->failed;
    ft->stats.bytes_in += len;
    while (len > 0) {
        size_t n = len < FEED_SLICE ? len : FEED_SLICE;
        if (take_input(ft, p, n, 0))
            return ft->failed;
        p += n;
        len -= n;
    }
    return 0;
}

int fixtext_flush(fixtext *ft)
{
    if (ft->failed)
        return ft->failed;
    if (!ft->input_started && ft->input.len > 0 && start_input(ft, 1) < 0)
        return ft->failed;
    if (ft->input_started && frame_lines(ft, 0))
        return ft->failed;
    return process_batch(ft);
}

int fixtext_finish(fixtext *ft)
{
    if (ft->failed)
        return ft->failed;
    if (take_input(ft, NULL, 0, 1) || process_batch(ft))
        return ft->failed;
    ft->input_started = 0;
    ft->wide_kind = FT_WIDE_NONE;
    ft_wide_free(ft->wide);
    ft->wide = NULL;
    ft->bom_removed = 0;
    ft->line_in_progress_changed = 0;
    ft->line_number = 0;
    ft->input.len = 0;
    ft->framed = 0;
    ft_detector_reset(ft->detector);
    return 0;
}

static int append_to_buf(void *opaque, const char *data, size_t len)
{
    return ft_buf_append(opaque, data, len);
}

int fixtext_buffer(fixtext *ft, const void *in, size_t len, char **out, size_t *outlen)
{
    ft_buf result = {0};
    fixtext_write_fn saved_write = ft->write;
    void *saved_opaque = ft->opaque;
    fixtext_line_fn saved_line = ft->on_line;
    ft->write = append_to_buf;
    ft->opaque = &result;
    ft->on_line = NULL;
    int rc = fixtext_feed(ft, in, len);
    if (rc == 0)
        rc = fixtext_finish(ft);
    ft->write = saved_write;
    ft->opaque = saved_opaque;
    ft->on_line = saved_line;
    if (rc == 0 && ft_buf_putc(&result, '\0'))
        rc = FIXTEXT_ERR_NOMEM;
    if (rc) {
        ft_buf_free(&result);
        *out = NULL;
        *outlen = 0;
        return rc;
    }
    *out = result.data;
    *outlen = result.len - 1;
    return 0;
}
