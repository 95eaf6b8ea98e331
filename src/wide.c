/* wide.c — UTF-16/UTF-32 inputs, recognised for the whole input (BOM or NUL pattern) before lines
 * are framed, and converted to UTF-8 as a stream. (Placeholder: nothing is recognised yet.) */
#include <stdlib.h>

#include "internal.h"

int ft_wide_sniff(const unsigned char *p, size_t n, int at_eof, size_t *bom_len)
{
    (void)p, (void)n, (void)at_eof;
    *bom_len = 0;
    return FT_WIDE_NONE;
}

ft_wide *ft_wide_new(int kind)
{
    (void)kind;
    return NULL;
}

void ft_wide_free(ft_wide *w)
{
    (void)w;
}

const char *ft_wide_name(int kind)
{
    (void)kind;
    return "UTF-8";
}

int ft_wide_convert(ft_wide *w, const char *in, size_t len, int at_eof, ft_buf *out,
                    uint64_t *invalid)
{
    (void)w, (void)at_eof, (void)invalid;
    return ft_buf_append(out, in, len);
}
