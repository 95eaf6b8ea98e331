/* cli_inplace.c — -i: each file rewritten through a temporary file beside it and a rename, so that
 * the original is either untouched or wholly replaced; owner, group and mode kept; symbolic links
 * refused or followed; a compressed file rewritten compressed the same way (gzip stays gzip); the
 * temporary file removed when a signal ends the run. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"

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
        cli_message("%s: %s", path, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (S_ISLNK(st.st_mode) && !cfg->follow_symlinks) {
        fprintf(stderr, "fixtext: %s: is a symbolic link; not replaced (use --follow-symlinks to "
                        "rewrite the file it points to)\n", path);
        return EXIT_TROUBLE;
    }
    *target = S_ISLNK(st.st_mode) ? realpath(path, NULL) : strdup(path);
    if (!*target) {
        cli_message("%s: %s", path, strerror(errno));
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
        cli_message("%s: cannot make backup: %s", target, strerror(ENOMEM));
        return EXIT_TROUBLE;
    }
    snprintf(backup, size, "%s%s", target, suffix);
    int status = EXIT_OK;
    if ((unlink(backup) != 0 && errno != ENOENT) || link(target, backup) != 0) {
        cli_message("%s: cannot make backup: %s", backup, strerror(errno));
        status = EXIT_TROUBLE;
    }
    free(backup);
    return status;
}

/* Processes the open input into the temporary file, compressed as the input was, and gives that
 * the original's owner and mode; name is the file's name in messages. */
static int write_temp(const cli_config *cfg, fixtext *ft, cli_input *in, int tmpfd,
                      const struct stat *st, const char *name, char *outbuf, int *fatal)
{
    output out;
    output_init(&out, tmpfd, name, outbuf);
    if (output_set_codec(&out, in->kind)) {
        cli_message("%s: %s", name, strerror(out.err));
        return EXIT_TROUBLE;
    }
    run r = {.cfg = cfg, .out = &out, .label = name};
    fixtext_set_output(ft, run_write, on_line, &r);
    int status = feed_input(ft, in, &r, 0, fatal);
    if (output_finish(&out) || out.err) {
        cli_message("%s: %s", name, strerror(out.err));
        return EXIT_TROUBLE;
    }
    if (*fatal) {
        cli_message("%s: %s", name, fixtext_error(ft));
        return EXIT_TROUBLE;
    }
    if (status == EXIT_OK && (keep_owner_and_mode(tmpfd, st) != 0 || fsync(tmpfd) != 0)) {
        cli_message("%s: %s", name, strerror(errno));
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
    cli_message("%s: warning: %llu other hard link%s still ha%s the old content",
            name, others, others == 1 ? "" : "s", others == 1 ? "s" : "ve");
}

/* Rewrites target (named name in messages) through a temporary file in the same directory and a
 * rename, so that the original is either untouched or wholly replaced. */
static int rewrite_file(const cli_config *cfg, fixtext *ft, const char *name, const char *target,
                        char *outbuf, int *fatal)
{
    struct stat st;
    if (stat(target, &st) != 0) {
        cli_message("%s: %s", name, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_message("%s: not a regular file", name);
        return EXIT_TROUBLE;
    }
    int fd = open(target, O_RDONLY);
    cli_input in;
    if (fd < 0) {
        cli_message("%s: %s", name, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (input_from_fd(&in, fd, name))
        return EXIT_TROUBLE;
    if (input_sniff(&in)) { /* (the format first: the temporary file is written in it) */
        input_close(&in);
        return EXIT_TROUBLE;
    }
    int tmpfd = make_temp(target);
    if (tmpfd < 0) {
        cli_message("%s: cannot create temporary file: %s", name, strerror(errno));
        input_close(&in);
        return EXIT_TROUBLE;
    }
    int status = write_temp(cfg, ft, &in, tmpfd, &st, name, outbuf, fatal);
    input_close(&in);
    if (close(tmpfd) != 0 && status == EXIT_OK) {
        cli_message("%s: %s", name, strerror(errno));
        status = EXIT_TROUBLE;
    }
    if (status == EXIT_OK && cfg->backup_suffix)
        status = make_backup(target, cfg->backup_suffix);
    if (status == EXIT_OK && commit_temp(target) != 0) {
        cli_message("%s: %s", name, strerror(errno));
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

int rewrite_files(const cli_config *cfg, fixtext **ft, char *outbuf)
{
    int status = EXIT_OK, fatal = 0;
    char err[512];
    catch_fatal_signals();
    for (int i = 0; i < cfg->nfiles; i++) {
        if (rewrite_in_place(cfg, *ft, cfg->files[i], outbuf, &fatal))
            status = EXIT_TROUBLE;
        if (fatal) { /* the context is spent: start afresh for the next file */
            fixtext_free(*ft);
            *ft = fixtext_new(&cfg->lib, err, sizeof err);
            fatal = 0;
            if (!*ft) {
                cli_message("%s", err);
                return EXIT_TROUBLE;
            }
        }
    }
    return status;
}
