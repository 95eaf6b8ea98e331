/* stages.c — the table of stages a decoded line goes through, in order. The pipeline loops over
 * it and knows no stage by name: adding a stage is one file with its run function, one row here,
 * and its tests. Counter and report names come from the rows, so the public API, --stats,
 * --explain=json and --skip/--only all follow the table. */
#include <string.h>

#include "internal.h"

static int conversion_asked(const fixtext_options *o)
{
    return o->convert_to != NULL || o->opencc_config != NULL;
}

/* The mojibake stage keeps about 27 bytes per byte of text it looks at, OpenCC about 11: lines
 * longer than this (possible with --window) go through them in pieces of at most this much. */
#define PIECE_BYTES FIXTEXT_DEFAULT_WINDOW

const ft_stage ft_stages[] = {
    {"entities", "decode HTML references that spell mojibake (caf&Atilde;&copy; -> café)",
     FIXTEXT_KEEP_ENTITIES, NULL, ft_entities_new, ft_entities_free, ft_entities_decode, 0, 0,
     {"entities_decoded", NULL}, {"HTML references decoded", NULL}, NULL},
    {"mojibake", "undo text decoded with the wrong codec (Ã© -> é, 浣犲ソ -> 你好)",
     FIXTEXT_NO_MOJIBAKE, NULL, ft_mojibake_new, ft_mojibake_free, ft_mojibake_repair, 1,
     PIECE_BYTES,
     {"mojibake_spans", NULL}, {"mojibake spans repaired", NULL}, ft_mojibake_survey},
    {"c1", "map C1 control characters to the windows-1252 characters they stand for",
     FIXTEXT_NO_C1, NULL, NULL, NULL, ft_c1_fix, 1, 0,
     {"c1_fixed", NULL}, {"C1 controls fixed", NULL}, NULL},
    {"shifted", "realign GBK runs shifted by a lost byte (人民日?qǐng)? -> 人民日報)",
     FIXTEXT_NO_SHIFTED, NULL, NULL, NULL, ft_shifted_repair, 1, 0,
     {"shifted_fixed", "shifted_reported"}, {"shifted runs realigned", "reported"}, NULL},
    {"pinyin", "strip pinyin annotations injected after Han characters (網(wǎng) -> 網)",
     FIXTEXT_KEEP_PINYIN, NULL, NULL, NULL, ft_pinyin_strip, 1, 0,
     {"pinyin_removed", "pinyin_glosses_kept"}, {"pinyin annotations removed", "glosses kept"},
     ft_pinyin_survey},
    {"convert", "convert between Traditional and Simplified Chinese with OpenCC (--to)",
     0, conversion_asked, ft_converter_new, ft_converter_free, ft_convert_line, 1, PIECE_BYTES,
     {"converted_spans", NULL}, {"converted spans", NULL}, NULL},
};
const unsigned ft_stage_total = sizeof ft_stages / sizeof ft_stages[0];

_Static_assert(sizeof ft_stages / sizeof ft_stages[0] <= FIXTEXT_MAX_STAGES,
               "the public counter arrays need room for every stage");

unsigned fixtext_stage_count(void)
{
    return ft_stage_total;
}

const char *fixtext_stage_name(unsigned stage)
{
    return stage < ft_stage_total ? ft_stages[stage].name : NULL;
}

const char *fixtext_stage_summary(unsigned stage)
{
    return stage < ft_stage_total ? ft_stages[stage].summary : NULL;
}

const char *fixtext_stage_counter(unsigned stage, int which)
{
    if (stage >= ft_stage_total || which < 0 || which > 1)
        return NULL;
    return ft_stages[stage].counter[which];
}

int fixtext_stage_id(const char *name)
{
    for (unsigned k = 0; k < ft_stage_total; k++)
        if (name && !strcmp(name, ft_stages[k].name))
            return (int)k;
    return -1;
}

const char *fixtext_stage_label(unsigned stage, int which)
{
    if (stage >= ft_stage_total || which < 0 || which > 1)
        return NULL;
    return ft_stages[stage].label[which];
}
