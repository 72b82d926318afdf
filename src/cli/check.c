/* check.c — `hotline check`: SQLite's integrity check, every request's row compared with the
 * fold of its event log (the row must be exactly what the log says), the rollups against a
 * recomputation, and the running sign-for and reply clocks the appraisal counts (in SQL, over
 * two partial indexes) against core/appraisal.h appraisal_case_clocks over every request. */
#include "cli/cli.h"
#include "store/analytics.h"
#include "store/engine.h"
#include "util/clock.h"
#include "util/err.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char check_help[] =
    "usage: hotline check [--db PATH]\n"
    "\n"
    "  --db PATH   the database (HOTLINE_DB, default var/hotline.db); may be in use\n"
    "\n"
    "Exits 0 when the database is intact, every request row agrees with its event log, the\n"
    "rollups with the requests, and the appraisal's running sign-for and reply clocks with\n"
    "every request's.\n";

struct clocks {
    int64_t now;
    const store_unit_counts *units; /* the store's figures, by unit id */
    size_t n;
    appraisal_counts *mine;         /* the recount, index for index */
    int64_t strays;                 /* clocks of a unit the store's figures lack */
};

static int cmp_unit(const void *key, const void *item)
{
    int64_t k = *(const int64_t *)key, u = ((const store_unit_counts *)item)->unit_id;
    return (k > u) - (k < u);
}

static int on_case(const store_case *k, void *ud)
{
    struct clocks *x = ud;
    appraisal_counts c = {0};
    appraisal_case_clocks(&k->snap, x->now, &c);
    if (appraisal_counts_zero(&c)) return 0;
    const store_unit_counts *u = bsearch(&k->snap.unit_id, x->units, x->n, sizeof *u, cmp_unit);
    if (!u) x->strays++;
    else appraisal_counts_add(&x->mine[u - x->units], &c, 1);
    return 0;
}

/* *same when the clocks of every unit over all time, as the store counts them, are those of
 * appraisal_case_clocks summed over every request, at one moment. */
static HL_MUST_CHECK int clocks_verify(store *st, bool *same)
{
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    struct clocks x = {.now = clock_now()};
    store_unit_counts *units = NULL;
    int rc = store_appraisal_counts(st, a, 0, INT32_MAX, x.now, &units, &x.n);
    x.units = units;
    x.mine = rc ? NULL : calloc(x.n ? x.n : 1, sizeof *x.mine);
    if (!rc && !x.mine) rc = HL_ENOMEM;
    store_case_query all = {.urgency = -1};
    if (!rc) rc = store_cases_each(st, &all, INT64_MAX, on_case, &x);
    *same = !rc && !x.strays;
    for (size_t i = 0; !rc && i < x.n; i++) {
        const appraisal_counts *s = &units[i].c, *m = &x.mine[i];
        if (s->sign_pending != m->sign_pending || s->sign_overdue != m->sign_overdue ||
            s->sign_unclocked != m->sign_unclocked || s->reply_pending != m->reply_pending ||
            s->reply_overdue != m->reply_overdue || s->reply_unclocked != m->reply_unclocked)
            *same = false;
    }
    free(x.mine);
    arena_free(a);
    return rc;
}

int cli_check(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(check_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else {
            fprintf(stderr, "hotline check: unexpected '%s'\n\n%s", argv[i], check_help);
            return 2;
        }
    }
    if (!cli_store_there("check", db, "")) return 2;
    store *st = NULL;
    bool ok = false;
    int64_t cases = 0, differ = 0;
    bool rollups = false, clocks = false;
    int rc = store_open(db, &st);
    if (!rc) rc = store_check(st, &ok, &cases, &differ);
    if (!rc) rc = store_rollup_verify(st, &rollups);
    if (!rc) rc = clocks_verify(st, &clocks);
    store_close(st);
    if (rc) {
        fprintf(stderr, "hotline check: %s\n", hl_strerror(rc));
        return 1;
    }
    printf("integrity: %s\nrequests: %lld checked, %lld differ from their event log\n"
           "rollups: %s\nrunning clocks: %s\n",
           ok ? "ok" : "FAILED", (long long)cases, (long long)differ,
           rollups ? "agree with the requests" : "DIFFER from the requests",
           clocks ? "agree with the requests" : "DIFFER from the requests");
    return ok && differ == 0 && rollups && clocks ? 0 : 1;
}
