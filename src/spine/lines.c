/* lines.c — the work on a block of lines, and writing lines in order.
 *
 * A block is detected (with the bounded context before and after it that the detector asks
 * for), each line decoded and sent through the stage table, and the results are kept per line.
 * Blocks are independent: any worker may take any block, and a line's result depends only on the
 * bytes of the block and its context, never on which worker ran it or where a run began.
 * Writing then goes through the lines in input order on the calling thread.
 *
 * Buffer ownership: each worker owns the output text, explanations and packed counters of the
 * lines it did in the current run (worker.written[parity]); results point into them by offset. */
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* ---- workers ---- */

int ft_worker_init(fixtext *ft, worker *w, char *err, size_t errlen)
{
    const fixtext_options *o = &ft->opts;
    w->detector = ft_detector_new(o, err, errlen);
    if (!w->detector)
        return -1;
    w->decoder = ft_decoder_new(o, err, errlen);
    if (!w->decoder)
        return -1;
    for (unsigned k = 0; k < ft_stage_total; k++) {
        if (!(ft->stages_on >> k & 1) || !ft_stages[k].create)
            continue;
        w->state[k] = ft_stages[k].create(o, err, errlen);
        if (!w->state[k])
            return -1;
    }
    return 0;
}

void ft_worker_free(worker *w)
{
    ft_detector_free(w->detector);
    ft_decoder_free(w->decoder);
    for (unsigned k = 0; k < ft_stage_total; k++)
        if (w->state[k])
            ft_stages[k].destroy(w->state[k]);
    ft_buf_free(&w->scratch[0]);
    ft_buf_free(&w->scratch[1]);
    ft_buf_free(&w->piece);
    for (int k = 0; k < 2; k++) {
        ft_buf_free(&w->written[k].out);
        ft_buf_free(&w->written[k].explain);
        ft_buf_free(&w->written[k].extra);
    }
    ft_worker_free_documents(w);
    ft_document_free(&w->document);
    memset(w, 0, sizeof *w);
}

/* ---- one line ---- */

/* Runs a stage over a line longer than it takes at once, piece by piece (cut after a space or
 * ASCII punctuation where there is one, on a character boundary otherwise). */
static int run_in_pieces(const ft_stage *st, worker *w, void *state, const char *in, size_t len,
                         ft_buf *out, ft_report *report)
{
    int changed = 0;
    size_t at = 0;
    report->column_base = 0;
    while (at < len) {
        size_t n = len - at;
        if (n > st->max_piece)
            n = ft_window_cut((const unsigned char *)in + at, st->max_piece);
        ft_buf_clear(&w->piece);
        int rc = st->run(state, in + at, n, &w->piece, report);
        if (rc < 0)
            return -1;
        changed |= rc;
        if (rc ? ft_buf_append(out, w->piece.data, w->piece.len) : ft_buf_append(out, in + at, n))
            return -1;
        for (size_t i = at; i < at + n; i++) /* columns count characters */
            report->column_base += ((unsigned char)in[i] & 0xC0) != 0x80;
        at += n;
    }
    report->column_base = 0;
    return changed;
}

static int run_stage(const ft_stage *st, worker *w, void *state, const char *in, size_t len,
                     ft_buf *out, ft_report *report)
{
    if (st->max_piece && len > st->max_piece)
        return run_in_pieces(st, w, state, in, len, out, report);
    return st->run(state, in, len, out, report);
}

/* Runs the stages the options keep on text (which: the scratch buffer text is in, or -1 for the
 * input itself). A stage that would break a line in two (or a TSV column) is overruled: its
 * change is dropped. */
static int run_stages(const fixtext *ft, worker *w, const char **text, size_t *len, int *which,
                      int ascii_only, ft_report *report)
{
    for (unsigned k = 0; k < ft_stage_total; k++) {
        if (!(ft->stages_on >> k & 1) || (ascii_only && ft_stages[k].ascii_inert))
            continue;
        ft_buf *next = &w->scratch[*which == 0];
        ft_buf_clear(next);
        report->stage = k;
        int rc = run_stage(&ft_stages[k], w, w->state[k], *text, *len, next, report);
        if (rc < 0)
            return -1;
        if (rc == 0 || ft_container_breaks(ft->opts.container, next->data, next->len))
            continue;
        *which = *which == 0;
        *text = next->data;
        *len = next->len;
        ascii_only = 0;
    }
    return 0;
}

static void describe_choice(const fixtext *ft, const ft_choice *choice, fixtext_line_info *info)
{
    info->encoding = ft->wide ? ft_wide_encoding(ft->wide) : ft_encoding_name(choice->encoding);
    info->score = choice->score;
    info->runner_up = choice->runner_up >= 0 ? ft_encoding_name(choice->runner_up) : NULL;
    info->runner_up_score = choice->runner_up_score;
    info->warnings = choice->warnings;
    if (ft->opts.flags & FIXTEXT_DETECT_EVIDENCE)
        ft_choice_describe(choice, info);
}

int ft_keep_result(const fixtext *ft, worker *w, size_t index, const char *text, size_t len)
{
    ft_buf *out = &w->written[ft->run_parity & 1].out;
    const ft_line_ref *ref = &ft->lines[index];
    line_result *res = ft_run_result(ft, index);
    const char *raw = ft->slices[index].data;
    fixtext_line_info *info = &w->info;
    info->changed = text != raw && (len != ref->len || memcmp(text, raw, len) != 0);
    int valid = ft->utf8_valid[index];
    if (info->changed) {
        res->out_off = out->len;
        res->out_len = len;
        if (ft_buf_append(out, text, len))
            return -1;
    } else {
        res->use_raw = 1;
        text = raw;
        len = ref->len;
    }
    /* U+FFFD in the output (inserted or already there): counted, never silently. */
    info->replacement_chars = (valid && !info->changed)
                                  ? ft->replacements[index]
                                  : ft_utf8_count_replacements((const unsigned char *)text, len);
    return 0;
}

int ft_fix_text(const fixtext *ft, worker *w, const ft_choice *choice, int utf8_valid,
                const char **text, size_t *len, ft_report *report)
{
    const char *raw = *text;
    int which = -1; /* text is the input itself */
    /* The common case first: valid UTF-8 that the detector leaves as UTF-8 needs no decoding.
     * (Inputs decoded whole are UTF-8 already; their lines only need sanitising.) */
    int as_utf8 = ft->wide || choice->encoding == FT_ENC_UTF8 || choice->encoding == FT_ENC_ASCII;
    if (!(as_utf8 && utf8_valid)) {
        ft_buf *first = &w->scratch[0];
        ft_buf_clear(first);
        int rc = ft_decode_line(w->decoder, ft->wide ? FT_ENC_UTF8 : choice->encoding, *text, *len,
                                first, report);
        if (rc < 0)
            return -1;
        if (rc > 0)
            which = 0, *text = first->data, *len = first->len;
    }
    /* A line of ASCII alone (the detector's census found it) holds nothing most stages look
     * for; the stages that may still change it (character references) run on it. */
    int ascii_only = !ft->wide && choice->encoding == FT_ENC_ASCII && *text == raw;
    return run_stages(ft, w, text, len, &which, ascii_only, report);
}

void ft_begin_result(fixtext *ft, worker *w, size_t index, const ft_choice *choice,
                     ft_report *report)
{
    line_result *res = ft_run_result(ft, index);
    res->worker = (uint8_t)(w - ft->workers);
    res->parity = ft->run_parity & 1;
    res->use_raw = 0;
    res->out_off = res->out_len = 0;
    /* (the worker's own copy, hot in its cache: zeroing it costs nothing like a fresh result) */
    memset(&w->info, 0, sizeof w->info);
    w->info.partial = ft->lines[index].partial;
    describe_choice(ft, choice, &w->info);
    ft_buf *explain = &w->written[res->parity].explain;
    res->explain_off = explain->len;
    *report = (ft_report){.info = &w->info,
                          .explain = (ft->opts.flags & FIXTEXT_EXPLAIN) ? explain : NULL,
                          .explain_start = explain->len,
                          .document = &w->document};
}

/* The evidence fields of fixtext_line_info, as they are packed into a worker's extra buffer. */
typedef struct packed_evidence {
    const char *decided_by;
    fixtext_candidate candidates[FIXTEXT_TOP_CANDIDATES];
} packed_evidence;

/* Packs the worker's line info into the line's result. */
static int pack_result(const fixtext *ft, worker *w, line_result *res)
{
    const fixtext_line_info *info = &w->info;
    ft_buf *extra = &w->written[res->parity].extra;
    res->encoding = info->encoding;
    res->runner_up = info->runner_up;
    res->script = info->script;
    res->score = info->score;
    res->runner_up_score = info->runner_up_score;
    res->invalid_sequences = info->invalid_sequences;
    res->replacement_chars = info->replacement_chars;
    res->warnings = info->warnings;
    res->changed = (uint8_t)(info->changed != 0);
    res->partial = (uint8_t)(info->partial != 0);
    res->extra_off = extra->len;
    res->counted = 0;
    for (unsigned k = 0; k < ft_stage_total; k++) {
        if (!info->fixed[k] && !info->reported[k])
            continue;
        res->counted |= (uint16_t)(1u << k);
        unsigned pair[2] = {info->fixed[k], info->reported[k]};
        if (ft_buf_append(extra, pair, sizeof pair))
            return -1;
    }
    res->evidence = (ft->opts.flags & FIXTEXT_DETECT_EVIDENCE) != 0;
    if (res->evidence) {
        packed_evidence e = {info->decided_by, {{0}}};
        memcpy(e.candidates, info->candidates, sizeof e.candidates);
        if (ft_buf_append(extra, &e, sizeof e))
            return -1;
    }
    return 0;
}

int ft_end_result(const fixtext *ft, worker *w, size_t index, const ft_report *report)
{
    if (report->explain && ft_buf_putc(report->explain, '\0'))
        return -1;
    return pack_result(ft, w, ft_run_result(ft, index));
}

static int process_line(fixtext *ft, worker *w, size_t index)
{
    const ft_line_ref *ref = &ft->lines[index];
    ft_report report;
    ft_begin_result(ft, w, index, &ft->choices[index], &report);
    const char *text = ft->slices[index].data;
    size_t len = ref->len;
    if (ft_fix_text(ft, w, &ft->choices[index], ft->utf8_valid[index], &text, &len, &report))
        return -1;
    if (ft->opts.flags & FIXTEXT_CLASSIFY_SCRIPT)
        report.info->script = ft_script_name(ft_script_classify(text, len));
    if (ft_keep_result(ft, w, index, text, len))
        return -1;
    return ft_end_result(ft, w, index, &report);
}

/* ---- one block ---- */

void ft_set_document(const fixtext *ft, worker *w, const ft_slice *lines, size_t n,
                     const ft_choice *choices, const uint8_t *valid)
{
    w->document.lines = lines;
    w->document.n = n;
    w->document.choices = choices;
    w->document.utf8_valid = valid;
    w->document.all_utf8 = ft->wide != NULL;
    w->document.at = 0;
    w->document.surveyed = 0;
    w->document.nentries = 0;
    if (w->document.seen) /* (no line of this document seen yet) */
        memset(w->document.seen, 0, (n < w->document.seen_cap ? n : w->document.seen_cap) * sizeof *w->document.seen);
}

/* Which lines of the block are well-formed UTF-8 and which hold U+FFFD. Clean text is the common
 * case: one vectorised pass over the whole block answers for all its lines. */
static void check_utf8(fixtext *ft, const block *b)
{
    const ft_slice *first = &ft->slices[b->first], *last = &ft->slices[b->last - 1];
    const unsigned char *start = (const unsigned char *)first->data;
    int any_fffd = 0;
    int all_valid = ft_utf8_valid(start, (size_t)(last->data + last->len - first->data), &any_fffd);
    for (size_t i = b->first; i < b->last; i++) {
        const unsigned char *p = (const unsigned char *)ft->slices[i].data;
        size_t len = ft->slices[i].len;
        int fffd = any_fffd;
        ft->utf8_valid[i] = all_valid ? 1 : (uint8_t)ft_utf8_valid(p, len, &fffd);
        ft->replacements[i] = (ft->utf8_valid[i] && fffd) ? ft_utf8_count_replacements(p, len) : 0;
    }
}

/* Chooses the encoding of every line of the block from the block and its bounded context. */
static int detect_block(fixtext *ft, worker *w, const block *b)
{
    if (ft->wide) { /* decoded whole: every line is UTF-8 now */
        for (size_t i = b->first; i < b->last; i++)
            ft->choices[i] = (ft_choice){.encoding = FT_ENC_UTF8, .score = 1.0, .runner_up = -1};
        return 0;
    }
    int complete;
    size_t before = ft_detect_context_before(w->detector, ft->lines, b->first);
    size_t after = ft_detect_context_after(w->detector, ft->lines, b->last, ft->run_nlines, &complete);
    return ft_detect_range(w->detector, ft->slices + b->first - before, before, b->last - b->first,
                           after, ft->utf8_valid + b->first, ft->choices + b->first);
}

static void run_block(void *ctx, size_t index, unsigned worker_index)
{
    fixtext *ft = ctx;
    worker *w = &ft->workers[worker_index];
    const block *b = &ft->run[index];
    if (w->failed)
        return;
    check_utf8(ft, b);
    /* JSON documents are read each on its own; TSV rows as lines among their neighbours */
    int documents = ft->opts.container != FIXTEXT_CONTAINER_NONE;
    if (ft->opts.container != FIXTEXT_CONTAINER_JSONL && detect_block(ft, w, b)) {
        w->failed = 1;
        return;
    }
    if (!documents)
        ft_set_document(ft, w, ft->slices + b->first, b->last - b->first, ft->choices + b->first,
                        ft->utf8_valid + b->first);
    for (size_t i = b->first; i < b->last; i++) {
        w->document.at = i - b->first;
        if (documents ? ft_process_document(ft, w, i) : process_line(ft, w, i)) {
            w->failed = 1;
            return;
        }
    }
}

void ft_run_blocks_start(fixtext *ft)
{
    ft->run_parity++;
    ft->run_first = ft->run[0].first;
    for (unsigned k = 0; k < ft->nworkers; k++) {
        worker *w = &ft->workers[k];
        ft_buf_clear(&w->written[ft->run_parity & 1].out);
        ft_buf_clear(&w->written[ft->run_parity & 1].explain);
        ft_buf_clear(&w->written[ft->run_parity & 1].extra);
        w->failed = 0;
    }
    ft->run_nlines = ft->nlines; /* framing goes on meanwhile: the workers look no further */
    for (size_t i = 0; i < ft->nlines; i++)
        ft->slices[i] = (ft_slice){ft->input.data + ft->lines[i].start, ft->lines[i].len};
    ft_pool_start(ft->pool, ft->nrun, run_block, ft);
}

int ft_run_blocks_finish(fixtext *ft)
{
    ft_pool_finish(ft->pool);
    for (unsigned k = 0; k < ft->nworkers; k++)
        if (ft->workers[k].failed)
            return -1;
    return 0;
}

/* ---- writing ---- */

static void count_encoding(fixtext_stats *st, const char *name)
{
    for (size_t i = 0; i < st->encoding_count; i++) { /* names are mostly the same pointers */
        if (st->encodings[i].name == name) {
            st->encodings[i].lines++;
            return;
        }
    }
    for (size_t i = 0; i < st->encoding_count; i++) {
        if (strcmp(st->encodings[i].name, name) == 0) {
            st->encodings[i].lines++;
            return;
        }
    }
    if (st->encoding_count < FIXTEXT_MAX_ENCODINGS) {
        st->encodings[st->encoding_count].name = name;
        st->encodings[st->encoding_count].lines = 1;
        st->encoding_count++;
    }
}

static void count_line(fixtext *ft, const fixtext_line_info *info, size_t out_bytes)
{
    fixtext_stats *st = &ft->stats;
    st->bytes_out += out_bytes;
    st->invalid_sequences += info->invalid_sequences;
    st->replacement_chars += info->replacement_chars;
    for (unsigned k = 0; k < ft_stage_total; k++) {
        st->fixed[k] += info->fixed[k];
        st->reported[k] += info->reported[k];
        st->stage_lines[k] += info->fixed[k] != 0;
    }
    if (info->warnings & FIXTEXT_WARN_TRUNCATED)
        st->truncated_sequences++;
    if (info->partial)
        return; /* the rest is counted once per whole line, at its last window */
    st->lines++;
    st->lines_changed += info->changed != 0;
    st->binary_lines += (info->warnings & FIXTEXT_WARN_BINARY) != 0;
    st->not_documents += (info->warnings & FIXTEXT_WARN_NOT_DOCUMENT) != 0;
    if (info->encoding)
        count_encoding(st, info->encoding);
    if (info->script) {
        for (int s = 0; s < FT_SCRIPT_COUNT; s++)
            if (info->script == ft_script_name(s)) /* (the names are static strings) */
                st->script_lines[s]++;
    }
}

static int emit(fixtext *ft, const char *p, size_t n)
{
    if (n == 0 || ft->failed)
        return ft->failed;
    if (ft->write && ft->write(ft->opaque, p, n) != 0) {
        ft_set_error(ft, FIXTEXT_ERR_WRITE, "write failed%s", NULL);
        return FIXTEXT_ERR_WRITE;
    }
    return 0;
}

/* The line's info, unpacked from its result into ft->written (whose counters and evidence from
 * the line before are cleared first, so that only the fields a result sets are touched). */
static fixtext_line_info *unpack_result(fixtext *ft, const line_result *res)
{
    fixtext_line_info *info = &ft->written;
    for (unsigned k = 0; ft->written_counted >> k; k++)
        if (ft->written_counted >> k & 1)
            info->fixed[k] = info->reported[k] = 0;
    const run_output *buffers = &ft->workers[res->worker].written[res->parity];
    const char *extra = buffers->extra.data ? buffers->extra.data + res->extra_off : NULL;
    for (unsigned k = 0; res->counted >> k; k++) {
        if (!(res->counted >> k & 1))
            continue;
        unsigned pair[2];
        memcpy(pair, extra, sizeof pair);
        extra += sizeof pair;
        info->fixed[k] = pair[0], info->reported[k] = pair[1];
    }
    ft->written_counted = res->counted;
    if (res->evidence || ft->written_evidence) {
        packed_evidence e = {0};
        if (res->evidence)
            memcpy(&e, extra, sizeof e);
        info->decided_by = e.decided_by;
        memcpy(info->candidates, e.candidates, sizeof e.candidates);
        ft->written_evidence = res->evidence;
    }
    info->partial = res->partial;
    info->changed = res->changed;
    info->encoding = res->encoding;
    info->score = res->score;
    info->runner_up = res->runner_up;
    info->runner_up_score = res->runner_up_score;
    info->script = res->script;
    info->invalid_sequences = res->invalid_sequences;
    info->replacement_chars = res->replacement_chars;
    info->warnings = res->warnings;
    info->explain = (ft->opts.flags & FIXTEXT_EXPLAIN)
                        ? (buffers->explain.data ? buffers->explain.data + res->explain_off : "")
                        : NULL;
    return info;
}

/* Numbers the line and carries "changed" across the windows of a long line. */
static void settle_line_info(fixtext *ft, fixtext_line_info *info)
{
    info->number = ft->line_number + 1;
    if (ft->bom_removed) {
        info->changed = 1;
        ft->bom_removed = 0;
    }
    if (info->partial) {
        ft->line_in_progress_changed |= info->changed;
    } else {
        info->changed |= ft->line_in_progress_changed; /* an earlier window changed */
        ft->line_in_progress_changed = 0;
        ft->line_number++;
    }
}

/* The end of the run of lines from i (before last) that are written as they came and lie back
 * to back in the input: written in one piece, the common case of clean text. */
static size_t raw_run_end(const fixtext *ft, size_t i, size_t first, size_t last, unsigned parity)
{
    const line_result *res = ft->results[parity & 1];
    size_t j = i;
    while (j < last && res[j - first].use_raw &&
           (j == i || ft->lines[j].start == ft->lines[j - 1].start + ft->lines[j - 1].len +
                                                ft->lines[j - 1].term_len))
        j++;
    return j;
}

int ft_write_lines(fixtext *ft, size_t first, size_t last, unsigned parity)
{
    size_t written = first; /* lines before it are out already */
    for (size_t i = first; i < last; i++) {
        const ft_line_ref *ref = &ft->lines[i];
        const line_result *res = &ft->results[parity & 1][i - first];
        const char *raw = ft->input.data + ref->start;
        fixtext_line_info *info = unpack_result(ft, res);
        settle_line_info(ft, info);
        int failed = 0;
        if (res->use_raw) { /* the text and its terminator: with the raw lines after it, in one piece */
            if (i >= written) {
                written = raw_run_end(ft, i, first, last, parity);
                const ft_line_ref *end = &ft->lines[written - 1];
                failed = emit(ft, raw, end->start + end->len + end->term_len - ref->start);
            }
        } else {
            /* (a line changed to nothing, a lone BOM, left its worker's buffer unallocated) */
            const ft_buf *out = &ft->workers[res->worker].written[res->parity].out;
            failed = (res->out_len && emit(ft, out->data + res->out_off, res->out_len)) ||
                     emit(ft, raw + ref->len, ref->term_len);
        }
        if (failed)
            return ft->failed;
        count_line(ft, info, (res->use_raw ? ref->len : res->out_len) + ref->term_len);
        if (ft->on_line && ft->on_line(ft->opaque, info) != 0) {
            ft_set_error(ft, FIXTEXT_ERR_WRITE, "write failed%s", NULL);
            return ft->failed;
        }
    }
    return 0;
}
