/* shifted.c — finds double-byte runs knocked out of alignment by a lost byte and realigns them.
 * (Placeholder: nothing is repaired yet.) */
#include "internal.h"

int ft_shifted_repair(ft_mojibake *m, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)m, (void)in, (void)len, (void)out, (void)r;
    return 0;
}
