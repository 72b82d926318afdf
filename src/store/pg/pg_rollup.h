/* pg_rollup.h — the PostgreSQL counterpart of store/rollup.h's live path (internal to
 * src/store/pg/): keeping rollup_unit_day, appraisal_returns, rollup_labels and
 * rollup_volume_day in step with the case rows inside the transaction of every case change.
 * The tables' columns mean exactly what they mean in SQLite (migration 0006, store/rollup.c):
 * the analytics functions read them alike on both backends. */
#ifndef HOTLINE_STORE_PG_ROLLUP_H
#define HOTLINE_STORE_PG_ROLLUP_H
#include "core/lifecycle.h"
#include "store/pg/pg_db.h"
#include "util/err.h"

/* The hook of the case writes (pg_cases.c), called after the event(s) are appended and before
 * the row is rewritten: the row still holds what it was before, *after is what it becomes, e
 * the action taken (for ACT_REGISTER the row was just inserted). */
HL_MUST_CHECK int pg_rollup_apply(pg_conn *c, int64_t case_id, const case_snapshot *after,
                                  const case_event *e);

#endif
