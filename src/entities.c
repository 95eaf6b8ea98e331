/* entities.c — decodes HTML character references (&amp;, &#x4E2D;) on lines without markup.
 * (Placeholder: nothing is decoded yet.) */
#include "internal.h"

int ft_entities_decode(const char *in, size_t len, ft_buf *out, ft_report *r)
{
    (void)in, (void)len, (void)out, (void)r;
    return 0;
}
