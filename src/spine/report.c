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

/* Keeps line i's nonzero counts as entries; 0, or -1 when out of memory. */
static int keep_entries(ft_document *doc, unsigned stage, size_t i, const unsigned line[])
{
    for (unsigned k = 0; k < FT_SURVEY_COUNTS; k++) {
        if (!line[k])
            continue;
        if (doc->nentries == doc->entries_cap) {
            size_t cap = ft_capacity_for(doc->entries_cap, doc->nentries + 1, 64);
            int failed = 0;
            doc->entries = ft_grown(doc->entries, cap, sizeof *doc->entries, &failed);
            if (failed)
                return -1;
            doc->entries_cap = cap;
        }
        doc->entries[doc->nentries++] = (ft_survey_entry){
            .line = (uint32_t)i, .stage = (uint8_t)stage, .which = (uint8_t)k,
            .count = (uint16_t)(line[k] > UINT16_MAX ? UINT16_MAX : line[k])};
    }
    return 0;
}

/* Runs the stage's survey over the document once: sums, and each line's entries. Out of memory
 * while keeping entries leaves the near counts short (fewer lines seen: no repair they would
 * have paid for), never wrong in the other direction. */
static void take_survey(ft_document *doc, unsigned stage, void *state)
{
    unsigned *sum = doc->surveys[stage];
    memset(sum, 0, sizeof doc->surveys[stage]);
    int keeping = 1;
    for (size_t i = 0; ft_stages[stage].survey && i < doc->n; i++) {
        if (!doc->utf8_valid[i] || !(doc->all_utf8 || doc->choices[i].encoding == FT_ENC_UTF8))
            continue;
        unsigned line[FT_SURVEY_COUNTS] = {0};
        ft_stages[stage].survey(state, doc->lines[i].data, doc->lines[i].len, line);
        for (unsigned k = 0; k < FT_SURVEY_COUNTS; k++)
            sum[k] = line[k] > UINT_MAX - sum[k] ? UINT_MAX : sum[k] + line[k];
        if (keeping && keep_entries(doc, stage, i, line))
            keeping = 0;
    }
    doc->surveyed |= 1u << stage;
}

unsigned ft_document_survey(ft_document *doc, unsigned stage, void *state, unsigned which)
{
    if (!(doc->surveyed >> stage & 1))
        take_survey(doc, stage, state);
    return which < FT_SURVEY_COUNTS ? doc->surveys[stage][which] : 0;
}

unsigned ft_document_survey_near(ft_document *doc, unsigned stage, void *state, unsigned which,
                                 size_t radius)
{
    if (!(doc->surveyed >> stage & 1))
        take_survey(doc, stage, state);
    size_t from = doc->at > radius ? doc->at - radius : 0, to = doc->at + radius;
    unsigned sum = 0;
    for (size_t e = 0; e < doc->nentries; e++) {
        const ft_survey_entry *x = &doc->entries[e];
        if (x->stage == stage && x->which == which && x->line >= from && x->line <= to &&
            x->line != doc->at)
            sum = x->count > UINT_MAX - sum ? UINT_MAX : sum + x->count;
    }
    return sum;
}

void ft_document_free(ft_document *doc)
{
    ft_block_free(doc->entries);
    doc->entries = NULL;
    doc->nentries = doc->entries_cap = 0;
}
