/* rollup.h — keeping the appraisal and dashboard rollups of migration 0006 in step with the
 * case rows, inside the writer's transaction (internal to src/store/). The definitions are
 * core/appraisal.h appraisal_case_facts; the SQL forms below say the same for queries that
 * run over case rows (drill-down, bulk import, verification). */
#ifndef HOTLINE_STORE_ROLLUP_H
#define HOTLINE_STORE_ROLLUP_H
#include "store/store_internal.h"

/* A case row "c" as appraisal_case_facts sees it. */
#define SQL_DISPATCHED "(c.unit_id IS NOT NULL AND c.state<>'merged' AND c.dispatched_at IS NOT NULL)"
#define SQL_SIGNED_ONTIME                                                                      \
    "(c.signed_at IS NOT NULL AND c.state<>'dispatched' AND NOT (c.state='return_pending'"     \
    " AND ifnull(c.return_from,'')='dispatched') AND (c.sign_due IS NULL"                      \
    " OR c.signed_at<=c.sign_due))"
#define SQL_VALID "(c.visit_valid=1)"
#define SQL_SOLVED "(c.visit_valid=1 AND c.solved=1)"
#define SQL_SATISFIED_OR_BASIC \
    "(c.visit_valid=1 AND ifnull(c.satisfaction,'') IN ('satisfied','basic'))"
#define SQL_REPLIED "(c.replied_at IS NOT NULL)"
#define SQL_REPLIED_ONTIME                                                                     \
    "(c.replied_at IS NOT NULL AND (c.reply_due IS NULL OR c.replied_at<=c.reply_due))"
#define SQL_REOPENED "(c.reopen_count>0)"

/* The rollup_volume_day dimensions. */
enum { ROLLUP_CATEGORY = 1, ROLLUP_DISTRICT, ROLLUP_STREET, ROLLUP_CHANNEL, ROLLUP_TYPE };

/* The hook of the writer's case jobs (store/cases.c), called after the event(s) are
 * appended and before the row is rewritten: the row still holds what it was before, *after
 * is what it becomes, e the action taken (for ACT_REGISTER the row was just inserted). */
int rollup_apply(sqlite3 *db, int64_t case_id, const case_snapshot *after, const case_event *e);
/* Adds the rollups of the cases with ids in [lo, hi], from their rows and events, in one
 * pass (bulk import, after writing them); returns: some of them have return requests. */
int rollup_add_range(sqlite3 *db, int64_t lo, int64_t hi, bool returns);
/* Recomputes every rollup from the case rows and events and compares; *same when they all
 * agree. For tests and checks. */
int rollup_verify(sqlite3 *db, bool *same);

#endif
