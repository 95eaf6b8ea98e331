/* cli_codec.c — gzip, xz, zstd and bzip2 for the fixtext command: which format a stream or a file
 * name is (magic bytes for input, suffix for output), and one streaming interface over the four
 * libraries. Each codec owns its library state and nothing else: the caller owns the buffers.
 * Levels are each tool's default (gzip -6, xz -6, zstd -3 with its checksum, bzip2 -9), so that a
 * file written here is what the tool would have written. */
#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "cli_codec.h"

/* xz -9 needs 65 MiB to decode; a stream asking for more than this is refused rather than
 * allowed to take whatever memory it names. */
#define XZ_MEMLIMIT ((uint64_t)1 << 30)
#define XZ_PRESET 6
#define BZIP2_BLOCKS 9
#define GZIP_WINDOW (15 + 16) /* 32 KiB window, gzip header and trailer */

struct codec {
    enum codec_kind kind;
    int encode;
    int ended;         /* decoder: a stream (member, frame) is complete; another may follow */
    const char *error; /* static text */
    union {
        z_stream z;
        lzma_stream x;
        bz_stream b;
        ZSTD_DCtx *zd;
        ZSTD_CCtx *zc;
    } u;
};

/* ---- which format ---- */

/* Magic bytes; '#' stands for the block size digit of bzip2 ('1' to '9'). bzip2's "BZh" is
 * followed by a block or end-of-stream marker, checked too: "BZh9" alone starts plain text. */
static const struct {
    enum codec_kind kind;
    const char *bytes;
    size_t len;
} magics[] = {
    {CODEC_GZIP, "\x1f\x8b\x08", 3},
    {CODEC_XZ, "\xfd" "7zXZ\0", 6},
    {CODEC_ZSTD, "\x28\xb5\x2f\xfd", 4},
    {CODEC_BZIP2, "BZh#\x31\x41\x59\x26\x53\x59", 10},
    {CODEC_BZIP2, "BZh#\x17\x72\x45\x38\x50\x90", 10},
};

/* 1: p starts with the magic; CODEC_SNIFF_MORE: p is a proper prefix of it; 0: neither. */
static int magic_match(const unsigned char *p, size_t n, const char *magic, size_t len)
{
    for (size_t i = 0; i < len && i < n; i++) {
        unsigned char m = (unsigned char)magic[i];
        if (m == '#' ? p[i] < '1' || p[i] > '9' : p[i] != m)
            return 0;
    }
    return n >= len ? 1 : CODEC_SNIFF_MORE;
}

int codec_sniff(const unsigned char *p, size_t n)
{
    int more = 0;
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++) {
        int m = magic_match(p, n, magics[i].bytes, magics[i].len);
        if (m == 1)
            return (int)magics[i].kind;
        more |= m == CODEC_SNIFF_MORE;
    }
    return more ? CODEC_SNIFF_MORE : CODEC_NONE;
}

enum codec_kind codec_for_name(const char *name)
{
    static const struct {
        const char *suffix;
        enum codec_kind kind;
    } suffixes[] = {{".gz", CODEC_GZIP}, {".xz", CODEC_XZ}, {".zst", CODEC_ZSTD}, {".bz2", CODEC_BZIP2}};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t s = strlen(suffixes[i].suffix);
        if (len > s && strcmp(name + len - s, suffixes[i].suffix) == 0)
            return suffixes[i].kind;
    }
    return CODEC_NONE;
}

const char *codec_name(enum codec_kind kind)
{
    static const char *const names[] = {"plain", "gzip", "xz", "zstd", "bzip2"};
    return (unsigned)kind < sizeof names / sizeof *names ? names[kind] : "?";
}

/* ---- life cycle ---- */

static int init_gzip(codec *c)
{
    if (c->encode)
        return deflateInit2(&c->u.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8,
                            Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
    return inflateInit2(&c->u.z, GZIP_WINDOW) == Z_OK ? 0 : -1;
}

static int init_xz(codec *c)
{
    c->u.x = (lzma_stream)LZMA_STREAM_INIT;
    /* Concatenated: one .xz file may hold several streams (xz does the same). */
    lzma_ret rc = c->encode ? lzma_easy_encoder(&c->u.x, XZ_PRESET, LZMA_CHECK_CRC64)
                            : lzma_stream_decoder(&c->u.x, XZ_MEMLIMIT, LZMA_CONCATENATED);
    return rc == LZMA_OK ? 0 : -1;
}

static int init_zstd(codec *c)
{
    if (!c->encode)
        return (c->u.zd = ZSTD_createDCtx()) ? 0 : -1;
    c->u.zc = ZSTD_createCCtx();
    if (!c->u.zc)
        return -1;
    ZSTD_CCtx_setParameter(c->u.zc, ZSTD_c_compressionLevel, ZSTD_CLEVEL_DEFAULT);
    ZSTD_CCtx_setParameter(c->u.zc, ZSTD_c_checksumFlag, 1); /* as the zstd command does */
    return 0;
}

static int init_bzip2(codec *c)
{
    memset(&c->u.b, 0, sizeof c->u.b);
    int rc = c->encode ? BZ2_bzCompressInit(&c->u.b, BZIP2_BLOCKS, 0, 0)
                       : BZ2_bzDecompressInit(&c->u.b, 0, 0);
    return rc == BZ_OK ? 0 : -1;
}

codec *codec_new(enum codec_kind kind, int encode)
{
    codec *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    c->encode = encode;
    c->error = "";
    int rc = kind == CODEC_GZIP ? init_gzip(c)
           : kind == CODEC_XZ ? init_xz(c)
           : kind == CODEC_ZSTD ? init_zstd(c)
           : kind == CODEC_BZIP2 ? init_bzip2(c) : -1;
    if (rc) {
        free(c); /* (a failed init leaves nothing to end) */
        return NULL;
    }
    return c;
}

void codec_free(codec *c)
{
    if (!c)
        return;
    switch (c->kind) {
    case CODEC_GZIP: c->encode ? deflateEnd(&c->u.z) : inflateEnd(&c->u.z); break;
    case CODEC_XZ: lzma_end(&c->u.x); break;
    case CODEC_ZSTD: c->encode ? ZSTD_freeCCtx(c->u.zc) : ZSTD_freeDCtx(c->u.zd); break;
    case CODEC_BZIP2: c->encode ? BZ2_bzCompressEnd(&c->u.b) : BZ2_bzDecompressEnd(&c->u.b); break;
    case CODEC_NONE: break;
    }
    free(c);
}

const char *codec_error(const codec *c)
{
    return c->error;
}

static int fail(codec *c, const char *why)
{
    c->error = why;
    return CODEC_ERROR;
}

/* The end of a decoding step: nothing came out and nothing can come in, so the stream must be
 * complete (CODEC_END) or it was cut short. */
static int decode_result(codec *c, size_t in_len, size_t produced, int at_eof)
{
    if (!at_eof || in_len > 0 || produced > 0)
        return CODEC_OK;
    return c->ended ? CODEC_END : fail(c, "unexpected end of data");
}

/* ---- decoding ---- */

static int gzip_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                       size_t out_size, size_t *produced, int at_eof)
{
    z_stream *z = &c->u.z;
    if (c->ended && *in_len > 0) { /* another member follows (gzip's multi-member files) */
        if (inflateReset(z) != Z_OK)
            return fail(c, "cannot start the next member");
        c->ended = 0;
    }
    *produced = 0;
    if (c->ended)
        return decode_result(c, *in_len, 0, at_eof);
    z->next_in = (Bytef *)(uintptr_t)*in; /* (zlib's type is not const; it does not write) */
    z->avail_in = (uInt)*in_len;
    z->next_out = out;
    z->avail_out = (uInt)out_size;
    int rc = inflate(z, Z_NO_FLUSH);
    *produced = out_size - z->avail_out;
    *in += *in_len - z->avail_in;
    *in_len = z->avail_in;
    if (rc == Z_STREAM_END)
        c->ended = 1;
    else if (rc != Z_OK && rc != Z_BUF_ERROR)
        return fail(c, rc == Z_MEM_ERROR ? "out of memory" : z->msg ? z->msg : "corrupt data");
    return decode_result(c, *in_len, *produced, at_eof);
}

static int xz_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                     size_t out_size, size_t *produced, int at_eof)
{
    lzma_stream *x = &c->u.x;
    *produced = 0;
    if (c->ended)
        return CODEC_END;
    x->next_in = *in;
    x->avail_in = *in_len;
    x->next_out = out;
    x->avail_out = out_size;
    /* LZMA_FINISH once no byte follows: only then may a concatenated decoder say it ended. */
    lzma_ret rc = lzma_code(x, at_eof ? LZMA_FINISH : LZMA_RUN);
    *produced = out_size - x->avail_out;
    *in += *in_len - x->avail_in;
    *in_len = x->avail_in;
    switch (rc) {
    case LZMA_STREAM_END: c->ended = 1; return CODEC_END;
    case LZMA_OK: return decode_result(c, *in_len, *produced, at_eof);
    case LZMA_BUF_ERROR: return fail(c, "unexpected end of data");
    case LZMA_MEM_ERROR: return fail(c, "out of memory");
    case LZMA_MEMLIMIT_ERROR: return fail(c, "needs more than 1 GiB of memory to decode");
    case LZMA_OPTIONS_ERROR: return fail(c, "unsupported options");
    case LZMA_FORMAT_ERROR: return fail(c, "not in xz format");
    default: return fail(c, "compressed data is corrupt");
    }
}

static int zstd_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                       size_t out_size, size_t *produced, int at_eof)
{
    ZSTD_inBuffer ib = {*in, *in_len, 0};
    ZSTD_outBuffer ob = {out, out_size, 0};
    size_t rc = ZSTD_decompressStream(c->u.zd, &ob, &ib);
    *produced = ob.pos;
    *in += ib.pos;
    *in_len -= ib.pos;
    if (ZSTD_isError(rc))
        return fail(c, ZSTD_getErrorName(rc));
    /* 0: a frame is complete and flushed; the next byte starts another frame, which libzstd
     * handles by itself. A call that moved nothing says nothing new about it. */
    if (ib.pos || ob.pos)
        c->ended = rc == 0;
    return decode_result(c, *in_len, *produced, at_eof);
}

static int bzip2_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                        size_t out_size, size_t *produced, int at_eof)
{
    bz_stream *b = &c->u.b;
    if (c->ended && *in_len > 0) { /* another stream follows (pbzip2 writes such files) */
        BZ2_bzDecompressEnd(b);
        memset(b, 0, sizeof *b);
        if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
            c->kind = CODEC_NONE; /* nothing left to end */
            return fail(c, "out of memory");
        }
        c->ended = 0;
    }
    *produced = 0;
    if (c->ended)
        return decode_result(c, *in_len, 0, at_eof);
    b->next_in = (char *)(uintptr_t)*in; /* (not written through) */
    b->avail_in = (unsigned)*in_len;
    b->next_out = (char *)out;
    b->avail_out = (unsigned)out_size;
    int rc = BZ2_bzDecompress(b);
    *produced = out_size - b->avail_out;
    *in += *in_len - b->avail_in;
    *in_len = b->avail_in;
    if (rc == BZ_STREAM_END)
        c->ended = 1;
    else if (rc != BZ_OK)
        return fail(c, rc == BZ_MEM_ERROR ? "out of memory" : "compressed data is corrupt");
    return decode_result(c, *in_len, *produced, at_eof);
}

int codec_decode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                 size_t out_size, size_t *produced, int at_eof)
{
    switch (c->kind) {
    case CODEC_GZIP: return gzip_decode(c, in, in_len, out, out_size, produced, at_eof);
    case CODEC_XZ: return xz_decode(c, in, in_len, out, out_size, produced, at_eof);
    case CODEC_ZSTD: return zstd_decode(c, in, in_len, out, out_size, produced, at_eof);
    case CODEC_BZIP2: return bzip2_decode(c, in, in_len, out, out_size, produced, at_eof);
    default: *produced = 0; return fail(c, "no decoder");
    }
}

/* ---- encoding ---- */

/* CODEC_OK when a plain step (CODEC_RUN) is done: all input taken and room left over. */
static int run_result(size_t in_len, size_t room_left)
{
    return in_len > 0 || room_left == 0 ? CODEC_MORE : CODEC_OK;
}

static int gzip_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                       size_t out_size, size_t *produced, enum codec_flush flush)
{
    z_stream *z = &c->u.z;
    z->next_in = (Bytef *)(uintptr_t)*in;
    z->avail_in = (uInt)*in_len;
    z->next_out = out;
    z->avail_out = (uInt)out_size;
    int rc = deflate(z, flush == CODEC_FINISH ? Z_FINISH : flush == CODEC_SYNC ? Z_SYNC_FLUSH
                                                                               : Z_NO_FLUSH);
    *produced = out_size - z->avail_out;
    *in += *in_len - z->avail_in;
    *in_len = z->avail_in;
    if (rc == Z_STREAM_ERROR)
        return fail(c, "compression failed");
    if (flush == CODEC_FINISH)
        return rc == Z_STREAM_END ? CODEC_OK : CODEC_MORE;
    return run_result(*in_len, z->avail_out); /* (a sync flush is done when room is left) */
}

static int xz_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                     size_t out_size, size_t *produced, enum codec_flush flush)
{
    lzma_stream *x = &c->u.x;
    x->next_in = *in;
    x->avail_in = *in_len;
    x->next_out = out;
    x->avail_out = out_size;
    lzma_ret rc = lzma_code(x, flush == CODEC_FINISH ? LZMA_FINISH
                               : flush == CODEC_SYNC ? LZMA_SYNC_FLUSH : LZMA_RUN);
    *produced = out_size - x->avail_out;
    *in += *in_len - x->avail_in;
    *in_len = x->avail_in;
    if (rc == LZMA_STREAM_END) /* the flush or the end is complete */
        return CODEC_OK;
    if (rc != LZMA_OK)
        return fail(c, rc == LZMA_MEM_ERROR ? "out of memory" : "compression failed");
    return flush == CODEC_RUN ? run_result(*in_len, x->avail_out) : CODEC_MORE;
}

static int zstd_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                       size_t out_size, size_t *produced, enum codec_flush flush)
{
    ZSTD_inBuffer ib = {*in, *in_len, 0};
    ZSTD_outBuffer ob = {out, out_size, 0};
    size_t rc = ZSTD_compressStream2(c->u.zc, &ob, &ib, flush == CODEC_FINISH ? ZSTD_e_end
                                     : flush == CODEC_SYNC ? ZSTD_e_flush : ZSTD_e_continue);
    *produced = ob.pos;
    *in += ib.pos;
    *in_len -= ib.pos;
    if (ZSTD_isError(rc))
        return fail(c, ZSTD_getErrorName(rc));
    if (flush != CODEC_RUN) /* rc: bytes still to be flushed */
        return rc == 0 ? CODEC_OK : CODEC_MORE;
    return run_result(*in_len, ob.size - ob.pos);
}

static int bzip2_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                        size_t out_size, size_t *produced, enum codec_flush flush)
{
    bz_stream *b = &c->u.b;
    *produced = 0;
    if (flush == CODEC_RUN && *in_len == 0)
        return CODEC_OK; /* (libbz2 calls a step without progress a parameter error) */
    b->next_in = (char *)(uintptr_t)*in;
    b->avail_in = (unsigned)*in_len;
    b->next_out = (char *)out;
    b->avail_out = (unsigned)out_size;
    int rc = BZ2_bzCompress(b, flush == CODEC_FINISH ? BZ_FINISH : flush == CODEC_SYNC ? BZ_FLUSH
                                                                                      : BZ_RUN);
    *produced = out_size - b->avail_out;
    *in += *in_len - b->avail_in;
    *in_len = b->avail_in;
    switch (rc) {
    case BZ_STREAM_END: return CODEC_OK; /* finished */
    case BZ_FINISH_OK:
    case BZ_FLUSH_OK: return CODEC_MORE;
    case BZ_RUN_OK: /* a step, or a completed flush */
        return flush == CODEC_SYNC ? CODEC_OK : run_result(*in_len, b->avail_out);
    default: return fail(c, rc == BZ_MEM_ERROR ? "out of memory" : "compression failed");
    }
}

int codec_encode(codec *c, const unsigned char **in, size_t *in_len, unsigned char *out,
                 size_t out_size, size_t *produced, enum codec_flush flush)
{
    switch (c->kind) {
    case CODEC_GZIP: return gzip_encode(c, in, in_len, out, out_size, produced, flush);
    case CODEC_XZ: return xz_encode(c, in, in_len, out, out_size, produced, flush);
    case CODEC_ZSTD: return zstd_encode(c, in, in_len, out, out_size, produced, flush);
    case CODEC_BZIP2: return bzip2_encode(c, in, in_len, out, out_size, produced, flush);
    default: *produced = 0; return fail(c, "no encoder");
    }
}
