/* cli_output.h — where the fixtext command's text goes: a buffered writer over a file
 * descriptor, compressing when the output's name asks for it (-o out.jsonl.zst). */
#ifndef FIXTEXT_CLI_OUTPUT_H
#define FIXTEXT_CLI_OUTPUT_H

#include <stdio.h>

#include "cli_codec.h"

#define OUT_BUFFER (256u << 10)

/* Records the first error; later writes are dropped. A reader that went away (EPIPE) ends the
 * process quietly by SIGPIPE, as cat does: nothing more is worth doing. */
typedef struct output {
    int fd;
    const char *name;     /* for messages: NULL means standard output */
    char *buf;            /* OUT_BUFFER bytes, owned by the caller */
    size_t len;
    int err;              /* errno of the first failed write, or EIO for a compression failure */
    codec *enc;           /* owned: the compressor, NULL for plain output */
    unsigned char *zbuf;  /* owned: OUT_BUFFER bytes of compressed output on their way out */
} output;

void output_init(output *o, int fd, const char *name, char *buf);
/* Compresses everything written from now on with kind (CODEC_NONE: nothing to do). Returns 0, or
 * -1 when out of memory (o->err set). */
int output_set_codec(output *o, enum codec_kind kind);
/* The write callback: buffers data (any size). 0, or -1 once the output has failed. */
int output_write(void *opaque, const char *data, size_t len);
int output_printf(output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes everything so far, compressed output made decodable up to here (for --line-buffered). */
int output_flush(output *o);
/* Writes everything and ends the compressed stream (its trailer). Also after an input error, so
 * that what was written stays readable. 0, or -1 (o->err says why). */
int output_finish(output *o);
/* Releases the compressor and its buffer (not buf). */
void output_release(output *o);

/* s as a JSON string, quotes included, to f, or to o when f is NULL. */
void json_string(FILE *f, output *o, const char *s);
void json_string_n(FILE *f, output *o, const char *s, size_t len); /* s[0, len) */

#endif
