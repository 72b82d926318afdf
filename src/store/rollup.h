/* rollup.h — keeping the appraisal and dashboard rollups of migration 0006 in step with the
 * case rows, inside the writer's transaction (internal to src/store/). The definitions are
 * core/appraisal.h appraisal_case_facts; the SQL forms below say the same for queries that
 * run over case rows (drill-down, bulk import, verification). */
#ifndef HOTLINE_STORE_ROLLUP_H
#define HOTLINE_STORE_ROLLUP_H
#include "util/err.h"
#include "core/lifecycle.h"
#include "store/store_internal.h"

/* A case row "c" as appraisal_case_facts sees it. */
#define SQL_DISPATCHED "(c.unit_id IS NOT NULL AND c.state<>'merged' AND c.dispatched_at IS NOT NULL)"
/* Signed for the current dispatch (appraisal.c signed_now). */
#define SQL_SIGNED_NOW                                                                         \
    "(c.signed_at IS NOT NULL AND c.state<>'dispatched' AND NOT (c.state='return_pending'"     \
    " AND ifnull(c.return_from,'')='dispatched'))"
#define SQL_SIGNED_ONTIME                                                                      \
    "(" SQL_SIGNED_NOW " AND (c.sign_due IS NULL OR c.signed_at<=c.sign_due))"
#define SQL_VALID "(c.visit_valid=1)"
#define SQL_SOLVED "(c.visit_valid=1 AND c.solved=1)"
#define SQL_SATISFIED_OR_BASIC \
    "(c.visit_valid=1 AND ifnull(c.satisfaction,'') IN ('satisfied','basic'))"
#define SQL_REPLIED "(c.replied_at IS NOT NULL)"
#define SQL_REPLIED_ONTIME                                                                     \
    "(c.replied_at IS NOT NULL AND (c.reply_due IS NULL OR c.replied_at<=c.reply_due))"
#define SQL_REOPENED "(c.reopen_count>0)"

/* The running clocks (appraisal_case_clocks) over dispatched requests, `now` being the SQL
 * parameter that holds the time of the appraisal. The two sets are those of migration
 * 0016's partial indexes, spelt the same so that SQLite sees the index applies. */
#define SQL_UNSIGNED "(NOT " SQL_SIGNED_NOW ")"
#define SQL_UNREPLIED "(c.replied_at IS NULL)"
#define SQL_REPLY_CLOCK "(" SQL_SIGNED_NOW " AND c.reply_due IS NOT NULL)"
/* The figures of the on-time indicators at `now`: whose due time has come (denominator) and
 * which were on time (numerator; it does not depend on now). */
#define SQL_SIGN_DUE_BY(now)                                                                   \
    "(" SQL_SIGNED_NOW " OR c.sign_due IS NULL OR c.sign_due<" now ")"
#define SQL_SIGN_ONTIME_ALL "(c.sign_due IS NULL OR " SQL_SIGNED_ONTIME ")"
#define SQL_REPLY_DUE_BY(now)                                                                  \
    "(c.replied_at IS NOT NULL OR NOT " SQL_REPLY_CLOCK " OR c.reply_due<" now ")"
#define SQL_REPLY_ONTIME_ALL "(" SQL_REPLIED_ONTIME " OR (c.replied_at IS NULL AND NOT " SQL_REPLY_CLOCK "))"

/* The rollup_volume_day dimensions. */
enum { ROLLUP_CATEGORY = 1, ROLLUP_DISTRICT, ROLLUP_STREET, ROLLUP_CHANNEL, ROLLUP_TYPE };

/* The hook of the writer's case jobs (store/cases.c), called after the event(s) are
 * appended and before the row is rewritten: the row still holds what it was before, *after
 * is what it becomes, e the action taken (for ACT_REGISTER the row was just inserted). */
HL_MUST_CHECK int rollup_apply(sqlite3 *db, int64_t case_id, const case_snapshot *after,
                               const case_event *e);
/* A new request as the bulk path adds it: what the dimensions key on, and its folded row. */
typedef struct {
    int64_t day, category, district, street; /* 0 for none */
    const char *channel, *type;
    const case_snapshot *snap;
} rollup_new_case;

/* Adds the rollups of n new requests (bulk import), summed in memory first: one upsert per
 * (day, unit) and per (dimension, day, key) rather than one per request. Return requests
 * are events: rollup_add_returns adds those of the requests with ids in [lo, hi]. */
HL_MUST_CHECK int rollup_add_new(sqlite3 *db, const rollup_new_case *cases, size_t n);
HL_MUST_CHECK int rollup_add_returns(sqlite3 *db, int64_t lo, int64_t hi);
/* Recomputes every rollup from the case rows and events and compares; *same when they all
 * agree. For tests and checks. */
HL_MUST_CHECK int rollup_verify(sqlite3 *db, bool *same);

#endif
