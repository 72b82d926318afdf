/* log.h — leveled logging to stderr, one line per message, timestamped in UTC.
 * Never log personal data (phones, names, request text): callers pass ids only. */
#ifndef HOTLINE_UTIL_LOG_H
#define HOTLINE_UTIL_LOG_H
#include "util/err.h"
#include <stddef.h>

typedef enum { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG } log_level;

void log_set_level(log_level l);
log_level log_get_level(void);
/* Parses "error", "warn", "info", "debug"; 0 on success. */
HL_MUST_CHECK int log_parse_level(const char *s, log_level *out);
/* Writes one line; control characters (CR, LF, ESC, ...), DEL and backslash in the formatted
 * message are written as \xNN, so text from the network (a request path) can neither forge a
 * line nor send escapes to a terminal. */
void log_msg(log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with control characters, DEL and backslash as \xNN, into out (cap >= 1; cut, never inside an
 * escape, when it fills). Returns the length written. */
size_t log_escape(const char *s, char *out, size_t cap);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
