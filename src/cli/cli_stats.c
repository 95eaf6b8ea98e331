/* cli_stats.c — printing the totals of a run: --stats as text (for people) and as one JSON object
 * (for the scripts that check a corpus run, see doc/CORPUS.md). */
#include "cli_output.h"
#include "cli_stats.h"

#define ULL(x) ((unsigned long long)(x))

/* "fixtext: pinyin annotations removed: 12 (lines: 9)", with what the stage reported and left. */
static void print_stage_stats(FILE *f, const fixtext_stats *s, unsigned stage)
{
    const char *fixed = fixtext_stage_label(stage, 0), *reported = fixtext_stage_label(stage, 1);
    fprintf(f, "fixtext: %s: %llu (lines: %llu)", fixed, ULL(s->fixed[stage]),
            ULL(s->stage_lines[stage]));
    if (reported)
        fprintf(f, ", %s: %llu", reported, ULL(s->reported[stage]));
    fputc('\n', f);
}

void stats_print_text(FILE *f, const fixtext_stats *s)
{
    fprintf(f, "fixtext: lines read: %llu, changed: %llu; bytes in: %llu, out: %llu\n",
            ULL(s->lines), ULL(s->lines_changed), ULL(s->bytes_in), ULL(s->bytes_out));
    fprintf(f, "fixtext: encodings:");
    for (size_t i = 0; i < s->encoding_count; i++)
        fprintf(f, "%s %s %llu", i ? "," : "", s->encodings[i].name, ULL(s->encodings[i].lines));
    fprintf(f, "%s\n", s->encoding_count ? "" : " none");
    fprintf(f,
            "fixtext: invalid sequences replaced: %llu; U+FFFD in output: %llu; truncated "
            "sequences: %llu; binary lines: %llu; BOMs removed: %llu; not documents: %llu\n",
            ULL(s->invalid_sequences), ULL(s->replacement_chars), ULL(s->truncated_sequences),
            ULL(s->binary_lines), ULL(s->boms_removed), ULL(s->not_documents));
    for (unsigned k = 0; k < fixtext_stage_count(); k++)
        print_stage_stats(f, s, k);
    fprintf(f, "fixtext: scripts: simplified %llu, traditional %llu, mixed %llu, shared %llu, none %llu\n",
            ULL(s->script_lines[1]), ULL(s->script_lines[2]), ULL(s->script_lines[3]),
            ULL(s->script_lines[4]), ULL(s->script_lines[0]));
}

/* The JSON object's keys: what the text says, with names a program can use. */
static void json_counts(FILE *f, const fixtext_stats *s)
{
    fprintf(f, "\"lines\":%llu,\"lines_changed\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
               "\"invalid_sequences\":%llu,\"replacement_chars\":%llu,\"truncated_sequences\":%llu,"
               "\"binary_lines\":%llu,\"boms_removed\":%llu,\"not_documents\":%llu",
            ULL(s->lines), ULL(s->lines_changed), ULL(s->bytes_in), ULL(s->bytes_out),
            ULL(s->invalid_sequences), ULL(s->replacement_chars), ULL(s->truncated_sequences),
            ULL(s->binary_lines), ULL(s->boms_removed), ULL(s->not_documents));
}

/* Per stage: its counters at the top level under their own names ("pinyin_removed"), as
 * --explain=json names them per line, and the lines it changed in "stage_lines". */
static void json_stages(FILE *f, const fixtext_stats *s)
{
    for (unsigned k = 0; k < fixtext_stage_count(); k++) {
        const char *fixed = fixtext_stage_counter(k, 0), *reported = fixtext_stage_counter(k, 1);
        if (fixed)
            fprintf(f, ",\"%s\":%llu", fixed, ULL(s->fixed[k]));
        if (reported)
            fprintf(f, ",\"%s\":%llu", reported, ULL(s->reported[k]));
    }
    fputs(",\"stage_lines\":{", f);
    for (unsigned k = 0; k < fixtext_stage_count(); k++)
        fprintf(f, "%s\"%s\":%llu", k ? "," : "", fixtext_stage_name(k), ULL(s->stage_lines[k]));
    fputc('}', f);
}

void stats_print_json(FILE *f, const fixtext_stats *s, const cli_totals *t)
{
    static const char *const scripts[] = {"none", "simplified", "traditional", "mixed", "shared"};
    fputc('{', f);
    json_counts(f, s);
    json_stages(f, s);
    fputs(",\"scripts\":{", f);
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++)
        fprintf(f, "%s\"%s\":%llu", i ? "," : "", scripts[i], ULL(s->script_lines[i]));
    fputs("},\"encodings\":{", f);
    for (size_t i = 0; i < s->encoding_count; i++) {
        fputs(i ? "," : "", f);
        json_string(f, NULL, s->encodings[i].name);
        fprintf(f, ":%llu", ULL(s->encodings[i].lines));
    }
    fprintf(f, "},\"files\":%llu,\"binary_files_skipped\":%llu,\"bytes_read\":%llu,"
               "\"seconds\":%.3f}\n",
            ULL(t->files), ULL(t->binary_skipped), ULL(t->bytes_read), t->seconds);
}
