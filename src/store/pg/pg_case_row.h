/* pg_case_row.h — the PostgreSQL counterpart of store/case_row.h (internal to src/store/pg/):
 * reading and writing the columns of a case row and of its events, so that the row is written
 * only as the fold of the log. The event's extras are typed columns here (article_id, basis,
 * co_unit_ids, import_source, import_id) where SQLite keeps a JSON object. */
#ifndef HOTLINE_STORE_PG_CASE_ROW_H
#define HOTLINE_STORE_PG_CASE_ROW_H
#include "store/cases.h"
#include "store/pg/pg_db.h"
#include "util/err.h"

/* The columns pg_case_row_read expects, selecting from "cases c". NULLs read as 0 or "". */
#define PG_CASE_ROW_COLS                                                                       \
    "c.id, c.number, c.channel, c.request_type, c.category_id, c.urgency, c.confidential,"     \
    " c.caller_name, c.caller_phone, c.district_id, c.street_id, c.address, c.lat, c.lng,"     \
    " c.title, c.text, c.created_by, c.reply_text, c.current_due, " PG_CASE_SNAP_COLS
#define PG_CASE_ROW_NCOLS 49

#define PG_CASE_SNAP_COLS                                                                      \
    "c.state, c.return_from, c.closed_as, c.unit_id, c.merged_into, c.extension_pending,"      \
    " c.extension_requested_due, c.urge_count, c.supervise_count, c.reopen_count,"             \
    " c.return_count, c.extension_count, c.redispatch_count, c.visit_attempts,"                \
    " c.visit_valid, c.solved, c.satisfaction, c.dispatch_due, c.sign_due, c.return_due,"      \
    " c.reply_due, c.visit_due, c.registered_at, c.dispatched_at, c.signed_at, c.replied_at,"  \
    " c.visited_at, c.closed_at, c.updated_at, c.event_count"

/* The columns pg_case_row_read_event expects, selecting from "case_events e LEFT JOIN users u
 * ON u.id=e.actor_id". */
#define PG_CASE_EVENT_COLS                                                                     \
    "e.seq, e.action, e.at, e.actor_id, e.actor_role, e.actor_unit, e.unit_id, e.merged_into," \
    " e.requested_due, e.due_dispatch, e.due_sign, e.due_return, e.due_reply, e.due_visit,"    \
    " e.reachable, e.solved, e.satisfaction, e.reason, e.body, e.public, u.display_name,"      \
    " e.article_id, e.basis, array_to_string(e.co_unit_ids, ','), e.import_source,"          \
    " e.import_id"

/* pg_list for a query built at run time: runs sql with the n arguments (pg_open_qa) and reads
 * every row with fn into a new arena array. (pg_db.h has no such form; should it gain one,
 * this goes.) */
HL_MUST_CHECK int pg_case_list_qa(pg_conn *c, arena *a, size_t item_size, pg_row_fn fn,
                                  void **items, size_t *n, const char *sql, const db_arg *args,
                                  int nargs);
/* pg_row_fn reading PG_CASE_ROW_COLS (from column 0) into a store_case. */
HL_MUST_CHECK int pg_case_row_read(pg_q *q, arena *a, void *item);
/* pg_row_fn reading PG_CASE_EVENT_COLS into a store_case_event. */
HL_MUST_CHECK int pg_case_row_read_event(pg_q *q, arena *a, void *item);
/* A DOUBLE PRECISION column (0 for NULL); its text goes through a. */
double pg_case_row_double(pg_q *q, arena *a, int col);
/* The derived row of a case as a snapshot (its state names read through a). HL_ENOTFOUND if
 * no such case. */
HL_MUST_CHECK int pg_case_row_load(pg_conn *c, arena *a, int64_t case_id, case_snapshot *out);
/* Writes the derived columns from snap (and current_due); reply_text non-NULL replaces it. */
HL_MUST_CHECK int pg_case_row_write(pg_conn *c, int64_t case_id, const case_snapshot *snap,
                                    const char *reply_text);
HL_MUST_CHECK int pg_case_row_append_event(pg_conn *c, int64_t case_id, int seq,
                                           const store_case_event *ev);

/* Takes the lock every write of requests takes before its snapshot (pg_cases.c says why):
 * case writes, bulk chunks included, run one at a time across servers. Call it first in the
 * transaction. */
HL_MUST_CHECK int pg_lock_case_writes(pg_conn *c);

#endif
