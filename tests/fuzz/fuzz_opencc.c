/* libFuzzer harness, differential: fixtext's own OpenCC conversion (opencc_engine.c) must give
 * exactly what libopencc 1.1 gives with the same configuration and dictionaries, for any text.
 * The first byte picks the configuration; the rest, made well-formed UTF-8 (U+FFFD for what is
 * not; libopencc is never given anything else) and without NUL (libopencc stops at one), is
 * converted both ways. The data directory is the build tree's (FT_FUZZ_OPENCC_DATA), or
 * $FIXTEXT_OPENCC_DATA. */
#include <opencc/opencc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "opencc_engine.h"

/* Every configuration of fixtext's data that has a different chain. */
static const char *const CONFIGS[] = {"t2s", "s2t", "s2twp", "tw2sp", "hk2s", "s2hk", "t2jp",
                                      "jp2t", "tw2t", "t2hk", "normalize"};
#define NCONFIGS (sizeof CONFIGS / sizeof *CONFIGS)

static ft_opencc *natives[NCONFIGS];
static opencc_t libs[NCONFIGS];

static void open_all(void)
{
    const char *dir = getenv("FIXTEXT_OPENCC_DATA");
#ifdef FT_FUZZ_OPENCC_DATA
    if (!dir)
        dir = FT_FUZZ_OPENCC_DATA;
#endif
    if (!dir) {
        fprintf(stderr, "fuzz_opencc: set FIXTEXT_OPENCC_DATA\n");
        abort();
    }
    for (size_t i = 0; i < NCONFIGS; i++) {
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/%s.json", dir, CONFIGS[i]);
        natives[i] = ft_opencc_open(path, 1, err, sizeof err);
        libs[i] = opencc_open(path);
        if (!natives[i] || strcmp(ft_opencc_engine(natives[i]), "fixtext") != 0 ||
            libs[i] == (opencc_t)-1) {
            fprintf(stderr, "fuzz_opencc: %s: %s\n", path, natives[i] ? "not native" : err);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!natives[0])
        open_all();
    if (size < 1)
        return 0;
    size_t which = data[0] % NCONFIGS;
    ft_buf text = {0}, out = {0};
    ft_opencc_scratch scratch = {0};
    if (ft_utf8_sanitize(data + 1, size - 1, &text, NULL) < 0)
        abort();
    for (size_t i = 0; i < text.len; i++)
        if (text.data[i] == '\0')
            text.data[i] = ' ';
    const char *in = text.data ? text.data : "";
    char *want = opencc_convert_utf8(libs[which], in, text.len);
    if (!want || ft_opencc_convert(natives[which], &scratch, in, text.len, &out))
        abort();
    if (strlen(want) != out.len || memcmp(want, out.data, out.len) != 0) {
        fprintf(stderr, "fuzz_opencc: %s differs on %.*s\n  libopencc: %s\n  fixtext:   %.*s\n",
                CONFIGS[which], (int)text.len, in, want, (int)out.len, out.data);
        abort();
    }
    opencc_convert_utf8_free(want);
    ft_buf_free(&text);
    ft_buf_free(&out);
    ft_opencc_scratch_free(&scratch);
    return 0;
}
