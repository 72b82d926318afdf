/* log.h — leveled logging to stderr, one line per message, timestamped in UTC.
 * Never log personal data (phones, names, request text): callers pass ids only. */
#ifndef HOTLINE_UTIL_LOG_H
#define HOTLINE_UTIL_LOG_H
#include "util/err.h"

typedef enum { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG } log_level;

void log_set_level(log_level l);
log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug"; 0 on success. */
HL_MUST_CHECK int log_parse_level(const char *s, log_level *out);
void log_msg(log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
