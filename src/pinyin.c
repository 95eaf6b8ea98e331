/* pinyin.c — strips pinyin annotations that repeat the reading of the character before them.
 * (Placeholder: nothing is stripped yet.) */
#include "internal.h"

int ft_pinyin_strip(const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)in, (void)len, (void)out, (void)r;
    return 0;
}
