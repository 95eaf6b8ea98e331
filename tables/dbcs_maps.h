/* dbcs_maps.h — the double-byte encodings' byte maps, generated at build time into dbcs_maps.c
 * (tables/gen_dbcs_maps.py, from glibc's iconv), so that neither the detector nor the mojibake
 * stage asks iconv for them at run time. */
#ifndef FT_DBCS_MAPS_H
#define FT_DBCS_MAPS_H
#include <stdint.h>

typedef struct {
    const char *iconv_name; /* as encodings.def names it for iconv */
    uint8_t type[128];      /* bytes 0x80..0xFF: 0 rejected, 1 a character alone, 2 a lead */
    uint16_t single[128];   /* a character alone: its code point, 0xFFFF several or beyond the BMP */
    /* (lead - 0x80) * 256 + trail, trails 0x21..0xFF of leads: the pair's character, 0 not one,
     * 0xFFFF several or beyond the BMP */
    const uint16_t *pairs;
} ft_dbcs_map;

extern const ft_dbcs_map ft_dbcs_maps[];
extern const unsigned ft_dbcs_map_count;

#endif
