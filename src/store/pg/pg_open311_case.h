/* pg_open311_case.h — what a request carries beyond its case when Open311 registered it
 * (internal to src/store/pg/): written in the registration's own transaction. */
#ifndef HOTLINE_STORE_PG_OPEN311_CASE_H
#define HOTLINE_STORE_PG_OPEN311_CASE_H
#include "store/cases.h"
#include "store/pg/pg_db.h"
#include "util/err.h"

/* Writes the request's contact details and answers (replacing any it had). */
HL_MUST_CHECK int pg_open311_extra_write(pg_conn *c, int64_t case_id,
                                         const store_open311_extra *in);

#endif
