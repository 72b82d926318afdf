/* metrics.c — see metrics.h. A fixed table searched linearly: there are a few hundred
 * (method, route, status) series at most, and the lock is held for nanoseconds. */
#include "http/metrics.h"
#include "util/err.h"
#include <pthread.h>
#include <string.h>

#define MAX_SERIES 512
#define NBUCKETS 12

static const double bucket_s[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                          0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

struct series {
    const char *method, *route;
    int status;
    uint64_t count;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static int nseries;
static uint64_t buckets[NBUCKETS + 1], total_count;
static double total_seconds;

/* The method as a literal: callers pass the connection's copy (freed with the connection),
 * and the series table keeps its pointer for the life of the process. Unknown methods share
 * one series, so a client cannot grow the table with made-up methods. */
static const char *method_literal(const char *method)
{
    static const char *const known[] = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                        "DELETE", "OPTIONS", "TRACE", "CONNECT"};
    for (size_t i = 0; method && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(method, known[i]) == 0) return known[i];
    return "OTHER";
}

void metrics_observe(const char *method, const char *route, int status, int64_t duration_ns)
{
    method = method_literal(method);
    double s = (double)duration_ns / 1e9;
    pthread_mutex_lock(&mu);
    int i;
    for (i = 0; i < nseries; i++)
        if (series[i].status == status && series[i].route == route &&
            strcmp(series[i].method, method) == 0)
            break;
    if (i == nseries && nseries < MAX_SERIES) series[nseries++] = (struct series){method, route, status, 0};
    if (i < nseries) series[i].count++;
    int b = 0;
    while (b < NBUCKETS && s > bucket_s[b]) b++;
    buckets[b]++;
    total_count++;
    total_seconds += s;
    pthread_mutex_unlock(&mu);
}

int metrics_render(buf *out)
{
    int rc = 0;
    pthread_mutex_lock(&mu);
    err_first(&rc, buf_puts(out, "# HELP http_requests_total Requests answered, by route and status.\n"
                        "# TYPE http_requests_total counter\n"));
    for (int i = 0; i < nseries; i++)
        err_first(&rc, buf_printf(out, "http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
                         series[i].method, series[i].route, series[i].status,
                         (unsigned long long)series[i].count));
    err_first(&rc, buf_puts(out, "# HELP http_request_duration_seconds Time from request to response.\n"
                        "# TYPE http_request_duration_seconds histogram\n"));
    uint64_t cum = 0;
    for (int b = 0; b < NBUCKETS; b++) {
        cum += buckets[b];
        err_first(&rc, buf_printf(out, "http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_s[b],
                         (unsigned long long)cum));
    }
    cum += buckets[NBUCKETS];
    err_first(&rc, buf_printf(out,
                     "http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                     "http_request_duration_seconds_sum %.6f\n"
                     "http_request_duration_seconds_count %llu\n",
                     (unsigned long long)cum, total_seconds, (unsigned long long)total_count));
    pthread_mutex_unlock(&mu);
    return rc ? -1 : 0;
}
