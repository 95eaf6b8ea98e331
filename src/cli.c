/* cli.c — the fixtext command: reads files or standard input, hands the bytes to libfixtext through
 * its public API only, and writes the result (or per-line reports) where the options say.
 * Exit status follows GNU conventions: 0 ok, 1 --check found lines to change, 2 trouble. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_options.h"
#include "fixtext.h"

#define READ_SIZE (256u << 10)
#define OUT_BUFFER (256u << 10)

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_TROUBLE = 2 };

/* Buffered writer over a file descriptor. Records the first error; later writes are dropped. */
typedef struct output {
    int fd;
    const char *name; /* for messages: NULL means standard output */
    char *buf;        /* OUT_BUFFER bytes, owned */
    size_t len;
    int err;          /* errno of the first failed write */
} output;

static int write_all(output *o, const char *p, size_t len)
{
    while (!o->err && len > 0) {
        ssize_t n = write(o->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            o->err = n < 0 ? errno : EIO;
        else
            p += n, len -= (size_t)n;
    }
    return o->err ? -1 : 0;
}

static int output_flush(output *o)
{
    int rc = write_all(o, o->buf, o->len);
    o->len = 0;
    return rc;
}

static int output_write(void *opaque, const char *data, size_t len)
{
    output *o = opaque;
    if (o->err)
        return -1;
    if (len > OUT_BUFFER - o->len) {
        if (output_flush(o))
            return -1;
        if (len >= OUT_BUFFER) /* large pieces go straight out */
            return write_all(o, data, len);
    }
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return 0;
}

static int output_printf(output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int output_printf(output *o, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    return output_write(o, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static int discard_write(void *opaque, const char *data, size_t len)
{
    (void)opaque, (void)data, (void)len;
    return 0;
}

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
} line_acc;

/* What the line callback needs while one input is processed. */
typedef struct run {
    const cli_config *cfg;
    output *out;          /* the text or --detect records */
    const char *label;    /* the input's name in messages */
    int show_label;       /* several inputs: records carry the file name */
    unsigned long long changed_lines, lines;
    line_acc acc;         /* the line in progress */
} run;

static int same_name(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* How much a script says about a line: no Han characters, Han characters of both scripts only,
 * or one script (or both). */
static int script_weight(const char *script)
{
    if (!script || same_name(script, "none"))
        return 0;
    return same_name(script, "shared") ? 1 : 2;
}

/* The script of a line whose pieces are in scripts a and b: "none" and "shared" give way to the
 * other, two different scripts (simplified beside traditional, or beside mixed) are "mixed". */
static const char *combine_script(const char *a, const char *b)
{
    int wa = script_weight(a), wb = script_weight(b);
    if (wa != wb)
        return wa > wb ? a : b;
    if (!a || !b || same_name(a, b) || wa < 2)
        return a ? a : b;
    return "mixed";
}

/* Forgets the line that was said; the encodings array is left as it is (nencodings says how
 * much of it counts), so that the reset costs nothing beside a line. */
static void line_acc_reset(line_acc *a)
{
    a->decided = 0;
    a->score = a->runner_up_score = 0;
    a->runner_up = a->script = a->encoding = NULL;
    a->warnings = 0;
    a->nencodings = 0;
}

static void line_acc_add(line_acc *a, const fixtext_line_info *info)
{
    int ascii = info->encoding && info->encoding[0] == 'A' && same_name(info->encoding, "ASCII");
    if (!a->decided && (!a->encoding || !ascii)) {
        a->decided = !ascii;
        a->encoding = info->encoding;
        a->score = info->score;
        a->runner_up = info->runner_up;
        a->runner_up_score = info->runner_up_score;
    }
    a->script = combine_script(a->script, info->script);
    a->warnings |= info->warnings;
    if (ascii)
        return;
    for (size_t i = 0; i < a->nencodings; i++)
        if (same_name(a->encodings[i], info->encoding))
            return;
    if (a->nencodings < FIXTEXT_MAX_ENCODINGS)
        a->encodings[a->nencodings++] = info->encoding;
}

/* Writes s as a JSON string (quotes included). */
static void json_string(FILE *f, output *o, const char *s)
{
    char tmp[8];
    const char *p = s ? s : "";
#define PUT(str, n) (f ? (void)fwrite(str, 1, n, f) : (void)output_write(o, str, n))
    PUT("\"", 1);
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            tmp[0] = '\\', tmp[1] = (char)c;
            PUT(tmp, 2);
        } else if (c < 0x20) {
            int n = snprintf(tmp, sizeof tmp, "\\u%04x", c);
            PUT(tmp, (size_t)n);
        } else {
            PUT(p, 1);
        }
    }
    PUT("\"", 1);
#undef PUT
}

/* One record per input line, whatever the number of pieces: the deciding piece's encoding, score
 * and runner-up, the script of the whole line, and, only when pieces were read in different
 * encodings (ASCII aside), the list of them (the deciding one first). */
static void print_detect_record(run *r, unsigned long long number)
{
    output *o = r->out;
    const line_acc *a = &r->acc;
    const char *encoding = a->encoding;
    if (r->cfg->detect == CLI_FORMAT_JSON) {
        output_printf(o, "{");
        if (r->show_label) {
            output_printf(o, "\"file\":");
            json_string(NULL, o, r->label);
            output_printf(o, ",");
        }
        output_printf(o, "\"line\":%llu,\"encoding\":", number);
        json_string(NULL, o, encoding);
        output_printf(o, ",\"score\":%.3f,\"runner_up\":", a->score);
        if (a->runner_up)
            json_string(NULL, o, a->runner_up);
        else
            output_printf(o, "null");
        output_printf(o, ",\"runner_up_score\":%.3f,\"script\":", a->runner_up_score);
        json_string(NULL, o, a->script ? a->script : "none");
        if (a->nencodings > 1) {
            output_printf(o, ",\"encodings\":[");
            for (size_t i = 0; i < a->nencodings; i++) {
                output_printf(o, "%s", i ? "," : "");
                json_string(NULL, o, a->encodings[i]);
            }
            output_printf(o, "]");
        }
        output_printf(o, "}\n");
        return;
    }
    if (r->show_label)
        output_printf(o, "%s:", r->label);
    output_printf(o, "%llu\t%s\t%.3f\t%s\t%.3f\t%s", number, encoding ? encoding : "-", a->score,
                  a->runner_up ? a->runner_up : "-", a->runner_up_score,
                  a->script ? a->script : "none");
    for (size_t i = 0; a->nencodings > 1 && i < a->nencodings; i++)
        output_printf(o, "%c%s", i ? ',' : '\t', a->encodings[i] ? a->encodings[i] : "-");
    output_printf(o, "\n");
}

static void print_explanation(run *r, const fixtext_line_info *info)
{
    if (!info->changed || !info->explain)
        return;
    if (r->cfg->explain == CLI_FORMAT_JSON) {
        fputs("{\"file\":", stderr);
        json_string(stderr, NULL, r->label);
        fprintf(stderr, ",\"line\":%llu,\"encoding\":", (unsigned long long)info->number);
        json_string(stderr, NULL, info->encoding);
        fputs(",\"explain\":", stderr);
        json_string(stderr, NULL, info->explain);
        fprintf(stderr, ",\"invalid_sequences\":%u", info->invalid_sequences);
        for (unsigned k = 0; k < fixtext_stage_count(); k++)
            for (int which = 0; which < 2; which++)
                if (fixtext_stage_counter(k, which))
                    fprintf(stderr, ",\"%s\":%u", fixtext_stage_counter(k, which),
                            which ? info->reported[k] : info->fixed[k]);
        fputs("}\n", stderr);
        return;
    }
    if (r->show_label)
        fprintf(stderr, "%s:", r->label);
    fprintf(stderr, "%llu: %s\n", (unsigned long long)info->number,
            info->explain[0] ? info->explain : "changed");
}

/* Warnings about a whole line (any of its pieces), once. */
static void print_warnings(run *r, unsigned long long number)
{
    unsigned warnings = r->acc.warnings;
    if (r->cfg->quiet || !warnings)
        return;
    if (warnings & FIXTEXT_WARN_BINARY)
        fprintf(stderr, "fixtext: %s:%llu: warning: binary data (NUL or control bytes)\n",
                r->label, number);
    if (warnings & FIXTEXT_WARN_TRUNCATED)
        fprintf(stderr, "fixtext: %s:%llu: warning: truncated multi-byte sequence\n", r->label,
                number);
}

/* The write callback: the text of every line goes to the run's output. */
static int run_write(void *opaque, const char *data, size_t len)
{
    run *r = opaque;
    return output_write(r->out, data, len);
}

/* Called per piece of a line; what is said about the whole line waits for its last piece.
 * (Explanations stay per piece: each says what was done to its own bytes.) */
static int on_line(void *opaque, const fixtext_line_info *info)
{
    run *r = opaque;
    line_acc_add(&r->acc, info);
    if (!info->partial) {
        unsigned long long number = (unsigned long long)info->number;
        r->lines++;
        r->changed_lines += info->changed != 0;
        print_warnings(r, number);
        if (r->cfg->detect)
            print_detect_record(r, number);
        line_acc_reset(&r->acc);
    }
    if (r->cfg->explain)
        print_explanation(r, info);
    return r->out && r->out->err ? -1 : 0;
}

/* Feeds one open input to the context. Returns 0, or EXIT_TROUBLE after saying why; *fatal is set
 * when the output failed, so that no further input is worth reading. */
static int feed_fd(fixtext *ft, int fd, run *r, int line_buffered, int *fatal)
{
    const char *label = r->label;
    int status = EXIT_OK;
    for (;;) {
        char *room = fixtext_feed_buffer(ft, READ_SIZE); /* read into the context: no copy */
        if (!room) {
            *fatal = 1;
            return EXIT_TROUBLE;
        }
        ssize_t n = read(fd, room, READ_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "fixtext: %s: %s\n", label, strerror(errno));
            status = EXIT_TROUBLE;
            break; /* keep what was read: it still goes out below */
        }
        if (n == 0)
            break;
        if (fixtext_feed_commit(ft, (size_t)n)) {
            *fatal = 1;
            return EXIT_TROUBLE;
        }
        /* Asked for (--line-buffered) or typed at a terminal: write what is complete now. Not
         * otherwise, and never by timing: a flush lets detection decide without the lines
         * after, so output would depend on when the bytes arrived. */
        if (line_buffered) {
            if (fixtext_flush(ft) || (r->out && output_flush(r->out))) {
                *fatal = 1;
                return EXIT_TROUBLE;
            }
        }
    }
    if (fixtext_finish(ft)) {
        *fatal = 1;
        return EXIT_TROUBLE;
    }
    return status;
}

static int open_input(const char *path, const char **label)
{
    if (strcmp(path, "-") == 0) {
        *label = "standard input";
        return STDIN_FILENO;
    }
    *label = path;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "fixtext: %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "fixtext: %s: Is a directory\n", path);
        close(fd);
        return -1;
    }
    return fd;
}


static void report_output_error(const output *o)
{
    if (o->name)
        fprintf(stderr, "fixtext: %s: %s\n", o->name, strerror(o->err));
    else
        fprintf(stderr, "fixtext: write error: %s\n", strerror(o->err));
}

static void report_check(const run *r)
{
    if (r->changed_lines)
        fprintf(stderr, "fixtext: %s: %llu of %llu lines would change\n", r->label,
                r->changed_lines, r->lines);
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
            fprintf(stderr, "fixtext: %s: input file is also the output file '%s'\n", label,
                    cfg->output);
        else
            fprintf(stderr, "fixtext: %s: input file is also standard output\n", label);
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
            fprintf(stderr, "fixtext: %s: %s\n", cfg->output, strerror(errno));
            *fd = STDOUT_FILENO;
            return EXIT_TROUBLE;
        }
    }
    int status = refuse_input_as_output(cfg, *fd);
    struct stat st;
    if (status == EXIT_OK && cfg->output && fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) &&
        ftruncate(*fd, 0) != 0) {
        fprintf(stderr, "fixtext: %s: %s\n", cfg->output, strerror(errno));
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
        int fd = open_input(files[i], &r.label);
        if (fd < 0) {
            status = EXIT_TROUBLE;
            continue;
        }
        fixtext_set_output(ft, text_out ? run_write : discard_write, on_line, &r);
        int rc = feed_fd(ft, fd, &r, cfg->line_buffered || isatty(fd), &fatal);
        if (fd != STDIN_FILENO)
            close(fd);
        if (rc)
            status = EXIT_TROUBLE;
        if (cfg->check)
            report_check(&r);
        *any_changed |= r.changed_lines != 0;
    }
    if (output_flush(out) || out->err) {
        report_output_error(out);
        return EXIT_TROUBLE;
    }
    if (fatal) {
        fprintf(stderr, "fixtext: %s\n", fixtext_error(ft));
        return EXIT_TROUBLE;
    }
    return status;
}

/* Gives the temporary file that replaces a file the original's owner, group and mode. The owner
 * first: a change of owner clears the setuid and setgid bits, so the mode must be set after it.
 * When the owner (not root) or the group (not a member) cannot be given, the file becomes ours as
 * with sed -i, and the setuid or setgid bit goes: it would grant a different user's or group's
 * rights than the original did. */
static int keep_owner_and_mode(int fd, const struct stat *orig)
{
    if (fchown(fd, orig->st_uid, orig->st_gid) != 0 && fchown(fd, (uid_t)-1, orig->st_gid) != 0) {
        /* Neither the owner nor (not a member) the group: both stay ours, checked below. */
    }
    struct stat now;
    if (fstat(fd, &now) != 0)
        return -1;
    mode_t mode = orig->st_mode & 07777;
    if (now.st_uid != orig->st_uid)
        mode &= ~(mode_t)S_ISUID;
    if (now.st_gid != orig->st_gid)
        mode &= ~(mode_t)S_ISGID;
    return fchmod(fd, mode);
}

/* The file -i rewrites for path, into *target (malloc'd): path itself, or with --follow-symlinks
 * the file its symbolic link (or chain of links) leads to, so that the link stays a link. Without
 * it a symbolic link is refused: replacing it by a regular file, as sed -i does, would silently
 * cut it from its target, which would keep the old text. */
static int in_place_target(const cli_config *cfg, const char *path, char **target)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        fprintf(stderr, "fixtext: %s: %s\n", path, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (S_ISLNK(st.st_mode) && !cfg->follow_symlinks) {
        fprintf(stderr, "fixtext: %s: is a symbolic link; not replaced (use --follow-symlinks to "
                        "rewrite the file it points to)\n", path);
        return EXIT_TROUBLE;
    }
    *target = S_ISLNK(st.st_mode) ? realpath(path, NULL) : strdup(path);
    if (!*target) {
        fprintf(stderr, "fixtext: %s: %s\n", path, strerror(errno));
        return EXIT_TROUBLE;
    }
    return EXIT_OK;
}

/* The temporary file -i is writing, for a signal handler to remove: kept in a static buffer, as
 * the handler may only call async-signal-safe functions (unlink, signal, raise), not free.
 * While the file is being created, renamed or removed (TEMP_CHANGING) the handler cannot know
 * whether temp_path names our file, so it leaves the signal for temp_settle to act on once the
 * step is over. (With -j the handler may run in a worker thread; the same holds.) */
enum { TEMP_NONE, TEMP_CHANGING, TEMP_LIVE };
static char temp_path[PATH_MAX];
static volatile sig_atomic_t temp_state = TEMP_NONE;
static volatile sig_atomic_t deferred_signal;
static const int fatal_signals[] = {SIGHUP, SIGINT, SIGTERM};

/* Removes the temporary file, then dies of the signal with its default action, so that the exit
 * status still says which signal it was. */
static void on_fatal_signal(int sig)
{
    if (temp_state == TEMP_CHANGING) {
        deferred_signal = sig;
        return;
    }
    if (temp_state == TEMP_LIVE)
        unlink(temp_path);
    signal(sig, SIG_DFL);
    raise(sig); /* blocked while the handler runs: delivered as it returns */
}

/* Ends a create/rename/remove step: the new state, then any signal that arrived during it. */
static void temp_settle(int state)
{
    temp_state = state;
    if (deferred_signal)
        on_fatal_signal(deferred_signal);
}

/* For -i only: a hangup, an interrupt or a termination must not leave a .fixtext-* file behind.
 * A signal ignored when fixtext started (nohup) stays ignored. */
static void catch_fatal_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
        sigaddset(&sa.sa_mask, fatal_signals[i]); /* the first signal wins */
    for (size_t i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++) {
        struct sigaction old;
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(fatal_signals[i], &sa, NULL);
    }
}

/* Creates the temporary file beside target (same directory, so that rename can replace target),
 * named in temp_path. Returns its descriptor, or -1 with errno set. */
static int make_temp(const char *target)
{
    char *dircopy = strdup(target);
    if (!dircopy) {
        errno = ENOMEM;
        return -1;
    }
    int n = snprintf(temp_path, sizeof temp_path, "%s/.fixtext-XXXXXX", dirname(dircopy));
    free(dircopy);
    if (n < 0 || (size_t)n >= sizeof temp_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    temp_state = TEMP_CHANGING;
    int fd = mkstemp(temp_path);
    int e = errno;
    temp_settle(fd >= 0 ? TEMP_LIVE : TEMP_NONE);
    errno = e;
    return fd;
}

/* Renames the temporary file over target; returns rename's result, errno kept. */
static int commit_temp(const char *target)
{
    temp_state = TEMP_CHANGING;
    int rc = rename(temp_path, target);
    int e = errno;
    temp_settle(rc == 0 ? TEMP_NONE : TEMP_LIVE);
    errno = e;
    return rc;
}

static void discard_temp(void)
{
    temp_state = TEMP_CHANGING;
    unlink(temp_path);
    temp_settle(TEMP_NONE);
}

/* Keeps the original as target SUFFIX (a hard link: no copy). */
static int make_backup(const char *target, const char *suffix)
{
    size_t size = strlen(target) + strlen(suffix) + 1;
    char *backup = malloc(size);
    if (!backup) {
        fprintf(stderr, "fixtext: %s: cannot make backup: %s\n", target, strerror(ENOMEM));
        return EXIT_TROUBLE;
    }
    snprintf(backup, size, "%s%s", target, suffix);
    int status = EXIT_OK;
    if ((unlink(backup) != 0 && errno != ENOENT) || link(target, backup) != 0) {
        fprintf(stderr, "fixtext: %s: cannot make backup: %s\n", backup, strerror(errno));
        status = EXIT_TROUBLE;
    }
    free(backup);
    return status;
}

/* Processes the open input into the temporary file and gives that the original's owner and
 * mode; name is the file's name in messages. */
static int write_temp(const cli_config *cfg, fixtext *ft, int in, int tmpfd, const struct stat *st,
                      const char *name, char *outbuf, int *fatal)
{
    output out = {tmpfd, name, outbuf, 0, 0};
    run r = {.cfg = cfg, .out = &out, .label = name};
    fixtext_set_output(ft, run_write, on_line, &r);
    int status = feed_fd(ft, in, &r, 0, fatal);
    if (output_flush(&out) || out.err) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(out.err));
        return EXIT_TROUBLE;
    }
    if (*fatal) {
        fprintf(stderr, "fixtext: %s: %s\n", name, fixtext_error(ft));
        return EXIT_TROUBLE;
    }
    if (status == EXIT_OK && (keep_owner_and_mode(tmpfd, st) != 0 || fsync(tmpfd) != 0)) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(errno));
        return EXIT_TROUBLE;
    }
    return status;
}

/* The rename gave the name a new file; the original's other hard links still name the old one.
 * Said rather than refused: splitting the links is what replacing a file means (sed -i does it
 * silently), and the named file is right; only the other names are not what one may expect. */
static void warn_hard_links(const cli_config *cfg, const char *name, const struct stat *orig)
{
    if (cfg->quiet || orig->st_nlink <= 1)
        return;
    unsigned long long others = (unsigned long long)orig->st_nlink - 1;
    fprintf(stderr, "fixtext: %s: warning: %llu other hard link%s still ha%s the old content\n",
            name, others, others == 1 ? "" : "s", others == 1 ? "s" : "ve");
}

/* Rewrites target (named name in messages) through a temporary file in the same directory and a
 * rename, so that the original is either untouched or wholly replaced. */
static int rewrite_file(const cli_config *cfg, fixtext *ft, const char *name, const char *target,
                        char *outbuf, int *fatal)
{
    struct stat st;
    if (stat(target, &st) != 0) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "fixtext: %s: not a regular file\n", name);
        return EXIT_TROUBLE;
    }
    int in = open(target, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(errno));
        return EXIT_TROUBLE;
    }
    int tmpfd = make_temp(target);
    if (tmpfd < 0) {
        fprintf(stderr, "fixtext: %s: cannot create temporary file: %s\n", name, strerror(errno));
        close(in);
        return EXIT_TROUBLE;
    }
    int status = write_temp(cfg, ft, in, tmpfd, &st, name, outbuf, fatal);
    close(in);
    if (close(tmpfd) != 0 && status == EXIT_OK) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(errno));
        status = EXIT_TROUBLE;
    }
    if (status == EXIT_OK && cfg->backup_suffix)
        status = make_backup(target, cfg->backup_suffix);
    if (status == EXIT_OK && commit_temp(target) != 0) {
        fprintf(stderr, "fixtext: %s: %s\n", name, strerror(errno));
        status = EXIT_TROUBLE;
    }
    if (status != EXIT_OK)
        discard_temp();
    if (status == EXIT_OK)
        warn_hard_links(cfg, name, &st);
    return status;
}

/* -i for one operand: its target (see in_place_target), rewritten. */
static int rewrite_in_place(const cli_config *cfg, fixtext *ft, const char *path, char *outbuf,
                            int *fatal)
{
    char *target;
    int status = in_place_target(cfg, path, &target);
    if (status != EXIT_OK)
        return status;
    status = rewrite_file(cfg, ft, path, target, outbuf, fatal);
    free(target);
    return status;
}

/* "fixtext: pinyin annotations removed: 12 (lines: 9)", with what the stage reported and left. */
static void print_stage_stats(const fixtext_stats *s, unsigned stage)
{
    const char *fixed = fixtext_stage_label(stage, 0), *reported = fixtext_stage_label(stage, 1);
    fprintf(stderr, "fixtext: %s: %llu (lines: %llu)", fixed, (unsigned long long)s->fixed[stage],
            (unsigned long long)s->stage_lines[stage]);
    if (reported)
        fprintf(stderr, ", %s: %llu", reported, (unsigned long long)s->reported[stage]);
    fputc('\n', stderr);
}

static void print_stats(const fixtext_stats *s)
{
    fprintf(stderr, "fixtext: lines read: %llu, changed: %llu; bytes in: %llu, out: %llu\n",
            (unsigned long long)s->lines, (unsigned long long)s->lines_changed,
            (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out);
    fprintf(stderr, "fixtext: encodings:");
    for (size_t i = 0; i < s->encoding_count; i++)
        fprintf(stderr, "%s %s %llu", i ? "," : "", s->encodings[i].name,
                (unsigned long long)s->encodings[i].lines);
    fprintf(stderr, "%s\n", s->encoding_count ? "" : " none");
    fprintf(stderr,
            "fixtext: invalid sequences replaced: %llu; U+FFFD in output: %llu; truncated "
            "sequences: %llu; binary lines: %llu; BOMs removed: %llu\n",
            (unsigned long long)s->invalid_sequences, (unsigned long long)s->replacement_chars,
            (unsigned long long)s->truncated_sequences, (unsigned long long)s->binary_lines,
            (unsigned long long)s->boms_removed);
    for (unsigned k = 0; k < fixtext_stage_count(); k++)
        print_stage_stats(s, k);
    fprintf(stderr,
            "fixtext: scripts: simplified %llu, traditional %llu, mixed %llu, shared %llu, none %llu\n",
            (unsigned long long)s->script_lines[1], (unsigned long long)s->script_lines[2],
            (unsigned long long)s->script_lines[3], (unsigned long long)s->script_lines[4],
            (unsigned long long)s->script_lines[0]);
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
    /* A closed pipe is a write error we report, not a silent death. */
    signal(SIGPIPE, SIG_IGN);

    char err[512];
    fixtext *ft = fixtext_new(&cfg.lib, err, sizeof err);
    if (!ft) {
        fprintf(stderr, "fixtext: %s\n", err);
        return EXIT_TROUBLE;
    }
    char *outbuf = malloc(OUT_BUFFER);
    if (!outbuf) {
        fprintf(stderr, "fixtext: %s\n", strerror(ENOMEM));
        fixtext_free(ft);
        return EXIT_TROUBLE;
    }

    int status = EXIT_OK, any_changed = 0;
    if (cfg.in_place) {
        int fatal = 0;
        catch_fatal_signals();
        for (int i = 0; i < cfg.nfiles; i++) {
            if (rewrite_in_place(&cfg, ft, cfg.files[i], outbuf, &fatal))
                status = EXIT_TROUBLE;
            if (fatal) { /* the context is spent: start afresh for the next file */
                fixtext_free(ft);
                ft = fixtext_new(&cfg.lib, err, sizeof err);
                fatal = 0;
                if (!ft) {
                    fprintf(stderr, "fixtext: %s\n", err);
                    break;
                }
            }
        }
    } else {
        int fd;
        if (open_output(&cfg, &fd) != EXIT_OK) {
            free(outbuf), fixtext_free(ft);
            return final_status(EXIT_TROUBLE);
        }
        output out = {fd, fd == STDOUT_FILENO ? NULL : cfg.output, outbuf, 0, 0};
        status = process_to_output(&cfg, ft, &out, &any_changed);
        if (fd != STDOUT_FILENO && close(fd) != 0 && status == EXIT_OK) {
            fprintf(stderr, "fixtext: %s: %s\n", cfg.output, strerror(errno));
            status = EXIT_TROUBLE;
        }
    }
    if (cfg.stats && ft)
        print_stats(fixtext_get_stats(ft));
    fixtext_free(ft);
    free(outbuf);
    if (status == EXIT_OK && cfg.check && any_changed)
        status = EXIT_CHECK_FAILED;
    return final_status(status);
}
