/* entities.c — decodes HTML character references (&amp;, &eacute;, &#233;, &#x4E2D;) on lines that
 * carry no markup: on a line with tags, "&lt;" may be exactly what the author meant to keep; nor
 * on a line that also holds raw one of the characters it escapes (text about references).
 * Only complete references (ending in ';') are decoded, with the HTML5 name list
 * (tables/html_entities.c) and HTML's rule that numeric references to 0x80-0x9F mean the
 * windows-1252 characters.
 *
 * By default a line's references are decoded only when they spell mojibake that the mojibake
 * stage then restores ("caf&Atilde;&copy;" -> "café"; mojibake is non-ASCII, so a line whose
 * references all stand for ASCII characters never is): a reference in clean text is how its
 * author wrote it (a keyboard layout's "&lt;key&gt;" in a message catalogue, a man page made from
 * HTML), and decoding it would change a line that was not broken. FIXTEXT_ENTITIES_ALWAYS decodes
 * them on every line without markup. The state is the mode and, for the default, a mojibake
 * stage of its own to ask. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct ft_entities {
    int judged;       /* 0: decode on every line without markup (FIXTEXT_ENTITIES_ALWAYS) */
    void *mojibake;   /* the stage that judges; NULL when judged with the mojibake stage off:
                         nothing it would restore, so nothing is decoded */
    ft_buf decoded;   /* the line with its references decoded, while the mojibake stage is asked */
    ft_buf repaired;  /* what the mojibake stage made of it (only whether it changed counts) */
} ft_entities;

void *ft_entities_new(const fixtext_options *o, char *err, size_t errlen)
{
    ft_entities *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    int judged = !(o->flags & FIXTEXT_ENTITIES_ALWAYS);
    if (judged && !(o->flags & FIXTEXT_NO_MOJIBAKE)) {
        e->mojibake = ft_mojibake_new(o, err, errlen);
        if (!e->mojibake) {
            free(e);
            return NULL;
        }
    }
    e->judged = judged;
    return e;
}

void ft_entities_free(void *state)
{
    ft_entities *e = state;
    if (!e)
        return;
    ft_mojibake_free(e->mojibake);
    ft_buf_free(&e->decoded);
    ft_buf_free(&e->repaired);
    free(e);
}

typedef struct {
    const char *name;
    uint32_t cp[2];
} ft_html_entity;
extern const unsigned ft_html_entity_count;
extern const ft_html_entity ft_html_entities[];

/* Whether a reference to cp may be replaced by the character: never by a control character other
 * than tab (&NewLine; and &#13; would add or split a line; the pipeline keeps one line per line),
 * a surrogate, NUL or a value past Unicode. */
static int insertable(uint32_t cp)
{
    if (cp == '\t')
        return 1;
    return !ft_is_control(cp) && ft_is_scalar_value(cp);
}

/* A tag, comment or declaration: '<' followed by a letter, '/', '!' or '?'. */
static int has_markup(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memchr(p, '<', (size_t)(end - p))) && p + 1 < end) {
        char c = p[1];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            return 1;
        if (c == '/' || c == '!' || c == '?')
            return 1;
        p++;
    }
    return 0;
}

static const ft_html_entity *lookup(const char *name, size_t len)
{
    size_t lo = 0, hi = ft_html_entity_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *e = ft_html_entities[mid].name;
        int c = strncmp(e, name, len);
        if (!c && e[len])
            c = 1;
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return &ft_html_entities[mid];
    }
    return NULL;
}

/* Parses a reference at s[0] == '&'. Returns its length and sets cp[0..1] (cp[1] may be 0), or 0
 * when s does not start a complete reference worth decoding. */
static size_t parse(const char *s, size_t n, uint32_t cp[2])
{
    size_t i = 1;
    cp[1] = 0;
    if (i < n && s[i] == '#') {
        i++;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        i += (size_t)hex;
        size_t start = i;
        uint32_t v = 0;
        while (i < n && i - start < 8) {
            char c = s[i];
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                d = (c | 0x20) - 'a' + 10;
            else
                break;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
            i++;
        }
        if (i == start || i >= n || s[i] != ';')
            return 0;
        /* HTML reads 0x80..0x9F as windows-1252; its five holes stay C1 controls, which are not
           insertable, so those references stay as written */
        v = ft_c1_as_cp1252(v);
        if (!insertable(v))
            return 0; /* nothing sensible to put there: leave the text as written */
        cp[0] = v;
        return i + 1;
    }
    size_t start = i;
    while (i < n && i - start < 32 &&
           (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') || (s[i] >= '0' && s[i] <= '9')))
        i++;
    if (i == start || i >= n || s[i] != ';')
        return 0;
    const ft_html_entity *e = lookup(s + start, i - start);
    if (!e || !insertable(e->cp[0]) || (e->cp[1] && !insertable(e->cp[1])))
        return 0;
    cp[0] = e->cp[0], cp[1] = e->cp[1];
    return i + 1;
}

/* The characters HTML escapes, as bits: a line that escapes one of them and also holds it raw is
 * not escaped text but text about references (a table of "&lt;  |<  |less-than"): left alone. */
static unsigned markup_bit(uint32_t c)
{
    switch (c) {
    case '<': return 1;
    case '>': return 2;
    case '"': return 4;
    case '\'': return 8;
    case '&': return 16;
    default: return 0;
    }
}

/* Appends in with its references decoded to out. Returns 1 when it decoded any, 0 when the line
 * stays as it is, -1 when out of memory. */
static int decode_references(const char *in, size_t len, ft_buf *out, ft_report *r)
{
    const char *amp = memchr(in, '&', len);
    if (!amp || has_markup(in, len))
        return 0;
    size_t done = 0, i = (size_t)(amp - in), col = 1, first = 0, last = 0;
    unsigned count = 0, escaped = 0, raw = 0;
    /* columns: count characters up to the first '&' */
    for (size_t k = 0; k < i; k++) {
        col += !ft_utf8_is_continuation((unsigned char)in[k]);
        raw |= markup_bit((unsigned char)in[k]);
    }
    while (i < len) {
        if (in[i] == '&') {
            uint32_t cp[2];
            size_t n = parse(in + i, len - i, cp);
            if (n) {
                if (ft_buf_append(out, in + done, i - done) || ft_buf_put_cp(out, cp[0]) ||
                    (cp[1] && ft_buf_put_cp(out, cp[1])))
                    return -1;
                if (!count)
                    first = col;
                last = col + n - 1;
                count++;
                escaped |= markup_bit(cp[0]);
                i += n, col += n, done = i;
                continue;
            }
        }
        col += !ft_utf8_is_continuation((unsigned char)in[i]);
        raw |= markup_bit((unsigned char)in[i]);
        i++;
    }
    if (!count || (escaped & raw))
        return 0;
    if (ft_buf_append(out, in + done, len - done))
        return -1;
    ft_report_fixed(r, count);
    ft_report_note(r, "HTML references ×%u; span %zu-%zu", count, first, last);
    return 1;
}

/* Whether the mojibake stage restores something in the decoded line. It sees the line on its own,
 * with counters and notes of its own that are thrown away: only the entities stage reports. */
static int spells_mojibake(ft_entities *e, const ft_buf *decoded)
{
    if (decoded->len > FIXTEXT_DEFAULT_WINDOW)
        return 0; /* longer than the mojibake stage takes at once: not judged, so kept */
    fixtext_line_info scratch_info;
    memset(&scratch_info, 0, sizeof scratch_info);
    ft_report scratch = {.info = &scratch_info, .stage = 0};
    e->repaired.len = 0;
    return ft_mojibake_repair(e->mojibake, decoded->data, decoded->len, &e->repaired, &scratch);
}

static size_t high_bytes(const char *s, size_t n)
{
    size_t high = 0;
    for (size_t i = 0; i < n; i++)
        high += (unsigned char)s[i] >= 0x80;
    return high;
}

int ft_entities_decode(void *state, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    ft_entities *e = state;
    if (!e || !e->judged)
        return decode_references(in, len, out, r);
    if (!e->mojibake || !memchr(in, '&', len))
        return 0;
    /* decode into scratch first: the counts and notes go to r only when the line is taken */
    fixtext_line_info scratch_info;
    memset(&scratch_info, 0, sizeof scratch_info);
    ft_report quiet = {.info = &scratch_info, .stage = r->stage};
    e->decoded.len = 0;
    int decoded = decode_references(in, len, &e->decoded, &quiet);
    if (decoded <= 0)
        return decoded;
    /* (references to ASCII characters alone, "&lt;" "&amp;", spell no mojibake: mojibake is made
       of non-ASCII characters, and a line whose other text the mojibake stage restores keeps
       them as written) */
    if (high_bytes(e->decoded.data, e->decoded.len) == high_bytes(in, len))
        return 0;
    int restores = spells_mojibake(e, &e->decoded);
    if (restores <= 0)
        return restores;
    return decode_references(in, len, out, r);
}
