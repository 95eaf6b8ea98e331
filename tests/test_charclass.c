/* Unit tests for the character-class table (tables/char_class.c, src/charclass.h) and the UTF-8
 * helpers beside ft_utf8_decode: every code point U+0000..U+10FFFF is checked against ICU where
 * ICU answers the same question (general category, script, Han, private use, surrogates,
 * controls, noncharacters, variation selectors, East Asian width, blocks).
 *
 * ICU's Unicode version may differ from the table's (Debian's unicode-data). Then a disagreement
 * is tolerated only at a code point that the older of the two leaves unassigned and the newer
 * assigns; those are counted and printed. Classes Unicode keeps stable (surrogates, private use,
 * controls, noncharacters) must agree everywhere whatever the versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "internal.h"

typedef struct versions {
    int table_older; /* the table's Unicode version is older than ICU's */
    int icu_older;
} versions;

static versions compare_versions(void)
{
    UVersionInfo icu;
    u_getUnicodeVersion(icu);
    int t[3] = {0, 0, 0};
    sscanf(FT_CC_UNICODE_VERSION, "%d.%d.%d", &t[0], &t[1], &t[2]);
    int cmp = 0;
    for (int i = 0; i < 3 && !cmp; i++)
        cmp = (t[i] > icu[i]) - (t[i] < icu[i]);
    print_message("table: Unicode %s; ICU %s: Unicode %d.%d.%d\n", FT_CC_UNICODE_VERSION,
                  U_ICU_VERSION, icu[0], icu[1], icu[2]);
    return (versions){cmp < 0, cmp > 0};
}

/* A disagreement at cp that a version difference explains: cp is unassigned in the older data. */
static int version_gap(versions v, uint32_t cp)
{
    if (v.table_older)
        return ft_general_category(cp) == FT_GC_CN;
    if (v.icu_older)
        return u_charType((UChar32)cp) == U_UNASSIGNED;
    return 0;
}

/* The table's script value for ICU's script of cp (FT_USCRIPT_OTHER when the table names none). */
static int icu_script(uint32_t cp)
{
    UErrorCode err = U_ZERO_ERROR;
    const char *code = uscript_getShortName(uscript_getScript((UChar32)cp, &err));
    for (int s = 0; s < FT_USCRIPT_OTHER; s++)
        if (code && !strcmp(code, ft_uscript_code[s]))
            return s;
    return FT_USCRIPT_OTHER;
}

static int icu_flag(uint32_t cp, uint32_t flag)
{
    UChar32 c = (UChar32)cp;
    switch (flag) {
    case FT_CC_HAN:
        return icu_script(cp) == FT_USCRIPT_HAN;
    case FT_CC_HANGUL:
        return icu_script(cp) == FT_USCRIPT_HANGUL;
    case FT_CC_BOPOMOFO:
        return icu_script(cp) == FT_USCRIPT_BOPOMOFO;
    case FT_CC_PRIVATE_USE:
        return u_charType(c) == U_PRIVATE_USE_CHAR;
    case FT_CC_SURROGATE:
        return u_charType(c) == U_SURROGATE;
    case FT_CC_CONTROL:
        return u_charType(c) == U_CONTROL_CHAR;
    case FT_CC_UNASSIGNED:
        return u_charType(c) == U_UNASSIGNED;
    case FT_CC_LETTER:
        return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0;
    case FT_CC_NONCHARACTER:
        return u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT);
    case FT_CC_VARIATION_SELECTOR:
        return u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR);
    case FT_CC_FULLWIDTH:
        return u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH) == U_EA_FULLWIDTH;
    case FT_CC_HALFWIDTH:
        return u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH) == U_EA_HALFWIDTH;
    case FT_CC_BOX_DRAWING:
        return ublock_getCode(c) == UBLOCK_BOX_DRAWING || ublock_getCode(c) == UBLOCK_BLOCK_ELEMENTS;
    case FT_CC_CJK_COMPAT_FORM:
        return (ublock_getCode(c) == UBLOCK_VERTICAL_FORMS ||
                ublock_getCode(c) == UBLOCK_CJK_COMPATIBILITY_FORMS ||
                ublock_getCode(c) == UBLOCK_SMALL_FORM_VARIANTS) && u_charType(c) != U_UNASSIGNED;
    default:
        return -1;
    }
}

/* Each flag ICU can answer, against ICU at every code point. stable: must agree whatever the
 * versions. */
static void flags_agree_with_icu(void **state)
{
    (void)state;
    static const struct { uint32_t flag; const char *name; int stable; } flags[] = {
        {FT_CC_HAN, "Han", 0},
        {FT_CC_HANGUL, "Hangul", 0},
        {FT_CC_BOPOMOFO, "Bopomofo", 0},
        {FT_CC_LETTER, "letter", 0},
        {FT_CC_UNASSIGNED, "unassigned", 0},
        {FT_CC_FULLWIDTH, "full-width", 0},
        {FT_CC_HALFWIDTH, "half-width", 0},
        {FT_CC_BOX_DRAWING, "box drawing", 0},
        {FT_CC_CJK_COMPAT_FORM, "CJK compat form", 0},
        {FT_CC_VARIATION_SELECTOR, "variation selector", 0},
        {FT_CC_PRIVATE_USE, "private use", 1},
        {FT_CC_SURROGATE, "surrogate", 1},
        {FT_CC_CONTROL, "control", 1},
        {FT_CC_NONCHARACTER, "noncharacter", 1},
    };
    versions v = compare_versions();
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        unsigned long in_table = 0, in_icu = 0, tolerated = 0, wrong = 0;
        for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
            int mine = (ft_cc(cp) & flags[k].flag) != 0, theirs = icu_flag(cp, flags[k].flag);
            in_table += (unsigned long)mine, in_icu += (unsigned long)theirs;
            if (mine == theirs)
                continue;
            if (!flags[k].stable && version_gap(v, cp)) {
                tolerated++;
                continue;
            }
            if (wrong++ < 5)
                print_message("%s: U+%04X table %d, ICU %d\n", flags[k].name, cp, mine, theirs);
        }
        print_message("%-18s table %7lu  ICU %7lu  version gaps %lu\n", flags[k].name, in_table,
                      in_icu, tolerated);
        assert_int_equal(wrong, 0);
    }
}

/* The general category and the script field of every code point. */
static void category_and_script_agree_with_icu(void **state)
{
    (void)state;
    versions v = compare_versions();
    unsigned long gaps = 0, wrong = 0, letters = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        int gc_ok = ft_general_category(cp) == (int)u_charType((UChar32)cp);
        int script_ok = ft_script_of(cp) == icu_script(cp);
        letters += (ft_cc(cp) & FT_CC_LETTER) != 0;
        if (gc_ok && script_ok)
            continue;
        if (version_gap(v, cp)) {
            gaps++;
            continue;
        }
        if (wrong++ < 5)
            print_message("U+%04X: category %d/%d, script %s/%s\n", cp, ft_general_category(cp),
                          (int)u_charType((UChar32)cp), ft_uscript_code[ft_script_of(cp)],
                          ft_uscript_code[icu_script(cp)]);
    }
    print_message("category and script: %lu letters, version gaps %lu\n", letters, gaps);
    assert_int_equal(wrong, 0);
}

/* Classes ICU has no single property for, checked for what they must hold. */
static void derived_classes_hold(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        uint32_t f = ft_cc(cp);
        UChar32 c = (UChar32)cp;
        /* every unified ideograph is Han (ICU and the table may be of different versions, but
           an ideograph is never unassigned in the version that has it) */
        if (u_hasBinaryProperty(c, UCHAR_UNIFIED_IDEOGRAPH) && !(f & FT_CC_UNASSIGNED))
            assert_true(f & FT_CC_HAN);
        int sc = icu_script(cp);
        if ((sc == FT_USCRIPT_HIRAGANA || sc == FT_USCRIPT_KATAKANA) && !(f & FT_CC_UNASSIGNED))
            assert_true(f & FT_CC_KANA);
        if (f & FT_CC_KANA)
            assert_false(f & FT_CC_UNASSIGNED);
        if (f & FT_CC_CJK_PUNCT)
            assert_true(U_GET_GC_MASK(c) & (U_GC_P_MASK | U_GC_S_MASK | U_GC_ZS_MASK));
        /* exactly one category flag, or none for Nl, No, Zl, Zp */
        uint32_t cat = f & (FT_CC_LETTER | FT_CC_COMBINING_MARK | FT_CC_DIGIT | FT_CC_PUNCT |
                            FT_CC_SYMBOL | FT_CC_SPACE | FT_CC_CONTROL | FT_CC_FORMAT |
                            FT_CC_PRIVATE_USE | FT_CC_SURROGATE | FT_CC_UNASSIGNED);
        assert_true((cat & (cat - 1)) == 0);
        int in_cp1252 = 0;
        for (int b = 0; b < 32; b++)
            in_cp1252 |= ft_cp1252_c1[b] != 0 && ft_cp1252_c1[b] == cp;
        assert_int_equal(ft_is_cp1252_c1_reading(cp), in_cp1252);
    }
    assert_false(ft_cc(0x110000) & ~FT_CC_UNASSIGNED); /* past Unicode: unassigned */
}

/* What the stages rely on, spelled out. */
static void stage_questions(void **state)
{
    (void)state;
    assert_true(ft_is_han(0x4E2D) && ft_is_han(0x3400) && ft_is_han(0x20000) && ft_is_han(0x3007));
    assert_true(ft_is_han(0xF900) && ft_is_han(0x31350)); /* compatibility, Extension H */
    assert_false(ft_is_han(0x4DC0) || ft_is_han(0x3001) || ft_is_han(0xFA6E));
    assert_true(ft_is_kana(0x3042) && ft_is_kana(0x30FC) && ft_is_kana(0xFF71));
    assert_true(ft_is_hangul(0xD55C) && ft_is_hangul(0x1100) && ft_is_hangul(0x3131));
    assert_true(ft_is_cjk(0x4E2D) && ft_is_cjk(0x30A2) && ft_is_cjk(0xD55C) && ft_is_cjk(0x3105));
    assert_false(ft_is_cjk(0xFF71) || ft_is_cjk(0xFFA1) || ft_is_cjk(0x3001) || ft_is_cjk('A'));
    for (uint32_t cp = 0xFF00; cp <= 0xFFEF; cp++)
        assert_int_equal(ft_is_halfwidth_katakana(cp), cp >= 0xFF61 && cp <= 0xFF9F);
    assert_true(ft_is_latin_letter('a') && ft_is_latin_letter(0xE9) && ft_is_latin_letter(0x1EC7));
    assert_false(ft_is_latin_letter(0xFF21) || ft_is_latin_letter(0xD7) || ft_is_latin_letter('1'));
    assert_int_equal(ft_letter_script(0x0640), FT_USCRIPT_ARABIC); /* tatweel */
    assert_int_equal(ft_letter_script(0x0416), FT_USCRIPT_CYRILLIC);
    assert_int_equal(ft_letter_script(0x0301), FT_USCRIPT_UNKNOWN); /* a mark */
    assert_true(ft_is_private_use(0xE000) && ft_is_private_use(0x10FFFD));
    assert_false(ft_is_private_use(0x10FFFF));
    assert_true(ft_cc(0x3001) & FT_CC_CJK_PUNCT && ft_cc(0xFF0C) & FT_CC_CJK_PUNCT);
    assert_false(ft_cc(0x3005) & FT_CC_CJK_PUNCT);
    assert_true(ft_cc(0xFE41) & FT_CC_CJK_COMPAT_FORM && !(ft_cc(0xFE41) & FT_CC_CJK_PUNCT));
    assert_true(ft_is_box_drawing(0x2500) && ft_is_box_drawing(0x2588));
    assert_true(ft_is_c1_control(0x85) && ft_is_control(0x85) && !ft_is_c1_control(0x7F));
    assert_int_equal(ft_cp1252_c1[0x80 - 0x80], 0x20AC);
    assert_int_equal(ft_cp1252_c1[0x81 - 0x80], 0);
}

/* ft_utf8_encode and ft_utf8_lead_length against ICU's U8_APPEND_UNSAFE over every code point. */
static void utf8_helpers_agree_with_icu(void **state)
{
    (void)state;
    int first_byte_length[256] = {0};
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (!ft_is_scalar_value(cp))
            continue;
        uint8_t want[4], got[4];
        int32_t n = 0;
        U8_APPEND_UNSAFE(want, n, (UChar32)cp);
        assert_int_equal(ft_utf8_encode(cp, got), (size_t)n);
        assert_memory_equal(got, want, (size_t)n);
        first_byte_length[want[0]] = n;
    }
    for (int b = 0; b < 256; b++)
        assert_int_equal(ft_utf8_lead_length((unsigned char)b), (size_t)first_byte_length[b]);
    uint8_t out[4];
    const uint32_t cannot[] = {0xD800, 0xDFFF, 0x110000, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof cannot / sizeof cannot[0]; i++) {
        assert_int_equal(ft_utf8_encode(cannot[i], out), 3);
        assert_memory_equal(out, "\xEF\xBF\xBD", 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flags_agree_with_icu),
        cmocka_unit_test(category_and_script_agree_with_icu),
        cmocka_unit_test(derived_classes_hold),
        cmocka_unit_test(stage_questions),
        cmocka_unit_test(utf8_helpers_agree_with_icu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
