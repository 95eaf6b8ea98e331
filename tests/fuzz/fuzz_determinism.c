/* libFuzzer harness: the same input with the same options must give the same output bytes and the
 * same per-line explanations however it is fed. fixtext.h promises "any chunking", and -j only
 * spreads work over threads, so the reference (one fixtext_feed, jobs=1) is compared with:
 * fixtext_buffer, 1-byte pieces, pieces of pseudo-random sizes (through fixtext_feed and the
 * zero-copy fixtext_feed_buffer/commit), and jobs=2. fixtext_flush is left out: it writes lines
 * before the lines after them have arrived, trading this guarantee for latency (fixtext.h).
 *
 * Input layout: byte 0 chooses the options, byte 1 seeds the piece sizes, the rest is the text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtext.h"

/* A growable byte string; the harness aborts when out of memory (not the library's fault). */
typedef struct text {
    char *data;
    size_t len, cap;
} text;

static void text_add(text *t, const char *p, size_t n)
{
    if (n == 0) /* data may still be NULL, and NULL + 0 is undefined */
        return;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n)
            cap *= 2;
        t->data = realloc(t->data, cap);
        if (!t->data)
            abort();
        t->cap = cap;
    }
    memcpy(t->data + t->len, p, n);
    t->len += n;
}

static void text_addz(text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* What one run produced: the output bytes, and a transcript of the line callback. */
typedef struct result {
    text out;
    text explain;
} result;

static int on_write(void *opaque, const char *data, size_t len)
{
    text_add(&((result *)opaque)->out, data, len);
    return 0;
}

/* Records what --explain would show (and what it is built from), one line per callback. The
 * detector's score is left out: it is a float summary, the encoding chosen is what matters. */
static int on_line(void *opaque, const fixtext_line_info *info)
{
    text *t = &((result *)opaque)->explain;
    char head[64];
    snprintf(head, sizeof head, "%llu%s%s ", (unsigned long long)info->number, info->partial ? "+" : "",
             info->changed ? "*" : "");
    text_addz(t, head);
    text_addz(t, info->encoding ? info->encoding : "-");
    text_addz(t, ": ");
    text_addz(t, info->explain ? info->explain : "(null)");
    text_addz(t, "\n");
    return 0;
}

/* How one run feeds its input. */
typedef enum feeding {
    FEED_WHOLE,   /* one fixtext_feed */
    FEED_BUFFER,  /* fixtext_buffer (no line callback: output only) */
    FEED_BYTES,   /* 1-byte pieces */
    FEED_RANDOM,  /* pseudo-random pieces, fixtext_feed and feed_buffer/commit mixed */
} feeding;

typedef struct run_spec {
    const char *name;
    feeding how;
    unsigned jobs;
} run_spec;

static const run_spec runs[] = {
    {"one chunk, jobs=1", FEED_WHOLE, 1},
    {"fixtext_buffer, jobs=1", FEED_BUFFER, 1},
    {"1-byte pieces, jobs=1", FEED_BYTES, 1},
    {"random pieces, jobs=1", FEED_RANDOM, 1},
    {"one chunk, jobs=2", FEED_WHOLE, 2},
    {"random pieces, jobs=2", FEED_RANDOM, 2},
};

typedef struct input {
    const uint8_t *data;
    size_t size;
    uint8_t control; /* option bits, see options_for */
    uint8_t seed;    /* piece sizes */
} input;

static void options_for(const input *in, unsigned jobs, fixtext_options *o)
{
    fixtext_options_init(o);
    o->flags = FIXTEXT_EXPLAIN | FIXTEXT_CLASSIFY_SCRIPT;
    static const unsigned bits[] = {FIXTEXT_NO_DETECT, FIXTEXT_KEEP_BOM, FIXTEXT_KEEP_PINYIN,
                                    FIXTEXT_NO_MOJIBAKE, FIXTEXT_KEEP_ENTITIES, FIXTEXT_NO_SHIFTED};
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (in->control & (1u << i))
            o->flags |= bits[i];
    /* a small window makes long lines come out in several partial windows */
    o->window = (in->control & 64) ? 64 : 0;
    o->jobs = jobs;
}

/* xorshift32: piece sizes that are reproducible from the seed byte alone. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *state = x;
}

/* Piece sizes spread over several orders of magnitude (1 byte .. 8 KiB), so both tiny pieces
 * and pieces holding many lines occur in one run. */
static size_t random_piece(uint32_t *state)
{
    uint32_t r = next_random(state);
    return 1 + (r >> 4) % (1u << (r % 14));
}

static void feed_piece(fixtext *ft, const uint8_t *p, size_t n, int zero_copy)
{
    if (zero_copy) {
        char *room = fixtext_feed_buffer(ft, n);
        if (!room)
            abort();
        memcpy(room, p, n);
        if (fixtext_feed_commit(ft, n))
            abort();
    } else if (fixtext_feed(ft, p, n)) {
        abort();
    }
}

static void feed_random(fixtext *ft, const input *in)
{
    uint32_t state = 0x9E3779B9u ^ in->seed;
    for (size_t i = 0; i < in->size;) {
        uint32_t r = next_random(&state);
        size_t n = random_piece(&state);
        if (n > in->size - i)
            n = in->size - i;
        feed_piece(ft, in->data + i, n, r & 1);
        i += n;
    }
}

static void run_once(const input *in, const run_spec *spec, result *res)
{
    fixtext_options o;
    options_for(in, spec->jobs, &o);
    fixtext *ft = fixtext_new(&o, NULL, 0);
    if (!ft)
        abort();
    fixtext_set_output(ft, on_write, on_line, res);
    if (spec->how == FEED_BUFFER) {
        char *out;
        size_t len;
        if (fixtext_buffer(ft, in->data, in->size, &out, &len))
            abort();
        text_add(&res->out, out, len);
        free(out);
    } else {
        if (spec->how == FEED_WHOLE)
            feed_piece(ft, in->data, in->size, 0);
        else if (spec->how == FEED_BYTES)
            for (size_t i = 0; i < in->size; i++)
                feed_piece(ft, in->data + i, 1, 0);
        else
            feed_random(ft, in);
        if (fixtext_finish(ft))
            abort();
    }
    fixtext_free(ft);
}

/* Says where two byte strings first differ, with a little context, before the harness aborts. */
static void report_difference(const char *what, const char *name, const text *want, const text *got)
{
    size_t at = 0;
    while (at < want->len && at < got->len && want->data[at] == got->data[at])
        at++;
    size_t from = at > 40 ? at - 40 : 0;
    fprintf(stderr, "fuzz_determinism: %s of \"%s\" differ from one chunk, jobs=1 at byte %zu "
            "(lengths %zu vs %zu)\n", what, name, at, want->len, got->len);
    fprintf(stderr, "  one chunk: %.*s\n", (int)((want->len < at + 80 ? want->len : at + 80) - from),
            want->data ? want->data + from : "");
    fprintf(stderr, "  %s: %.*s\n", name, (int)((got->len < at + 80 ? got->len : at + 80) - from),
            got->data ? got->data + from : "");
}

/* With FUZZ_DETERMINISM_DUMP=DIR set, a difference also leaves both runs' whole output and
 * transcript in DIR (one.out, one.explain, other.out, other.explain) for diff(1). */
static void dump_text(const char *dir, const char *name, const text *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    if (t->len)
        fwrite(t->data, 1, t->len, f);
    fclose(f);
}

static void dump_runs(const result *one, const result *other)
{
    const char *dir = getenv("FUZZ_DETERMINISM_DUMP");
    if (!dir)
        return;
    dump_text(dir, "one.out", &one->out);
    dump_text(dir, "one.explain", &one->explain);
    dump_text(dir, "other.out", &other->out);
    dump_text(dir, "other.explain", &other->explain);
}

static int same(const text *a, const text *b)
{
    return a->len == b->len && (a->len == 0 || !memcmp(a->data, b->data, a->len));
}

static void result_free(result *r)
{
    free(r->out.data);
    free(r->explain.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const input in = {data + 2, size - 2, data[0], data[1]};
    result ref = {0};
    run_once(&in, &runs[0], &ref);
    for (size_t i = 1; i < sizeof runs / sizeof runs[0]; i++) {
        result got = {0};
        run_once(&in, &runs[i], &got);
        int bad = 0;
        if (!same(&ref.out, &got.out))
            report_difference("output bytes", runs[i].name, &ref.out, &got.out), bad = 1;
        /* fixtext_buffer calls no line callback, so it has no explanations to compare */
        if (runs[i].how != FEED_BUFFER && !same(&ref.explain, &got.explain))
            report_difference("explanations", runs[i].name, &ref.explain, &got.explain), bad = 1;
        if (bad)
            dump_runs(&ref, &got), abort();
        result_free(&got);
    }
    result_free(&ref);
    return 0;
}
