/* Unit tests for pipeline.c through the public API: line and terminator preservation under any
 * chunking, BOM handling, windows of over-long lines, worker threads, write errors, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtext.h"
#include "internal.h"

/* Spine-only behaviour: every stage that could rewrite text is off. */
#define SPINE_ONLY (FIXTEXT_NO_DETECT | FIXTEXT_NO_MOJIBAKE | FIXTEXT_KEEP_ENTITIES | FIXTEXT_KEEP_PINYIN)

typedef struct capture {
    ft_buf text;
    unsigned long lines, partial_pieces, changed;
    uint64_t last_number;
    int fail_writes;
} capture;

static int capture_write(void *opaque, const char *data, size_t len)
{
    capture *c = opaque;
    if (c->fail_writes)
        return 1;
    return ft_buf_append(&c->text, data, len);
}

static int capture_line(void *opaque, const fixtext_line_info *info)
{
    capture *c = opaque;
    if (info->partial) {
        c->partial_pieces++;
        return 0;
    }
    c->lines++;
    c->changed += info->changed != 0;
    assert_int_equal(info->number, c->last_number + 1); /* in order, none skipped */
    c->last_number = info->number;
    return 0;
}

static fixtext *make(unsigned flags, size_t window, unsigned jobs)
{
    fixtext_options o;
    fixtext_options_init(&o);
    o.flags = flags;
    o.window = window;
    o.jobs = jobs;
    char err[256];
    fixtext *ft = fixtext_new(&o, err, sizeof err);
    assert_non_null(ft);
    return ft;
}

/* Runs input through a fresh context, fed in pieces of `step` bytes (0: all at once). */
static void run(unsigned flags, size_t window, unsigned jobs, const char *in, size_t len, size_t step,
                capture *c)
{
    memset(c, 0, sizeof *c);
    fixtext *ft = make(flags, window, jobs);
    fixtext_set_output(ft, capture_write, capture_line, c);
    if (step == 0)
        step = len ? len : 1;
    for (size_t i = 0; i < len; i += step)
        assert_int_equal(fixtext_feed(ft, in + i, len - i < step ? len - i : step), 0);
    assert_int_equal(fixtext_finish(ft), 0);
    fixtext_free(ft);
}

/* The same through fixtext_feed_buffer / fixtext_feed_commit: pieces of `step` bytes copied into
 * the context's own room, as a reader would read them. */
static void run_zero_copy(unsigned flags, const char *in, size_t len, size_t step, capture *c)
{
    memset(c, 0, sizeof *c);
    fixtext *ft = make(flags, 0, 1);
    fixtext_set_output(ft, capture_write, capture_line, c);
    for (size_t i = 0; i < len; i += step) {
        size_t n = len - i < step ? len - i : step;
        char *room = fixtext_feed_buffer(ft, step);
        assert_non_null(room);
        memcpy(room, in + i, n);
        assert_int_equal(fixtext_feed_commit(ft, n), 0);
    }
    assert_int_equal(fixtext_finish(ft), 0);
    fixtext_free(ft);
}

static char *read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("FIXTEXT_FIXTURES");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "fixtures", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    ft_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ft_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return ft_buf_release(&b);
}

static const char mixed[] = "first\r\nsecond\rthird\n\n網絡強國\r\n\r\rbad \xFF byte\nlast, no newline";

static void every_split_point_gives_the_same_output(void **state)
{
    (void)state;
    const size_t len = sizeof mixed - 1;
    capture whole, part;
    run(SPINE_ONLY, 0, 1, mixed, len, 0, &whole);
    const char *want = "first\r\nsecond\rthird\n\n網絡強國\r\n\r\rbad \uFFFD byte\nlast, no newline";
    assert_int_equal(whole.text.len, strlen(want));
    assert_memory_equal(whole.text.data, want, strlen(want));
    assert_int_equal(whole.lines, 9);
    assert_int_equal(whole.changed, 1);
    for (size_t step = 1; step <= len; step++) {
        run(SPINE_ONLY, 0, 1, mixed, len, step, &part);
        assert_int_equal(part.text.len, whole.text.len);
        assert_memory_equal(part.text.data, whole.text.data, whole.text.len);
        assert_int_equal(part.lines, whole.lines);
        ft_buf_free(&part.text);
    }
    ft_buf_free(&whole.text);
}

static void zero_copy_feeding_gives_the_same_output(void **state)
{
    (void)state;
    /* text (read straight into the input), UTF-16 with a BOM (staged, then converted), and a
     * seed, whole and in odd pieces, with every stage on */
    static const char utf16[] = "\xFF\xFEh\0i\0\n\0\x51\x7F\x5C\x7D\r\0\n\0";
    size_t seed_len;
    char *seed = read_fixture("seeds/001_f09c55cc5214583c.txt", &seed_len);
    const struct {
        const char *data;
        size_t len;
    } inputs[] = {{mixed, sizeof mixed - 1}, {utf16, sizeof utf16 - 1}, {seed, seed_len}};
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        capture want, got;
        run(0, 0, 1, inputs[k].data, inputs[k].len, 0, &want);
        for (size_t step = 1; step <= 4096; step = step * 5 + 2) {
            run_zero_copy(0, inputs[k].data, inputs[k].len, step, &got);
            assert_int_equal(got.text.len, want.text.len);
            assert_memory_equal(got.text.data, want.text.data, want.text.len);
            assert_int_equal(got.lines, want.lines);
            ft_buf_free(&got.text);
        }
        ft_buf_free(&want.text);
    }
    free(seed);
}

static void empty_input_gives_empty_output(void **state)
{
    (void)state;
    capture c;
    run(0, 0, 1, "", 0, 0, &c);
    assert_int_equal(c.text.len, 0);
    assert_int_equal(c.lines, 0);
    run(0, 0, 1, "\n", 1, 0, &c);
    assert_int_equal(c.text.len, 1);
    assert_int_equal(c.lines, 1);
    ft_buf_free(&c.text);
}

static void bom_is_removed_unless_kept(void **state)
{
    (void)state;
    const char in[] = "\xEF\xBB\xBFhello\nworld\n";
    capture c;
    run(SPINE_ONLY, 0, 1, in, sizeof in - 1, 1, &c);
    assert_int_equal(c.text.len, 12);
    assert_memory_equal(c.text.data, "hello\nworld\n", 12);
    assert_int_equal(c.changed, 1);
    ft_buf_free(&c.text);
    run(SPINE_ONLY | FIXTEXT_KEEP_BOM, 0, 1, in, sizeof in - 1, 0, &c);
    assert_int_equal(c.text.len, sizeof in - 1);
    assert_int_equal(c.changed, 0);
    ft_buf_free(&c.text);
    /* A BOM-like sequence later in the input is text, not a BOM. */
    const char later[] = "a\n\xEF\xBB\xBF" "b\n";
    run(SPINE_ONLY, 0, 1, later, sizeof later - 1, 0, &c);
    assert_int_equal(c.text.len, sizeof later - 1);
    ft_buf_free(&c.text);
}

static void each_input_starts_afresh(void **state)
{
    (void)state;
    capture c = {0};
    fixtext *ft = make(SPINE_ONLY, 0, 1);
    fixtext_set_output(ft, capture_write, NULL, &c);
    assert_int_equal(fixtext_feed(ft, "\xEF\xBB\xBF" "one", 6), 0);
    assert_int_equal(fixtext_finish(ft), 0);
    assert_int_equal(fixtext_feed(ft, "\xEF\xBB\xBF" "two\n", 7), 0);
    assert_int_equal(fixtext_finish(ft), 0);
    assert_int_equal(c.text.len, 7);
    assert_memory_equal(c.text.data, "onetwo\n", 7);
    assert_int_equal(fixtext_get_stats(ft)->lines, 2);
    assert_int_equal(fixtext_get_stats(ft)->boms_removed, 2);
    fixtext_free(ft);
    ft_buf_free(&c.text);
}

static void long_lines_are_handled_in_windows(void **state)
{
    (void)state;
    ft_buf in = {0};
    for (int i = 0; i < 5000; i++)
        ft_buf_append(&in, i % 7 ? "網絡" : "網, ", i % 7 ? 6 : 5);
    ft_buf_append(&in, "\nshort\n", 7);
    for (int i = 0; i < 3000; i++) /* a last line without newline */
        ft_buf_append(&in, "強國", 6);
    capture c;
    run(SPINE_ONLY, 64, 1, in.data, in.len, 4096, &c);
    assert_int_equal(c.text.len, in.len);
    assert_memory_equal(c.text.data, in.data, in.len);
    assert_int_equal(c.lines, 3);
    assert_true(c.partial_pieces > 300);
    assert_int_equal(c.changed, 0);
    ft_buf_free(&c.text);
    ft_buf_free(&in);
}

static void worker_threads_keep_order(void **state)
{
    (void)state;
    size_t len;
    char *seed = read_fixture("seeds/000_3cb92859fe70f893.txt", &len);
    ft_buf in = {0};
    for (int i = 0; i < 40; i++) /* several batches */
        ft_buf_append(&in, seed, len);
    capture one, two;
    run(0, 0, 1, in.data, in.len, 100000, &one);
    run(0, 0, 2, in.data, in.len, 100000, &two);
    assert_int_equal(one.text.len, two.text.len);
    assert_memory_equal(one.text.data, two.text.data, one.text.len);
    assert_int_equal(one.lines, two.lines);
    ft_buf_free(&one.text);
    ft_buf_free(&two.text);
    ft_buf_free(&in);
    free(seed);
}

static void clean_utf8_passes_through_untouched(void **state)
{
    (void)state;
    size_t len;
    char *seed = read_fixture("seeds/002_acdd70bc26a88983.txt", &len);
    capture c;
    run(0, 0, 1, seed, len, 65536, &c);
    assert_int_equal(c.text.len, len);
    assert_memory_equal(c.text.data, seed, len);
    assert_int_equal(c.changed, 0);
    ft_buf_free(&c.text);
    free(seed);
}

/* One context per thread: contexts share nothing, so concurrent use gives the same results. */
typedef struct thread_job {
    const char *in;
    size_t len;
    capture out;
} thread_job;

static void *run_in_thread(void *arg)
{
    thread_job *job = arg;
    memset(&job->out, 0, sizeof job->out);
    fixtext *ft = make(FIXTEXT_EXPLAIN, 0, 1);
    fixtext_set_output(ft, capture_write, NULL, &job->out);
    fixtext_feed(ft, job->in, job->len);
    fixtext_finish(ft);
    fixtext_free(ft);
    return NULL;
}

static void contexts_are_independent_across_threads(void **state)
{
    (void)state;
    size_t len;
    char *seed = read_fixture("seeds/001_f09c55cc5214583c.txt", &len);
    capture alone;
    run(FIXTEXT_EXPLAIN, 0, 1, seed, len, 0, &alone);
    pthread_t threads[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){.in = seed, .len = len};
        assert_int_equal(pthread_create(&threads[i], NULL, run_in_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].out.text.len, alone.text.len);
        assert_memory_equal(jobs[i].out.text.data, alone.text.data, alone.text.len);
        ft_buf_free(&jobs[i].out.text);
    }
    ft_buf_free(&alone.text);
    free(seed);
}

static void write_errors_stop_processing(void **state)
{
    (void)state;
    capture c = {0};
    c.fail_writes = 1;
    fixtext *ft = make(SPINE_ONLY, 0, 1);
    fixtext_set_output(ft, capture_write, NULL, &c);
    assert_int_equal(fixtext_feed(ft, "a\nb\n", 4), 0); /* nothing written yet: batched */
    assert_int_equal(fixtext_finish(ft), FIXTEXT_ERR_WRITE);
    assert_true(strlen(fixtext_error(ft)) > 0);
    assert_int_equal(fixtext_feed(ft, "c\n", 2), FIXTEXT_ERR_WRITE); /* the error sticks */
    fixtext_free(ft);
}

static void buffer_api_and_statistics(void **state)
{
    (void)state;
    fixtext *ft = make(SPINE_ONLY, 0, 1);
    char *out;
    size_t outlen;
    const char in[] = "ok\n\xC0\xAF\xE4\xBD\n\xEF\xBF\xBD kept\n";
    assert_int_equal(fixtext_buffer(ft, in, sizeof in - 1, &out, &outlen), 0);
    assert_string_equal(out, "ok\n\uFFFD\uFFFD\uFFFD\n\uFFFD kept\n");
    const fixtext_stats *s = fixtext_get_stats(ft);
    assert_int_equal(s->lines, 3);
    assert_int_equal(s->lines_changed, 1);
    assert_int_equal(s->invalid_sequences, 3);
    assert_int_equal(s->replacement_chars, 4);
    assert_int_equal(s->bytes_in, sizeof in - 1);
    assert_int_equal(s->bytes_out, outlen);
    free(out);
    fixtext_free(ft);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_split_point_gives_the_same_output),
        cmocka_unit_test(zero_copy_feeding_gives_the_same_output),
        cmocka_unit_test(empty_input_gives_empty_output),
        cmocka_unit_test(bom_is_removed_unless_kept),
        cmocka_unit_test(each_input_starts_afresh),
        cmocka_unit_test(long_lines_are_handled_in_windows),
        cmocka_unit_test(worker_threads_keep_order),
        cmocka_unit_test(clean_utf8_passes_through_untouched),
        cmocka_unit_test(contexts_are_independent_across_threads),
        cmocka_unit_test(write_errors_stop_processing),
        cmocka_unit_test(buffer_api_and_statistics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
