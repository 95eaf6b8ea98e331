/* libFuzzer harness over libfixtext's entry points: arbitrary bytes, fed in arbitrary chunks with
 * arbitrary options (plain lines, or JSON Lines / TSV documents), must never crash, and (unless the input may be taken for UTF-16/32) every
 * input line must come out as exactly one output line with the same terminator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixtext.h"

typedef struct sink {
    size_t bytes;
    size_t newlines_out;
    size_t lines;
} sink;

static int count_write(void *opaque, const char *data, size_t len)
{
    sink *s = opaque;
    s->bytes += len;
    for (size_t i = 0; i < len; i++)
        s->newlines_out += data[i] == '\n';
    return 0;
}

static int count_line(void *opaque, const fixtext_line_info *info)
{
    sink *s = opaque;
    s->lines += !info->partial;
    return 0;
}

static size_t count_lines(const uint8_t *p, size_t n, size_t *newlines)
{
    size_t lines = 0;
    *newlines = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            lines++, (*newlines)++;
        } else if (p[i] == '\r') {
            lines++;
            if (i + 1 < n && p[i + 1] == '\n')
                i++, (*newlines)++;
        }
    }
    if (n && p[n - 1] != '\n' && p[n - 1] != '\r')
        lines++;
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint8_t control = data[0];
    const size_t step = 1 + data[1] * 37u;
    data += 2, size -= 2;

    fixtext_options o;
    fixtext_options_init(&o);
    o.flags = FIXTEXT_EXPLAIN | FIXTEXT_CLASSIFY_SCRIPT;
    if (control & 1)
        o.flags |= FIXTEXT_NO_DETECT;
    if (control & 2)
        o.flags |= FIXTEXT_KEEP_BOM;
    if (control & 4)
        o.flags |= FIXTEXT_KEEP_PINYIN;
    if (control & 8)
        o.flags |= FIXTEXT_NO_MOJIBAKE;
    o.window = (control & 16) ? 64 : 0;
    o.jobs = (control & 32) ? 2 : 1;
    if (control & 128) { /* every line a JSON document, every string value repaired */
        o.container = (control & 8) ? FIXTEXT_CONTAINER_TSV : FIXTEXT_CONTAINER_JSONL;
        o.fields = "*";
    }

    fixtext *ft = fixtext_new(&o, NULL, 0);
    if (!ft)
        abort();
    sink s = {0};
    fixtext_set_output(ft, count_write, count_line, &s);
    for (size_t i = 0; i < size; i += step) {
        size_t n = size - i < step ? size - i : step;
        if (control & 64) { /* zero-copy feeding */
            char *room = fixtext_feed_buffer(ft, n);
            if (!room)
                abort();
            memcpy(room, data + i, n);
            if (fixtext_feed_commit(ft, n))
                abort();
        } else if (fixtext_feed(ft, data + i, n)) {
            abort();
        }
    }
    if (fixtext_finish(ft))
        abort();
    fixtext_free(ft);

    /* Lines are framed before anything else looks at them, so the count holds with detection on
     * too, unless the input may be taken for UTF-16/32 (a NUL byte, or a UTF-16 BOM). */
    int may_be_wide = memchr(data, 0, size) != NULL ||
                      (size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)));
    if ((o.flags & FIXTEXT_NO_DETECT) || !may_be_wide) {
        /* A BOM that is dropped takes no line with it, unless it was all the line had. */
        size_t bom = (!(o.flags & FIXTEXT_KEEP_BOM) && size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) ? 3 : 0;
        size_t newlines_in;
        size_t lines_in = count_lines(data + bom, size - bom, &newlines_in);
        if (s.lines != lines_in || s.newlines_out != newlines_in)
            abort();
    }
    return 0;
}
