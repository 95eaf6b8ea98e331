/* mojibake_codecs.h — the legacy codecs the mojibake stage re-encodes and re-decodes with
 * (windows-125x, ISO-8859-2, MacRoman, cp437, GBK, Big5, Shift_JIS, EUC-KR, UTF-8), as flat tables
 * built once per process from the system's iconv (mojibake_codecs.c). Read-only after building, so
 * every worker shares them. */
#ifndef FIXTEXT_MOJIBAKE_CODECS_H
#define FIXTEXT_MOJIBAKE_CODECS_H

#include <stddef.h>
#include <stdint.h>

enum {
    MB_CP1252 = 0, /* windows-1252; also encodes U+0080..U+009F as the bytes 0x80..0x9F, which
                      covers latin-1 and the five bytes windows-1252 leaves undefined */
    MB_CP1250,
    MB_ISO8859_2,
    MB_CP1251,
    MB_MACROMAN,
    MB_CP437,
    MB_GBK,
    MB_BIG5,
    MB_SJIS,
    MB_EUCKR,
    MB_UTF8,
    MB_NCODECS
};
#define MB_FIRST_DBCS MB_GBK

const char *mb_codec_name(int codec);
/* Builds the tables (idempotent, thread-safe). Returns 0, or -1 if iconv lacks a codec or memory
 * runs out. */
int mb_codecs_init(void);
/* Encodes cp with codec (not UTF-8) into out; returns the byte count (1 or 2), 0 if the codec has
 * no byte sequence for cp. ASCII encodes as itself in every codec. */
int mb_encode(int codec, uint32_t cp, uint8_t out[2]);
/* Decodes one character at p (n bytes available, p[0] >= 0x80) with codec; returns the length
 * used (1..4) and sets *cp, or 0 when p does not start a valid sequence. */
int mb_decode(int codec, const uint8_t *p, size_t n, uint32_t *cp);
/* Expected length of the sequence that byte b starts in codec (1 single byte, 2 or more a
 * multi-byte lead, 0 when b cannot start a sequence). For UTF-8 continuation bytes: 0. */
int mb_lead_length(int codec, uint8_t b);

#endif
