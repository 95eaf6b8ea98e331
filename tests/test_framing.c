/* Unit tests for framing.c: where lines end (LF, CRLF, lone CR, a CR at the end of a chunk) and
 * where an over-long line may be cut without splitting a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static size_t end_of(const char *s, int at_eof, uint8_t *term)
{
    return ft_find_line_end((const unsigned char *)s, strlen(s), at_eof, term);
}

static void finds_each_terminator(void **state)
{
    (void)state;
    uint8_t term;
    assert_int_equal(end_of("abc\ndef", 0, &term), 3);
    assert_int_equal(term, 1);
    assert_int_equal(end_of("abc\r\ndef", 0, &term), 3);
    assert_int_equal(term, 2);
    assert_int_equal(end_of("abc\rdef\n", 0, &term), 3);
    assert_int_equal(term, 1);
    assert_int_equal(end_of("\n", 0, &term), 0);
    assert_int_equal(term, 1);
    assert_int_equal(end_of("\r\r\n", 0, &term), 0);
    assert_int_equal(term, 1);
}

static void no_terminator_means_more_input(void **state)
{
    (void)state;
    uint8_t term;
    assert_int_equal(end_of("no end yet", 0, &term), 10);
    assert_int_equal(term, 0);
    /* a CR at the end of what we have may be the first half of CRLF */
    assert_int_equal(end_of("abc\r", 0, &term), 4);
    assert_int_equal(term, 0);
    assert_int_equal(end_of("abc\r", 1, &term), 3);
    assert_int_equal(term, 1);
}

static void window_cut_prefers_ascii_boundaries(void **state)
{
    (void)state;
    const char *s = "網絡 強國網絡";
    size_t cut = ft_window_cut((const unsigned char *)s, strlen(s));
    assert_int_equal(cut, strlen("網絡 "));
}

static void window_cut_never_splits_a_character(void **state)
{
    (void)state;
    /* Only CJK: every cut must land on a character boundary. */
    char s[64] = "";
    for (int i = 0; i < 10; i++)
        strcat(s, "網");
    for (size_t n = 4; n <= strlen(s); n++) {
        size_t cut = ft_window_cut((const unsigned char *)s, n);
        assert_true(cut >= 1 && cut <= n);
        assert_int_equal(cut % 3, 0);
    }
    /* GB18030 four-byte characters use digits as trail bytes: no cut after a digit. */
    const unsigned char gb[] = {0x81, 0x30, 0x81, 0x30, 0x81, 0x30, 0x81, 0x30};
    assert_int_equal(ft_window_cut(gb, sizeof gb), sizeof gb);
}

/* GBK text may have no ASCII for a long stretch: the cut then falls between two pairs. */
static void window_cut_keeps_double_byte_pairs(void **state)
{
    (void)state;
    unsigned char gbk[20001];
    for (size_t i = 0; i + 1 < sizeof gbk; i += 2) /* 啊啊啊… in GBK */
        gbk[i] = 0xB0, gbk[i + 1] = 0xA1;
    gbk[20000] = 0xB0; /* a lead byte whose trail has not arrived */
    gbk[100] = gbk[101] = ' '; /* a pair replaced by two spaces */
    /* the space is too far back: cut between pairs, never after a lead byte */
    assert_int_equal(ft_window_cut(gbk, sizeof gbk - 1), sizeof gbk - 1);
    assert_int_equal(ft_window_cut(gbk, sizeof gbk), sizeof gbk - 1);
    assert_int_equal(ft_window_cut(gbk + 102, 20001 - 102), 19898);
    gbk[15000] = ',';
    assert_int_equal(ft_window_cut(gbk, sizeof gbk), 15001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_each_terminator),
        cmocka_unit_test(no_terminator_means_more_input),
        cmocka_unit_test(window_cut_prefers_ascii_boundaries),
        cmocka_unit_test(window_cut_never_splits_a_character),
        cmocka_unit_test(window_cut_keeps_double_byte_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
