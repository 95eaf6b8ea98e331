/* c1.c — C1 control characters (U+0080..U+009F) turned back into the windows-1252 characters
 * they stand for: text decoded as latin-1 that was really windows-1252 keeps its curly quotes,
 * dashes and euro signs as C1 controls, which no text means. HTML reads numeric references to
 * 0x80..0x9F the same way, so entities.c asks here too. No state. */
#include <string.h>

#include "internal.h"

uint32_t ft_c1_as_cp1252(uint32_t cp)
{
    /* (tables/char_class.c: windows-1252's 0x80..0x9F, 0 where it defines none) */
    if (!ft_is_c1_control(cp) || !ft_cp1252_c1[cp - 0x80])
        return cp;
    return ft_cp1252_c1[cp - 0x80];
}

int ft_c1_fix(void *unused, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)unused;
    const unsigned char *s = (const unsigned char *)in, *end = s + len, *p = s;
    unsigned fixed = 0;
    size_t copied = 0;
    /* U+0080..U+009F in UTF-8: C2 80..C2 9F (C2 is rare outside Latin-1 text: memchr skips) */
    while (end - p >= 2 && (p = memchr(p, 0xC2, (size_t)(end - p - 1))) != NULL) {
        uint32_t c1 = p[1], cp = ft_c1_as_cp1252(c1);
        if (c1 < 0x80 || c1 >= 0xA0 || cp == c1) {
            p++;
            continue;
        }
        size_t at = (size_t)(p - s);
        if (ft_buf_append(out, in + copied, at - copied) || ft_buf_put_cp(out, cp))
            return -1;
        fixed++;
        copied = at + 2;
        p += 2;
    }
    if (!fixed)
        return 0;
    if (ft_buf_append(out, in + copied, len - copied))
        return -1;
    ft_report_fixed(r, fixed);
    ft_report_note(r, "C1 controls → cp1252 ×%u", fixed);
    return 1;
}
