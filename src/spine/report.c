/* report.c — what a stage learns and says about a line: per-line explanations (--explain) and
 * the survey of the document around the line. */
#include <limits.h>
#include <string.h>

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

unsigned ft_document_survey(ft_document *doc, unsigned stage, void *state, unsigned which)
{
    unsigned *sum = doc->surveys[stage];
    if (!(doc->surveyed >> stage & 1)) {
        memset(sum, 0, sizeof doc->surveys[stage]);
        for (size_t i = 0; ft_stages[stage].survey && i < doc->n; i++) {
            if (!doc->utf8_valid[i] || !(doc->all_utf8 || doc->choices[i].encoding == FT_ENC_UTF8))
                continue;
            unsigned line[FT_SURVEY_COUNTS] = {0};
            ft_stages[stage].survey(state, doc->lines[i].data, doc->lines[i].len, line);
            for (unsigned k = 0; k < FT_SURVEY_COUNTS; k++)
                sum[k] = line[k] > UINT_MAX - sum[k] ? UINT_MAX : sum[k] + line[k];
        }
        doc->surveyed |= 1u << stage;
    }
    return which < FT_SURVEY_COUNTS ? sum[which] : 0;
}
