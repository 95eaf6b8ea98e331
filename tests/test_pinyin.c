/* Unit tests for pinyin.c: which parenthesised syllables go (readings of the character before
 * them, in every spelling) and which stay (everything else), on text taken from the seeds; and
 * the judgement between spam and glosses, which depends on the document around a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

/* A document whose survey is given (annotations on plain characters and glosses, the line's
 * own included). */
static ft_document document_with(unsigned plain_annotations, unsigned glosses)
{
    ft_document d = {.surveyed = ~0u};
    d.surveys[fixtext_stage_id("pinyin")][FT_PINYIN_PLAIN] = plain_annotations;
    d.surveys[fixtext_stage_id("pinyin")][FT_PINYIN_GLOSSES] = glosses;
    return d;
}

/* Runs the stage on in, in a document whose surveys are given; checks the text that results and
 * the number of annotations removed. */
static void expect_in_glossed(unsigned document_plain, unsigned document_glosses, const char *in,
                              const char *want, unsigned want_removed)
{
    ft_buf out = {0};
    fixtext_line_info info;
    memset(&info, 0, sizeof info);
    ft_document doc = document_with(document_plain, document_glosses);
    ft_report r = {.info = &info, .stage = (unsigned)fixtext_stage_id("pinyin"), .document = &doc};
    int rc = ft_pinyin_strip(NULL, in, strlen(in), &out, &r);
    if (want_removed == 0) {
        if (rc != 0)
            fprintf(stderr, "changed: %s -> %.*s\n", in, (int)out.len, out.data);
        assert_int_equal(rc, 0);
    } else {
        if (rc != 1 || out.len != strlen(want) || memcmp(out.data, want, out.len) != 0)
            fprintf(stderr, "in:   %s\nwant: %s\ngot:  %.*s (rc %d)\n", in, want, (int)out.len,
                    out.data ? out.data : "", rc);
        assert_int_equal(rc, 1);
        assert_int_equal(out.len, strlen(want));
        assert_memory_equal(out.data, want, out.len);
    }
    assert_int_equal(info.fixed[fixtext_stage_id("pinyin")], want_removed);
    ft_buf_free(&out);
}

static void expect_in(unsigned document_plain, const char *in, const char *want,
                      unsigned want_removed)
{
    expect_in_glossed(document_plain, 0, in, want, want_removed);
}

/* Which annotations are readings: judged in a spam document, where every reading goes. */
static void expect(const char *in, const char *want, unsigned want_removed)
{
    expect_in(FT_PINYIN_SPAM_DOCUMENT, in, want, want_removed);
}

static void keeps(const char *in)
{
    expect(in, in, 0);
}

/* A line alone (no document evidence): what stays is counted as glosses kept; plain: the
 * annotations on plain characters the line shows its document. */
static void alone(const char *in, const char *want, unsigned removed, unsigned kept, unsigned plain)
{
    fixtext_line_info info;
    memset(&info, 0, sizeof info);
    ft_report r = {.info = &info, .stage = (unsigned)fixtext_stage_id("pinyin")};
    ft_buf out = {0};
    int rc = ft_pinyin_strip(NULL, in, strlen(in), &out, &r);
    const char *got = rc == 1 ? out.data : in;
    size_t got_len = rc == 1 ? out.len : strlen(in);
    if (got_len != strlen(want) || memcmp(got, want, got_len) != 0)
        fprintf(stderr, "in:   %s\nwant: %s\ngot:  %.*s\n", in, want, (int)got_len, got);
    assert_int_equal(got_len, strlen(want));
    assert_memory_equal(got, want, got_len);
    assert_int_equal(info.fixed[fixtext_stage_id("pinyin")], removed);
    assert_int_equal(info.reported[fixtext_stage_id("pinyin")], kept);
    unsigned counts[FT_SURVEY_COUNTS] = {0};
    ft_pinyin_survey(NULL, in, strlen(in), counts);
    assert_int_equal(counts[FT_PINYIN_PLAIN], plain);
    assert_int_equal(counts[FT_PINYIN_GLOSSES], removed + kept - plain);
    ft_buf_free(&out);
}

/* Glosses annotate rare or polyphonic characters; spam annotates plain ones, and a line or a
 * document that shows spam loses every annotation. */
static void judgement(void **state)
{
    (void)state;
    /* glosses: kept when nothing around says spam */
    alone("数据表行(háng)权限", "数据表行(háng)权限", 0, 1, 0);
    alone("长(cháng)短", "长(cháng)短", 0, 1, 0);
    alone("使民重（zhòng）死", "使民重（zhòng）死", 0, 1, 0);
    alone("杯深旋（xuán）被香醪（láo）涴（wò）", "杯深旋（xuán）被香醪（láo）涴（wò）", 0, 3, 0);
    alone("临邛（qiong2）", "临邛（qiong2）", 0, 1, 0);
    alone("蘧(qu2)伯玉", "蘧(qu2)伯玉", 0, 1, 0);
    /* an annotation on a plain character is spam, and takes the line's others with it */
    alone("加入收藏 | 進(jìn)入舊版", "加入收藏 | 進入舊版", 1, 0, 1);
    alone("長(zhǎng)於網(wǎng)", "長於網", 2, 0, 1);
    /* the seed lines whose only annotation is on a polyphonic character go in their document */
    const char *seed = "邁向數(shù)字文明新時代的中國方案";
    alone(seed, seed, 0, 1, 0);
    expect(seed, "邁向數字文明新時代的中國方案", 1);
    /* one plain annotation elsewhere in the document is not yet a pattern */
    expect_in(FT_PINYIN_SPAM_DOCUMENT - 1, seed, seed, 0);
    /* verse glosses an everyday-by-the-tables literary character (胥: GB 2312 level 1, one
       reading) two lines before a polyphonic one (fortunes-zh, Xin Qiji): its document holds
       that gloss, so this one is a gloss too; without it, the line alone is spam's pattern */
    const char *verse = "元嘉草草，封狼居胥（xū），赢得仓皇北顾。";
    expect_in_glossed(1, 1, verse, verse, 0);
    expect_in_glossed(1, 0, verse, "元嘉草草，封狼居胥，赢得仓皇北顾。", 1);
    alone(verse, "元嘉草草，封狼居胥，赢得仓皇北顾。", 1, 0, 1);
    /* a line with a plain annotation and a gloss of its own is still spam's pattern alone */
    expect_in_glossed(1, 1, "長(zhǎng)於網(wǎng)", "長於網", 2);
}

static void seed_forms(void **state)
{
    (void)state;
    /* 000:3, 001, 003 as crawled */
    expect("從網(wǎng)絡(luò)大國(guó)闊步邁向網(wǎng)絡(luò)強(qiáng)國(guó)",
           "從網絡大國闊步邁向網絡強國", 7);
    expect("堅持著(zhe)", "堅持著", 1);
    expect("了(le)的(de)", "了的", 2);
    expect("長(zhǎng)長(cháng)", "長長", 2);
    expect("加入收藏 | 進(jìn)入舊版", "加入收藏 | 進入舊版", 1);
}

static void spellings(void **state)
{
    (void)state;
    expect("中國（guó）人", "中國人", 1);                        /* full-width */
    expect("中國(guó）人", "中國人", 1);                         /* mixed pair */
    expect("中國(guo\xCC\x81)人", "中國人", 1);                   /* NFD: o + U+0301 */
    expect("綠(lu\xCC\x88\xCC\x80)色", "綠色", 1);               /* NFD: u + U+0308 + U+0300 */
    expect("綠(\xC3\xBC\xCC\x80)", "綠(\xC3\xBC\xCC\x80)", 0);   /* ǜ alone is no syllable */
    expect("綠(lǜ)色", "綠色", 1);
    expect("綠(lü\xCC\x80)色", "綠色", 1);                        /* ü + combining grave */
    expect("綠(lv4)色", "綠色", 1);
    expect("綠(lu:4)色", "綠色", 1);
    expect("女(nü)人", "女人", 1);
    expect("中國(guo2)人", "中國人", 1);
    expect("中國(guo)人", "中國人", 1);                           /* toneless */
    expect("我們(men5)", "我們", 1);                              /* neutral number: any tone */
    expect("我們(men0)", "我們", 1);
    expect("嗯(ńg)", "嗯", 1);
    expect("欸(ê̄)", "欸", 1);
    expect("國(gúo)", "國", 1);                                   /* mark on the wrong vowel */
    expect("學(xue\xCC\x81)習(xí)", "學習", 2);
    expect("中(zhōng)國(guó)人(rén)民(mín)", "中國人民", 4);          /* consecutive */
    expect("从(zòng)容", "从容", 1);                              /* the reading of 從 */
    expect("𠀀(hē)", "𠀀", 1);                                    /* U+20000, four bytes */
    expect("國(ɡuó)", "國", 1);                                    /* script g of textbooks */
    expect("國\xEF\xB8\x80(guó)", "國\xEF\xB8\x80", 1);           /* variation selector U+FE00 */
    expect("\xEF\xA4\x80(qǐ)", "\xEF\xA4\x80", 1);                 /* U+F900, compatibility 豈 */
}

static void keeps_what_is_not_a_reading(void **state)
{
    (void)state;
    /* the ones checked by hand in the seeds */
    keeps("國際標準化組織(ISO)大會");
    keeps("中央網絡安全和信息化領導小組(后改為委員會)");
    keeps("國家(貴州)樞紐節點");
    keeps("黨委(黨組)網絡安全工作責任制實施辦法");
    keeps("Guidelines for Software Management (Trial),研究");
    /* glosses and readings of something else */
    keeps("北京(Běijīng)");
    keeps("北京(běijīng)");
    keeps("中國(Zhōngguó)");
    keeps("國(Guó)");
    keeps("國(GUÓ)");
    keeps("國(guà)");      /* a tone 國 does not have */
    keeps("國(guo3)");
    keeps("國(jiā)");      /* another character's reading */
    keeps("國(guo6)");
    keeps("國(guo25)");
    keeps("國(2)");
    keeps("國 (guó)");     /* not glued to the character */
    keeps("國( guó )");
    keeps("國(guó");       /* never closed */
    keeps("國()");
    keeps("國(");
    keeps("(guó)國");
    keeps("Linux(lì)");
    keeps("2023(nián)");
    keeps("。(guó)");
    keeps("名(name)");
    keeps("文件(file)");
    keeps("拼音（pīnyīn）");
    keeps("國(guó-guó)");
    keeps("國(guóguó)");
    keeps("國(zhuangg)");
    keeps("read(2) 與 write(2)");
    keeps("國(lǖu)");       /* ü where no ü syllable exists */
    keeps("國(guó\xCC\x81)"); /* two tones */
    keeps("國(guo\xCC\x81" "2)");
    keeps("what?bào)");       /* '?' after ASCII is punctuation, not a lost character */
    keeps("什麼?a)");         /* a single letter after a lost one is too weak */
    keeps("そうですね?(nè)");  /* '?' after kana is a question mark, nothing was lost there */
    /* a U+FFFD after kana or Hangul is Japanese or Korean text cut mid-character (bench_cut_text:
       ソケット cut twice in a man page), not a lost Han character */
    keeps("RAW \xE3\x82\xBD\xEF\xBF\xBD\xE3\x83\x83\xEF\xBF\xBD(ping)");
    keeps("\xEC\x86\x8C\xEF\xBF\xBD(ping)");
    keeps("café?(bào)");
    keeps("中A(guó)");        /* the rebuilt pair (國's last byte, 'A') is no character read guó */
    keeps("A(a)");
}

static void damaged_text(void **state)
{
    (void)state;
    /* 000:4: 報 and the character before it were lost to '?', each '(' with them */
    expect("來源:人民網(wǎng)-人民日?qǐng)?bào) 作者", "來源:人民網-人民日?? 作者", 3);
    /* 000:126 */
    expect("丘陵山地?cái)?shù)字農(nóng)業", "丘陵山地??字農業", 3);
    /* a lost character whose '(' survived */
    expect("人民日?(bào)", "人民日?", 1);
    expect("人民日\xEF\xBF\xBD(bào)", "人民日\xEF\xBF\xBD", 1);   /* U+FFFD */
    expect("下?de)大小", "下?大小", 1);                          /* toneless, two letters */
    /* 000:84: 現 (GBK AC 46) split: AC went into 崿 (8D AC), 46 is the 'F' */
    expect("領域?qū)崿F(xiàn)原創", "領域?崿F原創", 2);
    /* 000:140: 領 (GBK 8E 49) split: 8E went into U+E7D1 (GB18030 A8EE... A3 8E), 49 is 'I' */
    expect("電子社??\xEE\x9F\x91I(lǐng)用人數", "電子社??\xEE\x9F\x91I用人數", 1);
}

static void clean_lines_untouched(void **state)
{
    (void)state;
    keeps("");
    keeps("沒有網絡安全就沒有國家安全。");
    keeps("plain ascii, with (parentheses) and ) and (");
    keeps("（一）總則");
    keeps(")");
    keeps("(");
    keeps("\xEF\xBC\x88");
}

static void reports_and_explains(void **state)
{
    (void)state;
    ft_buf out = {0}, explain = {0};
    fixtext_line_info info;
    memset(&info, 0, sizeof info);
    info.fixed[fixtext_stage_id("pinyin")] = 5; /* the stage adds to what is there */
    ft_report r = {.info = &info, .explain = &explain, .stage = (unsigned)fixtext_stage_id("pinyin")};
    const char *in = "網(wǎng)絡(luò)";
    assert_int_equal(ft_pinyin_strip(NULL, in, strlen(in), &out, &r), 1);
    assert_int_equal(info.fixed[fixtext_stage_id("pinyin")], 7);
    assert_int_equal(explain.len, strlen("pinyin: 2 removed"));
    assert_memory_equal(explain.data, "pinyin: 2 removed", explain.len);
    ft_buf_free(&out);
    ft_buf_free(&explain);
}

/* Every prefix of an annotated line (cut on character boundaries or not: the stage gets valid
 * UTF-8, so only boundaries) is handled without reading past its end (ASan watches). */
static void every_prefix_is_safe(void **state)
{
    (void)state;
    const char *line = "人民日?qǐng)?bào)中國（guó）綠(lu\xCC\x88\xCC\x80)崿F(xiàn)\xEE\x9F\x91I(lǐng)";
    size_t n = strlen(line);
    for (size_t k = 0; k <= n; k++) {
        if (k < n && ((unsigned char)line[k] & 0xC0) == 0x80)
            continue;
        char *copy = malloc(k ? k : 1);
        assert_non_null(copy);
        memcpy(copy, line, k);
        ft_buf out = {0};
        fixtext_line_info info;
        memset(&info, 0, sizeof info);
        ft_report r = {.info = &info, .stage = (unsigned)fixtext_stage_id("pinyin")};
        int rc = ft_pinyin_strip(NULL, copy, k, &out, &r);
        assert_true(rc == 0 || rc == 1);
        if (rc == 1)
            assert_true(out.len < k);
        ft_buf_free(&out);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(judgement),
        cmocka_unit_test(seed_forms),
        cmocka_unit_test(spellings),
        cmocka_unit_test(keeps_what_is_not_a_reading),
        cmocka_unit_test(damaged_text),
        cmocka_unit_test(clean_lines_untouched),
        cmocka_unit_test(reports_and_explains),
        cmocka_unit_test(every_prefix_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
