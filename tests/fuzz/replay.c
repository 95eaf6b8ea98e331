/* Replays files through a fuzz harness without libFuzzer, so the normal test suite (and its
 * sanitizer run) checks every input of a committed corpus. Linked with one harness
 * (fuzz_pipeline.c or fuzz_determinism.c). Usage: replay FILE|DIR... */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A harness reports a failed check by aborting: say which input did it. */
static const char *current;

static void name_input(int sig)
{
    static const char what[] = "replay: failed on ";
    if (write(2, what, sizeof what - 1) < 0 || write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
        _exit(128 + sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int replay_file(const char *path)
{
    current = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    int failures = 0, count = 0;
    signal(SIGABRT, name_input);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                failures += replay_file(path);
                count++;
            }
            if (d)
                closedir(d);
        } else {
            failures += replay_file(argv[i]);
            count++;
        }
    }
    printf("%d passed, %d failed\n", count - failures, failures);
    return failures != 0;
}
