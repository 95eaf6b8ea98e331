/* mojibake.c — undoes wrong decodings (UTF-8 read as cp1252, GBK read as latin-1, …).
 * (Placeholder: nothing is repaired yet.) */
#include <stdlib.h>

#include "internal.h"

struct ft_mojibake {
    int unused;
};

ft_mojibake *ft_mojibake_new(const fixtext_options *o, char *err, size_t errlen)
{
    (void)o, (void)err, (void)errlen;
    return calloc(1, sizeof(ft_mojibake));
}

void ft_mojibake_free(ft_mojibake *m)
{
    free(m);
}

int ft_mojibake_repair(ft_mojibake *m, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)m, (void)in, (void)len, (void)out, (void)r;
    return 0;
}
