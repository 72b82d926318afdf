/* calls_internal.h — what calls.c and calls_list.c share: the columns of a call and how a row
 * becomes a store_call. Not to be included outside src/store/. */
#ifndef HOTLINE_STORE_CALLS_INTERNAL_H
#define HOTLINE_STORE_CALLS_INTERNAL_H
#include "util/err.h"
#include "store/calls.h"
#include "store/store_internal.h"
#include <string.h>

/* "SELECT " STORE_CALL_COLS " WHERE ...": a call with the username and name of its agent. */
#define STORE_CALL_COLS                                                                            \
    "c.id, c.call_id, c.caller, ifnull(c.agent_id,0), ifnull(u.username,''),"                      \
    " ifnull(u.display_name,''), ifnull(c.offered_at,0), ifnull(c.answered_at,0),"                 \
    " ifnull(c.ended_at,0), c.placed_at FROM calls c LEFT JOIN users u ON u.id=c.agent_id"

/* Reads a row of STORE_CALL_COLS (cases not filled). */
HL_MUST_CHECK int store_call_row(db_q *q, arena *a, void *item);
/* Fills c->cases with the requests linked to c->id. */
HL_MUST_CHECK int store_call_cases_of(sqlite3 *db, arena *a, store_call *c);

#endif
