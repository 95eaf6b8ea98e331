/* cli_output.c — the fixtext command's output writer: a buffer in front of write(2), optionally a
 * compressor between them, and the quiet end of a closed pipe. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_output.h"
#include "cli_progress.h"

/* The reader of our output went away (fixtext big.txt | head): end as cat does, killed by
 * SIGPIPE with no message. fixtext ignores SIGPIPE so that the write fails here instead of the
 * process dying at an arbitrary point, and this restores the default action and raises it. (-i
 * writes to a temporary file, never a pipe, so its clean-up is not at stake.) */
static void die_of_sigpipe(void)
{
    sigset_t set;
    progress_hide(); /* (a terminal keeps no half-drawn line) */
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGPIPE);
}

static int write_all(output *o, const char *p, size_t len)
{
    while (!o->err && len > 0) {
        ssize_t n = write(o->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EPIPE)
            die_of_sigpipe(); /* (returns only if SIGPIPE cannot kill us: then it is an error) */
        if (n <= 0)
            o->err = n < 0 ? errno : EIO;
        else
            p += n, len -= (size_t)n;
    }
    return o->err ? -1 : 0;
}

void output_init(output *o, int fd, const char *name, char *buf)
{
    *o = (output){.fd = fd, .name = name, .buf = buf};
}

int output_set_codec(output *o, enum codec_kind kind)
{
    if (kind == CODEC_NONE)
        return 0;
    o->enc = codec_new(kind, 1);
    o->zbuf = malloc(OUT_BUFFER);
    if (!o->enc || !o->zbuf) {
        output_release(o);
        o->err = ENOMEM;
        return -1;
    }
    return 0;
}

void output_release(output *o)
{
    codec_free(o->enc);
    free(o->zbuf);
    o->enc = NULL;
    o->zbuf = NULL;
}

/* Sends len bytes at p out, through the compressor when there is one. */
static int emit(output *o, const char *p, size_t len, enum codec_flush flush)
{
    if (!o->enc)
        return write_all(o, p, len);
    const unsigned char *in = (const unsigned char *)p;
    int rc;
    do {
        size_t produced;
        rc = codec_encode(o->enc, &in, &len, o->zbuf, OUT_BUFFER, &produced, flush);
        if (rc == CODEC_ERROR) {
            o->err = EIO;
            return -1;
        }
        if (write_all(o, (const char *)o->zbuf, produced))
            return -1;
    } while (rc == CODEC_MORE);
    return 0;
}

static int drain(output *o, enum codec_flush flush)
{
    if (o->err)
        return -1;
    int rc = emit(o, o->buf, o->len, flush);
    o->len = 0;
    return rc;
}

int output_flush(output *o)
{
    return drain(o, o->enc ? CODEC_SYNC : CODEC_RUN);
}

int output_finish(output *o)
{
    int rc = drain(o, o->enc ? CODEC_FINISH : CODEC_RUN);
    output_release(o); /* (a finished compressor takes no more input) */
    return rc;
}

int output_write(void *opaque, const char *data, size_t len)
{
    output *o = opaque;
    if (o->err)
        return -1;
    if (len > OUT_BUFFER - o->len) {
        if (drain(o, CODEC_RUN))
            return -1;
        if (len >= OUT_BUFFER) /* large pieces go straight out */
            return emit(o, data, len, CODEC_RUN);
    }
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return 0;
}

int output_printf(output *o, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    return output_write(o, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void json_string(FILE *f, output *o, const char *s)
{
    json_string_n(f, o, s ? s : "", s ? strlen(s) : 0);
}

void json_string_n(FILE *f, output *o, const char *s, size_t len)
{
    char tmp[8];
    const char *p = s;
#define PUT(str, n) (f ? (void)fwrite(str, 1, n, f) : (void)output_write(o, str, n))
    PUT("\"", 1);
    for (; p < s + len; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            tmp[0] = '\\', tmp[1] = (char)c;
            PUT(tmp, 2);
        } else if (c < 0x20) {
            int n = snprintf(tmp, sizeof tmp, "\\u%04x", c);
            PUT(tmp, (size_t)n);
        } else {
            PUT(p, 1);
        }
    }
    PUT("\"", 1);
#undef PUT
}
