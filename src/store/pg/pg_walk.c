/* pg_walk.c — see pg_walk.h. */
#include "store/pg/pg_walk.h"
#include "util/err.h"

#define STR_(x) #x
#define STR(x) STR_(x)

int pg_walk(pg_conn *c, const char *declare_sql, const db_arg *args, int n, pg_walk_fn fn,
            void *ud)
{
    pg_q q;
    int rc = pg_open_qa(c, &q, declare_sql, args, n);
    if (rc) return rc;
    pg_close_q(&q);
    bool more = true;
    while (!rc && more) {
        rc = pg_open_q(c, &q, "FETCH " STR(PG_WALK_BATCH) " FROM hl_walk", "");
        if (rc) break;
        more = q.nrows == PG_WALK_BATCH;
        while (!rc && pg_step(&q)) rc = fn(&q, ud);
        pg_close_q(&q);
    }
    /* after a failed statement the transaction refuses CLOSE too (and is rolled back); a
     * CLOSE of its own that fails is the transaction's failure, reported if nothing else was */
    err_first(&rc, pg_exec(c, NULL, "CLOSE hl_walk", ""));
    return rc;
}
