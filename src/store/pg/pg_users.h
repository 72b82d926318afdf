/* pg_users.h — a user's columns as every PostgreSQL query of users reads them (the
 * counterpart of STORE_USER_COLS in store_internal.h). Internal to src/store/pg/. */
#ifndef HOTLINE_STORE_PG_USERS_H
#define HOTLINE_STORE_PG_USERS_H
#include "util/err.h"
#include "store/pg/pg_db.h"

/* "u.id, u.unit_id, u.username, u.display_name, u.role, u.active, u.created_at" at the start
 * of a row (users aliased u), read into a store_user by pg_user_row. */
#define PG_USER_COLS "u.id, u.unit_id, u.username, u.display_name, u.role, u.active, u.created_at"
#define PG_USER_NCOLS 7 /* its columns: a query's own columns follow them */
HL_MUST_CHECK int pg_user_row(pg_q *q, arena *a, void *item);

#endif
