/* _fixtext.c — the CPython binding of libfixtext: the Fixer type (options fixed at creation, a
 * small pool of library contexts, the GIL released while the library works) and the library's
 * tables (stage names, counter names, encodings). Option names and their checks live in
 * __init__.py; this module takes them already normalised to fixtext_options fields.
 *
 * Ownership: a Fixer owns copies of its option strings and every context in its pools. A context
 * is taken out of a pool for one call and put back after it, so no two threads ever use one
 * context at once (fixtext.h: a context is not thread-safe). The pools are only touched while the
 * GIL is held, which serialises them without a lock of their own; the module does not declare
 * free-threading support, so a free-threaded interpreter keeps the GIL on while it is loaded.
 *
 * Fork: a context with jobs > 1 runs worker threads once used; a forked child has none of them,
 * so such a context must never be used or freed there (fixtext_free would join threads that do not
 * exist). pthread_atfork bumps a generation counter in the child; a pool from an older generation
 * is dropped on first use, its contexts freed when they run no threads and left alone otherwise. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtext.h"

/* Inputs shorter than this keep the GIL: releasing and taking it back costs about as much as
 * fixing a short line, and a thread that lets go of it may wait a whole switch interval to get it
 * back when others are busy. Measured in bench/bench_python.py (see python/README.md). */
#define GIL_RELEASE_MIN 1024

/* Idle contexts kept per pool: enough for every thread of a typical pool of workers. More threads
 * than this still work; the contexts beyond it are freed when their call ends. */
#define POOL_MAX 16

static PyObject *FixtextError; /* fixtext.Error, a ValueError */

/* Counted in the child after every fork(); compared with the generation a pool was filled in. */
static atomic_uint fork_generation;

static void after_fork_child(void)
{
    atomic_fetch_add_explicit(&fork_generation, 1, memory_order_relaxed);
}

/* Dictionary keys of fix_and_explain's records, made once. */
static PyObject *key_line, *key_partial, *key_changed, *key_encoding, *key_score, *key_explain,
    *key_invalid, *key_replacement, *key_warnings;
static PyObject *warning_binary, *warning_truncated;
static PyObject *counter_keys[FIXTEXT_MAX_STAGES][2]; /* NULL where a stage keeps no such count */
static unsigned stage_count;

/* ---- the pool ---------------------------------------------------------------------------- */

typedef struct {
    fixtext *idle[POOL_MAX];
    unsigned count;
    unsigned generation; /* fork_generation when these contexts were made */
} pool;

enum { POOL_TEXT, POOL_EXPLAIN, POOL_KINDS };

enum { OPT_FROM, OPT_CANDIDATES, OPT_LANG, OPT_CONVERT_TO, OPT_OPENCC_CONFIG, OPT_OPENCC_DATA,
       OPT_SKIP, OPT_ONLY, OPT_FIELDS, OPT_STRINGS };

typedef struct {
    PyObject_HEAD
    int ready;                  /* __init__ done: opts are fixed from then on */
    int from_wide;              /* opts.from is decoded whole (see wide_encoding) */
    fixtext_options opts;       /* string fields point into owned[] */
    char *owned[OPT_STRINGS];   /* malloc'd copies of the option strings */
    pool pools[POOL_KINDS];     /* [POOL_EXPLAIN]: contexts made with FIXTEXT_EXPLAIN */
} FixerObject;

/* Frees a context unless it belongs to the parent of a fork and may own threads. */
static void context_drop(const FixerObject *self, fixtext *ft, unsigned generation)
{
    if (generation == atomic_load_explicit(&fork_generation, memory_order_relaxed) ||
        self->opts.jobs <= 1)
        fixtext_free(ft);
    /* else: its memory is the parent's copy; leaking it is the only safe thing in the child */
}

static void pool_clear(FixerObject *self, pool *p)
{
    while (p->count)
        context_drop(self, p->idle[--p->count], p->generation);
}

/* Sets the Python exception for a failed fixtext_new (the library gives no code, only words). */
static void raise_new_failed(const char *err)
{
    if (strcmp(err, "out of memory") == 0 || !err[0])
        PyErr_NoMemory();
    else
        PyErr_SetString(FixtextError, err);
}

/* A context for one call: an idle one, or a new one. GIL held. *generation receives the
 * generation to give back with it. NULL with an exception set on failure. */
static fixtext *context_take(FixerObject *self, int kind, unsigned *generation)
{
    pool *p = &self->pools[kind];
    unsigned now = atomic_load_explicit(&fork_generation, memory_order_relaxed);
    if (p->generation != now) {
        pool_clear(self, p);
        p->generation = now;
    }
    *generation = now;
    if (p->count)
        return p->idle[--p->count];
    fixtext_options o = self->opts; /* fixed since __init__: safe to read without the GIL */
    if (kind == POOL_EXPLAIN)
        o.flags |= FIXTEXT_EXPLAIN;
    char err[256];
    fixtext *ft;
    /* Making a context may load OpenCC dictionaries: other threads may run meanwhile. */
    Py_BEGIN_ALLOW_THREADS
    ft = fixtext_new(&o, err, sizeof err);
    Py_END_ALLOW_THREADS
    if (!ft)
        raise_new_failed(err);
    return ft;
}

/* Gives a context back after a successful call. GIL held. */
static void context_give(FixerObject *self, int kind, fixtext *ft, unsigned generation)
{
    pool *p = &self->pools[kind];
    if (generation == p->generation && p->count < POOL_MAX)
        p->idle[p->count++] = ft;
    else
        context_drop(self, ft, generation);
}

/* Maps a libfixtext return code to a Python exception. A context that failed is not reused: its
 * state part-way through an input is not worth trusting. */
static void raise_for(fixtext *ft, int rc)
{
    if (rc == FIXTEXT_ERR_NOMEM || rc == FIXTEXT_ERR_WRITE) {
        PyErr_NoMemory(); /* our write callbacks fail only when they cannot grow their buffer */
        return;
    }
    const char *msg = fixtext_error(ft);
    if (msg && msg[0])
        PyErr_SetString(FixtextError, msg);
    else
        PyErr_Format(FixtextError, "libfixtext failed (code %d)", rc);
}

/* ---- inputs ------------------------------------------------------------------------------ */

/* The UTF-8 bytes of a str or the bytes of a bytes-like object. owner, when set, holds them
 * (a temporary bytes object) and is released by input_release; view is the buffer of a
 * bytes-like object (it also keeps a bytearray from being resized while the GIL is released). */
typedef struct {
    const char *data;
    size_t len;
    PyObject *owner;
    Py_buffer view;
    int has_view;
    int exact; /* data is the str's own UTF-8 (no surrogate was replaced) */
} input;

static void input_release(input *in)
{
    Py_CLEAR(in->owner);
    if (in->has_view) {
        PyBuffer_Release(&in->view);
        in->has_view = 0;
    }
}

/* A str with lone surrogates has no UTF-8 form. As ftfy does, pairs become the character they
 * encode and lone surrogates U+FFFD: UTF-16 keeps each surrogate as a code unit, and decoding it
 * back joins the pairs and replaces the rest. Returns a new reference. */
static PyObject *without_surrogates(PyObject *text)
{
    PyObject *units = PyUnicode_AsEncodedString(text, "utf-16-le", "surrogatepass");
    if (!units)
        return NULL;
    PyObject *clean = PyUnicode_DecodeUTF16(PyBytes_AS_STRING(units), PyBytes_GET_SIZE(units),
                                            "replace", &(int){-1});
    Py_DECREF(units);
    return clean;
}

static int input_from_str(PyObject *text, input *in)
{
    memset(in, 0, sizeof *in);
    Py_ssize_t n;
    if (PyUnicode_IS_ASCII(text)) {
        /* The ASCII characters are their own UTF-8: no copy, nothing cached on the str. */
        in->data = PyUnicode_AsUTF8AndSize(text, &n);
        in->len = (size_t)n;
        in->exact = 1;
        return in->data ? 0 : -1;
    }
    /* A temporary copy rather than PyUnicode_AsUTF8AndSize: that one caches the UTF-8 on the str
     * for its whole life, doubling the memory of every document a pipeline keeps. */
    in->owner = PyUnicode_AsUTF8String(text);
    in->exact = in->owner != NULL;
    if (!in->owner) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
            return -1;
        PyErr_Clear();
        PyObject *clean = without_surrogates(text);
        if (!clean)
            return -1;
        in->owner = PyUnicode_AsUTF8String(clean);
        Py_DECREF(clean);
        if (!in->owner)
            return -1;
    }
    in->data = PyBytes_AS_STRING(in->owner);
    in->len = (size_t)PyBytes_GET_SIZE(in->owner);
    return 0;
}

static int input_from_bytes(PyObject *data, input *in)
{
    memset(in, 0, sizeof *in);
    if (PyObject_GetBuffer(data, &in->view, PyBUF_SIMPLE) < 0)
        return -1;
    in->has_view = 1;
    in->data = in->view.buf;
    in->len = (size_t)in->view.len;
    return 0;
}

static int input_from_any(PyObject *obj, input *in)
{
    if (PyUnicode_Check(obj))
        return input_from_str(obj, in);
    if (PyObject_CheckBuffer(obj))
        return input_from_bytes(obj, in);
    PyErr_Format(PyExc_TypeError, "expected str or a bytes-like object, not %.100s",
                 Py_TYPE(obj)->tp_name);
    return -1;
}

/* ---- output and the wide-input guard ---------------------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
} growbuf;

static int growbuf_append(growbuf *b, const void *data, size_t len)
{
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < len) {
            if (cap > SIZE_MAX / 2)
                return -1;
            cap *= 2;
        }
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

/* A line decoded from UTF-16/32 (or from a forced encoding that is not ASCII-compatible).
 *
 * Why: libfixtext decodes such an input whole, and its statistics keep a pointer to the name of
 * that decoder, which fixtext_finish frees; the next input on the same context then compares
 * against freed memory (src/spine/lines.c count_encoding; AddressSanitizer reports it, the command
 * does it too with `fixtext utf16.txt other.txt`). Until the library keeps its own copy, a
 * context that has seen such an input is freed instead of going back to the pool. */
static int wide_encoding(const char *name)
{
    return name && (strncasecmp(name, "UTF-16", 6) == 0 || strncasecmp(name, "UTF-32", 6) == 0 ||
                    strncasecmp(name, "UCS-", 4) == 0);
}

/* ---- the plain path: feed + finish, output into a growbuf ----------------------------------- */

typedef struct {
    growbuf text;
    int wide; /* a line came from a wide decoder: the context must not be reused */
} text_sink;

static int sink_write(void *opaque, const char *data, size_t len)
{
    return growbuf_append(&((text_sink *)opaque)->text, data, len);
}

static int sink_line(void *opaque, const fixtext_line_info *info)
{
    text_sink *sink = opaque;
    if (!sink->wide && wide_encoding(info->encoding))
        sink->wide = 1;
    return 0;
}

static int run_text(fixtext *ft, const input *in, text_sink *sink)
{
    fixtext_set_output(ft, sink_write, sink_line, sink);
    int rc = fixtext_feed(ft, in->data, in->len);
    if (rc == FIXTEXT_OK)
        rc = fixtext_finish(ft);
    fixtext_set_output(ft, NULL, NULL, NULL);
    return rc;
}

/* Runs one whole input through a context of the text pool. On success sink->text holds the
 * output (the caller frees it) and 0 is returned; -1 with an exception set otherwise. */
static int fix_buffer(FixerObject *self, const input *in, text_sink *sink)
{
    unsigned generation;
    fixtext *ft = context_take(self, POOL_TEXT, &generation);
    if (!ft)
        return -1;
    int rc;
    if (in->len >= GIL_RELEASE_MIN) {
        Py_BEGIN_ALLOW_THREADS
        rc = run_text(ft, in, sink);
        Py_END_ALLOW_THREADS
    } else {
        rc = run_text(ft, in, sink);
    }
    if (rc != FIXTEXT_OK) {
        raise_for(ft, rc);
        context_drop(self, ft, generation);
        free(sink->text.data);
        sink->text = (growbuf){0};
        return -1;
    }
    if (sink->wide || self->from_wide)
        context_drop(self, ft, generation);
    else
        context_give(self, POOL_TEXT, ft, generation);
    return 0;
}

/* The library writes valid UTF-8 only; a strict decode makes any breach of that loud. */
static PyObject *decode_output(const char *out, size_t len)
{
    if (len > PY_SSIZE_T_MAX)
        return PyErr_NoMemory();
    return PyUnicode_DecodeUTF8(out, (Py_ssize_t)len, "strict");
}

static PyObject *Fixer_fix_text(FixerObject *self, PyObject *text)
{
    if (!PyUnicode_Check(text))
        return PyErr_Format(PyExc_TypeError,
                            "fix_text() argument must be str, not %.100s (use fix_bytes for bytes)",
                            Py_TYPE(text)->tp_name);
    if (PyUnicode_GET_LENGTH(text) == 0 && PyUnicode_CheckExact(text))
        return Py_NewRef(text);
    input in;
    if (input_from_str(text, &in) < 0)
        return NULL;
    text_sink sink = {0};
    PyObject *result = NULL;
    if (fix_buffer(self, &in, &sink) == 0) {
        const char *out = sink.text.data ? sink.text.data : "";
        size_t outlen = sink.text.len;
        /* Most documents come out unchanged: hand back the same str instead of a copy. */
        if (PyUnicode_CheckExact(text) && in.exact && outlen == in.len &&
            memcmp(out, in.data, outlen) == 0)
            result = Py_NewRef(text);
        if (!result)
            result = decode_output(out, outlen);
        free(sink.text.data);
    }
    input_release(&in);
    return result;
}

static PyObject *Fixer_fix_bytes(FixerObject *self, PyObject *data)
{
    if (PyUnicode_Check(data))
        return PyErr_Format(PyExc_TypeError,
                            "fix_bytes() argument must be a bytes-like object, not str "
                            "(use fix_text for str)");
    input in;
    if (input_from_bytes(data, &in) < 0)
        return NULL;
    text_sink sink = {0};
    PyObject *result = NULL;
    if (fix_buffer(self, &in, &sink) == 0) {
        result = decode_output(sink.text.data ? sink.text.data : "", sink.text.len);
        free(sink.text.data);
    }
    input_release(&in);
    return result;
}

/* ---- the explaining path: feed + finish with our own callbacks --------------------------- */

/* What the line callback keeps of one line. Strings are copied into the collector's arena: the
 * library's pointers are only good during the callback. */
typedef struct {
    uint64_t number;
    unsigned char partial, changed;
    double score;
    size_t encoding, explain; /* offsets into the arena; (size_t)-1: none */
    unsigned invalid, replacement, warnings;
    unsigned fixed[FIXTEXT_MAX_STAGES], reported[FIXTEXT_MAX_STAGES];
} line_record;

typedef struct {
    growbuf text;   /* the output */
    growbuf arena;  /* NUL-terminated strings of the records */
    line_record *records;
    size_t count, cap;
    int wide; /* as text_sink.wide */
} collector;

static size_t arena_add(collector *c, const char *s, int *failed)
{
    if (!s)
        return (size_t)-1;
    size_t at = c->arena.len;
    if (growbuf_append(&c->arena, s, strlen(s) + 1))
        *failed = 1;
    return at;
}

static int collect_write(void *opaque, const char *data, size_t len)
{
    collector *c = opaque;
    return growbuf_append(&c->text, data, len);
}

/* Keeps the lines there is something to say about: changed, warned about, or counted by a stage
 * (a stage may report what it left alone). Runs without the GIL: plain C only. */
static int collect_line(void *opaque, const fixtext_line_info *info)
{
    collector *c = opaque;
    if (!c->wide && wide_encoding(info->encoding))
        c->wide = 1;
    int worth = info->changed || info->warnings || info->invalid_sequences;
    for (unsigned k = 0; !worth && k < stage_count; k++)
        worth = info->fixed[k] || info->reported[k];
    if (!worth)
        return 0;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        line_record *r = realloc(c->records, cap * sizeof *r);
        if (!r)
            return -1;
        c->records = r;
        c->cap = cap;
    }
    line_record *r = &c->records[c->count++];
    int failed = 0;
    r->number = info->number;
    r->partial = info->partial != 0;
    r->changed = info->changed != 0;
    r->score = info->score;
    r->encoding = arena_add(c, info->encoding, &failed);
    r->explain = arena_add(c, info->explain, &failed);
    r->invalid = info->invalid_sequences;
    r->replacement = info->replacement_chars;
    r->warnings = info->warnings;
    memcpy(r->fixed, info->fixed, sizeof r->fixed);
    memcpy(r->reported, info->reported, sizeof r->reported);
    return failed ? -1 : 0;
}

static void collector_free(collector *c)
{
    free(c->text.data);
    free(c->arena.data);
    free(c->records);
}

static int run_collecting(fixtext *ft, const input *in, collector *c)
{
    fixtext_set_output(ft, collect_write, collect_line, c);
    int rc = fixtext_feed(ft, in->data, in->len);
    if (rc == FIXTEXT_OK)
        rc = fixtext_finish(ft);
    fixtext_set_output(ft, NULL, NULL, NULL);
    return rc;
}

static int dict_set_new(PyObject *dict, PyObject *key, PyObject *value)
{
    if (!value)
        return -1;
    int rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

static PyObject *arena_str(const collector *c, size_t at)
{
    if (at == (size_t)-1)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(c->arena.data + at, (Py_ssize_t)strlen(c->arena.data + at),
                                "replace");
}

static PyObject *record_dict(const collector *c, const line_record *r)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    PyObject *warnings = PyList_New(0);
    if (!warnings)
        goto fail;
    if (((r->warnings & FIXTEXT_WARN_BINARY) && PyList_Append(warnings, warning_binary)) ||
        ((r->warnings & FIXTEXT_WARN_TRUNCATED) && PyList_Append(warnings, warning_truncated))) {
        Py_DECREF(warnings);
        goto fail;
    }
    if (dict_set_new(d, key_line, PyLong_FromUnsignedLongLong(r->number)) ||
        dict_set_new(d, key_changed, PyBool_FromLong(r->changed)) ||
        dict_set_new(d, key_partial, PyBool_FromLong(r->partial)) ||
        dict_set_new(d, key_encoding, arena_str(c, r->encoding)) ||
        dict_set_new(d, key_score, PyFloat_FromDouble(r->score)) ||
        dict_set_new(d, key_explain, arena_str(c, r->explain)) ||
        dict_set_new(d, key_invalid, PyLong_FromUnsignedLong(r->invalid)) ||
        dict_set_new(d, key_replacement, PyLong_FromUnsignedLong(r->replacement)) ||
        dict_set_new(d, key_warnings, warnings))
        goto fail;
    for (unsigned k = 0; k < stage_count; k++)
        for (int which = 0; which < 2; which++)
            if (counter_keys[k][which] &&
                dict_set_new(d, counter_keys[k][which],
                             PyLong_FromUnsignedLong(which ? r->reported[k] : r->fixed[k])))
                goto fail;
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

static PyObject *Fixer_fix_and_explain(FixerObject *self, PyObject *obj)
{
    input in;
    if (input_from_any(obj, &in) < 0)
        return NULL;
    unsigned generation;
    fixtext *ft = context_take(self, POOL_EXPLAIN, &generation);
    if (!ft) {
        input_release(&in);
        return NULL;
    }
    collector c = {0};
    int rc;
    if (in.len >= GIL_RELEASE_MIN) {
        Py_BEGIN_ALLOW_THREADS
        rc = run_collecting(ft, &in, &c);
        Py_END_ALLOW_THREADS
    } else {
        rc = run_collecting(ft, &in, &c);
    }
    input_release(&in);
    if (rc != FIXTEXT_OK) {
        raise_for(ft, rc);
        context_drop(self, ft, generation);
        collector_free(&c);
        return NULL;
    }
    if (c.wide || self->from_wide)
        context_drop(self, ft, generation);
    else
        context_give(self, POOL_EXPLAIN, ft, generation);

    PyObject *text = NULL, *records = NULL, *result = NULL;
    text = decode_output(c.text.data ? c.text.data : "", c.text.len);
    if (!text)
        goto done;
    records = PyList_New((Py_ssize_t)c.count);
    if (!records)
        goto done;
    for (size_t i = 0; i < c.count; i++) {
        PyObject *d = record_dict(&c, &c.records[i]);
        if (!d)
            goto done;
        PyList_SET_ITEM(records, (Py_ssize_t)i, d); /* steals d */
    }
    result = PyTuple_Pack(2, text, records);
done:
    Py_XDECREF(text);
    Py_XDECREF(records);
    collector_free(&c);
    return result;
}

/* ---- the type ---------------------------------------------------------------------------- */

static int copy_option(FixerObject *self, int which, PyObject *value, const char **field)
{
    if (value == NULL || value == Py_None) {
        *field = NULL;
        return 0;
    }
    if (!PyUnicode_Check(value)) {
        PyErr_Format(PyExc_TypeError, "option strings must be str, not %.100s",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(value, &n);
    if (!s)
        return -1;
    if ((size_t)n != strlen(s)) {
        PyErr_SetString(FixtextError, "embedded null character in an option");
        return -1;
    }
    self->owned[which] = strdup(s);
    if (!self->owned[which]) {
        PyErr_NoMemory();
        return -1;
    }
    *field = self->owned[which];
    return 0;
}

/* 1 if the encoding writes ASCII as ASCII (so libfixtext frames its lines as they are), 0 if
 * libfixtext decodes it whole (UTF-16/32, UTF-7, ...): the library's own test, through iconv. */
static int ascii_compatible(const char *name)
{
    if (wide_encoding(name))
        return 0;
    iconv_t cd = iconv_open(name, "UTF-8");
    if (cd == (iconv_t)-1)
        return 1; /* unknown names were refused before */
    char in[] = "Az09 \t\r\n", out[64];
    char *ip = in, *op = out;
    size_t il = sizeof in - 1, ol = sizeof out;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    return r != (size_t)-1 && il == 0 && (size_t)(op - out) == sizeof in - 1 &&
           memcmp(out, in, sizeof in - 1) == 0;
}

/* _fixtext.Fixer(*, flags=0, from_=None, candidates=None, lang=None, convert_to=None,
 *                opencc_config=None, opencc_data_dir=None, jobs=0, window=0, skip=None,
 *                only=None, container=0, fields=None): the fixtext_options fields themselves. Makes one context at once, so
 * that bad options fail here with the library's message rather than at the first call. */
static int Fixer_init(FixerObject *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"flags", "from_", "candidates", "lang", "convert_to", "opencc_config",
                            "opencc_data_dir", "jobs", "window", "skip", "only", "container",
                            "fields", NULL};
    unsigned flags = 0, jobs = 0;
    int container = 0;
    Py_ssize_t window = 0;
    PyObject *str[OPT_STRINGS] = {0};
    if (self->ready) {
        PyErr_SetString(PyExc_TypeError, "a Fixer's options cannot change; make a new Fixer");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$IOOOOOOInOOiO", names, &flags,
                                     &str[OPT_FROM], &str[OPT_CANDIDATES], &str[OPT_LANG],
                                     &str[OPT_CONVERT_TO], &str[OPT_OPENCC_CONFIG],
                                     &str[OPT_OPENCC_DATA], &jobs, &window, &str[OPT_SKIP],
                                     &str[OPT_ONLY], &container, &str[OPT_FIELDS]))
        return -1;
    if (window < 0) {
        PyErr_SetString(FixtextError, "window must not be negative");
        return -1;
    }
    fixtext_options_init(&self->opts);
    self->opts.flags = flags & ~(unsigned)FIXTEXT_EXPLAIN; /* the explain pool adds it */
    self->opts.jobs = jobs;
    self->opts.window = (size_t)window;
    self->opts.container = container;
    if (copy_option(self, OPT_FROM, str[OPT_FROM], &self->opts.from) ||
        copy_option(self, OPT_CANDIDATES, str[OPT_CANDIDATES], &self->opts.candidates) ||
        copy_option(self, OPT_LANG, str[OPT_LANG], &self->opts.lang) ||
        copy_option(self, OPT_CONVERT_TO, str[OPT_CONVERT_TO], &self->opts.convert_to) ||
        copy_option(self, OPT_OPENCC_CONFIG, str[OPT_OPENCC_CONFIG], &self->opts.opencc_config) ||
        copy_option(self, OPT_OPENCC_DATA, str[OPT_OPENCC_DATA], &self->opts.opencc_data_dir) ||
        copy_option(self, OPT_SKIP, str[OPT_SKIP], &self->opts.skip) ||
        copy_option(self, OPT_ONLY, str[OPT_ONLY], &self->opts.only) ||
        copy_option(self, OPT_FIELDS, str[OPT_FIELDS], &self->opts.fields))
        return -1;
    /* fixtext_new does not check `from` (iconv is opened per line): check it as the CLI does. */
    if (self->opts.from && !fixtext_encoding_supported(self->opts.from)) {
        PyErr_Format(FixtextError, "unknown encoding '%s'", self->opts.from);
        return -1;
    }
    self->from_wide = self->opts.from && !ascii_compatible(self->opts.from);
    unsigned generation;
    fixtext *ft = context_take(self, POOL_TEXT, &generation);
    if (!ft)
        return -1;
    context_give(self, POOL_TEXT, ft, generation);
    self->ready = 1;
    return 0;
}

static int Fixer_ready(FixerObject *self)
{
    if (self->ready)
        return 0;
    PyErr_SetString(PyExc_RuntimeError, "Fixer.__init__ was not called");
    return -1;
}

static PyObject *Fixer_fix_text_checked(PyObject *self, PyObject *text)
{
    return Fixer_ready((FixerObject *)self) ? NULL : Fixer_fix_text((FixerObject *)self, text);
}

static PyObject *Fixer_fix_bytes_checked(PyObject *self, PyObject *data)
{
    return Fixer_ready((FixerObject *)self) ? NULL : Fixer_fix_bytes((FixerObject *)self, data);
}

static PyObject *Fixer_fix_and_explain_checked(PyObject *self, PyObject *obj)
{
    return Fixer_ready((FixerObject *)self) ? NULL
                                            : Fixer_fix_and_explain((FixerObject *)self, obj);
}

/* Contexts idle in the pools right now (for tests of the pool and of fork handling). */
static PyObject *Fixer_idle_contexts(PyObject *op, PyObject *unused)
{
    (void)unused;
    FixerObject *self = (FixerObject *)op;
    return Py_BuildValue("II", self->pools[POOL_TEXT].count, self->pools[POOL_EXPLAIN].count);
}

static void Fixer_dealloc(FixerObject *self)
{
    PyObject_GC_UnTrack(self);
    for (int k = 0; k < POOL_KINDS; k++)
        pool_clear(self, &self->pools[k]);
    for (int i = 0; i < OPT_STRINGS; i++)
        free(self->owned[i]);
    PyTypeObject *type = Py_TYPE(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type); /* heap type: each instance holds a reference to it */
}

/* The Python subclass (fixtext.Fixer) has a __dict__: let the collector see through it. */
static int Fixer_traverse(FixerObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static PyMethodDef Fixer_methods[] = {
    {"fix_text", Fixer_fix_text_checked, METH_O,
     "fix_text(text: str) -> str\nThe fixed text (the same object when nothing changed)."},
    {"fix_bytes", Fixer_fix_bytes_checked, METH_O,
     "fix_bytes(data: bytes-like) -> str\nBytes of unknown or mixed encoding, fixed, as str."},
    {"fix_and_explain", Fixer_fix_and_explain_checked, METH_O,
     "fix_and_explain(text_or_bytes) -> (str, list[dict])\n"
     "The fixed text and one record per line (or window of a long line) that changed or was "
     "reported on."},
    {"_idle_contexts", Fixer_idle_contexts, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot Fixer_slots[] = {
    {Py_tp_doc, "The C core of fixtext.Fixer: options fixed at creation, contexts pooled."},
    {Py_tp_init, Fixer_init},
    {Py_tp_dealloc, Fixer_dealloc},
    {Py_tp_traverse, Fixer_traverse},
    {Py_tp_methods, Fixer_methods},
    {0, NULL},
};

static PyType_Spec Fixer_spec = {
    .name = "fixtext._fixtext.Fixer",
    .basicsize = sizeof(FixerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = Fixer_slots,
};

/* ---- module functions -------------------------------------------------------------------- */

static PyObject *mod_stages(PyObject *mod, PyObject *unused)
{
    (void)mod, (void)unused;
    PyObject *t = PyTuple_New(stage_count);
    if (!t)
        return NULL;
    for (unsigned k = 0; k < stage_count; k++) {
        PyObject *s = PyUnicode_FromString(fixtext_stage_name(k));
        if (!s) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, s);
    }
    return t;
}

/* ((stage, summary, fixed counter or None, reported counter or None), ...) */
static PyObject *mod_stage_table(PyObject *mod, PyObject *unused)
{
    (void)mod, (void)unused;
    PyObject *t = PyTuple_New(stage_count);
    if (!t)
        return NULL;
    for (unsigned k = 0; k < stage_count; k++) {
        PyObject *row = Py_BuildValue("(sszz)", fixtext_stage_name(k), fixtext_stage_summary(k),
                                      fixtext_stage_counter(k, 0), fixtext_stage_counter(k, 1));
        if (!row) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, row);
    }
    return t;
}

static PyObject *mod_encodings(PyObject *mod, PyObject *unused)
{
    (void)mod, (void)unused;
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    for (const char *const *e = fixtext_encodings(); *e; e++) {
        PyObject *s = PyUnicode_FromString(*e);
        if (!s || PyList_Append(list, s)) {
            Py_XDECREF(s);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(s);
    }
    return list;
}

static PyObject *mod_encoding_supported(PyObject *mod, PyObject *name)
{
    (void)mod;
    if (!PyUnicode_Check(name))
        return PyErr_Format(PyExc_TypeError, "encoding name must be str");
    const char *s = PyUnicode_AsUTF8(name);
    if (!s)
        return NULL;
    return PyBool_FromLong(fixtext_encoding_supported(s));
}

static PyMethodDef module_methods[] = {
    {"stages", mod_stages, METH_NOARGS, "The stage names, in pipeline order (\"detect\" is not one)."},
    {"stage_table", mod_stage_table, METH_NOARGS,
     "(name, summary, fixed counter, reported counter) of every stage."},
    {"encodings", mod_encodings, METH_NOARGS, "The encodings the detector knows."},
    {"encoding_supported", mod_encoding_supported, METH_O,
     "True if this system can decode the named encoding (iconv)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "fixtext._fixtext",
    .m_doc = "The C core of the fixtext package (libfixtext " FIXTEXT_VERSION ").",
    .m_size = -1, /* single-phase: the keys and the fork counter are process-wide */
    .m_methods = module_methods,
};

static int intern_key(PyObject **slot, const char *s)
{
    *slot = PyUnicode_InternFromString(s);
    return *slot ? 0 : -1;
}

PyMODINIT_FUNC PyInit__fixtext(void); /* the one exported symbol */
PyMODINIT_FUNC PyInit__fixtext(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    stage_count = fixtext_stage_count();
    if (stage_count > FIXTEXT_MAX_STAGES)
        stage_count = FIXTEXT_MAX_STAGES;
    if (intern_key(&key_line, "line") || intern_key(&key_partial, "partial") ||
        intern_key(&key_changed, "changed") || intern_key(&key_encoding, "encoding") ||
        intern_key(&key_score, "score") || intern_key(&key_explain, "explain") ||
        intern_key(&key_invalid, "invalid_sequences") ||
        intern_key(&key_replacement, "replacement_chars") ||
        intern_key(&key_warnings, "warnings") || intern_key(&warning_binary, "binary") ||
        intern_key(&warning_truncated, "truncated"))
        goto fail;
    for (unsigned k = 0; k < stage_count; k++)
        for (int which = 0; which < 2; which++) {
            const char *name = fixtext_stage_counter(k, which);
            if (name && intern_key(&counter_keys[k][which], name))
                goto fail;
        }

    FixtextError = PyErr_NewExceptionWithDoc(
        "fixtext.Error", "A bad option or data file, with libfixtext's message.", PyExc_ValueError,
        NULL);
    if (!FixtextError || PyModule_AddObjectRef(m, "Error", FixtextError) < 0)
        goto fail;
    PyObject *type = PyType_FromSpec(&Fixer_spec);
    if (!type || PyModule_AddObject(m, "Fixer", type) < 0) { /* steals type on success */
        Py_XDECREF(type);
        goto fail;
    }
    if (PyModule_AddStringConstant(m, "LIBRARY_VERSION", FIXTEXT_VERSION) ||
        PyModule_AddIntConstant(m, "KEEP_BOM", FIXTEXT_KEEP_BOM) ||
        PyModule_AddIntConstant(m, "JSONL_RAW", FIXTEXT_JSONL_RAW) ||
        PyModule_AddIntConstant(m, "CONTAINER_JSONL", FIXTEXT_CONTAINER_JSONL) ||
        PyModule_AddIntConstant(m, "CONTAINER_TSV", FIXTEXT_CONTAINER_TSV) ||
        PyModule_AddIntConstant(m, "NO_DETECT", FIXTEXT_NO_DETECT) ||
        PyModule_AddIntConstant(m, "NO_MOJIBAKE", FIXTEXT_NO_MOJIBAKE) ||
        PyModule_AddIntConstant(m, "KEEP_ENTITIES", FIXTEXT_KEEP_ENTITIES) ||
        PyModule_AddIntConstant(m, "ENTITIES_ALWAYS", FIXTEXT_ENTITIES_ALWAYS) ||
        PyModule_AddIntConstant(m, "KEEP_PINYIN", FIXTEXT_KEEP_PINYIN) ||
        PyModule_AddIntConstant(m, "NO_SHIFTED", FIXTEXT_NO_SHIFTED) ||
        PyModule_AddIntConstant(m, "NO_C1", FIXTEXT_NO_C1) ||
        PyModule_AddIntConstant(m, "MAX_JOBS", FIXTEXT_MAX_JOBS) ||
        PyModule_AddIntConstant(m, "MIN_WINDOW", FIXTEXT_MIN_WINDOW) ||
        PyModule_AddIntConstant(m, "DEFAULT_WINDOW", FIXTEXT_DEFAULT_WINDOW) ||
        PyModule_AddIntConstant(m, "GIL_RELEASE_MIN", GIL_RELEASE_MIN))
        goto fail;
    PyObject *max_window = PyLong_FromSize_t(FIXTEXT_MAX_WINDOW);
    int added = max_window ? PyModule_AddObjectRef(m, "MAX_WINDOW", max_window) : -1;
    Py_XDECREF(max_window);
    if (added < 0)
        goto fail;

    static int atfork_done;
    if (!atfork_done) {
        if (pthread_atfork(NULL, NULL, after_fork_child) != 0) {
            PyErr_SetString(PyExc_OSError, "pthread_atfork failed");
            goto fail;
        }
        atfork_done = 1;
    }
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
