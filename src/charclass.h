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

#endif
