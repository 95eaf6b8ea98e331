/* report.c — what a stage learns and says about a line: per-line explanations (--explain) and
 * the survey of the document around the line. */
#include "internal.h"

void ft_report_note(ft_report *r, const char *fmt, ...)
{
    if (!r || !r->explain)
        return;
    if (r->explain->len > r->explain_start)
        ft_buf_append(r->explain, "; ", 2);
    va_list ap;
    va_start(ap, fmt);
    ft_buf_vprintf(r->explain, fmt, ap); /* an explanation lost to ENOMEM is not worth failing for */
    va_end(ap);
}

unsigned ft_document_survey(ft_document *doc, unsigned stage)
{
    if (doc->surveyed >> stage & 1)
        return doc->surveys[stage];
    unsigned sum = 0;
    for (size_t i = 0; ft_stages[stage].survey && i < doc->n; i++)
        if (doc->utf8_valid[i] && (doc->all_utf8 || doc->choices[i].encoding == FT_ENC_UTF8))
            sum += ft_stages[stage].survey(doc->lines[i].data, doc->lines[i].len);
    doc->surveys[stage] = sum;
    doc->surveyed |= 1u << stage;
    return sum;
}
