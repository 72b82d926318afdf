/* log.c — see log.h. A single fprintf per line keeps lines whole across threads. */
#include "util/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static log_level current = LOG_INFO;
static const char *names[] = {"error", "warn", "info", "debug"};

void log_set_level(log_level l) { current = l; }
log_level log_get_level(void) { return current; }

int log_parse_level(const char *s, log_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (log_level)i;
            return 0;
        }
    return -1;
}

void log_msg(log_level l, const char *fmt, ...)
{
    if (l > current) return;
    char msg[1024], ts[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ %-5s %s\n", ts, now.tv_nsec / 1000000, names[l], msg);
}
