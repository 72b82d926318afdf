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
 * The fold is store_case_verify's, case by case, each in a snapshot of its own (a case's row
 * and events change together, so each comparison is consistent; the whole check never holds
 * one snapshot open for the minutes a large store takes). */
#include "store/cases.h"
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
    int64_t *ids; /* the cases, from the arena */
    size_t n;
    arena *a;
};

static int read_id(pg_q *q, arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = pg_int(q, 0);
    return 0;
}

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
    void *ids = NULL;
    if (!rc)
        rc = pg_list(c, k->a, sizeof(int64_t), read_id, &ids, &k->n,
                     "SELECT id FROM cases ORDER BY id", NULL);
    k->ids = ids;
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

int postgres_check(store *s, bool *integrity_ok, int64_t *cases, int64_t *differ)
{
    struct check_args k = {integrity_ok, NULL, 0, arena_new()};
    if (!k.a) return HL_ENOMEM;
    *cases = *differ = 0;
    int rc = pg_store_read(s, integrity_fn, &k);
    bool damaged = false;
    if (!rc) rc = pg_store_read(s, amcheck_fn, &damaged);
    if (damaged) {
        log_warn("store: amcheck found a damaged index");
        *integrity_ok = false;
        rc = 0;
    }
    for (size_t i = 0; !rc && i < k.n; i++) {
        bool same = false;
        rc = store_case_verify(s, k.ids[i], &same);
        if (rc) break;
        (*cases)++;
        if (!same) (*differ)++;
    }
    arena_free(k.a);
    return rc;
}
