/* Unit tests for detect.c, decode.c, encodings.c, wide.c and plausibility.c: short real lines in
 * every candidate encoding (bytes made with iconv from the UTF-8 text), smoothing over
 * neighbouring lines and across batches, forced and restricted encodings, U+FFFD and truncation
 * reports, binary lines, UTF-16/32 sniffing and streaming conversion. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unicode/ucnv.h>

#include "encodings.h"

/* text (UTF-8) converted to encoding with iconv; the caller frees the result. */
static char *encode(const char *text, const char *encoding, size_t *len)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t il = strlen(text), cap = il * 4 + 16, ol = cap;
    char *out = malloc(cap), *op = out, *ip = (char *)text;
    assert_non_null(out);
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    assert_true(iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(op - out);
    return out;
}

static ft_detector *detector(const char *from, const char *candidates, const char *lang)
{
    fixtext_options o;
    fixtext_options_init(&o);
    o.from = from, o.candidates = candidates, o.lang = lang;
    char err[256];
    ft_detector *d = ft_detector_new(&o, err, sizeof err);
    assert_non_null(d);
    return d;
}

/* Decodes raw with the chosen encoding; returns malloc'd UTF-8. */
static char *decode(int encoding, const char *raw, size_t len, fixtext_line_info *info)
{
    fixtext_options o;
    fixtext_options_init(&o);
    ft_decoder *dec = ft_decoder_new(&o, NULL, 0);
    assert_non_null(dec);
    ft_buf out = {0};
    ft_report r = {.info = info};
    int rc = ft_decode_line(dec, encoding, raw, len, &out, &r);
    assert_true(rc >= 0);
    char *s = malloc((rc ? out.len : len) + 1);
    assert_non_null(s);
    memcpy(s, rc ? out.data : raw, rc ? out.len : len);
    s[rc ? out.len : len] = 0;
    ft_buf_free(&out);
    ft_decoder_free(dec);
    return s;
}

/* One line alone in a fresh detector: the encoding it gets and whether it decodes to text. */
static int detect_one(const char *text, const char *encoding, const char **chosen)
{
    size_t len;
    char *raw = encode(text, encoding, &len);
    ft_detector *d = detector(NULL, NULL, NULL);
    ft_slice s = {raw, len};
    ft_choice c;
    assert_int_equal(ft_detect_batch(d, &s, 1, NULL, &c), 0);
    fixtext_line_info info = {0};
    char *got = decode(c.encoding, raw, len, &info);
    int ok = strcmp(got, text) == 0;
    if (!ok)
        print_message("%s line '%s' read as %s: '%s'\n", encoding, text, ft_encoding_name(c.encoding), got);
    *chosen = ft_encoding_name(c.encoding);
    assert_int_equal(info.invalid_sequences, 0);
    free(got);
    free(raw);
    ft_detector_free(d);
    return ok;
}

static const struct {
    const char *text, *encoding, *expect; /* expect: the name the detector should report */
} short_lines[] = {
    {"中华人民共和国成立了", "GB18030", "GB18030"},
    {"你好，世界", "GBK", "GB18030"},
    {"繁體中文的測試內容", "BIG5-HKSCS", "BIG5-HKSCS"},
    {"資訊與說明", "BIG5", "BIG5-HKSCS"},
    {"日本語のテキストです", "CP932", "SHIFT_JIS"},
    {"東京都の天気予報", "CP932", "SHIFT_JIS"},
    {"한국어 텍스트입니다", "CP949", "EUC-KR"},
    {"Привет, мир", "CP1251", "WINDOWS-1251"},
    {"Пример текста", "KOI8-R", "KOI8-R"},
    {"Größe und Straße", "CP1252", NULL}, /* windows-1250 reads it identically */
    {"Le café est très bon", "CP1252", NULL},
    {"Zażółć gęślą jaźń", "CP1250", "WINDOWS-1250"},
    {"Příliš žluťoučký kůň", "CP1250", "WINDOWS-1250"},
    {"Καλημέρα κόσμε", "CP1253", "WINDOWS-1253"},
    {"Türkçe ağaç işçi", "CP1254", "WINDOWS-1254"},
    {"שלום עולם", "CP1255", "WINDOWS-1255"},
    {"مرحبا بالعالم", "CP1256", "WINDOWS-1256"},
    {"Ačiū labai, žmonės", "CP1257", "WINDOWS-1257"},
    {"UTF-8 文本 ✓ ok", "UTF-8", "UTF-8"},
    {"naïve café", "UTF-8", "UTF-8"},
    /* a mark sits on a letter of its own script: windows-874 read "Così" as "Cos" with a Thai
       mark on the "s", ISO-8859-6 with an Arabic one */
    {"Così", "CP1252", NULL},
    /* (Debian's German package descriptions: Shift_JIS read 81 67, "üg", as "“" inside the word) */
    {"unter http://www.sanger.ac.uk/Software/Artemis/ verfügbar.", "IBM850", NULL},
};

static void short_lines_in_every_encoding(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof short_lines / sizeof short_lines[0]; i++) {
        const char *chosen;
        int ok = detect_one(short_lines[i].text, short_lines[i].encoding, &chosen);
        assert_true(ok);
        if (short_lines[i].expect)
            assert_string_equal(chosen, short_lines[i].expect);
    }
}

static void euc_jp_and_iso2022jp(void **state)
{
    (void)state;
    const char *chosen;
    /* EUC-JP kana are GB2312's kana too: either reading is the same text, which is what counts */
    assert_true(detect_one("ひらがなとカタカナ", "EUC-JP", &chosen));
    assert_true(detect_one("日本語の文章を書きました", "EUC-JP", &chosen));
    assert_string_equal(chosen, "EUC-JP");
    assert_true(detect_one("日本語の電子メール", "ISO-2022-JP", &chosen));
    assert_string_equal(chosen, "ISO-2022-JP");
}

static void ascii_is_neutral(void **state)
{
    (void)state;
    ft_detector *d = detector(NULL, NULL, NULL);
    ft_slice s = {"plain ascii text", 16};
    ft_choice c;
    assert_int_equal(ft_detect_batch(d, &s, 1, NULL, &c), 0);
    assert_string_equal(ft_encoding_name(c.encoding), "ASCII");
    ft_detector_free(d);
}

/* Runs lines through a detector in batches of `batch` lines; returns the names chosen. */
static void detect_lines(ft_detector *d, char **raw, size_t *len, size_t n, size_t batch,
                         const char **names)
{
    ft_slice s[64];
    ft_choice c[64];
    for (size_t i = 0; i < n; i += batch) {
        size_t m = n - i < batch ? n - i : batch;
        for (size_t j = 0; j < m; j++)
            s[j] = (ft_slice){raw[i + j], len[i + j]};
        assert_int_equal(ft_detect_batch(d, s, m, NULL, c), 0);
        for (size_t j = 0; j < m; j++)
            names[i + j] = ft_encoding_name(c[j].encoding);
    }
}

/* "請" alone in Big5 reads better as EUC-JP (a common kanji there too); between Big5 lines it
 * is Big5 — in one batch and when the Big5 lines came in an earlier batch. */
static void short_line_takes_its_neighbours_encoding(void **state)
{
    (void)state;
    const char *chosen;
    detect_one("請", "BIG5-HKSCS", &chosen);
    assert_string_not_equal(chosen, "BIG5-HKSCS"); /* the premise: alone it is ambiguous */
    const char *text[] = {"繁體中文的測試內容", "臺灣的資訊與說明", "請", "電腦檔案已經儲存", "學生們在圖書館讀書"};
    char *raw[5];
    size_t len[5];
    for (int i = 0; i < 5; i++)
        raw[i] = encode(text[i], "BIG5-HKSCS", &len[i]);
    for (size_t batch = 1; batch <= 5; batch += 4) {
        ft_detector *d = detector(NULL, NULL, NULL);
        const char *names[5];
        detect_lines(d, raw, len, 5, batch, names);
        for (int i = 0; i < 5; i++)
            assert_string_equal(names[i], "BIG5-HKSCS");
        ft_detector_free(d);
    }
    for (int i = 0; i < 5; i++)
        free(raw[i]);
}

/* Clear lines still switch: GBK, then Shift_JIS, then windows-1251 blocks. */
static void clear_lines_switch(void **state)
{
    (void)state;
    const char *text[] = {"中华人民共和国成立了", "我们的生活越来越好", "日本語のテキストです",
                          "東京都の天気予報", "Привет, мир", "Пример текста на русском"};
    const char *enc[] = {"GBK", "GBK", "CP932", "CP932", "CP1251", "CP1251"};
    const char *want[] = {"GB18030", "GB18030", "SHIFT_JIS", "SHIFT_JIS", "WINDOWS-1251", "WINDOWS-1251"};
    char *raw[6];
    size_t len[6];
    for (int i = 0; i < 6; i++)
        raw[i] = encode(text[i], enc[i], &len[i]);
    ft_detector *d = detector(NULL, NULL, NULL);
    const char *names[6];
    detect_lines(d, raw, len, 6, 6, names);
    for (int i = 0; i < 6; i++)
        assert_string_equal(names[i], want[i]);
    /* a reset forgets the previous input */
    ft_detector_reset(d);
    detect_lines(d, raw + 4, len + 4, 2, 2, names);
    assert_string_equal(names[0], "WINDOWS-1251");
    ft_detector_free(d);
    for (int i = 0; i < 6; i++)
        free(raw[i]);
}

static void forced_and_restricted(void **state)
{
    (void)state;
    size_t len;
    char *raw = encode("Привет, мир", "CP1251", &len);
    ft_slice s[2] = {{raw, len}, {"ascii", 5}};
    ft_choice c[2];
    /* forced: every non-ASCII line is that encoding, whatever it looks like */
    ft_detector *d = detector("ISO-8859-7", NULL, NULL);
    assert_int_equal(ft_detect_batch(d, s, 2, NULL, c), 0);
    assert_string_equal(ft_encoding_name(c[0].encoding), "ISO-8859-7");
    assert_string_equal(ft_encoding_name(c[1].encoding), "ASCII");
    fixtext_line_info info = {0};
    char *got = decode(c[0].encoding, raw, len, &info);
    assert_string_equal(got, "Οπθβες, μθπ"); /* Python's iso8859_7 reading of those bytes */
    free(got);
    ft_detector_free(d);
    d = detector("cp1251", NULL, NULL); /* a known alias */
    assert_int_equal(ft_detect_batch(d, s, 1, NULL, c), 0);
    assert_string_equal(ft_encoding_name(c[0].encoding), "WINDOWS-1251");
    ft_detector_free(d);
    /* restricted: the best of the listed ones */
    d = detector(NULL, "GBK, BIG5", NULL);
    assert_int_equal(ft_detect_batch(d, s, 1, NULL, c), 0);
    assert_true(!strcmp(ft_encoding_name(c[0].encoding), "GB18030") ||
                !strcmp(ft_encoding_name(c[0].encoding), "BIG5-HKSCS"));
    ft_detector_free(d);
    /* unknown names fail, naming the encoding */
    fixtext_options o;
    fixtext_options_init(&o);
    char err[256] = "";
    o.from = "NO-SUCH-ENCODING-42";
    assert_null(ft_detector_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "NO-SUCH-ENCODING-42"));
    o.from = NULL;
    o.candidates = "GBK,KLINGON-8";
    err[0] = 0;
    assert_null(ft_detector_new(&o, err, sizeof err));
    assert_non_null(strstr(err, "KLINGON-8"));
    assert_true(fixtext_encoding_supported("GB18030"));
    assert_false(fixtext_encoding_supported("NO-SUCH-ENCODING-42"));
    free(raw);
}

static void lang_hint_breaks_a_tie(void **state)
{
    (void)state;
    /* "Größe" reads the same in windows-1250 and -1252; the hint decides which is reported */
    size_t len;
    char *raw = encode("Größe", "CP1252", &len);
    ft_slice s = {raw, len};
    ft_choice c;
    ft_detector *d = detector(NULL, NULL, "pl");
    assert_int_equal(ft_detect_batch(d, &s, 1, NULL, &c), 0);
    assert_string_equal(ft_encoding_name(c.encoding), "WINDOWS-1250");
    ft_detector_free(d);
    d = detector(NULL, NULL, "de");
    assert_int_equal(ft_detect_batch(d, &s, 1, NULL, &c), 0);
    assert_string_equal(ft_encoding_name(c.encoding), "WINDOWS-1252");
    ft_detector_free(d);
    free(raw);
}

static void undecodable_and_truncated(void **state)
{
    (void)state;
    fixtext_line_info info = {0};
    /* GBK "中文" with a stray 0xFF and a lead byte cut by the end of the line */
    char *got = decode(ft_encoding_lookup("GBK") , "\xD6\xD0\xFF\xCE\xC4\xD6", 6, &info);
    assert_string_equal(got, "中\xEF\xBF\xBD" "文\xEF\xBF\xBD");
    assert_int_equal(info.invalid_sequences, 2);
    assert_true(info.warnings & FIXTEXT_WARN_TRUNCATED);
    free(got);
    /* UTF-8 cut in the middle of a character */
    memset(&info, 0, sizeof info);
    got = decode(FT_ENC_UTF8, "ok \xE4\xB8", 5, &info);
    assert_string_equal(got, "ok \xEF\xBF\xBD");
    assert_int_equal(info.invalid_sequences, 1);
    assert_true(info.warnings & FIXTEXT_WARN_TRUNCATED);
    free(got);
    /* valid UTF-8 is left alone (the fast path writes nothing) */
    fixtext_options o;
    fixtext_options_init(&o);
    ft_decoder *dec = ft_decoder_new(&o, NULL, 0);
    ft_buf out = {0};
    ft_report r = {.info = &info};
    assert_int_equal(ft_decode_line(dec, FT_ENC_UTF8, "網絡 ok", strlen("網絡 ok"), &out, &r), 0);
    assert_int_equal(out.len, 0);
    ft_buf_free(&out);
    ft_decoder_free(dec);
}

static void binary_lines_are_flagged(void **state)
{
    (void)state;
    ft_detector *d = detector(NULL, NULL, NULL);
    ft_slice s[3] = {{"abc\0def", 7}, {"\x01\x02\x03\x04\x05 x", 7}, {"tab\there\x1b[0m", 12}};
    ft_choice c[3];
    assert_int_equal(ft_detect_batch(d, s, 3, NULL, c), 0);
    assert_true(c[0].warnings & FIXTEXT_WARN_BINARY);
    assert_true(c[1].warnings & FIXTEXT_WARN_BINARY);
    assert_false(c[2].warnings & FIXTEXT_WARN_BINARY);
    ft_detector_free(d);
}

static void wide_sniffing(void **state)
{
    (void)state;
    size_t bom;
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFF\xFEh\0i\0", 6, 0, &bom), FT_WIDE_UTF16LE);
    assert_int_equal(bom, 2);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFE\xFF\0h", 4, 0, &bom), FT_WIDE_UTF16BE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFF\xFE\0\0h\0\0\0", 8, 0, &bom), FT_WIDE_UTF32LE);
    assert_int_equal(bom, 4);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\0\0\xFE\xFF", 4, 0, &bom), FT_WIDE_UTF32BE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFF", 1, 0, &bom), FT_WIDE_NEED_MORE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFF\xFE", 2, 0, &bom), FT_WIDE_NEED_MORE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\xFF\xFE", 2, 1, &bom), FT_WIDE_UTF16LE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)"hello\n", 6, 0, &bom), FT_WIDE_NONE);
    assert_int_equal(bom, 0);
    /* NUL patterns of Latin text without a BOM */
    size_t len;
    char *le = encode("Hello, world! This is UTF-16 text without a BOM.\n", "UTF-16LE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)le, 20, 0, &bom), FT_WIDE_NEED_MORE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)le, len, 0, &bom), FT_WIDE_UTF16LE);
    assert_int_equal(bom, 0);
    free(le);
    char *be = encode("Hello, world! This is UTF-16 text without a BOM.\n", "UTF-16BE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)be, len, 1, &bom), FT_WIDE_UTF16BE);
    free(be);
    char *b32 = encode("Hello, world! UTF-32 text.\n", "UTF-32LE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)b32, len, 1, &bom), FT_WIDE_UTF32LE);
    free(b32);
    /* CJK text in UTF-16 without a BOM: NULs only in its ASCII (seen when the input starts
     * with ASCII, here a date line; text without a NUL in its first bytes is decided at once) */
    char *zh = encode("2023-09-04\n網絡強國建設取得新成效，信息化快速推進。\n當前新一輪科技革命和產業變革深入發展。\n", "UTF-16LE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, len, 1, &bom), FT_WIDE_UTF16LE);
    free(zh);
    zh = encode("2023-09-04\n網絡強國建設取得新成效，信息化快速推進。\n當前新一輪科技革命和產業變革深入發展。\n", "UTF-16BE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, len, 1, &bom), FT_WIDE_UTF16BE);
    free(zh);
    /* binary with a few NULs is not wide */
    assert_int_equal(ft_wide_sniff((const unsigned char *)"\x7F" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0"
                                   "\x10\x10\0\0\0\0\0\0@\0\0\0\0\0\0\0\xa8\x36\0\0\0\0\0\0\0\0\0\0@\08\0\x0b\0@\0\x1e\0\x1d\0",
                                   64, 1, &bom), FT_WIDE_NONE);
    /* CJK text in UTF-16 whose first line has no ASCII, so no NUL until its newline; and what it
       must not be mistaken for: the same text in GB18030 and in UTF-8, Latin-1 prose */
    const char *poem = "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。\n白日依山盡，黃河入海流。\n";
    zh = encode(poem, "UTF-16LE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, len, 1, &bom), FT_WIDE_UTF16LE);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, 30, 0, &bom), FT_WIDE_NEED_MORE);
    free(zh);
    zh = encode(poem, "UTF-16BE", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, len, 1, &bom), FT_WIDE_UTF16BE);
    free(zh);
    zh = encode(poem, "GB18030", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)zh, len, 1, &bom), FT_WIDE_NONE);
    free(zh);
    assert_int_equal(ft_wide_sniff((const unsigned char *)poem, strlen(poem), 0, &bom), FT_WIDE_NONE);
    char *latin = encode("Le caf\u00e9 est tr\u00e8s bon \u00e0 Paris, o\u00f9 les \u00e9l\u00e8ves \u00e9tudient.", "LATIN1", &len);
    assert_int_equal(ft_wide_sniff((const unsigned char *)latin, len, 1, &bom), FT_WIDE_NONE);
    free(latin);
}

static void wide_conversion_in_any_chunking(void **state)
{
    (void)state;
    const char *text = "網絡 😀 ok\nzweite Zeile ✓\n";
    const char *kinds[] = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};
    for (int k = 0; k < 4; k++) {
        size_t len;
        char *raw = encode(text, kinds[k], &len);
        for (size_t chunk = 1; chunk <= 7; chunk++) {
            ft_wide *w = ft_wide_new(FT_WIDE_UTF16LE + k, NULL);
            assert_non_null(w);
            assert_string_equal(ft_wide_name(FT_WIDE_UTF16LE + k), kinds[k]);
            ft_buf out = {0};
            uint64_t invalid = 0;
            for (size_t i = 0; i < len; i += chunk) {
                size_t m = len - i < chunk ? len - i : chunk;
                assert_int_equal(ft_wide_convert(w, raw + i, m, i + m == len, &out, &invalid), 0);
            }
            assert_int_equal(invalid, 0);
            assert_int_equal(out.len, strlen(text));
            assert_memory_equal(out.data, text, out.len);
            ft_buf_free(&out);
            ft_wide_free(w);
        }
        /* a unit cut by the end of the input becomes U+FFFD */
        ft_wide *w = ft_wide_new(FT_WIDE_UTF16LE + k, NULL);
        ft_buf out = {0};
        uint64_t invalid = 0;
        assert_int_equal(ft_wide_convert(w, raw, len - 1, 1, &out, &invalid), 0);
        assert_int_equal(invalid, 1);
        assert_memory_equal(out.data + out.len - 3, "\xEF\xBF\xBD", 3);
        ft_buf_free(&out);
        ft_wide_free(w);
        free(raw);
    }
}

static void plausibility_prefers_real_text(void **state)
{
    (void)state;
    const char *pairs[][2] = {
        {"été à la plage", "Ã©tÃ© Ã  la plage"},
        {"中华人民共和国", "ÖÐ»ªÈËÃñ¹²ºÍ¹ú"},
        {"中华人民共和国", "涓崕浜烘皯鍏卞拰鍥"},
        {"Привет, мир", "РџСЂРёРІРµС‚, РјРёСЂ"},
        {"don’t stop", "donâ€™t stop"},
        {"日本語のテキスト", "譌･譛ｬ隱槭・繝・く繧ｹ繝・"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double good = ft_plausibility_cost(pairs[i][0], strlen(pairs[i][0]));
        double bad = ft_plausibility_cost(pairs[i][1], strlen(pairs[i][1]));
        if (!(good < bad))
            print_message("'%s' %.2f vs '%s' %.2f\n", pairs[i][0], good, pairs[i][1], bad);
        assert_true(good < bad);
    }
    /* private-use and control characters cost more than common ones */
    assert_true(ft_plausibility_cost("\xEE\x80\x80", 3) > ft_plausibility_cost("的", 3) + 5);
    assert_true(ft_plausibility_cost("\x01", 1) > ft_plausibility_cost("a", 1) + 5);
    assert_true(ft_plausibility_cost("", 0) == 0);
}

/* The model's costs of the characters of file `name` under FIXTEXT_FIXTURES checked against
 * their ceilings: each that has one, after the character before it when that is ASCII or has one
 * too. Returns the number of pairs checked. */
static size_t ceiling_holds_in(const char *name)
{
    const char *dir = getenv("FIXTEXT_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "fixtures", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char text[1 << 20];
    size_t n = fread(text, 1, sizeof text, f), checked = 0;
    fclose(f);
    uint32_t prev = 0xFFFFFFFFu;
    for (size_t i = 0; i < n;) {
        size_t len = ft_utf8_sequence_length(text + i, n - i);
        uint32_t cp;
        if (!len) {
            i++, prev = 0xFFFFFFFFu;
            continue;
        }
        ft_utf8_decode(text + i, &cp);
        i += len;
        unsigned ceiling = ft_plausibility_ceiling(cp);
        if (ceiling != FT_PL_NO_CEILING &&
            (prev < 0x80 || prev == 0xFFFFFFFFu || ft_plausibility_ceiling(prev) != FT_PL_NO_CEILING)) {
            for (unsigned how = 0; how < 4; how++) {
                unsigned step = ft_plausibility_step_as(prev, cp, how);
                if (step > ceiling)
                    print_message("%s: U+%04X after U+%04X costs %u > %u\n", name, cp, prev, step,
                                  ceiling);
                assert_true(step <= ceiling);
            }
            checked++;
        }
        prev = cp == '\n' ? 0xFFFFFFFFu : cp;
    }
    return checked;
}

/* A character's ceiling, which the detector sums in place of the model's costs to keep a line
 * of a settled double-byte encoding at a glance (detect.c, sure_at_a_glance), is never below
 * what the model charges: for every character of the BMP that has one, after the start of a
 * line and every ASCII character, and after the characters real Chinese, Japanese and Korean
 * text puts before it (the seeds and the detection fixtures' expected text). */
static void ceiling_bounds_the_model(void **state)
{
    (void)state;
    size_t with_ceiling = 0;
    for (uint32_t cp = 0x80; cp < 0x10000; cp++) {
        unsigned ceiling = ft_plausibility_ceiling(cp);
        if (ceiling == FT_PL_NO_CEILING)
            continue;
        with_ceiling++;
        for (uint32_t prev = 0; prev <= 0x80; prev++) {
            uint32_t before = prev == 0x80 ? 0xFFFFFFFFu : prev;
            assert_true(ft_plausibility_step_as(before, cp, FT_PL_FOLD_CAPS) <= ceiling);
            assert_true(ft_plausibility_step_as(before, cp, FT_PL_FOLD_CAPS | FT_PL_DRAWN) <= ceiling);
        }
    }
    assert_true(with_ceiling > 20000); /* the ideographs at least */
    /* letters below U+3000, letters of other alphabets and symbols: none */
    assert_int_equal(ft_plausibility_ceiling(0xE9), FT_PL_NO_CEILING);
    assert_int_equal(ft_plausibility_ceiling(0x2500), FT_PL_NO_CEILING);
    assert_int_equal(ft_plausibility_ceiling(0xA640), FT_PL_NO_CEILING);
    assert_int_equal(ft_plausibility_ceiling(0x3012), FT_PL_NO_CEILING);
    static const char *const texts[] = {
        "seeds/000_3cb92859fe70f893.txt", "seeds/001_f09c55cc5214583c.txt",
        "seeds/002_acdd70bc26a88983.txt", "seeds/003_22b544f8dca79e83.txt",
        "seeds/004_ecb655ede9af396d.txt", "detect/mixed_cjk.expected",
        "detect/mixed_sparse.expected"};
    size_t checked = 0;
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        checked += ceiling_holds_in(texts[k]);
    assert_true(checked > 30000); /* (32,799 pairs, 2026-12-05) */
}

/* text (UTF-8) in ICU's gb18030 converter: GB18030-2005's four-byte codes for U+9FB4-U+9FBB and
 * U+FE10-U+FE19, which glibc's table rejects. The caller frees the result. */
static char *encode_icu_gb18030(const char *text, size_t *len)
{
    UErrorCode e = U_ZERO_ERROR;
    UConverter *utf8 = ucnv_open("UTF-8", &e), *gb = ucnv_open("gb18030", &e);
    assert_true(U_SUCCESS(e));
    size_t cap = strlen(text) * 4 + 16;
    char *out = malloc(cap);
    assert_non_null(out);
    char *op = out;
    const char *ip = text;
    ucnv_convertEx(gb, utf8, &op, out + cap, &ip, text + strlen(text), NULL, NULL, NULL, NULL,
                   1, 1, &e);
    assert_true(U_SUCCESS(e));
    *len = (size_t)(op - out);
    ucnv_close(utf8);
    ucnv_close(gb);
    return out;
}

static void gb18030_sequences_glibc_rejects(void **state)
{
    (void)state;
    /* Chinese text with the characters glibc has no four-byte code for */
    const char *text = "龹龴︐中华人民共和国成立了，︙这是一个测试";
    size_t len;
    char *raw = encode_icu_gb18030(text, &len);
    assert_non_null(memmem(raw, len, "\x82\x35\x91\x32", 4)); /* 龹: ICU's four-byte code */
    /* detected as GB18030 without an invalid sequence, alone and between UTF-8 lines */
    ft_detector *d = detector(NULL, NULL, NULL);
    ft_slice s[3] = {{"Das \xC3\x9C" "bel", 10}, {raw, len}, {"Das \xC3\x9C" "bel", 10}};
    ft_choice c[3];
    assert_int_equal(ft_detect_batch(d, s + 1, 1, NULL, c), 0);
    assert_string_equal(ft_encoding_name(c[0].encoding), "GB18030");
    ft_detector_reset(d);
    assert_int_equal(ft_detect_batch(d, s, 3, NULL, c), 0);
    assert_string_equal(ft_encoding_name(c[1].encoding), "GB18030");
    ft_detector_free(d);
    /* decoded to the text, nothing replaced */
    fixtext_line_info info = {0};
    char *got = decode(c[1].encoding, raw, len, &info);
    assert_string_equal(got, text);
    assert_int_equal(info.invalid_sequences, 0);
    free(got);
    /* a four-byte form no codec maps (lead 0x85) stays invalid for both */
    unsigned char unmapped[] = {0xD6, 0xD0, 0x85, 0x30, 0x81, 0x30, 0xCE, 0xC4};
    assert_false(ft_gb18030_four_valid(unmapped + 2));
    assert_true(ft_gb18030_four_valid((const unsigned char *)"\x82\x35\x91\x32"));
    info = (fixtext_line_info){0};
    got = decode(FT_ENC_GB18030, (const char *)unmapped, sizeof unmapped, &info);
    assert_true(info.invalid_sequences >= 1);
    free(got);
    free(raw);
}

/* Every four-byte GB18030 code of the BMP range (81308130..8431A439) between two ideographs
 * decodes to what glibc's iconv makes of it, through the decoder's table of those codes; the
 * codes glibc has no character for go on to ICU or become U+FFFD as before (checked above). */
static void gb18030_four_byte_codes_as_glibc(void **state)
{
    (void)state;
    fixtext_options o;
    fixtext_options_init(&o);
    ft_decoder *dec = ft_decoder_new(&o, NULL, 0);
    assert_non_null(dec);
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    assert_true(cd != (iconv_t)-1);
    ft_buf out = {0};
    size_t compared = 0;
    for (long idx = 0; idx < 39420; idx++) {
        unsigned char line[8] = {0xD6, 0xD0, (unsigned char)(0x81 + idx / 12600),
                                 (unsigned char)(0x30 + idx / 1260 % 10),
                                 (unsigned char)(0x81 + idx / 10 % 126),
                                 (unsigned char)(0x30 + idx % 10), 0xCE, 0xC4};
        char want[32], *ip = (char *)line, *op = want;
        size_t il = sizeof line, ol = sizeof want;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
            continue; /* (glibc has no character for it) */
        fixtext_line_info info = {0};
        ft_report r = {.info = &info};
        out.len = 0;
        assert_int_equal(ft_decode_line(dec, FT_ENC_GB18030, (const char *)line, sizeof line, &out, &r), 1);
        if (out.len != (size_t)(op - want) || memcmp(out.data, want, out.len) != 0)
            print_message("four-byte code %02X%02X%02X%02X: %.*s, iconv %.*s\n", line[2], line[3],
                          line[4], line[5], (int)out.len, out.data, (int)(op - want), want);
        assert_memory_equal(out.data, want, out.len);
        assert_int_equal(out.len, (size_t)(op - want));
        compared++;
    }
    assert_true(compared > 39000); /* (39,402 on glibc 2.36) */
    ft_buf_free(&out);
    iconv_close(cd);
    ft_decoder_free(dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_lines_in_every_encoding),
        cmocka_unit_test(euc_jp_and_iso2022jp),
        cmocka_unit_test(ascii_is_neutral),
        cmocka_unit_test(short_line_takes_its_neighbours_encoding),
        cmocka_unit_test(clear_lines_switch),
        cmocka_unit_test(forced_and_restricted),
        cmocka_unit_test(lang_hint_breaks_a_tie),
        cmocka_unit_test(undecodable_and_truncated),
        cmocka_unit_test(binary_lines_are_flagged),
        cmocka_unit_test(wide_sniffing),
        cmocka_unit_test(wide_conversion_in_any_chunking),
        cmocka_unit_test(plausibility_prefers_real_text),
        cmocka_unit_test(ceiling_bounds_the_model),
        cmocka_unit_test(gb18030_sequences_glibc_rejects),
        cmocka_unit_test(gb18030_four_byte_codes_as_glibc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
