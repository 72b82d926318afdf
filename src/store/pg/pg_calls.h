/* pg_calls.h — what pg_calls.c and pg_calls_list.c share (the counterpart of
 * calls_internal.h): the columns of a call and how a row becomes a store_call. Internal to
 * src/store/pg/. */
#ifndef HOTLINE_STORE_PG_CALLS_H
#define HOTLINE_STORE_PG_CALLS_H
#include "store/calls.h"
#include "store/pg/pg_db.h"
#include "util/err.h"

/* "SELECT " PG_CALL_COLS " WHERE ...": a call with the username and name of its agent. */
#define PG_CALL_COLS                                                                           \
    "c.id, c.call_id, c.caller, coalesce(c.agent_id,0), coalesce(u.username,''),"               \
    " coalesce(u.display_name,''), coalesce(c.offered_at,0), coalesce(c.answered_at,0),"        \
    " coalesce(c.ended_at,0), c.placed_at FROM calls c LEFT JOIN users u ON u.id=c.agent_id"

/* Reads a row of PG_CALL_COLS (cases not filled). */
HL_MUST_CHECK int pg_call_row(pg_q *q, arena *a, void *item);
/* Fills c->cases with the requests linked to c->id. */
HL_MUST_CHECK int pg_call_cases_of(pg_conn *conn, arena *a, store_call *c);

#endif
