/* buf.c — the growable byte buffer every stage writes into (ft_buf), growable arrays, and
 * memory for built-once tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

int ft_buf_reserve(ft_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len)
        return -1;
    size_t cap = ft_capacity_for(b->cap, b->len + extra, 64);
    char *p = realloc(b->data, cap);
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

void ft_buf_clear(ft_buf *b)
{
    b->len = 0;
}

void ft_buf_free(ft_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
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
    void *p = realloc(block, cap * size);
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
    int failed = 0;
    size_t more = ft_capacity_for(*cap, n + 1, 64);
    *array = ft_grown(*array, more, size, &failed);
    if (failed)
        return -1;
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
