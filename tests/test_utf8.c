/* Unit tests for utf8.c: the validator and U+FFFD substitution of maximal subparts, checked against
 * the examples of the Unicode Standard (chapter 3.9, tables 3-8 to 3-11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

#define U(s) (const unsigned char *)(s), sizeof(s) - 1

static void expect_sanitized(const char *in, size_t inlen, const char *want, long want_replaced)
{
    ft_buf out = {0};
    long replaced = ft_utf8_sanitize((const unsigned char *)in, inlen, &out, NULL);
    assert_int_equal(replaced, want_replaced);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data ? out.data : "", want, strlen(want));
    ft_buf_free(&out);
}

static void valid_text_is_whole_prefix(void **state)
{
    (void)state;
    assert_int_equal(ft_utf8_valid_prefix(U("plain ascii text, long enough for words")), 39);
    assert_int_equal(ft_utf8_valid_prefix(U("網絡強國 — ok ✓ 😀")), strlen("網絡強國 — ok ✓ 😀"));
    assert_int_equal(ft_utf8_valid_prefix(U("")), 0);
    /* boundaries of the well-formed table */
    assert_int_equal(ft_utf8_valid_prefix(U("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80"
                                            "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF")), 21);
}

static void invalid_bytes_stop_the_prefix(void **state)
{
    (void)state;
    assert_int_equal(ft_utf8_valid_prefix(U("abc\xFF")), 3);
    assert_int_equal(ft_utf8_valid_prefix(U("abcdefghij\xC0\xAF")), 10);     /* overlong */
    assert_int_equal(ft_utf8_valid_prefix(U("\xED\xA0\x80")), 0);            /* surrogate */
    assert_int_equal(ft_utf8_valid_prefix(U("\xF4\x90\x80\x80")), 0);        /* > U+10FFFF */
    assert_int_equal(ft_utf8_valid_prefix(U("網\xE7\xB5")), 3);              /* truncated */
    assert_int_equal(ft_utf8_valid_prefix(U("\xE7\xB5\x41")), 0);            /* bad trail */
}

/* Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 */
static void standard_example_table_3_8(void **state)
{
    (void)state;
    const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    expect_sanitized(in, sizeof in - 1, "a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd", 6);
}

/* Tables 3-9 to 3-11: non-shortest forms, surrogates, out of range, truncated sequences. */
/* CESU-8: supplementary characters as the UTF-8 of their UTF-16 halves (Java's modified UTF-8,
 * utf8mb3 stores). Decoded when asked; a lone or reversed half is still ill-formed. */
static void cesu8_pairs_decoded_when_asked(void **state)
{
    (void)state;
    const char grin[] = "ok \xED\xA0\xBD\xED\xB8\x80 \xED\xA0\xBD\xED\xB1\x8D!"; /* U+1F600 U+1F44D */
    ft_buf out = {0};
    unsigned pairs = 0;
    assert_int_equal(ft_utf8_sanitize((const unsigned char *)grin, sizeof grin - 1, &out, &pairs), 0);
    assert_int_equal(pairs, 2);
    assert_int_equal(out.len, strlen("ok \U0001F600 \U0001F44D!"));
    assert_memory_equal(out.data, "ok \U0001F600 \U0001F44D!", out.len);
    ft_buf_free(&out);
    /* a high half alone, a low half alone, a low half before a high one: U+FFFD per subpart */
    const char lone[] = "\xED\xA0\xBDx\xED\xB8\x80\xED\xB8\x80\xED\xA0\xBD";
    pairs = 0;
    assert_int_equal(ft_utf8_sanitize((const unsigned char *)lone, sizeof lone - 1, &out, &pairs), 12);
    assert_int_equal(pairs, 0);
    ft_buf_free(&out);
    uint32_t cp = 0;
    assert_int_equal(ft_utf8_cesu_pair((const unsigned char *)"\xED\xAF\xBF\xED\xBF\xBF", 6, &cp), 6);
    assert_int_equal(cp, 0x10FFFF);
    assert_int_equal(ft_utf8_cesu_pair((const unsigned char *)"\xED\xA0\xBD\xED\xB8", 5, &cp), 0);
}

static void standard_examples_3_9_to_3_11(void **state)
{
    (void)state;
    const char overlong[] = "\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41";
    expect_sanitized(overlong, sizeof overlong - 1,
                     "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA", 8);
    const char surrogates[] = "\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41";
    expect_sanitized(surrogates, sizeof surrogates - 1,
                     "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA", 8);
    const char out_of_range[] = "\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42";
    expect_sanitized(out_of_range, sizeof out_of_range - 1,
                     "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA\uFFFD\uFFFDB", 7);
    const char truncated[] = "\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41";
    expect_sanitized(truncated, sizeof truncated - 1, "\uFFFD\uFFFD\uFFFD\uFFFDA", 4);
}

static void decode_and_encode_round_trip(void **state)
{
    (void)state;
    const uint32_t cps[] = {0x41, 0xE9, 0x7DB2, 0xFF08, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        ft_buf b = {0};
        assert_int_equal(ft_buf_put_cp(&b, cps[i]), 0);
        uint32_t back;
        assert_int_equal(ft_utf8_sequence_length((const unsigned char *)b.data, b.len), b.len);
        assert_int_equal(ft_utf8_decode((const unsigned char *)b.data, &back), b.len);
        assert_int_equal(back, cps[i]);
        ft_buf_free(&b);
    }
    ft_buf b = {0};
    ft_buf_put_cp(&b, 0xD800); /* a surrogate cannot be encoded: it becomes U+FFFD */
    assert_memory_equal(b.data, "\xEF\xBF\xBD", 3);
    ft_buf_free(&b);
}

static void counts_replacement_characters(void **state)
{
    (void)state;
    assert_int_equal(ft_utf8_count_replacements(U("a\uFFFDb\uFFFD\uFFFD")), 3);
    assert_int_equal(ft_utf8_count_replacements(U("、督查")), 0);
    assert_true(ft_is_ascii(U("0123456789abcdef!")));
    assert_false(ft_is_ascii(U("0123456789abcdef\xC3\xA9")));
}

/* The whole-buffer check (vectorised where the CPU allows) agrees with the scalar validator on
 * text built from real characters with random damage, at every length and alignment. */
static void whole_buffer_check_agrees_with_scalar(void **state)
{
    (void)state;
    static const char *pieces[] = {"a", " ", "\n", "é", "網", "絡", "😀", "\xEF\xBF\xBD", "Ж",
                                   "\xF4\x8F\xBF\xBF", "\xEE\x80\x80", "\xE0\xA0\x80"};
    static const unsigned char damage[] = {0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xE0, 0xED, 0xF0, 0xF4,
                                           0xF5, 0xFF, 0xA0, 0x90};
    unsigned seed = 12345;
    unsigned char buf[600];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t target = (seed >> 8) % 300;
        while (len < target) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(buf + len, piece, strlen(piece));
            len += strlen(piece);
        }
        seed = seed * 1103515245u + 12345u;
        if (len && (seed >> 20) % 3 == 0) /* damage one byte in two rounds of three */
            buf[(seed >> 4) % len] = damage[(seed >> 12) % sizeof damage];
        if (len && (seed >> 24) % 5 == 0)
            len -= 1 + (seed >> 8) % (len < 3 ? len : 3); /* cut a character at the end */
        size_t offset = (seed >> 10) % 7;
        memmove(buf + offset, buf, len);
        unsigned want_fffd = 0;
        int want = ft_utf8_scan(buf + offset, len, &want_fffd) == len;
        int fffd = -1;
        assert_int_equal(ft_utf8_valid(buf + offset, len, &fffd), want);
        if (want)
            assert_int_equal(fffd, want_fffd != 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_text_is_whole_prefix),
        cmocka_unit_test(invalid_bytes_stop_the_prefix),
        cmocka_unit_test(standard_example_table_3_8),
        cmocka_unit_test(standard_examples_3_9_to_3_11),
        cmocka_unit_test(cesu8_pairs_decoded_when_asked),
        cmocka_unit_test(decode_and_encode_round_trip),
        cmocka_unit_test(counts_replacement_characters),
        cmocka_unit_test(whole_buffer_check_agrees_with_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
