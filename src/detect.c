/* detect.c — chooses an encoding for every line. (Placeholder until the detector lands: every
 * line is UTF-8; pure-ASCII lines are reported as ASCII.) */
#include <stdlib.h>

#include "internal.h"

struct ft_detector {
    int unused;
};

ft_detector *ft_detector_new(const fixtext_options *o, char *err, size_t errlen)
{
    (void)o, (void)err, (void)errlen;
    return calloc(1, sizeof(ft_detector));
}

void ft_detector_free(ft_detector *d)
{
    free(d);
}

void ft_detector_reset(ft_detector *d)
{
    (void)d;
}

int ft_detect_batch(ft_detector *d, const ft_slice *lines, size_t n, ft_choice *choices)
{
    (void)d;
    for (size_t i = 0; i < n; i++) {
        int ascii = ft_is_ascii((const unsigned char *)lines[i].data, lines[i].len);
        choices[i] = (ft_choice){ascii ? FT_ENC_ASCII : FT_ENC_UTF8, 1.0, -1, 0.0, 0};
    }
    return 0;
}
