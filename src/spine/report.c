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

/* Stage `stage`'s survey of line i (nothing for a line that is not UTF-8 text); 1 when it ran. */
static int survey_line(const ft_document *doc, unsigned stage, void *state, size_t i,
                       unsigned line[FT_SURVEY_COUNTS])
{
    memset(line, 0, FT_SURVEY_COUNTS * sizeof *line);
    if (!ft_stages[stage].survey || !doc->utf8_valid[i] ||
        !(doc->all_utf8 || doc->choices[i].encoding == FT_ENC_UTF8))
        return 0;
    ft_stages[stage].survey(state, doc->lines[i].data, doc->lines[i].len, line);
    return 1;
}

/* Room for the per-line marks of lines seen, clear for the lines of this document. */
static int ensure_seen(ft_document *doc)
{
    if (doc->seen && doc->seen_cap >= doc->n)
        return 0;
    size_t cap = ft_capacity_for(doc->seen_cap, doc->n, 256);
    int failed = 0;
    doc->seen = ft_grown(doc->seen, cap, sizeof *doc->seen, &failed);
    if (failed)
        return -1;
    /* (ft_set_document cleared the old part for this document; the new part is fresh) */
    memset(doc->seen + doc->seen_cap, 0, (cap - doc->seen_cap) * sizeof *doc->seen);
    doc->seen_cap = cap;
    return 0;
}

/* Runs the stage's survey over the lines of the document not yet seen: sums, and each line's
 * entries. Out of memory while keeping entries leaves the near counts short (fewer lines seen: no
 * repair they would have paid for), never wrong in the other direction. */
static void take_survey(ft_document *doc, unsigned stage, void *state)
{
    unsigned *sum = doc->surveys[stage];
    memset(sum, 0, sizeof doc->surveys[stage]);
    int keeping = 1;
    for (size_t i = 0; i < doc->n; i++) {
        unsigned line[FT_SURVEY_COUNTS];
        int seen = doc->seen_cap > i && (doc->seen[i] >> stage & 1);
        if (seen) { /* (its entries are kept: their counts go into the sums) */
            for (size_t e = 0; e < doc->nentries; e++)
                if (doc->entries[e].line == i && doc->entries[e].stage == stage)
                    sum[doc->entries[e].which] += doc->entries[e].count;
            continue;
        }
        if (!survey_line(doc, stage, state, i, line))
            continue;
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
    size_t from = doc->at > radius ? doc->at - radius : 0, to = doc->at + radius;
    if (to >= doc->n)
        to = doc->n ? doc->n - 1 : 0;
    if (!(doc->surveyed >> stage & 1)) {
        if (ensure_seen(doc))
            return 0; /* (out of memory: no lines seen, no waiver) */
        for (size_t i = from; i <= to && i < doc->n; i++) {
            if (doc->seen[i] >> stage & 1)
                continue;
            unsigned line[FT_SURVEY_COUNTS];
            if (survey_line(doc, stage, state, i, line) && keep_entries(doc, stage, i, line))
                return 0;
            doc->seen[i] |= (uint16_t)(1u << stage);
        }
    }
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
    ft_block_free(doc->seen);
    doc->seen = NULL;
    doc->seen_cap = 0;
}
