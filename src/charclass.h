/* charclass.h — the questions the stages ask about a character ("Han?", "private use?", "a Latin
 * letter?"), each answered in one place from the table generated out of the Unicode Character
 * Database (tables/char_class.h, tables/gen_charclass.py). A stage that needs a class asks here
 * instead of writing code point ranges of its own, so that "Han" or "kana" means the same thing
 * in detection, plausibility and every repair. Three table loads per question. */
#ifndef FIXTEXT_CHARCLASS_H
#define FIXTEXT_CHARCLASS_H

#include <stdint.h>

#include "char_class.h"

/* The FT_CC_* flags of cp (those of an unassigned code point past U+10FFFF). */
static inline uint32_t ft_cc(uint32_t cp)
{
    return ft_cc_record(cp)->flags;
}

/* The script of cp as an FT_USCRIPT_* value (Scripts.txt; FT_USCRIPT_OTHER for the scripts the
 * table does not name). */
static inline int ft_script_of(uint32_t cp)
{
    return ft_cc_record(cp)->script;
}

/* The general category of cp as an FT_GC_* value (ICU's UCharCategory numbering). */
static inline int ft_general_category(uint32_t cp)
{
    return ft_cc_record(cp)->category;
}

static inline int ft_is_han(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_HAN) != 0;
}

static inline int ft_is_kana(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_KANA) != 0;
}

static inline int ft_is_hangul(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_HANGUL) != 0;
}

/* U+E000..F8FF and planes 15 and 16, where unmapped legacy codes and vendor glyphs end up. */
static inline int ft_is_private_use(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_PRIVATE_USE) != 0;
}

static inline int ft_is_noncharacter(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_NONCHARACTER) != 0;
}

/* A selector that picks a glyph of the character before it (U+FE00..FE0F, U+E0100..E01EF, the
 * Mongolian ones). */
static inline int ft_is_variation_selector(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_VARIATION_SELECTOR) != 0;
}

/* C0 controls, DEL and the C1 controls. */
static inline int ft_is_control(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_CONTROL) != 0;
}

/* The C1 controls U+0080..009F: in text, almost always bytes 0x80..0x9F decoded as latin-1 where
 * windows-1252 was meant. (A fixed range of FT_CC_CONTROL: no table look-up needed.) */
static inline int ft_is_c1_control(uint32_t cp)
{
    return cp >= 0x80 && cp < 0xA0;
}

/* The next three questions come in two forms: of a code point, and of its record already looked
 * up (ft_cc_record), for the hot loops that ask several questions of one character. */

/* A Latin letter as alphabetic text writes it: ASCII, accented, Vietnamese and IPA letters, not
 * the full-width Ａ..ｚ of CJK text, which sit among CJK characters as a matter of course. */
static inline int ft_cc_latin_letter(const ft_char_class *c)
{
    return (c->flags & (FT_CC_LETTER | FT_CC_FULLWIDTH)) == FT_CC_LETTER &&
           c->script == FT_USCRIPT_LATIN;
}
static inline int ft_is_latin_letter(uint32_t cp)
{
    return ft_cc_latin_letter(ft_cc_record(cp));
}

/* The script of a letter (FT_USCRIPT_*), FT_USCRIPT_UNKNOWN for anything that is not a letter.
 * The Arabic tatweel ـ (U+0640), of script Common in Scripts.txt because other scripts of the
 * region stretch their words with it too, counts as Arabic: it is what windows-1256 makes of byte
 * DC (Ü), and a Latin word read with that code page has to look as mixed as it is. */
static inline int ft_cc_letter_script(uint32_t cp, const ft_char_class *c)
{
    if (!(c->flags & FT_CC_LETTER))
        return FT_USCRIPT_UNKNOWN;
    return cp == 0x0640 ? FT_USCRIPT_ARABIC : c->script;
}
static inline int ft_letter_script(uint32_t cp)
{
    return ft_cc_letter_script(cp, ft_cc_record(cp));
}

/* A Hebrew point or cantillation mark (U+0591..05C7): the optional vowel signs of a script
 * mostly written without them. The Hebrew text the models were built from holds almost none, so
 * pointed text (scripture, verse, dictionaries) is judged by its letters, with each point
 * costing as one of a few equally likely signs. (Not the Arabic harakat: the Arabic text holds
 * enough of them, and pointed Arabic was read right; making them cheap let ISO-8859-6 read
 * three-letter Cyrillic words as an Arabic letter with two harakat.) */
static inline int ft_is_vowel_point(uint32_t cp)
{
    return cp >= 0x0591 && cp <= 0x05C7 && cp != 0x05BE && cp != 0x05C0 && cp != 0x05C3 &&
           cp != 0x05C6;
}

/* A character of CJK text's own scripts: Han, kana, Hangul or Bopomofo, but not their half-width
 * forms, which are what single bytes of Shift_JIS (and Johab) decode to and so a sign of a wrong
 * reading rather than of CJK text. */
static inline int ft_cc_cjk(const ft_char_class *c)
{
    return (c->flags & (FT_CC_HAN | FT_CC_KANA | FT_CC_HANGUL | FT_CC_BOPOMOFO)) &&
           !(c->flags & FT_CC_HALFWIDTH);
}
static inline int ft_is_cjk(uint32_t cp)
{
    return ft_cc_cjk(ft_cc_record(cp));
}

/* Half-width katakana and its punctuation ｡ ｢ ｣ ､ ･ (U+FF61..FF9F): what the single bytes
 * A1..DF of Shift_JIS decode to. */
static inline int ft_is_halfwidth_katakana(uint32_t cp)
{
    uint32_t f = ft_cc(cp);
    return (f & FT_CC_HALFWIDTH) && (f & (FT_CC_KANA | FT_CC_CJK_PUNCT));
}

/* One of the 27 characters windows-1252 puts at 0x80..0x9F (€ ‚ ƒ „ … ‘ ’ “ ” • – — ™ ...): what
 * UTF-8 continuation bytes look like through windows-1252. */
static inline int ft_is_cp1252_c1_reading(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_CP1252_C1) != 0;
}

static inline int ft_is_box_drawing(uint32_t cp)
{
    return (ft_cc(cp) & FT_CC_BOX_DRAWING) != 0;
}

/* KS X 1001 (annex 3) writes a Hangul syllable outside its 2,350 as eight bytes: the filler
 * (U+3164 once decoded), then the initial, the medial and the final jamo (the filler for no
 * final), as Hangul Compatibility Jamo. The syllable those four spell, or 0 when they spell
 * none. Decoders such as Python's euc_kr read the form as the syllable; iconv gives the jamo. */
#define FT_HANGUL_FILLER 0x3164
static inline uint32_t ft_hangul_eight_byte_syllable(const uint32_t jamo[4])
{
    static const uint16_t initials[19] = {0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141,
                                          0x3142, 0x3143, 0x3145, 0x3146, 0x3147, 0x3148, 0x3149,
                                          0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
    static const uint16_t finals[28] = {FT_HANGUL_FILLER, 0x3131, 0x3132, 0x3133, 0x3134, 0x3135,
                                        0x3136, 0x3137, 0x3139, 0x313A, 0x313B, 0x313C, 0x313D,
                                        0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144, 0x3145,
                                        0x3146, 0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D,
                                        0x314E};
    if (jamo[0] != FT_HANGUL_FILLER || jamo[2] < 0x314F || jamo[2] > 0x3163) /* ㅏ .. ㅣ */
        return 0;
    int initial = -1, final = -1;
    for (int k = 0; k < 19; k++)
        if (initials[k] == jamo[1])
            initial = k;
    for (int k = 0; k < 28; k++)
        if (finals[k] == jamo[3])
            final = k;
    if (initial < 0 || final < 0)
        return 0;
    return 0xAC00 + ((uint32_t)initial * 21 + (jamo[2] - 0x314F)) * 28 + (uint32_t)final;
}

#endif
