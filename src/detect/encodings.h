/* encodings.h — what encodings.c tells detect.c and decode.c about each encoding: its names, its
 * iconv name, its kind, and (for the detector) byte maps that decode a line for scoring without
 * iconv. Private to the detection files. */
#ifndef FT_ENCODINGS_H
#define FT_ENCODINGS_H

#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "dbcs_maps.h"

_Static_assert(FT_ENC_UTF8 == 0 && FT_ENC_ASCII == 1, "internal.h fixes the first two ids");

enum { FT_KIND_UTF8, FT_KIND_ASCII, FT_KIND_SBCS, FT_KIND_MBCS, FT_KIND_ISO2022, FT_KIND_WIDE,
       FT_KIND_OTHER };
enum { FT_ENC_CAND = 1, FT_ENC_NAMED = 2, FT_ENC_RARE = 4 }; /* encodings.def FLAGS */

typedef struct ft_encoding_info {
    const char *name;       /* what fixtext reports */
    const char *iconv_name; /* what iconv is asked for */
    int kind;
    int ascii_compatible;   /* bytes 0x00-0x7F mean ASCII on their own */
    unsigned flags;         /* FT_ENC_CAND, FT_ENC_NAMED, FT_ENC_RARE */
    const char *langs;      /* space-separated language tags of --lang */
    const char *aliases;    /* space-separated other names */
    const char *short_name; /* lower case, for explanations */
} ft_encoding_info;

/* The ICU converter name of an encoding only ICU decodes ("ICU:NAME" rows), else NULL. */
static inline const char *ft_encoding_icu_name(const ft_encoding_info *e)
{
    return e && !strncmp(e->iconv_name, "ICU:", 4) ? e->iconv_name + 4 : NULL;
}

/* NULL for an id that is not (yet) defined. */
const ft_encoding_info *ft_encoding_info_get(int id);
/* Built-in id for a name or alias (case-insensitive) of a NAMED row, else -1. */
int ft_encoding_lookup(const char *name);
/* How well language tag lang matches one of the encoding's LANGS: the length of the longest tag
 * that lang starts with (up to a '-' or '_' or its end), 0 when none does. */
size_t ft_encoding_lang_match(int id, const char *lang);
/* Id for any name iconv accepts: the built-in one, or one registered now (process-wide, at most
 * FIXTEXT_MAX_ENCODINGS in all). -1 when iconv does not know the name or the registry is full. */
int ft_encoding_resolve(const char *name);

/* Byte maps for scoring: type[b] says what byte b starts; for MAP_SINGLE, single[b] is its
 * character; for MAP_LEAD, dbl[(b - 0x80) * 256 + trail] is the character of the pair (0: invalid
 * pair; FT_MAP_FALLBACK: a supplementary or multi-character result, which the detector scores as
 * a rare ideograph and the decoder leaves to iconv). */
#define FT_MAP_FALLBACK 0xFFFFu
/* The bytes 0x80..0xFF of a single-byte codec as iconv decodes them (tables/sbcs_maps.c: 0 rejected,
 * FT_MAP_FALLBACK several characters or one beyond the BMP), or NULL when it is not generated. */
const uint16_t *ft_sbcs_high(const char *iconv_name);
/* The bytes 0x00..0x1F of a single-byte codec that makes letters of some of them (VISCII, TCVN
 * 5712), or NULL when they are the C0 controls. */
const uint16_t *ft_sbcs_c0(const char *iconv_name);
/* The generated map of a double-byte codec (tables/dbcs_maps.h), NULL if the build had none. */
const ft_dbcs_map *ft_dbcs_map_of(const char *iconv_name);
enum { MAP_INVALID = 0, MAP_SINGLE, MAP_LEAD };
typedef struct ft_codec_map {
    uint8_t type[256];
    uint16_t single[256];
    const uint16_t *dbl; /* 128 * 256 entries, MBCS only (tables/dbcs_maps.h) */
    /* the least (1/8 bits, ft_plausibility_floor) each single byte / pair's character costs; 255
     * for an invalid one: a lower bound of a reading from one small-table lookup per character */
    uint8_t single_cost[256];
    uint8_t *dbl_cost; /* 128 * 256 entries, MBCS only */
    /* some single byte is a combining mark, which iconv composes with the letter before
     * (windows-1258, TCVN 5712): the detector scores the composed letter, the decoder leaves
     * such lines to iconv */
    uint8_t composes;
    /* some control byte 0x01..0x1F is a letter (VISCII, TCVN 5712: Vietnamese capitals such as
     * "Ẫ" and "Ữ"), so a byte below 0x80 is not always ASCII (ft_map_ascii) */
    uint8_t c0_letters;
} ft_codec_map;
#define FT_COST_INVALID 255

/* Whether byte b reads as itself, an ASCII character, in map m. */
static inline int ft_map_ascii(const ft_codec_map *m, unsigned b)
{
    return b < 0x80 && (b >= 0x20 || !m->c0_letters || m->single[b] == b);
}

/* The combining diacritical marks a single-byte codec may map a byte to. */
static inline int ft_map_is_mark(uint32_t cp)
{
    return cp >= 0x300 && cp <= 0x36F;
}

/* GB18030 four-byte sequences (b0 81-FE, b1 30-39, b2 81-FE, b3 30-39): their linear index, and
 * whether a codec maps it. glibc's table and ICU's gb18030 converter together map exactly
 * 81308130..8431A439 (the BMP outside the two-byte codes) and 90308130..E3329A35 (U+10000 to
 * U+10FFFF); ICU alone maps 18 of the first range (82359037-82359134: U+9FB4-U+9FBB,
 * 84318236-84318335: U+FE10-U+FE19, whose two-byte codes glibc gives those characters), which
 * decode.c asks ICU for. */
static inline long ft_gb18030_four_index(const unsigned char *p)
{
    if (p[0] < 0x81 || p[0] > 0xFE || p[1] < 0x30 || p[1] > 0x39 || p[2] < 0x81 || p[2] > 0xFE ||
        p[3] < 0x30 || p[3] > 0x39)
        return -1;
    return (((long)(p[0] - 0x81) * 10 + (p[1] - 0x30)) * 126 + (p[2] - 0x81)) * 10 + (p[3] - 0x30);
}
static inline int ft_gb18030_four_valid(const unsigned char *p)
{
    long i = ft_gb18030_four_index(p);
    return (i >= 0 && i <= 39419) || (i >= 189000 && i <= 1237575);
}
/* The map of a built-in SBCS or MBCS encoding, built once on first use (shared, read-only);
 * NULL for other kinds or when iconv lacks the codec. */
const ft_codec_map *ft_codec_map_get(int id);

#endif
