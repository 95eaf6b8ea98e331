/* script.c — tells Simplified from Traditional Chinese text, from the table generated out of
 * OpenCC's own character dictionaries (tables/gen_script.py).
 *
 * A character counts only when it belongs to one script alone: 发 and 發 do, 后 (后 the queen,
 * 後 after) and 乾 (乾隆, 乾 dry) are valid in both and say nothing, and so does 群, Simplified
 * and the Taiwan form alike (OpenCC's own traditional standard writes 羣). Han text made only of such
 * shared characters (中文, 人民) belongs to both scripts: it is classified "shared" (neither
 * conversion has anything to do with it), and text without Han characters "none".
 */
#include "internal.h"
#include "script_table.h"

int ft_script_classify(const char *utf8, size_t len)
{
    const unsigned char *p = (const unsigned char *)utf8;
    unsigned seen = 0; /* FT_SO and FT_TO bits met so far */
    int han = 0;
    size_t i = 0;
    while (i < len) {
        /* Every marked character is at U+3400 or above: lead byte 0xE3 or more. */
        size_t k = ft_utf8_lead_length(p[i]);
        if (p[i] < 0xE3) {
            i += k ? k : 1; /* (a stray continuation byte: step over it) */
            continue;
        }
        if (!k || i + k > len)
            break; /* not valid UTF-8 after all: classify what came before */
        uint32_t cp;
        i += ft_utf8_decode(p + i, &cp);
        han |= ft_is_han(cp);
        unsigned f = ft_script_flags(cp) & (FT_SO | FT_TO);
        if (f == (FT_SO | FT_TO))
            continue; /* one of the few characters both dictionaries change: no evidence */
        seen |= f;
        if (seen == (FT_SO | FT_TO))
            return FT_SCRIPT_MIXED;
    }
    if (seen)
        return seen == FT_SO ? FT_SCRIPT_SIMPLIFIED : FT_SCRIPT_TRADITIONAL;
    return han ? FT_SCRIPT_SHARED : FT_SCRIPT_NONE;
}

const char *ft_script_name(int script)
{
    static const char *const names[FT_SCRIPT_COUNT] = {"none", "simplified", "traditional", "mixed",
                                                       "shared"};
    return (script >= 0 && script < FT_SCRIPT_COUNT) ? names[script] : "none";
}
