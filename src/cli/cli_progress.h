/* cli_progress.h — what the fixtext command says on standard error while it runs: the progress
 * line (--progress), the totals when SIGUSR1 arrives (as dd does), and messages, which first
 * erase the progress line so that neither garbles the other. */
#ifndef FIXTEXT_CLI_PROGRESS_H
#define FIXTEXT_CLI_PROGRESS_H

#include <stdint.h>

#include "cli_options.h"
#include "cli_stats.h"
#include "fixtext.h"

/* Auto progress: standard error is a terminal and the inputs, all regular files, add up to more
 * than this (smaller runs are over before a progress line would tell anything). */
#define PROGRESS_AUTO_SIZE ((uint64_t)64 << 20)

/* Starts the clock and decides whether the progress line is shown: cfg->progress, or auto as
 * above. total: the inputs' size in bytes as stored, known (nonzero total_known) only when every
 * input is a regular file. Installs the SIGUSR1 handler (unless SIGUSR1 was ignored at start). */
void progress_start(const cli_config *cfg, uint64_t total, int total_known);
/* Counts bytes read from an input as stored, and a file opened or skipped as binary. */
void progress_read(uint64_t bytes);
void progress_file(void);
void progress_binary(void);
/* Between reads: redraws the progress line if the last drawing is 250 ms old, and prints the
 * totals if SIGUSR1 arrived. ft: the context whose statistics count the lines (may be NULL). */
void progress_tick(const fixtext *ft);
/* Erases the progress line for good (the end of the run). */
void progress_end(void);
/* The command's totals so far (seconds included). */
cli_totals progress_totals(void);
/* "fixtext: " fmt "\n" on standard error, the progress line erased first (it comes back at the
 * next drawing). */
void cli_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Erases the progress line if it is shown (before writing to standard error otherwise). */
void progress_hide(void);

#endif
