/* pipeline.h — the inside of a fixtext context, shared by the two halves of the pipeline:
 * pipeline.c (input, framing into lines and blocks, scheduling, the public entry points) and
 * lines.c (the per-worker work on a block — detection, decoding, the stage table — and writing
 * the lines in order). Nothing else includes it. */
#ifndef FIXTEXT_PIPELINE_H
#define FIXTEXT_PIPELINE_H

#include "container.h"
#include "internal.h"

/* Cache lines are this long on the machines fixtext runs on. State that one thread writes while
 * another reads nearby state starts a line of its own: a core writing a line takes it from every
 * other core that holds it, so a field written per line (the framing's counters, a buffer's
 * length) next to fields every worker reads per line (the array pointers) costs each of those
 * reads a transfer between cores. */
#define FT_CACHE_LINE 64

/* One run parity's output of a worker. The calling thread reads one parity's while the worker
 * appends to the other's, so each starts a cache line. */
typedef struct run_output {
    _Alignas(FT_CACHE_LINE) ft_buf out;
    ft_buf explain;
    ft_buf extra; /* the lines' stage counters and detection evidence (see line_result) */
} run_output;

/* Per worker (one per thread): its own state of every stage, so any worker can take any block.
 * Workers sit side by side in fixtext.workers: each starts a cache line. */
typedef struct worker {
    _Alignas(FT_CACHE_LINE) ft_detector *detector;
    ft_decoder *decoder;
    void *state[FIXTEXT_MAX_STAGES]; /* per row of ft_stages; NULL for stages without state */
    ft_buf scratch[2];               /* ping-pong buffers between stages */
    ft_buf piece;                    /* one piece's output, for stages that take lines in pieces */
    /* Output text of changed lines and NUL-terminated explanations, one pair per run parity:
     * the lines of one run are written while the workers fill the other pair with the next. */
    run_output written[2];
    ft_document document; /* the block (or --jsonl document) being worked on, for surveys */
    /* --jsonl / --tsv (documents.c): the parsed line, its values framed into lines with their
     * detection (doc_cap long), one value's repaired text, the line rebuilt */
    ft_doc doc;
    ft_slice *doc_lines;
    uint8_t *doc_valid;
    ft_choice *doc_choices;
    size_t doc_cap;
    ft_buf doc_value;
    ft_buf doc_line;
    ft_buf doc_script; /* the repaired values, for FIXTEXT_CLASSIFY_SCRIPT */
    fixtext_line_info info; /* the line being worked on, as the stages report into it */
    int failed;
} worker;

/* What happened to one line of the current run: its fixtext_line_info, packed. The public struct
 * is 400 bytes, mostly per-stage counters that are zero; a run keeps one result per line, and
 * zeroing and paging in 400 bytes a line cost more than a short line's whole detection. The
 * counters of the stages that counted something (and, with FIXTEXT_DETECT_EVIDENCE, the
 * detector's evidence) go to the worker's extra buffer; the calling thread unpacks them. */
typedef struct line_result {
    size_t out_off, out_len; /* the output text in the worker's out buffer (unless use_raw) */
    size_t explain_off;      /* the explanation in its explain buffer */
    size_t extra_off;        /* the counters (fixed, reported of each stage in `counted`, in
                                stage order), then the evidence, in its extra buffer */
    const char *encoding, *runner_up, *script;
    double score, runner_up_score;
    unsigned invalid_sequences, replacement_chars, warnings;
    uint16_t counted;        /* bit k: stage k fixed or reported something */
    uint8_t worker;          /* whose buffers hold the rest */
    uint8_t parity;          /* which run parity's buffers */
    uint8_t use_raw;         /* output equals input: write the input bytes */
    uint8_t changed, partial;
    uint8_t evidence;        /* decided_by and candidates follow the counters */
} line_result;
_Static_assert(FIXTEXT_MAX_STAGES <= 16 && FIXTEXT_MAX_JOBS <= 256, "line_result's fields hold them");

/* A block of lines, the unit of work: lines [first, last) of ft->lines. */
typedef struct block {
    size_t first, last;
} block;

struct fixtext {
    /* ---- Read by the workers during a run; written only between runs. ---- */
    fixtext_options opts;
    char *owned_strings[9]; /* copies of the option strings */
    ft_fields fields;       /* --jsonl / --tsv: the values to repair */
    unsigned stages_on;     /* bit k: row k of ft_stages runs */
    ft_wide *wide;          /* decoding the whole input before framing, or NULL */
    /* the lines (lines_cap long; see below) and, per line, filled for the lines of a run */
    ft_line_ref *lines;
    ft_slice *slices;       /* each line's bytes: the workers read the input through these */
    ft_choice *choices;
    /* What happened to each line of a run, indexed from the run's first line: one array per run
     * parity, so the results written while the next run is in flight never move. */
    line_result *results[2];
    size_t results_cap[2];
    size_t run_first;       /* the line the run in flight starts at */
    uint8_t *utf8_valid;    /* well-formed UTF-8 */
    unsigned *replacements; /* U+FFFD in a valid line */
    block *run;             /* the blocks of the current run */
    size_t nrun, run_cap;
    unsigned run_parity;    /* bumped for every run; its low bit picks the worker buffers */
    size_t run_nlines;      /* lines framed when the run started: all its workers may look at */

    worker workers[FIXTEXT_MAX_JOBS];
    ft_pool *pool;
    unsigned nworkers;

    /* ---- The calling thread's: input, framing and writing go on while the workers run. ---- */
    /* Input and its lines. ft->input holds every byte from the first line kept as detection
     * context to the last byte fed; lines[0, done) are written already and kept only as the
     * context the next blocks' detection reads; lines[done, processed) are the last run, processed and
     * waiting to be written; lines[processed, nlines) wait. */
    _Alignas(FT_CACHE_LINE) ft_buf input;
    ft_buf staging;       /* fixtext_feed_buffer's room when the input is decoded whole */
    size_t processed;     /* lines[done, processed) are processed, to be written next time */
    size_t framed;        /* end of the last framed line (terminator included) in input */
    size_t nlines, lines_cap, done;
    size_t *block_ends;   /* ends of the complete blocks after done, in order */
    size_t nblocks, blocks_cap;
    size_t open_first;    /* first line of the block being filled */
    size_t open_bytes;
    int in_flight;        /* the run's workers may still be at it (joined by settle_run) */
    fixtext_write_fn write;
    fixtext_line_fn on_line;
    void *opaque;

    /* the line being written, unpacked from its line_result: counters of stages not in
       written_counted, and the evidence unless written_evidence, are zero */
    fixtext_line_info written;
    unsigned written_counted;
    int written_evidence;

    /* Per input. */
    int input_started;  /* the whole-input decision (UTF-16/32, BOM) is made */
    int bom_removed;    /* line 1 changed by losing its BOM */
    int line_in_progress_changed; /* an earlier window of the current line changed */
    uint64_t line_number;

    fixtext_stats stats;
    int failed;         /* sticky error code */
    char error[512];
};

void ft_set_error(fixtext *ft, int code, const char *fmt, const char *arg);

/* lines.c */
int ft_worker_init(fixtext *ft, worker *w, char *err, size_t errlen);
void ft_worker_free(worker *w);
/* Starts detecting, decoding and running the stages on every block of ft->run (in parallel when
 * there are workers); ft_run_blocks_finish joins in and returns when all are done: 0, or -1 when
 * a worker ran out of memory. Between the two, only lines outside the run may be touched. */
void ft_run_blocks_start(fixtext *ft);
int ft_run_blocks_finish(fixtext *ft);
/* Line index's result in the run in flight. */
static inline line_result *ft_run_result(const fixtext *ft, size_t index)
{
    return &ft->results[ft->run_parity & 1][index - ft->run_first];
}
/* Writes lines [first, last), the run before the one in flight (results[parity], indexed from
 * first), in order, with the line callback after each. */
int ft_write_lines(fixtext *ft, size_t first, size_t last, unsigned parity);
/* The per-line path, shared with documents.c. ft_begin_result starts line index's result (as
 * chosen) and the report stages write to; ft_fix_text decodes text (a line, or a line of a
 * document's value) with the chosen encoding and runs the stages, leaving the result in *text
 * (the input or a worker scratch buffer: use it before the next call); ft_keep_result keeps the
 * line's final text; ft_end_result closes its explanation. Each returns -1 when out of memory. */
void ft_begin_result(fixtext *ft, worker *w, size_t index, const ft_choice *choice,
                     ft_report *report);
int ft_fix_text(const fixtext *ft, worker *w, const ft_choice *choice, int utf8_valid,
                const char **text, size_t *len, ft_report *report);
int ft_keep_result(const fixtext *ft, worker *w, size_t index, const char *text, size_t len);
int ft_end_result(const fixtext *ft, worker *w, size_t index, const ft_report *report);
/* Makes n lines (with their choices and validity) the document the stages' surveys read. */
void ft_set_document(const fixtext *ft, worker *w, const ft_slice *lines, size_t n,
                     const ft_choice *choices, const uint8_t *valid);

/* documents.c: line index as a document (--jsonl, --tsv): its chosen values detected on their
 * own and repaired, the rest of the line kept. Returns -1 when out of memory. */
int ft_process_document(fixtext *ft, worker *w, size_t index);
void ft_worker_free_documents(worker *w);

#endif
