/* cli_progress.c — the progress line, SIGUSR1's totals and messages that keep clear of the line.
 * One run, one state: the counters are the process's, as the signal is. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_progress.h"

#define REDRAW_NS 250000000LL /* at most four drawings a second */
#define ERASE "\r\033[K"      /* back to the line's start, clear to its end */

static struct {
    int enabled;           /* the progress line is wanted */
    int shown;             /* it is on the screen now */
    enum cli_format stats; /* the format SIGUSR1's totals are printed in */
    uint64_t total;        /* the inputs' size as stored; 0 when unknown */
    long long start_ns, drawn_ns;
    cli_totals totals;
} pg;

static volatile sig_atomic_t usr1_seen;

/* Async-signal-safe: only a flag. The totals are printed between reads (progress_tick), where
 * stdio and the library's statistics may be touched. */
static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen = 1;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void catch_usr1(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    /* Restart interrupted calls: a write to standard error cut by the signal would otherwise
     * count as a failed report. The totals wait for the read in progress. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return; /* ignored by whoever started us: stays so */
    sigaction(SIGUSR1, &sa, NULL);
}

void progress_start(const cli_config *cfg, uint64_t total, int total_known)
{
    pg.start_ns = pg.drawn_ns = now_ns();
    pg.total = total_known ? total : 0;
    pg.stats = cfg->stats == CLI_FORMAT_JSON ? CLI_FORMAT_JSON : CLI_FORMAT_TEXT;
    if (cfg->progress == CLI_PROGRESS_AUTO)
        pg.enabled = isatty(STDERR_FILENO) && total_known && total > PROGRESS_AUTO_SIZE;
    else
        pg.enabled = cfg->progress == CLI_PROGRESS_ON;
    catch_usr1();
}

void progress_read(uint64_t bytes)
{
    pg.totals.bytes_read += bytes;
}

void progress_file(void)
{
    pg.totals.files++;
}

void progress_binary(void)
{
    pg.totals.binary_skipped++;
}

cli_totals progress_totals(void)
{
    cli_totals t = pg.totals;
    t.seconds = (double)(now_ns() - pg.start_ns) / 1e9;
    return t;
}

void progress_hide(void)
{
    if (pg.shown)
        fputs(ERASE, stderr);
    pg.shown = 0;
}

void cli_message(const char *fmt, ...)
{
    va_list ap;
    progress_hide();
    va_start(ap, fmt);
    fputs("fixtext: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* "1:02:03" or "2:03". */
static void duration_text(char *buf, size_t size, double seconds)
{
    unsigned long long s = (unsigned long long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%llu:%02llu", s / 60, s % 60);
}

/* "fixtext: 12.3 MB of 50.0 MB (24%), 120034 lines, 85.3 MB/s, ETA 0:04" (megabytes of 10^6
 * bytes, as dd counts them; bytes as stored, so that the share and the ETA hold for compressed
 * inputs too). */
static void draw(const fixtext *ft, double seconds)
{
    double mb = (double)pg.totals.bytes_read / 1e6, rate = seconds > 0 ? mb / seconds : 0;
    unsigned long long lines = ft ? (unsigned long long)fixtext_get_stats(ft)->lines : 0;
    fprintf(stderr, "\rfixtext: %.1f MB", mb);
    if (pg.total) {
        double total = (double)pg.total / 1e6, share = mb < total ? mb / total : 1;
        fprintf(stderr, " of %.1f MB (%.0f%%)", total, share * 100);
    }
    fprintf(stderr, ", %llu lines, %.1f MB/s", lines, rate);
    if (pg.total && rate > 0) {
        char eta[32];
        double left = (double)pg.total / 1e6 - mb;
        duration_text(eta, sizeof eta, left > 0 ? left / rate : 0);
        fprintf(stderr, ", ETA %s", eta);
    }
    fputs("\033[K", stderr);
    pg.shown = 1;
}

/* SIGUSR1: where the run is, on lines of their own, in the --stats format asked for (text when
 * none was). */
static void print_totals(const fixtext *ft)
{
    cli_totals t = progress_totals();
    progress_hide();
    fprintf(stderr, "fixtext: %.1f MB read in %.2f s, %.1f MB/s\n",
            (double)t.bytes_read / 1e6, t.seconds,
            t.seconds > 0 ? (double)t.bytes_read / 1e6 / t.seconds : 0.0);
    if (!ft)
        return;
    if (pg.stats == CLI_FORMAT_JSON)
        stats_print_json(stderr, fixtext_get_stats(ft), &t);
    else
        stats_print_text(stderr, fixtext_get_stats(ft));
}

void progress_tick(const fixtext *ft)
{
    if (usr1_seen) {
        usr1_seen = 0;
        print_totals(ft);
    }
    if (!pg.enabled)
        return;
    long long now = now_ns();
    if (now - pg.drawn_ns < REDRAW_NS)
        return;
    pg.drawn_ns = now;
    draw(ft, (double)(now - pg.start_ns) / 1e9);
}

void progress_end(void)
{
    progress_hide();
    pg.enabled = 0;
}
