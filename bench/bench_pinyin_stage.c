/* bench_pinyin_stage.c — throughput of the pinyin stage alone (ft_pinyin_strip), line by line over
 * a file, without the rest of the pipeline. Built and run by bench/bench_pinyin.sh.
 * Usage: bench_pinyin_stage FILE  -> prints "stage: MB/s, lines changed, annotations removed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    ft_buf in = {0};
    char chunk[1 << 16];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ft_buf_append(&in, chunk, n))
            return 1;
    fclose(f);

    ft_buf out = {0};
    fixtext_line_info info;
    memset(&info, 0, sizeof info);
    ft_report r = {.info = &info, .stage = (unsigned)fixtext_stage_id("pinyin")};
    unsigned long changed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t pos = 0; pos < in.len;) {
        const char *nl = memchr(in.data + pos, '\n', in.len - pos);
        size_t len = nl ? (size_t)(nl - (in.data + pos)) : in.len - pos;
        ft_buf_clear(&out);
        int rc = ft_pinyin_strip(NULL, in.data + pos, len, &out, &r);
        if (rc < 0)
            return 1;
        changed += rc;
        pos += len + (nl != NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%-28s %8.1f MB/s  %6.3f s  lines changed %lu, annotations removed %u\n",
           "pinyin stage alone", (double)in.len / s / 1e6, s, changed, info.fixed[fixtext_stage_id("pinyin")]);
    ft_buf_free(&in);
    ft_buf_free(&out);
    return 0;
}
