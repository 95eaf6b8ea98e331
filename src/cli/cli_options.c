/* cli_options.c — parsing the fixtext command line (GNU getopt_long conventions: long options,
 * --opt=value, "--" ends options, "-" is standard input). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_options.h"

enum {
    OPT_CHECK = 256, OPT_KEEP_BOM, OPT_DETECT, OPT_CANDIDATES, OPT_LANG, OPT_EXPLAIN, OPT_STATS,
    OPT_NO_DETECT, OPT_NO_MOJIBAKE, OPT_KEEP_ENTITIES, OPT_NO_SHIFTED, OPT_NO_C1, OPT_KEEP_PINYIN,
    OPT_OPENCC_CONFIG, OPT_OPENCC_DATA, OPT_WINDOW, OPT_HELP, OPT_VERSION, OPT_FOLLOW_SYMLINKS,
    OPT_SKIP, OPT_ONLY, OPT_LINE_BUFFERED, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_BINARY,
    OPT_JSONL, OPT_JSONL_RAW, OPT_TSV, OPT_ENTITIES,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"in-place", optional_argument, NULL, 'i'},
    {"follow-symlinks", no_argument, NULL, OPT_FOLLOW_SYMLINKS},
    {"check", no_argument, NULL, OPT_CHECK},
    {"keep-bom", no_argument, NULL, OPT_KEEP_BOM},
    {"detect", optional_argument, NULL, OPT_DETECT},
    {"from", required_argument, NULL, 'f'},
    {"candidates", required_argument, NULL, OPT_CANDIDATES},
    {"lang", required_argument, NULL, OPT_LANG},
    {"explain", optional_argument, NULL, OPT_EXPLAIN},
    {"stats", optional_argument, NULL, OPT_STATS},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"binary", required_argument, NULL, OPT_BINARY},
    {"jsonl", optional_argument, NULL, OPT_JSONL},
    {"jsonl-raw", no_argument, NULL, OPT_JSONL_RAW},
    {"tsv", optional_argument, NULL, OPT_TSV},
    {"no-detect", no_argument, NULL, OPT_NO_DETECT},
    {"no-mojibake", no_argument, NULL, OPT_NO_MOJIBAKE},
    {"keep-entities", no_argument, NULL, OPT_KEEP_ENTITIES},
    {"entities", required_argument, NULL, OPT_ENTITIES},
    {"no-shifted", no_argument, NULL, OPT_NO_SHIFTED},
    {"no-c1", no_argument, NULL, OPT_NO_C1},
    {"keep-pinyin", no_argument, NULL, OPT_KEEP_PINYIN},
    {"skip", required_argument, NULL, OPT_SKIP},
    {"only", required_argument, NULL, OPT_ONLY},
    {"line-buffered", no_argument, NULL, OPT_LINE_BUFFERED},
    {"to", required_argument, NULL, 't'},
    {"opencc-config", required_argument, NULL, OPT_OPENCC_CONFIG},
    {"opencc-data", required_argument, NULL, OPT_OPENCC_DATA},
    {"jobs", required_argument, NULL, 'j'},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"quiet", no_argument, NULL, 'q'},
    {"silent", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int usage_error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(FILE *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fixtext: ", err);
    vfprintf(err, fmt, ap);
    fprintf(err, "\nTry 'fixtext --help' for more information.\n");
    va_end(ap);
    return CLI_USAGE_ERROR;
}

/* The long option the user typed as arg ("--out" or "--output=x"), by its full name as GNU getopt
 * would print it; the typed text itself when no option starts with it. */
static const char *long_option_name(const char *arg, char *buf, size_t size)
{
    const char *typed = arg + 2;
    size_t len = strcspn(typed, "=");
    for (const struct option *o = long_options; o->name; o++)
        if (strncmp(o->name, typed, len) == 0) {
            snprintf(buf, size, "--%s", o->name);
            return buf;
        }
    snprintf(buf, size, "%.*s", (int)(len + 2 < size ? len + 2 : size - 1), arg);
    return buf;
}

/* getopt_long returned ':' or '?' (opterr is 0, so it printed nothing): say what was wrong in GNU
 * getopt's words. optopt is the option's value, which for a long option may be a short letter
 * too, so what the user typed (argv[optind - 1]) decides between the two wordings. */
static int option_error(FILE *err, int c, char **argv)
{
    const char *typed = optind > 0 ? argv[optind - 1] : "";
    char name[64];
    if (strncmp(typed, "--", 2) == 0 && typed[2]) {
        if (c == ':')
            return usage_error(err, "option '%s' requires an argument",
                               long_option_name(typed, name, sizeof name));
        if (optopt)
            return usage_error(err, "option '%s' doesn't allow an argument",
                               long_option_name(typed, name, sizeof name));
        return usage_error(err, "unrecognized option '%s'", typed);
    }
    if (c == ':')
        return usage_error(err, "option requires an argument -- '%c'", optopt);
    return usage_error(err, "invalid option -- '%c'", optopt);
}

static int parse_format(const char *arg, enum cli_format *out)
{
    if (!arg || strcmp(arg, "text") == 0)
        *out = CLI_FORMAT_TEXT;
    else if (strcmp(arg, "json") == 0)
        *out = CLI_FORMAT_JSON;
    else
        return -1;
    return 0;
}

/* The limits of --window and --jobs are the library's (fixtext.h). */
#define WINDOW_MIN ((unsigned long long)FIXTEXT_MIN_WINDOW)
#define WINDOW_MAX ((unsigned long long)FIXTEXT_MAX_WINDOW)
#define JOBS_MAX ((unsigned long long)FIXTEXT_MAX_JOBS)

/* Parses a positive decimal number of at most max; with suffixes set, it may end in K, M or G
 * (powers of 1024). Digits only: strtoull alone would take " -1" and wrap it around. */
static int parse_number(const char *arg, int suffixes, unsigned long long max,
                        unsigned long long *out)
{
    if (!arg || *arg < '0' || *arg > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    if (suffixes && *end) {
        const char *units = "KMG", *u = strchr(units, *end & ~0x20); /* K or k, ... */
        if (!u || !*u)
            return -1;
        shift = 10u * (unsigned)(u - units + 1);
        end++;
    }
    /* Compare before shifting: a shift past 64 bits would wrap (2^54 K would become 1024). */
    if (*end || v == 0 || v > (max >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

/* "1G", "64K" or "64" bytes, for messages about sizes. */
static const char *size_text(unsigned long long v, char *buf, size_t size)
{
    const char *units = "\0KMG";
    int u = 0;
    while (u < 3 && v >= 1024 && v % 1024 == 0)
        v >>= 10, u++;
    snprintf(buf, size, "%llu%.1s", v, units + u);
    return buf;
}

/* Applies the option getopt_long returned as c (its argument in optarg). Returns CLI_RUN to go
 * on, or what parsing ends with (help, version, a usage error, said on err). */
static int apply_option(int c, cli_config *cfg, FILE *err, char **argv)
{
    unsigned long long v;
    switch (c) {
    case 'o': cfg->output = optarg; break;
    case 'i':
        cfg->in_place = 1;
        cfg->backup_suffix = (optarg && *optarg) ? optarg : NULL;
        break;
    case OPT_FOLLOW_SYMLINKS: cfg->follow_symlinks = 1; break;
    case OPT_CHECK: cfg->check = 1; break;
    case OPT_KEEP_BOM: cfg->lib.flags |= FIXTEXT_KEEP_BOM; break;
    case OPT_DETECT:
        if (parse_format(optarg, &cfg->detect))
            return usage_error(err, "invalid --detect format '%s' (use text or json)", optarg);
        cfg->lib.flags |= FIXTEXT_CLASSIFY_SCRIPT;
        if (cfg->detect == CLI_FORMAT_JSON) /* its records carry the top three candidates */
            cfg->lib.flags |= FIXTEXT_DETECT_EVIDENCE;
        break;
    case 'f': cfg->lib.from = optarg; break;
    case OPT_CANDIDATES: cfg->lib.candidates = optarg; break;
    case OPT_LANG: cfg->lib.lang = optarg; break;
    case OPT_EXPLAIN:
        if (parse_format(optarg, &cfg->explain))
            return usage_error(err, "invalid --explain format '%s' (use text or json)", optarg);
        cfg->lib.flags |= FIXTEXT_EXPLAIN;
        break;
    case OPT_STATS:
        if (parse_format(optarg, &cfg->stats))
            return usage_error(err, "invalid --stats format '%s' (use text or json)", optarg);
        cfg->lib.flags |= FIXTEXT_CLASSIFY_SCRIPT;
        break;
    case OPT_PROGRESS: cfg->progress = CLI_PROGRESS_ON; break;
    case OPT_NO_PROGRESS: cfg->progress = CLI_PROGRESS_OFF; break;
    case OPT_BINARY:
        if (strcmp(optarg, "skip") == 0)
            cfg->binary = CLI_BINARY_SKIP;
        else if (strcmp(optarg, "text") == 0)
            cfg->binary = CLI_BINARY_TEXT;
        else
            return usage_error(err, "invalid --binary action '%s' (use skip or text)", optarg);
        break;
    case OPT_JSONL:
    case OPT_TSV: {
        int container = c == OPT_JSONL ? FIXTEXT_CONTAINER_JSONL : FIXTEXT_CONTAINER_TSV;
        if (cfg->lib.container && cfg->lib.container != container)
            return usage_error(err, "%s", "--jsonl and --tsv cannot be used together");
        cfg->lib.container = container;
        cfg->lib.fields = optarg && *optarg ? optarg : NULL;
        break;
    }
    case OPT_JSONL_RAW: cfg->lib.flags |= FIXTEXT_JSONL_RAW; break;
    case OPT_NO_DETECT: cfg->lib.flags |= FIXTEXT_NO_DETECT; break;
    case OPT_NO_MOJIBAKE: cfg->lib.flags |= FIXTEXT_NO_MOJIBAKE; break;
    case OPT_KEEP_ENTITIES: cfg->lib.flags |= FIXTEXT_KEEP_ENTITIES; break;
    case OPT_ENTITIES:
        cfg->lib.flags &= ~(unsigned)(FIXTEXT_KEEP_ENTITIES | FIXTEXT_ENTITIES_ALWAYS);
        if (strcmp(optarg, "always") == 0)
            cfg->lib.flags |= FIXTEXT_ENTITIES_ALWAYS;
        else if (strcmp(optarg, "never") == 0)
            cfg->lib.flags |= FIXTEXT_KEEP_ENTITIES;
        else if (strcmp(optarg, "auto") != 0)
            return usage_error(err, "invalid --entities value '%s' (use auto, always or never)",
                               optarg);
        break;
    case OPT_NO_SHIFTED: cfg->lib.flags |= FIXTEXT_NO_SHIFTED; break;
    case OPT_NO_C1: cfg->lib.flags |= FIXTEXT_NO_C1; break;
    case OPT_KEEP_PINYIN: cfg->lib.flags |= FIXTEXT_KEEP_PINYIN; break;
    case OPT_SKIP: cfg->lib.skip = optarg; break;
    case OPT_ONLY: cfg->lib.only = optarg; break;
    case OPT_LINE_BUFFERED: cfg->line_buffered = 1; break;
    case 't': cfg->lib.convert_to = optarg; break;
    case OPT_OPENCC_CONFIG: cfg->lib.opencc_config = optarg; break;
    case OPT_OPENCC_DATA: cfg->lib.opencc_data_dir = optarg; break;
    case 'j':
        if (parse_number(optarg, 0, JOBS_MAX, &v))
            return usage_error(err, "invalid number of jobs '%s' (1 to %llu)", optarg, JOBS_MAX);
        cfg->lib.jobs = (unsigned)v;
        break;
    case OPT_WINDOW:
        if (parse_number(optarg, 1, WINDOW_MAX, &v) || v < WINDOW_MIN) {
            char lo[32], hi[32];
            return usage_error(err, "invalid window size '%s' (%s to %s bytes; suffix K, M or G)",
                               optarg, size_text(WINDOW_MIN, lo, sizeof lo),
                               size_text(WINDOW_MAX, hi, sizeof hi));
        }
        cfg->lib.window = (size_t)v;
        break;
    case 'q': cfg->quiet = 1; break;
    case OPT_HELP: return CLI_HELP;
    case OPT_VERSION: return CLI_VERSION;
    default: /* ':' or '?' */
        return option_error(err, c, argv);
    }
    return CLI_RUN;
}

/* Combinations that make no sense, said once all options are known. */
static int check_config(const cli_config *cfg, FILE *err)
{
    if (cfg->in_place && cfg->output)
        return usage_error(err, "%s", "--in-place and --output cannot be used together");
    if (cfg->in_place && (cfg->check || cfg->detect))
        return usage_error(err, "%s", "--in-place cannot be used with --check or --detect");
    if (cfg->in_place && cfg->nfiles == 0)
        return usage_error(err, "%s", "--in-place needs at least one FILE");
    for (int i = 0; cfg->in_place && i < cfg->nfiles; i++)
        if (strcmp(cfg->files[i], "-") == 0)
            return usage_error(err, "%s", "--in-place cannot rewrite standard input");
    if ((cfg->lib.flags & FIXTEXT_JSONL_RAW) && cfg->lib.container != FIXTEXT_CONTAINER_JSONL)
        return usage_error(err, "%s", "--jsonl-raw needs --jsonl");
    if (cfg->lib.from && !fixtext_encoding_supported(cfg->lib.from))
        return usage_error(err, "unknown encoding '%s' for --from", cfg->lib.from);
    return CLI_RUN;
}

enum cli_action cli_parse(int argc, char **argv, cli_config *cfg, FILE *err)
{
    memset(cfg, 0, sizeof *cfg);
    fixtext_options_init(&cfg->lib);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:i::f:t:j:q", long_options, NULL)) != -1) {
        int action = apply_option(c, cfg, err, argv);
        if (action != CLI_RUN)
            return (enum cli_action)action;
    }
    cfg->files = argv + optind;
    cfg->nfiles = argc - optind;
    return (enum cli_action)check_config(cfg, err);
}

/* The stage names and what each does, from the library's table. */
static void print_stages(FILE *out)
{
    fprintf(out, "\nThe stages, in order:\n %-9s %s\n", "detect",
            "choose each line's encoding and decode it (off: read lines as UTF-8)");
    for (unsigned k = 0; k < fixtext_stage_count(); k++)
        fprintf(out, "  %-9s %s\n", fixtext_stage_name(k), fixtext_stage_summary(k));
}

void cli_print_help(FILE *out)
{
    fputs(
"Usage: fixtext [OPTION]... [FILE]...\n"
"Turn text of unknown, mixed or damaged encoding into clean UTF-8, line by line.\n"
"Detects each line's encoding, repairs mojibake and stray pinyin annotations, and\n"
"optionally converts between Traditional and Simplified Chinese.\n"
"\n"
"With no FILE, or when FILE is -, read standard input. Every input line gives exactly\n"
"one output line, in order, with its own line terminator.\n"
"\n"
"Output:\n"
"  -o, --output=FILE       write to FILE instead of standard output\n"
"  -i, --in-place[=SUFFIX] rewrite each FILE (backup to FILE SUFFIX if given)\n"
"      --follow-symlinks   with -i, rewrite the file a symbolic link points to\n"
"                          (without it, -i refuses symbolic links)\n"
"      --check             write nothing; exit 1 if any line would change\n"
"      --keep-bom          keep a leading byte order mark\n"
"  -q, --quiet, --silent   no warnings (binary or truncated input, hard links\n"
"                          that -i leaves with the old content)\n"
"\n"
"Input: gzip, xz, zstd and bzip2 input (files or standard input) is decompressed,\n"
"recognised by its first bytes; -o NAME.gz, .xz, .zst or .bz2 writes compressed.\n"
"      --binary=ACTION     a binary file (NUL bytes, executable or archive magic,\n"
"                          mostly control bytes) is skipped with exit status 2\n"
"                          (ACTION skip, the default), or read as text (text)\n"
"      --jsonl[=FIELDS]    each line is a JSON value: repair only the string fields\n"
"                          FIELDS (comma-separated names or dotted paths such as\n"
"                          meta.title; * every string value; default text), each\n"
"                          line on its own; the rest stays byte for byte, escaped\n"
"                          non-ASCII stays escaped; lines that are not JSON pass\n"
"                          through unchanged (one warning per file)\n"
"      --jsonl-raw         write repaired non-ASCII as UTF-8, not \\uXXXX\n"
"      --tsv[=COLUMNS]     each line is a row of tab-separated values: repair only\n"
"                          COLUMNS (1-based, comma-separated; default all)\n"
"\n"
"Detection:\n"
"  -f, --from=ENC          the input is in ENC (any name iconv knows); no detection\n"
"      --candidates=LIST   consider only these encodings (comma-separated)\n"
"      --lang=LANG         hint the language (zh, zh-Hant, ja, ko, ru, ...)\n"
"      --detect[=FORMAT]   print each line's encoding instead of text (text, json)\n"
"\n"
"Stages (all on unless turned off; conversion only with --to):\n"
"      --skip=LIST         leave out these stages (comma-separated names below)\n"
"      --only=LIST         run only these stages\n"
"      --no-detect         the same as --skip=detect\n"
"      --no-mojibake, --no-c1, --no-shifted, --keep-entities, --keep-pinyin\n"
"                          the same as --skip=mojibake, c1, shifted, entities, pinyin\n"
"      --entities=WHEN     decode HTML references (&eacute; &#233;) only where they\n"
"                          spell mojibake that is then restored (auto, the default),\n"
"                          on every line without markup (always), or never\n",
        out);
    print_stages(out);
    fputs("\n"
"Conversion (off unless asked):\n"
"  -t, --to=TARGET         simplified, traditional, taiwan, hongkong, taiwan-phrases,\n"
"                          or an OpenCC configuration name (s2t, t2s, s2twp, ...)\n"
"      --opencc-config=FILE  use this OpenCC configuration file\n"
"      --opencc-data=DIR   look for OpenCC data in DIR (also $FIXTEXT_OPENCC_DATA)\n"
"\n"
"Reports (on standard error):\n"
"      --explain[=FORMAT]  say what was done to each changed line (text, json)\n"
"      --stats[=FORMAT]    print totals at the end (text, json)\n"
"      --progress          show bytes read, lines, speed and ETA while running\n"
"                          (default: when standard error is a terminal and the\n"
"                          input files exceed 64 MiB)\n"
"      --no-progress       never show it\n"
"  SIGUSR1 prints the totals so far (in the --stats format) and goes on.\n"
"\n"
"Performance:\n"
"      --line-buffered     write each line as soon as it is complete (interactive\n"
"                          use; detection then sees no line after it)\n"
"  -j, --jobs=N            process blocks of lines in N threads (output stays in order)\n"
"      --window=SIZE       handle lines longer than SIZE bytes in pieces (default 64K,\n"
"                          64M with --jsonl or --tsv, whose longer lines pass\n"
"                          through unchanged; suffix K, M or G)\n"
"\n"
"      --help              display this help and exit\n"
"      --version           output version information and exit\n"
"\n"
"Exit status: 0 if all went well, 1 if --check found lines to change,\n"
"2 if there was trouble (unreadable file, write error, bad option).\n",
        out);
}

void cli_print_version(FILE *out)
{
    fputs("fixtext " FIXTEXT_VERSION "\n"
          "License MIT.\n",
          out);
}
