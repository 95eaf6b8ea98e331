/* cli_input.h — one input of the fixtext command (a file or standard input): opened, recognised
 * as gzip, xz, zstd, bzip2 or plain by its first bytes (never by its name), and read as the plain
 * bytes it holds, with bounded memory. */
#ifndef FIXTEXT_CLI_INPUT_H
#define FIXTEXT_CLI_INPUT_H

#include <stdint.h>
#include <sys/types.h>

#include "cli_codec.h"

typedef struct cli_input {
    int fd;                /* owned unless it is standard input */
    const char *label;     /* the input's name in messages (argv's, or a literal): not owned */
    enum codec_kind kind;  /* known once input_sniff has run */
    int sniffed;
    codec *dec;            /* owned: the decompressor, NULL for plain input */
    unsigned char *raw;    /* owned: RAW_SIZE bytes read ahead (the sniffed head of a plain
                              input, or compressed bytes waiting for the decompressor) */
    size_t raw_pos, raw_len;
    int raw_eof;           /* the descriptor said end of file */
    int ended;             /* the decompressor said the last stream ended */
    int failed;            /* 1: an error is said, nothing more comes; 2: decoding failed after
                              bytes that input_read still returns, the error said next */
} cli_input;

/* Opens path ("-": standard input). Returns 0, or -1 after saying why ("fixtext: PATH: ..."). */
int input_open(cli_input *in, const char *path);
/* Wraps an open descriptor (fd owned from now on) named label. Returns 0, or -1 (no memory). */
int input_from_fd(cli_input *in, int fd, const char *label);
/* Reads the first bytes until the format is known (in->kind). Returns 0, or -1 after saying why.
 * input_read does it by itself; -i calls it first to write the same format. */
int input_sniff(cli_input *in);
/* Reads up to size plain bytes into buf. Returns how many (> 0), 0 at the end, or -1 after saying
 * why (a read error, corrupt or truncated compressed data). Bytes decoded before an error are
 * returned first; the error comes at the next call. */
ssize_t input_read(cli_input *in, void *buf, size_t size);
/* Closes the descriptor (not standard input) and frees what the input owns. */
void input_close(cli_input *in);

#endif
