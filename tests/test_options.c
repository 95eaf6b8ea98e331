/* Unit tests for cli_options.c: every option lands in the right field, usage errors are refused
 * with a message and GNU conventions hold (--opt=value, "--", "-" as an operand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_options.h"

static char errors[4096];

static enum cli_action parse(cli_config *cfg, int argc, char **argv)
{
    FILE *err = fmemopen(errors, sizeof errors, "w");
    enum cli_action a = cli_parse(argc, argv, cfg, err);
    fclose(err);
    return a;
}
#define PARSE(cfg, ...)                                                                           \
    parse(cfg, (int)(sizeof((char *[]){"fixtext", __VA_ARGS__}) / sizeof(char *)),              \
          (char *[]){"fixtext", __VA_ARGS__, NULL})

static void no_options_reads_stdin(void **state)
{
    (void)state;
    cli_config cfg;
    char *argv[] = {"fixtext", NULL};
    assert_int_equal(parse(&cfg, 1, argv), CLI_RUN);
    assert_int_equal(cfg.nfiles, 0);
    assert_null(cfg.output);
    assert_int_equal(cfg.lib.flags, 0);
}

static void output_and_files(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "-o", "out.txt", "a.txt", "-", "b.txt"), CLI_RUN);
    assert_string_equal(cfg.output, "out.txt");
    assert_int_equal(cfg.nfiles, 3);
    assert_string_equal(cfg.files[1], "-");
    assert_int_equal(PARSE(&cfg, "--output=x", "--", "--check"), CLI_RUN);
    assert_string_equal(cfg.output, "x");
    assert_int_equal(cfg.nfiles, 1);
    assert_string_equal(cfg.files[0], "--check");
    assert_int_equal(cfg.check, 0);
}

static void in_place_with_and_without_suffix(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "-i", "a.txt"), CLI_RUN);
    assert_true(cfg.in_place);
    assert_null(cfg.backup_suffix);
    assert_int_equal(PARSE(&cfg, "--in-place=.bak", "a.txt"), CLI_RUN);
    assert_string_equal(cfg.backup_suffix, ".bak");
    assert_int_equal(PARSE(&cfg, "-i.orig", "a.txt"), CLI_RUN);
    assert_string_equal(cfg.backup_suffix, ".orig");
}

static void repair_switches_set_flags(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "--keep-bom", "--no-mojibake", "--keep-entities", "--no-shifted",
                           "--no-c1", "--keep-pinyin", "--no-detect"),
                     CLI_RUN);
    unsigned want = FIXTEXT_KEEP_BOM | FIXTEXT_NO_MOJIBAKE | FIXTEXT_KEEP_ENTITIES |
                    FIXTEXT_NO_SHIFTED | FIXTEXT_NO_C1 | FIXTEXT_KEEP_PINYIN | FIXTEXT_NO_DETECT;
    assert_int_equal(cfg.lib.flags, want);
}

static void report_formats(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "--detect"), CLI_RUN);
    assert_int_equal(cfg.detect, CLI_FORMAT_TEXT);
    assert_true(cfg.lib.flags & FIXTEXT_CLASSIFY_SCRIPT);
    assert_int_equal(PARSE(&cfg, "--detect=json", "--explain=json", "--stats"), CLI_RUN);
    assert_int_equal(cfg.detect, CLI_FORMAT_JSON);
    assert_int_equal(cfg.explain, CLI_FORMAT_JSON);
    assert_true(cfg.lib.flags & FIXTEXT_EXPLAIN);
    assert_true(cfg.stats);
    assert_int_equal(PARSE(&cfg, "--detect=xml"), CLI_USAGE_ERROR);
    assert_non_null(strstr(errors, "xml"));
}

static void conversion_and_detection_values(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "--to", "simplified", "--opencc-data=/d", "--opencc-config", "c.json",
                           "-f", "GB18030", "--candidates=UTF-8,BIG5", "--lang=zh", "-j", "2"),
                     CLI_RUN);
    assert_string_equal(cfg.lib.convert_to, "simplified");
    assert_string_equal(cfg.lib.opencc_data_dir, "/d");
    assert_string_equal(cfg.lib.opencc_config, "c.json");
    assert_string_equal(cfg.lib.from, "GB18030");
    assert_string_equal(cfg.lib.candidates, "UTF-8,BIG5");
    assert_string_equal(cfg.lib.lang, "zh");
    assert_int_equal(cfg.lib.jobs, 2);
    assert_int_equal(PARSE(&cfg, "--window=4K"), CLI_RUN);
    assert_int_equal(cfg.lib.window, 4096);
}

static void usage_errors(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "--bogus"), CLI_USAGE_ERROR);
    assert_non_null(strstr(errors, "unrecognized option '--bogus'"));
    assert_non_null(strstr(errors, "--help"));
    assert_int_equal(PARSE(&cfg, "-Z"), CLI_USAGE_ERROR);
    assert_non_null(strstr(errors, "invalid option -- 'Z'"));
    assert_int_equal(PARSE(&cfg, "-o"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "--from=NO-SUCH-CHARSET-42"), CLI_USAGE_ERROR);
    assert_non_null(strstr(errors, "NO-SUCH-CHARSET-42"));
    assert_int_equal(PARSE(&cfg, "-j", "0"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "-j", "many"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "-i"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "-i", "-o", "x", "a"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "-i", "-"), CLI_USAGE_ERROR);
    assert_int_equal(PARSE(&cfg, "--window=10"), CLI_USAGE_ERROR);
}

static void help_and_version(void **state)
{
    (void)state;
    cli_config cfg;
    assert_int_equal(PARSE(&cfg, "--help"), CLI_HELP);
    assert_int_equal(PARSE(&cfg, "--version"), CLI_VERSION);
    assert_int_equal(PARSE(&cfg, "a", "--version"), CLI_VERSION); /* options may follow operands */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_options_reads_stdin),
        cmocka_unit_test(output_and_files),
        cmocka_unit_test(in_place_with_and_without_suffix),
        cmocka_unit_test(repair_switches_set_flags),
        cmocka_unit_test(report_formats),
        cmocka_unit_test(conversion_and_detection_values),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(help_and_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
