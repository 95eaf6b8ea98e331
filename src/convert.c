/* convert.c — Traditional <-> Simplified conversion through OpenCC. (Placeholder.) */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

struct ft_converter {
    int unused;
};

ft_converter *ft_converter_new(const fixtext_options *o, char *err, size_t errlen)
{
    (void)o;
    snprintf(err, errlen, "conversion is not available yet");
    return NULL;
}

void ft_converter_free(ft_converter *c)
{
    free(c);
}

int ft_convert_line(ft_converter *c, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)c, (void)in, (void)len, (void)out, (void)r;
    return 0;
}
