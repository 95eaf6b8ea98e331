/* cli.c — the fixtext command: reads files or standard input (decompressing them when they are
 * compressed), skips binary files, hands the bytes to libfixtext through its public API only, and
 * writes the result (or per-line reports) where the options say. The other cli_*.c files each own
 * one part of this (see their header comments).
 * Exit status follows GNU conventions: 0 ok, 1 --check found lines to change, 2 trouble. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_binary.h"
#include "cli_progress.h"
#include "cli_stats.h"

#define READ_SIZE (256u << 10)

/* The head of an input: its first BINARY_SNIFF plain bytes (all of it when shorter) whatever
 * sizes the reads come in, into head. With line_buffered it ends at the first newline instead
 * when there is one, so that a line typed at a terminal goes through at once; then that line is
 * what is judged (*judged: how many bytes of head the binary test sees). *failed is set when the
 * input failed (said); the bytes read before stay. Returns how many bytes head holds. */
static size_t read_head(cli_input *in, unsigned char *head, int line_buffered, size_t *judged,
                        int *failed)
{
    size_t n = 0;
    *failed = 0;
    while (n < BINARY_SNIFF) {
        ssize_t got = input_read(in, head + n, BINARY_SNIFF - n);
        if (got <= 0) {
            *failed = got < 0;
            break;
        }
        unsigned char *nl = line_buffered ? memchr(head + n, '\n', (size_t)got) : NULL;
        n += (size_t)got;
        if (nl) {
            *judged = (size_t)(nl - head) + 1;
            return n;
        }
    }
    *judged = n;
    return n;
}

enum head_result { HEAD_TEXT, HEAD_BINARY, HEAD_FAILED, HEAD_FATAL };

/* Reads the head and, unless it is a binary file's, feeds it. HEAD_TEXT: go on reading;
 * HEAD_BINARY: skipped (said; nothing of it fed); HEAD_FAILED: the input failed (said; what was
 * read is fed); HEAD_FATAL: the context failed. */
static enum head_result feed_head(fixtext *ft, cli_input *in, run *r, int line_buffered)
{
    unsigned char *head = malloc(BINARY_SNIFF); /* owned here, freed below */
    if (!head) {
        cli_message("%s: %s", r->label, strerror(ENOMEM));
        return HEAD_FAILED;
    }
    size_t judged;
    int failed;
    enum head_result result = HEAD_TEXT;
    size_t n = read_head(in, head, line_buffered, &judged, &failed);
    if (!failed && binary_kind(head, judged, &r->cfg->lib)) {
        cli_message("%s: binary file skipped (use --binary=text to process it)", r->label);
        progress_binary();
        result = HEAD_BINARY;
    } else if (n && fixtext_feed(ft, head, n)) {
        result = HEAD_FATAL;
    } else if (failed) {
        result = HEAD_FAILED;
    }
    free(head);
    return result;
}

/* Asked for (--line-buffered) or typed at a terminal: write what is complete now. Not otherwise,
 * and never by timing: a flush lets detection decide without the lines after, so output would
 * depend on when the bytes arrived. */
static int flush_lines(fixtext *ft, run *r)
{
    return fixtext_flush(ft) || (r->out && output_flush(r->out)) ? -1 : 0;
}

int feed_input(fixtext *ft, cli_input *in, run *r, int line_buffered, int *fatal)
{
    int status = EXIT_OK, done = 0;
    progress_file();
    if (r->cfg->binary == CLI_BINARY_SKIP) {
        switch (feed_head(ft, in, r, line_buffered)) {
        case HEAD_BINARY: return EXIT_TROUBLE;
        case HEAD_FATAL: *fatal = 1; return EXIT_TROUBLE;
        case HEAD_FAILED: status = EXIT_TROUBLE, done = 1; break;
        case HEAD_TEXT: break;
        }
        progress_tick(ft);
    }
    while (!done) {
        if (line_buffered && flush_lines(ft, r)) { /* (before a read that may wait) */
            *fatal = 1;
            return EXIT_TROUBLE;
        }
        char *room = fixtext_feed_buffer(ft, READ_SIZE); /* read into the context: no copy */
        if (!room) {
            *fatal = 1;
            return EXIT_TROUBLE;
        }
        ssize_t n = input_read(in, room, READ_SIZE);
        if (n <= 0) {
            status = n < 0 ? EXIT_TROUBLE : status; /* what was read still goes out below */
            break;
        }
        if (fixtext_feed_commit(ft, (size_t)n)) {
            *fatal = 1;
            return EXIT_TROUBLE;
        }
        progress_tick(ft);
    }
    if (fixtext_finish(ft)) {
        *fatal = 1;
        return EXIT_TROUBLE;
    }
    report_input_warnings(r);
    return status;
}

static void report_output_error(const output *o)
{
    if (o->name)
        cli_message("%s: %s", o->name, strerror(o->err));
    else
        cli_message("write error: %s", strerror(o->err));
}

static void report_check(const run *r)
{
    if (r->changed_lines)
        cli_message("%s: %llu of %llu lines would change", r->label, r->changed_lines, r->lines);
}

/* The inputs to read: the operands, or standard input when there are none. */
static char **input_files(const cli_config *cfg, int *nfiles)
{
    static char *stdin_only[] = {"-"};
    *nfiles = cfg->nfiles ? cfg->nfiles : 1;
    return cfg->nfiles ? cfg->files : stdin_only;
}

/* Whether the input path ("-": standard input) is the file out describes. */
static int is_same_file(const char *path, const struct stat *out)
{
    struct stat st;
    int rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st);
    return rc == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* An input that is also the output would be emptied before it is read (fixtext -o f f), or read
 * while it grows (fixtext f >> f). Compared by identity, device and inode, so that another path,
 * a symbolic link or a hard link to an input is caught too. Only a regular output matters: reading
 * and writing /dev/null or a terminal destroys nothing. Returns 0, or EXIT_TROUBLE after naming
 * every such input. */
static int refuse_input_as_output(const cli_config *cfg, int fd)
{
    struct stat out;
    if (fstat(fd, &out) != 0 || !S_ISREG(out.st_mode))
        return EXIT_OK;
    int nfiles, status = EXIT_OK;
    char **files = input_files(cfg, &nfiles);
    for (int i = 0; i < nfiles; i++) {
        if (!is_same_file(files[i], &out))
            continue;
        const char *label = strcmp(files[i], "-") == 0 ? "standard input" : files[i];
        if (cfg->output)
            cli_message("%s: input file is also the output file '%s'", label,
                    cfg->output);
        else
            cli_message("%s: input file is also standard output", label);
        status = EXIT_TROUBLE;
    }
    return status;
}

/* Where the text goes: standard output, or -o FILE, which is opened without O_TRUNC so that it
 * can be compared with the inputs first, and only then emptied. Sets *fd (STDOUT_FILENO unless
 * -o); returns 0, or EXIT_TROUBLE after saying why, with nothing written and nothing left open. */
static int open_output(const cli_config *cfg, int *fd)
{
    *fd = STDOUT_FILENO;
    if (cfg->check)
        return EXIT_OK; /* nothing is written */
    if (cfg->output) {
        *fd = open(cfg->output, O_WRONLY | O_CREAT, 0666);
        if (*fd < 0) {
            cli_message("%s: %s", cfg->output, strerror(errno));
            *fd = STDOUT_FILENO;
            return EXIT_TROUBLE;
        }
    }
    int status = refuse_input_as_output(cfg, *fd);
    struct stat st;
    if (status == EXIT_OK && cfg->output && fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) &&
        ftruncate(*fd, 0) != 0) {
        cli_message("%s: %s", cfg->output, strerror(errno));
        status = EXIT_TROUBLE;
    }
    if (status != EXIT_OK && *fd != STDOUT_FILENO) {
        close(*fd);
        *fd = STDOUT_FILENO;
    }
    return status;
}

/* All inputs to one output (stdout or -o FILE). */
static int process_to_output(const cli_config *cfg, fixtext *ft, output *out, int *any_changed)
{
    int nfiles;
    char **files = input_files(cfg, &nfiles);
    int status = EXIT_OK, fatal = 0;
    int text_out = !cfg->check && !cfg->detect;
    for (int i = 0; i < nfiles && !fatal; i++) {
        run r = {.cfg = cfg, .out = out, .show_label = nfiles > 1};
        cli_input in;
        if (input_open(&in, files[i])) {
            status = EXIT_TROUBLE;
            continue;
        }
        r.label = in.label;
        fixtext_set_output(ft, text_out ? run_write : discard_write, on_line, &r);
        if (feed_input(ft, &in, &r, cfg->line_buffered || isatty(in.fd), &fatal))
            status = EXIT_TROUBLE;
        input_close(&in);
        if (cfg->check)
            report_check(&r);
        *any_changed |= r.changed_lines != 0;
    }
    /* Also after a failed input: what was written stays, a compressed output complete. */
    if (output_finish(out) || out->err) {
        report_output_error(out);
        return EXIT_TROUBLE;
    }
    if (fatal) {
        cli_message("%s", fixtext_error(ft));
        return EXIT_TROUBLE;
    }
    return status;
}

/* The inputs' size as stored, into *total; 1 when it is known: every input is a regular file. */
static int input_size(const cli_config *cfg, uint64_t *total)
{
    int nfiles, known = 1;
    char **files = input_files(cfg, &nfiles);
    *total = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        int rc = strcmp(files[i], "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(files[i], &st);
        if (rc == 0 && S_ISREG(st.st_mode))
            *total += (uint64_t)st.st_size;
        else
            known = 0;
    }
    return known;
}

/* Reports, statistics and warnings go to standard error; one that could not be written there is
 * trouble too (nothing can say so, but the status can). stderr is unbuffered, so a failed write
 * shows in its error indicator rather than in the flush. */
static int final_status(int status)
{
    if (fflush(stderr) != 0 || ferror(stderr))
        return EXIT_TROUBLE;
    return status;
}

/* Without -i: every input to standard output or -o FILE (compressed as its name says). */
static int write_output(const cli_config *cfg, fixtext *ft, char *outbuf, int *any_changed)
{
    int fd;
    if (open_output(cfg, &fd) != EXIT_OK)
        return EXIT_TROUBLE;
    output out;
    output_init(&out, fd, fd == STDOUT_FILENO ? NULL : cfg->output, outbuf);
    int status;
    if (cfg->output && !cfg->check && output_set_codec(&out, codec_for_name(cfg->output))) {
        report_output_error(&out);
        status = EXIT_TROUBLE;
    } else {
        status = process_to_output(cfg, ft, &out, any_changed);
    }
    output_release(&out);
    if (fd != STDOUT_FILENO && close(fd) != 0 && status == EXIT_OK) {
        cli_message("%s: %s", cfg->output, strerror(errno));
        status = EXIT_TROUBLE;
    }
    return status;
}

static void print_stats(const cli_config *cfg, const fixtext *ft)
{
    if (cfg->stats == CLI_FORMAT_JSON) {
        cli_totals t = progress_totals();
        stats_print_json(stderr, fixtext_get_stats(ft), &t);
    } else {
        stats_print_text(stderr, fixtext_get_stats(ft));
    }
}

int main(int argc, char **argv)
{
    /* Reports go to stderr record by record: line-buffered, one write per record rather than one
     * per character (an --explain=json run on 56,000 lines took 3.4 s unbuffered, 0.2 s without
     * the reports). Errors still show: each message is a line. */
    setvbuf(stderr, NULL, _IOLBF, 0);
    cli_config cfg;
    switch (cli_parse(argc, argv, &cfg, stderr)) {
    case CLI_HELP:
        cli_print_help(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_TROUBLE;
    case CLI_VERSION:
        cli_print_version(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_TROUBLE;
    case CLI_USAGE_ERROR:
        return EXIT_TROUBLE;
    case CLI_RUN:
        break;
    }
    /* A closed pipe shows as EPIPE where the text is written, which then ends the process by
     * SIGPIPE, quietly (cli_output.c); a write to standard error failing so is reported by the
     * exit status. Ignored until then, so that no write dies halfway through some other step. */
    signal(SIGPIPE, SIG_IGN);
    uint64_t total;
    int known = input_size(&cfg, &total);
    progress_start(&cfg, total, known);

    char err[512];
    fixtext *ft = fixtext_new(&cfg.lib, err, sizeof err);
    if (!ft) {
        cli_message("%s", err);
        return EXIT_TROUBLE;
    }
    char *outbuf = malloc(OUT_BUFFER); /* owned here; the outputs write through it */
    if (!outbuf) {
        cli_message("%s", strerror(ENOMEM));
        fixtext_free(ft);
        return EXIT_TROUBLE;
    }
    int status, any_changed = 0;
    if (cfg.in_place)
        status = rewrite_files(&cfg, &ft, outbuf);
    else
        status = write_output(&cfg, ft, outbuf, &any_changed);
    progress_end();
    if (cfg.stats && ft)
        print_stats(&cfg, ft);
    fixtext_free(ft);
    free(outbuf);
    if (status == EXIT_OK && cfg.check && any_changed)
        status = EXIT_CHECK_FAILED;
    return final_status(status);
}
