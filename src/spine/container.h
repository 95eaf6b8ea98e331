/* container.h — lines that are documents (--jsonl, --tsv): which values of a line are text to
 * repair, what text they hold, and how a repaired value is written back. Used by documents.c. */
#ifndef FIXTEXT_CONTAINER_H
#define FIXTEXT_CONTAINER_H

#include "internal.h"

/* The values chosen by fixtext_options.fields, parsed once per context. */
typedef struct ft_fields {
    int container;   /* FIXTEXT_CONTAINER_JSONL or _TSV */
    int all;         /* "*": every string value (JSONL) or every column (TSV) */
    char *spec;      /* the owned copy the names point into */
    ft_slice *names; /* JSONL: field names or dotted paths ("meta.title", "items[0]") */
    unsigned *columns; /* TSV: 1-based column numbers */
    size_t count;
} ft_fields;

/* Parses spec (NULL: the default, "text" for JSONL, every column for TSV). Returns 0, or -1
 * with a message in err. */
int ft_fields_parse(ft_fields *f, int container, const char *spec, char *err, size_t errlen);
void ft_fields_free(ft_fields *f);

/* One chosen value of a line. */
typedef struct ft_doc_value {
    size_t start, end;         /* its bytes in the line (a JSON string without its quotes) */
    size_t text_off, text_len; /* its text, escapes resolved, in ft_doc.text */
    size_t name_off, name_len; /* its name in ft_doc.names: the field's path, or a column number */
    size_t nlines;             /* the lines its text frames into (set by documents.c) */
} ft_doc_value;

/* A parsed line, reused from line to line (one per worker). */
typedef struct ft_doc {
    ft_doc_value *values;
    size_t nvalues, cap;
    ft_buf text;  /* the values' texts */
    ft_buf names; /* their names */
    ft_buf path;  /* (JSON) the path of the value being parsed */
    ft_buf stack; /* (JSON) one frame per open object or array */
    /* How the line writes its JSON strings, so that a repaired one is written alike. */
    int escaped_non_ascii; /* some \uXXXX escape stands for a character beyond ASCII */
    int raw_non_ascii;     /* some string holds bytes beyond ASCII as they are */
    int upper_hex;         /* escapes are written with A-F */
    int escaped_slash;     /* "\/" occurs */
} ft_doc;

void ft_doc_free(ft_doc *d);

/* Parses one line (without terminator). Returns 1 when it is a document (its chosen values are
 * in d->values; a chosen string with a lone surrogate escape is left out), 0 when it is not
 * valid JSON, -1 when out of memory. A JSON string may hold bytes beyond
 * ASCII that are not UTF-8: they are text in some encoding, for detection to decide. */
int ft_doc_parse(ft_doc *d, const ft_fields *f, const char *line, size_t len);

/* Appends text (valid UTF-8) to out as the body of a value written the way d's line writes
 * them: for JSON, a string's inside with the escapes JSON needs, non-ASCII escaped when the line
 * escapes it (unless raw); for TSV, as it is. Returns 0, or -1 when out of memory. */
int ft_doc_write_value(const ft_doc *d, int container, int raw, const char *text, size_t len,
                       ft_buf *out);

/* Characters a stage may not bring into a value of this container (they would end the value or
 * the line): line terminators always, and the tab in a TSV column. */
int ft_container_breaks(int container, const char *text, size_t len);

#endif
