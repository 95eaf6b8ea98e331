/* cli_lines.c — what the fixtext command says per line: the library's write and line callbacks,
 * --detect records (one per input line, however many pieces the library gave it in), --explain
 * reports and the warnings about a line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"

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
    a->runner_up = a->script = a->encoding = a->decided_by = NULL;
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
        a->decided_by = info->decided_by;
        memcpy(a->candidates, info->candidates, sizeof a->candidates);
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

/* --detect=json: "decided_by" and the evidence of the top three candidates (fixtext_candidate;
 * null for a figure the detector did not compute). */
static void print_candidates(output *o, const line_acc *a)
{
    output_printf(o, ",\"decided_by\":");
    if (a->decided_by)
        json_string(NULL, o, a->decided_by);
    else
        output_printf(o, "null");
    output_printf(o, ",\"candidates\":[");
    for (int j = 0; j < FIXTEXT_TOP_CANDIDATES && a->candidates[j].encoding; j++) {
        const fixtext_candidate *c = &a->candidates[j];
        output_printf(o, "%s{\"encoding\":", j ? "," : "");
        json_string(NULL, o, c->encoding);
        output_printf(o, ",\"score\":%.3f,\"line_bits\":%.2f,\"context_bits\":%.2f", c->score,
                      c->line_bits, c->context_bits);
        if (c->plausibility_bits >= 0)
            output_printf(o, ",\"plausibility_bits\":%.2f", c->plausibility_bits);
        else
            output_printf(o, ",\"plausibility_bits\":null");
        if (c->invalid_sequences >= 0)
            output_printf(o, ",\"invalid_sequences\":%d}", c->invalid_sequences);
        else
            output_printf(o, ",\"invalid_sequences\":null}");
    }
    output_printf(o, "]");
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
        print_candidates(o, a);
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

/* --jsonl/--tsv: the library's explanation has one entry per changed value,
 * "NAME\tENCODING\tWHAT", entries separated by "\n"; each is said on its own. */
static void print_value_explanations(run *r, const fixtext_line_info *info)
{
    for (const char *entry = info->explain; *entry;) {
        size_t len = strcspn(entry, "\n");
        const char *tab1 = memchr(entry, '\t', len);
        const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - entry)) : NULL;
        if (!tab2)
            break; /* not an entry: never the case */
        int name_len = (int)(tab1 - entry), enc_len = (int)(tab2 - tab1 - 1);
        int what_len = (int)(entry + len - tab2 - 1);
        if (r->cfg->explain == CLI_FORMAT_JSON) {
            fputs("{\"file\":", stderr);
            json_string(stderr, NULL, r->label);
            fprintf(stderr, ",\"line\":%llu,\"field\":", (unsigned long long)info->number);
            json_string_n(stderr, NULL, entry, (size_t)name_len);
            fputs(",\"encoding\":", stderr);
            json_string_n(stderr, NULL, tab1 + 1, (size_t)enc_len);
            fputs(",\"explain\":", stderr);
            json_string_n(stderr, NULL, tab2 + 1, (size_t)what_len);
            fputs("}\n", stderr);
        } else {
            if (r->show_label)
                fprintf(stderr, "%s:", r->label);
            fprintf(stderr, "%llu: %.*s (%.*s): %.*s\n", (unsigned long long)info->number,
                    name_len, entry, enc_len, tab1 + 1, what_len ? what_len : 7,
                    what_len ? tab2 + 1 : "changed");
        }
        entry += len + (entry[len] == '\n');
    }
}

static void print_explanation(run *r, const fixtext_line_info *info)
{
    if (!info->changed || !info->explain)
        return;
    progress_hide();
    if (r->cfg->lib.container) {
        print_value_explanations(r, info);
        return;
    }
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
    progress_hide();
    if (warnings & FIXTEXT_WARN_BINARY)
        fprintf(stderr, "fixtext: %s:%llu: warning: binary data (NUL or control bytes)\n",
                r->label, number);
    if (warnings & FIXTEXT_WARN_TRUNCATED)
        fprintf(stderr, "fixtext: %s:%llu: warning: truncated multi-byte sequence\n", r->label,
                number);
}

/* The write callback: the text of every line goes to the run's output. */
int run_write(void *opaque, const char *data, size_t len)
{
    run *r = opaque;
    return output_write(r->out, data, len);
}

/* Called per piece of a line; what is said about the whole line waits for its last piece.
 * (Explanations stay per piece: each says what was done to its own bytes.) */
int on_line(void *opaque, const fixtext_line_info *info)
{
    run *r = opaque;
    line_acc_add(&r->acc, info);
    if (!info->partial) {
        unsigned long long number = (unsigned long long)info->number;
        r->lines++;
        r->changed_lines += info->changed != 0;
        if ((r->acc.warnings & FIXTEXT_WARN_NOT_DOCUMENT) && !r->not_documents++)
            r->first_not_document = number;
        print_warnings(r, number);
        if (r->cfg->detect)
            print_detect_record(r, number);
        line_acc_reset(&r->acc);
    }
    if (r->cfg->explain)
        print_explanation(r, info);
    return r->out && r->out->err ? -1 : 0;
}

void report_input_warnings(const run *r)
{
    if (r->cfg->quiet || !r->not_documents)
        return;
    progress_hide();
    fprintf(stderr,
            "fixtext: %s:%llu: warning: not a document (not valid JSON, or longer than --window), "
            "passed through unchanged (%llu such line%s in this input)\n",
            r->label, r->first_not_document, r->not_documents, r->not_documents == 1 ? "" : "s");
}

int discard_write(void *opaque, const char *data, size_t len)
{
    (void)opaque, (void)data, (void)len;
    return 0;
}
