/* mojibake_codecs.h — the legacy codecs the mojibake stage re-encodes and re-decodes with
 * (windows-125x, ISO-8859-2, MacRoman, cp437, GB18030, Big5, CP932, CP949, UTF-8), as flat tables
 * built once per process from the system's iconv (mojibake_codecs.c). Read-only after building, so
 * every worker shares them. */
#ifndef FIXTEXT_MOJIBAKE_CODECS_H
#define FIXTEXT_MOJIBAKE_CODECS_H

#include <stddef.h>
#include <stdint.h>

/* The codecs the stage tries, as rows of encodings.def (their names, iconv names and short names
 * come from there), in the stage's order: single-byte codecs first, then double-byte ones, UTF-8
 * last (the code below relies on that order). */
#define MOJIBAKE_CODECS(X)                                                                        \
    X(CP1252) /* windows-1252; also encodes U+0080..U+009F as the bytes 0x80..0x9F, which      \
                 covers latin-1 and the five bytes windows-1252 leaves undefined */             \
    X(CP1250) X(LATIN2) X(CP1251) X(MACROMAN) X(CP437) X(IBM850) X(CP1257)                       \
    /* the double-byte ones as the supersets software uses: GB18030's two-byte codes (GBK's,   \
       its user-defined areas as private use: Big5 read as GB18030), CP932 (Shift_JIS with the   \
       NEC and IBM rows), CP949 (EUC-KR with the extension area); with GBK, Shift_JIS and EUC-KR \
       2, 73 and 48% of the development cases of those readings came back */                   \
    X(GB18030) X(BIG5) X(SJIS) X(EUCKR)                                                          \
    X(UTF8)
enum {
#define MB_SLOT(id) MB_##id,
    MOJIBAKE_CODECS(MB_SLOT)
#undef MB_SLOT
    MB_NCODECS
};
#define MB_FIRST_DBCS MB_GB18030

/* The encodings.def id of a codec slot. */
int mb_codec_encoding(int codec);
const char *mb_codec_name(int codec);
/* Builds the tables (idempotent, thread-safe). Returns 0, or -1 if iconv lacks a codec or memory
 * runs out. */
int mb_codecs_init(void);
/* Encodes cp with codec (not UTF-8) into out; returns the byte count (1 or 2), 0 if the codec has
 * no byte sequence for cp. ASCII encodes as itself in every codec. Inline: it is the inner loop. */
extern uint8_t *mb_sb_enc[MB_FIRST_DBCS];
extern uint16_t *mb_db_enc[MB_UTF8 - MB_FIRST_DBCS];
static inline int mb_encode(int codec, uint32_t cp, uint8_t out[2])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp >= 0x10000)
        return 0;
    if (codec < MB_FIRST_DBCS) {
        uint8_t b = mb_sb_enc[codec][cp];
        out[0] = b;
        return b ? 1 : 0;
    }
    uint16_t code = mb_db_enc[codec - MB_FIRST_DBCS][cp];
    if (code < 0x100) {
        out[0] = (uint8_t)code;
        return code ? 1 : 0;
    }
    out[0] = (uint8_t)(code >> 8), out[1] = (uint8_t)code;
    return 2;
}
/* Decodes one character at p (n bytes available, p[0] >= 0x80) with codec; returns the length
 * used (1..4) and sets *cp, or 0 when p does not start a valid sequence. */
int mb_decode(int codec, const uint8_t *p, size_t n, uint32_t *cp);
/* Expected length of the sequence that byte b starts in codec (1 single byte, 2 or more a
 * multi-byte lead, 0 when b cannot start a sequence). For UTF-8 continuation bytes: 0. */
int mb_lead_length(int codec, uint8_t b);

/* Per-BMP-character bit sets, bit X for codec X (< MB_UTF8), for cheap per-line gates:
 * lead:  the last byte of the character's X encoding can start a UTF-8 sequence (C2..F4);
 * long:  its X encoding is one byte that leads a three- or four-byte sequence (E0..F4);
 * cont:  its first byte is a UTF-8 continuation byte (80..BF);
 * inner: its X encoding is by itself a whole 2-byte UTF-8 sequence (a double-byte code C2..DF
 *        80..BF);
 * high:  it has an X encoding that is not ASCII. */
extern uint16_t *mb_mask_lead, *mb_mask_long, *mb_mask_cont, *mb_mask_inner, *mb_mask_high; /* 0x10000 each */

#endif
