/* pg_check.c — engine.h's store_check for PostgreSQL, the counterpart of sqlite_check in
 * cases.c: the engine's own consistency, then every case row against the fold of its events.
 *
 * PostgreSQL has no PRAGMA integrity_check; what it can check cheaply instead, in one
 * snapshot:
 *  - no index is left invalid (a failed CREATE INDEX CONCURRENTLY, a crash mid-build) and no
 *    constraint unvalidated (NOT VALID): everything the schema declares holds for every row;
 *  - every btree index agrees with its table, with the amcheck extension's bt_index_check when
 *    it is installed (it ships with Debian's PostgreSQL; creating it is the administrator's
 *    choice, not ours);
 *  - each case's event log is numbered 1..n without a gap (what no constraint says).
 * The fold is store_case_verify's (a case's row against core's fold of its events, compared by
 * case_row_equal), read a batch of cases at a time: the rows, their events and the events'
 * number per case in three queries, in one snapshot per batch (a case's row and events change
 * together, so each comparison is consistent; the whole check never holds one snapshot open
 * for the minutes a large store takes). One case at a time, each its own transaction, took
 * 94 s for 150,000 cases. */
#include "store/case_row.h" /* case_row_equal: the one comparison of two snapshots */
#include "store/cases.h"
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

/* Each query counts problems; 0 is healthy. */
static const char *const checks[] = {
    "SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
    " WHERE t.relnamespace = 'public'::regnamespace AND NOT (i.indisvalid AND i.indisready)",
    "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    " AND NOT convalidated",
    "SELECT count(*) FROM (SELECT case_id FROM case_events GROUP BY case_id"
    " HAVING min(seq) <> 1 OR max(seq) <> count(*)) gaps",
};

/* Every btree index of the schema checked by amcheck, when installed: the ones that fail. */
static const char amcheck[] =
    "SELECT count(*) FILTER (WHERE NOT ok) FROM (SELECT"
    " (SELECT true FROM (SELECT bt_index_check(i.indexrelid)) x) AS ok"
    " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    " JOIN pg_am am ON am.oid = c.relam"
    " WHERE c.relnamespace = 'public'::regnamespace AND am.amname = 'btree') t";

struct check_args {
    bool *integrity_ok;
};

static int integrity_fn(pg_conn *c, void *arg)
{
    struct check_args *k = arg;
    *k->integrity_ok = true;
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof checks / sizeof checks[0]; i++) {
        int64_t bad = 0;
        rc = pg_int1(c, &bad, checks[i], NULL);
        if (!rc && bad) {
            log_warn("store: check %zu found %lld problem(s)", i + 1, (long long)bad);
            *k->integrity_ok = false;
        }
    }
    return rc;
}

/* amcheck, in a snapshot of its own: bt_index_check raises an error on a damaged index
 * (XX001/XX002, HL_EIO) rather than answering, and an error ends the transaction it runs in.
 * *damaged: the check ran and found one. */
static int amcheck_fn(pg_conn *c, void *arg)
{
    int64_t have = 0, bad = 0;
    int rc = pg_int1(c, &have, "SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'",
                     NULL);
    if (rc || !have) return rc;
    rc = pg_int1(c, &bad, amcheck, NULL);
    *(bool *)arg = rc == HL_EIO || (!rc && bad);
    return rc;
}

#define CHECK_BATCH 1000 /* cases per snapshot */

struct batch_args {
    int64_t after;   /* the last case id checked */
    size_t n;        /* cases in this batch (0: done) */
    int64_t *differ; /* grows by this batch's differing cases */
};

static int read_count(pg_q *q, arena *a, void *item)
{
    (void)a;
    int64_t *pair = item;
    pair[0] = pg_int(q, 0);
    pair[1] = pg_int(q, 1);
    return 0;
}

/* The next batch of cases after b->after: each row against the fold of its events. */
static int batch_fn(pg_conn *c, void *arg)
{
    struct batch_args *b = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_case *rows = NULL;
    store_case_event *evs = NULL;
    int64_t(*counts)[2] = NULL;
    size_t nev = 0, ncounts = 0;
    b->n = 0;
    int rc = pg_list(c, a, sizeof *rows, pg_case_row_read, (void **)&rows, &b->n,
                     "SELECT " PG_CASE_ROW_COLS " FROM cases c WHERE c.id > $1 ORDER BY c.id"
                     " LIMIT $2",
                     "ii", b->after, (int64_t)CHECK_BATCH);
    int64_t last = !rc && b->n ? rows[b->n - 1].id : b->after;
    if (!rc && b->n)
        rc = pg_list(c, a, sizeof *counts, read_count, (void **)&counts, &ncounts,
                     "SELECT case_id, count(*) FROM case_events WHERE case_id > $1"
                     " AND case_id <= $2 GROUP BY case_id ORDER BY case_id",
                     "ii", b->after, last);
    if (!rc && b->n)
        rc = pg_list(c, a, sizeof *evs, pg_case_row_read_event, (void **)&evs, &nev,
                     "SELECT " PG_CASE_EVENT_COLS " FROM case_events e LEFT JOIN users u"
                     " ON u.id = e.actor_id WHERE e.case_id > $1 AND e.case_id <= $2"
                     " ORDER BY e.case_id, e.seq",
                     "ii", b->after, last);
    /* the events are in case order: each case's are the next count of them */
    size_t k = 0, j = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        while (j < ncounts && counts[j][0] < rows[i].id) k += (size_t)counts[j++][1];
        size_t mine = j < ncounts && counts[j][0] == rows[i].id ? (size_t)counts[j][1] : 0;
        case_snapshot folded = {0};
        for (size_t e = k; !rc && e < k + mine && e < nev; e++)
            rc = lifecycle_apply(&folded, &evs[e].ev);
        if (!rc && !case_row_equal(&rows[i].snap, &folded)) (*b->differ)++;
    }
    if (!rc) b->after = last;
    arena_free(a);
    return rc;
}

int postgres_check(store *s, bool *integrity_ok, int64_t *cases, int64_t *differ)
{
    struct check_args k = {integrity_ok};
    *cases = *differ = 0;
    int rc = pg_store_read(s, integrity_fn, &k);
    bool damaged = false;
    if (!rc) rc = pg_store_read(s, amcheck_fn, &damaged);
    if (damaged) {
        log_warn("store: amcheck found a damaged index");
        *integrity_ok = false;
        rc = 0;
    }
    struct batch_args b = {0, 1, differ};
    while (!rc && b.n) {
        rc = pg_store_read(s, batch_fn, &b);
        if (!rc) *cases += (int64_t)b.n;
    }
    return rc;
}
