/* pipeline.c — the fixtext context: takes input bytes, frames them into lines, groups the lines
 * into blocks, hands complete blocks to the workers (lines.c) and writes every line, in order,
 * with its own terminator.
 *
 * Determinism: blocks are cut by content alone (BLOCK_LINES lines or BLOCK_BYTES bytes, counted
 * from the start of the input), and a block is processed only once the detection context after
 * it has arrived (or the input has ended); detection reads a bounded context on either side
 * (FT_DETECT_CONTEXT_*). So every line's output depends only on the input bytes and the options,
 * whatever the read sizes, the number of workers or the order they finish in. fixtext_flush is
 * the one exception: it processes what has arrived without waiting for the context after it.
 *
 * Memory: the context holds one run of blocks (RUN_BLOCKS per worker), the context lines around
 * it, one window of a line that has not ended yet, and the run's output.
 *
 * Buffer ownership: ft->input owns the bytes fed and not yet dropped; each worker owns the outputs
 * and explanations of the lines it processed in the current run; all are reused run after run and
 * freed by fixtext_free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"

/* A block is the unit a worker takes. Large enough that detecting its context costs little
 * beside it (at most 2 x 32 lines more), small enough that a run of a few megabytes splits
 * evenly between workers. */
#define BLOCK_LINES 1024
#define BLOCK_BYTES (128u << 10)
/* Blocks gathered per worker before a run starts: about 1 MB per worker. */
#define RUN_BLOCKS 8

static int settle_run(fixtext *ft);

/* Blocks gathered before a run starts: one per worker for the first run, doubling run after run
 * up to RUN_BLOCKS per worker. While a run is in flight the calling thread frames the next one
 * and writes the one before, so the first run's framing and the last one's writing are the only
 * work nobody shares; small first runs keep the first short (a 1.5 MB file of short lines was
 * framed almost whole before any worker started). Where runs end changes no output. */
static size_t run_blocks(const fixtext *ft)
{
    size_t full = RUN_BLOCKS * (size_t)ft->nworkers;
    size_t ramp = (size_t)ft->nworkers << (ft->run_parity < 8 ? ft->run_parity : 8);
    return ramp < full ? ramp : full;
}

void ft_set_error(fixtext *ft, int code, const char *fmt, const char *arg)
{
    if (!ft->failed)
        ft->failed = code;
    snprintf(ft->error, sizeof ft->error, fmt, arg ? arg : "");
}

void fixtext_options_init(fixtext_options *o)
{
    memset(o, 0, sizeof *o);
}

/* ---- creation ---- */

static int copy_string(fixtext *ft, int slot, const char **field)
{
    if (!*field)
        return 0;
    ft->owned_strings[slot] = strdup(*field);
    if (!ft->owned_strings[slot])
        return -1;
    *field = ft->owned_strings[slot];
    return 0;
}

static int copy_option_strings(fixtext *ft)
{
    fixtext_options *o = &ft->opts;
    return copy_string(ft, 0, &o->from) || copy_string(ft, 1, &o->candidates) ||
           copy_string(ft, 2, &o->lang) || copy_string(ft, 3, &o->convert_to) ||
           copy_string(ft, 4, &o->opencc_config) || copy_string(ft, 5, &o->opencc_data_dir) ||
           copy_string(ft, 6, &o->skip) || copy_string(ft, 7, &o->only) ||
           copy_string(ft, 8, &o->fields);
}

/* The stages a comma-separated list names, as bits of ft_stages rows; "detect" sets *detect.
 * Returns -1 with a message naming the stranger and the known names. */
static int parse_stage_list(const char *list, unsigned *bits, int *detect, char *err, size_t errlen)
{
    *bits = 0, *detect = 0;
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ",");
        int found = n == 6 && !strncmp(s, "detect", 6);
        *detect |= found;
        for (unsigned k = 0; k < ft_stage_total && !found; k++) {
            if (strlen(ft_stages[k].name) == n && !strncmp(s, ft_stages[k].name, n)) {
                *bits |= 1u << k;
                found = 1;
            }
        }
        if (!found && n) {
            int at = snprintf(err, errlen, "unknown stage '%.*s' (stages: detect", (int)n, s);
            for (unsigned k = 0; k < ft_stage_total && at >= 0 && (size_t)at < errlen; k++)
                at += snprintf(err + at, errlen - (size_t)at, ", %s", ft_stages[k].name);
            if (at >= 0 && (size_t)at < errlen)
                snprintf(err + at, errlen - (size_t)at, ")");
            return -1;
        }
        s += n + (s[n] == ',');
    }
    return 0;
}

/* Which stages run: those the options want, less the ones switched off by flag or --skip, or
 * only those --only names. Detection is switched off the same way (as FIXTEXT_NO_DETECT). */
static int choose_stages(fixtext *ft, char *err, size_t errlen)
{
    fixtext_options *o = &ft->opts;
    unsigned skip = 0, only = ~0u;
    int skip_detect = 0, only_detect = 1;
    if (o->skip && parse_stage_list(o->skip, &skip, &skip_detect, err, errlen))
        return -1;
    if (o->only && parse_stage_list(o->only, &only, &only_detect, err, errlen))
        return -1;
    if (skip_detect || !only_detect)
        o->flags |= FIXTEXT_NO_DETECT;
    ft->stages_on = 0;
    for (unsigned k = 0; k < ft_stage_total; k++) {
        const ft_stage *st = &ft_stages[k];
        int on = st->wanted ? st->wanted(o) : !(o->flags & st->off_flag);
        if (on && !(skip >> k & 1) && (only >> k & 1))
            ft->stages_on |= 1u << k;
        else
            o->flags |= st->off_flag; /* so a stage that asks another (entities asks mojibake)
                                         knows from the flags which ones run */
    }
    return 0;
}

static int check_limits(fixtext_options *o, char *err, size_t errlen)
{
    if (o->container < FIXTEXT_CONTAINER_NONE || o->container > FIXTEXT_CONTAINER_TSV) {
        snprintf(err, errlen, "unknown container %d", o->container);
        return -1;
    }
    if (o->window == 0)
        o->window = o->container ? FIXTEXT_DEFAULT_DOCUMENT_WINDOW : FIXTEXT_DEFAULT_WINDOW;
    if (o->window < FIXTEXT_MIN_WINDOW || o->window > FIXTEXT_MAX_WINDOW) {
        snprintf(err, errlen, "window of %zu bytes out of range (%d to %zu)", o->window,
                 FIXTEXT_MIN_WINDOW, (size_t)FIXTEXT_MAX_WINDOW);
        return -1;
    }
    if (o->jobs > FIXTEXT_MAX_JOBS) {
        snprintf(err, errlen, "%u jobs out of range (1 to %d)", o->jobs, FIXTEXT_MAX_JOBS);
        return -1;
    }
    return 0;
}

static fixtext *new_failed(fixtext *ft, char *errbuf, size_t errlen)
{
    if (errlen && !errbuf[0])
        snprintf(errbuf, errlen, "out of memory");
    fixtext_free(ft);
    return NULL;
}

fixtext *fixtext_new(const fixtext_options *options, char *errbuf, size_t errlen)
{
    char scratch_err[1];
    if (!errbuf) {
        errbuf = scratch_err;
        errlen = sizeof scratch_err;
    }
    if (errlen)
        errbuf[0] = '\0';
    fixtext *ft = calloc(1, sizeof *ft);
    if (!ft)
        return new_failed(ft, errbuf, errlen);
    if (options)
        ft->opts = *options;
    if (copy_option_strings(ft) || check_limits(&ft->opts, errbuf, errlen) ||
        choose_stages(ft, errbuf, errlen))
        return new_failed(ft, errbuf, errlen);
    if (ft->opts.container &&
        ft_fields_parse(&ft->fields, ft->opts.container, ft->opts.fields, errbuf, errlen))
        return new_failed(ft, errbuf, errlen);
    ft->nworkers = ft->opts.jobs < 1 ? 1 : ft->opts.jobs;
    ft->pool = ft_pool_new(ft->nworkers);
    if (!ft->pool)
        return new_failed(ft, errbuf, errlen);
    for (unsigned i = 0; i < ft->nworkers; i++)
        if (ft_worker_init(ft, &ft->workers[i], errbuf, errlen))
            return new_failed(ft, errbuf, errlen);
    return ft;
}

void fixtext_free(fixtext *ft)
{
    if (!ft)
        return;
    settle_run(ft);
    ft_pool_free(ft->pool);
    /* (only the workers in use: the others were never touched, and reading their fields took
       a page fault for each of about a hundred zero pages, 2 ms of a one-line run) */
    for (unsigned i = 0; i < ft->nworkers; i++)
        ft_worker_free(&ft->workers[i]);
    ft_wide_free(ft->wide);
    ft_fields_free(&ft->fields);
    ft_buf_free(&ft->input);
    ft_buf_free(&ft->staging);
    ft_block_free(ft->lines);
    free(ft->block_ends);
    ft_block_free(ft->slices);
    ft_block_free(ft->choices);
    ft_block_free(ft->results[0]);
    ft_block_free(ft->results[1]);
    ft_block_free(ft->utf8_valid);
    ft_block_free(ft->replacements);
    free(ft->run);
    for (size_t i = 0; i < sizeof ft->owned_strings / sizeof ft->owned_strings[0]; i++)
        free(ft->owned_strings[i]);
    free(ft);
}

void fixtext_set_output(fixtext *ft, fixtext_write_fn write, fixtext_line_fn line, void *opaque)
{
    ft->write = write;
    ft->on_line = line;
    ft->opaque = opaque;
}

const char *fixtext_error(const fixtext *ft)
{
    return ft->error;
}

const fixtext_stats *fixtext_get_stats(const fixtext *ft)
{
    return &ft->stats;
}

/* ---- growing the per-line arrays ---- */

/* Room for at least `want` lines in the per-line arrays (joining a run in flight first when
 * they must move). */
static int ensure_line_capacity(fixtext *ft, size_t want)
{
    if (want <= ft->lines_cap)
        return 0;
    if (settle_run(ft))
        return -1;
    size_t cap = ft_capacity_for(ft->lines_cap, want, 4096);
    int failed = 0;
    ft->lines = ft_grown(ft->lines, cap, sizeof *ft->lines, &failed);
    ft->slices = ft_grown(ft->slices, cap, sizeof *ft->slices, &failed);
    ft->choices = ft_grown(ft->choices, cap, sizeof *ft->choices, &failed);
    ft->utf8_valid = ft_grown(ft->utf8_valid, cap, sizeof *ft->utf8_valid, &failed);
    ft->replacements = ft_grown(ft->replacements, cap, sizeof *ft->replacements, &failed);
    if (failed)
        return -1;
    ft->lines_cap = cap;
    return 0;
}

static int push_block_end(fixtext *ft, size_t end)
{
    if (ft_room_for_one((void **)&ft->block_ends, ft->nblocks, &ft->blocks_cap, sizeof *ft->block_ends))
        return -1;
    ft->block_ends[ft->nblocks++] = end;
    return 0;
}

static int push_run_block(fixtext *ft, size_t first, size_t last)
{
    if (ft_room_for_one((void **)&ft->run, ft->nrun, &ft->run_cap, sizeof *ft->run))
        return -1;
    ft->run[ft->nrun++] = (block){first, last};
    return 0;
}

/* ---- runs: the blocks ready to go through the workers ---- */

/* Plans the run: every complete block whose context after it has arrived, in order; when final
 * (the input ended, or a flush), every framed line, the open block included. */
static int plan_run(fixtext *ft, int final)
{
    const ft_detector *d = ft->workers[0].detector;
    size_t first = ft->processed;
    ft->nrun = 0;
    size_t k = 0;
    for (; k < ft->nblocks; k++) {
        int complete;
        ft_detect_context_after(d, ft->lines, ft->block_ends[k], ft->nlines, &complete);
        if (!complete && !final)
            break;
        if (push_run_block(ft, first, ft->block_ends[k]))
            return -1;
        first = ft->block_ends[k];
    }
    if (k) /* (block_ends may still be NULL when there are none) */
        memmove(ft->block_ends, ft->block_ends + k, (ft->nblocks - k) * sizeof *ft->block_ends);
    ft->nblocks -= k;
    if (final && first < ft->nlines) { /* the open block goes too; the next one starts afresh */
        if (push_run_block(ft, first, ft->nlines))
            return -1;
        ft->open_first = ft->nlines;
        ft->open_bytes = 0;
    }
    return 0;
}

/* Drops what the lines before `keep_from` (the first line not written) no longer need: their
 * bytes and refs, except the ones the detection of the block starting at `next` reads as context. */
static void retire_lines(fixtext *ft, size_t keep_from, size_t next)
{
    size_t context = ft_detect_context_before(ft->workers[0].detector, ft->lines, next);
    size_t from = next - context < keep_from ? next - context : keep_from;
    size_t from_byte = from < ft->nlines ? ft->lines[from].start : ft->framed;
    if (from_byte) /* (no bytes to drop: input.data may be NULL) */
        memmove(ft->input.data, ft->input.data + from_byte, ft->input.len - from_byte);
    ft->input.len -= from_byte;
    ft->framed -= from_byte;
    if (from) {
        memmove(ft->lines, ft->lines + from, (ft->nlines - from) * sizeof *ft->lines);
    }
    ft->nlines -= from;
    for (size_t i = 0; i < ft->nlines; i++)
        ft->lines[i].start -= from_byte;
    for (size_t k = 0; k < ft->nblocks; k++)
        ft->block_ends[k] -= from;
    ft->open_first -= from;
    ft->done -= from;
    ft->processed -= from;
}

/* Joins the run in flight, if there is one. Anything that moves the input or the per-line arrays
 * (growing, retiring) comes after this: the workers read them. */
static int settle_run(fixtext *ft)
{
    if (!ft->in_flight)
        return ft->failed;
    ft->in_flight = 0;
    if (ft_run_blocks_finish(ft))
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
    return ft->failed;
}

/* Room for the results of a run of `lines` lines, in the parity's array it will use. */
static int reserve_results(fixtext *ft, unsigned parity, size_t lines)
{
    if (lines <= ft->results_cap[parity])
        return 0;
    size_t cap = ft_capacity_for(ft->results_cap[parity], lines, 4096);
    int failed = 0;
    ft->results[parity] = ft_grown(ft->results[parity], cap, sizeof *ft->results[parity], &failed);
    if (failed)
        return -1;
    ft->results_cap[parity] = cap;
    return 0;
}

/* Room for the next run's input and lines, made before a run starts so that reading and framing
 * the next one while it is in flight moves nothing the workers read (a line longer than this
 * still gets room: settle_run first), and room for this run's results. */
static int reserve_for_next_run(fixtext *ft, size_t run_lines, int last)
{
    if (reserve_results(ft, (ft->run_parity + 1) & 1, run_lines))
        return -1;
    if (last)
        return 0; /* (the input has ended and this run takes every line: nothing more is read) */
    size_t blocks = RUN_BLOCKS * (size_t)ft->nworkers + 2;
    /* (--jsonl's window is 64 MiB: reserving for a line that long up front would cost every
       context that much address space; the rare longer line waits for the run instead) */
    size_t window = ft->opts.window < FIXTEXT_DEFAULT_WINDOW ? ft->opts.window : FIXTEXT_DEFAULT_WINDOW;
    if (ft_buf_reserve(&ft->input, blocks * BLOCK_BYTES + 2 * window + (1u << 20)))
        return -1;
    return ensure_line_capacity(ft, ft->nlines + blocks * BLOCK_LINES);
}

/* Runs the blocks that are ready: starts them on the workers, writes the lines of the run before
 * (so the workers are not idle while the calling thread writes) and returns while they work;
 * the caller reads and frames the next run meanwhile, and the next call joins this run before
 * anything moves. Returns 0 or the sticky error. */
static int process_ready(fixtext *ft, int final)
{
    if (ft->failed || settle_run(ft))
        return ft->failed;
    retire_lines(ft, ft->done, ft->processed);
    if (plan_run(ft, final)) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    if (ft->nrun == 0 && ft->done == ft->processed)
        return 0;
    size_t end = ft->nrun ? ft->run[ft->nrun - 1].last : ft->processed;
    unsigned written = ft->run_parity & 1; /* the results of lines [done, processed) */
    if (ft->nrun) {
        if (reserve_for_next_run(ft, end - ft->processed, final && end == ft->nlines)) {
            ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
            return ft->failed;
        }
        ft_run_blocks_start(ft);
        ft->in_flight = 1;
    }
    if (ft_write_lines(ft, ft->done, ft->processed, written)) {
        settle_run(ft);
        return ft->failed;
    }
    ft->done = ft->processed; /* written */
    ft->processed = end;      /* processed (or in flight), written next time */
    return 0;
}

/* Processes and writes every line framed so far. */
static int process_all(fixtext *ft)
{
    while (!ft->failed && (ft->done < ft->nlines || ft->in_flight))
        if (process_ready(ft, 1))
            break;
    return ft->failed;
}

/* ---- framing the input into lines and blocks ---- */

static int add_line(fixtext *ft, ft_line_ref ref)
{
    if (ensure_line_capacity(ft, ft->nlines + 1)) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    ft->lines[ft->nlines++] = ref;
    ft->framed = ref.start + ref.len + ref.term_len;
    ft->open_bytes += ref.len + ref.term_len;
    if (ft->nlines - ft->open_first < BLOCK_LINES && ft->open_bytes < BLOCK_BYTES)
        return 0;
    if (push_block_end(ft, ft->nlines)) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    ft->open_first = ft->nlines;
    ft->open_bytes = 0;
    if (ft->nblocks >= run_blocks(ft))
        return process_ready(ft, 0);
    return 0;
}

/* Frames every complete line in the unframed input; a line longer than the window is cut into
 * windows as soon as a window's worth has arrived, so memory stays bounded. */
static int frame_lines(fixtext *ft, int at_eof)
{
    const size_t window = ft->opts.window;
    while (!ft->failed && ft->framed < ft->input.len) {
        size_t pos = ft->framed;
        const unsigned char *p = (const unsigned char *)ft->input.data + pos;
        size_t avail = ft->input.len - pos;
        uint8_t term;
        size_t content = ft_find_line_end(p, avail, at_eof, &term);
        /* a CR as the last byte may start a CRLF: the line's content is known to end before it,
           so that whether the window is exceeded does not depend on where a read ended */
        size_t known = (term == 0 && !at_eof && content && p[content - 1] == '\r') ? content - 1 : content;
        ft_line_ref ref = {pos, content, term, 0};
        if (known > window) {
            ref.len = ft_window_cut(p, window);
            ref.term_len = 0;
            ref.partial = 1;
        } else if (term == 0 && !at_eof) {
            return 0; /* the line goes on in input yet to come */
        }
        if (add_line(ft, ref))
            return ft->failed;
    }
    return ft->failed;
}

/* ---- the start of an input: decoded whole (UTF-16/32, --from UTF-7…) or framed as it is ---- */

static int start_wide(fixtext *ft, int kind, size_t bom, int at_eof)
{
    ft->wide = ft_wide_new(kind, ft->opts.from);
    if (!ft->wide) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "cannot convert from %s",
                     kind == FT_WIDE_OTHER ? ft->opts.from : ft_wide_name(kind));
        return -1;
    }
    ft_buf converted = {0};
    if ((bom && (ft->opts.flags & FIXTEXT_KEEP_BOM) && ft_buf_append(&converted, "\xEF\xBB\xBF", 3)) ||
        ft_wide_convert(ft->wide, ft->input.data + bom, ft->input.len - bom, at_eof, &converted,
                        &ft->stats.invalid_sequences)) {
        ft_buf_free(&converted);
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return -1;
    }
    ft_buf_free(&ft->input);
    ft->input = converted;
    return 1;
}

/* Decides, once per input, whether it is decoded whole and whether it starts with a UTF-8 BOM.
 * Returns 1 when decided, 0 when more input is needed, -1 on failure. */
static int start_input(fixtext *ft, int at_eof)
{
    const unsigned char *p = (const unsigned char *)ft->input.data;
    size_t n = ft->input.len, bom = 0;
    int kind = ft_wide_decide(ft->opts.from, !(ft->opts.flags & FIXTEXT_NO_DETECT), p, n, at_eof,
                              &bom);
    if (kind == FT_WIDE_NEED_MORE)
        return 0;
    if (kind == FT_WIDE_NONE && n < 3 && !at_eof)
        return 0; /* a UTF-8 BOM may still be arriving */
    ft->input_started = 1;
    if (kind != FT_WIDE_NONE)
        return start_wide(ft, kind, bom, at_eof);
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF && !(ft->opts.flags & FIXTEXT_KEEP_BOM)) {
        memmove(ft->input.data, ft->input.data + 3, n - 3);
        ft->input.len -= 3;
        ft->bom_removed = 1;
        ft->stats.boms_removed++;
    }
    return 1;
}

/* New bytes are at the end of ft->input: decide what the input is, frame what is complete. */
static int input_arrived(fixtext *ft, int at_eof)
{
    if (!ft->input_started) {
        int started = start_input(ft, at_eof);
        if (started < 0)
            return ft->failed;
        if (started == 0)
            return 0;
    }
    return frame_lines(ft, at_eof);
}

/* Whether the input buffer takes `more` bytes without moving; when not, the run in flight is
 * joined first (the workers read the buffer). */
static int input_room(fixtext *ft, size_t more)
{
    if (ft->input.cap - ft->input.len >= more)
        return 0;
    return settle_run(ft);
}

static int take_input(fixtext *ft, const char *data, size_t len, int at_eof)
{
    /* (a stream decoded whole grows by up to twice its bytes, and more for short chunks) */
    if (input_room(ft, ft->input_started && ft->wide ? 4 * len + 64 : len))
        return ft->failed;
    int rc;
    if (ft->input_started && ft->wide)
        rc = ft_wide_convert(ft->wide, data, len, at_eof, &ft->input, &ft->stats.invalid_sequences);
    else
        rc = ft_buf_append(&ft->input, data, len);
    if (rc) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return ft->failed;
    }
    return input_arrived(ft, at_eof);
}

/* ---- feeding ---- */

/* Text input is read straight into ft->input; input decoded whole into staging, decoded on commit. */
static int feeding_wide(const fixtext *ft)
{
    return ft->input_started && ft->wide;
}

void *fixtext_feed_buffer(fixtext *ft, size_t want)
{
    if (ft->failed)
        return NULL;
    ft_buf *b = feeding_wide(ft) ? &ft->staging : &ft->input;
    if (b == &ft->input && input_room(ft, want))
        return NULL;
    if (ft_buf_reserve(b, want)) {
        ft_set_error(ft, FIXTEXT_ERR_NOMEM, "out of memory%s", NULL);
        return NULL;
    }
    return b->data + b->len;
}

int fixtext_feed_commit(fixtext *ft, size_t n)
{
    if (ft->failed)
        return ft->failed;
    ft->stats.bytes_in += n;
    if (feeding_wide(ft)) /* (staging stays empty: its bytes start at data) */
        return take_input(ft, ft->staging.data, n, 0);
    ft->input.len += n;
    return input_arrived(ft, 0);
}

#define FEED_SLICE (256u << 10)

int fixtext_feed(fixtext *ft, const void *data, size_t len)
{
    const char *p = data;
    if (ft->failed)
        return ft->failed;
    ft->stats.bytes_in += len;
    while (len > 0) {
        size_t n = len < FEED_SLICE ? len : FEED_SLICE;
        if (take_input(ft, p, n, 0))
            return ft->failed;
        p += n;
        len -= n;
    }
    return 0;
}

int fixtext_flush(fixtext *ft)
{
    if (ft->failed)
        return ft->failed;
    if (!ft->input_started && ft->input.len > 0 && start_input(ft, 1) < 0)
        return ft->failed;
    if (ft->input_started && frame_lines(ft, 0))
        return ft->failed;
    return process_all(ft);
}

/* Forgets the input that ended: the next byte fed starts a new one. */
static void reset_input(fixtext *ft)
{
    ft->input_started = 0;
    ft_wide_free(ft->wide);
    ft->wide = NULL;
    ft->bom_removed = 0;
    ft->line_in_progress_changed = 0;
    ft->line_number = 0;
    ft->input.len = 0;
    ft->framed = 0;
    ft->nlines = ft->done = ft->processed = ft->nblocks = 0;
    ft->open_first = ft->open_bytes = 0;
}

int fixtext_finish(fixtext *ft)
{
    if (ft->failed)
        return ft->failed;
    if (take_input(ft, NULL, 0, 1) || process_all(ft))
        return ft->failed;
    reset_input(ft);
    return 0;
}

static int append_to_buf(void *opaque, const char *data, size_t len)
{
    return ft_buf_append(opaque, data, len);
}

int fixtext_buffer(fixtext *ft, const void *in, size_t len, char **out, size_t *outlen)
{
    ft_buf result = {0};
    fixtext_write_fn saved_write = ft->write;
    void *saved_opaque = ft->opaque;
    fixtext_line_fn saved_line = ft->on_line;
    ft->write = append_to_buf;
    ft->opaque = &result;
    ft->on_line = NULL;
    int rc = fixtext_feed(ft, in, len);
    if (rc == 0)
        rc = fixtext_finish(ft);
    ft->write = saved_write;
    ft->opaque = saved_opaque;
    ft->on_line = saved_line;
    if (rc == 0 && ft_buf_putc(&result, '\0'))
        rc = FIXTEXT_ERR_NOMEM;
    if (rc) {
        ft_buf_free(&result);
        *out = NULL;
        *outlen = 0;
        return rc;
    }
    *outlen = result.len - 1;
    *out = ft_buf_release(&result);
    return *out ? 0 : FIXTEXT_ERR_NOMEM;
}
