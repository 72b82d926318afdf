/* case_row.h — reading and writing the columns of a case row and of its events (internal to
 * src/store/). One place maps the derived columns to core's case_snapshot, so the row is
 * written only as the fold of the log. */
#ifndef HOTLINE_STORE_CASE_ROW_H
#define HOTLINE_STORE_CASE_ROW_H
#include "util/err.h"
#include "store/cases.h"
#include "store/store_internal.h"

/* The columns case_row_read expects, selecting from "cases c". */
#define CASE_ROW_COLS                                                                          \
    "c.id, c.number, c.channel, c.request_type, c.category_id, c.urgency, c.confidential,"     \
    " c.caller_name, c.caller_phone, ifnull(c.district_id,0), ifnull(c.street_id,0),"          \
    " c.address, c.lat, c.lng, c.title, c.text, ifnull(c.created_by,0),"                       \
    " ifnull(c.reply_text,''), ifnull(c.current_due,0), " CASE_SNAP_COLS

#define CASE_SNAP_COLS                                                                         \
    "c.state, c.return_from, c.closed_as, ifnull(c.unit_id,0), ifnull(c.merged_into,0),"      \
    " c.extension_pending, ifnull(c.extension_requested_due,0), c.urge_count,"                 \
    " c.supervise_count, c.reopen_count, c.return_count, c.extension_count,"                   \
    " c.redispatch_count, c.visit_attempts, c.visit_valid, c.solved, c.satisfaction,"          \
    " ifnull(c.dispatch_due,0), ifnull(c.sign_due,0), ifnull(c.return_due,0),"                \
    " ifnull(c.reply_due,0), ifnull(c.visit_due,0), c.registered_at,"                          \
    " ifnull(c.dispatched_at,0), ifnull(c.signed_at,0), ifnull(c.replied_at,0),"              \
    " ifnull(c.visited_at,0), ifnull(c.closed_at,0), c.updated_at, c.event_count"

/* The columns case_row_read_event expects, selecting from "case_events e LEFT JOIN users u". */
#define CASE_EVENT_COLS                                                                        \
    "e.seq, e.action, e.at, ifnull(e.actor_id,0), e.actor_role, ifnull(e.actor_unit,0),"       \
    " ifnull(e.unit_id,0), ifnull(e.merged_into,0), ifnull(e.requested_due,0),"               \
    " ifnull(e.due_dispatch,0), ifnull(e.due_sign,0), ifnull(e.due_return,0),"                \
    " ifnull(e.due_reply,0), ifnull(e.due_visit,0), ifnull(e.reachable,0), ifnull(e.solved,0),"\
    " e.satisfaction, ifnull(e.reason,''), ifnull(e.body,''), ifnull(e.extra,''), e.public,"   \
    " ifnull(u.display_name,'')"

/* db_row_fn reading CASE_ROW_COLS into a store_case. */
HL_MUST_CHECK int case_row_read(db_q *q, arena *a, void *item);
/* The typed extras of an event (article_id, basis, co_units, import_source, import_id) as
 * the JSON object of the extra column: malloc'd text in *out (the caller frees it), NULL
 * when the event has none. HL_ENOMEM. */
HL_MUST_CHECK int case_row_extra_json(const store_case_event *ev, char **out);
/* The reverse, from the column's text ("" for none) into ev's typed fields, strings from a.
 * HL_EIO when the text is not a JSON object. */
HL_MUST_CHECK int case_row_extra_parse(const char *text, arena *a, store_case_event *ev);
/* db_row_fn reading CASE_EVENT_COLS into a store_case_event. */
HL_MUST_CHECK int case_row_read_event(db_q *q, arena *a, void *item);
/* The derived row of a case as a snapshot. HL_ENOTFOUND if no such case. */
HL_MUST_CHECK int case_row_load(sqlite3 *db, int64_t case_id, case_snapshot *out);
/* Writes the derived columns from snap (and current_due); reply_text non-NULL replaces it. */
HL_MUST_CHECK int case_row_write(sqlite3 *db, int64_t case_id, const case_snapshot *snap,
                                 const char *reply_text);
HL_MUST_CHECK int case_row_append_event(sqlite3 *db, int64_t case_id, int seq,
                                        const store_case_event *ev);
/* Adds the case's texts to the full-text index. Runs on the writer's connection only: the case
 * goes on the batch's list, and case_row_index_pending indexes it at the end of the batch. Why: FTS5 flushes its pending terms into a new segment (and merges segments) at every
 * savepoint release, so indexing inside each job's savepoint cost a segment per request
 * instead of one per commit (a fifth of the writer's time on a store of 1M requests). */
HL_MUST_CHECK int case_row_index_text(sqlite3 *db, int64_t case_id, const store_case *c);
/* Makes the batch's list (a temporary table of the writer's connection; at store open). */
HL_MUST_CHECK int case_row_index_prepare(sqlite3 *db);
/* Indexes every case on the batch's list and empties it; run by the writer after the batch's
 * last job, in its transaction, before COMMIT. */
HL_MUST_CHECK int case_row_index_pending(sqlite3 *db);
bool case_row_equal(const case_snapshot *a, const case_snapshot *b);

#endif
