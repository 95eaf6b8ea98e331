/* report.c — per-line explanations that stages add to when --explain is on. */
#include "internal.h"

void ft_report_note(ft_report *r, const char *fmt, ...)
{
    if (!r || !r->explain)
        return;
    if (r->explain->len > r->explain_start)
        ft_buf_append(r->explain, "; ", 2);
    va_list ap;
    va_start(ap, fmt);
    ft_buf_vprintf(r->explain, fmt, ap); /* an explanation lost to ENOMEM is not worth failing for */
    va_end(ap);
}
