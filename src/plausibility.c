/* plausibility.c — how natural a decoded text looks. (Placeholder: character classes only.) */
#include "internal.h"

double ft_plausibility_cost(const char *utf8, size_t len)
{
    const unsigned char *p = (const unsigned char *)utf8;
    size_t i = 0, chars = 0;
    double cost = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ft_utf8_sequence_length(p + i, len - i);
        if (!n) {
            cost += 10, i++, chars++;
            continue;
        }
        ft_utf8_decode(p + i, &cp);
        i += n, chars++;
        if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0x80 && cp < 0xA0) || cp == FT_REPLACEMENT)
            cost += 10;
    }
    return chars ? cost / (double)chars : 0;
}
