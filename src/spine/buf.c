/* buf.c — the growable byte buffer every stage writes into (ft_buf), growable arrays, large
 * blocks on huge pages (ft_block_*), and memory for built-once tables. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* ---- large blocks ---- */

/* A page fault costs microseconds, more under a hypervisor, and the per-line arrays, the input
 * and a worker's output of a run weigh megabytes: about 2,400 faults (10 MB) for a 2.8 MB file,
 * a third of its time. Blocks of FT_LARGE_BLOCK bytes or more are therefore mapped on their own,
 * in whole huge pages (2 MB, aligned) marked for transparent huge pages (MADV_HUGEPAGE), where
 * one fault makes 2 MB; they are never shrunk, and they move (a copy) only when they double.
 * Smaller blocks come from malloc. A header before the data says which, so callers hold plain
 * pointers and give them back with ft_block_free. */
#define HUGE_PAGE ((size_t)2 << 20)
#define HEADER 64 /* (keeps the data aligned for any element type) */
typedef struct block_header {
    size_t mapped; /* the mapping's length including the header; 0: from malloc */
    size_t bytes;  /* what the caller asked for */
} block_header;
_Static_assert(sizeof(block_header) <= HEADER, "header fits");

static block_header *header_of(void *block)
{
    return block ? (block_header *)((char *)block - HEADER) : NULL;
}

/* len bytes (a multiple of HUGE_PAGE) mapped at a HUGE_PAGE boundary, or NULL. */
static void *map_huge(size_t len)
{
    char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *start = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (start > p)
        munmap(p, (size_t)(start - p));
    if (p + len + HUGE_PAGE > start + len)
        munmap(start + len, (size_t)(p + len + HUGE_PAGE - (start + len)));
#ifdef MADV_HUGEPAGE
    madvise(start, len, MADV_HUGEPAGE); /* (advice: without huge pages, plain pages) */
#endif
    return start;
}

void *ft_block_resize(void *block, size_t bytes)
{
    block_header *h = header_of(block);
    if (bytes > SIZE_MAX - HEADER - HUGE_PAGE)
        return NULL;
    if (h && h->mapped && HEADER + bytes <= h->mapped) {
        h->bytes = bytes;
        return block;
    }
    if (bytes < FT_LARGE_BLOCK && !(h && h->mapped)) {
        h = realloc(h, HEADER + bytes);
        if (!h)
            return NULL;
        h->mapped = 0, h->bytes = bytes;
        return (char *)h + HEADER;
    }
    size_t len = (HEADER + bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    block_header *fresh = map_huge(len);
    if (!fresh)
        return NULL;
    fresh->mapped = len, fresh->bytes = bytes;
    if (h) {
        memcpy((char *)fresh + HEADER, block, h->bytes < bytes ? h->bytes : bytes);
        ft_block_free(block);
    }
    return (char *)fresh + HEADER;
}

void ft_block_free(void *block)
{
    block_header *h = header_of(block);
    if (!h)
        return;
    if (h->mapped)
        munmap(h, h->mapped);
    else
        free(h);
}

int ft_buf_reserve(ft_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len)
        return -1;
    size_t cap = ft_capacity_for(b->cap, b->len + extra, 64);
    char *p = ft_block_resize(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int ft_buf_append(ft_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (ft_buf_reserve(b, n))
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int ft_buf_putc(ft_buf *b, char c)
{
    if (ft_buf_reserve(b, 1))
        return -1;
    b->data[b->len++] = c;
    return 0;
}

int ft_buf_put_cp(ft_buf *b, uint32_t cp)
{
    if (ft_buf_reserve(b, 4))
        return -1;
    b->len += ft_utf8_encode(cp, (unsigned char *)b->data + b->len);
    return 0;
}

int ft_buf_vprintf(ft_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int need = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (need < 0 || ft_buf_reserve(b, (size_t)need + 1))
        return -1;
    vsnprintf(b->data + b->len, (size_t)need + 1, fmt, ap);
    b->len += (size_t)need;
    return 0;
}

void ft_buf_free(ft_buf *b)
{
    ft_block_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* The data, now the caller's to free(); b is left empty. A block from malloc is handed over in
 * place (the data moved down over its header), a mapped one copied. */
char *ft_buf_release(ft_buf *b)
{
    block_header *h = header_of(b->data);
    char *out;
    if (!h) {
        out = calloc(1, 1);
    } else if (!h->mapped) {
        memmove(h, b->data, b->len);
        out = (char *)h;
    } else {
        out = malloc(b->len ? b->len : 1);
        if (out)
            memcpy(out, b->data, b->len);
        ft_block_free(b->data);
    }
    b->data = NULL;
    b->len = b->cap = 0;
    return out;
}

/* ---- growable arrays ---- */

size_t ft_capacity_for(size_t cap, size_t want, size_t first)
{
    if (!cap)
        cap = first;
    while (cap < want)
        cap *= 2;
    return cap;
}

void *ft_grown(void *block, size_t cap, size_t size, int *failed)
{
    void *p = ft_block_resize(block, cap * size);
    if (!p) {
        *failed = 1;
        return block;
    }
    return p;
}

int ft_room_for_one(void **array, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t more = ft_capacity_for(*cap, n + 1, 64);
    void *p = realloc(*array, more * size);
    if (!p)
        return -1;
    *array = p;
    *cap = more;
    return 0;
}

/* A page fault costs microseconds, more under a hypervisor: the mojibake codec tables (about
 * 1.9 MB, written all over while they are built from iconv) took some 470 faults, a third of the
 * time their build took. MAP_POPULATE makes the pages in one call. */
void *ft_table_alloc(size_t bytes)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p; /* (anonymous pages are zero) */
}

void ft_table_free(void *table, size_t bytes)
{
    if (table)
        munmap(table, bytes ? bytes : 1);
}
