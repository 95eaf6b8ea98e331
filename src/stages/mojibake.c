/* mojibake.c — undoes wrong decodings inside a line: UTF-8 read as windows-1252/latin-1/cp1250/
 * ISO-8859-2/cp1251/MacRoman/cp437/GB18030 (GBK)/Big5/CP932 (Shift_JIS)/CP949 (EUC-KR), the same
 * double-byte codecs' bytes read
 * as windows-1252/latin-1, Big5 read as GBK and the reverse, the same twice or three times over,
 * lossy variants (a byte lost as '?' or U+FFFD, a no-break space made plain), "锟斤拷", and stray
 * C1 controls that stand for windows-1252 characters.
 *
 * How: for a reading X→Y (the text was bytes in Y decoded as X), the line's characters are encoded
 * with X; where those bytes form a run of valid Y sequences that starts and ends on character
 * boundaries, the run is a candidate span. Readings into UTF-8 are judged span by span; readings
 * into a double-byte codec on the whole line (a line decoded with the wrong double-byte codec is
 * wrong everywhere). A change is made only when the plausibility model (plausibility.c, plus the
 * mojibake-typical penalties in extra_cost()) finds the text clearly cheaper, context included,
 * after a prior that favours UTF-8 and windows-1252. Each round keeps the best reading (looking one
 * round ahead when a UTF-8 and a double-byte reading compete); up to four rounds. A repair is then
 * vetoed when it brings in what no text holds (brings_in_rare: stranded trail bytes, private use,
 * rare ideographs...) or what text of one language would not (brings_in_stray: one character of
 * another script, a mark that forms no letter, an ideograph glued alone into a Latin word).
 *
 * Hot path: clean lines leave after one scan of their bytes through the gate (gate_step(): C1,
 * U+FFFD, private use, a UTF-8 lead byte's windows-1252 reading before a continuation byte's, a
 * symbol glued to a Latin-1 character, rare symbols, or many rare CJK characters). Then per-codec
 * bit masks and a byte-level UTF-8 walk decide which readings are worth trying. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "mojibake_codecs.h"

#define MAX_ROUNDS 4

/* Flags of an encoded byte. */
enum { BF_WILD = 1, BF_QMARK = 2, BF_BARRIER = 4 };

typedef struct {
    uint32_t *v;
    size_t len, cap;
} cpvec;

enum { FOLLOW_UP_NONE, FOLLOW_UP_ANY, FOLLOW_UP_LOST };

/* Mojibake comes by the document: a page decoded with the wrong codec is wrong on every line
 * that has text. So a reading that repairs CONTEXT_READING_LINES lines of a document on their
 * own pays no prior on its other lines (waived()): spans as short as "integer 俱计" (Big5 "整數"
 * read as GBK) or "SHELLOPTS£¬" fall short of the margin alone. Two lines, not one: one line
 * may be a quotation of mojibake in clean text. One count per reading X→Y: */
#define READING_TARGETS (MB_NCODECS - MB_FIRST_DBCS)
#define READING_SLOTS (MB_UTF8 * READING_TARGETS)
#define CONTEXT_READING_LINES 2
/* ... lines at most CONTEXT_RADIUS lines away: a mixup belongs to a stretch of text (a page, a
 * file), and a block of lines read as one document may hold many (a crawl's pages, one after the
 * other). With the whole block as the document, clean lines near no mixup took the prior waiver
 * from lines of other pages: "¡Hola, Caperucita verde!" became "좭ola" beside Korean pages read
 * as Latin-1 (measured at document_supports). */
#define CONTEXT_RADIUS 32
_Static_assert(READING_SLOTS <= FT_SURVEY_COUNTS, "a survey count per reading");

static inline int reading_slot(int X, int Y)
{
    return X * READING_TARGETS + (Y - MB_FIRST_DBCS);
}

typedef struct ft_mojibake {
    int latin_line; /* most letters of the line are Latin, so CJK characters there are suspect
                       ("Das »+芦") */
    int x_codec; /* the codec X the reading being tried re-encodes with */
    size_t lost_pairs; /* input characters gbk_lead_pair() before a U+FFFD (remember_input) */
    int follow_up; /* judging the rest of a line with the reading already applied to it
                      (FOLLOW_UP_ANY), or only its lost characters (FOLLOW_UP_LOST) */
    int first_round; /* cur is the line as it came, not a round's output */
    int codecs_ready; /* mb_codecs_init() succeeded (done at the first non-ASCII line) */
    cpvec cur, best, alt, scratch, scratch2, tmp, trial;
    cpvec after_round[MAX_ROUNDS]; /* cur after each round of repair_line */
    cpvec judged; /* rejudge_code_page()'s best reading so far */
    cpvec tokens; /* letter tokens of a reading, for the per-language letter models */
    uint64_t input_filter[64]; /* the line's characters as it came (remember_input) */
    const char *in;            /* ... and the line itself, in[0..in_len) (borrowed) */
    size_t in_len;
    uint64_t *step_cache; /* step()'s recent answers (ft_pair_cache_new), or NULL; owned here */
    const UNormalizer2 *nfc; /* ICU's, owned by ICU: whether a mark forms a character */
    cpvec ocache_v;   /* ocost() values for cur, UINT32_MAX = not yet */
    uint32_t *ocache;
    /* encoding of cur with one codec: bytes, flags, owning character; char start offsets */
    uint8_t *eb, *ef;
    uint32_t *own;
    size_t *cstart;
    size_t ecap, ccap;
    /* Readings whose prior the document pays (document_supports), by reading_slot(); and whether
       a reading fell short of its margin by no more than that (a near miss) */
    uint8_t supported[READING_SLOTS]; /* (all 0 but while ft_mojibake_repair rereads a line) */
    int near_miss;
    int nbsp_line;  /* the line's non-ASCII characters are two or more "聽" among ASCII text
                       (nbsp_line_of) */
    int big5_signs; /* the gate passed the line as clean, and met a sign of Big5 read as GBK
                       (gbk_symbol_rows, gbk_letter_rows) */
    int gate_open; /* the gate is passed over: the document showed a mixup the line's few
                      characters may hold (ft_mojibake_repair) */
    ft_buf survey_out; /* what ft_mojibake_survey's repairs write, thrown away */
} ft_mojibake;

static int vec_reserve(cpvec *v, size_t n)
{
    if (n <= v->cap)
        return 0;
    size_t cap = ft_capacity_for(v->cap, n, 64);
    uint32_t *p = realloc(v->v, cap * sizeof *p);
    if (!p)
        return -1;
    v->v = p, v->cap = cap;
    return 0;
}

static int vec_copy(cpvec *to, const cpvec *from)
{
    if (vec_reserve(to, from->len))
        return -1;
    memcpy(to->v, from->v, from->len * sizeof *from->v);
    to->len = from->len;
    return 0;
}

static inline int vec_push(cpvec *v, uint32_t c)
{
    if (v->len == v->cap && vec_reserve(v, v->len + 1))
        return -1;
    v->v[v->len++] = c;
    return 0;
}

void *ft_mojibake_new(const fixtext_options *o, char *err, size_t errlen)
{
    ft_mojibake *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    (void)o;
    UErrorCode status = U_ZERO_ERROR;
    m->nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) {
        if (err && errlen)
            snprintf(err, errlen, "mojibake: ICU has no NFC data (%s)", u_errorName(status));
        free(m);
        return NULL;
    }
    return m;
}

void ft_mojibake_free(void *state)
{
    ft_mojibake *m = state;
    if (!m)
        return;
    free(m->cur.v), free(m->best.v), free(m->alt.v), free(m->scratch.v), free(m->scratch2.v), free(m->tmp.v), free(m->ocache_v.v);
    free(m->trial.v), free(m->judged.v), free(m->tokens.v), free(m->step_cache);
    free(m->eb), free(m->ef), free(m->own), free(m->cstart);
    for (int k = 0; k < MAX_ROUNDS; k++)
        free(m->after_round[k].v);
    ft_buf_free(&m->survey_out);
    free(m);
}

/* ---- plausibility with mojibake-specific features ---- */

/* A CJK character (ft_is_cjk) or one of the vertical and small forms Big5 decodes its punctuation
 * to: CJK text either way, and suspect beside a Latin letter. */
static inline int cjk_class(const ft_char_class *c)
{
    return ft_cc_cjk(c) || (c->flags & FT_CC_CJK_COMPAT_FORM);
}
static inline int is_cjk(uint32_t c)
{
    return cjk_class(ft_cc_record(c));
}

/* Alphabetic script of a letter or of a mark of the same script (Thaana writes its vowels as
 * marks) whose record is c: 1 Latin, 2 Greek, 3 Cyrillic, 4 the alphabets of the Middle East
 * (Armenian, Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic), 0 anything else. */
static int alphabet(uint32_t cp, const ft_char_class *c)
{
    switch (c->flags & FT_CC_COMBINING_MARK ? c->script : ft_cc_letter_script(cp, c)) {
    case FT_USCRIPT_LATIN:
        return ft_cc_latin_letter(c); /* (not the full-width letters of CJK text) */
    case FT_USCRIPT_GREEK:
        return 2;
    case FT_USCRIPT_CYRILLIC:
        return 3;
    case FT_USCRIPT_ARMENIAN: case FT_USCRIPT_HEBREW: case FT_USCRIPT_ARABIC:
    case FT_USCRIPT_SYRIAC: case FT_USCRIPT_THAANA: case FT_USCRIPT_NKO:
    case FT_USCRIPT_SAMARITAN: case FT_USCRIPT_MANDAIC:
        return 4;
    default:
        return 0;
    }
}

/* A windows-1252 reading of a double-byte lead that Latin text seldom puts before a letter:
 * Big5's full-width punctuation "¡A" "¡C", Shift_JIS katakana "ƒp" "ƒb". */
static int dbcs_lead_reading(uint32_t l)
{
    /* Big5 leads A4-BF read as Latin-1 symbols ("©M" for 和, "¥O" for 令), less the ones that
       units, numbers and quotations put before a letter (°C, µm, ², ·, ª, º, « », ¿) */
    static const char skip[] = "\xAA\xAB\xB0\xB2\xB3\xB5\xB7\xB9\xBA\xBB\xBC\xBD\xBE\xBF";
    if (l >= 0xA4 && l <= 0xBF && !memchr(skip, (int)l, sizeof skip - 1))
        return 1;
    if (ft_is_c1_control(l))
        return 1; /* the latin-1 reading of a lead byte */
    return (l >= 0xA1 && l <= 0xA3) || l == 0x201A || l == 0x0192 || l == 0x02C6 || l == 0x2030 ||
           l == 0x2039 || l == 0x02DC || l == 0x2122 || l == 0x203A;
}


/* A math symbol read from a UTF-8 lead byte, glued to what a continuation byte reads as: Mac
 * Roman's "√à" for È, "¬°" for ¡, "√ü" for ß. Text puts a root or a not sign before a digit or a
 * letter of its own ("√2"), seldom before an accented letter or a symbol of the code page's upper
 * half: such a pair costs this many bits instead of the 6 of other such pairs (with 6, the
 * development catalogues' Mac Roman lines fell 1-2 bits short of the margin). */
#define MATH_LEAD_BITS 10

/* Extra cost (1/8 bits) of c after prev for patterns that only wrong decodings write. */
static unsigned extra_cost(int latin_line, uint32_t prev, uint32_t c)
{
    const ft_char_class *rp = ft_cc_record(prev), *rc = ft_cc_record(c); /* (looked up once) */
    unsigned x = 0;
    /* "锟斤拷" / "烫烫" are what U+FFFD and uninitialised memory look like through GBK */
    if ((prev == 0x951F && c == 0x65A4) || (prev == 0x65A4 && c == 0x62F7) || c == 0x951F)
        x += 8 * 10;
    /* a Latin-1 reading of a UTF-8 lead byte (Ã Â Å Ä â ã ä å æ ç è é ê ë ï ð) next to a
       symbol or another such reading */
    if (prev >= 0xC2 && prev <= 0xEF && c >= 0xA0 && c <= 0xBF)
        x += 8 * 6;
    /* ... and the same in the other single-byte codecs, where one of the two is no letter:
       windows-1251's "Г©" and "В«" for é and «, Mac Roman's "√ú" for Ü (box drawing aside:
       cp437 tables put "┼" before "│", which is ų's UTF-8; and a no-break space before a letter:
       Mac Roman's "\u00A0à" is ʈ's, while windows-1251's "Г\u00A0" is à's) */
    else if (prev >= 0x80 && prev < 0x10000 && c >= 0x80 && c < 0x10000 &&
             (mb_mask_lead[prev] & mb_mask_cont[c] & ((1u << MB_FIRST_DBCS) - 1)) &&
             !((rp->flags & FT_CC_LETTER) && (rc->flags & FT_CC_LETTER)) &&
             !((rp->flags | rc->flags) & FT_CC_BOX_DRAWING) && rp->category != FT_GC_ZS)
        x += 8 * (rp->category == FT_GC_SM ? MATH_LEAD_BITS : 6);
    if (rc->flags & FT_CC_PRIVATE_USE)
        x += 8 * 4;
    /* a double-byte lead's windows-1252 reading before its ASCII trail: "¡A" (Big5 "，") */
    if (c >= 0x40 && c < 0x7F && dbcs_lead_reading(prev))
        x += 8 * 8;
    /* a CJK character glued to a Latin letter ("caf茅", "na茂ve"): a double-byte reading of
       accented Latin */
    int cjk = cjk_class(rc);
    if ((cjk && ft_cc_latin_letter(rp)) || (cjk_class(rp) && ft_cc_latin_letter(rc)))
        x += 8 * 5;
    /* a letter of another alphabet glued to a letter ("ĞÜ" + Syriac "ܪ") */
    int sa = alphabet(prev, rp), sb = alphabet(c, rc);
    if (sa && sb && sa != sb)
        x += 8 * 4;
    if (latin_line && cjk)
        x += 8 * 6;
    return x;
}

/* A Latin-1 capital with an accent (À..Þ but ×), as its small letter; 0 for anything else. */
static uint32_t accented_capital_small(uint32_t c)
{
    return c >= 0xC0 && c <= 0xDE && c != 0xD7 ? c + 0x20 : 0;
}

/* Words in capitals ("ÜBERSICHT", a heading): an accented Latin-1 capital before an ASCII capital
 * costs as the two small letters; the model's text, mostly in small letters, holds few such
 * pairs ("ÜB" cost 31 bits, and UTF-8's Ü read as GBK, "脺BERSICHT", stayed). Not after an ASCII
 * capital: "WÜrterbuch" then beat "Wörterbuch" between two readings of windows-1250 mojibake.
 * Two accented capitals are not folded: GBK read as windows-1252 is made of them ("ÖÐÎÄ"). */
static unsigned pair_cost(uint32_t prev, uint32_t c)
{
    uint32_t sp = accented_capital_small(prev);
    if (sp && c >= 'A' && c <= 'Z')
        return ft_plausibility_step(sp, c + 0x20);
    return ft_plausibility_step(prev, c);
}

/* (a pure function of the pair and latin_line: cached, as the rounds ask the same pairs again) */
static unsigned step(const ft_mojibake *m, uint32_t prev, uint32_t c)
{
    uint64_t key = ft_pair_cache_key(prev, c, (unsigned)m->latin_line);
    long hit = ft_pair_cache_get(m->step_cache, key);
    if (hit >= 0)
        return (unsigned)hit;
    unsigned cost = pair_cost(prev, c) + extra_cost(m->latin_line, prev, c);
    ft_pair_cache_put(m->step_cache, key, cost);
    return cost;
}

/* ---- one reading over the current text ---- */

static int ensure_enc(ft_mojibake *m, size_t bytes, size_t chars)
{
    if (bytes + 1 > m->ecap) {
        size_t cap = m->ecap ? m->ecap : 256;
        while (cap < bytes + 1)
            cap *= 2;
        uint8_t *eb = realloc(m->eb, cap);
        if (!eb)
            return -1;
        m->eb = eb;
        uint8_t *ef = realloc(m->ef, cap);
        if (!ef)
            return -1;
        m->ef = ef;
        uint32_t *own = realloc(m->own, cap * sizeof *own);
        if (!own)
            return -1;
        m->own = own;
        m->ecap = cap;
    }
    if (chars + 1 > m->ccap) {
        size_t cap = m->ccap ? m->ccap : 128;
        while (cap < chars + 1)
            cap *= 2;
        size_t *cs = realloc(m->cstart, cap * sizeof *cs);
        if (!cs)
            return -1;
        m->cstart = cs, m->ccap = cap;
    }
    return 0;
}

/* Encodes cur with codec X. Returns the number of encoded bytes, or (size_t)-1 on ENOMEM. Sets
 * *useful when at least one non-ASCII character has a byte sequence in X. */
static size_t encode_line(ft_mojibake *m, int X, int *useful)
{
    size_t n = m->cur.len;
    if (ensure_enc(m, 2 * n, n))
        return (size_t)-1;
    size_t k = 0;
    *useful = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = m->cur.v[i];
        m->cstart[i] = k;
        uint8_t b[2];
        int len = mb_encode(X, c, b);
        if (len) {
            m->eb[k] = b[0], m->ef[k] = c == '?' ? BF_QMARK : 0, m->own[k] = (uint32_t)i, k++;
            if (len == 2)
                m->eb[k] = b[1], m->ef[k] = 0, m->own[k] = (uint32_t)i, k++;
            if (c >= 0x80)
                *useful = 1;
        } else {
            m->eb[k] = 0;
            m->ef[k] = c == FT_REPLACEMENT ? BF_WILD : BF_BARRIER;
            m->own[k] = (uint32_t)i, k++;
        }
    }
    m->cstart[n] = k;
    return k;
}

static inline int aligned(const ft_mojibake *m, size_t k, size_t total)
{
    return k == total || k == 0 || m->own[k] != m->own[k - 1];
}

/* EUC-KR's eight-byte syllables (ft_hangul_eight_byte_syllable), composed in place. */
static void compose_euckr(cpvec *v)
{
    size_t o = 0;
    for (size_t i = 0; i < v->len; i++) {
        uint32_t syllable = i + 3 < v->len ? ft_hangul_eight_byte_syllable(v->v + i) : 0;
        if (syllable) {
            v->v[o++] = syllable;
            i += 3;
            continue;
        }
        v->v[o++] = v->v[i];
    }
    v->len = o;
}

/* Decodes a run of Y sequences from byte p (a character start) into m->tmp. Returns the end byte
 * (a character boundary) or 0 when no span starts here. *real counts sequences decoded from
 * intact bytes.
 * (Over 80 lines on purpose: one walk over the encoded bytes whose cases — lost bytes, '?',
 * U+FFFD, resynchronisation — share its cursor and counters; in pieces, each would take them all.) */
static int is_ascii_alnum(uint32_t c);
static inline int is_rare(uint32_t ch);

/* ch's GBK code when it is a UTF-8 three-byte lead and a continuation (E0..EF 80..BF), else 0:
 * what a CJK character or punctuation mark in UTF-8 looks like through GBK when its last byte is
 * lost ("涓�" for 中, E4 B8 AD). */
static unsigned gbk_lead_pair(uint32_t ch)
{
    uint8_t b[2];
    if (mb_encode(MB_GB18030, ch, b) != 2 || b[0] < 0xE0 || b[0] > 0xEF || b[1] < 0x80 || b[1] > 0xBF)
        return 0;
    return (unsigned)b[0] << 8 | b[1];
}

/* Whether ch, a character of the line as it came before a U+FFFD, is GBK's reading of a UTF-8
 * character whose last byte was lost. Text cut mid-stream has one U+FFFD, after a character of
 * its own: so the line must hold LOST_PAIRS_MIN such pairs (lost_pairs, counted by
 * remember_input), or the character must be one of seven that are no characters of real text,
 * the readings of punctuation and kana: "鈥" (E2 80: “ ” —), "銆" (E3 80: 。 、 《 》), "銇" "銈" "銉" (E3 81..83),
 * "锛" "锝" (EF BC, EF BD: ，：（）). (A first version took any rare character, and in Chinese
 * text cut mid-character, 1 line in 1,000 of it, ate "搔" of "出门搔�首" and "頁" of "本頁�".) */
/* (at 2, 3 of 77,878 Chinese lines cut mid-character twice lost a character) */
#define LOST_PAIRS_MIN 3
static int lost_lead_pair(const ft_mojibake *m, int X, uint32_t ch)
{
    static const uint16_t punctuation[] = {0xE280, 0xE380, 0xE381, 0xE382, 0xE383, 0xEFBC, 0xEFBD};
    unsigned code = X == MB_GB18030 ? gbk_lead_pair(ch) : 0;
    if (!code)
        return 0;
    if (m->lost_pairs >= LOST_PAIRS_MIN)
        return 1;
    for (size_t i = 0; i < sizeof punctuation / sizeof *punctuation; i++)
        if (code == punctuation[i])
            return 1;
    return 0;
}

/* The margin of a lone "à" whose no-break space was made plain (run_pass). Such a span gains 8.5 to
 * 14 bits ("Point-Ã -Point" 8.5, "Ã jour." at the start of a line 10.3, "mettre Ã jour" 14.3),
 * under the usual 12-bit margin of a two-character span; its shape (plain_space_after_a_grave)
 * is what guards clean text. */
#define A_GRAVE_MARGIN_BITS 4

/* Whether a word starts at byte k of the encoded line: an ASCII character, or a two-byte UTF-8
 * sequence read as windows-1252 ("Ã©" of "à éditer", "Â«" of "à « 1 »"; its second byte may be a
 * no-break space made plain too). */
static int word_starts_at(const ft_mojibake *m, size_t k, size_t total)
{
    if (k >= total || (m->ef[k] & 7))
        return 0;
    uint8_t b = m->eb[k];
    if (b > ' ' && b < 0x7F)
        return 1;
    return b >= 0xC2 && b <= 0xDF && k + 1 < total && !(m->ef[k + 1] & 7) &&
           (ft_utf8_is_continuation(m->eb[k + 1]) || m->eb[k + 1] == ' ');
}

/* A line that lists letters one by one: an alphabet ("% A Ą Ã B C D E É" in a locale's
 * comments), where "Ã B" is the letter Ã, not "à B". French "de A à B" has two single letters. */
#define LETTER_LIST_TOKENS 5
static int lists_letters(const ft_mojibake *m)
{
    const uint32_t *c = m->cur.v;
    size_t n = m->cur.len, singles = 0;
    for (size_t k = 0; k < n && singles < LETTER_LIST_TOKENS; k++)
        singles += (k == 0 || c[k - 1] == ' ') && (k + 1 == n || c[k + 1] == ' ') &&
                   (ft_cc(c[k]) & FT_CC_LETTER);
    return singles >= LETTER_LIST_TOKENS;
}

/* Whether the two-byte sequence at byte k of the encoded line, whose second byte is a plain space,
 * is "à" whose no-break space was made plain ("voilÃ tout", "jusqu'Ã 10", "appartenir Ã un",
 * "point-Ã -point", "(Ã l'aide", "Ã Ãªtre"): C3 at the start of the line or after a small letter,
 * an apostrophe, a space, a hyphen or an opening bracket or quote, before a word or the end. Alone
 * such a span is one character, so anything else that reads so stays: a capital "Ã" ending a word
 * of capitals ("IRMÃ DE"), "Ã ã" or "Ã B" in a list of letters (lists_letters), "Å " or "Â " (Š
 * and a no-break space would come back). */
static int plain_space_after_a_grave(const ft_mojibake *m, size_t k, size_t total)
{
    if (m->eb[k] != 0xC3 || lists_letters(m))
        return 0;
    size_t i = m->own[k];
    uint32_t before = i ? m->cur.v[i - 1] : ' ';
    if (!(before == ' ' || before == '\'' || before == 0x2019 || before == '-' || before == '(' ||
          before == '"' || before == 0xAB || before == 0x201C ||
          (ft_is_latin_letter(before) && ft_general_category(before) == FT_GC_LL)))
        return 0;
    return k + 2 >= total || word_starts_at(m, k + 2, total);
}

/* Whether the character before byte k of the encoded line is a hyphen: "Point-Ã -Point" is
 * "Point-à-Point", a compound, while "identique Ã -l" is "identique à -l", an option after it. */
static int inside_compound(const ft_mojibake *m, size_t k)
{
    size_t i = m->own[k];
    return i > 0 && m->cur.v[i - 1] == '-';
}

/* Whether the text after a plain-space "à" continues one of Portuguese's contractions with "à"
 * (às, àquele(s), àquela(s), àquilo), so the space is not put back: "Ã s vezes" is "às vezes". */
static int a_grave_contraction(const uint8_t *t, size_t n)
{
    static const char *const rests[] = {"s", "quele", "queles", "quela", "quelas", "quilo"};
    for (size_t r = 0; r < sizeof rests / sizeof *rests; r++) {
        size_t len = strlen(rests[r]);
        if (n >= len && !memcmp(t, rests[r], len) && (n == len || !is_ascii_alnum(t[len])))
            return 1;
    }
    return 0;
}

/* Whether byte k of the encoded line starts an everyday CJK character or punctuation mark of the
 * line (not a rare one). A U+FFFD that stands for a lost lead byte takes the continuation bytes
 * after it, but never such a character's: after a UTF-8 stream cut mid-character, the text goes
 * on ("陆�《钗头凤》"), and GBK codes of everyday text begin with A1..BF, UTF-8 continuation bytes
 * ("《" is A1 B6), which the U+FFFD swallowed, 1 line in 4,000 of Chinese text cut so. */
static int everyday_cjk_at(const ft_mojibake *m, size_t k)
{
    uint32_t c = m->cur.v[m->own[k]];
    if (m->cstart[m->own[k]] != k || is_rare(c))
        return 0;
    /* (and the punctuation Chinese text takes from GB2312's first row: "浣溪沙·秋", "协议”") */
    return is_cjk(c) || (c >= 0x3000 && c < 0x3040) || (c >= 0xFF00 && c < 0xFF61) || c == 0xB7 ||
           c == 0x2014 || c == 0x2026 || (c >= 0x2018 && c <= 0x201D);
}

static size_t decode_span(ft_mojibake *m, int Y, size_t p, size_t total, unsigned *real)
{
    const uint8_t *e = m->eb, *f = m->ef;
    size_t k = p;
    m->tmp.len = 0;
    *real = 0;
    /* the longest prefix that ends on a character boundary with a real sequence in it: a run
       that goes wrong at its end still repairs up to there (and no start is rescanned) */
    size_t good_k = 0, good_len = 0;
    unsigned good_real = 0;
    while (k < total) {
        uint8_t b = e[k];
        if (f[k] & BF_BARRIER)
            break;
        int al = aligned(m, k, total);
        if (al && k > p && *real) {
            good_k = k, good_len = m->tmp.len, good_real = *real;
        }
        if (b < 0x80 && !(f[k] & BF_WILD)) {
            if (al) {
                /* a '?' that stands for a lost UTF-8 lead byte: continuation bytes follow */
                if (!((f[k] & BF_QMARK) && Y == MB_UTF8 && k + 1 < total && !(f[k + 1] & 7) &&
                      ft_utf8_is_continuation(e[k + 1])))
                    break;
            } else {
                if (vec_push(&m->tmp, b))
                    return (size_t)-1;
                k++;
                continue;
            }
        }
        if ((f[k] & BF_WILD) || (b == '?' && (f[k] & BF_QMARK))) {
            /* a lost lead byte: it and the continuation bytes it led become one U+FFFD */
            k++;
            if (Y == MB_UTF8)
                for (int t = 0; t < 3 && k < total && !(f[k] & 7) && ft_utf8_is_continuation(e[k]) &&
                                !everyday_cjk_at(m, k);
                     t++)
                    k++;
            if (vec_push(&m->tmp, FT_REPLACEMENT))
                return (size_t)-1;
            continue;
        }
        int L = mb_lead_length(Y, b);
        if (!L)
            break;
        int lost = 0, bad = 0, t;
        for (t = 1; t < L; t++) {
            if (k + t >= total || (f[k + t] & BF_BARRIER)) {
                bad = 1;
                break;
            }
            if ((f[k + t] & BF_WILD) || (f[k + t] & BF_QMARK)) {
                lost = 1;
                break;
            }
            /* (a lost byte ends a UTF-8 sequence only after continuation bytes: in "Papeña?"
               read as windows-1252, ñ is F1, a four-byte lead, and "a?" is no sequence of it) */
            if (Y == MB_UTF8 && !ft_utf8_is_continuation(e[k + t]) &&
                !(m->x_codec == MB_CP1252 && e[k + t] == ' ')) { /* (a no-break space made plain: below) */
                bad = 1;
                break;
            }
        }
        if (bad)
            break;
        if (lost) {
            /* a continuation byte was lost: the character cannot be recovered */
            size_t end = k + (size_t)t + 1;
            /* lead and continuation intact: still evidence of a single-byte reading, of a
               double-byte one already applied to the line (its follow-up), and of GBK's reading
               of the line as it came when lost_lead_pair() says so ("銆" for 。, but not "手"
               before a UTF-8 stream cut mid-character; nor characters a round restored beside a
               U+FFFD) */
            if (Y == MB_UTF8 && t >= 2 &&
                (m->x_codec < MB_FIRST_DBCS || m->follow_up ||
                 (m->first_round && lost_lead_pair(m, m->x_codec, m->cur.v[m->own[k]]))))
                (*real)++;
            /* a lead alone before its lost byte: evidence only in a single-byte follow-up, the
               line's reading known ("(fÄ�)" is pinyin's ā, C4 81, and 81 is no windows-1252
               character) */
            else if (Y == MB_UTF8 && t == 1 && m->x_codec < MB_FIRST_DBCS && m->follow_up)
                (*real)++;
            if (Y == MB_UTF8)
                while (end < k + (size_t)L && end < total && !(f[end] & 7) && ft_utf8_is_continuation(e[end]))
                    end++;
            /* the other placeholders of this character's lost bytes: a decoder that writes one
               U+FFFD or '?' per bad byte gave two for 行's A1 8C read as GBK ("进��") and for
               名's 90 8D read as windows-1252 ("å??"), one character; unless continuation bytes
               follow them, led by a character whose lead was lost */
            size_t wild = end;
            while (Y == MB_UTF8 && wild < k + (size_t)L && wild < total &&
                   (f[wild] & (BF_WILD | BF_QMARK)))
                wild++;
            if (wild > end && !(wild < total && !(f[wild] & 7) && ft_utf8_is_continuation(e[wild])))
                end = wild;
            k = end;
            if (vec_push(&m->tmp, FT_REPLACEMENT))
                return (size_t)-1;
            continue;
        }
        uint32_t cp;
        int used;
        if (Y == MB_UTF8 && m->x_codec == MB_CP1252 && memchr(e + k + 1, ' ', (size_t)L - 1)) {
            /* A no-break space (A0 in windows-1252, a continuation byte) that some editor or web
               page turned into a plain space: "ä½ å¥½" for 你好. */
            if (L == 2 && !plain_space_after_a_grave(m, k, total))
                break;
            uint8_t seq[4];
            memcpy(seq, e + k, (size_t)L);
            for (int t2 = 1; t2 < L; t2++)
                if (seq[t2] == ' ')
                    seq[t2] = 0xA0;
            used = mb_decode(Y, seq, (size_t)L, &cp);
        } else {
            used = mb_decode(Y, e + k, total - k, &cp);
        }
        if (!used)
            break;
        /* planes 3-13 and 15-16 hold nothing text uses (plane 14 its tags and variation
           selectors); noncharacters and unassigned code points neither (GBK verse read as
           Latin-1 holds "Ô°", which UTF-8 reads as the unassigned U+0530, and that reading
           took the line from GB18030's) */
        if ((cp >= 0x30000 && (cp < 0xE0000 || cp > 0xE01EF)) || ft_is_noncharacter(cp) ||
            (ft_cc(cp) & FT_CC_UNASSIGNED))
            break;
        if (vec_push(&m->tmp, cp))
            return (size_t)-1;
        /* "voilÃ tout": the no-break space that was à's second byte and the space after à
           became one plain space; à ends its word (French à, voilà, déjà; Italian città), so
           the space comes back, but before the punctuation that follows a word directly
           ("voilà.", "déjà,") */
        if (cp == 0xE0 && used == 2 && e[k + 1] == ' ' && word_starts_at(m, k + 2, total) &&
            !strchr(".,)]}>", e[k + 2]) && !(e[k + 2] == '-' && inside_compound(m, k)) &&
            !a_grave_contraction(e + k + 2, total - k - 2) && vec_push(&m->tmp, ' '))
            return (size_t)-1;
        k += (size_t)used;
        *real += used >= 2; /* a lone half-width katakana byte proves nothing */
    }
    if (Y == MB_EUCKR)
        compose_euckr(&m->tmp);
    if (k > p && *real && aligned(m, k, total))
        return k;
    m->tmp.len = good_len;
    *real = good_real;
    return good_k;
}

typedef struct {
    long gain;          /* 1/8 bits saved */
    unsigned spans;
    size_t covered;     /* characters of cur inside accepted spans */
    size_t first, last; /* 0-based character columns in cur of the first and last span */
} pass_result;

/* Whether cur[i..j), read into m->tmp, is characters lost whole as the line came: pairs of a
 * character and U+FFFD found side by side in the input line (GBK's "銆" for the first two
 * bytes of "。" and U+FFFD for its last), each read as one U+FFFD. A character a round restored
 * next to a U+FFFD ("浏�") is no such pair: the input never had it. */
static int lost_as_they_came(const ft_mojibake *m, size_t i, size_t j)
{
    const uint32_t *c = m->cur.v;
    if ((j - i) % 2 || m->tmp.len != (j - i) / 2)
        return 0;
    for (size_t t = 0; t < m->tmp.len; t++)
        if (m->tmp.v[t] != FT_REPLACEMENT)
            return 0;
    for (size_t t = i; t < j; t += 2) {
        unsigned char pair[7];
        if (c[t] == FT_REPLACEMENT || c[t + 1] != FT_REPLACEMENT)
            return 0;
        size_t n = ft_utf8_encode(c[t], pair);
        n += ft_utf8_encode(c[t + 1], pair + n);
        if (!memmem(m->in, m->in_len, pair, n))
            return 0;
    }
    return 1;
}

/* Whether cur[i..j), read into m->tmp, is accented Latin letters inside a word of ASCII letters:
 * the pinyin of "服务(fú wù)" read as GBK, "(w霉)", which a lossy line's follow-up takes too. Read
 * as Greek or Cyrillic beside a U+FFFD ("位置" as "λ") it is no such word. */
static int letters_in_a_word(const ft_mojibake *m, size_t i, size_t j)
{
    const uint32_t *c = m->cur.v;
    for (size_t t = 0; t < m->tmp.len; t++)
        if (m->tmp.v[t] < 0x80 || !ft_is_latin_letter(m->tmp.v[t]))
            return 0;
    int before = i > 0 && (c[i - 1] | 0x20) >= 'a' && (c[i - 1] | 0x20) <= 'z';
    int after = j < m->cur.len && (c[j] | 0x20) >= 'a' && (c[j] | 0x20) <= 'z';
    return m->tmp.len > 0 && (before || after);
}

/* Whether c is part of a word: a letter, a mark, a digit or a modifier symbol (˓ ˇ). */
static int word_character(uint32_t c)
{
    unsigned gc = ft_general_category(c);
    return (gc >= FT_GC_LU && gc <= FT_GC_NO) || gc == FT_GC_SK;
}

/* Whether a non-ASCII letter of the line stands beside a restored letter d of its own script,
 * outside the span: then the word around is clean text of that script, for a single-byte
 * reading garbles a whole word ("Привет" read as windows-1251 is "РџСЂРёРІРµС‚", every letter).
 * The Russian "ВПЕРЁД" holds "РЁ", windows-1251's D0 A8, UTF-8's "Ш": it read "ВПЕШД". */
static int clean_letter_beside(uint32_t neighbour, uint32_t d)
{
    return neighbour >= 0x80 && (ft_cc(neighbour) & FT_CC_LETTER) && (ft_cc(d) & FT_CC_LETTER) &&
           ft_letter_script(neighbour) == ft_letter_script(d);
}

/* A repair restores text: each span's reading is characters some language writes, where its
 * language writes them. Not a span read only as word characters the model's text never holds
 * (a Yoruba "Àìkú" read as MacRoman is "˓kú"; a collation table's "#犮0" read as Big5 "#ɥ0";
 * "“ß” as “ẞ”" read as MacRoman "ҧ” as “ẞ”"), nor one double-byte character read as one letter
 * that touches no letter and is no word of its own, or as a mark on no letter: the collation
 * table's "#峖0" read as GBK "#Φ0", "#瓣1491" read as Big5 "#ä1491", "'庰'" read as GBK "'ε'";
 * nor a single-byte reading inside a word of clean letters of its script (clean_letter_beside).
 * European text read as GBK puts its letters inside words ("caf茅"), after an elision
 * ("jusqu'脿" is "jusqu'à"; a quotation mark is no elision: "'庰'") or as a word of its own
 * (Italian "è", "猫"; "isto 茅," "point-脿-point"); its symbols, Latin-1's, stand anywhere ("漏 2004" is "© 2004"), while
 * the other two-byte symbols are another script's punctuation ("#貙0" read as "#،0"). */
static int reads_as_text(const ft_mojibake *m, int X, size_t i, size_t j)
{
    const cpvec *t = &m->tmp;
    size_t words = 0, seen = 0;
    for (size_t k = 0; k < t->len; k++)
        if (t->v[k] >= 0x80 && word_character(t->v[k]))
            words++, seen += ft_plausibility_seen(t->v[k]);
    if (words && !seen)
        return 0;
    const uint32_t *c = m->cur.v;
    uint32_t before = i ? c[i - 1] : ' ', after = j < m->cur.len ? c[j] : ' ';
    if (X < MB_FIRST_DBCS)
        return !t->len || (!clean_letter_beside(before, t->v[0]) &&
                           !clean_letter_beside(after, t->v[t->len - 1]));
    if (j - i != 1 || t->len != 1)
        return 1;
    unsigned gc = ft_general_category(t->v[0]);
    if (gc == FT_GC_MN || gc == FT_GC_MC || gc == FT_GC_ME)
        return ft_cc(before) & FT_CC_LETTER;
    if (!(ft_cc(t->v[0]) & FT_CC_LETTER))
        return t->v[0] <= 0xFF;
    int elided = (before == '\'' || before == 0x2019) && i >= 2 && (ft_cc(c[i - 2]) & FT_CC_LETTER);
    int opens = before == ' ' || before == '\t' || before == '-' || before == '(';
    int closes = after == ' ' || after == '\t' || (after && after < 0x80 && strchr("-,.;:!?)", (int)after));
    int word_of_its_own = opens && closes;
    return (ft_cc(before) & FT_CC_LETTER) || (ft_cc(after) & FT_CC_LETTER) || elided ||
           word_of_its_own;
}

static inline int big5_punct_sign(uint32_t ch);

/* A symbol that Big5 makes of GBK's punctuation, glued to CJK text ("▲早秋◎" for "《早秋》",
 * "来检查结果﹝" for "。", "版本号ㄛ使用" for "，"), costs this much more than the model says:
 * the model prices a symbol it seldom saw at about 15 bits wherever it stands, and verse titles
 * and short lines of such text read within the reading's margin of their repair. */
#define PUNCT_READING_BITS 12

/* Cost of cur[t] after cur[t-1] (t >= 1), computed once per round. */
static inline unsigned ocost(ft_mojibake *m, size_t t)
{
    uint32_t v = m->ocache[t];
    if (v == UINT32_MAX) {
        const uint32_t *c = m->cur.v;
        v = step(m, c[t - 1], c[t]);
        if (big5_punct_sign(c[t]) && (is_cjk(c[t - 1]) || (t + 1 < m->cur.len && is_cjk(c[t + 1]))))
            v += 8 * PUNCT_READING_BITS;
        m->ocache[t] = v;
    }
    return v;
}

/* How much likelier one reading is than another before looking at the text, in 1/8 bits: valid
 * UTF-8 rarely happens by chance, while almost any byte pair is some GBK or Big5 character.
 * (Between GBK and Big5, 8 bits: with 14, short spans beside ASCII, "readlineㄛ" for
 * "readline，", stayed garbled; 8 changes none of 184 MB of clean man pages and catalogues.) */
static unsigned prior_q(int X, int Y)
{
    if (Y == MB_UTF8)
        /* windows-1252/latin-1 is by far the commonest single-byte reading */
        return X == MB_CP1252 ? 0 : X < MB_FIRST_DBCS ? 8 * 8 : 8 * 3;
    return X < MB_FIRST_DBCS ? 8 * 10 : 8 * 8;
}

/* The part of a reading's margin that says "this text is mojibake" rather than "this reading
 * reads better": the fixed 8 bits and the reading's prior. A document that shows the same mixup
 * on lines of its own pays it (CONTEXT_READING_LINES); the 2 bits a character stay. */
static unsigned waivable_q(int X, int Y)
{
    return 8 * 8 + prior_q(X, Y);
}

/* Whether the document may pay reading X→Y's prior: not for double-byte text read into UTF-8,
 * where one CJK character alone is often a Latin-1 symbol's UTF-8 in GBK or Big5: in glibc's
 * pinyin collation table, a character per line, a few lines read so on their own, and with the
 * waiver 16 more followed, "#隆8112" as "#¡8112". */
static int may_waive(int X, int Y)
{
    return Y != MB_UTF8 || X < MB_FIRST_DBCS;
}

static int waived(const ft_mojibake *m, int X, int Y)
{
    return may_waive(X, Y) && m->supported[reading_slot(X, Y)];
}

/* The share of the margin every changed character pays, 2 bits, document or not. */
static unsigned long share_q(size_t chars)
{
    return (unsigned long)chars * 8 * 2;
}

/* Margin and prior of reading X→Y over `chars` characters, as the line's document lets it pay. */
static unsigned long margin_q(const ft_mojibake *m, int X, int Y, size_t chars)
{
    return share_q(chars) + (waived(m, X, Y) ? 0 : waivable_q(X, Y));
}

static long prior_paid(const ft_mojibake *m, int X, int Y)
{
    return waived(m, X, Y) ? 0 : (long)prior_q(X, Y);
}

/* Whether reading X→Y of `chars` characters, which failed, would pass where the document pays
 * (cost: the reading's text; original: the text as it stands). */
static int near_miss(const ft_mojibake *m, int X, int Y, size_t chars, unsigned long cost,
                     unsigned long original)
{
    return may_waive(X, Y) && !waived(m, X, Y) && cost + share_q(chars) < original;
}

/* GBK's rows A4..A9, by lead byte: kana (A4, A5), Greek (A6), Cyrillic (A7), pinyin and bopomofo
 * (A8), box drawing (A9): what GBK makes of Big5's commonest ideographs (gbk_symbol_rows and
 * gbk_letter_rows below). */
enum {
    GBK_SIGN_ROW_FIRST = 0xA4,
    GBK_GREEK_ROW = 0xA6,
    GBK_LETTER_ROW_LAST = 0xA8,
    GBK_SIGN_ROW_LAST = 0xA9,
};

/* Whether a letter of GBK's sign rows is in cur. */
static int cur_holds_gbk_letters(const ft_mojibake *m)
{
    for (size_t i = 0; i < m->cur.len; i++) {
        uint8_t b[2];
        if (mb_encode(MB_GB18030, m->cur.v[i], b) == 2 && b[0] >= GBK_SIGN_ROW_FIRST &&
            b[0] <= GBK_LETTER_ROW_LAST && (ft_cc(m->cur.v[i]) & FT_CC_LETTER))
            return 1;
    }
    return 0;
}

/* Applies reading X→Y to cur, writing the result into m->trial.
 * (Over 80 lines on purpose: one left-to-right walk whose span, cost and cache state are shared by
 * every branch; the branches read best in place, beside each other.) */
/* In the follow-up of a line read as UTF-8 from a double-byte codec, a span that reads as
 * no-break spaces alone is one: C2 A0 is what UTF-8 makes of a no-break space, and GBK reads it
 * "聽", the mark of web pages whose &nbsp; went through the wrong codec ("聽聽聽 尝试下列例子"
 * kept its three 聽 beside the restored text: a run of no-break spaces costs more in the model
 * than a common ideograph). */
static int nbsp_follow_up(const ft_mojibake *m, int X)
{
    if (!(m->follow_up || (m->nbsp_line && X == MB_GB18030)) || X < MB_FIRST_DBCS || !m->tmp.len)
        return 0;
    for (size_t t = 0; t < m->tmp.len; t++)
        if (m->tmp.v[t] != 0xA0)
            return 0;
    return 1;
}

/* An ideograph the double-byte codec X cannot encode. */
static int foreign_ideograph(int X, uint32_t c)
{
    uint8_t b[2];
    return ft_is_han(c) && mb_encode(X, c, b) != 2;
}

static int run_pass(ft_mojibake *m, int X, int Y, size_t total, pass_result *res)
{
    const uint32_t *c = m->cur.v;
    size_t n = m->cur.len;
    memset(res, 0, sizeof *res);
    m->trial.len = 0;
    m->x_codec = X;
    int line_mode = Y != MB_UTF8;
    unsigned long line_co = 0, line_cn = 0;
    size_t line_chars = 0, line_wide = 0, line_misses = 0, line_hangul = 0, line_kana = 0;
    size_t line_box = 0; /* box drawing a double-byte reading made: a table row when two */
    int line_cuts_word = 0; /* a span of the reading cuts a word of ASCII letters in two */
    size_t i = 0;
    while (i < n) {
        uint32_t ch = c[i];
        size_t p = m->cstart[i];
        if (ch >= 0x80 || ch == '?' ) {
            unsigned real;
            size_t q = (m->ef[p] & BF_BARRIER) ? 0 : decode_span(m, Y, p, total, &real);
            if (q == (size_t)-1)
                return -1;
            if (line_mode && !q && !(m->ef[p] & BF_BARRIER) && ch >= 0x80 &&
                ++line_misses > 2 + line_chars / 8) {
                /* a line in this double-byte codec decodes nearly everywhere; this one does
                   not: stop before costing more of it */
                res->spans = 0;
                return 0;
            }
            if (q) {
                size_t j = q == total ? n : m->own[q];
                /* CJK characters read as alphabetic letters (all 2-byte UTF-8) beside another CJK
                   character: never what happened ("滂滂" is not "۵۵" in Chinese text), skip the
                   costing (clean CJK text is full of codes that are also 2-byte sequences) */
                if (X >= MB_FIRST_DBCS && is_cjk(ch) &&
                    ((i > 0 && (is_cjk(c[i - 1]) || c[i - 1] >= 0x3000)) ||
                     (j < n && (is_cjk(c[j]) || c[j] >= 0x3000)))) {
                    /* (a U+FFFD among them is no wide character either: "浣�沙" is a cut
                       stream's "浣" and "沙", not a lost character and "ɳ") */
                    int all_alpha = 1, alpha = 0;
                    for (size_t t = 0; t < m->tmp.len && all_alpha; t++) {
                        all_alpha = m->tmp.v[t] < 0x800 || m->tmp.v[t] == FT_REPLACEMENT;
                        alpha |= m->tmp.v[t] < 0x800;
                    }
                    if (all_alpha && alpha) {
                        if (vec_push(&m->trial, ch))
                            return -1;
                        i++;
                        continue;
                    }
                }
                uint32_t prev = m->trial.len ? m->trial.v[m->trial.len - 1] : 0xFFFFFFFFu;
                uint32_t next = j < n ? c[j] : 0xFFFFFFFFu;
                unsigned long co = 0, cn = 0;
                uint32_t a = prev;
                for (size_t t = i; t < j; t++) {
                    /* the original side is the same for every reading: cached per round */
                    if (t > i || (i > 0 && prev == c[i - 1]))
                        co += ocost(m, t);
                    else
                        co += step(m, a, c[t]);
                    a = c[t];
                }
                if (next != 0xFFFFFFFFu)
                    co += ocost(m, j);
                a = prev;
                for (size_t t = 0; t < m->tmp.len; t++) {
                    uint32_t d = m->tmp.v[t];
                    cn += step(m, a, d), a = d;
                }
                if (next != 0xFFFFFFFFu)
                    cn += step(m, a, next);
                int same = m->tmp.len == j - i && !memcmp(m->tmp.v, c + i, (j - i) * sizeof *c);
                /* clearly better: a fixed margin plus a share of the span, so a single odd
                   character in clean text never flips; in a follow-up (the line's other spans
                   already read this way) better is enough */
                unsigned long margin = m->follow_up ? 0 : margin_q(m, X, Y, j - i);
                /* "à" whose no-break space was made plain, alone: its context was asked for when
                   it was read (plain_space_after_a_grave), so the margin is smaller */
                if (!m->follow_up && X == MB_CP1252 && Y == MB_UTF8 && j - i == 2 &&
                    c[i] == 0xC3 && c[i + 1] == ' ')
                    margin = 8 * A_GRAVE_MARGIN_BITS;
                if (line_mode && !same && X >= MB_FIRST_DBCS &&
                    ((i > 0 && foreign_ideograph(X, c[i - 1])) || (j < n && foreign_ideograph(X, c[j])))) {
                    /* a span glued to an ideograph that X has no code for sits in text that never
                       went through X: in clean Chinese "终极贴纸" (终 and 贴 are no Big5
                       characters), Big5's code of 极 read as GB18030 is "体" */
                    res->spans = 0;
                    return 0;
                }
                if (line_mode && !same) {
                    /* double-byte readings are judged on the whole line: a line decoded with the
                       wrong double-byte codec is wrong everywhere, and single characters alone
                       say too little */
                    line_co += co, line_cn += cn, line_chars += j - i;
                    for (size_t t = i; t < j; t++)
                        line_wide += ft_is_c1_control(c[t]); /* a C1 control is evidence */
                    if (line_cn > line_co + 8 * 24) {
                        /* already far worse than the text as it is: a wrong reading */
                        res->spans = 0;
                        return 0;
                    }
                    /* a span that starts a word and took an ASCII character as a trail byte:
                       Spanish "¡Abre" is A1 41 "bre", Big5's "，bre" (Spanish catalogues and
                       fortunes lost their "¡" lines so); "readline¡A", Big5 "readline，" read
                       as windows-1252, follows its word */
                    int ascii_inside = 0, punct_trail = 0;
                    for (size_t t = i; t < j; t++) {
                        ascii_inside |= c[t] < 0x80;
                        punct_trail |= c[t] < 0x80 && !is_ascii_alnum(c[t]);
                    }
                    /* (a letter whose trail byte was an ASCII letter, inside a word of ASCII
                       letters: a Latin word cut in two, Turkish "a´dan z´ye" is CP949's "a큕an
                       z큮e" and Big5's "a悲an z描e"; double-byte text read as a code page puts
                       its codes beside other codes, "Linux¨t²Î" for "Linux系統") */
                    int letter_in_word = ascii_inside && i > 0 && is_ascii_alnum(c[i - 1]) &&
                                         j < n && is_ascii_alnum(c[j]);
                    line_cuts_word |= letter_in_word;
                    if (i > 0 && (ft_cc(c[i - 1]) & (FT_CC_LETTER | FT_CC_DIGIT | FT_CC_HAN)))
                        ascii_inside = 0;
                    for (size_t t = 0; t < m->tmp.len; t++) {
                        uint32_t d = m->tmp.v[t];
                        /* (Korean text writes KS X 1001's syllables, and no kana: a syllable of
                           CP949's extension made with an ASCII trail byte is a code page's
                           symbol and letter read together, Big5's box drawing "¢x" read as
                           "쥅", and kana say Japanese; Big5 "│ssh-askpass │的" read as
                           windows-1252 came back "쥅ssh-askpass 쥅ず") */
                        uint8_t yb[2];
                        if (Y == MB_EUCKR && ft_is_hangul(d) && mb_encode(Y, d, yb) == 2 && yb[1] < 0x80)
                            continue;
                        line_kana += Y == MB_EUCKR && ft_is_kana(d);
                        line_box += ft_is_box_drawing(d);
                        line_hangul += ft_is_hangul(d);
                        if (letter_in_word && (ft_cc(d) & FT_CC_LETTER))
                            continue;
                        if (d == 0x3000 || (d >= 0xFE10 && d <= 0xFE6F))
                            continue; /* an ideographic space ("¡¡" is A1 A1) is no evidence, nor
                                         are the vertical, compatibility and small forms (Big5's
                                         A1A1 is "﹛"), which text seldom writes */
                        /* one character alone whose trail byte was ASCII punctuation counts
                           nothing: code and APL regular expressions glue symbols to brackets
                           ("[+¯]?" is Big5's "[+珠?"); double-byte text read so comes in runs
                           ("¤@ºØ" is 一種), where such trail bytes are everyday (一 is A4 40) */
                        if (punct_trail && m->tmp.len == 1)
                            continue;
                        /* full-width punctuation counts double: a lone "，" is evidence enough,
                           unless it swallowed an ASCII character: then it counts nothing */
                        int punct = (ft_cc(d) & (FT_CC_CJK_PUNCT | FT_CC_HALFWIDTH)) == FT_CC_CJK_PUNCT;
                        if (ascii_inside && punct)
                            continue;
                        line_wide += (d >= 0x2E80) + punct;
                    }
                } else if (!same && (cn + margin < co || nbsp_follow_up(m, X)) &&
                           (m->follow_up != FOLLOW_UP_LOST || lost_as_they_came(m, i, j) ||
                            letters_in_a_word(m, i, j)) &&
                           (m->follow_up || reads_as_text(m, X, i, j))) {
                    res->gain += (long)(co - cn) - prior_paid(m, X, Y);
                } else {
                    if (!same && !m->follow_up && margin == margin_q(m, X, Y, j - i) &&
                        near_miss(m, X, Y, j - i, cn, co) && reads_as_text(m, X, i, j))
                        m->near_miss = 1;
                    same = 1;
                }
                if (!same) {
                    res->covered += j - i;
                    if (!res->spans)
                        res->first = i;
                    res->last = j - 1;
                    res->spans++;
                    for (size_t t = 0; t < m->tmp.len; t++)
                        if (vec_push(&m->trial, m->tmp.v[t]))
                            return -1;
                    i = j;
                    continue;
                }
            }
        }
        if (vec_push(&m->trial, ch))
            return -1;
        i++;
    }
    if (line_mode && res->spans) {
        unsigned long margin = margin_q(m, X, Y, line_chars);
        /* (Korean is written in Hangul: a CP949 reading without a syllable is no Korean text,
           and Danish "æøåÆØÅ" read so was the Hanja "染樣唜"; nor with kana, above) */
        int language = Y != MB_EUCKR || (line_hangul > 0 && !line_kana);
        /* (one wide character alone is evidence where the document shows the mixup, unless
           the reading cuts a Latin word: Turkish "a´dan z´ye ... 9´a," is Big5's "a悲an z描e
           ... 9徨," beside Big5 tables read as windows-1252) */
        size_t wide_needed = waived(m, X, Y) && !line_cuts_word ? 1 : 2;
        if (line_box >= 2) /* (the bars of a table row: Big5's "¢x" is "│") */
            line_wide += line_box;
        /* (a line the gate passed, read again where the document shows this mixup on lines of
           their own, holding none of GBK's letters (kana, Greek, Cyrillic, bopomofo) but its
           symbols, which the model knows little of, is the document's: its reading may read a
           little worse than the text as it stands, "(safer), ㎝" for "和". Letters keep the
           margin: Japanese lines among the document's, "READLINE_LINE や", are not its) */
        int symbols_only = m->gate_open && waived(m, X, Y) && !cur_holds_gbk_letters(m);
        int reads_well = symbols_only ? line_cn < line_co + share_q(line_chars) : line_cn + margin < line_co;
        if (language && line_wide >= wide_needed && reads_well) {
            res->gain = (long)(line_co - line_cn) - prior_paid(m, X, Y);
        } else {
            if (language && line_wide >= 1 && near_miss(m, X, Y, line_chars, line_cn, line_co))
                m->near_miss = 1;
            res->spans = 0;
        }
    }
    return 0;
}

/* Rare characters for the line gate, one bit per BMP character, built once from the plausibility
 * model: CJK characters costing at least GATE_RARE_CJK_BITS, and symbols of the Latin-1/General
 * Punctuation/half-width katakana repertoire costing at least GATE_RARE_SYMBOL_BITS (letters are
 * excluded: "ÜBERSICHT" is no sign). A bit per character keeps the gate at one load per
 * character.
 *
 * The model is pooled: the CJK languages hold about a quarter of its weight, so a character's
 * cost there is about 2 bits above its cost in CJK text. At 16 bits (14 in CJK text) classical
 * verse, whose characters modern text seldom uses, sent one real Chinese line in twelve past the
 * gate (3,830 of 47,920 lines of bench/work/real-zh.txt's first 3 MB, each then tried by every
 * reading); at 17 bits one in 24 (1,963), with the development mojibake set restored exactly as
 * before (5,694 of 5,706); at 18 bits Big5 read as GBK and GB18030 read as Big5 lost cases
 * (5,689), at 20 bits UTF-8 read as CP949 most of its class. */
enum { GATE_RARE_CJK_BITS = 17, GATE_RARE_SYMBOL_BITS = 16 };
/* ... and the share of a line's CJK characters that must be rare for the readings to be tried
 * (gate_rare_run). Measured on the development split of the mojibake cases
 * (bench/work/mojibake_dev.jsonl, 6,805 lossless cases, gen_mojibake.py devset): at 1/4, 3/10
 * and 1/3 the same 6,796 are restored and no negative is changed; at 2/5 6,793 (UTF-8 read as
 * Shift_JIS, "聽" for no-break spaces), at 1/2 6,787. 3/10 keeps a step from that edge. Real
 * Chinese text, where verse is what passes (bench/work/real-zh.txt, 125,858 lines): at 1/4
 * 7,022 lines went on past the gate to the readings, at 3/10 4,813; default run 53.4 -> 50.3 ms.
 * The price, on bench/bench_mojibake.sh's 105,084 garbled lines: one fewer restored (104,716),
 * "--tag ぃや穿 --text 家Α", Big5 read as GBK with one rare character of four. */
enum { GATE_RARE_SHARE_NUM = 3, GATE_RARE_SHARE_DEN = 10 };
static uint64_t rare_bits[0x10000 / 64]; /* bit ch & 63 of word ch >> 6: the word of a three-byte
                                            UTF-8 character is its first two bytes' payload */
static pthread_once_t rare_once = PTHREAD_ONCE_INIT;

/* The repertoire the Latin and Shift_JIS readings produce besides letters: Latin-1 and the other
 * alphabets' blocks below U+0370, General Punctuation up to Miscellaneous Technical, half-width
 * katakana. */
static inline int in_reading_repertoire(uint32_t ch)
{
    return ch < 0x370 || (ch >= 0x2000 && ch < 0x2600) || ft_is_halfwidth_katakana(ch);
}

/* Which characters of U+3000..303F (bits 0-63) and U+FF00..FF7F (bits 64-191) are CJK (the
 * Han 々 〇 〡..〩 are): clean_by_bytes() takes a shortcut over the others without a look-up. */
static uint64_t punct_blocks_cjk[3];
/* U+3000..U+303F and U+FF00..U+FF7F, indexed as punct_blocks_cjk: the characters of those
 * blocks that clean_by_bytes passes over without a look-up (plain_cjk_gate's "plain punctuation":
 * not CJK, and nothing the run of ideographs after them looks at) */
static uint64_t punct_blocks_plain[3];
/* The symbols GBK's reading of Big5 text makes of Big5's commonest ideographs (rows A4..AF: "和"
 * A9 4D is "㎝", "或" A9 CE "┪") and Chinese text seldom writes: GBK's rows A4..A9 but their
 * letters (kana, Greek, Cyrillic, pinyin, bopomofo: Japanese, Russian and Greek text would pay
 * for the look on nearly every line), where the symbol costs more in the model than what Big5
 * reads its code as. One bit per BMP character. A line of a word or two that holds one looks
 * clean to the gate ("PAM ㎝ NSS"), and is read as Big5 only where its document shows that
 * mixup on lines of its own (ft_mojibake_repair). */
static uint8_t gbk_symbol_rows[0x10000 / 8];
/* ... and the letters of GBK's rows A6..A8 (Greek, Cyrillic, pinyin, bopomofo; not kana) that
 * cost more than their Big5 reading, which count where glued to an ideograph ("家Α/" for "模式/",
 * "把ǎ" for "參見"): Russian and Greek words are made of letters, "ō" is a Latin letter of many
 * languages, and Chinese text glues a Greek letter to an ideograph seldom ("α粒子"; its Big5
 * reading must then read better still: run_pass keeps the margin for letters). */
static uint8_t gbk_letter_rows[0x10000 / 8];
/* ... and the ideographs that neither Big5 nor Shift_JIS has, GBK's simplified forms ("计" where
 * Big5 and Japanese write "計"), by U+4E00 + bit: kana glued to one is no Japanese ("ま计" for
 * Big5's "引數"), where Japanese glues kana to its kanji on every line. */
static uint8_t gbk_only_ideographs[(0xA000 - 0x4E00) / 8];

/* What Big5 reads GBK's CJK punctuation and full-width forms as, where that is a symbol, a
 * bopomofo letter or a small form ("《早秋》" is "▲婌⑦◎", "。" is "﹝", "，" is "ㄛ", "（" is "ㄗ";
 * not the punctuation Chinese writes everywhere, "〃" is Big5's "”"). The gate counts
 * them as rare CJK characters, and so does the test that tries Big5's reading of GBK text: a
 * verse title or a line of two words holds too few ideographs to show its mixup by them. */
static uint8_t big5_of_gbk_punct[0x10000 / 8];

static inline int big5_punct_sign(uint32_t ch)
{
    return ch < 0x10000 && (big5_of_gbk_punct[ch >> 3] >> (ch & 7) & 1);
}

static inline int gbk_only_ideograph(uint32_t ch)
{
    return ch >= 0x4E00 && ch < 0xA000 && (gbk_only_ideographs[(ch - 0x4E00) >> 3] >> (ch & 7) & 1);
}

static inline int punct_block_cjk(uint32_t ch)
{
    unsigned k = ch >= 0xFF00 ? 64 + (ch - 0xFF00) : ch - 0x3000;
    return punct_blocks_cjk[k >> 6] >> (k & 63) & 1;
}

/* What gate_step needs to know of a BMP character, in one load instead of its class record and
 * three masks (gate_info: flags in bits 0-7, then the single-byte codecs' masks):
 * most characters of most scripts pass in a few instructions. */
enum {
    GATE_SIGN = 1,    /* alone a sign: a C1 control, a private-use character, or a rare symbol
                         of the repertoire Latin and Shift_JIS readings produce (see gate_step) */
    GATE_FFFD = 2,    /* U+FFFD: a sign where a lost byte counts */
    GATE_LATIN1 = 4,  /* U+00A0..U+00FF: the symbol-beside-letter test */
    GATE_LETTER = 8,  /* a Latin letter */
    GATE_CJK = 16,    /* cjk_class */
    GATE_RARE = 32,   /* is_rare, of a CJK character */
    GATE_BIG5_SIGN = 64, /* a symbol of GBK's rows A4..A9 (big5_signs) */
    GATE_KNOWN = 128, /* the entry is filled in */
};
#define GATE_CONT(info) ((info) >> 8 & 0xFF)  /* mb_mask_cont, single-byte codecs */
#define GATE_LEAD(info) ((info) >> 16 & 0xFF) /* mb_mask_lead less mb_mask_long, likewise */
#define GATE_LONG(info) ((info) >> 24)        /* mb_mask_long, likewise */
_Static_assert(MB_FIRST_DBCS <= 8, "the single-byte codecs' masks fit a byte");
/* (filled in as characters are met, not all at once: the 65,536 entries took 2 ms, which a file
   of one line paid; every thread writes an entry the same value) */
static _Atomic uint32_t gate_info[0x10000];

static uint32_t gate_info_of(uint32_t ch)
{
    const unsigned latin = (1u << MB_FIRST_DBCS) - 1;
    const ft_char_class *c = ft_cc_record(ch);
    unsigned f = 0;
    int cjk = cjk_class(c), rare = is_rare(ch);
    if (ft_is_c1_control(ch) || (c->flags & FT_CC_PRIVATE_USE) ||
        (!cjk && rare && in_reading_repertoire(ch) && mb_mask_high[ch]))
        f |= GATE_SIGN;
    if (ch == FT_REPLACEMENT)
        f |= GATE_FFFD;
    if (ch >= 0xA0 && ch <= 0xFF)
        f |= GATE_LATIN1;
    if (ft_cc_latin_letter(c))
        f |= GATE_LETTER;
    if (cjk)
        f |= GATE_CJK | (rare ? GATE_RARE : 0);
    if (big5_punct_sign(ch))
        f |= GATE_CJK | GATE_RARE;
    if (gbk_symbol_rows[ch >> 3] >> (ch & 7) & 1)
        f |= GATE_BIG5_SIGN;
    uint32_t cont = mb_mask_cont[ch] & latin, lng = mb_mask_long[ch] & latin;
    uint32_t lead = mb_mask_lead[ch] & latin & ~lng;
    return f | cont << 8 | lead << 16 | lng << 24;
}

static inline uint32_t gate_info_at(uint32_t ch)
{
    uint32_t info = atomic_load_explicit(&gate_info[ch], memory_order_relaxed);
    if (!(info & GATE_KNOWN)) {
        info = gate_info_of(ch) | GATE_KNOWN;
        atomic_store_explicit(&gate_info[ch], info, memory_order_relaxed);
    }
    return info;
}

/* The gate's tables (rare_bits and the ones after it), once, from the model and the codecs. */
static void build_gate_tables(void)
{
    for (uint32_t ch = 0x80; ch < 0x10000; ch++) {
        int cjk = is_cjk(ch);
        if (!cjk && !(in_reading_repertoire(ch) && !ft_is_latin_letter(ch)))
            continue;
        if (ft_plausibility_unigram(ch) >= 8u * (cjk ? GATE_RARE_CJK_BITS : GATE_RARE_SYMBOL_BITS))
            rare_bits[ch >> 6] |= 1ull << (ch & 63);
    }
    for (unsigned k = 0; k < 192; k++)
        if (is_cjk(k < 64 ? 0x3000 + k : 0xFF00 + (k - 64)))
            punct_blocks_cjk[k >> 6] |= 1ull << (k & 63);
    for (unsigned lead = GBK_SIGN_ROW_FIRST; lead <= GBK_SIGN_ROW_LAST; lead++)
        for (unsigned trail = 0x40; trail <= 0xFE; trail++) {
            uint8_t b[2] = {(uint8_t)lead, (uint8_t)trail};
            uint32_t ch, big5;
            if (mb_decode(MB_GB18030, b, 2, &ch) != 2 || ch >= 0x10000 ||
                mb_decode(MB_BIG5, b, 2, &big5) != 2 ||
                ft_plausibility_unigram(big5) >= ft_plausibility_unigram(ch))
                continue;
            if (!(ft_cc(ch) & FT_CC_LETTER))
                gbk_symbol_rows[ch >> 3] |= (uint8_t)(1u << (ch & 7));
            else if (lead >= GBK_GREEK_ROW && lead <= GBK_LETTER_ROW_LAST)
                gbk_letter_rows[ch >> 3] |= (uint8_t)(1u << (ch & 7));
        }
    for (unsigned lead = 0xA1; lead <= 0xA3; lead += 2) /* (GBK's rows of punctuation) */
        for (unsigned trail = 0xA1; trail <= 0xFE; trail++) {
            uint8_t b[2] = {(uint8_t)lead, (uint8_t)trail};
            uint32_t gbk, big5;
            const unsigned punct = FT_CC_CJK_PUNCT | FT_CC_FULLWIDTH;
            if (mb_decode(MB_GB18030, b, 2, &gbk) == 2 && mb_decode(MB_BIG5, b, 2, &big5) == 2 &&
                big5 < 0x10000 && (ft_cc(gbk) & punct) && !(ft_cc(big5) & (punct | FT_CC_HAN)) &&
                (ft_cc(big5) & (FT_CC_SYMBOL | FT_CC_BOPOMOFO | FT_CC_CJK_COMPAT_FORM)))
                big5_of_gbk_punct[big5 >> 3] |= (uint8_t)(1u << (big5 & 7));
        }
    for (uint32_t ch = 0x4E00; ch < 0xA000; ch++) {
        uint8_t b[2];
        if (mb_encode(MB_GB18030, ch, b) == 2 && !mb_encode(MB_BIG5, ch, b) && !mb_encode(MB_SJIS, ch, b))
            gbk_only_ideographs[(ch - 0x4E00) >> 3] |= (uint8_t)(1u << (ch & 7));
    }
    for (unsigned k = 0; k < 192; k++) {
        uint32_t ch = k < 64 ? 0x3000 + k : 0xFF00 + (k - 64);
        if (!(punct_blocks_cjk[k >> 6] >> (k & 63) & 1) && !(gbk_letter_rows[ch >> 3] >> (ch & 7) & 1) &&
            !ft_is_kana(ch))
            punct_blocks_plain[k >> 6] |= 1ull << (k & 63);
    }
}

static void ft_mojibake_gate_init(void)
{
    pthread_once(&rare_once, build_gate_tables);
}

static inline int is_rare(uint32_t ch)
{
    return ch < 0x10000 && (rare_bits[ch >> 6] >> (ch & 63) & 1);
}

/* The gate: is there anything a reading could change? Every wrong reading leaves a character
 * real text rarely uses (the first of each GBK triple of CJK UTF-8 is a level-2 hanzi; Big5 read
 * as GBK is full of rare ones), or, for the Latin readings, a UTF-8 lead byte's windows-1252
 * reading next to a continuation byte's ("Ã©", "ä½"), or a C1 control. A line with none of these
 * is left at once. The state runs along a line, one character at a time. */
typedef struct gate {
    uint32_t prev, prev2; /* the last two characters (0 before the line) */
    unsigned prev_lead;   /* single-byte codecs in which prev's code leads a two-byte UTF-8
                             sequence (or ends a double-byte code with a lead byte) */
    unsigned prev_long;   /* ... in which it leads a three- or four-byte one */
    unsigned long_cont;   /* ... in which prev2 led a longer one and prev continued it */
    size_t cjk, rare;     /* CJK characters, and rare ones among them */
    size_t glued;         /* ideographs alone between non-CJK characters, glued to a letter or digit */
    int big5_signs;       /* a sign of Big5 read as GBK was met (gbk_symbol_rows, gbk_letter_rows) */
} gate;

/* A character outside the BMP through the gate: no codec reads a byte as one, so only a private
 * use plane or a CJK count. */
static int gate_step_astral(gate *g, uint32_t ch)
{
    const ft_char_class *c = ft_cc_record(ch);
    g->prev_lead = g->prev_long = g->long_cont = 0;
    if (c->flags & FT_CC_PRIVATE_USE)
        return 1;
    g->cjk += cjk_class(c) != 0; /* (is_rare: BMP only) */
    return 0;
}

/* gate_step for a character U+0080..U+FFFF after p1 (prev and prev2 already moved on). */
static inline int gate_step_bmp(gate *g, uint32_t ch, uint32_t p1, int fffd_counts)
{
    uint32_t info = gate_info_at(ch);
    if ((info & GATE_SIGN) || ((info & GATE_FFFD) && fffd_counts))
        return 1;
    if (p1 >= 0x4E00 && p1 <= 0x9FFF &&
        ((gbk_letter_rows[ch >> 3] >> (ch & 7) & 1) || (ft_is_kana(ch) && gbk_only_ideograph(p1))))
        g->big5_signs = 1; /* (a letter glued after an ideograph; before one: clean_by_bytes) */
    /* two neighbouring Latin-1 characters, one of them a symbol: a double-byte code read as
       windows-1252 ("¾øÀ½", "¶Ç´Â"); European text seldom glues a symbol to a letter. Not a
       run of no-break spaces, the indentation of text converted from HTML: A0 A0 is no
       double-byte code in use (GBK's is a rare hanzi), and the UTF-8 lead that would come
       before two continuation bytes is caught below */
    if ((info & GATE_LATIN1) && p1 >= 0xA0 && p1 <= 0xFF &&
        (!(info & GATE_LETTER) || !(gate_info_at(p1) & GATE_LETTER)) && !(ch == 0xA0 && p1 == 0xA0))
        return 1;
    /* a two-byte lead's reading, then a continuation's, is a whole sequence; a longer lead
       needs two continuations after it (Ukrainian "ві" is E2 B3 in windows-1251, a
       three-byte lead and one continuation, and a letter follows) */
    unsigned cont = GATE_CONT(info);
    if ((g->prev_lead | g->long_cont) & cont)
        return 1;
    g->long_cont = g->prev_long & cont;
    g->prev_long = GATE_LONG(info);
    g->prev_lead = GATE_LEAD(info);
    /* (a rare symbol of the repertoire Latin and Shift_JIS readings produce, that one of the
       codecs has, is a GATE_SIGN: the zero-width joiners of Malayalam or Khmer text are in no
       codec; rare letters are no sign, "ÜBERSICHT", their wrong readings are caught above) */
    g->cjk += (info & GATE_CJK) != 0;
    g->rare += (info & GATE_RARE) != 0;
    g->big5_signs |= (info & GATE_BIG5_SIGN) != 0;
    return 0;
}

/* One character through the gate; 1 when it alone shows that a reading may change the line.
 * fffd_counts: a U+FFFD is a sign (a lost byte), except in text a round has just repaired. */
static inline int gate_step(gate *g, uint32_t ch, int fffd_counts)
{
    const unsigned cp1252 = 1u << MB_CP1252;
    uint32_t p1 = g->prev, p2 = g->prev2;
    g->prev2 = p1, g->prev = ch;
    if (ch < 0x80) {
        g->prev_lead = g->prev_long = g->long_cont = 0;
        /* a byte lost as '?' or a no-break space made plain, inside a windows-1252 reading:
           "ä½ å¥½" (a continuation after a 3-byte lead, then the space), "Ã " for à (the only
           two-byte sequence decode_span takes with a plain space: "daß " is no sign) */
        if ((ch == ' ' || ch == '?') &&
            ((ch == ' ' ? p1 == 0xC3 : p1 >= 0xC2 && p1 <= 0xDF) ||
             (p1 < 0x10000 && p2 < 0x10000 && (mb_mask_cont[p1] & cp1252) && (mb_mask_lead[p2] & cp1252))))
            return 1;
        /* a double-byte code whose trail byte is ASCII, read as windows-1252 */
        return ch >= 0x40 && ch < 0x7F && dbcs_lead_reading(p1);
    }
    if (ch >= 0x10000)
        return gate_step_astral(g, ch);
    return gate_step_bmp(g, ch, p1, fffd_counts);
}


/* CJK text: clean text has a few rare characters, wrong readings many (one in three for UTF-8
 * read as GBK, most of them for Big5 read as GBK). Or Latin text whose few ideographs stand
 * alone, glued to letters or digits: European UTF-8 read as GBK makes one of each accented
 * letter or no-break space, most of them everyday characters ("hj忙lpe" for "hjælpe", "sont聽:"),
 * which the rare count misses; Chinese text puts ideographs in runs (a lone one, "TCP和UDP", is
 * looked at and left: no reading changes it). */
static int gate_rare_run(const gate *g)
{
    return (g->rare && g->rare * GATE_RARE_SHARE_DEN >= g->cjk * GATE_RARE_SHARE_NUM) ||
           (g->glued && g->cjk <= 2 * g->glued);
}


/* The gate over code points (text a round has repaired). */
static int may_be_mojibake(const uint32_t *c, size_t n, int fffd_counts)
{
    gate g = {0};
    for (size_t i = 0; i < n; i++)
        if (gate_step(&g, c[i], fffd_counts))
            return 1;
    return gate_rare_run(&g);
}

/* U+4000..U+9FFF, unified ideographs all but the Yijing hexagrams U+4DC0..4DFF (E4 B7 xx): CJK
 * characters (is_cjk) that are nobody's Latin lead or continuation. s holds a whole
 * character (valid UTF-8 by contract). */
static inline int starts_ideograph(const unsigned char *s)
{
    return (unsigned)(s[0] - 0xE4) <= 0xE9 - 0xE4 && !(s[0] == 0xE4 && s[1] == 0xB7);
}

/* The code point of the three-byte character at s. */
static inline uint32_t ideograph_at(const unsigned char *s)
{
    return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
}

/* The bytes of a window that lead a character (C0..FF), that lead a unified ideograph's
 * (E4..E9, U+4000..U+9FFF) and that lead one of CJK punctuation's or the full-width forms' (E3,
 * EF): one bit per byte, bit k for the window's byte k. */
typedef struct {
    uint64_t lead, ideo, punct;
} lead_masks;

/* Adds to *m the bits of 16 bytes at s, less the first `skip` of them, as the window's bytes from
 * `at` on. */
static inline void add_lead_masks16(const unsigned char *s, unsigned skip, unsigned at, lead_masks *m)
{
#ifdef __SSE2__
    const __m128i c0 = _mm_set1_epi8((char)0xC0), e4 = _mm_set1_epi8((char)0xE4), five = _mm_set1_epi8(5);
    const __m128i e3 = _mm_set1_epi8((char)0xE3), ef = _mm_set1_epi8((char)0xEF);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i from_e4 = _mm_sub_epi8(v, e4);
    uint64_t lead = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, c0), c0));
    uint64_t ideo = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(from_e4, five), from_e4));
    uint64_t punct = (uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, e3), _mm_cmpeq_epi8(v, ef)));
#else
    uint64_t lead = 0, ideo = 0, punct = 0;
    for (unsigned k = 0; k < 16; k++) {
        lead |= (uint64_t)(s[k] >= 0xC0) << k;
        ideo |= (uint64_t)(s[k] >= 0xE4 && s[k] <= 0xE9) << k;
        punct |= (uint64_t)(s[k] == 0xE3 || s[k] == 0xEF) << k;
    }
#endif
    m->lead |= lead >> skip << at, m->ideo |= ideo >> skip << at, m->punct |= punct >> skip << at;
}

/* The masks of s[from..from+n) (n <= 64), never reading outside s[0..from+n): a last piece of
 * fewer than 16 bytes is read as the 16 bytes that end it (copied when the line is shorter). */
static lead_masks window_masks(const unsigned char *s, size_t from, size_t n)
{
    lead_masks m = {0, 0, 0};
    size_t k = 0;
    for (; k + 16 <= n; k += 16)
        add_lead_masks16(s + from + k, 0, (unsigned)k, &m);
    if (k == n)
        return m;
    size_t rest = n - k;
    if (from + n >= 16) {
        add_lead_masks16(s + from + n - 16, (unsigned)(16 - rest), (unsigned)k, &m);
    } else {
        unsigned char piece[16] = {0};
        memcpy(piece, s + from + k, rest);
        add_lead_masks16(piece, 0, (unsigned)k, &m);
    }
    return m;
}

/* Whether the character at s (whose first byte is E3 or EF) is punctuation clean_by_bytes passes
 * over without a look-up: U+3000..U+303F, U+FF00..U+FF60 less the CJK ones (punct_block_cjk),
 * the letters of GBK's letter rows and kana (none of these blocks has one today; the table is
 * made from the tables, not from that). */
static inline int plain_cjk_punct(const unsigned char *s)
{
    if (!((s[0] == 0xEF && (s[1] == 0xBC || (s[1] == 0xBD && s[2] < 0xA1))) || (s[0] == 0xE3 && s[1] == 0x80)))
        return 0;
    unsigned k = s[0] == 0xEF ? 64 + (unsigned)(s[1] & 1) * 64 + (s[2] & 0x3F) : (unsigned)(s[2] & 0x3F);
    return punct_blocks_plain[k >> 6] >> (k & 63) & 1;
}

/* clean_by_bytes for the commonest CJK line, one made of ASCII, unified ideographs and plain
 * punctuation only, from bit masks of 64 bytes at a time instead of a walk (a walk's branches
 * mispredict at every change between ideographs, punctuation and ASCII): 1 when it holds only
 * those (then *clean is clean_by_bytes' answer), 0 for any other line. On such a line no
 * character is a sign by itself (gate_step: an ASCII character is one only after a Latin-1,
 * C1 or lead-byte reading, and the ideographs and punctuation here are none of those), so the
 * answer is gate_rare_run's, from the counts of ideographs, of rare ones and of lone ones glued
 * to a letter or digit. */
static int plain_cjk_gate(const unsigned char *s, size_t len, int *clean)
{
    size_t cjk = 0, rare = 0, glued = 0;
    for (size_t base = 0; base < len; base += 64) {
        lead_masks w = window_masks(s, base, len - base < 64 ? len - base : 64);
        if (w.lead & ~(w.ideo | w.punct))
            return 0;
        for (uint64_t m = w.punct; m; m &= m - 1)
            if (!plain_cjk_punct(s + base + __builtin_ctzll(m)))
                return 0;
        /* (no branch on the bytes inside: they would mispredict, ideographs of E4 being common) */
        unsigned hexagram = 0;
        for (uint64_t m = w.ideo; m; m &= m - 1) {
            const unsigned char *q = s + base + __builtin_ctzll(m);
            unsigned b0 = q[0], b1 = q[1];
            hexagram |= (b0 == 0xE4) & (b1 == 0xB7);
            rare += rare_bits[(b0 & 0x0F) << 6 | (b1 & 0x3F)] >> (q[2] & 0x3F) & 1;
            cjk++;
        }
        if (hexagram)
            return 0; /* (a Yijing hexagram, U+4DC0..U+4DFF: not starts_ideograph) */
        /* ideographs alone between other characters: the masks' candidates, each checked on the
           bytes (a neighbour across the window's edge is not in the masks) */
        for (uint64_t m = w.ideo & ~(w.ideo << 3) & ~(w.ideo >> 3); m; m &= m - 1) {
            size_t p = base + (size_t)__builtin_ctzll(m);
            int after_one = p >= 3 && (unsigned)(s[p - 3] - 0xE4) <= 0xE9 - 0xE4;
            int before_one = p + 3 < len && (unsigned)(s[p + 3] - 0xE4) <= 0xE9 - 0xE4;
            if (after_one || before_one)
                continue;
            /* glued to a letter or digit: the ASCII character before it or the one after it (a
               punctuation mark before it is neither CJK nor a letter) */
            glued += (p > 0 && is_ascii_alnum(s[p - 1])) || (p + 3 < len && is_ascii_alnum(s[p + 3]));
        }
    }
    gate g = {.cjk = cjk, .rare = rare, .glued = glued};
    *clean = !gate_rare_run(&g);
    return 1;
}

/* The gate walked along a line's bytes: 1 when the line certainly holds no mojibake (exactly
 * !may_be_mojibake(its code points, 1)). Runs of ASCII, of unified ideographs and of CJK
 * punctuation take shortcuts that give gate_step's answer without its look-ups, so clean lines
 * are never decoded into code points. */
static int walk_gate(const unsigned char *s, size_t len, int *big5_signs)
{
    gate g = {0};
    for (size_t i = 0; i < len;) {
        unsigned char b = s[i];
        if (starts_ideograph(s + i)) {
            /* the bulk of CJK text: a run of them in a tight loop */
            uint32_t ch = g.prev, before;
            if (ch < 0x10000 && ((gbk_letter_rows[ch >> 3] >> (ch & 7) & 1) ||
                                 (ft_is_kana(ch) && gbk_only_ideograph(ideograph_at(s + i)))))
                g.big5_signs = 1; /* (a letter glued before an ideograph: gbk_letter_rows) */
            size_t first = i;
            do {
                g.rare += rare_bits[(s[i] & 0x0F) << 6 | (s[i + 1] & 0x3F)] >> (s[i + 2] & 0x3F) & 1;
                i += 3;
            } while (i < len && starts_ideograph(s + i));
            size_t run = (i - first) / 3;
            g.cjk += run;
            before = run > 1 ? ideograph_at(s + i - 6) : ch;
            ch = ideograph_at(s + i - 3);
            g.glued += run == 1 && !cjk_class(ft_cc_record(before)) &&
                       (is_ascii_alnum(before) || (i < len && is_ascii_alnum(s[i])));
            g.prev2 = before, g.prev = ch, g.prev_lead = g.prev_long = g.long_cont = 0;
            continue;
        }
        if ((b == 0xEF && (s[i + 1] == 0xBC || (s[i + 1] == 0xBD && s[i + 2] < 0xA1))) ||
            (b == 0xE3 && s[i + 1] == 0x80)) {
            /* full-width forms U+FF00..U+FF60 and CJK punctuation U+3000..U+303F: no
               single-byte codec has them and none is rare; the Han ones among them (々 〇 〡)
               count as CJK characters, in gate_step below */
            uint32_t ch = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            if (!punct_block_cjk(ch)) {
                g.prev2 = g.prev, g.prev = ch;
                g.prev_lead = g.prev_long = g.long_cont = 0, i += 3;
                continue;
            }
        }
        if (b < 0x80) {
            if (gate_step(&g, b, 1))
                return 0;
            /* the rest of an ASCII run at once: ASCII after ASCII is never a sign */
            size_t end = ft_next_high(s, ++i, len);
            if (end > i)
                g.prev2 = s[end - 2], g.prev = s[end - 1], i = end;
            continue;
        }
        if (b < 0xE0) {
            /* a run of two-byte characters (a word of an alphabet) in a tight loop */
            do {
                uint32_t ch = (uint32_t)(b & 0x1F) << 6 | (s[i + 1] & 0x3F), p1 = g.prev;
                g.prev2 = p1, g.prev = ch;
                if (gate_step_bmp(&g, ch, p1, 1))
                    return 0;
                i += 2;
            } while (i < len && (b = s[i]) >= 0xC2 && b < 0xE0);
            continue;
        }
        uint32_t ch;
        i += ft_utf8_decode(s + i, &ch);
        if (gate_step(&g, ch, 1))
            return 0;
    }
    *big5_signs = g.big5_signs;
    return !gate_rare_run(&g);
}

/* The gate straight from a line's bytes (walk_gate's answer), the commonest CJK lines by masks. */
static int clean_by_bytes(const unsigned char *s, size_t len, int *big5_signs)
{
    int clean;
    if (!plain_cjk_gate(s, len, &clean))
        return walk_gate(s, len, big5_signs);
    *big5_signs = 0;
    return clean;
}

int ft_mojibake_gates_agree(const char *utf8, size_t len, int *quick)
{
    const unsigned char *s = (const unsigned char *)utf8;
    int clean, big5_signs = 0;
    *quick = -1;
    if (mb_codecs_init())
        return -1;
    ft_mojibake_gate_init();
    if (!plain_cjk_gate(s, len, &clean))
        return 1;
    *quick = clean;
    return walk_gate(s, len, &big5_signs) == clean && !big5_signs;
}

static void swap(cpvec *a, cpvec *b)
{
    cpvec t = *a;
    *a = *b, *b = t;
}

/* A neighbour that makes a lone double-byte code no evidence of a UTF-8 reading: CJK, or a wide
 * form or symbol (utf8_candidate's test). */
static int wide_neighbour(uint32_t c)
{
    return c >= 0x3000 || is_cjk(c);
}

/* Which readings can change cur at all, from per-character bit sets (no encoding needed):
 * *utf8_x: codecs X whose bytes hold a UTF-8 sequence somewhere; *pair_x: single-byte codecs with
 * two neighbouring non-ASCII characters (a double-byte code read as two characters); *cjk_rare:
 * the CJK characters are rare enough for a double-byte reading of double-byte text to be worth
 * trying (clean Chinese has few rare characters, Big5 read as GBK has many). pua_counts: the
 * private-use characters came with the line (a round's own are no evidence: windows-1252 "¡F"
 * read as GB18030 is one, and Big5's reading of that is "；"). */
static void gates(const uint32_t *c, size_t n, int pua_counts, unsigned *utf8_x, unsigned *pair_x,
                  int *cjk_rare)
{
    unsigned u = 0, p = 0, prev_lead = 0, prev_high = 0;
    size_t cjk = 0, rare = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = c[i];
        if (ch < 0x80) {
            if (ch == '?')
                u |= prev_lead; /* a lost continuation byte */
            if (ch == ' ')
                u |= prev_lead & (1u << MB_CP1252); /* a no-break space made plain */
            /* a double-byte code whose trail byte is ASCII, read as windows-1252: Big5's
               full-width punctuation "¡A" "¡C", Shift_JIS katakana "ƒp" "ƒb"; only lead
               readings that Latin text seldom puts before a letter */
            if (ch >= 0x40 && ch < 0x7F && i && dbcs_lead_reading(c[i - 1]))
                p |= 1u << MB_CP1252;
            prev_lead = prev_high = 0;
            continue;
        }
        if (ch >= 0x10000) {
            prev_lead = prev_high = 0;
            continue;
        }
        u |= prev_lead & mb_mask_cont[ch];
        /* a code that is by itself a two-byte sequence counts unless utf8_candidate() passes it
           over: an ideograph between two wide characters (the most common shape of clean
           Chinese, which let nearly every CJK line through to four walks) */
        if (mb_mask_inner[ch] && !(is_cjk(ch) && (i == 0 || wide_neighbour(c[i - 1])) &&
                                   (i + 1 == n || wide_neighbour(c[i + 1]))))
            u |= mb_mask_inner[ch];
        p |= prev_high & mb_mask_high[ch];
        prev_lead = mb_mask_lead[ch];
        prev_high = mb_mask_high[ch];
        if (is_cjk(ch)) {
            cjk++;
            rare += ft_plausibility_unigram(ch) >= 8 * 15;
        } else if (big5_punct_sign(ch)) {
            cjk++, rare++;
        } else if (pua_counts && ch >= 0xE000 && ch <= 0xF8FF) {
            /* a private-use character: GB18030's reading of a code outside its own rows (Big5's
               "作者" is U+E706 U+E02B), the rarest character there is */
            cjk++, rare++;
        }
    }
    *utf8_x = u;
    *pair_x = p & ((1u << MB_FIRST_DBCS) - 1);
    *cjk_rare = rare >= 1 && rare * 3 >= cjk;
}

/* Does the X encoding of c hold a span of UTF-8 sequences that begins and ends on character
 * boundaries, as a repair needs? A byte-level walk with no costing: most clean CJK lines fail it,
 * while the per-character masks alone let nearly all of them through. A single CJK character
 * that is by itself a 2-byte sequence between two CJK characters does not count (run_pass skips
 * those too). as_it_came: c is the line as it came, not a round's output. */
static int utf8_candidate(const ft_mojibake *m, int X, const uint32_t *c, size_t n, int as_it_came)
{
    /* One forward walk: when a chain of sequences breaks at character j, no chain starting
       between its start and j can do better (a character boundary inside a sequence holds a
       continuation byte, which cannot lead), so the walk goes on from j. */
    size_t i = 0;
    while (i < n) {
        if (c[i] < 0x80 || c[i] == FT_REPLACEMENT) {
            i++;
            continue;
        }
        int need = 0, seqs = 0, intact = 0;
        size_t j = i, next = i + 1;
        for (; j < n; j++) {
            uint8_t b[2];
            int len = mb_encode(X, c[j], b);
            next = j + 1;
            if (!len) {
                if (need > 0 && c[j] == FT_REPLACEMENT) { /* a lost continuation byte */
                    /* (a double-byte code whose bytes are a lead and a continuation, then the
                       lost byte: "銆�" is 。 (E3 80 82) read as GBK with 82 lost, alone enough
                       in the line as it came; a single-byte reading needs another sequence in
                       its span) */
                    if (X >= MB_FIRST_DBCS && intact >= 2 && as_it_came && j && lost_lead_pair(m, X, c[j - 1]))
                        return 1;
                    seqs += intact >= 2;
                    need = 0;
                    continue;
                }
                break;
            }
            /* (a span these two complete ends on a character boundary: found) */
            if (need > 0 && c[j] == ' ' && X == MB_CP1252) { /* no-break space made plain */
                if (!--need)
                    return 1;
                continue;
            }
            if (need > 0 && c[j] == '?') {
                if (X < MB_FIRST_DBCS && intact >= 2)
                    return 1;
                need = 0;
                continue;
            }
            int bad = 0, ended = 0;
            for (int k = 0; k < len; k++) {
                uint8_t y = b[k];
                if (need > 0) {
                    if (!ft_utf8_is_continuation(y)) {
                        bad = 1;
                        if (!k)
                            next = j; /* this character may lead a chain of its own */
                        break;
                    }
                    intact++;
                    if (!--need)
                        seqs++;
                } else if (y < 0x80) {
                    if (!k) {
                        ended = 1;
                        break;
                    }
                } else {
                    need = (int)ft_utf8_lead_length(y) - 1; /* bytes still to come; -1: no lead */
                    intact = 1;
                    if (need < 0) {
                        bad = 1;
                        break;
                    }
                }
            }
            if (bad || ended)
                break;
            if (!need && seqs) {
                if (j == i && len == 2 && is_cjk(c[i]) && (i == 0 || wide_neighbour(c[i - 1])) &&
                    (i + 1 == n || wide_neighbour(c[i + 1]))) {
                    next = i + 1;
                    break;
                }
                return 1;
            }
        }
        i = next > i ? next : i + 1;
    }
    return 0;
}

/* Whether reading X→Y (two double-byte codecs) may pay for itself, judged by the characters
 * alone before their pairs are costed: each character's X code read as one Y character must come
 * out cheaper in sum than the characters as they stand. Text one double-byte codec wrote and the
 * other read is full of rare characters whose rereading is everyday text; clean Chinese read
 * through the other codec gets rarer characters, not commoner ones, and is left here instead of
 * being costed pair by pair (the slow part of a line of classical poetry, which the gate lets
 * through for its rare characters). */
static int dbcs_reading_cheaper(const uint32_t *c, size_t n, int X, int Y)
{
    unsigned long as_is = 0, reread = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b[2];
        uint32_t d;
        if (c[i] < 0x80 || mb_encode(X, c[i], b) != 2 || mb_decode(Y, b, 2, &d) != 2)
            continue;
        as_is += ft_plausibility_unigram(c[i]);
        reread += ft_plausibility_unigram(d);
    }
    return reread < as_is;
}

/* The double-byte codec whose text X is read as: Big5 and GBK, each as the other (-1 for the
 * rest). */
static int other_dbcs(int X)
{
    return X == MB_GB18030 ? MB_BIG5 : X == MB_BIG5 ? MB_GB18030 : -1;
}

/* Forgets the cached costs of cur's characters (cur changed); -1 when out of memory. */
static int reset_ocache(ft_mojibake *m)
{
    if (vec_reserve(&m->ocache_v, m->cur.len + 1))
        return -1;
    m->ocache = m->ocache_v.v;
    memset(m->ocache, 0xFF, (m->cur.len + 1) * sizeof *m->ocache);
    return 0;
}

/* What text[0..n) costs as text of the language that reads it best, in the per-language letter
 * models (1/8 bits); ~0u when out of memory. */
static unsigned best_language_cost(ft_mojibake *m, const uint32_t *text, size_t n)
{
    if (vec_reserve(&m->tokens, n + 2))
        return ~0u;
    unsigned symbols;
    size_t t = ft_letters_tokens(text, n, m->tokens.v, n + 2, &symbols);
    unsigned best = ~0u;
    for (int l = 0; l < ft_letters_langs(); l++) {
        unsigned low = ft_letters_cost(m->tokens.v, t, symbols, l, best, 0);
        if (low >= best)
            continue;
        unsigned c = low + ft_letters_cost(m->tokens.v, t, symbols, l, best - low, 1);
        if (c < best)
            best = c;
    }
    return best;
}

/* Two single-byte readings into UTF-8 whose gains lie within READINGS_TIE_BITS of each other read
 * the same bytes as different letters (windows-1250's and ISO-8859-2's readings of "Ą" come back
 * as "å" and "á"): the pooled model cannot tell which language's letters they are ("på" is
 * Scandinavian, and it preferred "pågina" to Spanish "página" by a bit), the letter models can:
 * the reading whose letter cost in its best language, less its gain, is lower wins. (The gain
 * counts: letters alone, case folded, read "TÜtung" as well as "Tötung", which the pooled model
 * prefers by 6 bits.) */
#define READINGS_TIE_BITS 8
static int better_letters(ft_mojibake *m, const cpvec *candidate, long candidate_gain,
                          const cpvec *incumbent, long incumbent_gain)
{
    if (candidate->len == incumbent->len &&
        !memcmp(candidate->v, incumbent->v, candidate->len * sizeof *candidate->v))
        return 0;
    long lc = (long)best_language_cost(m, candidate->v, candidate->len);
    long li = (long)best_language_cost(m, incumbent->v, incumbent->len);
    return lc - candidate_gain < li - incumbent_gain;
}

/* Reading X into UTF-8 as a follow-up does (how: FOLLOW_UP_*), its text in m->trial: 1 when it
 * changes a span (*res), 0 when not, -1 out of memory. */
static int follow_up_pass(ft_mojibake *m, int X, int how, pass_result *res)
{
    int useful;
    size_t total = encode_line(m, X, &useful);
    if (total == (size_t)-1)
        return -1;
    if (!useful)
        return 0;
    m->follow_up = how;
    int rc = run_pass(m, X, MB_UTF8, total, res);
    m->follow_up = FOLLOW_UP_NONE;
    if (rc)
        return -1;
    return res->spans > 0;
}

/* Once a single-byte reading into UTF-8 has passed its margin, the line is mojibake and what is
 * left to ask is which code page: each single-byte reading of the line is judged as a follow-up
 * would (margin 0, every span), by its gain less its prior, the letters breaking near ties.
 * Judged span by span, "Beachten Sie, daĂź" (windows-1250: "ß", 18 bits, under its 20-bit margin)
 * came back as ISO-8859-2's "daü" (24 bits). candidates: the single-byte codecs whose reading
 * holds a UTF-8 span (utf8_candidate). Swaps the winner into *ru, *ux and *du. */
static int rejudge_code_page(ft_mojibake *m, unsigned candidates, pass_result *ru, int *ux, cpvec *du)
{
    pass_result best;
    int best_x = -1;
    for (int X = 0; X < MB_FIRST_DBCS; X++) {
        if (!((candidates >> X) & 1))
            continue;
        pass_result res;
        int changes = follow_up_pass(m, X, FOLLOW_UP_ANY, &res);
        if (changes < 0)
            return -1;
        if (!changes)
            continue;
        int tie = best_x >= 0 && labs(res.gain - best.gain) <= 8 * READINGS_TIE_BITS;
        int better = best_x < 0 ||
                     (tie ? better_letters(m, &m->trial, res.gain, &m->judged, best.gain)
                          : res.gain > best.gain);
        if (better) {
            best = res, best_x = X;
            swap(&m->judged, &m->trial);
        }
    }
    if (best_x >= 0 && best_x != *ux) {
        *ru = best, *ux = best_x;
        swap(du, &m->judged);
    }
    return 0;
}

/* Tries every reading the gates allow on cur; the best reading into UTF-8 leaves its text in *du
 * (*ux >= 0), the best other one in *dn (*nx >= 0). */
static int best_readings(ft_mojibake *m, pass_result *ru, int *ux, int *uy, cpvec *du,
                         pass_result *rn, int *nx, int *ny, cpvec *dn)
{
    *ux = *uy = *nx = *ny = -1;
    if (reset_ocache(m))
        return -1;
    memset(ru, 0, sizeof *ru);
    memset(rn, 0, sizeof *rn);
    unsigned utf8_x, pair_x;
    int cjk_rare;
    gates(m->cur.v, m->cur.len, m->first_round, &utf8_x, &pair_x, &cjk_rare);
    size_t nonascii = 0;
    for (size_t i = 0; i < m->cur.len; i++)
        nonascii += m->cur.v[i] >= 0x80 && m->cur.v[i] != FT_REPLACEMENT;
    unsigned single_x = 0; /* single-byte codecs whose UTF-8 reading was tried */
    /* UTF-8 readings first; when the best one explains nearly every non-ASCII character, the
       double-byte readings need not be tried (and their whole-line costing is the slow part) */
    /* (a line the gate passed, read again for its document, is read as Big5 alone: the
       document's mixup is the only reason to look: ft_mojibake_repair) */
    for (int pass = m->gate_open; pass < 2; pass++) {
        if (pass == 1 && *ux >= 0 && ru->covered * 10 >= nonascii * 9)
            break;
        for (int X = 0; X < MB_UTF8; X++) {
            int want;
            /* windows-1252 comes first: when its UTF-8 reading explains nearly everything, the
               other codecs (which pay a larger prior) cannot do better */
            int explained = pass == 0 && X > MB_CP1252 && *ux == MB_CP1252 && ru->covered * 10 >= nonascii * 9;
            if (explained && X >= MB_FIRST_DBCS)
                break;
            if (pass == 0) {
                want = (utf8_x >> X) & 1 && utf8_candidate(m, X, m->cur.v, m->cur.len, m->first_round);
                single_x |= (unsigned)(want && X < MB_FIRST_DBCS) << X;
                if (explained)
                    continue; /* (noted for rejudge_code_page, not read) */
            }
            else
                /* double-byte text read with a single-byte codec: windows-1252/latin-1 is what
                   is met in practice; between double-byte codecs, Big5 and GBK */
                want = X < MB_FIRST_DBCS ? X == MB_CP1252 && ((pair_x >> X) & 1)
                                         : other_dbcs(X) >= 0 &&
                                               (m->gate_open ? waived(m, X, other_dbcs(X))
                                                             : cjk_rare && dbcs_reading_cheaper(m->cur.v, m->cur.len, X, other_dbcs(X)));
            if (!want)
                continue;
            int useful;
            size_t total = encode_line(m, X, &useful);
            if (total == (size_t)-1)
                return -1;
            if (!useful)
                continue;
            for (int Y = MB_FIRST_DBCS; Y <= MB_UTF8; Y++) {
                if (Y == X || (pass == 0) != (Y == MB_UTF8))
                    continue;
                if (X >= MB_FIRST_DBCS && Y != MB_UTF8 && Y != other_dbcs(X))
                    continue; /* (the reading other_dbcs(X) was judged cheaper: want above) */
                pass_result res;
                if (run_pass(m, X, Y, total, &res))
                    return -1;
                if (!res.spans)
                    continue;
                int tie = Y == MB_UTF8 && *ux >= 0 && *ux < MB_FIRST_DBCS && X < MB_FIRST_DBCS &&
                          labs(res.gain - ru->gain) <= 8 * READINGS_TIE_BITS;
                int better = tie ? better_letters(m, &m->trial, res.gain, du, ru->gain)
                                 : Y == MB_UTF8 && (*ux < 0 || res.gain > ru->gain);
                if (better) {
                    *ru = res, *ux = X, *uy = Y;
                    swap(du, &m->trial);
                } else if (Y != MB_UTF8 && (*nx < 0 || res.gain > rn->gain)) {
                    *rn = res, *nx = X, *ny = Y;
                    swap(dn, &m->trial);
                }
            }
        }
    }
    /* (only when the two code pages of Central Europe, which read the same bytes as different
       letters all over, are both candidates: rejudging every line changed 8 of 38,959 on the
       development sources, 4 of them to or between these two, 4 from IBM850 to windows-1252,
       for a quarter more time on text with one line in ten garbled) */
    const unsigned central = 1u << MB_CP1250 | 1u << MB_LATIN2;
    if (*ux >= 0 && *ux < MB_FIRST_DBCS && (single_x & central) == central)
        return rejudge_code_page(m, single_x & (central | 1u << *ux), ru, ux, du);
    return 0;
}

/* One mixup is one codec for the whole line: once a single-byte reading X into UTF-8 has been
 * applied, the line's remaining spans that X reads as UTF-8 need only read better, not clearly
 * better ("ĀæSabe por quĆ©": windows-1257's "Ć©" was taken and the "Āæ" opening the line, one
 * character, fell short of the margin). Applies them; returns how many, or -1. */
static int follow_up(ft_mojibake *m, int X, int how)
{
    if (reset_ocache(m))
        return -1;
    pass_result res;
    int changes = follow_up_pass(m, X, how, &res);
    if (changes <= 0)
        return changes;
    swap(&m->cur, &m->trial);
    return (int)res.spans;
}

/* Gain of the best reading of cur, 0 if none. */
static int best_gain(ft_mojibake *m, long *gain)
{
    pass_result ru, rn;
    int ux, uy, nx, ny;
    if (best_readings(m, &ru, &ux, &uy, &m->scratch, &rn, &nx, &ny, &m->scratch2))
        return -1;
    *gain = 0;
    if (ux >= 0)
        *gain = ru.gain;
    if (nx >= 0 && rn.gain > *gain)
        *gain = rn.gain;
    return 0;
}

/* A repair gives back the text someone wrote, and no text this stage restores is written in
 * characters like these: CJK ideographs outside the unified block (Extension A, B and beyond,
 * compatibility ideographs), Yi, Phags-pa, Ethiopic, Arabic presentation forms, private use,
 * controls, noncharacters, unassigned code points. A reading that brings one in that the line
 * did not hold already is taken for an accident of the bytes (clean poetry read as GBK through
 * Big5 gave 迥若寒空 -> 犎ኦ空, 绿水荡漾清猿啼 -> …清猿𦣬). U+FFFD is the one exception: it marks lost
 * bytes. (Checked on the mojibake development set and on clean real text; see the closing note
 * of the precision issue.) */
static int never_restored(uint32_t c)
{
    if (c >= 0x20000 || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF))
        return 1;
    if ((c >= 0xA000 && c <= 0xA4CF) || (c >= 0xA840 && c <= 0xA87F))
        return 1;
    if ((c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
        return 1;
    return (ft_cc(c) & (FT_CC_PRIVATE_USE | FT_CC_CONTROL | FT_CC_NONCHARACTER | FT_CC_UNASSIGNED)) != 0;
}

static int is_ascii_alnum(uint32_t c)
{
    return (c | 0x20) - 'a' < 26u || c - '0' < 10u;
}

/* An ASCII letter or digit with no ASCII on either side (繩㊙a！), or a bracket-like symbol
 * between two CJK characters (維亞{桀): what double-byte trail bytes 40-7E read alone become. */
static int stranded_ascii(uint32_t before, uint32_t c, uint32_t after)
{
    if (is_ascii_alnum(c))
        return before >= 0x80 && after >= 0x80;
    return c && c < 0x80 && strchr("@[\\]^_`{|}~", (int)c) && is_cjk(before) && is_cjk(after);
}

static size_t count_stranded(const uint32_t *c, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += stranded_ascii(i ? c[i - 1] : 0x80, c[i], i + 1 < n ? c[i + 1] : 0x80);
    return k;
}

/* The same over UTF-8 text. */
static size_t count_stranded_utf8(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t before = 0x80, c, after;
    size_t k = 0, i = ft_utf8_decode(s, &c);
    for (;;) {
        int more = i < n;
        if (more)
            i += ft_utf8_decode(s + i, &after);
        else
            after = 0x80;
        k += stranded_ascii(before, c, after);
        if (!more)
            return k;
        before = c, c = after;
    }
}

/* Symbols, combining marks and letters of scripts CJK text never turns out to be hiding: read
 * through a double-byte codec, clean Chinese gives them by accident (两个笨皮匠 -> 两个✔珠,
 * 胡笳夕引 -> 胡◗[引, 雁芦花 -> ๊到花), while a real repair of mojibake in a CJK line gives CJK
 * letters and punctuation. (Emoji, U+1F000 on, are not among them: their UTF-8 read as GBK is
 * real mojibake.) Found on fortunes-zh and the Debian Reference; the development set loses
 * nothing to the rule. */
static int alien_in_cjk(uint32_t c)
{
    if (c >= 0x2190 && c <= 0x2BFF) /* arrows, operators, technical, shapes, dingbats */
        return 1;
    /* Thai, Lao, Khmer, Ethiopic: UTF-8 Amharic read as windows-1252 comes back in a line of
       Latin-1 letters, while the double-byte text of a CJK line read so made Ethiopic of E1 xx
       pairs */
    if ((c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1780 && c <= 0x17FF) || (c >= 0x1200 && c <= 0x139F))
        return 1;
    return ft_general_category(c) == FT_GC_MN && c >= 0x0300;
}

/* The bit of c in the filter of the line's characters (remember_input). */
static inline unsigned input_bit(uint32_t c)
{
    return (c * 0x9E3779B1u) >> 20; /* (12 bits) */
}

/* Keeps the line as it came, in[0..len) (borrowed for this call), and notes the code points of
 * cur, its decoding before any round, in a 4096-bit filter:
 * the vetoes ask of every character of a repair whether the line had it, and most were not
 * there, which the filter says without searching the line's bytes. */
static void remember_input(ft_mojibake *m, const char *in, size_t len)
{
    m->in = in, m->in_len = len;
    memset(m->input_filter, 0, sizeof m->input_filter);
    m->lost_pairs = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        unsigned b = input_bit(m->cur.v[k]);
        m->input_filter[b >> 6] |= 1ull << (b & 63);
        m->lost_pairs += k + 1 < m->cur.len && m->cur.v[k + 1] == FT_REPLACEMENT &&
                         m->cur.v[k] >= 0x80 && gbk_lead_pair(m->cur.v[k]) != 0;
    }
}

/* Whether c is new to the line as it came (m->in; remember_input noted its characters). */
static int introduced(const ft_mojibake *m, uint32_t c)
{
    unsigned b = input_bit(c);
    if (!(m->input_filter[b >> 6] >> (b & 63) & 1))
        return 1;
    unsigned char utf8[4];
    size_t n = ft_utf8_encode(c, utf8);
    return memmem(m->in, m->in_len, utf8, n) == NULL;
}

/* The scripts a repair may bring in alone: the ones text mixes freely (Common, Inherited) and the
 * ones fixtext's readings restore one character at a time (Latin, Greek, Cyrillic, CJK). */
static int everyday_script(int s)
{
    switch (s) {
    case FT_USCRIPT_COMMON: case FT_USCRIPT_INHERITED: case FT_USCRIPT_LATIN:
    case FT_USCRIPT_GREEK: case FT_USCRIPT_CYRILLIC: case FT_USCRIPT_HAN:
    case FT_USCRIPT_HIRAGANA: case FT_USCRIPT_KATAKANA: case FT_USCRIPT_HANGUL:
    case FT_USCRIPT_BOPOMOFO:
        return 1;
    default:
        return 0;
    }
}

/* A repair is good text in one language: it does not bring in a character of another script
 * alone, or a combining mark that forms no character with its letter. Clean European text has
 * pairs that are valid UTF-8 once saved in a code page, and each "repair" made one such stray:
 * Czech "PŘEDVINUTÍ…" (CD 85) -> "PŘEDVINUTͅ" (U+0345 on a T), Bulgarian "„ß“" -> "„ߓ" (N'Ko),
 * "plná – čeká" -> "pln᠖ čeká" (a Mongolian digit), French "à« root" -> "ૠroot" (Gujarati),
 * Danish "èéæøå" -> "è鿸å" (an ideograph in a Latin line).
 * Real mojibake of Hebrew, Arabic, Thai or Devanagari text restores words: LONE_SCRIPT_CHARS
 * letters of the script at least. */
#define LONE_SCRIPT_CHARS 3
/* The same for a CJK letter glued to a Latin letter in a line of Latin words: a Chinese or
 * Japanese word restored there has two characters at least, or stands apart ("COMP_WORDS と");
 * one alone in a word was Slovak "jklĺľž" (E5 BE 9E in windows-1250) read as "jkl從". */
#define LONE_CJK_IN_LATIN 2
/* The alphabet of a non-ASCII letter the repair brought in (Latin, Greek or Cyrillic), else 0. */
static int introduced_alphabet(const ft_mojibake *m, uint32_t c)
{
    int s = ft_letter_script(c);
    if (c < 0x80 || (s != FT_USCRIPT_LATIN && s != FT_USCRIPT_GREEK && s != FT_USCRIPT_CYRILLIC))
        return 0;
    return introduced(m, c) ? s : 0;
}

/* Two letters the repair brought in, of two alphabets, in one word (modifier letters and marks
 * between them aside): GBK verse read as Latin-1 has a UTF-8 reading "ĿʹС" (Latin, a prime,
 * Cyrillic), which took the line from its GBK reading. */
static int mixes_alphabets(const ft_mojibake *m)
{
    /* (most lines hold one alphabet's letters beyond ASCII: no look at what was brought in) */
    unsigned seen = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        int s = m->cur.v[k] < 0x80 ? 0 : ft_letter_script(m->cur.v[k]);
        seen |= s == FT_USCRIPT_LATIN ? 1u : s == FT_USCRIPT_GREEK ? 2u : s == FT_USCRIPT_CYRILLIC ? 4u : 0u;
    }
    if (!(seen & (seen - 1)))
        return 0;
    int prev = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = m->cur.v[k];
        int gc = ft_general_category(c);
        if (gc == FT_GC_LM || gc == FT_GC_MN || gc == FT_GC_SK)
            continue;
        int a = introduced_alphabet(m, c);
        if (a && prev && a != prev)
            return 1;
        prev = a;
    }
    return 0;
}

/* A Hangul syllable glued to an ideograph needs LONE_SCRIPT_CHARS of Hangul too: the Chinese
 * verse "睡来谁共午瓯茶。" is valid UTF-8 once saved in GBK from "瓯茶。" on, which read "午걲衣". */
static int brings_in_stray(const ft_mojibake *m)
{
    if (mixes_alphabets(m))
        return 1;
    const uint32_t *v = m->cur.v;
    size_t latin = 0, cjk = 0;
    for (size_t k = 0; k < m->cur.len; k++)
        latin += ft_is_latin_letter(v[k]), cjk += is_cjk(v[k]);
    int latin_result = cjk * 8 < latin; /* (the repaired line, as latin_line is for the input) */
    uint32_t composed = 0; /* the character the marks after a letter have formed so far */
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = v[k];
        int script = ft_script_of(c);
        int mark = ft_general_category(c) == FT_GC_MN;
        if (!mark)
            composed = c;
        if (mark && composed) {
            int32_t with = unorm2_composePair(m->nfc, (UChar32)composed, (UChar32)c);
            if (with >= 0) {
                composed = (uint32_t)with;
                continue;
            }
            /* (a stress mark on a Cyrillic letter is Bulgarian and Russian text: "права̀") */
            int stress = (c == 0x300 || c == 0x301) && ft_script_of(composed) == FT_USCRIPT_CYRILLIC;
            if (c >= 0x300 && c <= 0x36F && !stress) {
                if (introduced(m, c))
                    return 1;
                continue;
            } /* (the marks of a script count as its letters) */
            if (stress)
                continue;
        }
        int cjk_in_latin = latin_result && is_cjk(c) && (ft_cc(c) & FT_CC_LETTER) &&
                           ((k && ft_is_latin_letter(v[k - 1])) ||
                            (k + 1 < m->cur.len && ft_is_latin_letter(v[k + 1])));
        int hangul = ft_is_hangul(c);
        int alphabet = c >= 0x80 && (script == FT_USCRIPT_LATIN || script == FT_USCRIPT_CYRILLIC) &&
                       (ft_cc(c) & FT_CC_LETTER);
        int beside_han = (hangul || alphabet) &&
                         ((k && ft_is_han(v[k - 1])) || (k + 1 < m->cur.len && ft_is_han(v[k + 1])));
        int hangul_in_han = hangul && beside_han;
        /* (and an accented Latin or a Cyrillic letter glued to an ideograph: GBK verse read as
           Latin-1, "Ä¿Í´Ð¡¼²£¬", was read as UTF-8 "ĿʹС" before its GBK "疾，"; or a Cyrillic
           letter glued to a Latin one) */
        int letter_in_han = alphabet && beside_han;
        letter_in_han |= alphabet && script == FT_USCRIPT_CYRILLIC &&
                         ((k && ft_is_latin_letter(v[k - 1])) ||
                          (k + 1 < m->cur.len && ft_is_latin_letter(v[k + 1])));
        if ((everyday_script(script) && !cjk_in_latin && !hangul_in_han && !letter_in_han) ||
            !introduced(m, c))
            continue;
        size_t same = 0, want = cjk_in_latin ? LONE_CJK_IN_LATIN : LONE_SCRIPT_CHARS;
        for (size_t j = 0; j < m->cur.len && same < want; j++)
            same += cjk_in_latin ? is_cjk(v[j]) : hangul_in_han ? ft_is_hangul(v[j])
                                                                : ft_script_of(v[j]) == script &&
                                                                      (!letter_in_han || v[j] >= 0x80);
        if (same < want)
            return 1;
    }
    return 0;
}

/* Mojibake happens to a whole string: a line of CJK text already read right (CLEAN_CJK_CONTEXT
 * ideographs or more) whose "repair" only turns a few symbols into ideographs is not broken.
 * Chinese man pages quote with ‘’, windows-1252's 91 92, Shift_JIS's 葬: "加以 ‘’先导" came
 * out "加以 葬先导". */
#define CLEAN_CJK_CONTEXT 8
#define FEW_INTRODUCED 3 /* distinct characters */
static int patches_clean_cjk(const ft_mojibake *m, const char *in, size_t len)
{
    size_t han = 0;
    for (size_t i = 0; i < len && han < CLEAN_CJK_CONTEXT;) {
        uint32_t c;
        i += ft_utf8_decode((const unsigned char *)in + i, &c);
        han += ft_is_han(c);
    }
    if (han < CLEAN_CJK_CONTEXT)
        return 0;
    /* (a line whose non-ASCII characters are all CJK text had nothing else to repair: a few
       characters of another script brought in are as suspect, "彖帢" -> "να" in a Perl page's
       example of bytes, also with a U+FFFD where a stream was cut; with a Latin-1 reading in
       it, "Ã©" -> "é" is the repair) */
    int all_cjk = !m->latin_line;
    uint32_t distinct[CLEAN_CJK_CONTEXT]; /* (and CLEAN_CJK_CONTEXT different ideographs: Big5
                                             "k繹nnen ... 罈.na.竄" repeats three) */
    size_t ndistinct = 0;
    uint32_t prev = 0;
    int annotation = 0; /* inside "(...)" right after an ideograph: a pinyin gloss, "諄(zhūn)" */
    for (size_t i = 0; i < len && all_cjk;) {
        uint32_t c;
        i += ft_utf8_decode((const unsigned char *)in + i, &c);
        annotation = c == '(' ? ft_is_han(prev) : c == ')' ? 0 : annotation;
        prev = c;
        all_cjk = c < 0x80 || c == FT_REPLACEMENT || is_cjk(c) || annotation ||
                  (ft_cc(c) & (FT_CC_FULLWIDTH | FT_CC_PUNCT));
        if (!ft_is_han(c) || ndistinct == CLEAN_CJK_CONTEXT)
            continue;
        size_t j = 0;
        while (j < ndistinct && distinct[j] != c)
            j++;
        if (j == ndistinct)
            distinct[ndistinct++] = c;
    }
    all_cjk &= ndistinct == CLEAN_CJK_CONTEXT;
    uint32_t made[FEW_INTRODUCED]; /* the distinct characters the repair brought in */
    size_t nmade = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = m->cur.v[k];
        if (c < 0x80 || !introduced(m, c))
            continue;
        if (!is_cjk(c) && !all_cjk)
            return 0;
        size_t j = 0;
        while (j < nmade && made[j] != c)
            j++;
        if (j == nmade && nmade == FEW_INTRODUCED)
            return 0;
        if (j == nmade)
            made[nmade++] = c;
    }
    return nmade > 0;
}

/* How many characters the line as it came shows lost already: U+FFFD, and "锟斤拷", GBK's
 * reading of two of them ("锟" alone: the first). */
static size_t losses_shown(const char *in, size_t len)
{
    static const char fffd_utf8[] = "\xEF\xBF\xBD", kun[] = "锟", kunjinkao[] = "锟斤拷";
    size_t had = 0;
    for (size_t i = 0; i < len; i++) {
        if (len - i >= sizeof kunjinkao - 1 && !memcmp(in + i, kunjinkao, sizeof kunjinkao - 1))
            had += 2, i += sizeof kunjinkao - 2;
        else if (len - i >= sizeof kun - 1 && !memcmp(in + i, kun, sizeof kun - 1))
            had += 1, i += sizeof kun - 2;
        else if (len - i >= sizeof fffd_utf8 - 1 && !memcmp(in + i, fffd_utf8, sizeof fffd_utf8 - 1))
            had += 1, i += sizeof fffd_utf8 - 2;
    }
    return had;
}

/* A repair writes U+FFFD only where bytes were provably lost: the characters it restores around
 * the loss show the reading was right. It restores at least LOSS_RESTORED_MIN characters, and at
 * least one per U+FFFD it brings in; else the "loss" is more likely the text itself: the Spanish
 * catalogue's "¿¿¿???" is BF BF BF in Latin-1, which GBK reads as "靠" and a lead byte lost
 * before "?". (Two per U+FFFD lost 14 of the 300 development cases of UTF-8 read as windows-1252
 * with '?' for the lost bytes, bench/work/mojibake_dev.jsonl: Chinese loses about one byte in
 * three there.) */
#define LOSS_RESTORED_MIN 2
static int proves_loss(const ft_mojibake *m, const char *in, size_t len)
{
    size_t fffd = 0, restored = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = m->cur.v[k];
        if (c < 0x80)
            continue;
        if (c == FT_REPLACEMENT)
            fffd++;
        else if (introduced(m, c))
            restored++;
    }
    if (fffd == 0)
        return 1;
    size_t had = losses_shown(in, len);
    return fffd <= had || (restored >= LOSS_RESTORED_MIN && restored >= fffd - had);
}

/* A repair into ideographs is Chinese or Japanese text: ideographs people write together. When
 * the repaired line's ideographs (HAN_TEXT_MIN_CHARS or more) cost over HAN_TEXT_BITS each on
 * average in the pooled model, they are a reading of noise, not text: an Italian fortune's line
 * noise "£±·%ÙéÞ{Ör²«" read back through GBK gave "１·%匍辿謗搏", 22.8 bits an ideograph. In the
 * development set (bench/work/mojibake_dev.jsonl) the restored lines with four ideographs or more
 * cost at most 19.0 bits each (classical Chinese with pinyin), so 21 leaves two bits. */
#define HAN_TEXT_MIN_CHARS 4
#define HAN_TEXT_BITS 21
static int makes_han_noise(const ft_mojibake *m)
{
    unsigned long bits8 = 0; /* (1/8 bits) */
    size_t han = 0;
    uint32_t prev = 0xFFFFFFFFu;
    for (size_t k = 0; k < m->cur.len; prev = m->cur.v[k++]) {
        if (!ft_is_han(m->cur.v[k]))
            continue;
        bits8 += ft_plausibility_step(prev, m->cur.v[k]);
        han++;
    }
    return han >= HAN_TEXT_MIN_CHARS && bits8 > (unsigned long)han * HAN_TEXT_BITS * 8;
}

/* Korean is written in Hangul, with a Hanja now and then. A reading into EUC-KR (CP949) that
 * brings in more Hanja than Hangul syllables is Latin-1 letters read as KS X 1001 codes, whose
 * lead bytes CA..FD are Hanja: chardet's Turkish alphabet "ÂÇÎÖÛÜâçîöûü" came out as
 * "쪄怪白洵專樺". */
static int makes_hanja_korean(const ft_mojibake *m, const int *hist_y, int rounds)
{
    int korean = 0;
    for (int r = 0; r < rounds; r++)
        korean |= hist_y[r] == MB_EUCKR;
    if (!korean)
        return 0;
    size_t hangul = 0, han = 0;
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = m->cur.v[k];
        if ((ft_is_hangul(c) || ft_is_han(c)) && introduced(m, c))
            ft_is_hangul(c) ? hangul++ : han++;
    }
    return han > hangul;
}

static int is_arrow(uint32_t c)
{
    return c >= 0x2190 && c <= 0x21FF; /* (the block Arrows) */
}

static int brings_in_rare(const ft_mojibake *m, const char *in, size_t len)
{
    /* A trail byte read alone becomes an ASCII letter stranded between non-ASCII characters
       (繩繩兮 -> 繩㊙a！): a repair that strands more of them than the line had is not the text.
       (Letters a trail byte once swallowed come back beside ASCII: they belonged to a word.) */
    if (count_stranded(m->cur.v, m->cur.len) > count_stranded_utf8((const unsigned char *)in, len))
        return 1;
    /* (box drawing is no stray where it draws a table row: two pieces at least, "│ 文件 │",
       GBK's row A9 read as Big5 "岫 恅璃 岫") */
    size_t box = 0;
    for (size_t k = 0; k < m->cur.len && box < 2; k++)
        box += ft_is_box_drawing(m->cur.v[k]);
    /* (nor where it opens the line's text before a space, the bar of a tree or a quotation:
       "  │ 复制文件和目录。", read as Big5 "  岫 葩秶恅璃睿醴翹﹝") */
    size_t first = 0;
    while (first < m->cur.len && (m->cur.v[first] == ' ' || m->cur.v[first] == '\t'))
        first++;
    int bar = first + 1 < m->cur.len && ft_is_box_drawing(m->cur.v[first]) && m->cur.v[first + 1] == ' ';
    /* (nor an arrow where the line had one: GBK's "→" read as Big5 is "↙", "html↙text") */
    int arrows = 0;
    for (size_t i = 0; i < len && !arrows;) {
        uint32_t c;
        i += ft_utf8_decode((const unsigned char *)in + i, &c);
        arrows = is_arrow(c);
    }
    for (size_t k = 0; k < m->cur.len; k++) {
        uint32_t c = m->cur.v[k];
        if (c == FT_REPLACEMENT || c == '\t' || (box >= 2 && ft_is_box_drawing(c)) || (bar && k == first) ||
            (arrows && is_arrow(c)) ||
            !(never_restored(c) || (!m->latin_line && alien_in_cjk(c))))
            continue;
        if (introduced(m, c))
            return 1;
    }
    return 0;
}

/* Says what each round re-read ("cp1252→utf-8; span 5-17"), once with a count when every round
 * was the same reading ("cp1252→utf-8 ×2"). */
static void note_rounds(ft_report *r, int rounds, const int *hist_x, const int *hist_y,
                        const size_t *hist_first, const size_t *hist_last)
{
    int same = 1;
    for (int k = 1; k < rounds; k++)
        same &= hist_x[k] == hist_x[0] && hist_y[k] == hist_y[0];
    if (same && rounds > 1) {
        ft_report_note(r, "%s→%s ×%d; span %zu-%zu", mb_codec_name(hist_x[0]),
                       mb_codec_name(hist_y[0]), rounds, r->column_base + hist_first[0] + 1,
                       r->column_base + hist_last[0] + 1);
        return;
    }
    for (int k = 0; k < rounds; k++)
        ft_report_note(r, "%s→%s; span %zu-%zu", mb_codec_name(hist_x[k]), mb_codec_name(hist_y[k]),
                       r->column_base + hist_first[k] + 1, r->column_base + hist_last[k] + 1);
}

/* Which reading a round takes when a UTF-8 one (utf8, in m->best) or a double-byte one (dbcs,
 * in m->alt) or both help (NULL: none): 1 the UTF-8 reading, 0 the double-byte one, -1 out of
 * memory. */
static int prefer_utf8_reading(ft_mojibake *m, const pass_result *utf8, const pass_result *dbcs)
{
    if (!utf8 || !dbcs)
        return utf8 != NULL;
    /* a UTF-8 reading that leaves a letter of another script alone is no text (the checks at
       the end would refuse the line): GBK verse read as Big5, "岆嘟吤..." has a UTF-8 span that
       reads as Tibetan "ཅ", which took the line from Big5's reading */
    swap(&m->cur, &m->best);
    int stray = brings_in_stray(m);
    swap(&m->cur, &m->best);
    if (stray)
        return 0;
    if (dbcs->gain > 3 * utf8->gain)
        return 0; /* the double-byte reading explains far more: no need to look ahead */
    if (utf8->gain > 3 * dbcs->gain)
        return 1; /* and the other way round */
    /* Both help: look one round ahead, since taking the double-byte reading first can bury a
       second UTF-8 layer ("cafÃƒÂ©") and a stray UTF-8 sequence can hide inside GBK bytes read
       as latin-1 ("Ê²" in "Ê²Ã´"). */
    long gu = utf8->gain, gn = dbcs->gain, f;
    swap(&m->cur, &m->best);
    int e = best_gain(m, &f);
    swap(&m->cur, &m->best);
    if (e)
        return -1;
    gu += f;
    swap(&m->cur, &m->alt);
    e = best_gain(m, &f);
    swap(&m->cur, &m->alt);
    if (e)
        return -1;
    gn += f;
    return gu >= gn;
}

/* Builds the codec tables and the gate's at the first line that could need them (milliseconds,
 * which an ASCII input never pays). 1 when ready; 0 when the line is ASCII or a build without a
 * codec's table leaves every line as it is. */
static int codecs_ready(ft_mojibake *m, const unsigned char *s, size_t len)
{
    if (m->codecs_ready)
        return 1;
    size_t i = 0;
    while (i < len && s[i] < 0x80)
        i++;
    if (i == len || mb_codecs_init())
        return 0;
    ft_mojibake_gate_init();
    m->codecs_ready = 1;
    m->step_cache = ft_pair_cache_new(); /* (NULL: step() asks the model every time) */
    return 1;
}

/* The readings one repair took, round by round. */
typedef struct {
    int rounds;
    int x[MAX_ROUNDS], y[MAX_ROUNDS];
    size_t first[MAX_ROUNDS], last[MAX_ROUNDS];
    unsigned spans;
} repair_taken;

/* Whether the text `rounds` rounds made of the line (in m->cur) is the repair: the follow-up of
 * the last reading, then the checks. 1 yes (*spans counts the follow-up's too), 0 no, -1 out of
 * memory. */
static int accept_rounds(ft_mojibake *m, const char *in, size_t len, const int *hist_x,
                         const int *hist_y, int rounds, unsigned *spans)
{
    /* A double-byte reading follows up only on a line that one round repaired; on a line that
       lost bytes, only with the characters lost whole: around a lost byte other short readings
       are no longer one mixup ("位置" came back as "λ" beside a U+FFFD, "写" as "д" beside
       "锟"), while "。" whose last byte was lost after ASCII ("(export)銆�") is one U+FFFD, and
       pinyin read as GBK ("(w霉)") is accented letters inside a word */
    int dbcs = hist_x[rounds - 1] >= MB_FIRST_DBCS;
    if (hist_y[rounds - 1] == MB_UTF8 && (!dbcs || rounds == 1)) {
        int how = dbcs && losses_shown(in, len) ? FOLLOW_UP_LOST : FOLLOW_UP_ANY;
        int more = follow_up(m, hist_x[rounds - 1], how);
        if (more < 0)
            return -1;
        *spans += (unsigned)more;
    }
    return proves_loss(m, in, len) && !brings_in_rare(m, in, len) && !brings_in_stray(m) &&
           !patches_clean_cjk(m, in, len) && !makes_han_noise(m) &&
           !makes_hanja_korean(m, hist_y, rounds);
}

/* Whether GBK reads c as a no-break space's UTF-8, C2 A0 ("聽"). */
static int gbk_nbsp_reading(uint32_t c)
{
    uint8_t b[2];
    return mb_encode(MB_GB18030, c, b) == 2 && b[0] == 0xC2 && b[1] == 0xA0;
}

/* nbsp_line_of() from the bytes, without the letters: ASCII and two "聽" at least. */
static int ascii_and_nbsp_readings(const unsigned char *s, size_t len)
{
    size_t nbsp = 0;
    for (size_t i = ft_next_high(s, 0, len); i < len; i = ft_next_high(s, i, len)) {
        uint32_t c;
        i += ft_utf8_decode(s + i, &c);
        if (!gbk_nbsp_reading(c))
            return 0;
        nbsp++;
    }
    return nbsp >= 2;
}

/* Whether the line in m->cur is ASCII text whose only other characters are GBK's reading of a
 * no-break space's UTF-8 (C2 A0, "聽"), two at least: the &nbsp; of a web page through the wrong
 * codec ("聽聽聽 Previous post", "Home 聽|聽 About", "Price:聽100聽USD"), which the model prices
 * below a run of no-break spaces. (Two: "聽 means listen" is a line about the character.) */
static int nbsp_line_of(const ft_mojibake *m)
{
    size_t nbsp = 0, letters = 0;
    for (size_t i = 0; i < m->cur.len; i++) {
        uint32_t c = m->cur.v[i];
        if (c < 0x80)
            letters += is_ascii_alnum(c);
        else if (gbk_nbsp_reading(c))
            nbsp++;
        else
            return 0;
    }
    return nbsp >= 2 && letters >= 3;
}

/* Repairs in[0..len) (valid UTF-8) into out with the readings m->supported waives the prior of:
 * 1 repaired (*taken says how), 0 left as it is, -1 out of memory. Sets m->near_miss when a
 * reading fell short by no more than the waiver. */
static int repair_line(ft_mojibake *m, const char *in, size_t len, ft_buf *out, repair_taken *taken)
{
    const unsigned char *s = (const unsigned char *)in;
    m->big5_signs = 0;
    /* (the gate passes a line whose "聽" stand for no-break spaces, nbsp_line_of(): a run of
       them is no sign to it, nor one beside a space) */
    if (!codecs_ready(m, s, len) || (!m->gate_open && clean_by_bytes(s, len, &m->big5_signs) &&
                                     !ascii_and_nbsp_readings(s, len)))
        return 0; /* (ASCII lines among them) */
    /* decode to code points (valid UTF-8 by contract) */
    m->cur.len = 0;
    if (vec_reserve(&m->cur, len))
        return -1;
    for (size_t i = 0; i < len;)
        i += ft_utf8_decode(s + i, &m->cur.v[m->cur.len++]);
    remember_input(m, in, len);

    size_t latin = 0, cjk = 0;
    for (size_t k = 0; k < m->cur.len; k++)
        latin += ft_is_latin_letter(m->cur.v[k]), cjk += is_cjk(m->cur.v[k]);
    m->latin_line = cjk * 8 < latin;
    m->nbsp_line = nbsp_line_of(m);

    int *hist_x = taken->x, *hist_y = taken->y;
    int rounds = 0;
    unsigned round_spans[MAX_ROUNDS];
    for (; rounds < MAX_ROUNDS; rounds++) {
        /* after a round, the repaired text usually looks clean: stop without trying again */
        if (rounds && !may_be_mojibake(m->cur.v, m->cur.len, 0))
            break;
        pass_result ru, rn, *pick;
        int ux, uy, nx, ny, bx, by;
        m->first_round = rounds == 0;
        if (best_readings(m, &ru, &ux, &uy, &m->best, &rn, &nx, &ny, &m->alt))
            return -1;
        m->first_round = 0; /* (the look-ahead below reads a round's output) */
        if (ux < 0 && nx < 0)
            break;
        int take_utf8 = prefer_utf8_reading(m, ux >= 0 ? &ru : NULL, nx >= 0 ? &rn : NULL);
        if (take_utf8 < 0)
            return -1;
        if (take_utf8) {
            pick = &ru, bx = ux, by = uy;
            swap(&m->cur, &m->best);
        } else {
            pick = &rn, bx = nx, by = ny;
            swap(&m->cur, &m->alt);
        }
        hist_x[rounds] = bx, hist_y[rounds] = by;
        taken->first[rounds] = pick->first, taken->last[rounds] = pick->last;
        round_spans[rounds] = pick->spans;
        if (vec_copy(&m->after_round[rounds], &m->cur))
            return -1;
    }
    /* The rounds' results, the last first: a round that reads the text again (verse whose rare
       characters look like mojibake once more) may fail the checks where the round before it
       passes ("空园白露滴，孤壁野僧邻。" from GBK read as Latin-1 was lost so). */
    for (; rounds > 0; rounds--) {
        if (vec_copy(&m->cur, &m->after_round[rounds - 1]))
            return -1;
        unsigned spans = 0;
        for (int k = 0; k < rounds; k++)
            spans += round_spans[k];
        int ok = accept_rounds(m, in, len, hist_x, hist_y, rounds, &spans);
        if (ok < 0)
            return -1;
        if (!ok)
            continue;
        taken->rounds = rounds;
        taken->spans = spans;
        for (size_t k = 0; k < m->cur.len; k++)
            if (ft_buf_put_cp(out, m->cur.v[k]))
                return -1;
        return 1;
    }
    return 0;
}

/* The survey: the readings that repair the line on its own, one count each. */
void ft_mojibake_survey(void *state, const char *utf8, size_t len, unsigned counts[])
{
    ft_mojibake *m = state;
    repair_taken taken;
    if (len > FIXTEXT_DEFAULT_WINDOW)
        return; /* (longer than the stage takes at once: its memory stays bounded) */
    m->survey_out.len = 0;
    if (repair_line(m, utf8, len, &m->survey_out, &taken) != 1)
        return; /* (out of memory: no count, so no waiver either) */
    for (int k = 0; k < taken.rounds; k++)
        counts[reading_slot(taken.x[k], taken.y[k])] = 1;
}

/* Whether the line's document holds CONTEXT_READING_LINES lines near it (CONTEXT_RADIUS) that a
 * reading repairs on their own; marks those readings in m->supported. Clobbers m's buffers (the
 * survey repairs them).
 * CONTEXT_RADIUS measured on bench/bench_mojibake.sh's corpus (75 MB of real clean text, each
 * line once, 105,084 non-ASCII lines in ten garbled): with the whole block 13 clean lines
 * changed (all with the waiver) and 93,098 garbled lines restored; radius 128: 4 and 93,060;
 * 64: 2 and 93,049; 32: 1 and 93,029; 16: 1 and 93,012. fixtures/mojibake/documents.jsonl (40
 * lines a document) restores 312 of 320 at each. */
static int document_supports(ft_mojibake *m, ft_report *r)
{
    uint8_t supported[READING_SLOTS];
    int any = 0;
    for (int k = 0; k < READING_SLOTS; k++) /* (the first call runs the survey, supported all 0) */
        any |= supported[k] = ft_document_survey_near(r->document, r->stage, m, (unsigned)k,
                                                      CONTEXT_RADIUS) >= CONTEXT_READING_LINES;
    memcpy(m->supported, supported, sizeof supported);
    return any;
}

/* Whether the gate-clean line that holds a sign of gbk_symbol_rows or gbk_letter_rows would be
 * read as Big5 were its document to pay for it (1, 0, or -1 when out of memory): the survey of
 * the document, which repairs the lines around, is asked only then. out is left as it was. */
static int big5_would_repair(ft_mojibake *m, const char *in, size_t len, ft_buf *out)
{
    unsigned slot = reading_slot(MB_GB18030, MB_BIG5);
    size_t had = out->len;
    repair_taken taken;
    m->gate_open = 1;
    m->supported[slot] = 1;
    int rc = repair_line(m, in, len, out, &taken);
    m->gate_open = 0;
    m->supported[slot] = 0;
    out->len = had;
    return rc;
}

/* document_supports for that line: whether the document near it shows Big5 read as GBK on lines
 * of their own (the one reading marked). */
static int document_supports_big5(ft_mojibake *m, ft_report *r)
{
    unsigned slot = reading_slot(MB_GB18030, MB_BIG5);
    if (ft_document_survey_near(r->document, r->stage, m, slot, CONTEXT_RADIUS) < CONTEXT_READING_LINES)
        return 0;
    m->supported[slot] = 1;
    return 1;
}

int ft_mojibake_repair(void *state, const char *in, size_t len, ft_buf *out, ft_report *r)
{
    ft_mojibake *m = state;
    repair_taken taken;
    m->near_miss = 0;
    m->gate_open = 0;
    int rc = repair_line(m, in, len, out, &taken);
    /* A line that fell short by the prior alone is read again when its document shows the same
       mixup on lines of its own: the document's evidence pays the prior. So is a line the gate
       passed that holds what Big5 read as GBK makes, in a document that shows that mixup. */
    int again = 0;
    if (rc == 0 && r->document) {
        if (m->near_miss)
            again = document_supports(m, r);
        else if (m->big5_signs) {
            int would = big5_would_repair(m, in, len, out);
            if (would < 0)
                return -1;
            again = m->gate_open = would && document_supports_big5(m, r);
        }
    }
    if (again) {
        m->near_miss = 0;
        out->len = 0;
        rc = repair_line(m, in, len, out, &taken);
        memset(m->supported, 0, sizeof m->supported);
        m->gate_open = 0;
        if (rc == 1)
            ft_report_note(r, "mojibake: the document's other lines pay the prior");
    }
    if (rc != 1)
        return rc;
    ft_report_fixed(r, taken.spans);
    note_rounds(r, taken.rounds, taken.x, taken.y, taken.first, taken.last);
    return 1;
}
