/* cli_binary.h — the fixtext command's binary-file policy: which inputs are not text (so that
 * `fixtext /usr/bin/ls` skips the file with one message instead of a warning per line and
 * garbage), judged on the first BINARY_SNIFF plain bytes (after decompression). */
#ifndef FIXTEXT_CLI_BINARY_H
#define FIXTEXT_CLI_BINARY_H

#include <stddef.h>

#include "fixtext.h"

/* How many plain bytes at the start of an input decide (fewer when the input is shorter). */
#define BINARY_SNIFF (64u << 10)

/* Whether the n bytes at p (the start of an input: its first BINARY_SNIFF bytes, or all of it)
 * are a binary file's. Returns NULL for text, else what gave it away ("ELF executable", "NUL
 * bytes", ...). lib: the run's options, so that an input the library reads as UTF-16 or UTF-32
 * (by its byte order mark or NUL pattern, or by --from) is judged on what it decodes to. */
const char *binary_kind(const unsigned char *p, size_t n, const fixtext_options *lib);

#endif
