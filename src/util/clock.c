/* clock.c — see clock.h. Without --clock a reading costs one branch more than the system call;
 * with it, an open, a read and a close (a few microseconds, tests only). */
#include "util/clock.h"
#include "util/err.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OFFSET_MAX (100LL * 366 * 86400) /* a century either way: anything more is a typo */

static char file[PATH_MAX];      /* empty: the system's clocks */
static _Atomic int64_t offset_s; /* the last offset read from file */

/* The offset in FILE; HL_EINVAL when it cannot be read or does not parse. */
static int read_offset(const char *path, int64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return HL_EINVAL;
    char text[32];
    ssize_t n = read(fd, text, sizeof text - 1); /* a regular file: no EINTR */
    close(fd);
    if (n <= 0) return HL_EINVAL;
    text[n] = 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (end != text && isspace((unsigned char)*end))
        end++;
    if (end == text || *end || errno || v > OFFSET_MAX || v < -OFFSET_MAX) return HL_EINVAL;
    *out = (int64_t)v;
    return 0;
}

static int64_t offset(void)
{
    if (!file[0]) return 0;
    int64_t v;
    if (read_offset(file, &v) == 0) atomic_store(&offset_s, v);
    return atomic_load(&offset_s);
}

int64_t clock_now(void)
{
    return (int64_t)time(NULL) + offset();
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset() * 1000;
}

int clock_use_file(const char *path)
{
    if (!path) {
        file[0] = 0;
        atomic_store(&offset_s, 0);
        return 0;
    }
    int64_t v;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof file || read_offset(path, &v)) return HL_EINVAL;
    memcpy(file, path, n + 1);
    atomic_store(&offset_s, v);
    return 0;
}
