/* documents.c — the work on a line that is a document (--jsonl, --tsv).
 *
 * The line's chosen values (container.c finds them and resolves their escapes) are framed into
 * lines, read as the document says (detect_values: a JSON document alone, nothing of the lines
 * around it, so no state passes from one document to the next; a TSV row as its line was
 * detected) and each of their lines goes through the same per-line
 * path as plain text (lines.c). A value that comes out different is written back in the line's
 * own style; every other byte of the line is kept as it was. A line that is not a document
 * passes through unchanged, flagged FIXTEXT_WARN_NOT_DOCUMENT.
 *
 * Buffer ownership: the worker owns the parsed line (w->doc), the framed lines of its values and
 * their choices (w->doc_*), the value being repaired and the rebuilt line; the rebuilt line is
 * copied into the worker's output by ft_keep_result. */
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

void ft_worker_free_documents(worker *w)
{
    ft_doc_free(&w->doc);
    ft_block_free(w->doc_lines);
    ft_block_free(w->doc_valid);
    ft_block_free(w->doc_choices);
    ft_buf_free(&w->doc_value);
    ft_buf_free(&w->doc_line);
    ft_buf_free(&w->doc_script);
}

static int grow_doc_lines(worker *w, size_t want)
{
    if (want <= w->doc_cap)
        return 0;
    size_t cap = ft_capacity_for(w->doc_cap, want, 16);
    int failed = 0;
    w->doc_lines = ft_grown(w->doc_lines, cap, sizeof *w->doc_lines, &failed);
    w->doc_valid = ft_grown(w->doc_valid, cap, sizeof *w->doc_valid, &failed);
    w->doc_choices = ft_grown(w->doc_choices, cap, sizeof *w->doc_choices, &failed);
    if (failed)
        return -1;
    w->doc_cap = cap;
    return 0;
}

/* Frames the chosen values' texts into lines (w->doc_lines, with their UTF-8 validity; each
 * value's nlines says how many are its). Returns the number of lines, or -1. */
static ptrdiff_t frame_values(worker *w)
{
    ft_doc *d = &w->doc;
    size_t n = 0;
    for (size_t v = 0; v < d->nvalues; v++) {
        const unsigned char *p = (const unsigned char *)d->text.data + d->values[v].text_off;
        size_t left = d->values[v].text_len, first = n;
        while (left) {
            uint8_t term;
            size_t content = ft_find_line_end(p, left, 1, &term);
            if (grow_doc_lines(w, n + 1))
                return -1;
            int fffd = 0;
            w->doc_lines[n] = (ft_slice){(const char *)p, content};
            w->doc_valid[n] = (uint8_t)ft_utf8_valid(p, content, &fffd);
            n++;
            p += content + term;
            left -= content + term;
        }
        d->values[v].nlines = n - first;
    }
    return (ptrdiff_t)n;
}

/* How a document's values are read.
 * JSONL: a document whose values are all well-formed UTF-8 is UTF-8: JSON text is UTF-8 by
 * definition (RFC 8259), and \uXXXX escapes stand for characters, not bytes. Only a document
 * holding bytes that are not UTF-8 (a legacy crawl stored as it came) is detected, as a whole
 * and alone. (Detected alone, short valid UTF-8 values such as a table row "A5\tҐ" were read as
 * GBK: 84 of 90,000 real documents damaged in bench/bench_jsonl.py before this rule.)
 * TSV: rows are records of one file, nearly always in one encoding, and a row is too short to
 * tell it alone: its columns are read as the row's line was detected among its neighbours. */
static int detect_values(fixtext *ft, worker *w, size_t index, size_t n)
{
    if (ft->opts.container == FIXTEXT_CONTAINER_TSV) {
        for (size_t i = 0; i < n; i++)
            w->doc_choices[i] = ft->choices[index];
        return 0;
    }
    int all_valid = !ft->opts.from;
    for (size_t i = 0; i < n && all_valid; i++)
        all_valid = w->doc_valid[i];
    if (ft->wide || all_valid) {
        for (size_t i = 0; i < n; i++)
            w->doc_choices[i] = (ft_choice){.encoding = FT_ENC_UTF8, .score = 1.0, .runner_up = -1};
        return 0;
    }
    return ft_detect_range(w->detector, w->doc_lines, 0, n, 0, w->doc_valid, w->doc_choices);
}

/* The choice that speaks for lines [first, first + n): the first that is not ASCII. */
static const ft_choice *deciding_choice(const worker *w, size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++)
        if (w->doc_choices[i].encoding != FT_ENC_ASCII)
            return &w->doc_choices[i];
    return n ? &w->doc_choices[first] : NULL;
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* Repairs the lines of one value into w->doc_value; returns 1 when it changed, 0 when not. */
static int repair_value(fixtext *ft, worker *w, const ft_doc_value *v, size_t first, size_t n,
                        ft_report *report)
{
    ft_buf_clear(&w->doc_value);
    for (size_t i = first; i < first + n; i++) {
        const char *text = w->doc_lines[i].data;
        size_t len = w->doc_lines[i].len;
        const char *after = text + len; /* its terminator, if any, as the value had it */
        w->document.at = i;
        if (ft_fix_text(ft, w, &w->doc_choices[i], w->doc_valid[i], &text, &len, report) ||
            ft_buf_append(&w->doc_value, text, len))
            return -1;
        report->info->warnings |= w->doc_choices[i].warnings;
        const char *value_end = w->doc.text.data + v->text_off + v->text_len;
        size_t term = i + 1 < first + n ? (size_t)(w->doc_lines[i + 1].data - after)
                                        : (size_t)(value_end - after);
        if (ft_buf_append(&w->doc_value, after, term))
            return -1;
    }
    const char *before = w->doc.text.data + v->text_off;
    return w->doc_value.len != v->text_len || memcmp(w->doc_value.data, before, v->text_len) != 0;
}

/* Starts a value's entry in the explanation: "NAME\tENCODING\t", after a "\n" if an entry came
 * before; the stages' notes follow. Returns where the entry began, to take it back if the value
 * stays as it was. (An explanation lost to ENOMEM is not worth failing for.) */
static size_t begin_entry(const worker *w, ft_report *report, size_t line_start,
                          const ft_doc_value *v, const ft_choice *choice)
{
    ft_buf *explain = report->explain;
    size_t start = explain->len;
    if (start > line_start)
        ft_buf_putc(explain, '\n');
    if (v->name_len) /* (an unnamed value: no names stored, and a null buffer takes no offset) */
        ft_buf_append(explain, w->doc.names.data + v->name_off, v->name_len);
    ft_buf_putc(explain, '\t');
    const char *encoding = choice ? ft_encoding_name(choice->encoding) : "ASCII";
    ft_buf_append(explain, encoding, strlen(encoding));
    ft_buf_putc(explain, '\t');
    report->explain_start = explain->len;
    return start;
}

/* A line that is not a document, a blank one, or a window of a longer line: as it is. */
static int pass_through(fixtext *ft, worker *w, size_t index, unsigned warnings)
{
    ft_set_document(ft, w, NULL, 0, NULL, NULL);
    const ft_line_ref *ref = &ft->lines[index];
    const ft_choice as_is = {.encoding = FT_ENC_UTF8, .runner_up = -1};
    ft_report report;
    ft_begin_result(ft, w, index, &as_is, &report);
    if (!ft->utf8_valid[index])
        report.info->encoding = NULL; /* not decoded: no encoding to name */
    report.info->warnings |= warnings;
    return ft_keep_result(ft, w, index, ft->slices[index].data, ref->len) ||
           ft_end_result(ft, w, index, &report);
}

/* Writes the values that changed into the line: the bytes around them as they were. */
static int rebuild_line(fixtext *ft, worker *w, const char *raw, size_t value, size_t *copied)
{
    const ft_doc_value *v = &w->doc.values[value];
    int raw_text = (ft->opts.flags & FIXTEXT_JSONL_RAW) != 0;
    if (ft_buf_append(&w->doc_line, raw + *copied, v->start - *copied) ||
        ft_doc_write_value(&w->doc, ft->opts.container, raw_text, w->doc_value.data,
                           w->doc_value.len, &w->doc_line))
        return -1;
    *copied = v->end;
    return 0;
}

int ft_process_document(fixtext *ft, worker *w, size_t index)
{
    const ft_line_ref *ref = &ft->lines[index];
    const char *raw = ft->slices[index].data;
    /* A window of a longer line is not a whole document; nor is any later window of it. */
    if (ref->partial || (index > 0 && ft->lines[index - 1].partial))
        return pass_through(ft, w, index, FIXTEXT_WARN_NOT_DOCUMENT);
    if (is_blank(raw, ref->len))
        return pass_through(ft, w, index, 0);
    int rc = ft_doc_parse(&w->doc, &ft->fields, raw, ref->len);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return pass_through(ft, w, index, FIXTEXT_WARN_NOT_DOCUMENT);

    ptrdiff_t nlines = frame_values(w);
    if (nlines < 0 || detect_values(ft, w, index, (size_t)nlines))
        return -1;
    ft_set_document(ft, w, w->doc_lines, (size_t)nlines, w->doc_choices, w->doc_valid);
    const ft_choice *line_choice = deciding_choice(w, 0, (size_t)nlines);
    const ft_choice as_is = {.encoding = FT_ENC_ASCII, .score = 1.0, .runner_up = -1};
    ft_report report;
    ft_begin_result(ft, w, index, line_choice ? line_choice : &as_is, &report);
    size_t line_start = report.explain ? report.explain->len : 0;
    int classify = (ft->opts.flags & FIXTEXT_CLASSIFY_SCRIPT) != 0;
    ft_buf_clear(&w->doc_line);
    ft_buf_clear(&w->doc_script);
    size_t copied = 0, first = 0;
    int any_changed = 0;
    for (size_t v = 0; v < w->doc.nvalues; v++) {
        const ft_doc_value *value = &w->doc.values[v];
        size_t entry = report.explain ? begin_entry(w, &report, line_start, value,
                                                    deciding_choice(w, first, value->nlines))
                                      : 0;
        int changed = repair_value(ft, w, value, first, value->nlines, &report);
        first += value->nlines;
        if (changed < 0 || (changed && rebuild_line(ft, w, raw, v, &copied)) ||
            (classify && (ft_buf_append(&w->doc_script, w->doc_value.data, w->doc_value.len) ||
                          ft_buf_putc(&w->doc_script, '\n'))))
            return -1;
        any_changed |= changed;
        if (report.explain && !changed)
            report.explain->len = entry;
    }
    const char *text = raw;
    size_t len = ref->len;
    if (any_changed) {
        if (ft_buf_append(&w->doc_line, raw + copied, ref->len - copied))
            return -1;
        text = w->doc_line.data;
        len = w->doc_line.len;
    }
    if (classify)
        report.info->script = ft_script_name(ft_script_classify(w->doc_script.data, w->doc_script.len));
    if (ft_keep_result(ft, w, index, text, len))
        return -1;
    return ft_end_result(ft, w, index, &report);
}
