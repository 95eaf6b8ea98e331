/* detect.c — chooses an encoding for every line.
 *
 * Each non-ASCII line gets a cost (in bits) for every candidate encoding: the line's bytes are
 * decoded with the candidate's byte map (encodings.c) and every character is charged what the
 * plausibility model says it costs after the one before it; a byte the candidate cannot decode
 * costs INVALID bits. The costs of consecutive lines are combined by a Viterbi pass whose states
 * are the candidates and where changing encoding from one line to the next costs SWITCH bits, so
 * a short ambiguous line takes its neighbours' encoding while a clear line still switches.
 * Pure-ASCII lines are neutral: they are reported as ASCII and do not move the state. Binary
 * looking lines (NUL, runs of controls) are neutral too and decoded as UTF-8 (bytes -> U+FFFD).
 * Two pieces of evidence the model alone misses: a valid UTF-8 line earns its UTF-8 reading
 * VALID_UTF8_BITS per character, and a CJK character alone inside a Latin word costs
 * SANDWICH_BITS (a double-byte reading of an accented letter: "België" as "Belgi毛").
 * The single-byte readings close to the best are also judged by letters (letter_evidence): each
 * as text of the language that reads it best (letters.c, one model per language), more when the
 * encoding is not one that language is written in; code pages read each other's bytes as
 * plausible letters, and only a language tells "opcję" (windows-1250) from "opcjê" (-1252).
 * RARE candidates (encodings.def) pay RARE_BITS to enter (a transition cost of the smoothing) and
 * RARE_LINE_BITS per line, but for lines a common code page reads as the same text.
 *
 * Cost control (a clean line must cost little more than validating it):
 *  - each line's bytes are sorted by a vectorised census (utf8.c); the pipeline says which lines
 *    are valid UTF-8 (one pass per batch; without its verdicts, each line is checked);
 *  - valid UTF-8 with two 3/4-byte or four multi-byte sequences is UTF-8 without scoring (text in
 *    another encoding almost never forms them);
 *  - when the current state is a double-byte encoding or UTF-8 and reads the line's first
 *    SURE_PREFIX non-ASCII characters at SURE_BITS or less on average (SURE_BITS_SETTLED for CJK
 *    text in a settled double-byte state; or, failing that, its first SURE_LONG_PREFIX), the
 *    others are not scored (single-byte code pages always compare: they read each other's
 *    letters plausibly);
 *  - once a run of such lines has settled the forward costs, a further one is a fixed step
 *    (settled_step) rather than a Viterbi update over all candidates, and in a settled double-
 *    byte state the first look is first answered from table ceilings (sure_at_a_glance), which
 *    say yes only where the look itself would;
 *  - otherwise the current state is scored first and every other candidate stops as soon as it
 *    is CAP bits worse than the best so far (within a few characters for wrong readings), after a
 *    table lower bound that needs no pair look-ups; a line is judged on MAX_CHARS characters
 *    (single-byte readings on twice as many, which cover about the same bytes).
 *
 * Memory: per batch, one back-pointer byte and one cost per line and candidate; the forward
 * costs are carried from batch to batch (lines are decided at the end of their batch). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>
#include <stdatomic.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include "encodings.h"

#define Q8(bits) ((unsigned long)(bits) * 8)
#define INVALID_BITS 60.0  /* a byte sequence the candidate cannot decode: validity comes first */
#define TRUNC_BITS 12.0    /* a multi-byte sequence cut by the end of the line */
#define SWITCH_BITS 10.0   /* changing encoding between consecutive evidence lines */
/* A line cost more than two switches above the best cannot be on the best path (switching away
 * and back is cheaper), so costs are capped there and scoring stops there. */
#define CAP_BITS (2 * SWITCH_BITS + 1)
#define SURE_CHARS 1        /* the current encoding is kept without a look at the others when */
#define SURE_BITS 15        /* its first SURE_PREFIX non-ASCII characters (at least SURE_CHARS) */
#define SURE_PREFIX 8       /* cost at most SURE_BITS on average */
#define SURE_BITS_UTF8 15   /* (SURE_BITS when the current encoding is UTF-8) */
/* ... and when the state is a double-byte encoding settled by a long run of sure lines and the
 * line's first SURE_PREFIX characters are CJK text without kana. Classical verse averages 14-16
 * bits a character and a third of a GB18030 file of it was compared with every candidate, which
 * cost 60% of its run. Measured on the mixed development sets (seeds 1 and 7): at 17 and 18 no
 * line changes; at 19 and 20 GB18030 lines after a settled EUC-JP or EUC-KR run are read in it.
 * 17 keeps two bits from that edge. Verse file, repairs off: 9,081 -> 6,680 lines compared in
 * full, 102 -> 93 ms (hyperfine, same run); single-encoding real text still 0 wrong. */
#define SURE_BITS_SETTLED 17
/* SURE_BITS was 13: classical poetry averages 14-16 bits a character in the model, so a quarter
 * of the lines of a GB18030 file were compared with every candidate. Measured: at 15 and 16 no
 * line of the development set, the single-encoding real text, the mixed files of seed 7 or the
 * held-out package descriptions changes; at 17 the development set loses a line, at 18 the
 * single-encoding text 75. 15 keeps two bits from that edge. GB18030 prose, repairs off
 * (bench_detect.py): 149 -> 192-205 MB/s (1.03x -> 1.35-1.50x iconv) over three runs. */
#define CJK_TEXT_BITS 18  /* see score_line: classical verse averages 14-16 bits a character */
/* ... and when the current state has settled (leads_settled): lines of verse with a rare
 * character or two average 18-27 bits, and every single-byte candidate was still scored for
 * them. Measured on the mixed development sets (seeds 1 and 7, BENCH_QUICK): at 24 no line
 * changes, at 28 seed 1 loses one, at 100 each loses one.
 * GB18030 verse, repairs off: 453.3M -> 391.7M instructions (callgrind); single-encoding real
 * text still 0 wrong, development files 98.14% as before. */
#define CJK_TEXT_BITS_SETTLED 24
#define CJK_TEXT_CHARS 4  /* (at 1 the mixed development set lost a line, "plików" as "plik體") */
#define SURE_LONG_PREFIX 32 /* (the second look, when the first fell short) */
#define MAX_CHARS 96        /* a line is judged on its first MAX_CHARS non-ASCII characters */
#define LANG_BITS 4.0      /* bonus per line for the encodings of the --lang hint */
#define SANDWICH_BITS 12.0 /* a CJK character alone inside a Latin word (sandwich_cost) */
#define LONE_BITS 12.0     /* the only non-ASCII character of a line of Latin words, read as
                              anything but the one UTF-8 character it is (lone_cjk_cost) */
#define LONE_LATIN_LETTERS 8 /* ... a line holding at least this many ASCII letters */
/* KS X 1001 rows 8 and 9 (lead bytes A8, A9) hold Latin letters (Ĳ ĳ Ŀ ł ø ß þ ...) that Korean
 * text almost never uses; they are what other double-byte text read as EUC-KR looks like: the
 * vertical bar of GB18030 tables (A9A6) reads "ĳ", and 177 of 25,088 lines of the GB18030
 * poetry file (table rows) came out as EUC-KR. Each such letter in an EUC-KR reading costs this. */
#define KS_LATIN_BITS 12.0
/* GB2312 row 8 (lead byte A8) holds the pinyin letters ā á ǎ à ... Chinese text writes them
 * inside pinyin syllables, beside other letters; one standing alone between tabs or spaces is
 * what another double-byte set's row 8 looks like read as GB18030: the box drawing of JIS X 0208
 * ("\t─\t" of a charset table in a Japanese man page came out "\tā\t", 10 rows of it). Charged
 * once per line, so that a pinyin lesson listing "ā á ǎ à" in a GB18030 file, which cannot
 * pay two switches (2 x SWITCH_BITS) with it, stays GB18030. */
#define LONE_PINYIN_BITS 8.0
/* Valid UTF-8 is evidence for UTF-8: a GBK or EUC-JP character forms a valid two-byte sequence
 * about one time in seven to ten (lead C2..DF, trail A1..BF), about 3 bits, and UTF-8 is by far
 * the commoner encoding today. So the UTF-8 reading of a valid line gets this many bits per
 * non-ASCII character, for at most VALID_UTF8_CHARS of them (beyond a few, the readings differ
 * by far more anyway). Checked on real GB18030 man pages: 582 lines of them are valid UTF-8,
 * and no more of them are read as UTF-8 than without the bonus (6 bits would misread 60). */
#define VALID_UTF8_BITS 4.0
#define VALID_UTF8_CHARS 4
/* Local evidence first: a valid UTF-8 line is UTF-8 whatever its neighbours are when its own
 * bytes say so (its other readings are then charged CAP, which no switching can outweigh):
 *  - a 3- or 4-byte sequence, or UTF8_SURE_PAIRS two-byte ones, or a double-encoded pair (UTF-8
 *    read as Latin-1 / windows-1252 and saved as UTF-8 again: "Ã©", "Ã¼"). Measured on real text
 *    encoded in every legacy candidate (Debian man pages and held-out catalogues in 19 languages
 *    plus the seeds, 401,000 non-ASCII lines): 159 lines are valid UTF-8 by chance (GB18030 145,
 *    EUC-JP 9, Big5 5), none holds a 3/4-byte sequence or a double-encoded pair, and none more
 *    than 5 two-byte sequences (one GB18030 table row of the Debian Reference has 6: so the
 *    two-byte ones must also spell one script, pairs_one_script);
 *  - or its own cost is UTF8_LOCAL_BITS or more below every other reading's (valid-UTF-8 bonus
 *    included). Of those 159 lines, read after a GB18030 line, the UTF-8 reading is cheaper
 *    than the best legacy one by 11 bits once ("写:POLLOUT:T{" is "д:POLLOUT:T{"), by 3.1 bits
 *    at most otherwise; 16 leaves 5 bits of room and still takes "Le café est" (17 bits) but
 *    not "Übersicht" (13), which smoothing decides.
 * Smoothing (SWITCH) decides only the lines whose own evidence is weaker. */
#define UTF8_SURE_PAIRS 6
#define UTF8_LOCAL_BITS 16.0
/* The prior of a RARE candidate (encodings.def), in two parts. RARE_BITS is paid once by a path
 * that enters it (at the start of the input, or switching to it): the prior of a stretch of text
 * in a rare code page. RARE_LINE_BITS is paid by each evidence line read in it, but not by a
 * single-byte one's line that a common code page reads as the same text (there the choice
 * changes nothing: paying made Mac Cyrillic files switch to windows-1251 after three such lines
 * and lose the next one that differs). With all of the prior per line (8 bits, the first
 * design), a file in a rare code page paid it on every line, so two short lines on either side
 * of a long one outvoted the long one's own evidence: "Ирл" / "Подробен формат на извеждане" /
 * "Плс" of an IBM855 file went to ISO-8859-5 together. Measured on the development source
 * (bench_encodings.py --source dev) and the single-encoding CJK text (bench_single_encoding.py),
 * entry / per line: 0 / 8 (before) 98.17% of files, 0 lines wrong; 8 / 0 98.49%, 4 wrong (two
 * lines of arrows in EUC-JP read as IBM866 together); 8 / 1 98.59%, 4 wrong; 8 / 2 98.57%, 0
 * wrong; 8 / 3 98.54%, 0 wrong; 8 / 4 98.43%; 12 / 0 98.30%; 16 / 0 97.53%. 3 keeps a margin
 * from where the CJK text starts to lose lines. */
#define RARE_BITS 8.0
#define RARE_LINE_BITS 3.0
/* What a reading ruled out (score_line) costs above the best one left: more than any path pays
 * to read the line otherwise, switching there and back into a rare code page included. At
 * CAP_BITS, a line of Spanish in IBM850 between two UTF-8 lines came out as UTF-8 with U+FFFD for
 * its "á", the bytes lost: its own reading cost two switches and the entry into IBM850, 28 bits. */
#define RULED_OUT_BITS (CAP_BITS + RARE_BITS + 1)
#define MAX_CAND 64
/* Letter evidence (letters.c) for the single-byte readings of a line within CAP of the best: each
 * is judged as text of the language that reads it best, plus FOREIGN_BITS when the encoding is
 * not one that language is written in (encodings.def LANGS): French read as windows-1257 ("ą la
 * version") must be better Lithuanian than the windows-1252 reading is French by that much. A
 * reading pays LETTER_WEIGHT times what it reads worse than the best of them. */
#define FOREIGN_BITS 6
#define LETTER_WEIGHT 1.0
#define LETTER_MAX_CPS 256 /* characters of a line looked at */
#define LETTER_LANGS 4       /* languages judged in full per reading (letter_fit) */
#define LETTER_DISTINCT 16   /* distinct non-ASCII letters letter_fit short-lists by */

/* One distinct text among a line's single-byte readings, as the letter models see it: computed
 * once, however many code pages read the line so. */
typedef struct letter_text {
    uint32_t tokens[LETTER_MAX_CPS + 2]; /* ft_letters_tokens */
    size_t ntokens;
    uint16_t low_pairs[LETTER_MAX_CPS + 2]; /* ft_letters_low_pairs, made when first asked */
    size_t nlow;                            /* (size_t)-2: not made yet; (size_t)-1: none */
    unsigned symbols;
    unsigned unigrams[FT_MAX_LETTER_LANGS]; /* its non-ASCII letters one by one, per language */
    unsigned cost[FT_MAX_LETTER_LANGS];     /* its exact cost per language (~0u: not known) */
    uint64_t known;                         /* the languages whose cost is known, a bit each */
} letter_text;

enum { LINE_NEUTRAL = 0, LINE_EVIDENCE = 1, LINE_UTF8_LIKELY = 2, LINE_ESC = 4, LINE_UTF8_PAIRS = 8,
       LINE_UTF8_MANY = 16, LINE_UTF8_ONE = 32 /* one two-byte sequence, nothing else non-ASCII */,
       LINE_CONTROLS = 64 /* a control byte other than tab, CR, FF, VT, ESC (line_facts) */ };

struct ft_detector {
    int forced;         /* forced encoding id, or -1 */
    int evidence;       /* FIXTEXT_DETECT_EVIDENCE: every choice gets its top three in full */
    int no_detect;
    int ncand;
    int cand[MAX_CAND]; /* ids, in order of preference (ties go to the earlier one) */
    const ft_codec_map *map[MAX_CAND];
    /* the pooled model's recent answers (step_cache), allocated at first use; owned here */
    uint64_t *step_cache;
    double bonus[MAX_CAND];
    double entry[MAX_CAND]; /* what a path pays to enter each state (RARE_BITS for RARE rows): at
                               the start (V) and on switching to it */
    /* per RARE single-byte candidate, one entry per common single-byte candidate: the high bytes
       (bit b-0x80) the two read otherwise; owned here, NULL for the other candidates */
    struct twin { uint64_t differs[2]; } *twins[MAX_CAND];
    int ntwins[MAX_CAND];
    /* letter_evidence's scratch: per distinct text of a line */
    letter_text *texts;
    uint64_t native[MAX_CAND]; /* the letter models' languages written in each candidate */
    /* control bytes (bit b for byte b) that some candidate reads as a letter (VISCII, TCVN), and
       how many of each the line being scored holds (line_controls[0]: any at all) */
    uint32_t control_letters;
    unsigned line_controls[0x20];
    double V[MAX_CAND]; /* forward costs after the last evidence line */
    int last_best;      /* the state that led after the last evidence line */
    int settled;        /* the state V has settled on (settled_on), or -1 */
    /* per batch, owned here, grown as needed */
    uint8_t *back;      /* n * ncand back-pointers */
    float *cost;        /* n * ncand line costs */
    uint8_t *kind;      /* n line kinds */
    uint8_t *rule;      /* n: FT_RULE_* */
    int16_t *bad;       /* n * ncand: invalid sequences per reading, -1 not scored */
    float *plaus;       /* n * ncand: the reading's cost in bits, -1 not scored */
    double *fwd;        /* n * ncand: the forward costs after each evidence line */
    size_t cap;
    /* ft_detect_range's scratch: the choices and UTF-8 verdicts of a range with its context */
    ft_choice *range_choices;
    uint8_t *range_valid;
    size_t range_cap;
};

static int add_cand(ft_detector *d, int id)
{
    for (int k = 0; k < d->ncand; k++)
        if (d->cand[k] == id)
            return 0;
    if (d->ncand >= MAX_CAND)
        return -1;
    d->cand[d->ncand++] = id;
    return 0;
}

/* The --lang hint: a bonus for the candidates whose language tags match it best (encodings.def
 * LANGS: "zh-Hant" matches BIG5-HKSCS's "zh-hant" over GB18030's "zh"). */
static void apply_lang(ft_detector *d, const char *lang)
{
    size_t best = 0;
    for (int k = 0; k < d->ncand; k++) {
        size_t m = ft_encoding_lang_match(d->cand[k], lang);
        best = m > best ? m : best;
    }
    for (int k = 0; best && k < d->ncand; k++)
        if (ft_encoding_lang_match(d->cand[k], lang) == best) {
            d->bonus[k] += LANG_BITS;
            d->native[k] = ~0ull; /* (the hint says: this text is in this encoding's language) */
        }
}

/* The default candidates: the CAND rows of encodings.def, in its order (the preference order). */
static void add_default_cands(ft_detector *d)
{
    for (int id = 0; id < FT_ENC_BUILTIN; id++)
        if (ft_encoding_info_get(id)->flags & FT_ENC_CAND)
            add_cand(d, id);
}

/* "unknown candidate encoding 'X' (known: UTF-8, GB18030, ...)": the names of the rows that can
 * be candidates, from encodings.def. */
static void unknown_candidate(const char *s, size_t n, char *err, size_t errlen)
{
    if (!err || !errlen)
        return;
    int at = snprintf(err, errlen, "unknown candidate encoding '%.*s' (known:", (int)n, s);
    for (int id = 0; id < FT_ENC_BUILTIN && at >= 0 && (size_t)at < errlen; id++) {
        const ft_encoding_info *e = ft_encoding_info_get(id);
        if ((e->flags & FT_ENC_NAMED) && e->kind != FT_KIND_WIDE && id != FT_ENC_ASCII)
            at += snprintf(err + at, errlen - (size_t)at, "%s %s", id ? "," : "", e->name);
    }
    if (at >= 0 && (size_t)at < errlen)
        snprintf(err + at, errlen - (size_t)at, "; UTF-16/32 are recognised by their BOM or NUL pattern)");
}

static int is_sbcs(const ft_detector *d, int k)
{
    return ft_encoding_info_get(d->cand[k])->kind == FT_KIND_SBCS;
}

static int is_rare(const ft_detector *d, int k)
{
    return (ft_encoding_info_get(d->cand[k])->flags & FT_ENC_RARE) != 0;
}

/* The high bytes' characters of single-byte candidate k (tables/sbcs_maps.c; 0: undefined), or
 * NULL when the build had no table for it. */
static const uint16_t *high_of(const ft_detector *d, int k)
{
    return is_sbcs(d, k) ? ft_sbcs_high(ft_encoding_info_get(d->cand[k])->iconv_name) : NULL;
}

/* The twins of every RARE single-byte candidate (struct ft_detector), from the tables alone: the
 * byte maps and their costs are built only for the encodings a run meets. Returns -1 if out of
 * memory. */
static int find_twins(ft_detector *d)
{
    for (int k = 0; k < d->ncand; k++) {
        const uint16_t *rare = high_of(d, k);
        if (!is_rare(d, k) || !rare)
            continue;
        d->twins[k] = calloc((size_t)d->ncand, sizeof *d->twins[k]);
        if (!d->twins[k])
            return -1;
        for (int j = 0; j < d->ncand; j++) {
            const uint16_t *common = high_of(d, j);
            if (is_rare(d, j) || !common)
                continue;
            struct twin *t = &d->twins[k][d->ntwins[k]++];
            *t = (struct twin){{0, 0}};
            for (int b = 0; b < 0x80; b++)
                if (rare[b] != common[b])
                    t->differs[b >> 6] |= 1ull << (b & 63);
        }
    }
    return 0;
}

/* Whether rare candidate k reads a line whose high bytes are the set high[] as some common
 * single-byte candidate does. */
static int reads_as_common(const ft_detector *d, int k, const uint64_t high[2])
{
    for (int i = 0; i < d->ntwins[k]; i++)
        if (!(d->twins[k][i].differs[0] & high[0]) && !(d->twins[k][i].differs[1] & high[1]))
            return 1;
    return 0;
}

ft_detector *ft_detector_new(const fixtext_options *o, char *err, size_t errlen)
{
    ft_detector *d = calloc(1, sizeof *d);
    if (d)
        d->texts = malloc(MAX_CAND * sizeof *d->texts);
    if (!d || !d->texts) {
        free(d);
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->forced = -1;
    d->settled = -1;
    d->no_detect = (o->flags & FIXTEXT_NO_DETECT) != 0;
    d->evidence = (o->flags & FIXTEXT_DETECT_EVIDENCE) != 0;
    if (o->from && *o->from) {
        d->forced = ft_encoding_resolve(o->from);
        if (d->forced < 0) {
            if (err && errlen)
                snprintf(err, errlen, "unknown encoding '%s' (iconv cannot decode it)", o->from);
            free(d->texts), free(d);
            return NULL;
        }
        return d;
    }
    if (o->candidates && *o->candidates) {
        const char *s = o->candidates;
        while (*s) {
            size_t n = strcspn(s, ",");
            char name[64];
            while (n && (*s == ' ' || *s == '\t'))
                s++, n--;
            size_t m = n;
            while (m && (s[m - 1] == ' ' || s[m - 1] == '\t'))
                m--;
            if (m) {
                int id = -1;
                if (m < sizeof name) {
                    memcpy(name, s, m);
                    name[m] = 0;
                    id = ft_encoding_lookup(name);
                }
                const ft_encoding_info *e = id >= 0 ? ft_encoding_info_get(id) : NULL;
                if (!e || e->kind == FT_KIND_WIDE) {
                    unknown_candidate(s, m, err, errlen);
                    free(d->texts), free(d);
                    return NULL;
                }
                if (id != FT_ENC_ASCII)
                    add_cand(d, id);
            }
            s += n;
            if (*s == ',')
                s++;
        }
    }
    if (!d->ncand)
        add_default_cands(d);
    for (int k = 0; k < d->ncand; k++) {
        if (is_rare(d, k))
            d->entry[k] = RARE_BITS, d->bonus[k] = -RARE_LINE_BITS;
        for (int l = 0; l < ft_letters_langs(); l++) /* (at most FT_MAX_LETTER_LANGS) */
            if (ft_encoding_lang_match(d->cand[k], ft_letters_lang_name(l)))
                d->native[k] |= 1ull << l;
    }
    if (o->lang && *o->lang)
        apply_lang(d, o->lang);
    for (int k = 0; k < d->ncand; k++) {
        const uint16_t *c0 = is_sbcs(d, k) ? ft_sbcs_c0(ft_encoding_info_get(d->cand[k])->iconv_name) : NULL;
        for (unsigned b = 1; c0 && b < 0x20; b++)
            d->control_letters |= (uint32_t)(c0[b] != b) << b;
    }
    if (find_twins(d)) {
        ft_detector_free(d);
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ft_detector_reset(d); /* (the start state: the entry costs) */
    return d;
}

void ft_detector_free(ft_detector *d)
{
    if (!d)
        return;
    ft_block_free(d->range_choices);
    ft_block_free(d->range_valid);
    ft_block_free(d->back);
    ft_block_free(d->cost);
    ft_block_free(d->kind);
    ft_block_free(d->rule);
    ft_block_free(d->bad);
    ft_block_free(d->plaus);
    ft_block_free(d->fwd);
    free(d->step_cache);
    free(d->texts);
    for (int k = 0; k < MAX_CAND; k++)
        free(d->twins[k]);
    free(d);
}

void ft_detector_reset(ft_detector *d)
{
    for (int k = 0; k < d->ncand; k++)
        d->V[k] = d->entry[k];
    d->last_best = 0;
    d->settled = -1;
}

/* ---- per-line scoring ---- */

/* Cost in 1/8 bits of p[0..n) decoded as UTF-8, stopping once it exceeds limit. */
/* What a scorer saw: non-ASCII characters and their own cost (without ASCII neighbours). */
typedef struct tally {
    unsigned hi;
    unsigned long hicost;
    unsigned bad;            /* invalid or cut sequences: a reading with any is never "sure" */
    unsigned kana;           /* kana among hi, and their cost: GBK and EUC-JP share them, */
    unsigned long kanacost;  /* so they say nothing about which one is right */
    unsigned cut;            /* (UTF-8) a sequence cut by the end of the line, among bad */
    unsigned wide;           /* (UTF-8) complete 3- and 4-byte sequences */
    unsigned cjk;            /* CJK characters, punctuation and full-width forms among hi, and
                                the punctuation and symbols of double-byte codes (tally_high) */
} tally;

/* wide: cp was read from a double-byte code. Punctuation and symbols read so are CJK text's
 * too: the quotation marks, dashes, ellipses and middle dots of Chinese text ("“”—…·"), its
 * arrows and the box drawing of its tables are codes of the double-byte sets. (Counted as
 * ideographs, they let a file of verse compare a third fewer readings: a line with one "“" or
 * "─" was judged as mixed text, every single-byte reading scored.) */
static inline void tally_high(tally *t, uint32_t cp, unsigned cost, int wide)
{
    t->hicost += cost;
    uint32_t f = ft_cc(cp);
    t->cjk += ft_is_cjk(cp) || (f & FT_CC_FULLWIDTH) || (cp >= 0x3000 && cp <= 0x303F) ||
              (wide && (f & (FT_CC_PUNCT | FT_CC_SYMBOL)));
    if ((f & (FT_CC_KANA | FT_CC_HALFWIDTH)) == FT_CC_KANA) { /* (EUC-JP alone has the half-width ones) */
        t->kana++;
        t->kanacost += cost;
    }
}

static inline int ascii_letter(unsigned char b)
{
    return (unsigned)((b | 0x20) - 'a') < 26;
}

/* A capital letter a single byte reads as a word of its own after a word in small letters
 * ("английска С azerty" for Mac Cyrillic's "английска — azerty", where D1 is the dash): in the
 * 1.5 M clean lines of bench/real_corpus.py 45 lines hold one (a letter named in a sentence,
 * "prohozené З a Ж"), so it is charged, not ruled out. */
#define CAPITAL_ALONE_BITS 8.0
static int capital_alone(const ft_codec_map *m, const unsigned char *p, size_t n, size_t at,
                         uint32_t cp)
{
    if (at < 2 || at + 1 >= n || p[at - 1] != ' ' || p[at + 1] != ' ' ||
        ft_general_category(cp) != FT_GC_LU)
        return 0;
    unsigned b = p[at - 2];
    uint32_t before = b < 0x80 ? b : m->type[b] == MAP_SINGLE ? m->single[b] : 0;
    return before && before != FT_MAP_FALLBACK && ft_general_category(before) == FT_GC_LL;
}

/* A box-drawing corner, tee or cross (a piece reaching up or down and sideways) with no piece
 * on a side it reaches: the DOS code pages' pieces read where another code page has letters
 * ("╖ utiliser" for IBM850's "À utiliser" read as IBM437). Drawings join their pieces; in the 1.5 M
 * clean lines of bench/real_corpus.py 39 lines hold such a piece alone (kaomoji "╮(╯▽╰)╭", tables
 * of characters), so it is charged, not ruled out. Pure horizontals (─ ═ ┄) are left alone:
 * text uses them as dashes. */
#define UNJOINED_BOX_BITS 8.0
#define BOX_FIRST 0x2500
#define BOX_COUNT 0x80
enum { BOX_LEFT = 1, BOX_RIGHT = 2 };
static uint8_t box_sides[BOX_COUNT]; /* the sides a corner, tee or cross reaches */
static pthread_once_t box_once = PTHREAD_ONCE_INIT;
static atomic_int box_ready; /* (the hot path skips pthread_once's call) */

/* From ICU's character names: "BOX DRAWINGS DOWN SINGLE AND LEFT DOUBLE" reaches down and left. */
static void read_box_sides(void)
{
    for (int k = 0; k < BOX_COUNT; k++) {
        char name[96];
        UErrorCode e = U_ZERO_ERROR;
        u_charName(BOX_FIRST + k, U_UNICODE_CHAR_NAME, name, sizeof name, &e);
        if (U_FAILURE(e))
            continue;
        if (strstr(name, "DIAGONAL"))
            continue;
        int vertical = 0, left = 0, right = 0;
        for (char *save = NULL, *w = strtok_r(name, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            vertical |= !strcmp(w, "VERTICAL") || !strcmp(w, "UP") || !strcmp(w, "DOWN");
            left |= !strcmp(w, "LEFT") || !strcmp(w, "HORIZONTAL");
            right |= !strcmp(w, "RIGHT") || !strcmp(w, "HORIZONTAL");
        }
        if (vertical)
            box_sides[k] = (uint8_t)((left ? BOX_LEFT : 0) | (right ? BOX_RIGHT : 0));
    }
    atomic_store_explicit(&box_ready, 1, memory_order_release);
}

static int is_box_piece(uint32_t cp)
{
    return cp - BOX_FIRST < BOX_COUNT;
}

/* Whether cp, read from the single byte before p[i], is such a piece left unjoined (prev: the
 * character before it, 0xFFFFFFFF at the line's start). */
static int unjoined_box(const ft_codec_map *m, const unsigned char *p, size_t n, size_t i,
                        uint32_t prev, uint32_t cp)
{
    if (!is_box_piece(cp))
        return 0;
    if (!atomic_load_explicit(&box_ready, memory_order_acquire))
        pthread_once(&box_once, read_box_sides);
    unsigned sides = box_sides[cp - BOX_FIRST];
    if ((sides & BOX_LEFT) && !is_box_piece(prev))
        return 1;
    if (!(sides & BOX_RIGHT))
        return 0;
    uint32_t next = i < n && m->type[p[i]] == MAP_SINGLE ? m->single[p[i]] : 0;
    return !is_box_piece(next);
}

/* The marks sandwich_cost charges inside a word when a single byte reads them. */
static int in_word_symbol(uint32_t cp)
{
    /* (¼ ½ ¾ are where ISO-8859-15 has Œ œ Ÿ: windows-1252's "c½ur" is "cœur", ISO-8859-2's
       "c˝ur"; the spacing accents ˇ ˘ ˙ ˛ ˝ are ISO-8859-2's. ‚ † ‡ ‰ ‹ › ˆ ˜ are windows-1252's
       readings of IBM437's and IBM850's é, ç and ê and the like: "el‚ctricos" for "eléctricos".
       None of the last eight stands between two ASCII letters in the 1.5 M lines of
       bench/real_corpus.py) */
    static const uint32_t marks[] = {0x201C, 0x201D, 0x201E, 0x2018, 0x2026, 0x2022, 0xB9,
                                     0xB2,   0xA6,   0xA4,   0xB6,   0xAC,   0xBB,   0xBC,
                                     0xBD,   0xBE,   0x2C7,  0x2D8,  0x2D9,  0x2DB,  0x2DD,
                                     0x201A, 0x2020, 0x2021, 0x2030, 0x2039, 0x203A, 0x2C6,
                                     0x2DC};
    if (cp >= 0x2100)
        return 0; /* (none lies beyond: most characters leave here) */
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (marks[k] == cp)
            return 1;
    return 0;
}

static inline int small_letter(unsigned char b)
{
    return (unsigned)(b - 'a') < 26;
}

/* A letter of an alphabet (Latin, Greek, Cyrillic...), not an ideograph, kana, Hangul or a
 * full- or half-width form. */
static int alphabet_letter(uint32_t cp)
{
    unsigned f = ft_cc(cp);
    return (f & FT_CC_LETTER) && !ft_is_cjk(cp) && !(f & (FT_CC_FULLWIDTH | FT_CC_HALFWIDTH));
}

/* Punctuation (full-width or not) or an alphabet's letter read from a double-byte code whose
 * trail byte is a small letter after a small letter, with ASCII after it: the code ate a letter
 * of a word in small letters. IBM850's "ursprüngliche" is Shift_JIS "urspr］gliche" (81 6E), its
 * "energía para" Big5-HKSCS "energ｛ para" (A1 61), its "même" Big5-HKSCS "mée" (88 6D),
 * IBM437's "núcleo" Big5 "nθleo" (A3 63). The full-width comma, stop and colon CJK text writes
 * after a Latin word have capital trail bytes in Big5 and Shift_JIS (A1 41..A1 4A, 81 41..81 46),
 * its pinyin letters high ones, and its own characters follow its opening brackets
 * ("Linux（リナックス）" is a bracket 81 69 before a katakana's lead byte). */
static int eats_small_letter(const unsigned char *p, size_t n, size_t at, size_t end, uint32_t cp,
                             uint32_t prev)
{
    /* (prev, the character before, is ASCII: the byte before is a letter read as one, not a
       trail byte, Big5's box drawing "──" is A2 77 A2 77) */
    if (end - at != 2 || at == 0 || prev >= 0x80 || !small_letter(p[at - 1]) ||
        !small_letter(p[end - 1]) || (end < n && p[end] >= 0x80))
        return 0;
    if (alphabet_letter(cp))
        return 1;
    unsigned f = ft_cc(cp);
    /* (at the end of a word only an opening bracket: Japanese closes a Latin word with quotation
       marks, brackets and ellipses too, "script.py”" is 81 68) */
    return (f & FT_CC_PUNCT) && ((end < n && ascii_letter(p[end])) || ft_general_category(cp) == FT_GC_PS);
}

/* A symbol, an alphabet's letter or closing punctuation read from a double-byte code whose trail
 * byte is a small letter, opening a word of small letters: IBM850's "zu überleben" is
 * Shift_JIS "zu ｜erleben" (81 62), its "um único" Big5 "um τico" (A3 6E), its "índex" Big5
 * "》dex" (A1 6E). Not opening punctuation: Japanese opens a quotation with "「" (81 75) before a
 * Latin word; nor box drawing, which Big5's tables put before their words ("│zero" is A2 78). */
static int symbol_eats_first_letter(const unsigned char *p, size_t n, size_t at, size_t end,
                                    uint32_t cp, uint32_t prev)
{
    if (end - at != 2 || (at > 0 && (prev >= 0x80 || p[at - 1] != ' ')) || !small_letter(p[end - 1]) || end >= n ||
        !small_letter(p[end]) || ft_is_box_drawing(cp))
        return 0;
    int gc = ft_general_category(cp);
    return gc == FT_GC_SO || gc == FT_GC_SM || gc == FT_GC_PE || gc == FT_GC_PF || alphabet_letter(cp);
}

/* A CJK character, kana, Hangul or full-width form alone inside a Latin word ("bo併lsa",
 * "Qog世oz"): what a double-byte reading makes of one accented letter, and almost never real
 * text (CJK text puts Latin words beside its characters, not around one of them). */
static inline unsigned sandwich_cost(const unsigned char *p, size_t n, size_t at, size_t end,
                                     uint32_t cp, uint32_t prev)
{
    int after_letter = at > 0 && ascii_letter(p[at - 1]);
    /* (a symbol a double-byte code makes of an accented letter and the letter after it, at the
       end of a word or inside it: IBM850's "codificación" is Big5-HKSCS "codificaci▋", A2 6E;
       or a private-use character, what GB18030 reads its user-defined rows as: IBM850's
       "combinación" at the end of a line is GB18030's "combinaci\uE554", A2 6E) */
    if (after_letter && end - at == 2 && ascii_letter(p[end - 1])) {
        int gc = ft_general_category(cp);
        if (gc == FT_GC_SO || gc == FT_GC_SM || gc == FT_GC_CO || eats_small_letter(p, n, at, end, cp, prev))
            return (unsigned)Q8(SANDWICH_BITS);
    }
    if (!(after_letter && end < n && ascii_letter(p[end]))) {
        /* (a word's first letter after an elision: "L'½uf" is windows-1252's reading of
           ISO-8859-15's "L'œuf") */
        int elided = at > 1 && p[at - 1] == '\'' && ascii_letter(p[at - 2]);
        int symbol_first = elided && end - at == 1 && end < n && ascii_letter(p[end]) &&
                           in_word_symbol(cp);
        /* (nor does a fraction open a word of small letters: "en ½uvre" is "en œuvre") */
        int opens_word = at == 0 || p[at - 1] == ' ' || elided;
        int fraction_first = opens_word && cp >= 0xBC && cp <= 0xBE && end - at == 1 && end < n &&
                             p[end] >= 'a' && p[end] <= 'z';
        /* (nor a half-width full stop, closing bracket, comma or middle dot of Shift_JIS:
           IBM850's "último" is "｣ltimo"; the opening bracket opens Latin words too, "｢ls｣") */
        int halfwidth_first = opens_word && end - at == 1 && cp >= 0xFF61 && cp <= 0xFF65 &&
                              cp != 0xFF62 && end < n && small_letter(p[end]);
        return symbol_first || fraction_first || halfwidth_first ||
                       symbol_eats_first_letter(p, n, at, end, cp, prev)
                   ? (unsigned)Q8(SANDWICH_BITS)
                   : 0;
    }
    /* (an ideographic space or a full-width comma between two words is no sandwich: Chinese
       text writes "nfs，ram，scd", and a Big5 man page line of ten such commas was read as
       ISO-8859-7, "nfs‘Aram‘Ascd") */
    uint32_t f = ft_cc(cp);
    int wide = (ft_is_cjk(cp) || (f & (FT_CC_FULLWIDTH | FT_CC_HALFWIDTH))) &&
               !(f & (FT_CC_SPACE | FT_CC_PUNCT));
    /* (nor is a private-use character, what glibc reads some Big5-HKSCS and GB18030 codes as:
       Galician "dispoñíbel" in windows-1252 was Big5-HKSCS "dispo\uE168bel", F1 ED) */
    wide |= end - at >= 2 && (f & FT_CC_PRIVATE_USE);
    /* (nor is other punctuation read from a double-byte code whose second byte is the word's
       next letter: IBM850's "verfügbar" is Shift_JIS "verf“bar", 81 67) */
    int eats_letter = (end - at == 2 && ascii_letter(p[end - 1]) && (f & FT_CC_PUNCT) &&
                       !(f & FT_CC_FULLWIDTH) && !(cp >= 0x3000 && cp <= 0x303F)) ||
                      eats_small_letter(p, n, at, end, cp, prev);
    /* (nor a quotation mark, an ellipsis, a bullet or a symbol a single byte reads inside a
       word: IBM850's "Veröffentlichungen" is windows-1252 "Ver”ffentlichungen", ISO-8859-3's
       Turkish "diğerini" windows-1254 "di»erini". In 1.5 M lines of clean text
       (bench/real_corpus.py) 38 hold one of them between two ASCII letters, 35 of them a
       quotation mark, against 5,703 apostrophes ’, which are no sign) */
    int symbol_inside = end - at == 1 && in_word_symbol(cp);
    /* (nor Shift_JIS's half-width full stop, corner brackets, comma and middle dot, which
       close or open a run of half-width katakana, never a Latin word's letters: IBM850's
       "núcleo" is "n｣cleo", its "añade" "a､ade") */
    int halfwidth_inside = end - at == 1 && cp >= 0xFF61 && cp <= 0xFF65;
    return wide || eats_letter || symbol_inside || halfwidth_inside ? (unsigned)Q8(SANDWICH_BITS) : 0;
}

/* A line of Latin words whose one non-ASCII character is a two-byte UTF-8 sequence for a
 * character below U+0400 (utf8_pair_alone): Latin-1, the Latin extensions, IPA, the spacing
 * modifiers, Greek, or a combining diacritic on an ASCII letter. Every other reading splits it
 * into two characters or makes one CJK character or symbol of it:
 * "¿Realmente cambiar…" as EUC-JP "多Realmente…", "|1ª cifra|" as EUC-KR "|1짧 cifra|", a charset
 * table's "\tª\tFEMININE ORDINAL INDICATOR" as "\t捉\t…", a keyboard layout's
 * "Latvia (ergonomis, ŪGJRMV)" as EUC-JP "的GJRMV"; the X11 compose table's ': "¯" macron' as
 * EUC-TW ': "␎" macron', ': "ˇ" caron' as GB18030 ': "藝" caron', ': "ª" ordfeminine' as
 * windows-874 ': "ยช" ordfeminine', ': "µ" mu' as ISO-8859-5 ': "ТЕ" mu', Greek 'U03B0 ΰ' as
 * EUC-KR. One character in Latin text is what such a line is; a run of such lines (the compose
 * table lists each character several times) went over to the other reading together when only
 * the double-byte CJK readings paid for it. Not for characters from U+0400 on (a Korean line
 * "예: memlimit…" is BF B9, which UTF-8 cannot read, and Cyrillic and the scripts after it do not
 * stand alone in Latin text), nor for a combining mark after anything but an ASCII letter:
 * GB18030's "同 echoe echoctl" in the stty page is CD AC, a combining mark in UTF-8 at the start
 * of a word. The same weight as SANDWICH_BITS, for the lone character not inside a word. */
static int utf8_pair_alone(const unsigned char *p, size_t n)
{
    size_t at = ft_next_high(p, 0, n);
    if (at + 1 >= n || p[at] < 0xC2 || p[at] > 0xCF || !ft_utf8_is_continuation(p[at + 1]) ||
        ft_next_high(p, at + 2, n) != n)
        return 0;
    uint32_t cp = (uint32_t)(p[at] & 0x1F) << 6 | (p[at + 1] & 0x3F);
    if (ft_general_category(cp) == FT_GC_MN)
        return at > 0 && ascii_letter(p[at - 1]);
    return 1;
}

/* The other lone character such a line holds: a double-byte code whose trail byte is a letter of
 * the Latin word the character is glued to, one accented letter of a single-byte code page read
 * together with the letter after it (Mac Roman's "der Übersetzung" as EUC-KR "der 냕ersetzung",
 * "schließt" as Big5-HKSCS "schlie含", Mac CE "név" as Shift_JIS "n思"), an ideograph or a
 * letter: Big5-HKSCS has pinyin letters, and IBM850's "fenêtres" is its "fenōres" (88 74). Or
 * punctuation glued after a letter (its "Verfügung" is Shift_JIS "Verf“ung", 81 67), but not
 * before a word, where Japanese puts it: Shift_JIS "「The" is 81 75 54 (score_map). */
static int eats_word_letter(const unsigned char *p, size_t n, size_t at, uint32_t cp)
{
    if (at + 1 >= n || !ascii_letter(p[at + 1]))
        return 0;
    if ((at > 0 && ascii_letter(p[at - 1])) || (at + 2 < n && ascii_letter(p[at + 2])))
        return 1;
    /* (or the code is a word of two letters on its own, read as a letter, full-width or not,
       or a Hangul syllable of CP949's extension, the codes with an ASCII trail byte: Catalan
       "és" in IBM850 is Shift_JIS "Ｔ", 82 73, Big5 "ω" its "ús", A3 73, CP949 a syllable. But an
       ideograph or a kana is a word of its own: a comment "零" in a Big5 C header is B9 73) */
    return at > 0 && p[at - 1] == ' ' && (at + 2 == n || p[at + 2] == ' ') &&
           (alphabet_letter(cp) || (cp >= 0xFF21 && cp <= 0xFF5A) || ft_is_hangul(cp));
}

static unsigned lone_cjk_cost(const unsigned char *p, size_t n)
{
    unsigned letters = 0;
    for (size_t i = 0; i < n && letters < LONE_LATIN_LETTERS; i++)
        letters += ascii_letter(p[i]);
    return letters >= LONE_LATIN_LETTERS ? (unsigned)Q8(LONE_BITS) : 0;
}

static unsigned long score_utf8(const unsigned char *p, size_t n, unsigned long limit, tally *t,
                                unsigned max_hi)
{
    unsigned long cost = 0;
    uint32_t prev = 0xFFFFFFFFu;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        if (p[i] < 0x80) {
            if (prev < 0x80) { /* ASCII after ASCII costs the same in every candidate */
                i = ft_next_high(p, i, n);
                continue;
            }
            cp = p[i++];
        } else {
            size_t k = ft_utf8_sequence_length(p + i, n - i);
            if (k)
                ft_utf8_decode(p + i, &cp);
            else /* a CESU-8 surrogate pair: six bytes no legacy text forms, one character */
                k = ft_utf8_cesu_pair(p + i, n - i, &cp);
            if (!k) {
                size_t bad = ft_utf8_invalid_length(p + i, n - i);
                int cut = i + bad == n && bad < 4 && p[i] >= 0xC2;
                cost += cut ? Q8(TRUNC_BITS) : Q8(INVALID_BITS);
                t->bad++;
                t->cut += cut;
                i += bad;
                prev = 0xFFFFFFFFu;
                if (cost > limit)
                    return limit;
                continue;
            }
            i += k;
            t->wide += k >= 3;
            if (++t->hi > max_hi)
                break;
            cost += sandwich_cost(p, n, i - k, i, cp, prev);
        }
        unsigned sc = ft_plausibility_step_as(prev, cp, FT_PL_FOLD_CAPS);
        cost += sc;
        if (cp >= 0x80)
            tally_high(t, cp, sc, 0);
        prev = cp;
        if (cost > limit)
            return limit;
    }
    return cost;
}

/* Whether the Latin letter cp, read from the double-byte code ending at p[end], touches no other
 * letter: not the character before it (prev), not the one after it (an ASCII byte or a
 * double-byte code of m). */
static int lone_pinyin_letter(const ft_codec_map *m, const unsigned char *p, size_t n, size_t end,
                              uint32_t prev, uint32_t cp)
{
    if (!ft_is_latin_letter(cp) || (prev != 0xFFFFFFFFu && ft_cc(prev) & FT_CC_LETTER))
        return 0;
    if (end >= n)
        return 1;
    if (p[end] < 0x80)
        return !ascii_letter(p[end]);
    if (end + 1 >= n || m->type[p[end]] != MAP_LEAD)
        return 1;
    uint32_t next = m->dbl[(p[end] - 0x80) * 256 + p[end + 1]];
    return !(next && next != FT_MAP_FALLBACK && ft_cc(next) & FT_CC_LETTER);
}

/* Where the next byte from i on that map m does not read as ASCII: a high byte, or a control
 * byte the map makes a letter (VISCII, TCVN 5712). */
static size_t next_unlike_ascii(const ft_codec_map *m, const unsigned char *p, size_t i, size_t n)
{
    if (!m->c0_letters)
        return ft_next_high(p, i, n);
    while (i < n && ft_map_ascii(m, p[i]))
        i++;
    return i;
}

/* windows-1258 and TCVN 5712 write most Vietnamese tone marks as combining characters after the
 * letter, which their decoders compose (glibc's, as fixtext decodes): so a line is scored as the
 * composed text it decodes to, not as letters followed by marks the model's NFC text never holds
 * ("tie\xCC\xF1ng" is "tiếng"). */
static const UNormalizer2 *vietnamese_nfc;
static pthread_once_t vietnamese_nfc_once = PTHREAD_ONCE_INIT;

static void load_nfc(void)
{
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    vietnamese_nfc = U_SUCCESS(status) ? nfc : NULL;
}

/* base with the combining mark the byte at p[i] decodes to, or base as it is; *i moves past a
 * mark that composed. */
static uint32_t compose_next(const ft_codec_map *m, uint32_t base, const unsigned char *p,
                             size_t n, size_t *i)
{
    if (*i >= n || p[*i] < 0x80 || m->type[p[*i]] != MAP_SINGLE)
        return base;
    uint32_t mark = m->single[p[*i]];
    if (!ft_map_is_mark(mark))
        return base;
    pthread_once(&vietnamese_nfc_once, load_nfc);
    if (!vietnamese_nfc)
        return base;
    int32_t with = unorm2_composePair(vietnamese_nfc, (UChar32)base, (UChar32)mark);
    if (with <= 0 || with > 0xFFFF)
        return base;
    ++*i;
    return (uint32_t)with;
}

/* The readings of one line in forty-odd encodings ask the pooled model the same character pairs
 * over and over (single-byte code pages read most bytes alike; text repeats its common pairs):
 * a pair cache (ft_pair_cache_new) keeps the answers. */
static uint64_t *step_cache_of(ft_detector *d)
{
    if (!d->step_cache)
        d->step_cache = ft_pair_cache_new();
    return d->step_cache; /* (NULL: no cache, every step asks the model) */
}

static unsigned cached_step(uint64_t *cache, uint32_t prev, uint32_t cp, unsigned how)
{
    uint64_t key = ft_pair_cache_key(prev, cp, how);
    long hit = ft_pair_cache_get(cache, key);
    if (hit >= 0)
        return (unsigned)hit;
    unsigned cost = ft_plausibility_step_as(prev, cp, how);
    ft_pair_cache_put(cache, key, cost);
    return cost;
}

/* Whether cp is a Hebrew point that sits on prev, a Hebrew letter that carries the points in
 * *on so far (one bit each, by code point): at most one vowel (U+05B0..05BB, qamats qatan U+05C7)
 * and each other point once, the shin and sin dots only on shin. Such a point costs
 * FT_POINT_BITS; on anything else it is the unknown mark it looks like. */
static int point_on(uint32_t prev, uint32_t cp, uint64_t *on)
{
    if (!ft_is_vowel_point(cp) || ft_letter_script(prev) != FT_USCRIPT_HEBREW)
        return 0;
    if ((cp == 0x05C1 || cp == 0x05C2) && prev != 0x05E9)
        return 0;
    const uint64_t vowels = 0xFFFull << (0x05B0 - 0x0591) | 1ull << (0x05C7 - 0x0591);
    uint64_t bit = 1ull << (cp - 0x0591);
    if ((*on & bit) || ((bit & vowels) && (*on & vowels)))
        return 0;
    *on |= bit;
    return 1;
}

/* What the detector reads a double-byte encoding's longer forms as: a rare ideograph. */
#define RARE_FORM_CP 0x3400

/* The length of the longer form of encoding id at p[i] (whose two-byte code is invalid), or 0:
 * four-byte GB18030, a character outside GBK, rare in text (valid when glibc or ICU maps it, as
 * the decoder does); EUC-JP's JIS X 0212 (8F + two bytes); EUC-TW's CNS 11643 planes 1-16
 * (8E A1..B0 row cell), where plane 2 and above hold the rarer ideographs. */
static size_t rare_form_length(int id, const unsigned char *p, size_t i, size_t n)
{
    unsigned b = p[i], t = i + 1 < n ? p[i + 1] : 0;
    if (id == FT_ENC_GB18030 && t >= 0x30 && t <= 0x39 && i + 3 < n && ft_gb18030_four_valid(p + i))
        return 4;
    if (id == FT_ENC_EUCJP && b == 0x8F && i + 2 < n && t >= 0xA1 && t <= 0xFE && p[i + 2] >= 0xA1 &&
        p[i + 2] <= 0xFE)
        return 3;
    if (id == FT_ENC_EUCTW && b == 0x8E && i + 3 < n && t >= 0xA1 && t <= 0xB0 && p[i + 2] >= 0xA1 &&
        p[i + 2] <= 0xFE && p[i + 3] >= 0xA1 && p[i + 3] <= 0xFE)
        return 4;
    return 0;
}

/* Cost in 1/8 bits of p[0..n) decoded with byte map m (encoding id), stopping past limit. */
static unsigned long score_map(const ft_codec_map *m, int id, const unsigned char *p, size_t n,
                               unsigned long limit, tally *t, unsigned max_hi, uint64_t *cache)
{
    size_t long_form;
    const int compose = m->composes;
    unsigned long cost = 0;
    uint32_t prev = 0xFFFFFFFFu;
    size_t i = 0;
    unsigned wide = 0;  /* CJK characters and letters read from double-byte codes (and
                           punctuation after a letter) */
    size_t wide_at = 0; /* where the last one starts */
    uint32_t wide_cp = 0; /* and what it reads */
    int prev_drawn = 0; /* prev is a box-drawing character read from a double-byte code */
    uint64_t points = 0; /* Hebrew points on prev, a Hebrew letter (point_on) */
    int lone_pinyin = 0; /* LONE_PINYIN_BITS charged */
    while (i < n) {
        unsigned b = p[i];
        uint32_t cp = 0;
        size_t at = i;
        if (ft_map_ascii(m, b)) {
            if (prev < 0x80 && !compose) { /* ASCII after ASCII costs the same in every candidate */
                i = next_unlike_ascii(m, p, i, n);
                continue;
            }
            cp = b;
            i++;
            if (compose)
                cp = compose_next(m, cp, p, n, &i);
            if (prev < 0x80 && cp < 0x80)
                continue;
        } else if (m->type[b] == MAP_SINGLE) {
            cp = m->single[b] == FT_MAP_FALLBACK ? 0x3400 : m->single[b];
            i++;
            if (compose)
                cp = compose_next(m, cp, p, n, &i);
        } else if (m->type[b] == MAP_LEAD) {
            if (i + 1 >= n) {
                cost += Q8(TRUNC_BITS);
                t->bad++;
                break;
            }
            unsigned t = p[i + 1];
            cp = m->dbl[(b - 0x80) * 256 + t];
            if (cp) {
                i += 2;
                if (cp == FT_MAP_FALLBACK)
                    cp = 0x3400; /* outside the BMP or several characters: rare either way */
            } else if ((long_form = rare_form_length(id, p, i, n))) {
                cp = RARE_FORM_CP;
                i += long_form;
            }
        }
        if (!cp) {
            cost += Q8(INVALID_BITS);
            t->bad++;
            i++;
            prev = 0xFFFFFFFFu;
            prev_drawn = 0;
        } else if (point_on(prev, cp, &points)) {
            /* (the letter stays prev: the next letter follows it, as in unpointed text) */
            cost += Q8(FT_POINT_BITS);
            tally_high(t, cp, Q8(FT_POINT_BITS), 0);
            if (++t->hi >= max_hi)
                break;
        } else {
            int drawn = i - at >= 2 && ft_is_box_drawing(cp);
            unsigned sc = cached_step(cache, prev, cp,
                                      FT_PL_FOLD_CAPS | (drawn || prev_drawn ? FT_PL_DRAWN : 0));
            prev_drawn = drawn;
            if (cp >= 0x80)
                sc += sandwich_cost(p, n, at, i, cp, prev);
            if (cp >= 0x80 && i - at == 1 && capital_alone(m, p, n, at, cp))
                sc += Q8(CAPITAL_ALONE_BITS);
            if (i - at == 1 && unjoined_box(m, p, n, i, prev, cp))
                sc += Q8(UNJOINED_BOX_BITS);
            if (id == FT_ENC_EUCKR && (b == 0xA8 || b == 0xA9) && i - at == 2 &&
                ft_is_latin_letter(cp))
                sc += Q8(KS_LATIN_BITS);
            if (id == FT_ENC_GB18030 && b == 0xA8 && i - at == 2 && !lone_pinyin &&
                lone_pinyin_letter(m, p, n, i, prev, cp)) {
                lone_pinyin = 1;
                sc += Q8(LONE_PINYIN_BITS);
            }
            if (i - at >= 2 && (ft_is_cjk(cp) || (ft_cc(cp) & FT_CC_LETTER) ||
                                ((ft_cc(cp) & FT_CC_PUNCT) && prev < 0x80 && ascii_letter(p[at - 1]))))
                wide++, wide_at = at, wide_cp = cp;
            cost += sc;
            prev = cp;
            points = 0;
            if (cp >= 0x80) {
                tally_high(t, cp, sc, i - at >= 2);
                if (++t->hi >= max_hi)
                    break;
            }
        }
        if (cost > limit)
            return limit;
    }
    if (i >= n && !t->bad &&
        ((t->hi == 1 && wide == 1 && eats_word_letter(p, n, wide_at, wide_cp)) ||
         (t->hi <= 2 && utf8_pair_alone(p, n)))) /* (one pair reads as one or two characters) */
        cost += lone_cjk_cost(p, n);
    return cost;
}

/* Whether p[0..n) is a run of double-byte codes of 94x94 sets (both bytes 0x21..0x7E, the first
 * at most last_row), as between the shifts of ISO-2022-KR and HZ; at least one code. */
static int is_code_run(const unsigned char *p, size_t n, unsigned last_row)
{
    if (n == 0 || n % 2)
        return 0;
    for (size_t i = 0; i < n; i += 2)
        if (p[i] < 0x21 || p[i] > last_row || p[i + 1] < 0x21 || p[i + 1] > 0x7E)
            return 0;
    return 1;
}

/* Which escape-based encoding a 7-bit line's escapes or shifts name, or -1 (a line with a byte
 * >= 0x80 is none of them):
 *   ISO-2022-JP  ESC $ B, ESC $ @, ESC $ (, ESC ( J, ESC ( I                          (RFC 1468)
 *   ISO-2022-KR  ESC $ ) C; or SO <KS X 1001 codes> SI with no escape: the designation comes
 *                once at the top of the text, later lines carry only the shifts    (RFC 1557)
 *   ISO-2022-CN  ESC $ ) A|G|E, ESC $ * H, ESC $ + I..M (repeated on every line)    (RFC 1922)
 *   HZ           ~{ <GB 2312 codes> ~} (or the end of the line): one code closed by ~}, or two
 *                                                                                  (RFC 1843)
 * Ordinary text has no ESC or SO, and "~{" followed by nothing but GB 2312 code pairs is as
 * unlikely outside HZ. */
static int iso2022_family(const unsigned char *p, size_t n)
{
    int shifted = 0, hz_codes = 0, hz_closed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (c >= 0x80)
            return -1;
        if (c == 0x1B && i + 2 < n) {
            unsigned a = p[i + 1], b = p[i + 2], d = i + 3 < n ? p[i + 3] : 0;
            if ((a == '$' && (b == 'B' || b == '@' || b == '(')) || (a == '(' && (b == 'J' || b == 'I')))
                return FT_ENC_ISO2022JP;
            if (a == '$' && b == ')' && d == 'C')
                return FT_ENC_ISO2022KR;
            if (a == '$' && ((b == ')' && (d == 'A' || d == 'G' || d == 'E')) || (b == '*' && d == 'H') ||
                             (b == '+' && d >= 'I' && d <= 'M')))
                return FT_ENC_ISO2022CN;
        } else if (c == 0x0E) { /* SO: KS X 1001 codes up to SI */
            const unsigned char *si = memchr(p + i + 1, 0x0F, n - i - 1);
            size_t end = si ? (size_t)(si - p) : n;
            if (!is_code_run(p + i + 1, end - i - 1, 0x7D))
                return -1;
            shifted = 1;
            i = end;
        } else if (c == '~' && i + 1 < n && p[i + 1] == '~') { /* HZ's escaped tilde */
            i++;
        } else if (c == '~' && i + 1 < n && p[i + 1] == '{') { /* HZ: GB 2312 codes up to ~} */
            size_t j = i + 2;
            while (j + 1 < n && !(p[j] == '~' && p[j + 1] == '}')) { /* ('~' never leads a code) */
                if (!is_code_run(p + j, 2, 0x77))
                    return -1;
                hz_codes++;
                j += 2;
            }
            if (j + 1 == n)
                return -1; /* half a code at the end of the line */
            hz_closed |= j + 1 < n;
            i = j + 1;     /* past "~}", or the end of the line (the codes ran to it) */
        }
    }
    if (shifted)
        return hz_codes ? -1 : FT_ENC_ISO2022KR;
    return hz_codes >= 2 || (hz_codes && hz_closed) ? FT_ENC_HZ : -1;
}

/* Whether a line of ASCII bytes may be one of the escape-based encodings: a quick look for the
 * bytes they all need before the full test. */
static int iso2022_line(const unsigned char *p, size_t n, int esc)
{
    if (!esc && !memchr(p, 0x0E, n) && !memchr(p, '~', n))
        return -1;
    return iso2022_family(p, n);
}

/* What one pass over a line finds, a word at a time. */
typedef struct line_facts {
    int ascii;       /* no byte >= 0x80 */
    int binary;      /* a NUL byte or a run of 4+ control bytes other than tab, CR, FF, VT, ESC */
    int esc;         /* an ESC byte (ISO-2022 designations) */
    int controls;    /* a control byte other than tab, CR, FF, VT, ESC, NUL */
    unsigned leads;  /* bytes >= 0xC0: the starts of multi-byte UTF-8 sequences, if valid */
    unsigned longs;  /* bytes >= 0xE0: starts of 3- and 4-byte sequences */
} line_facts;

static void classify_bytewise(const unsigned char *p, size_t n, line_facts *f)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t any = 0, leads = 0, longs = 0;
    int run = 0, lanes_used = 0;
    size_t i = 0;
    memset(f, 0, sizeof *f);
    while (i < n) {
        size_t end = i + 8 <= n ? i + 8 : n;
        if (end - i == 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            any |= x;
            if (!((x - ones * 0x20) & ~x & highs)) { /* no byte below 0x20 */
                if (x & highs) {
                    /* bytes >= 0xC0 / >= 0xE0, one per byte lane, summed in the lanes; no line
                     * is judged on more than 255 words' worth, so lanes cannot overflow */
                    if (lanes_used < 255) {
                        leads += (x & (x << 1) & highs) >> 7;
                        longs += (x & (x << 1) & (x << 2) & highs) >> 7;
                        lanes_used++;
                    }
                }
                run = 0;
                i = end;
                continue;
            }
        }
        for (; i < end; i++) {
            unsigned c = p[i];
            any |= c;
            f->leads += c >= 0xC0;
            f->longs += c >= 0xE0;
            if (c == 0) {
                f->binary = 1;
            } else if (c == 0x1B) {
                f->esc = 1;
                run = 0;
            } else if (c < 0x20 && c != '\t' && c != '\f' && c != '\v' && c != '\r') {
                f->controls = 1;
                if (++run >= 4)
                    f->binary = 1;
            } else {
                run = 0;
            }
        }
    }
    f->ascii = !(any & highs);
    for (int k = 0; k < 64; k += 8) {
        f->leads += (unsigned)((leads >> k) & 0xFF);
        f->longs += (unsigned)((longs >> k) & 0xFF);
    }
}

/* The vectorised census answers for the lines that hold no control byte (nearly all of them);
 * the others need the byte-wise walk that finds NULs, control runs and escapes. */
static void classify(const unsigned char *p, size_t n, line_facts *f)
{
    ft_byte_census c;
    if (!ft_byte_census_take(p, n, &c) || c.control) {
        classify_bytewise(p, n, f);
        return;
    }
    *f = (line_facts){.ascii = !c.high, .leads = c.leads, .longs = c.longs};
}

static const ft_codec_map *map_of(ft_detector *d, int k)
{
    if (!d->map[k])
        d->map[k] = ft_codec_map_get(d->cand[k]);
    return d->map[k];
}

/* 1 if a lower bound of score_map's cost for the line already exceeds limit: one lookup per
 * character in a small table, no pair lookups. Walks the bytes exactly as score_map does. */
static int bound_exceeds(const ft_codec_map *m, int id, const unsigned char *p, size_t n,
                         unsigned long limit, unsigned max_hi)
{
    unsigned long low = 0;
    unsigned hi = 0;
    size_t i = ft_next_high(p, 0, n);
    while (i < n && hi < max_hi) {
        unsigned b = p[i];
        if (b < 0x80) {
            i = ft_next_high(p, i + 1, n);
            continue;
        }
        unsigned c;
        if (m->type[b] == MAP_LEAD) {
            if (i + 1 >= n)
                break;
            c = m->dbl_cost[(b - 0x80) * 256 + p[i + 1]];
            if (c == FT_COST_INVALID &&
                (id == FT_ENC_GB18030 || id == FT_ENC_EUCJP || id == FT_ENC_EUCTW))
                return 0; /* maybe a four/three-byte form: no bound */
            i += c == FT_COST_INVALID ? 1 : 2;
        } else {
            c = m->single_cost[b];
            i++;
        }
        if (c == FT_COST_INVALID)
            c = (unsigned)Q8(INVALID_BITS);
        else
            hi++;
        low += c;
        if (low > limit)
            return 1;
    }
    return 0;
}

/* Counts the control bytes of line `line` that some candidate reads as a letter (line_controls). */
static void count_controls(ft_detector *d, size_t line, const unsigned char *p, size_t n)
{
    d->line_controls[0] = 0;
    if (!d->control_letters || !(d->kind[line] & LINE_CONTROLS))
        return;
    memset(d->line_controls, 0, sizeof d->line_controls);
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 && (d->control_letters >> p[i] & 1))
            d->line_controls[p[i]]++, d->line_controls[0] = 1;
}

/* What the line's control bytes that a reading (map m; NULL: UTF-8) leaves controls cost it,
 * 1/8 bits: what the model charges a control in text. Readings skip ASCII, controls included,
 * as costing the same in all of them, which is no longer so where VISCII or TCVN 5712 reads a
 * control byte as a capital ("D\x06N" is VISCII's "DẪN"). */
static unsigned long controls_cost(const ft_detector *d, const ft_codec_map *m)
{
    unsigned long cost = 0;
    for (unsigned b = 1; d->line_controls[0] && b < 0x20; b++)
        if (d->line_controls[b] && (!m || ft_map_ascii(m, b)))
            cost += d->line_controls[b] * (unsigned long)ft_plausibility_unigram(b);
    return cost;
}

/* Whether candidate k reads one of the scored line's control bytes as a letter (VISCII, TCVN
 * 5712): no common code page reads that line alike. */
static int reads_control_letter(ft_detector *d, int k)
{
    const ft_codec_map *m = d->line_controls[0] ? map_of(d, k) : NULL;
    for (unsigned b = 1; m && m->c0_letters && b < 0x20; b++)
        if (d->line_controls[b] && !ft_map_ascii(m, b))
            return 1;
    return 0;
}

/* Cost of line p[0..n) in candidate k, up to max_hi non-ASCII characters, stopping past limit. */
static unsigned long score_cand(ft_detector *d, int k, const unsigned char *p, size_t n, int iso,
                                unsigned long limit, tally *t, unsigned max_hi)
{
    int id = d->cand[k];
    const ft_encoding_info *e = ft_encoding_info_get(id);
    if (e->kind == FT_KIND_ISO2022)
        return iso == id ? 0 : limit;
    if (iso >= 0)
        return limit;
    const ft_codec_map *m = id == FT_ENC_UTF8 ? NULL : map_of(d, k);
    unsigned long controls = controls_cost(d, m);
    if (controls >= limit)
        return limit;
    limit -= controls;
    if (id == FT_ENC_UTF8)
        return controls + score_utf8(p, n, limit, t, max_hi);
    if (!m || (limit < ~0ul / 2 && bound_exceeds(m, id, p, n, limit, max_hi)))
        return limit + controls; /* (no bound to test while nothing set the bar) */
    return controls + score_map(m, id, p, n, limit, t, max_hi, step_cache_of(d));
}

/* An "&" inside a word marks the menu accelerator of a user-interface string ("Ö&nceki",
 * "İ&letileri"): the word's letters are read without it, as the menu shows them. */
static int accelerator_mark(const unsigned char *p, size_t n, size_t at)
{
    return at > 0 && at + 1 < n && (ascii_letter(p[at - 1]) || p[at - 1] >= 0x80) &&
           (ascii_letter(p[at + 1]) || p[at + 1] >= 0x80);
}

/* The characters a single-byte candidate reads p[0..n) as (marks composed as score_map does), at
 * most cap of them; accelerator marks left out. */
static size_t reading_of(const ft_codec_map *m, const unsigned char *p, size_t n,
                         uint32_t *cps, size_t cap)
{
    const int compose = m->composes;
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        unsigned b = p[i++];
        if (b == '&' && accelerator_mark(p, n, i - 1))
            continue;
        uint32_t cp = m->single[b] == FT_MAP_FALLBACK ? 0x3400 : m->single[b];
        if (compose)
            cp = compose_next(m, cp, p, n, &i);
        cps[k++] = cp;
    }
    return k;
}

/* FOREIGN_BITS (1/8 bits) when candidate k is not an encoding language l is written in. */
static unsigned foreign_cost(const ft_detector *d, int k, int l)
{
    return d->native[k] >> l & 1 ? 0 : (unsigned)Q8(FOREIGN_BITS);
}

/* Fills text x from the reading cps[0..m). */
static void letter_text_of(letter_text *x, const uint32_t *cps, size_t m)
{
    x->ntokens = ft_letters_tokens(cps, m, x->tokens, LETTER_MAX_CPS + 2, &x->symbols);
    x->nlow = (size_t)-2;
    memset(x->cost, 0xFF, sizeof x->cost);
    x->known = 0;
    memset(x->unigrams, 0, sizeof x->unigrams);
    /* the distinct non-ASCII letters and their counts, to short-list the languages (a reading
       with more than LETTER_DISTINCT of them is short-listed by table order) */
    uint32_t letters[LETTER_DISTINCT];
    unsigned counts[LETTER_DISTINCT];
    size_t nl = 0;
    for (size_t i = 0; i < x->ntokens; i++) {
        uint32_t tok = x->tokens[i] & 0x7FFFFFFFu;
        if (tok < 0x80)
            continue;
        size_t j = 0;
        while (j < nl && letters[j] != tok)
            j++;
        if (j == LETTER_DISTINCT)
            return;
        if (j == nl)
            letters[nl] = tok, counts[nl++] = 1;
        else
            counts[j]++;
    }
    ft_letters_unigrams(letters, counts, nl, x->unigrams);
}

/* The letter cost (1/8 bits) of candidate k's reading, text x: the least over the languages,
 * with FOREIGN_BITS for a language the encoding is not written in; anything above ceiling is
 * only known to be above it. low_pairs[] caches per language the cost of the pairs every reading
 * of the line shares (~0u: not yet known); x->cost[] the exact costs per language of this very
 * text that earlier readings found, which count for k too: two code pages that read a line alike
 * must not be judged on different short lists. (They were: IBM850, written in more languages
 * than IBM437, short-listed others and paid 11 bits more than IBM437 for the same
 * "XZ Embarqué:", which kept a French IBM850 file in IBM437.) */
static unsigned letter_fit(ft_detector *d, int k, letter_text *x, unsigned ceiling,
                           unsigned *low_pairs)
{
    const uint32_t *tokens = x->tokens;
    const size_t t = x->ntokens;
    const unsigned symbols = x->symbols;
    unsigned *text_cost = x->cost;
    /* The LETTER_LANGS languages whose letters, one by one, read it best (FOREIGN_BITS included)
     * are judged in full; the others would cost more for their letters alone. */
    int langs = ft_letters_langs(), short_list[LETTER_LANGS], listed = 0;
    unsigned score[LETTER_LANGS];
    const unsigned *unigrams = x->unigrams;
    for (int l = 0; l < langs; l++) {
        unsigned u = unigrams[l] + foreign_cost(d, k, l);
        int at = listed < LETTER_LANGS ? listed++ : LETTER_LANGS;
        for (; at > 0 && score[at - 1] > u; at--)
            if (at < LETTER_LANGS)
                score[at] = score[at - 1], short_list[at] = short_list[at - 1];
        if (at < LETTER_LANGS)
            score[at] = u, short_list[at] = l;
    }
    unsigned best = ceiling;
    for (uint64_t known = x->known; known; known &= known - 1) {
        int l = __builtin_ctzll(known);
        if (text_cost[l] + foreign_cost(d, k, l) < best)
            best = text_cost[l] + foreign_cost(d, k, l);
    }
    for (int j = 0; j < listed; j++) {
        int l = short_list[j];
        unsigned foreign = foreign_cost(d, k, l);
        if (foreign >= best || text_cost[l] != ~0u)
            continue;
        if (low_pairs[l] == ~0u) {
            if (x->nlow == (size_t)-2)
                x->nlow = ft_letters_low_pairs(tokens, t, x->low_pairs);
            low_pairs[l] = x->nlow != (size_t)-1 ? ft_letters_low_cost(x->low_pairs, x->nlow, l)
                                                 : ft_letters_cost(tokens, t, symbols, l, ~0u, 0);
        }
        if (low_pairs[l] + foreign >= best)
            continue;
        unsigned limit = best - foreign - low_pairs[l];
        unsigned high = ft_letters_cost(tokens, t, symbols, l, limit, 1);
        if (high > limit)
            continue; /* (only known to be above: not this text's cost) */
        text_cost[l] = high + low_pairs[l];
        x->known |= 1ull << l;
        if (text_cost[l] + foreign < best)
            best = text_cost[l] + foreign;
    }
    return best;
}

/* Letter evidence among the single-byte readings within two CAPs of the best (bits added to
 * cost[]): only where two or more of them compete. (Within one, Lithuanian "vieną" of
 * windows-1257 was never judged: the pooled model reads IBM437's "vienα" as cheaply as a letter,
 * and windows-1252's "vienà" won by letters. On the development source two CAPs gained 2 files of
 * windows-1257, 3 of ISO-8859-13 and 2 of Hebrew, and lost 5: a line of answer letters,
 * "^[yYдДщЩ]", in IBM855 and ISO-8859-5, and three lines that are mojibake in their source.)
 * They are judged from the cheapest up, each at most CAP above the best letter cost so far (what
 * it may be charged at most); code pages that read the line alike and are written in the same
 * languages are judged once. */
static void letter_evidence(ft_detector *d, const unsigned char *p, size_t n,
                            const unsigned long *raw, unsigned long best, unsigned long cap,
                            const int16_t *bad, float *cost)
{
    int order[MAX_CAND], count = 0;
    for (int k = 0; k < d->ncand; k++) {
        if (!is_sbcs(d, k) || bad[k] != 0 ||
            raw[k] > best + 2 * cap || !map_of(d, k))
            continue;
        int at = count++;
        for (; at > 0 && raw[order[at - 1]] > raw[k]; at--)
            order[at] = order[at - 1];
        order[at] = k;
    }
    if (count < 2)
        return;
    /* (when every contender reads the line as the same text, the output is the same whichever
       wins: nothing to judge) */
    uint64_t text[MAX_CAND], seen[MAX_CAND];
    unsigned char high[LETTER_MAX_CPS];
    size_t nhigh = 0;
    for (size_t i = 0; i < n && nhigh < LETTER_MAX_CPS; i++)
        if (p[i] >= 0x80 || (p[i] < 0x20 && (d->control_letters >> p[i] & 1)))
            high[nhigh++] = p[i]; /* (the readings differ only there: VISCII and TCVN 5712 make
                                     letters of some control bytes) */
    int texts = 0;
    for (int j = 0; j < count; j++) {
        const ft_codec_map *m = map_of(d, order[j]);
        uint64_t h = 0xCBF29CE484222325ull;
        for (size_t i = 0; i < nhigh; i++)
            h = (h ^ m->single[high[i]]) * 0x100000001B3ull;
        text[j] = h;
        texts += j == 0 || h != text[0];
    }
    if (texts < 2)
        return;
    unsigned fit[MAX_CAND], low_pairs[64];
    for (int l = 0; l < 64; l++)
        low_pairs[l] = ~0u;
    letter_text *lt = d->texts; /* (per distinct text: letter_fit fills its costs) */
    int text_slot[MAX_CAND], slots = 0;
    unsigned low = ~0u;
    uint32_t cps[LETTER_MAX_CPS];
    for (int j = 0; j < count; j++) {
        int k = order[j];
        uint64_t h = text[j] ^ d->native[k] * 0x9E3779B97F4A7C15ull;
        int same = -1;
        for (int i = 0; i < j && same < 0; i++)
            if (seen[i] == h)
                same = order[i];
        seen[j] = h;
        text_slot[j] = -1;
        for (int i = 0; i < j && text_slot[j] < 0; i++)
            if (text[i] == text[j])
                text_slot[j] = text_slot[i];
        if (text_slot[j] < 0) {
            text_slot[j] = slots++;
            size_t m = reading_of(map_of(d, k), p, n, cps, LETTER_MAX_CPS);
            letter_text_of(&lt[text_slot[j]], cps, m);
        }
        unsigned ceiling = low == ~0u ? ~0u : low + (unsigned)cap;
        if (same >= 0)
            fit[k] = fit[same];
        else
            fit[k] = letter_fit(d, k, &lt[text_slot[j]], ceiling, low_pairs);
        low = fit[k] < low ? fit[k] : low;
    }
    /* (a reading judged before another of the same text takes what that one found too) */
    for (int j = 0; j < count; j++)
        for (uint64_t known = lt[text_slot[j]].known; known; known &= known - 1) {
            int l = __builtin_ctzll(known);
            unsigned c = lt[text_slot[j]].cost[l];
            if (c + foreign_cost(d, order[j], l) < fit[order[j]])
                fit[order[j]] = c + foreign_cost(d, order[j], l);
        }
    low = ~0u;
    for (int j = 0; j < count; j++)
        low = fit[order[j]] < low ? fit[order[j]] : low;
    /* The letters reorder the single-byte readings among themselves; the best of them keeps its
     * standing against the other readings (UTF-8, double-byte), which letters do not judge:
     * else a German line whose letter-best reading was not its plausibility-best lost "üß" to
     * a Shift_JIS private-use character. */
    float before = INFINITY, after = INFINITY;
    for (int j = 0; j < count; j++) {
        int k = order[j];
        unsigned extra = fit[k] - low < cap ? fit[k] - low : (unsigned)cap;
        before = cost[k] < before ? cost[k] : before;
        cost[k] += (float)(LETTER_WEIGHT * (double)extra / 8.0);
        after = cost[k] < after ? cost[k] : after;
    }
    for (int j = 0; j < count; j++)
        cost[order[j]] -= after - before;
}

/* What a line sure of state u costs every other state: CAP_BITS, or RULED_OUT_BITS where u is
 * UTF-8, whose sure lines (valid UTF-8 proved by its own bytes, cost_line's rules, or reading
 * naturally) no path may read otherwise, not even into a rare code page and back. */
static float others_bits(const ft_detector *d, int u)
{
    return d->cand[u] == FT_ENC_UTF8 ? (float)RULED_OUT_BITS : (float)CAP_BITS;
}

static double settled_behind(const ft_detector *d, int u)
{
    return SWITCH_BITS + (double)others_bits(d, u);
}

/* A settled state leads the forward costs at 0 and every other state is settled_behind() (and
 * its entry cost) behind it (settled_on). Whether u leads so, with the others exactly that far
 * behind (exactly) or at least that far. */
static int leads_by_settled_gap(const ft_detector *d, int u, int exactly)
{
    if (u < 0 || d->last_best != u || d->V[u] != 0.0)
        return 0;
    for (int k = 0; k < d->ncand; k++) {
        double gap = settled_behind(d, u) + d->entry[k];
        if (k != u && (exactly ? d->V[k] != gap : d->V[k] < gap))
            return 0;
    }
    return 1;
}

/* Whether state u leads at least as far as a settled state does. A fully scored line leaves the
 * others further behind, not at exactly that distance (its line costs carry the letter and prior
 * adjustments), so the settled state alone held SURE_BITS_SETTLED back for the lines after each
 * one: a third of a GB18030 file of verse was compared in full, most of it lines after another
 * compared line. */
static int leads_settled(const ft_detector *d, int u)
{
    return d->settled == u || leads_by_settled_gap(d, u, 0);
}

/* The average cost a line's first characters (tally t) may have in the current encoding (start,
 * of kind) for it to be kept without a look at the others. */
static unsigned sure_bits(const ft_detector *d, int start, int kind, const tally *t)
{
    /* Valid UTF-8 seldom happens by chance, so UTF-8 gets a little more room: one accented
     * letter in a line of Latin text ("Schlüsselwort") costs about 14 bits. */
    if (kind == FT_KIND_UTF8)
        return SURE_BITS_UTF8;
    if (kind == FT_KIND_MBCS && leads_settled(d, start) && t->hi >= SURE_PREFIX && t->cjk == t->hi &&
        t->kana == 0)
        return SURE_BITS_SETTLED;
    return SURE_BITS;
}

/* Whether the first look at the current encoding (start, of kind), which read the line's first
 * SURE_PREFIX non-ASCII characters into t, keeps it without a look at the others. Kana read the
 * same in GBK and EUC-JP: in a GB18030 state they are no evidence (a block of Japanese lines
 * stayed GB18030 after a line both read alike, "ユ〖ザ〖"), nor is a GB18030 state ever sure of a
 * line holding kana, which Chinese text seldom writes: the kanji of EUC-JP read as GBK hanzi can
 * look natural, "を指定した終了" as "を回年した姜位", and a file of Japanese opening with a line
 * of katakana lost two lines so. */
static int first_look_keeps(const ft_detector *d, int start, int kind, const tally *t)
{
    if (d->cand[start] == FT_ENC_GB18030 && t->kana)
        return 0;
    return t->hi >= SURE_CHARS && t->bad == 0 &&
           t->hicost <= (unsigned long)t->hi * Q8(sure_bits(d, start, kind, t));
}

/* Whether the first look (score_line) would keep line p[0..n) in start, a double-byte encoding,
 * told without the pair model: every one of the line's first SURE_PREFIX non-ASCII characters is
 * a code of two bytes or more read as a character that has a ceiling (ft_plausibility_ceiling:
 * ideographs, kana, Hangul, punctuation), and the ceilings with the sandwich charges pass where
 * the first look tests the costs. The model's step costs at most the ceiling there, and every
 * other charge score_map adds (capitals alone, unjoined boxes, Latin letters of KS X 1001, lone
 * pinyin, Hebrew points) is for a single byte or a character that has no ceiling, so the sum
 * bounds the first look's sum and a yes here is the first look's yes; on a no, the line gets the
 * first look. A line of prose settled in GB18030 cost about 2,000 instructions for that look
 * (the pair model's hash probes), about 150 so. */
static int sure_at_a_glance(ft_detector *d, int start, const unsigned char *p, size_t n)
{
    const ft_codec_map *m = map_of(d, start);
    if (!m || !m->dbl)
        return 0;
    int id = d->cand[start];
    tally t = {0};
    size_t i = ft_next_high(p, 0, n), end = 0; /* (end: where the code before ended) */
    while (i < n && t.hi < SURE_PREFIX) {
        unsigned b = p[i];
        if (m->type[b] != MAP_LEAD || i + 1 >= n)
            return 0;
        uint32_t cp = m->dbl[(b - 0x80) * 256 + p[i + 1]];
        size_t len = 2;
        if (!cp && (len = rare_form_length(id, p, i, n)))
            cp = RARE_FORM_CP;
        unsigned ceiling = cp && cp != FT_MAP_FALLBACK ? ft_plausibility_ceiling(cp) : FT_PL_NO_CEILING;
        if (ceiling == FT_PL_NO_CEILING)
            return 0;
        /* (the character before as far as sandwich_cost asks, ASCII or not: ASCII when ASCII
           came between, else the code before or the start of the line) */
        uint32_t prev = i > end ? 0 : 0xFFFFFFFFu;
        tally_high(&t, cp, ceiling + sandwich_cost(p, n, i, i + len, cp, prev), 1);
        t.hi++;
        end = i + len;
        i = ft_next_high(p, end, n);
    }
    return first_look_keeps(d, start, FT_KIND_MBCS, &t);
}

/* Fills cost[0..ncand) (bits) for one evidence line; returns 1 when the current encoding (start)
 * was sure enough that the others were not scored. */
static int score_line(ft_detector *d, size_t line, const unsigned char *p, size_t n, int start,
                      int esc, int valid_utf8, float *cost)
{
    const unsigned long cap = Q8(CAP_BITS);
    unsigned long raw[MAX_CAND];
    int16_t *bad = d->bad + line * MAX_CAND;
    float *plaus = d->plaus + line * MAX_CAND;
    int iso = esc ? iso2022_family(p, n) : -1;
    tally t = {0};
    count_controls(d, line, p, n);
    /* A first look at the current encoding: a natural reading of the line's first characters
     * keeps it without a look at the others (wrong readings of several characters almost never
     * average this low; when they do, they are mostly the same text, e.g. kana in GBK). */
    unsigned long c = score_cand(d, start, p, n, iso, ~0ul - cap, &t, SURE_PREFIX);
    /* (only for double-byte encodings and UTF-8: single-byte ones read each other's letters as
     * plausible letters of the same script, so they always compare) */
    int kind = ft_encoding_info_get(d->cand[start])->kind;
    /* (a line that is valid UTF-8 is compared even when the current double-byte encoding reads
     * it well: one character decides it, "Eritreë" in GBK is "Eritre毛") */
    int may_be_sure = kind == FT_KIND_UTF8 || (kind == FT_KIND_MBCS && !valid_utf8);
    int kana_mute = d->cand[start] == FT_ENC_GB18030; /* (see first_look_keeps) */
    int natural = may_be_sure && first_look_keeps(d, start, kind, &t);
    /* A line that opens with a few unusual characters (a name, a term) gets a longer look: over
     * more characters a wrong reading averages even further from this, so the test only gets
     * safer, and the full comparison below costs far more. */
    unsigned long looked = c; /* the last look at start, and how far it read */
    unsigned look_chars = SURE_PREFIX;
    if (!natural && t.hi == SURE_PREFIX && t.bad == 0 && may_be_sure) {
        t = (tally){0};
        looked = score_cand(d, start, p, n, iso, ~0ul - cap, &t, SURE_LONG_PREFIX);
        look_chars = SURE_LONG_PREFIX;
        unsigned judged = t.hi - t.kana;
        natural = judged >= SURE_PREFIX && t.bad == 0 && !(kana_mute && t.kana) &&
                  t.hicost - t.kanacost <= (unsigned long)judged * Q8(sure_bits(d, start, kind, &t));
    }
    if (natural) {
        for (int k = 0; k < d->ncand; k++) {
            cost[k] = k == start ? 0.0f : others_bits(d, start);
            bad[k] = -1, plaus[k] = -1.0f;
        }
        bad[start] = 0, plaus[start] = (float)((double)c / 8.0);
        d->rule[line] = FT_RULE_PREFIX;
        return 1;
    }
    /* (a look that stopped short of its character limit read the whole line, as the full
       scoring of start below would: its result stands in for it, for short lines most of all) */
    int looked_whole = t.hi < look_chars;
    tally look = t;
    unsigned long best = ~0ul;
    tally utf8 = {0};
    int u = -1, any_valid = 0, cjk_text = 0;
    for (int j = 0; j < d->ncand; j++) {
        int k = (start + j) % d->ncand; /* the current best state first: it sets the bar */
        unsigned long limit = best == ~0ul ? ~0ul - cap : best + cap;
        if (cjk_text && is_sbcs(d, k)) {
            raw[k] = limit, bad[k] = -1, plaus[k] = -1.0f;
            continue;
        }
        t = (tally){0};
        /* (over about the same bytes: a single-byte reading has two characters where a
           double-byte one has one; judged on MAX_CHARS each, IBM866's "й└йдйд" of the first
           half of a GB18030 table row beat the whole row's "├────") */
        unsigned max_hi = is_sbcs(d, k) ? 2 * MAX_CHARS : MAX_CHARS;
        if (j == 0 && looked_whole)
            c = looked, t = look;
        else
            c = score_cand(d, k, p, n, iso, limit, &t, max_hi);
        raw[k] = c;
        if (c < best)
            best = c;
        if (d->cand[k] == FT_ENC_UTF8)
            utf8 = t, u = k;
        /* (a reading stopped at its limit was not seen whole) */
        int whole = c < limit || limit == ~0ul - cap;
        bad[k] = whole ? (int16_t)(t.bad < 32767 ? t.bad : 32767) : -1;
        plaus[k] = whole ? (float)((double)c / 8.0) : -1.0f;
        any_valid |= whole && t.bad == 0;
        /* When the current state, a double-byte encoding, reads the whole line as CJK text
         * (CJK_TEXT_CHARS characters or more, at most CJK_TEXT_BITS a character), the
         * double-byte and UTF-8 readings are still scored, the single-byte ones not: they are
         * letter soup ("ÐÂØ¹Í£´ä") that never won such a line, and scoring thirty of them cost
         * most of the time of a file of verse. */
        if (j == 0)
            cjk_text = kind == FT_KIND_MBCS && t.bad == 0 && t.hi >= CJK_TEXT_CHARS && t.hi < max_hi &&
                       t.cjk == t.hi &&
                       t.hicost <= (unsigned long)t.hi * Q8(leads_settled(d, start) ? CJK_TEXT_BITS_SETTLED
                                                                                    : CJK_TEXT_BITS);
    }
    uint64_t high[2] = {0, 0}; /* the line's high bytes, for reads_as_common */
    for (size_t i = ft_next_high(p, 0, n); i < n; i = ft_next_high(p, i + 1, n))
        high[(p[i] - 0x80) >> 6] |= 1ull << (p[i] & 63);
    for (int k = 0; k < d->ncand; k++) {
        c = raw[k] > best + cap ? best + cap : raw[k];
        cost[k] = (float)((double)(c - best) / 8.0 - d->bonus[k]);
        if (d->twins[k] && reads_as_common(d, k, high) && !reads_control_letter(d, k))
            cost[k] -= (float)RARE_LINE_BITS;
        if (valid_utf8 && k == u) {
            unsigned counted = utf8.hi < VALID_UTF8_CHARS ? utf8.hi : VALID_UTF8_CHARS;
            cost[k] -= (float)(VALID_UTF8_BITS * counted);
        }
    }
    /* (a valid UTF-8 line whose UTF-8 reading is the best needs no letters: they only reorder the
       single-byte readings among themselves; skipping them kept clean UTF-8 text at speed) */
    int utf8_best = valid_utf8 && u >= 0;
    for (int k = 0; utf8_best && k < d->ncand; k++)
        utf8_best = cost[k] >= cost[u];
    if (!utf8_best)
        letter_evidence(d, p, n, raw, best, cap, bad, cost);
    d->rule[line] = FT_RULE_SCORED;
    /* Validity first: when some reading has no invalid byte, a reading with one is out, however
     * natural its other characters look ("谢绛" in GB18030 is "л" and a cut sequence in UTF-8).
     * Damaged UTF-8 keeps its chance: a UTF-8 reading with as many well-formed 3/4-byte
     * sequences as faults or more (a stray byte or a cut character in UTF-8 text, which a single-byte code page
     * would otherwise always win). */
    int ruled_out[MAX_CAND] = {0};
    if (any_valid)
        for (int k = 0; k < d->ncand; k++)
            ruled_out[k] = bad[k] > 0 && !(k == u && utf8.wide >= utf8.bad);
    /* Local evidence: a valid UTF-8 line its own reading prefers by UTF8_LOCAL_BITS or more is
     * UTF-8, whatever its neighbours are. */
    if (valid_utf8 && u >= 0) {
        float other = INFINITY;
        for (int k = 0; k < d->ncand; k++)
            if (k != u && cost[k] < other)
                other = cost[k];
        if (other - cost[u] >= (float)UTF8_LOCAL_BITS) {
            for (int k = 0; k < d->ncand; k++)
                ruled_out[k] |= k != u;
            d->rule[line] = FT_RULE_UTF8_LOCAL;
        }
    }
    float low = INFINITY;
    for (int k = 0; k < d->ncand; k++)
        if (!ruled_out[k] && cost[k] < low)
            low = cost[k];
    for (int k = 0; low < INFINITY && k < d->ncand; k++)
        if (ruled_out[k] && cost[k] < low + (float)RULED_OUT_BITS)
            cost[k] = low + (float)RULED_OUT_BITS;
    return 0;
}

/* Room for n lines in the per-line arrays (a batch and its context: ft_grown's large blocks). */
static int grow(ft_detector *d, size_t n)
{
    if (n <= d->cap)
        return 0;
    size_t cap = ft_capacity_for(d->cap, n, 256);
    int failed = 0;
    d->back = ft_grown(d->back, cap * MAX_CAND, 1, &failed);
    d->cost = ft_grown(d->cost, cap * MAX_CAND, sizeof *d->cost, &failed);
    d->kind = ft_grown(d->kind, cap, 1, &failed);
    d->rule = ft_grown(d->rule, cap, 1, &failed);
    d->bad = ft_grown(d->bad, cap * MAX_CAND, sizeof *d->bad, &failed);
    d->plaus = ft_grown(d->plaus, cap * MAX_CAND, sizeof *d->plaus, &failed);
    d->fwd = ft_grown(d->fwd, cap * MAX_CAND, sizeof *d->fwd, &failed);
    if (failed)
        return -1;
    d->cap = cap;
    return 0;
}

/* Long runs of lines that only one encoding reads well (UTF-8 lines, or lines the current
 * double-byte encoding is sure of) settle the forward costs where another such line changes
 * nothing: that state leads at 0, every other one at settled_behind() (and its entry cost), so each
 * would come from it.
 * Such a line's step is then written down directly instead of computed. */
static int settled_on(const ft_detector *d, int u)
{
    return leads_by_settled_gap(d, u, 1);
}

/* A settled line's rows are all known from u: costs 0 for u and CAP for the others, forward costs
 * the settled V (settled_on), no evidence, every state coming from u. Only u is written down, in
 * the first byte of its back row; settled_rows() writes the rest out when the backtrack needs
 * them (most settled lines it copies instead). Writing 45 rows of 19 bytes per line cost more
 * than the rest of a settled line's work. */
static void settled_step(ft_detector *d, size_t i, int u)
{
    d->rule[i] = FT_RULE_SETTLED;
    d->back[i * MAX_CAND] = (uint8_t)u;
}

static int settled_state_of(const ft_detector *d, size_t i)
{
    return d->back[i * MAX_CAND];
}

static void settled_rows(const ft_detector *d, int u, float *cost, double *fwd)
{
    for (int k = 0; k < d->ncand; k++) {
        cost[k] = k == u ? 0.0f : others_bits(d, u);
        fwd[k] = k == u ? 0.0 : settled_behind(d, u) + d->entry[k];
    }
}

static int index_of(const ft_detector *d, int id)
{
    for (int k = 0; k < d->ncand; k++)
        if (d->cand[k] == id)
            return k;
    return -1;
}

/* Sorts the lines: neutral (ASCII, unless ISO-2022-JP escapes; binary) or evidence, with the
 * facts the scoring takes shortcuts on; sets each line's choice as if nothing were compared. */
static void sort_lines(ft_detector *d, const ft_slice *lines, size_t n, int detecting,
                       ft_choice *choices)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)lines[i].data;
        size_t len = lines[i].len;
        line_facts f;
        classify(p, len, &f);
        unsigned warn = f.binary ? FIXTEXT_WARN_BINARY : 0;
        int enc = f.ascii ? FT_ENC_ASCII : FT_ENC_UTF8;
        if (d->forced >= 0 && !(f.ascii && ft_encoding_info_get(d->forced)->ascii_compatible))
            enc = d->forced;
        choices[i] = (ft_choice){enc, 1.0, -1, 0.0, warn, FT_RULE_NONE, {{0}}};
        d->kind[i] = LINE_NEUTRAL;
        d->rule[i] = FT_RULE_NONE;
        int iso = detecting && !f.binary && f.ascii ? iso2022_line(p, len, f.esc) : -1;
        if (detecting && !f.binary && (!f.ascii || iso >= 0))
            d->kind[i] = LINE_EVIDENCE | (f.longs >= 1 ? LINE_UTF8_LIKELY : 0) |
                         (f.leads >= 2 ? LINE_UTF8_PAIRS : 0) |
                         (f.leads >= UTF8_SURE_PAIRS ? LINE_UTF8_MANY : 0) | (iso >= 0 ? LINE_ESC : 0) |
                         (f.leads == 1 && f.longs == 0 ? LINE_UTF8_ONE : 0) |
                         (f.controls ? LINE_CONTROLS : 0);
    }
}

/* The state that leads now; on a tie the one that was best before, not the first listed: a line
 * that reads the same in two encodings (kana in EUC-JP and GBK) must not hand the lead over. */
static int leading_state(const ft_detector *d)
{
    if (d->settled >= 0)
        return d->settled; /* (settled_on: it leads at 0, every other state far behind) */
    int best = d->last_best < d->ncand ? d->last_best : 0;
    for (int k = 0; k < d->ncand; k++)
        if (d->V[k] < d->V[best])
            best = k;
    return best;
}

/* Whether valid UTF-8 p[0..n) holds a double-encoded pair: the UTF-8 of a Latin-1 reading of a
 * UTF-8 lead byte (U+00C2..U+00EF: C3 82..C3 AF) followed by that of a continuation byte's
 * Latin-1 or windows-1252 reading (U+0080..U+00BF; Œœ Šš Ÿ Žž ƒ ˆ ˜). "cafÃ©" is "café" written
 * twice through UTF-8; no legacy-encoded line of the measurement above forms it. (Pairs whose
 * second half is a three-byte character, "â€™", are 3-byte sequences and decided already.) */
static int double_encoded(const unsigned char *p, size_t n)
{
    for (const unsigned char *q = memchr(p, 0xC3, n); q && q + 3 < p + n;
         q = memchr(q + 1, 0xC3, (size_t)(p + n - q - 1))) {
        if (q[1] < 0x82 || q[1] > 0xAF)
            continue;
        unsigned a = q[2], b = q[3];
        if ((a == 0xC2 && b >= 0x80 && b <= 0xBF) ||
            (a == 0xC5 && (b == 0x92 || b == 0x93 || b == 0xA0 || b == 0xA1 || b == 0xB8 ||
                           b == 0xBD || b == 0xBE)) ||
            (a == 0xC6 && b == 0x92) || (a == 0xCB && (b == 0x86 || b == 0x9C)))
            return 1;
    }
    return 0;
}

/* Coarse script of a character a two-byte UTF-8 sequence encodes (U+0080..U+07FF): 0 for the
 * Latin-1 punctuation and symbols, which go with any script. */
static int two_byte_script(uint32_t cp)
{
    static const struct { uint32_t end; int script; } blocks[] = {
        {0x00C0, 0}, {0x0250, 1 /* Latin */}, {0x0300, 2 /* IPA, modifiers */},
        {0x0370, 3 /* combining marks */}, {0x0400, 4 /* Greek */}, {0x0530, 5 /* Cyrillic */},
        {0x0590, 6 /* Armenian */}, {0x0600, 7 /* Hebrew */}, {0x0700, 8 /* Arabic */},
        {0x0800, 9 /* Syriac, Thaana, N'Ko */},
    };
    for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++)
        if (cp < blocks[k].end)
            return blocks[k].script;
    return 9;
}

/* Whether the two-byte sequences of valid UTF-8 p[0..n) spell one script. Text written in
 * UTF-8 does (accents of one alphabet, with Latin-1 signs); GBK read as UTF-8 scatters over
 * them: "式 么值为 值为" is "ʽ ôֵΪ ֵΪ", IPA, Latin, Hebrew and Greek, six sequences. */
static int pairs_one_script(const unsigned char *p, size_t n)
{
    int seen = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] < 0xC2 || p[i] > 0xDF)
            continue;
        int script = two_byte_script(((uint32_t)(p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F));
        if (script && seen && script != seen)
            return 0;
        if (script)
            seen = script;
        i++;
    }
    return 1;
}

/* Whether valid UTF-8 p[0..n), whose only non-ASCII character is one two-byte sequence, is a line
 * of Latin words with that letter in one ("Framgångsrik programexekvering.", "você escolha"):
 * LONE_LATIN_LETTERS ASCII letters or more, and an accented Latin letter with an ASCII letter on
 * one side at least. Every legacy reading of those two bytes puts two characters in the word
 * (windows-1252's "Ã¥") or one CJK character glued to it (what sandwich_cost and lone_cjk_cost
 * charge): outside a double-byte stretch the line is UTF-8, like two such sequences
 * (UTF8_SURE_PAIRS). Before this rule, such lines (2.5% of the lines of the clean corpus) were
 * scored in every encoding and came out UTF-8 by the local-evidence rule. */
static int latin_letter_in_word(const unsigned char *p, size_t n)
{
    size_t at = 0, letters = 0;
    while (at < n && p[at] < 0x80)
        letters += ascii_letter(p[at++]);
    if (at + 2 > n || p[at] < 0xC3 || p[at] > 0xC9)
        return 0;
    uint32_t cp = (uint32_t)(p[at] & 0x1F) << 6 | (p[at + 1] & 0x3F);
    int glued = (at > 0 && ascii_letter(p[at - 1])) || (at + 2 < n && ascii_letter(p[at + 2]));
    if (cp == 0xD7 || cp == 0xF7 || !ft_is_latin_letter(cp) || !glued)
        return 0;
    for (size_t i = at + 2; i < n && letters < LONE_LATIN_LETTERS; i++)
        letters += ascii_letter(p[i]);
    return letters >= LONE_LATIN_LETTERS;
}

/* Fills line i's costs per candidate. Returns 1 when the line was settled instead (its step is
 * written down already), 0 when its costs are to go through the Viterbi step. */
static int cost_line(ft_detector *d, const ft_slice *line, size_t i, int valid, int best,
                     int utf8_state)
{
    const unsigned char *p = (const unsigned char *)line->data;
    float *cost = d->cost + i * MAX_CAND;
    const int K = d->ncand;
    int16_t *bad = d->bad + i * MAX_CAND;
    float *plaus = d->plaus + i * MAX_CAND;
    int letter_in_word = valid && (d->kind[i] & LINE_UTF8_ONE) && latin_letter_in_word(p, line->len);
    if (d->settled >= 0 && d->settled == utf8_state && valid &&
        ((d->kind[i] & (LINE_UTF8_LIKELY | LINE_UTF8_PAIRS)) || letter_in_word)) {
        settled_step(d, i, utf8_state); /* what the step below would do, written down */
        return 1;
    }
    /* Valid UTF-8 needs no other candidate when its own bytes prove it (UTF8_SURE_PAIRS above):
     * a 3/4-byte sequence, UTF8_SURE_PAIRS two-byte ones, a double-encoded pair, or two
     * two-byte ones outside a double-byte stretch. Inside one, a few two-byte sequences prove
     * little (GBK rows C0..DF read as valid Greek or Cyrillic: 系统 -> ϵͳ); elsewhere they are
     * UTF-8, Latin mojibake included (gewÃ¶hnlicher), which the repair stage must get as
     * UTF-8 rather than as a plausible-looking GBK reading. */
    unsigned rule = FT_RULE_NONE;
    if (valid && K > 1) {
        if (d->kind[i] & LINE_UTF8_LIKELY)
            rule = FT_RULE_UTF8_SEQUENCES;
        else if ((d->kind[i] & LINE_UTF8_MANY) && pairs_one_script(p, line->len))
            rule = FT_RULE_UTF8_PAIRS;
        else if ((d->kind[i] & LINE_UTF8_PAIRS) && double_encoded(p, line->len))
            rule = FT_RULE_UTF8_DOUBLE;
        else if (((d->kind[i] & LINE_UTF8_PAIRS) || letter_in_word) &&
                 ft_encoding_info_get(d->cand[best])->kind != FT_KIND_MBCS)
            rule = FT_RULE_UTF8_PAIRS;
    }
    if (K == 1) {
        cost[0] = 0; /* one candidate: nothing to compare */
        bad[0] = -1, plaus[0] = -1.0f;
        d->rule[i] = FT_RULE_NONE;
    } else if (rule != FT_RULE_NONE) {
        for (int k = 0; k < K; k++) {
            cost[k] = d->cand[k] == FT_ENC_UTF8 ? 0.0f : (float)RULED_OUT_BITS;
            bad[k] = -1, plaus[k] = -1.0f;
        }
        d->rule[i] = (uint8_t)rule;
    } else if (d->settled == best && !valid && !(d->kind[i] & LINE_ESC) &&
               ft_encoding_info_get(d->cand[best])->kind == FT_KIND_MBCS &&
               sure_at_a_glance(d, best, p, line->len)) {
        settled_step(d, i, best); /* what the first look and the branch below would do */
        return 1;
    } else if (score_line(d, i, p, line->len, best, (d->kind[i] & LINE_ESC) != 0, valid, cost) &&
               d->settled == best) {
        settled_step(d, i, best); /* sure of the state it settled on: nothing moves */
        return 1;
    }
    return 0;
}

/* Viterbi step for line i: stay in k, or come from the best state paying SWITCH and k's entry. */
static void viterbi_step(ft_detector *d, size_t i, int best)
{
    const int K = d->ncand;
    const float *cost = d->cost + i * MAX_CAND;
    uint8_t *back = d->back + i * MAX_CAND;
    double from_best = d->V[best] + SWITCH_BITS, low = INFINITY;
    double nv[MAX_CAND] = {0}; /* (K >= 1 always; the zeros quiet a false warning) */
    for (int k = 0; k < K; k++) {
        if (d->V[k] <= from_best + d->entry[k]) {
            nv[k] = d->V[k] + cost[k];
            back[k] = (uint8_t)k;
        } else {
            nv[k] = from_best + d->entry[k] + cost[k];
            back[k] = (uint8_t)best;
        }
        if (nv[k] < low)
            low = nv[k];
    }
    for (int k = 0; k < K; k++)
        d->fwd[i * MAX_CAND + k] = d->V[k] = nv[k] - low;
    if (nv[best] != low) /* else the previous best still leads (perhaps tied) */
        for (int k = 0; k < K; k++)
            if (nv[k] == low) {
                best = k;
                break;
            }
    d->last_best = best;
    d->settled = K > 1 && settled_on(d, best) ? best : -1;
}

/* Backtracks from the best final state (on a tie, the one that led last) and writes each
 * evidence line's choice and the evidence of its three best candidates.
 *
 * Scores include smoothing: alongside the backtrack runs the backward half of the Viterbi pass
 * (B: the cheapest way to read the lines after this one, per state of this one), so that
 * fwd + B is, per candidate, the cost of the best reading of the whole batch that reads this
 * line in it. The chosen encoding lies on the best path, so it has the least such cost, and each
 * other candidate's confidence is 1 / (1 + 2^d) for d, its cost above the chosen one's: d is its
 * own line cost above the chosen one's plus the switching the rest of the path pays for it. */
static void backtrack(const ft_detector *d, size_t n, ft_choice *choices)
{
    const int K = d->ncand;
    double B[MAX_CAND] = {0};
    int state = leading_state(d);
    /* A run of settled lines repeats itself: each has the same line costs and forward costs
     * (settled_step leaves V as it is), and once B comes out of a line unchanged it stays so;
     * such a line's choice is the one after it, copied (about half of the lines of a long file). */
    const ft_choice *repeat = NULL; /* the last settled line's choice, while B stands still */
    for (size_t i = n; i-- > 0;) {
        if ((d->kind[i] & LINE_EVIDENCE) && repeat && d->rule[i] == FT_RULE_SETTLED &&
            repeat->encoding == d->cand[state]) {
            choices[i] = *repeat;
        } else if (d->kind[i] & LINE_EVIDENCE) {
            const int settled = d->rule[i] == FT_RULE_SETTLED;
            float settled_cost[MAX_CAND];
            double settled_fwd[MAX_CAND];
            if (settled)
                settled_rows(d, settled_state_of(d, i), settled_cost, settled_fwd);
            const float *cost = settled ? settled_cost : d->cost + i * MAX_CAND;
            const double *F = settled ? settled_fwd : d->fwd + i * MAX_CAND;
            double M[MAX_CAND], ctx[MAX_CAND], low_line = INFINITY, low_ctx = INFINITY;
            for (int k = 0; k < K; k++) {
                M[k] = F[k] + B[k];
                ctx[k] = M[k] - cost[k];
                low_line = cost[k] < low_line ? cost[k] : low_line;
                low_ctx = ctx[k] < low_ctx ? ctx[k] : low_ctx;
            }
            /* the chosen one, then the two cheapest others (ties: the preference order); only
               the runner-up unless the evidence is asked for */
            int top[3] = {state, -1, -1};
            int ntop = d->evidence ? 3 : 2;
            for (int j = 1; j < ntop; j++)
                for (int k = 0; k < K; k++)
                    if (k != top[0] && k != top[1] && (top[j] < 0 || M[k] < M[top[j]]))
                        top[j] = k;
            ft_choice *c = &choices[i];
            c->encoding = d->cand[state];
            c->rule = d->rule[i];
            if (ntop < 3)
                c->top[2] = (ft_evidence){.encoding = -1, .invalid = -1, .plausibility = -1.0f};
            for (int j = 0; j < ntop; j++) {
                ft_evidence *e = &c->top[j];
                int k = top[j];
                if (k < 0) {
                    *e = (ft_evidence){.encoding = -1, .invalid = -1, .plausibility = -1.0f};
                    continue;
                }
                double delta = M[k] - M[state];
                delta = delta > 0 ? delta : 0;
                e->encoding = (int16_t)d->cand[k];
                e->score = j ? (float)(1.0 / (1.0 + exp2(delta))) : 1.0f;
                if (!d->evidence)
                    continue;
                e->line_bits = (float)(cost[k] - low_line);
                e->context_bits = (float)(ctx[k] - low_ctx);
                e->invalid = settled ? -1 : d->bad[i * MAX_CAND + k];
                e->plausibility = settled ? -1.0f : d->plaus[i * MAX_CAND + k];
            }
            if (top[1] >= 0) {
                c->top[0].score = 1.0f - c->top[1].score;
                c->score = c->top[0].score;
                c->runner_up = d->cand[top[1]];
                c->runner_up_score = c->top[1].score;
            } else {
                c->top[0].score = 1.0f;
                c->score = 1.0;
            }
            /* the backward costs for the line before: stay, or switch from the cheapest */
            double low = INFINITY, enter = INFINITY;
            int same = 1;
            for (int k = 0; k < K; k++) {
                low = cost[k] + B[k] < low ? cost[k] + B[k] : low;
                enter = cost[k] + B[k] + d->entry[k] < enter ? cost[k] + B[k] + d->entry[k] : enter;
            }
            for (int k = 0; k < K; k++) {
                double stay = cost[k] + B[k];
                double b = (stay < enter + SWITCH_BITS ? stay : enter + SWITCH_BITS) - low;
                same &= b == B[k];
                B[k] = b;
            }
            repeat = same && d->rule[i] == FT_RULE_SETTLED ? c : NULL;
        }
        if (d->rule[i] == FT_RULE_SETTLED)
            state = settled_state_of(d, i);
        else if (d->kind[i] & LINE_EVIDENCE) /* (a neutral line keeps every state: no back row) */
            state = d->back[i * MAX_CAND + state];
    }
}

static const char *const rule_names[FT_RULE_COUNT] = {
    [FT_RULE_NONE] = "none",
    [FT_RULE_UTF8_SEQUENCES] = "utf8-sequences",
    [FT_RULE_UTF8_PAIRS] = "utf8-pairs",
    [FT_RULE_UTF8_DOUBLE] = "utf8-double-encoded",
    [FT_RULE_UTF8_LOCAL] = "utf8-local",
    [FT_RULE_PREFIX] = "prefix",
    [FT_RULE_SETTLED] = "settled",
    [FT_RULE_SCORED] = "scored",
};

void ft_choice_describe(const ft_choice *c, fixtext_line_info *info)
{
    unsigned rule = c->rule < FT_RULE_COUNT ? c->rule : FT_RULE_NONE;
    info->decided_by = rule_names[rule];
    for (int j = 0; j < FIXTEXT_TOP_CANDIDATES; j++) {
        const ft_evidence *e = &c->top[j];
        fixtext_candidate *o = &info->candidates[j];
        if (rule == FT_RULE_NONE) { /* nothing compared: the line's encoding alone */
            *o = j ? (fixtext_candidate){NULL, 0, 0, 0, -1, -1}
                   : (fixtext_candidate){info->encoding, info->score, 0, 0, -1, -1};
            continue;
        }
        if (e->encoding < 0) {
            *o = (fixtext_candidate){NULL, 0, 0, 0, -1, -1};
            continue;
        }
        *o = (fixtext_candidate){ft_encoding_name(e->encoding), e->score, e->line_bits,
                                 e->context_bits, e->plausibility, e->invalid};
    }
}

int ft_detect_batch(ft_detector *d, const ft_slice *lines, size_t n, const uint8_t *utf8_valid,
                    ft_choice *choices)
{
    if (grow(d, n))
        return -1;
    int detecting = d->forced < 0 && !d->no_detect;
    sort_lines(d, lines, n, detecting, choices);
    if (!detecting)
        return 0;
    const int utf8_state = index_of(d, FT_ENC_UTF8);
    for (size_t i = 0; i < n; i++) {
        if (!(d->kind[i] & LINE_EVIDENCE))
            continue; /* (an ASCII line keeps every state as it is; the backtrack knows) */
        /* the pipeline has validated the lines; without its verdicts, line by line */
        int valid = utf8_valid ? utf8_valid[i]
                               : ft_utf8_valid_prefix((const unsigned char *)lines[i].data,
                                                      lines[i].len) == lines[i].len;
        int best = leading_state(d);
        if (cost_line(d, &lines[i], i, valid, best, utf8_state))
            continue;
        viterbi_step(d, i, best);
    }
    backtrack(d, n, choices);
    return 0;
}

/* ---- ranges with bounded context ---- */

int ft_detector_compares(const ft_detector *d)
{
    return d->forced < 0 && !d->no_detect && d->ncand > 1;
}

size_t ft_detect_context_before(const ft_detector *d, const ft_line_ref *lines, size_t first)
{
    if (!ft_detector_compares(d))
        return 0;
    size_t k = 0, bytes = 0;
    while (k < first && k < FT_DETECT_CONTEXT_LINES && bytes < FT_DETECT_CONTEXT_BYTES)
        bytes += lines[first - 1 - k++].len;
    return k;
}

size_t ft_detect_context_after(const ft_detector *d, const ft_line_ref *lines, size_t end,
                               size_t nlines, int *complete)
{
    *complete = 1;
    if (!ft_detector_compares(d))
        return 0;
    size_t k = 0, bytes = 0;
    while (k < FT_DETECT_CONTEXT_LINES && bytes < FT_DETECT_CONTEXT_BYTES) {
        if (end + k == nlines) {
            *complete = 0;
            break;
        }
        bytes += lines[end + k++].len;
    }
    return k;
}

static int grow_range(ft_detector *d, size_t n)
{
    if (n <= d->range_cap)
        return 0;
    size_t cap = ft_capacity_for(d->range_cap, n, 256);
    int failed = 0;
    d->range_choices = ft_grown(d->range_choices, cap, sizeof *d->range_choices, &failed);
    d->range_valid = ft_grown(d->range_valid, cap, 1, &failed);
    if (failed)
        return -1;
    d->range_cap = cap;
    return 0;
}

/* One pass from a fresh state over the context before, the range and the context after: the
 * backtrack from the end of the context after decides the range's lines exactly as a pass over
 * the whole input would whenever the context holds a line that settles the state. */
int ft_detect_range(ft_detector *d, const ft_slice *lines, size_t before, size_t n, size_t after,
                    const uint8_t *utf8_valid, ft_choice *choices)
{
    size_t total = before + n + after;
    if (before == 0 && after == 0) {
        ft_detector_reset(d);
        return ft_detect_batch(d, lines, n, utf8_valid, choices);
    }
    if (grow_range(d, total))
        return -1;
    for (size_t i = 0; i < total; i++) {
        int in_range = i >= before && i < before + n;
        d->range_valid[i] = in_range && utf8_valid
                                ? utf8_valid[i - before]
                                : ft_utf8_valid_prefix((const unsigned char *)lines[i].data,
                                                       lines[i].len) == lines[i].len;
    }
    ft_detector_reset(d);
    if (ft_detect_batch(d, lines, total, d->range_valid, d->range_choices))
        return -1;
    memcpy(choices, d->range_choices + before, n * sizeof *choices);
    return 0;
}
