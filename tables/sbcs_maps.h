/* sbcs_maps.h — the single-byte encodings' byte maps generated into tables/sbcs_maps.c
 * (tables/gen_sbcs_maps.py, from glibc's iconv), so that building the detector's and the mojibake
 * stage's maps needs no iconv_open. */
#ifndef FT_SBCS_MAPS_H
#define FT_SBCS_MAPS_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *iconv_name; /* as encodings.def names it for iconv */
    uint16_t high[128];     /* bytes 0x80..0xFF: 0 rejected, 0xFFFF several or beyond the BMP */
    const uint16_t *c0;     /* bytes 0x00..0x1F, where some is not itself (VISCII, TCVN 5712);
                               NULL: they are the C0 controls */
} ft_sbcs_map;

extern const ft_sbcs_map ft_sbcs_maps[];
extern const unsigned ft_sbcs_map_count;

#endif
