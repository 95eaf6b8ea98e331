/* cli_stats.h — the totals the fixtext command reports (--stats, --stats=json, SIGUSR1): the
 * library's fixtext_stats plus what only the command counts (files, bytes as stored). */
#ifndef FIXTEXT_CLI_STATS_H
#define FIXTEXT_CLI_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "cli_options.h"
#include "fixtext.h"

typedef struct cli_totals {
    uint64_t files;          /* inputs opened and read (binary files skipped included) */
    uint64_t binary_skipped; /* inputs skipped as binary files */
    uint64_t bytes_read;     /* bytes read from the inputs as stored (compressed, for .gz…) */
    double seconds;          /* since fixtext started */
} cli_totals;

/* --stats: the totals as lines of text, each "fixtext: ..." (the format predates the command's own
 * totals, which only JSON carries). */
void stats_print_text(FILE *f, const fixtext_stats *s);
/* --stats=json: one JSON object on one line: every field of fixtext_stats (stage counters keyed
 * by their fixtext_stage_counter names, encodings and scripts as objects) and the command's
 * totals. */
void stats_print_json(FILE *f, const fixtext_stats *s, const cli_totals *t);

#endif
