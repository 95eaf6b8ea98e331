/* container.c — lines that are documents: JSON Lines (--jsonl) and tab-separated values (--tsv).
 *
 * Finds the values of a line that are to be repaired (the chosen fields of a JSON line, checking
 * on the way that the whole line is valid JSON; the chosen columns of a TSV row), resolves a JSON
 * string's escapes into the text they stand for, and writes a repaired value back the way the
 * line writes its strings, so that escaped non-ASCII stays escaped and the line stays valid JSON
 * whatever the repair brought in (a quote, a backslash, a control character). Everything outside
 * the chosen values is the caller's to copy byte for byte.
 *
 * The JSON parser is iterative (its open objects and arrays are a heap stack), so no nesting
 * depth can exhaust the C stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"

/* ---- which values ---- */

void ft_fields_free(ft_fields *f)
{
    free(f->spec);
    free(f->names);
    free(f->columns);
    memset(f, 0, sizeof *f);
}

static int parse_column(const char *s, size_t n, unsigned *column)
{
    unsigned long v = 0;
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0)
        return -1;
    *column = (unsigned)v;
    return 0;
}

int ft_fields_parse(ft_fields *f, int container, const char *spec, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->container = container;
    if (!spec)
        spec = container == FIXTEXT_CONTAINER_JSONL ? "text" : "*";
    if (strcmp(spec, "*") == 0) {
        f->all = 1;
        return 0;
    }
    size_t n = strlen(spec), most = 1;
    for (size_t i = 0; i < n; i++)
        most += spec[i] == ',';
    f->spec = malloc(n + 1);
    f->names = calloc(most, sizeof *f->names);
    f->columns = calloc(most, sizeof *f->columns);
    if (!f->spec || !f->names || !f->columns) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(f->spec, spec, n + 1);
    for (const char *p = f->spec, *end = f->spec + n; p <= end;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p);
        if (len == 0) {
            snprintf(err, errlen, "empty name in the field list '%s'", spec);
            return -1;
        }
        if (container == FIXTEXT_CONTAINER_TSV && parse_column(p, len, &f->columns[f->count])) {
            snprintf(err, errlen, "invalid column list '%s' (1-based numbers, or '*')", spec);
            return -1;
        }
        f->names[f->count++] = (ft_slice){p, len};
        p += len + 1;
    }
    return 0;
}

static int chosen_name(const ft_fields *f, const char *name, size_t len)
{
    if (f->all)
        return 1;
    for (size_t i = 0; i < f->count; i++)
        if (f->names[i].len == len && memcmp(f->names[i].data, name, len) == 0)
            return 1;
    return 0;
}

static int chosen_column(const ft_fields *f, unsigned column)
{
    if (f->all)
        return 1;
    for (size_t i = 0; i < f->count; i++)
        if (f->columns[i] == column)
            return 1;
    return 0;
}

/* ---- a parsed line ---- */

void ft_doc_free(ft_doc *d)
{
    free(d->values);
    ft_buf_free(&d->text);
    ft_buf_free(&d->names);
    ft_buf_free(&d->path);
    ft_buf_free(&d->stack);
    memset(d, 0, sizeof *d);
}

static int add_value(ft_doc *d, size_t start, size_t end, size_t text_off, const char *name,
                     size_t name_len)
{
    if (ft_room_for_one((void **)&d->values, d->nvalues, &d->cap, sizeof *d->values))
        return -1;
    ft_doc_value *v = &d->values[d->nvalues++];
    *v = (ft_doc_value){start, end, text_off, d->text.len - text_off, d->names.len, name_len, 0};
    return ft_buf_append(&d->names, name, name_len);
}

/* ---- TSV ---- */

static int parse_tsv(ft_doc *d, const ft_fields *f, const char *line, size_t len)
{
    unsigned column = 1;
    for (size_t start = 0;; column++) {
        const char *tab = memchr(line + start, '\t', len - start);
        size_t end = tab ? (size_t)(tab - line) : len;
        if (chosen_column(f, column) && end > start) {
            char name[16];
            int n = snprintf(name, sizeof name, "%u", column);
            size_t text_off = d->text.len;
            if (ft_buf_append(&d->text, line + start, end - start) ||
                add_value(d, start, end, text_off, name, (size_t)n))
                return -1;
        }
        if (!tab)
            return 1;
        start = end + 1;
    }
}

/* ---- JSON ---- */

enum { NOT_JSON = -2 };

typedef struct frame {
    char kind;        /* '{' or '[' */
    size_t path_len;  /* d->path's length when it opened */
    size_t index;     /* elements of an array seen so far */
} frame;

typedef struct parser {
    ft_doc *d;
    const ft_fields *f;
    const unsigned char *p;
    size_t n, i;
    unsigned upper, lower; /* hex digits A-F and a-f seen in escapes */
} parser;

static void skip_space(parser *ps)
{
    while (ps->i < ps->n && (ps->p[ps->i] == ' ' || ps->p[ps->i] == '\t' || ps->p[ps->i] == '\n' ||
                             ps->p[ps->i] == '\r'))
        ps->i++;
}

static int hex4(parser *ps, size_t at, uint32_t *v)
{
    if (at + 4 > ps->n)
        return -1;
    uint32_t x = 0;
    for (size_t k = at; k < at + 4; k++) {
        unsigned c = ps->p[k];
        x <<= 4;
        if (c >= '0' && c <= '9')
            x |= c - '0';
        else if (c >= 'a' && c <= 'f')
            x |= c - 'a' + 10, ps->lower++;
        else if (c >= 'A' && c <= 'F')
            x |= c - 'A' + 10, ps->upper++;
        else
            return -1;
    }
    *v = x;
    return 0;
}

/* Reads the string whose opening quote is at ps->i; leaves ps->i after its closing quote. With
 * text, appends what it stands for; *lone is set when an escape stands for no character (a lone
 * surrogate). Returns 0, NOT_JSON, or -1 when out of memory. */
static int read_string(parser *ps, ft_buf *text, int *lone)
{
    ft_doc *d = ps->d;
    size_t i = ps->i + 1, run = i;
    for (;;) {
        if (i >= ps->n)
            return NOT_JSON;
        unsigned c = ps->p[i];
        if (c != '"' && c != '\\' && c >= 0x20) {
            d->raw_non_ascii |= c >= 0x80;
            i++;
            continue;
        }
        if (c < 0x20)
            return NOT_JSON;
        if (text && ft_buf_append(text, ps->p + run, i - run))
            return -1;
        if (c == '"')
            break;
        if (i + 1 >= ps->n)
            return NOT_JSON;
        unsigned e = ps->p[i + 1];
        const char *simple = strchr("\"\\/bfnrt", (int)e);
        if (e && simple) {
            static const char meaning[] = "\"\\/\b\f\n\r\t";
            d->escaped_slash |= e == '/';
            if (text && ft_buf_putc(text, meaning[simple - "\"\\/bfnrt"]))
                return -1;
            run = i += 2;
            continue;
        }
        uint32_t cp;
        if (e != 'u' || hex4(ps, i + 2, &cp))
            return NOT_JSON;
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= ps->n && ps->p[i] == '\\' && ps->p[i + 1] == 'u') {
            uint32_t low;
            if (hex4(ps, i + 2, &low))
                return NOT_JSON;
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            *lone = 1, cp = 0xFFFD;
        d->escaped_non_ascii |= cp >= 0x80;
        if (text && ft_buf_put_cp(text, cp))
            return -1;
        run = i;
    }
    ps->i = i + 1;
    return 0;
}

static int read_literal(parser *ps)
{
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (ps->i + n <= ps->n && memcmp(ps->p + ps->i, words[k], n) == 0) {
            ps->i += n;
            return 0;
        }
    }
    return NOT_JSON;
}

static size_t digits(parser *ps)
{
    size_t start = ps->i;
    while (ps->i < ps->n && ps->p[ps->i] >= '0' && ps->p[ps->i] <= '9')
        ps->i++;
    return ps->i - start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int read_number(parser *ps)
{
    if (ps->i < ps->n && ps->p[ps->i] == '-')
        ps->i++;
    if (ps->i < ps->n && ps->p[ps->i] == '0')
        ps->i++;
    else if (!digits(ps))
        return NOT_JSON;
    if (ps->i < ps->n && ps->p[ps->i] == '.') {
        ps->i++;
        if (!digits(ps))
            return NOT_JSON;
    }
    if (ps->i < ps->n && (ps->p[ps->i] == 'e' || ps->p[ps->i] == 'E')) {
        ps->i++;
        if (ps->i < ps->n && (ps->p[ps->i] == '+' || ps->p[ps->i] == '-'))
            ps->i++;
        if (!digits(ps))
            return NOT_JSON;
    }
    return 0;
}

static frame *top(ft_doc *d)
{
    return d->stack.len ? (frame *)(d->stack.data + d->stack.len - sizeof(frame)) : NULL;
}

/* The path of the next element of the innermost array: "items[3]". */
static int path_to_element(ft_doc *d, frame *fr)
{
    d->path.len = fr->path_len;
    char index[24];
    int n = snprintf(index, sizeof index, "[%zu]", fr->index++);
    return ft_buf_append(&d->path, index, (size_t)n);
}

/* Reads a key (at ps->i) and the colon after it; sets the path to the member's. */
static int read_key(parser *ps, frame *fr)
{
    ft_doc *d = ps->d;
    if (ps->i >= ps->n || ps->p[ps->i] != '"')
        return NOT_JSON;
    d->path.len = fr->path_len;
    if (fr->path_len && ft_buf_putc(&d->path, '.'))
        return -1;
    int lone = 0, rc = read_string(ps, &d->path, &lone);
    if (rc)
        return rc;
    skip_space(ps);
    if (ps->i >= ps->n || ps->p[ps->i] != ':')
        return NOT_JSON;
    ps->i++;
    return 0;
}

static int open_container(parser *ps, char kind)
{
    ft_doc *d = ps->d;
    frame fr = {kind, d->path.len, 0};
    if (ft_buf_append(&d->stack, &fr, sizeof fr))
        return -1;
    ps->i++;
    skip_space(ps);
    return 0;
}

/* A string value: kept when chosen, unless it holds a lone surrogate (an escape that stands for
 * no character: its text could not be written back as it was). */
static int read_string_value(parser *ps)
{
    ft_doc *d = ps->d;
    int chosen = chosen_name(ps->f, d->path.data, d->path.len);
    size_t start = ps->i + 1, text_off = d->text.len;
    int lone = 0, rc = read_string(ps, chosen ? &d->text : NULL, &lone);
    if (rc || !chosen)
        return rc;
    if (lone) { /* valid JSON, but no text to repair: the value stays as it is */
        d->text.len = text_off;
        return 0;
    }
    return add_value(d, start, ps->i - 1, text_off, d->path.data, d->path.len);
}

static int read_scalar(parser *ps)
{
    if (ps->i >= ps->n)
        return NOT_JSON;
    unsigned c = ps->p[ps->i];
    if (c == '"')
        return read_string_value(ps);
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(ps);
    return read_literal(ps);
}

/* Walks the value: at each step either a value starts (want_value) or the innermost open
 * container goes on with ',' or ends. */
static int parse_json(parser *ps)
{
    ft_doc *d = ps->d;
    int want_value = 1;
    skip_space(ps);
    for (;;) {
        int rc;
        if (want_value) {
            unsigned c = ps->i < ps->n ? ps->p[ps->i] : 0;
            if (c == '{' || c == '[') {
                if (open_container(ps, (char)c))
                    return -1;
                frame *fr = top(d);
                unsigned close = c == '{' ? '}' : ']';
                if (ps->i < ps->n && ps->p[ps->i] == close) {
                    want_value = 0;
                    continue;
                }
                rc = c == '{' ? read_key(ps, fr) : path_to_element(d, fr);
                if (rc)
                    return rc;
                skip_space(ps);
                continue;
            }
            if ((rc = read_scalar(ps)))
                return rc;
            want_value = 0;
        }
        skip_space(ps);
        frame *fr = top(d);
        if (!fr)
            return ps->i == ps->n ? 0 : NOT_JSON;
        unsigned c = ps->i < ps->n ? ps->p[ps->i] : 0;
        unsigned close = fr->kind == '{' ? '}' : ']';
        if (c == close) {
            ps->i++;
            d->path.len = fr->path_len;
            d->stack.len -= sizeof(frame);
            continue;
        }
        if (c != ',')
            return NOT_JSON;
        ps->i++;
        skip_space(ps);
        rc = fr->kind == '{' ? read_key(ps, fr) : path_to_element(d, fr);
        if (rc)
            return rc;
        skip_space(ps);
        want_value = 1;
    }
}

int ft_doc_parse(ft_doc *d, const ft_fields *f, const char *line, size_t len)
{
    d->nvalues = 0;
    ft_buf_clear(&d->text);
    ft_buf_clear(&d->names);
    ft_buf_clear(&d->path);
    ft_buf_clear(&d->stack);
    d->escaped_non_ascii = d->raw_non_ascii = d->upper_hex = d->escaped_slash = 0;
    if (f->container == FIXTEXT_CONTAINER_TSV)
        return parse_tsv(d, f, line, len);
    parser ps = {d, f, (const unsigned char *)line, len, 0, 0, 0};
    int rc = parse_json(&ps);
    if (rc == -1)
        return -1;
    d->upper_hex = ps.upper > ps.lower;
    return rc == 0;
}

/* ---- writing a value back ---- */

static int put_escape(ft_buf *out, uint32_t unit, int upper)
{
    static const char lower_digits[] = "0123456789abcdef", upper_digits[] = "0123456789ABCDEF";
    const char *hex = upper ? upper_digits : lower_digits;
    char e[6] = {'\\', 'u', hex[unit >> 12 & 15], hex[unit >> 8 & 15], hex[unit >> 4 & 15], hex[unit & 15]};
    return ft_buf_append(out, e, sizeof e);
}

static size_t utf8_length(unsigned char lead)
{
    return lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

static uint32_t utf8_value(const unsigned char *s, size_t n)
{
    uint32_t cp = s[0] & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; k++)
        cp = cp << 6 | (s[k] & 0x3F);
    return cp;
}

int ft_doc_write_value(const ft_doc *d, int container, int raw, const char *text, size_t len,
                       ft_buf *out)
{
    if (container == FIXTEXT_CONTAINER_TSV)
        return ft_buf_append(out, text, len);
    /* A line that wrote no non-ASCII as it is (json.dumps' default) stays ASCII. */
    int escape_non_ascii = !raw && (d->escaped_non_ascii || !d->raw_non_ascii);
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        int plain = c >= 0x20 && c != '"' && c != '\\' && !(c == '/' && d->escaped_slash) &&
                    !(c >= 0x80 && escape_non_ascii);
        if (plain) {
            i++;
            continue;
        }
        if (ft_buf_append(out, s + run, i - run))
            return -1;
        const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '/' ? "\\/"
                               : c == '\b' ? "\\b" : c == '\f' ? "\\f" : c == '\n' ? "\\n"
                               : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        int rc;
        if (short_form) {
            rc = ft_buf_append(out, short_form, 2);
            i++;
        } else if (c < 0x80) {
            rc = put_escape(out, c, d->upper_hex);
            i++;
        } else {
            size_t n = utf8_length((unsigned char)c);
            if (i + n > len) /* not UTF-8 after all: never the case for repaired text */
                n = len - i;
            uint32_t cp = utf8_value(s + i, n);
            if (cp >= 0x10000)
                rc = put_escape(out, 0xD800 + ((cp - 0x10000) >> 10), d->upper_hex) ||
                     put_escape(out, 0xDC00 + ((cp - 0x10000) & 0x3FF), d->upper_hex);
            else
                rc = put_escape(out, cp, d->upper_hex);
            i += n;
        }
        if (rc)
            return -1;
        run = i;
    }
    return ft_buf_append(out, s + run, len - run);
}

int ft_container_breaks(int container, const char *text, size_t len)
{
    return memchr(text, '\n', len) || memchr(text, '\r', len) ||
           (container == FIXTEXT_CONTAINER_TSV && memchr(text, '\t', len));
}
