/* encodings.h — what encodings.c tells detect.c and decode.c about each encoding: its names, its
 * iconv name, its kind, and (for the detector) byte maps that decode a line for scoring without
 * iconv. Private to the detection files. */
#ifndef FT_ENCODINGS_H
#define FT_ENCODINGS_H

#include <stdint.h>

#include "internal.h"

enum {
    FT_ENC_GB18030 = 2, FT_ENC_BIG5HKSCS, FT_ENC_SJIS, FT_ENC_EUCJP, FT_ENC_EUCKR, FT_ENC_ISO2022JP,
    FT_ENC_CP1250, FT_ENC_CP1251, FT_ENC_CP1252, FT_ENC_CP1253, FT_ENC_CP1254, FT_ENC_CP1255,
    FT_ENC_CP1256, FT_ENC_CP1257, FT_ENC_LATIN1, FT_ENC_LATIN2, FT_ENC_ISO88595, FT_ENC_KOI8R,
    FT_ENC_UTF16LE, FT_ENC_UTF16BE, FT_ENC_UTF32LE, FT_ENC_UTF32BE,
    FT_ENC_BUILTIN /* ids from here on are registered at run time (--from with another name) */
};

enum { FT_KIND_UTF8, FT_KIND_ASCII, FT_KIND_SBCS, FT_KIND_MBCS, FT_KIND_ISO2022, FT_KIND_WIDE,
       FT_KIND_OTHER };

typedef struct ft_encoding_info {
    const char *name;       /* what fixtext reports */
    const char *iconv_name; /* what iconv is asked for */
    int kind;
    int ascii_compatible;   /* bytes 0x00-0x7F mean ASCII on their own */
} ft_encoding_info;

/* NULL for an id that is not (yet) defined. */
const ft_encoding_info *ft_encoding_info_get(int id);
/* Built-in id for a name or alias (case-insensitive), else -1. */
int ft_encoding_lookup(const char *name);
/* Id for any name iconv accepts: the built-in one, or one registered now (process-wide, at most
 * FIXTEXT_MAX_ENCODINGS in all). -1 when iconv does not know the name or the registry is full. */
int ft_encoding_resolve(const char *name);

/* Byte maps for scoring: type[b] says what byte b starts; for MAP_SINGLE, single[b] is its
 * character; for MAP_LEAD, dbl[(b - 0x80) * 256 + trail] is the character of the pair (0: invalid
 * pair; FT_MAP_FALLBACK: a supplementary or multi-character result, which the detector scores as
 * a rare ideograph and the decoder leaves to iconv). */
#define FT_MAP_FALLBACK 0xFFFFu
enum { MAP_INVALID = 0, MAP_SINGLE, MAP_LEAD };
typedef struct ft_codec_map {
    uint8_t type[256];
    uint16_t single[256];
    uint16_t *dbl; /* 128 * 256 entries, MBCS only */
    /* the least (1/8 bits, ft_plausibility_floor) each single byte / pair's character costs; 255
     * for an invalid one: a lower bound of a reading from one small-table lookup per character */
    uint8_t single_cost[256];
    uint8_t *dbl_cost; /* 128 * 256 entries, MBCS only */
} ft_codec_map;
#define FT_COST_INVALID 255
/* The map of a built-in SBCS or MBCS encoding, built once on first use (shared, read-only);
 * NULL for other kinds or when iconv lacks the codec. */
const ft_codec_map *ft_codec_map_get(int id);

#endif
