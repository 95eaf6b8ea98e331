/* opencc_engine.h — OpenCC's conversion as the convert stage uses it: a configuration loaded
 * and applied (opencc_engine.c) and the dictionaries it reads (opencc_dict.c). */
#ifndef FT_OPENCC_ENGINE_H
#define FT_OPENCC_ENGINE_H

#include <stddef.h>

#include "internal.h"

/* ---- opencc_dict.c: one dictionary in OpenCC's text format ---- */
typedef struct ft_opencc_dict ft_opencc_dict;
/* Loads the dictionary whose text is at path (X.txt): its compiled form X.fxt mapped when that
 * was built from this text, else built from the text. NULL with a message naming the file (and
 * the line) in err. */
ft_opencc_dict *ft_opencc_dict_load(const char *path, char *err, size_t errlen);
/* Writes the compiled form of the dictionary whose text is at text_path to out_path (the build
 * does, tables/opencc_trie.c). 0, or -1 with err. */
int ft_opencc_dict_compile(const char *text_path, const char *out_path, char *err, size_t errlen);
void ft_opencc_dict_free(ft_opencc_dict *d);
/* Length in bytes of the longest key that p[0..n) starts with (0: none), its first candidate in
 * *value, *value_len (not NUL-terminated; owned by the dictionary). */
size_t ft_opencc_dict_match(const ft_opencc_dict *d, const unsigned char *p, size_t n, const char **value,
                        size_t *value_len);
/* Length of the character at p[0..n) as a match counts it: a well-formed UTF-8 sequence, or one
 * byte. */
size_t ft_opencc_char_length(const unsigned char *p, size_t n);
/* The whole file, NUL-terminated, in a buffer the caller frees (its length in *len); NULL with
 * errno set. */
char *ft_opencc_read_file(const char *path, size_t *len);

/* ---- opencc_engine.c: a configuration ---- */
typedef struct ft_opencc ft_opencc;

/* Buffers one caller reuses from conversion to conversion (a worker's); zero-initialised before
 * the first use, freed with ft_opencc_scratch_free. */
typedef struct ft_opencc_scratch {
    ft_buf text[2];    /* the text between two steps of the chain */
    size_t *ends;      /* end offset of each segment */
    size_t ends_cap;
} ft_opencc_scratch;

/* Opens the configuration file at path, or takes another reference to the one already open
 * there (one per path serves every thread). own_data: the directory holds fixtext's data, whose
 * .ocd dictionaries have their text sources beside them. NULL with a message in err. */
ft_opencc *ft_opencc_open(const char *path, int own_data, char *err, size_t errlen);
/* Drops the reference ft_opencc_open took; the last one frees the configuration. */
void ft_opencc_close(ft_opencc *cc);
/* Replaces out's content with the conversion of in[0..n), NUL-terminated (not counted in
 * out->len). Returns 0, or -1 if out of memory or libopencc failed. Thread-safe with one
 * scratch per thread. */
int ft_opencc_convert(const ft_opencc *cc, ft_opencc_scratch *s, const char *in, size_t n, ft_buf *out);
/* Who converts with this configuration: "fixtext" or "libopencc". */
const char *ft_opencc_engine(const ft_opencc *cc);
void ft_opencc_scratch_free(ft_opencc_scratch *s);

#endif
