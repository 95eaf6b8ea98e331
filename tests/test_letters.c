/* Unit tests for the per-language letter models (src/detect/letters.c, tables/letter_models.c):
 * real phrases read right cost less in their own language than the readings other code pages
 * give of the same bytes, and the language that reads a phrase best is its own. The phrases are
 * from Debian's catalogues and Reference; the misreadings are what windows-1252, -1257 and -1251
 * make of their bytes (each one a line fixtext got wrong before the models). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static size_t code_points(const char *s, uint32_t *out, size_t cap)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < cap) {
        uint32_t cp;
        size_t k = ft_utf8_decode(p, &cp);
        out[n++] = cp;
        p += k ? k : 1;
    }
    return n;
}

static unsigned cost_in(const char *text, const char *lang)
{
    uint32_t cps[256], tokens[258];
    size_t n = code_points(text, cps, 256);
    unsigned shape;
    size_t t = ft_letters_tokens(cps, n, tokens, 258, &shape);
    for (int l = 0; l < ft_letters_langs(); l++)
        if (!strcmp(ft_letters_lang_name(l), lang))
            return ft_letters_cost(tokens, t, shape, l, ~0u, 0) +
                   ft_letters_cost(tokens, t, shape, l, ~0u, 1);
    fail_msg("no letter model for %s", lang);
    return 0;
}

static const char *best_language(const char *text)
{
    unsigned best = ~0u;
    const char *name = "";
    for (int l = 0; l < ft_letters_langs(); l++) {
        unsigned c = cost_in(text, ft_letters_lang_name(l));
        if (c < best)
            best = c, name = ft_letters_lang_name(l);
    }
    return name;
}

/* right reading, wrong reading (the same bytes in another code page), language */
static const char *const pairs[][3] = {
    {"Przestawia opcję 'compatible'. Dzięki", "Przestawia opcjê 'compatible'. Dziêki", "pl"},
    {"Lors de l’utilisation des systèmes de fichiers", "Lors de l’utilisation des systčmes de fichiers", "fr"},
    {"pour le partage de données ce qui suit sera une précaution sûre",
     "pour le partage de données ce qui suit sera une précaution sūre", "fr"},
    {"Bitte melden Sie alle Fehler in der Übersetzung an",
     "Bitte melden Sie alle Fehler in der \xC2\xA0" "bersetzung an", "de"},
    {"инструменты беспроводной связи", "инструменты беспроводной свЯзи", "ru"},
    {"Questo è Unix. Ti dà abbastanza corda", "Questo и Unix. Ti dа abbastanza corda", "it"},
    /* a run of symbols inside a word (Dutch in windows-1252 read as IBM437) */
    {"preprocessors aan die vóór nroff of", "preprocessors aan die v≤≤r nroff of", "nl"},
};

static void right_reading_costs_less(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        unsigned right = cost_in(pairs[i][0], pairs[i][2]);
        unsigned wrong_best = ~0u;
        for (int l = 0; l < ft_letters_langs(); l++) {
            unsigned c = cost_in(pairs[i][1], ft_letters_lang_name(l));
            wrong_best = c < wrong_best ? c : wrong_best;
        }
        print_message("%s: %.1f bits; misread, best language: %.1f bits\n", pairs[i][2],
                      right / 8.0, wrong_best / 8.0);
        assert_true(right < wrong_best);
    }
}

static void own_language_reads_best(void **state)
{
    (void)state;
    static const char *const phrases[][2] = {
        {"Przestawia opcję 'compatible'. Dzięki", "pl"},
        {"инструменты беспроводной связи", "ru"},
        {"Bitte melden Sie alle Fehler in der Übersetzung an", "de"},
        {"Ολοκληρώθηκε η εγκατάσταση του συστήματος", "el"},
        {"สวัสดีครับ ยินดีต้อนรับ", "th"},
    };
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        assert_string_equal(best_language(phrases[i][0]), phrases[i][1]);
}

/* The symbol costs (ft_letters_tokens' symbols) of a UTF-8 text. */
static unsigned symbol_cost_of(const char *utf8)
{
    uint32_t cps[64], tokens[66];
    unsigned symbols;
    size_t n = code_points(utf8, cps, 64);
    ft_letters_tokens(cps, n, tokens, 66, &symbols);
    return symbols;
}

static void symbols_and_capitals_cost(void **state)
{
    (void)state;
    assert_int_equal(symbol_cost_of("la version"), 0);
    /* the no-break space opening a word, the capital inside one */
    assert_true(symbol_cost_of("pr\xE2\x80\x99t \xC2\xA0" "bersetzung sv\xD0\xAF" "zi") > 0);
    /* a run of symbols between letters is inside a word as much as one symbol is: "vóór" read
       as IBM437 costs more than the same symbols standing apart */
    assert_true(symbol_cost_of("die vâ¤â¤r nroff") > symbol_cost_of("die vâ ¤ â ¤ r nroff"));
    /* a symbol ending a word is its last letter misread (Vim's Polish menu "Zamień" read as
       IBM437), a closing quotation mark there is not */
    assert_true(symbol_cost_of("&Zamie\xC2\xB1...") > symbol_cost_of("&Zamie\xE2\x80\x9D..."));
}

/* The ASCII pairs listed once (ft_letters_low_pairs) cost in every language what the walk over
 * all the tokens (ft_letters_cost, !high) makes of them, for right and wrong readings alike:
 * the detector takes the list for the pairs every reading of a line shares. */
static void listed_pairs_cost_as_walked(void **state)
{
    (void)state;
    size_t compared = 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        for (int side = 0; side < 2; side++) {
            uint32_t cps[256], tokens[258];
            uint16_t listed[258];
            size_t n = code_points(pairs[i][side], cps, 256);
            unsigned shape;
            size_t t = ft_letters_tokens(cps, n, tokens, 258, &shape);
            size_t k = ft_letters_low_pairs(tokens, t, listed);
            assert_true(k != (size_t)-1 && k < t);
            for (int l = 0; l < ft_letters_langs(); l++, compared++)
                assert_int_equal(ft_letters_low_cost(listed, k, l), ft_letters_cost(tokens, t, shape, l, ~0u, 0));
        }
    assert_true(compared > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(right_reading_costs_less),
        cmocka_unit_test(own_language_reads_best),
        cmocka_unit_test(symbols_and_capitals_cost),
        cmocka_unit_test(listed_pairs_cost_as_walked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
