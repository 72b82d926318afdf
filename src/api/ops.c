/* ops.c — operations endpoints: GET /healthz for load balancers and GET /metrics for
 * Prometheus (requests by route and status, latency, write batches, database size). */
#include "api/api.h"
#include "http/metrics.h"
#include "util/err.h"

static void healthz(api_ctx *c)
{
    int version = 0;
    int rc = store_schema_version(c->app->st, &version);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    http_send_json(c->r, 200, json_pack("{s:s, s:i}", "status", "ok", "schema", version));
}

static void metrics(api_ctx *c)
{
    store_stats st;
    int rc = store_get_stats(c->app->st, &st);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    buf out;
    buf_init(&out, 1 << 20);
    rc = metrics_render(&out);
    static const char *const le[8] = {"1", "3", "7", "15", "31", "63", "127", "+Inf"};
    err_first(&rc, buf_puts(&out, "# HELP store_write_batch_size Writes committed per transaction.\n"
                         "# TYPE store_write_batch_size histogram\n"));
    uint64_t cum = 0;
    for (int i = 0; i < 8; i++) {
        cum += st.batch_hist[i];
        err_first(&rc, buf_printf(&out, "store_write_batch_size_bucket{le=\"%s\"} %llu\n", le[i],
                         (unsigned long long)cum));
    }
    err_first(&rc, buf_printf(&out,
                     "store_write_batch_size_sum %llu\nstore_write_batch_size_count %llu\n"
                     "# HELP store_failed_commits_total Transactions that could not commit.\n"
                     "# TYPE store_failed_commits_total counter\n"
                     "store_failed_commits_total %llu\n"
                     "# HELP store_database_bytes Size of the database file.\n"
                     "# TYPE store_database_bytes gauge\nstore_database_bytes %lld\n",
                     (unsigned long long)st.writes, (unsigned long long)st.commits,
                     (unsigned long long)st.failed_commits, (long long)st.db_bytes));
    if (rc)
        http_send_rc(c->r, HL_ENOMEM);
    else
        http_send_bytes(c->r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
    buf_free(&out);
}

const api_route api_ops_routes[] = {
    {"GET", "/healthz", healthz, API_PUBLIC},
    {"GET", "/metrics", metrics, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
