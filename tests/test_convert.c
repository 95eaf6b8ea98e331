/* Unit tests for script.c and convert.c: script classification, configuration errors, and
 * conversion that leaves text already in the target script alone. Expected conversions are
 * OpenCC's own (checked with `opencc -c <config>.json`); where fixtext must differ from OpenCC
 * (什么 under tw2s, which OpenCC turns into 什幺) the test says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"

static void *open_config(const char *to)
{
    fixtext_options o;
    fixtext_options_init(&o);
    o.convert_to = to;
    char err[512] = "";
    void *c = ft_converter_new(&o, err, sizeof err);
    if (!c)
        fprintf(stderr, "%s: %s\n", to, err);
    assert_non_null(c);
    return c;
}

/* Converts in (len bytes); returns rc, the text in *out (owned by the caller) and the spans. */
static int run(void *c, const char *in, size_t len, ft_buf *out, unsigned *spans,
               ft_buf *explain)
{
    fixtext_line_info info;
    memset(&info, 0, sizeof info);
    ft_report r = {.info = &info, .explain = explain, .stage = (unsigned)fixtext_stage_id("convert")};
    ft_buf_clear(out);
    int rc = ft_convert_line(c, in, len, out, &r);
    assert_true(rc >= 0);
    if (rc == 0)
        assert_int_equal(info.fixed[fixtext_stage_id("convert")], 0);
    if (spans)
        *spans = info.fixed[fixtext_stage_id("convert")];
    return rc;
}

/* Checks that config turns in into want (want == in: left alone, rc 0), and, when idempotent,
 * that converting the result again changes nothing. */
static void expect_run(const char *config, const char *in, const char *want, int idempotent)
{
    void *c = open_config(config);
    ft_buf out = {0};
    int rc = run(c, in, strlen(in), &out, NULL, NULL);
    if (strcmp(in, want) == 0) {
        if (rc != 0)
            fprintf(stderr, "%s changed %s -> %.*s\n", config, in, (int)out.len, out.data);
        assert_int_equal(rc, 0);
    } else {
        if (rc != 1 || out.len != strlen(want) || memcmp(out.data, want, out.len) != 0)
            fprintf(stderr, "%s: %s\nwant: %s\ngot:  %.*s (rc %d)\n", config, in, want,
                    (int)out.len, out.data ? out.data : "", rc);
        assert_int_equal(rc, 1);
        assert_int_equal(out.len, strlen(want));
        assert_memory_equal(out.data, want, out.len);
        if (!idempotent)
            goto done;
        char *again = strndup(out.data, out.len);
        assert_non_null(again);
        rc = run(c, again, strlen(again), &out, NULL, NULL);
        if (rc != 0)
            fprintf(stderr, "%s second run changed %s -> %.*s\n", config, again, (int)out.len,
                    out.data);
        assert_int_equal(rc, 0);
        free(again);
    }
done:
    ft_buf_free(&out);
    ft_converter_free(c);
}

static void expect(const char *config, const char *in, const char *want)
{
    expect_run(config, in, want, 1);
}

static void classifies_scripts(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int script;
    } cases[] = {
        {"头发", FT_SCRIPT_SIMPLIFIED},
        {"頭髮", FT_SCRIPT_TRADITIONAL},
        {"頭发", FT_SCRIPT_MIXED},
        {"什麼", FT_SCRIPT_TRADITIONAL},
        {"什么", FT_SCRIPT_SIMPLIFIED},
        {"群众", FT_SCRIPT_SIMPLIFIED},       /* 众 */
        {"群", FT_SCRIPT_SHARED},             /* Simplified and the Taiwan form of 羣 */
        {"皇后", FT_SCRIPT_SHARED},           /* 后 is valid in both scripts */
        {"乾隆", FT_SCRIPT_SHARED},           /* so is 乾 */
        {"中文", FT_SCRIPT_SHARED},           /* shared characters only */
        {"第二行也是中文。", FT_SCRIPT_SHARED},
        {"hello, world", FT_SCRIPT_NONE},
        {"", FT_SCRIPT_NONE},
        {"當前,新一輪科技革命和産業變革深入發展", FT_SCRIPT_TRADITIONAL}, /* seed 001 */
        {"贯彻落实習近平總書記關于網絡強國的重要思想", FT_SCRIPT_MIXED},   /* seed 001 style */
        {"习近平总书记掌舵领航网信事业发展纪实-kok体育娱乐官网", FT_SCRIPT_SIMPLIFIED}, /* 002 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = ft_script_classify(cases[i].text, strlen(cases[i].text));
        if (got != cases[i].script)
            fprintf(stderr, "%s: %s, want %s\n", cases[i].text, ft_script_name(got),
                    ft_script_name(cases[i].script));
        assert_int_equal(got, cases[i].script);
    }
    assert_string_equal(ft_script_name(FT_SCRIPT_MIXED), "mixed");
    assert_string_equal(ft_script_name(FT_SCRIPT_SHARED), "shared");
    assert_string_equal(ft_script_name(99), "none");
    /* A truncated sequence at the end is not read past. */
    assert_int_equal(ft_script_classify("發\xE5\x8F", 5), FT_SCRIPT_TRADITIONAL);
}

static void configuration_errors(void **state)
{
    (void)state;
    fixtext_options o;
    char err[512];

    fixtext_options_init(&o);
    o.convert_to = "klingon";
    err[0] = '\0';
    assert_null(ft_converter_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "'klingon'"));

    o.convert_to = "simplified";
    o.opencc_data_dir = "/nonexistent/opencc";
    err[0] = '\0';
    assert_null(ft_converter_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/opencc/t2s.json"));

    /* The environment variable, when no directory is given (the suite sets it to the build
     * tree's data: put it back). */
    o.opencc_data_dir = NULL;
    const char *saved = getenv("FIXTEXT_OPENCC_DATA");
    char *keep = saved ? strdup(saved) : NULL;
    setenv("FIXTEXT_OPENCC_DATA", "/nonexistent/env", 1);
    err[0] = '\0';
    assert_null(ft_converter_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/env/t2s.json"));
    if (keep)
        setenv("FIXTEXT_OPENCC_DATA", keep, 1);
    else
        unsetenv("FIXTEXT_OPENCC_DATA");
    free(keep);

    o.convert_to = NULL;
    o.opencc_config = "/nonexistent/my.json";
    err[0] = '\0';
    assert_null(ft_converter_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/my.json"));

    char path[] = "/tmp/fixtext-broken-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"name\": broken", 15), 15);
    close(fd);
    o.opencc_config = path;
    err[0] = '\0';
    assert_null(ft_converter_new(&o, err, sizeof err));
    assert_non_null(strstr(err, path));
    unlink(path);

    /* Names OpenCC ships, in any case, with or without .json, and the friendly aliases. */
    const char *good[] = {"simplified", "traditional", "taiwan", "hongkong", "taiwan-phrases",
                          "T2S", "s2t.json", "tw2sp", "hk2s", "t2tw", "t2hk", "jp2t", "t2jp"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ft_converter_free(open_config(good[i]));

    /* Any configuration file, and a data directory given explicitly. */
    fixtext_options_init(&o);
    o.opencc_config = "/usr/share/opencc/s2t.json";
    void *c = ft_converter_new(&o, err, sizeof err);
    assert_non_null(c);
    ft_converter_free(c);
    fixtext_options_init(&o);
    o.convert_to = "s2t";
    o.opencc_data_dir = "/usr/share/opencc/";
    c = ft_converter_new(&o, err, sizeof err);
    assert_non_null(c);
    ft_converter_free(c);
}

static void converts_like_opencc(void **state)
{
    (void)state;
    expect("t2s", "頭髮", "头发");
    expect("t2s", "什麼時候", "什么时候");
    expect("s2t", "头发", "頭髮");                 /* phrase: 发 -> 髮, not 發 */
    expect("s2t", "以后", "以後");                 /* 后 is valid Traditional, still converted */
    expect("s2twp", "鼠标", "滑鼠");               /* phrase of another word */
    expect("s2twp", "信息", "資訊");               /* shared characters only, still converted */
    expect("s2twp", "的士", "計程車");             /* length changes */
    expect("s2tw", "为什么", "為什麼");
    expect("s2hk", "为什么", "為什麼");
    expect("t2s", "他說：「頭髮，很長。」", "他说：「头发，很长。」");
    expect("s2twp", "U盘", "隨身碟");             /* a key with a Latin letter */
    expect("s2twp", "用户", "使用者");
}

static void leaves_target_script_alone(void **state)
{
    (void)state;
    expect("simplified", "什么", "什么");
    expect("tw2s", "什么", "什么");                /* OpenCC: 什幺 */
    expect("tw2s", "显著", "显著");                /* OpenCC: 显着 */
    expect("tw2s", "我们什么时候去", "我们什么时候去");
    expect("traditional", "頭髮", "頭髮");
    expect("s2t", "干預", "干預");                 /* s2t's own output for 干预; not 幹預 */
    expect("s2twp", "游標", "游標");               /* s2twp's own output for 光标; not 遊標 */
    expect("s2twp", "演算法", "演算法");           /* OpenCC: 演演算法 */
    expect("t2s", "hello, world", "hello, world");
    /* OpenCC 1.4 copies an ideographic description sequence whole (nested ones too). */
    expect("t2s", "⿰氵發與⿱艹⿰門發", "⿰氵發与⿱艹⿰門發");
    expect("t2s", "，。「」", "，。「」");
}

static void mixed_lines(void **state)
{
    (void)state;
    /* The Simplified chunk stays; the Traditional one is converted. */
    expect("t2s", "他说：頭髮很長。", "他说：头发很长。");
    expect("s2t", "頭髮很長，他说", "頭髮很長，他說");
    /* Inside one chunk: the target character is kept where it is, and the phrase it belongs to
     * still decides the others: 头发 is 頭髮, where 发 alone is 發. */
    expect("t2s", "头發很長", "头发很长");
    expect("s2t", "頭发很长", "頭髮很長");
    expect("s2tw", "頭发很长", "頭髮很長");
    /* A length-changing phrase in a chunk with a Traditional character (aligned by LCS). */
    expect("s2twp", "的士與鼠标", "計程車與滑鼠");
    /* A phrase that mixes scripts converts as the phrase (OpenCC: 数据库 -> 資料庫 under s2twp):
     * a target character that is only its reading's conversion takes the phrase's (數 -> 資). */
    expect("s2twp", "数据庫", "資料庫");
    expect("s2twp", "數据库", "資料庫");
    expect("s2twp", "数據庫", "資料庫");
    expect("s2t", "头發", "頭髮");
    /* Taiwan's 么 (幺) in a phrase of Traditional text is converted with it, as OpenCC does
     * (not idempotent: OpenCC's own data turns its 幺麽 into 幺么, having no entry for 幺麽). */
    expect_run("tw2s", "么麼小丑", "幺麽小丑", 0);
    expect("tw2sp", "有范例程序教你怎么做", "有范例程序教你怎么做"); /* 么 of Simplified text */
    /* Current data: names keep 甦 (OpenCC 1.1's data made 陈苏 of them). */
    expect("t2s", "林甦 陳甦 韓甦", "林甦 陈甦 韩甦");
    /* Seed 001: OpenCC-traditional text with Simplified 关于 */
    expect("t2s", "貫徹落實習近平總書記關于網絡強國的重要思想",
           "贯彻落实习近平总书记关于网络强国的重要思想");
}

static void counts_and_explains(void **state)
{
    (void)state;
    void *c = open_config("t2s");
    ft_buf out = {0}, explain = {0};
    unsigned spans = 0;
    const char *in = "頭髮，什麼，abc，中文";
    assert_int_equal(run(c, in, strlen(in), &out, &spans, &explain), 1);
    assert_int_equal(spans, 2);
    assert_true(explain.len > 0);
    assert_non_null(memmem(explain.data, explain.len, "t2s", 3));

    /* NUL and other controls pass through, and cut chunks like punctuation. */
    static const char nul_in[] = "頭\0髮", nul_want[] = "头\0发";
    assert_int_equal(run(c, nul_in, sizeof nul_in - 1, &out, &spans, NULL), 1);
    assert_int_equal(out.len, sizeof nul_want - 1);
    assert_memory_equal(out.data, nul_want, out.len);
    assert_int_equal(spans, 2);

    ft_buf_free(&out);
    ft_buf_free(&explain);
    ft_converter_free(c);
}

/* Every line of the seeds, in both directions: whatever the line, a second run changes nothing,
 * and a Simplified line is left as it is by conversions to Simplified. */
static void seeds_are_idempotent(void **state)
{
    (void)state;
    const char *dir = getenv("FIXTEXT_FIXTURES");
    if (!dir)
        dir = "fixtures";
    static const char *const seeds[] = {"000_3cb92859fe70f893.txt", "001_f09c55cc5214583c.txt",
                                        "002_acdd70bc26a88983.txt", "003_22b544f8dca79e83.txt",
                                        "004_ecb655ede9af396d.txt"};
    static const char *const configs[] = {"t2s", "s2t", "tw2s", "s2twp"};
    for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
        void *c = open_config(configs[k]);
        int to_simplified = configs[k][strlen(configs[k]) - 1] == 's';
        ft_buf out = {0}, again = {0};
        unsigned lines = 0, changed = 0;
        for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/seeds/%s", dir, seeds[s]);
            FILE *f = fopen(path, "rb");
            assert_non_null(f);
            char *line = NULL;
            size_t cap = 0;
            ssize_t n;
            while ((n = getline(&line, &cap, f)) > 0) {
                while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                    n--;
                if (ft_utf8_valid_prefix((const unsigned char *)line, (size_t)n) != (size_t)n)
                    continue;
                lines++;
                int script = ft_script_classify(line, (size_t)n);
                int rc = run(c, line, (size_t)n, &out, NULL, NULL);
                /* (Towards Traditional, a line may read "traditional" and still hold a
                 * Simplified form valid in Traditional elsewhere: 關于 becomes 關於.) */
                if (to_simplified && script == FT_SCRIPT_SIMPLIFIED && rc != 0) {
                    fprintf(stderr, "%s changed a line in its target script:\n%.*s\n%.*s\n",
                            configs[k], (int)n, line, (int)out.len, out.data);
                    fail();
                }
                if (rc == 0)
                    continue;
                changed++;
                int rc2 = run(c, out.data, out.len, &again, NULL, NULL);
                if (rc2 != 0)
                    fprintf(stderr, "%s: not idempotent:\n%.*s\n%.*s\n", configs[k],
                            (int)out.len, out.data, (int)again.len, again.data);
                assert_int_equal(rc2, 0);
            }
            free(line);
            fclose(f);
        }
        assert_true(lines > 500);
        assert_true(changed > 100); /* the seeds hold text of both scripts */
        ft_buf_free(&out);
        ft_buf_free(&again);
        ft_converter_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classifies_scripts),
        cmocka_unit_test(configuration_errors),
        cmocka_unit_test(converts_like_opencc),
        cmocka_unit_test(leaves_target_script_alone),
        cmocka_unit_test(mixed_lines),
        cmocka_unit_test(counts_and_explains),
        cmocka_unit_test(seeds_are_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
