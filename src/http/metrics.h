/* metrics.h — request counters and a latency histogram, rendered in the Prometheus text
 * format by GET /metrics. Keys are route patterns, never raw paths, so no personal data and
 * a bounded number of series. Thread-safe. */
#ifndef HOTLINE_HTTP_METRICS_H
#define HOTLINE_HTTP_METRICS_H
#include "util/err.h"
#include "util/buf.h"
#include <stdint.h>

/* Records one finished request. route and method must be string literals or otherwise live
 * for the whole process (route patterns are). */
void metrics_observe(const char *method, const char *route, int status, int64_t duration_ns);
/* Appends the http_* series to out. */
HL_MUST_CHECK int metrics_render(buf *out);

#endif
