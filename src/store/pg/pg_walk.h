/* pg_walk.h — a long query's rows a batch at a time (internal to src/store/pg/). SQLite steps
 * a statement row by row, so its walks (store_case_times_each, store_appraisal_costs_each,
 * store_cases_each) never hold more than one row; libpq reads a whole result at once, which
 * for a year of requests or a large export is every row in memory. A walk instead runs its
 * SELECT as a cursor inside the read's transaction and fetches PG_WALK_BATCH rows at a time.
 *
 * One walk at a time on a connection (the cursor has one name); the transaction that
 * pg_store_read opened holds it. */
#ifndef HOTLINE_STORE_PG_WALK_H
#define HOTLINE_STORE_PG_WALK_H
#include "store/pg/pg_db.h"

#define PG_WALK_BATCH 1000

/* What a walk's SQL starts with: pg_walk(c, PG_WALK_DECLARE "SELECT ...", ...). Part of the
 * statement text, so a walk's statement stays prepared like any other. */
#define PG_WALK_DECLARE "DECLARE hl_walk NO SCROLL CURSOR FOR "

/* Called with each row (q's current row); a non-zero result stops the walk. */
typedef int (*pg_walk_fn)(pg_q *q, void *ud);

/* Runs declare_sql (PG_WALK_DECLARE and a SELECT) with n arguments (as pg_open_qa) and calls
 * fn for every row in order. Returns the first non-zero of a query's error and fn's result;
 * the cursor is closed whatever happened. */
HL_MUST_CHECK int pg_walk(pg_conn *c, const char *declare_sql, const db_arg *args, int n,
                          pg_walk_fn fn, void *ud);

#endif
