/* Unit tests for opencc_engine.c and opencc_dict.c: fixtext's own OpenCC conversion gives what
 * libopencc 1.1 gives, byte for byte, for every configuration of fixtext's data on real text
 * (the conversion fixtures, made from Debian's Chinese documentation and poetry, and the seeds),
 * line by line and whole files at once; small configurations written here pin down the rules
 * that real data exercises only now and then (a group's first match, segments converted alone)
 * and when a dictionary's compiled form is used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <opencc/opencc.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"
#include "../src/stages/opencc_engine.h"

static const char *data_dir(void)
{
    const char *d = getenv("FIXTEXT_OPENCC_DATA");
    assert_non_null(d);
    return d;
}

/* The real texts every configuration is checked on. */
static const char *const TEXTS[] = {
    "convert/traditional.txt", "convert/simplified.txt",   "convert/mixed.txt",
    "convert/mixed_phrases.tsv", "convert/expectations.tsv", "seeds/000_3cb92859fe70f893.txt",
    "seeds/001_f09c55cc5214583c.txt", "seeds/002_acdd70bc26a88983.txt",
    "seeds/003_22b544f8dca79e83.txt", "seeds/004_ecb655ede9af396d.txt",
};

static char *read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("FIXTEXT_FIXTURES");
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = ft_opencc_read_file(path, len);
    if (!text)
        fprintf(stderr, "%s: cannot read\n", path);
    assert_non_null(text);
    return text;
}

/* 1 when fixtext's conversion of p[0..n) is libopencc's; prints the difference otherwise. */
static int same_as_libopencc(const ft_opencc *cc, opencc_t od, ft_opencc_scratch *s, ft_buf *out,
                             const char *p, size_t n, const char *config)
{
    char *want = opencc_convert_utf8(od, p, n);
    assert_non_null(want);
    assert_int_equal(ft_opencc_convert(cc, s, p, n, out), 0);
    int same = strlen(want) == out->len && memcmp(want, out->data, out->len) == 0;
    if (!same)
        fprintf(stderr, "%s: %.*s\n  libopencc: %s\n  fixtext:   %s\n", config,
                (int)(n < 200 ? n : 200), p, want, out->data);
    opencc_convert_utf8_free(want);
    return same;
}

/* The configuration at path opened by fixtext (which must convert it itself) and by libopencc. */
static ft_opencc *open_both(const char *path, int own_data, opencc_t *od)
{
    char err[512] = "";
    ft_opencc *cc = ft_opencc_open(path, own_data, err, sizeof err);
    if (!cc)
        fprintf(stderr, "%s: %s\n", path, err);
    assert_non_null(cc);
    assert_string_equal(ft_opencc_engine(cc), "fixtext");
    *od = opencc_open(path);
    assert_true(*od != (opencc_t)-1);
    return cc;
}

/* Every line of every text, and every text whole, through config both ways; the lines that
 * differ are counted. Returns the count. */
static unsigned compare_config(const char *config_path, const char *config)
{
    opencc_t od;
    ft_opencc *cc = open_both(config_path, 1, &od);
    ft_opencc_scratch s = {0};
    ft_buf out = {0};
    unsigned differ = 0, lines = 0;
    for (size_t t = 0; t < sizeof TEXTS / sizeof *TEXTS; t++) {
        size_t len;
        char *text = read_fixture(TEXTS[t], &len);
        for (const char *line = text, *end = text + len; line < end;) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
            differ += !same_as_libopencc(cc, od, &s, &out, line, n, config);
            lines++;
            line += n + 1;
        }
        differ += !same_as_libopencc(cc, od, &s, &out, text, len, config);
        free(text);
    }
    assert_true(lines > 3000);
    ft_buf_free(&out);
    ft_opencc_scratch_free(&s);
    opencc_close(od);
    ft_opencc_close(cc);
    return differ;
}

static void every_configuration_matches_libopencc(void **state)
{
    (void)state;
    DIR *dir = opendir(data_dir());
    assert_non_null(dir);
    unsigned configs = 0, differ = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data_dir(), e->d_name);
        differ += compare_config(path, e->d_name);
        configs++;
    }
    closedir(dir);
    assert_true(configs >= 17); /* every --to name fixtext's data has, and normalize */
    assert_int_equal(differ, 0);
}

/* Another directory's binary dictionaries are libopencc's to read: the same configuration
 * opened as not fixtext's data converts through libopencc, with the same result. */
static void other_data_goes_to_libopencc(void **state)
{
    (void)state;
    char path[4096], err[512] = "";
    snprintf(path, sizeof path, "%s/t2s.json", data_dir());
    ft_opencc *cc = ft_opencc_open(path, 0, err, sizeof err);
    assert_non_null(cc);
    assert_string_equal(ft_opencc_engine(cc), "libopencc");
    ft_opencc_scratch s = {0};
    ft_buf out = {0};
    const char *in = "憂鬱的臺灣烏龜";
    assert_int_equal(ft_opencc_convert(cc, &s, in, strlen(in), &out), 0);
    assert_string_equal(out.data, "忧郁的台湾乌龟");
    ft_buf_free(&out);
    ft_opencc_scratch_free(&s);
    ft_opencc_close(cc);
}

/* Keys outside the Basic Multilingual Plane (their first step is not the direct array):
 * normalize.json's compatibility ideographs (U+2F800 -> U+4E3D 丽) and t2s's Extension B keys
 * (U+2005E -> U+2003E), beside BMP text, as libopencc converts them. */
static void supplementary_keys(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"normalize.json", "丽 and 丸, 豈"},
        {"t2s.json", "𠁞漢𠁞 𠌥"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data_dir(), cases[i][0]);
        opencc_t od;
        ft_opencc *cc = open_both(path, 1, &od);
        ft_opencc_scratch s = {0};
        ft_buf out = {0};
        const char *in = cases[i][1];
        assert_true(same_as_libopencc(cc, od, &s, &out, in, strlen(in), cases[i][0]));
        assert_true(out.len != strlen(in) || memcmp(out.data, in, out.len) != 0);
        ft_buf_free(&out);
        ft_opencc_scratch_free(&s);
        opencc_close(od);
        ft_opencc_close(cc);
    }
}

/* Writes name in dir with the given content. */
static void write_file(const char *dir, const char *name, const char *content)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    assert_int_equal(fclose(f), 0);
}

/* A configuration of "text" dictionaries, read by both: segmentation by one dictionary, then a
 * chain of a group (its first dictionary with a match wins, even over a longer match in the
 * next) and a second step that only sees each segment alone. */
static void text_dictionaries_follow_opencc_rules(void **state)
{
    (void)state;
    char dir[] = "/tmp/fixtext-opencc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "seg.txt", "甲乙\t甲乙\n丙\t丙\n");
    write_file(dir, "first.txt", "甲\tA\n");
    write_file(dir, "second.txt", "甲乙\tX\n乙\tB B2\n丙丁\tY\n");
    write_file(dir, "third.txt", "B丙\tZ\nA\ta\n");
    write_file(dir, "c.json",
               "{\"name\": \"rules\", \"segmentation\": {\"type\": \"mmseg\", \"dict\": "
               "{\"type\": \"text\", \"file\": \"seg.txt\"}}, \"conversion_chain\": ["
               "{\"dict\": {\"type\": \"group\", \"dicts\": [{\"type\": \"text\", \"file\": "
               "\"first.txt\"}, {\"type\": \"text\", \"file\": \"second.txt\"}]}}, "
               "{\"dict\": {\"type\": \"text\", \"file\": \"third.txt\"}}]}\n");
    char path[4096], err[512] = "";
    snprintf(path, sizeof path, "%s/c.json", dir);
    opencc_t od;
    ft_opencc *cc = open_both(path, 0, &od);
    ft_opencc_scratch s = {0};
    ft_buf out = {0};
    /* 甲乙 is one segment: the group's first dictionary turns 甲 into A (second.txt's longer
     * 甲乙 is not looked at), then 乙 -> B (first candidate); 丙 is a segment of its own, so
     * third.txt's B丙 never matches across; 丁 gathers with the unmatched characters after. */
    const char *in = "甲乙丙丁戊";
    assert_int_equal(ft_opencc_convert(cc, &s, in, strlen(in), &out), 0);
    assert_string_equal(out.data, "aB丙丁戊");
    assert_true(same_as_libopencc(cc, od, &s, &out, in, strlen(in), "rules"));
    const char *more[] = {"乙丙丁", "丙丁甲", "甲乙甲乙乙", "", "戊己", "丁丙丁"};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        assert_true(same_as_libopencc(cc, od, &s, &out, more[i], strlen(more[i]), "rules"));
    /* Bytes that are not UTF-8 (libopencc is never given them) are copied as they are. */
    assert_int_equal(ft_opencc_convert(cc, &s, "\xff甲\x80", 5, &out), 0);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "\xff" "a\x80", 3);
    opencc_close(od);
    ft_opencc_close(cc);

    /* The compiled form beside a text is mapped when it was built from that text: patched
     * here (the candidate "A", the last byte of first.fxt, made "W"), the patch shows. */
    char txt[4096], fxt[4096];
    snprintf(txt, sizeof txt, "%s/first.txt", dir);
    snprintf(fxt, sizeof fxt, "%s/first.fxt", dir);
    assert_int_equal(ft_opencc_dict_compile(txt, fxt, err, sizeof err), 0);
    FILE *f = fopen(fxt, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, -1, SEEK_END), 0);
    assert_int_equal(fgetc(f), 'A');
    assert_int_equal(fseek(f, -1, SEEK_END), 0);
    assert_int_equal(fputc('W', f), 'W');
    assert_int_equal(fclose(f), 0);
    ft_opencc *mapped = ft_opencc_open(path, 0, err, sizeof err);
    assert_non_null(mapped);
    assert_int_equal(ft_opencc_convert(mapped, &s, "甲", 3, &out), 0);
    assert_string_equal(out.data, "W");
    ft_opencc_close(mapped);
    /* ... and passed over once the text changes (甲 -> A2 now, then A -> a in the second step). */
    write_file(dir, "first.txt", "甲\tA2\n");
    mapped = ft_opencc_open(path, 0, err, sizeof err);
    assert_non_null(mapped);
    assert_int_equal(ft_opencc_convert(mapped, &s, "甲", 3, &out), 0);
    assert_string_equal(out.data, "a2");
    ft_opencc_close(mapped);
    unlink(fxt);

    /* A dictionary line without a tab is an error naming the file and the line. */
    write_file(dir, "first.txt", "甲\tA\n乙 B\n");
    assert_null(ft_opencc_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "first.txt:2: "));
    ft_buf_free(&out);
    ft_opencc_scratch_free(&s);
    const char *names[] = {"seg.txt", "first.txt", "second.txt", "third.txt", "c.json"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_configuration_matches_libopencc),
        cmocka_unit_test(other_data_goes_to_libopencc),
        cmocka_unit_test(supplementary_keys),
        cmocka_unit_test(text_dictionaries_follow_opencc_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
