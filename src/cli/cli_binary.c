/* cli_binary.c — telling binary files from text, for the fixtext command's --binary policy.
 *
 * A file is binary when its first bytes (BINARY_SNIFF of them, after decompression) are
 *   - the magic of an executable, an archive, an image, a document format that is not plain text,
 *     a database, or compressed data inside compressed data (the list below, documented in
 *     fixtext(1)); or
 *   - text with NUL bytes, or in which more than one byte in CONTROL_SHARE is a control
 *     character that text does not use (tab, newlines, form feed, backspace and escape are used:
 *     man pages overstrike with backspaces, terminal logs carry escape sequences),
 * where "text" is what the library decodes the bytes to: UTF-16 and UTF-32 are full of NULs and
 * control bytes, and the library, not this file, decides what is UTF-16 or UTF-32. So bytes with
 * NULs or many control bytes are decoded once by a detection-only context before they are
 * judged. Every test reads a prefix of the input, so the answer does not depend on read sizes. */
#include <stdlib.h>
#include <string.h>

#include "cli_binary.h"
#include "cli_codec.h"

#define CONTROL_SHARE 10 /* more than 1 byte in 10 */

static const struct {
    const char *what;
    size_t offset;
    const char *bytes;
    size_t len;
} magics[] = {
    {"ELF executable", 0, "\x7f" "ELF", 4},
    {"Mach-O executable", 0, "\xfe\xed\xfa\xce", 4},
    {"Mach-O executable", 0, "\xfe\xed\xfa\xcf", 4},
    {"Mach-O executable", 0, "\xce\xfa\xed\xfe", 4},
    {"Mach-O executable", 0, "\xcf\xfa\xed\xfe", 4},
    {"Mach-O universal binary or Java class", 0, "\xca\xfe\xba\xbe", 4},
    {"WebAssembly module", 0, "\0asm", 4},
    {"zip archive", 0, "PK\x03\x04", 4}, /* also jar, docx, xlsx, odt, epub, apk */
    {"zip archive", 0, "PK\x05\x06", 4},
    {"zip archive", 0, "PK\x07\x08", 4},
    {"7-Zip archive", 0, "7z\xbc\xaf\x27\x1c", 6},
    {"RAR archive", 0, "Rar!\x1a\x07", 6},
    {"tar archive", 257, "ustar", 5},
    {"PNG image", 0, "\x89PNG\r\n\x1a\n", 8},
    {"JPEG image", 0, "\xff\xd8\xff", 3},
    {"GIF image", 0, "GIF87a", 6},
    {"GIF image", 0, "GIF89a", 6},
    {"PDF document", 0, "%PDF-", 5}, /* its text is in compressed streams, not in its lines */
    {"SQLite database", 0, "SQLite format 3\0", 16},
};

static const char *magic_kind(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++)
        if (n >= magics[i].offset + magics[i].len &&
            memcmp(p + magics[i].offset, magics[i].bytes, magics[i].len) == 0)
            return magics[i].what;
    /* DOS and Windows executables: "MZ", then header fields whose high bytes are zero. A line
     * of text may start with "MZ"; it has no NUL among its first bytes. */
    if (n >= 64 && p[0] == 'M' && p[1] == 'Z' && memchr(p + 2, 0, 62))
        return "DOS/Windows executable";
    int nested = codec_sniff(p, n);
    if (nested > CODEC_NONE) /* compressed inside compressed: not unpacked twice */
        return "compressed data";
    return NULL;
}

/* Control bytes that text does not use: not tab, LF, VT, FF, CR, backspace or escape. */
static int odd_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' &&
            c != '\b' && c != 0x1b) || c == 0x7f;
}

/* NULs, or control bytes over the share. NULL: neither. */
static const char *content_kind(const unsigned char *p, size_t n)
{
    size_t controls = 0;
    if (memchr(p, 0, n))
        return "NUL bytes";
    for (size_t i = 0; i < n; i++)
        controls += odd_control(p[i]);
    return controls * CONTROL_SHARE > n ? "control bytes" : NULL;
}

/* The bytes as the run's options make the library decode them (detection only: no repair
 * stage adds or removes a NUL), malloc'd into *out (the caller frees); -1 when that fails. */
static int decode_like_the_run(const unsigned char *p, size_t n, const fixtext_options *lib,
                               char **out, size_t *outlen)
{
    fixtext_options o;
    fixtext_options_init(&o);
    o.flags = lib->flags & (FIXTEXT_NO_DETECT | FIXTEXT_KEEP_BOM);
    o.from = lib->from;
    o.candidates = lib->candidates;
    o.lang = lib->lang;
    o.skip = lib->skip;
    o.only = lib->only;
    o.window = lib->window;
    fixtext *probe = fixtext_new(&o, NULL, 0);
    if (!probe)
        return -1;
    int rc = fixtext_buffer(probe, p, n, out, outlen);
    fixtext_free(probe);
    return rc ? -1 : 0;
}

const char *binary_kind(const unsigned char *p, size_t n, const fixtext_options *lib)
{
    const char *kind = magic_kind(p, n);
    if (kind || !(kind = content_kind(p, n)))
        return kind;
    char *text;
    size_t len;
    if (decode_like_the_run(p, n, lib, &text, &len))
        return kind; /* (judged on the bytes as they are) */
    kind = content_kind((const unsigned char *)text, len);
    free(text);
    return kind;
}
