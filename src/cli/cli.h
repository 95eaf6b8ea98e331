/* cli.h — what the fixtext command's files share: exit statuses, the state of one input's run
 * (what the line callback needs) and feeding an input to the library. */
#ifndef FIXTEXT_CLI_H
#define FIXTEXT_CLI_H

#include "cli_input.h"
#include "cli_options.h"
#include "cli_output.h"
#include "fixtext.h"

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_TROUBLE = 2 };

/* A line longer than the window reaches the line callback in pieces (info->partial set on all
 * but the last). What --detect and the warnings say about the line is gathered here over its
 * pieces and said once, at the last one. The strings are the library's static names (its
 * statistics keep them too), so pointers are kept, not copies. */
typedef struct line_acc {
    int decided;               /* a piece other than pure ASCII was seen */
    double score;              /* the deciding piece's detection: the first piece that is not
                                  pure ASCII (ASCII fits every encoding), else the first piece */
    const char *runner_up;
    double runner_up_score;
    const char *script;        /* combined over the pieces */
    unsigned warnings;         /* FIXTEXT_WARN_* of any piece */
    const char *encoding;      /* of the deciding piece */
    const char *encodings[FIXTEXT_MAX_ENCODINGS]; /* distinct encodings of the pieces other than
                                                     ASCII, in order */
    size_t nencodings;
    const char *decided_by;    /* the deciding piece's evidence (--detect=json) */
    fixtext_candidate candidates[FIXTEXT_TOP_CANDIDATES];
} line_acc;

/* What the line callback needs while one input is processed. */
typedef struct run {
    const cli_config *cfg;
    output *out;          /* the text or --detect records */
    const char *label;    /* the input's name in messages */
    int show_label;       /* several inputs: records carry the file name */
    unsigned long long changed_lines, lines;
    unsigned long long not_documents, first_not_document; /* --jsonl lines passed through */
    line_acc acc;         /* the line in progress */
} run;

/* cli_lines.c: the library's callbacks. run_write sends text to r->out; on_line gives the
 * per-line reports (--detect records, --explain, warnings); discard_write drops text (--check,
 * --detect). */
int run_write(void *opaque, const char *data, size_t len);
int discard_write(void *opaque, const char *data, size_t len);
int on_line(void *opaque, const fixtext_line_info *info);
/* What is said once per input after its last line (--jsonl lines that were not JSON). */
void report_input_warnings(const run *r);

/* cli.c: feeds one open input to the context (whose output is set), binary policy included.
 * Returns EXIT_OK, or EXIT_TROUBLE after saying why (the input could not be read, or was a
 * binary file and skipped: then nothing of it was fed). *fatal is set when the context or the
 * output failed, so that no further input is worth reading. */
int feed_input(fixtext *ft, cli_input *in, run *r, int line_buffered, int *fatal);

/* cli_inplace.c: -i, for every operand. Returns EXIT_OK or EXIT_TROUBLE; *ft may be replaced
 * (a context that failed is not reused), or NULL if a new one could not be made. */
int rewrite_files(const cli_config *cfg, fixtext **ft, char *outbuf);

#endif
