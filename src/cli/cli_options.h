/* cli_options.h — the fixtext command's options, parsed into fixtext_options plus what only the
 * command needs (where output goes, report formats). Shared by cli.c and its unit test. */
#ifndef FIXTEXT_CLI_OPTIONS_H
#define FIXTEXT_CLI_OPTIONS_H

#include <stdio.h>

#include "fixtext.h"

enum cli_format { CLI_FORMAT_NONE = 0, CLI_FORMAT_TEXT, CLI_FORMAT_JSON };
enum cli_action { CLI_RUN = 0, CLI_HELP, CLI_VERSION, CLI_USAGE_ERROR };
enum cli_progress { CLI_PROGRESS_AUTO = 0, CLI_PROGRESS_ON, CLI_PROGRESS_OFF };
enum cli_binary { CLI_BINARY_SKIP = 0, CLI_BINARY_TEXT };

typedef struct cli_config {
    fixtext_options lib;      /* option strings point into argv */
    const char *output;       /* -o FILE; NULL: stdout */
    int in_place;             /* -i */
    const char *backup_suffix;/* -i SUFFIX; NULL: no backup */
    int follow_symlinks;      /* --follow-symlinks: -i rewrites a link's target, not the link */
    int line_buffered;        /* --line-buffered: each line goes out as soon as it is complete */
    int check;                /* --check */
    enum cli_format stats;    /* --stats[=json] */
    enum cli_progress progress; /* --progress, --no-progress; auto by default */
    enum cli_binary binary;   /* --binary=skip|text: what becomes of a binary file */
    int quiet;                /* -q: no warnings */
    enum cli_format detect;   /* --detect[=json] */
    enum cli_format explain;  /* --explain[=json] */
    char **files;             /* operands; none means "-" */
    int nfiles;
} cli_config;

/* Parses argv. Usage errors are described on err (prefixed by the program name).
 * Returns CLI_RUN, CLI_HELP, CLI_VERSION or CLI_USAGE_ERROR. */
enum cli_action cli_parse(int argc, char **argv, cli_config *cfg, FILE *err);
void cli_print_help(FILE *out);
void cli_print_version(FILE *out);

#endif
