/* cli_input.c — reading one input of the fixtext command, decompressing it when its first bytes
 * are a gzip, xz, zstd or bzip2 magic. Plain input is read straight into the caller's buffer
 * (the library's own, so no copy) once the few sniffed bytes are handed over; compressed input
 * goes through a RAW_SIZE buffer and the decompressor, whose memory is bounded too. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_input.h"
#include "cli_progress.h"

#define RAW_SIZE (128u << 10)

int input_from_fd(cli_input *in, int fd, const char *label)
{
    *in = (cli_input){.fd = fd, .label = label};
    in->raw = malloc(RAW_SIZE);
    if (!in->raw) {
        cli_message("%s: %s", label, strerror(ENOMEM));
        input_close(in);
        return -1;
    }
    return 0;
}

int input_open(cli_input *in, const char *path)
{
    if (strcmp(path, "-") == 0)
        return input_from_fd(in, STDIN_FILENO, "standard input");
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        cli_message("%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_message("%s: Is a directory", path);
        close(fd);
        return -1;
    }
    return input_from_fd(in, fd, path);
}

void input_close(cli_input *in)
{
    if (in->fd >= 0 && in->fd != STDIN_FILENO)
        close(in->fd);
    in->fd = -1;
    codec_free(in->dec);
    in->dec = NULL;
    free(in->raw);
    in->raw = NULL;
}

/* Reads more of the descriptor into the read-ahead buffer (after what it holds). Returns 0
 * (raw_eof set at the end), or -1 after saying why. */
/* One read(2), retried on EINTR; an error is said (naming the input) and remembered; the bytes
 * count towards the progress line; 0 bytes marks the end. */
static ssize_t read_counted(cli_input *in, void *buf, size_t size)
{
    for (;;) {
        ssize_t n = read(in->fd, buf, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            cli_message("%s: %s", in->label, strerror(errno));
            in->failed = 1;
            return -1;
        }
        in->raw_eof = n == 0;
        progress_read((uint64_t)n);
        return n;
    }
}

static int fill_raw(cli_input *in)
{
    if (in->raw_pos == in->raw_len)
        in->raw_pos = in->raw_len = 0;
    ssize_t n = read_counted(in, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
    if (n < 0)
        return -1;
    in->raw_len += (size_t)n;
    return 0;
}

int input_sniff(cli_input *in)
{
    if (in->sniffed)
        return in->failed == 1 ? -1 : 0; /* (2: an error still to be said by input_read) */
    in->sniffed = 1;
    int kind;
    /* Byte by byte as they come: the answer depends on the bytes, not on how reads cut them, and
     * a line typed at a terminal is not kept waiting for bytes that cannot be a magic. */
    while ((kind = codec_sniff(in->raw, in->raw_len)) == CODEC_SNIFF_MORE && !in->raw_eof)
        if (fill_raw(in))
            return -1;
    in->kind = kind == CODEC_SNIFF_MORE ? CODEC_NONE : (enum codec_kind)kind;
    if (in->kind != CODEC_NONE && !(in->dec = codec_new(in->kind, 0))) {
        cli_message("%s: %s", in->label, strerror(ENOMEM));
        in->failed = 1;
        return -1;
    }
    return 0;
}

static ssize_t read_plain(cli_input *in, void *buf, size_t size)
{
    if (in->raw_pos < in->raw_len) { /* the sniffed bytes first */
        size_t n = in->raw_len - in->raw_pos < size ? in->raw_len - in->raw_pos : size;
        memcpy(buf, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        return (ssize_t)n;
    }
    if (in->raw_eof)
        return 0;
    return read_counted(in, buf, size);
}

/* "fixtext: FILE: corrupt gzip data: invalid block type" */
static ssize_t decode_failed(cli_input *in)
{
    cli_message("%s: corrupt %s data: %s", in->label, codec_name(in->kind), codec_error(in->dec));
    in->failed = 1;
    return -1;
}

static ssize_t read_compressed(cli_input *in, void *buf, size_t size)
{
    while (!in->ended) {
        if (in->raw_pos == in->raw_len && !in->raw_eof && fill_raw(in))
            return -1;
        const unsigned char *p = in->raw + in->raw_pos;
        size_t avail = in->raw_len - in->raw_pos, produced;
        int rc = codec_decode(in->dec, &p, &avail, buf, size, &produced, in->raw_eof);
        size_t used = (size_t)(p - (in->raw + in->raw_pos));
        in->raw_pos += used;
        in->ended = rc == CODEC_END;
        if (rc == CODEC_ERROR) {
            if (produced) { /* what was decoded before the damage goes out first */
                in->ended = 1, in->failed = 2;
                return (ssize_t)produced;
            }
            return decode_failed(in);
        }
        if (produced)
            return (ssize_t)produced;
        if (!used && in->raw_pos < in->raw_len && !in->ended)
            return decode_failed(in); /* (no progress with input and room: never loop) */
    }
    if (in->failed == 2)
        return decode_failed(in);
    return 0;
}

ssize_t input_read(cli_input *in, void *buf, size_t size)
{
    if (input_sniff(in))
        return -1;
    if (in->failed == 1)
        return -1;
    return in->dec ? read_compressed(in, buf, size) : read_plain(in, buf, size);
}
