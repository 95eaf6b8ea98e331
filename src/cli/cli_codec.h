/* cli_codec.h — the compressed formats the fixtext command reads and writes (gzip, xz, zstd,
 * bzip2): recognising them by magic bytes or by a file name's suffix, and streaming decoders and
 * encoders over zlib, liblzma, libzstd and libbz2 with bounded memory. CLI only: the library
 * sees plain bytes. */
#ifndef FIXTEXT_CLI_CODEC_H
#define FIXTEXT_CLI_CODEC_H

#include <stddef.h>

enum codec_kind { CODEC_NONE = 0, CODEC_GZIP, CODEC_XZ, CODEC_ZSTD, CODEC_BZIP2 };

/* codec_sniff's answer when p is a proper prefix of some format's magic: read more first. */
#define CODEC_SNIFF_MORE (-1)
/* The longest prefix codec_sniff ever needs. */
#define CODEC_SNIFF_MAX 10

/* The format whose magic bytes p (n bytes, the start of a stream) begin with; CODEC_NONE for
 * anything else, CODEC_SNIFF_MORE while the n bytes are too few to tell. A decision never
 * depends on more than CODEC_SNIFF_MAX bytes, so it stops as soon as the bytes cannot be a
 * magic (a line typed at a terminal is not held back). */
int codec_sniff(const unsigned char *p, size_t n);
/* The format a file name asks for by its suffix (.gz, .xz, .zst, .bz2), CODEC_NONE otherwise. */
enum codec_kind codec_for_name(const char *name);
/* "gzip", "xz", "zstd", "bzip2" ("plain" for CODEC_NONE). */
const char *codec_name(enum codec_kind kind);

/* codec_decode and codec_encode results. */
enum { CODEC_OK = 0, CODEC_MORE, CODEC_END, CODEC_ERROR };
/* How codec_encode ends its input: not at all, making everything so far decodable, or ending
 * the compressed stream. */
enum codec_flush { CODEC_RUN = 0, CODEC_SYNC, CODEC_FINISH };

typedef struct codec codec;

/* A decoder (encode 0) or encoder (encode 1) of kind; NULL when out of memory. The codec owns
 * its library state; codec_free releases it. */
codec *codec_new(enum codec_kind kind, int encode);
void codec_free(codec *c);

/* Decodes from *in (*in_len bytes; both advanced past what was consumed) into out, setting
 * *produced. at_eof: no byte follows *in. Concatenated streams (multi-member gzip, several zstd
 * frames, xz streams or bzip2 streams one after another) decode as one. Returns CODEC_OK (call
 * again: more input or more room), CODEC_END (at_eof, every stream complete and all output
 * given) or CODEC_ERROR (codec_error says why: corrupt data, or data that ends mid-stream). */
int codec_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                 size_t out_size, size_t *produced, int at_eof);
/* Encodes *in into out, setting *produced. Returns CODEC_OK once all input is consumed (and,
 * for CODEC_SYNC or CODEC_FINISH, all of its output given), CODEC_MORE when out is full (write
 * it and call again with the rest), CODEC_ERROR. After CODEC_FINISH the codec is spent. */
int codec_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                 size_t out_size, size_t *produced, enum codec_flush flush);
/* What went wrong ("invalid block type", "unexpected end of data"…); "" if nothing. */
const char *codec_error(const codec *c);

#endif
