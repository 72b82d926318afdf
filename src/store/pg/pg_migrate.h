/* pg_migrate.h — the numbered PostgreSQL migrations (src/store/pg/migrations/NNNN_name.sql,
 * compiled into the binary by scripts/embed-sql.sh as pg_migrations) and applying them, the
 * counterpart of store.c's migrate() for SQLite. Internal to src/store/. */
#ifndef HOTLINE_STORE_PG_MIGRATE_H
#define HOTLINE_STORE_PG_MIGRATE_H
#include "store/migrations.h"
#include "store/pg/pg_db.h"

extern const struct store_migration pg_migrations[];
extern const int pg_migrations_count;

/* Applies the migrations of pg_migrations not yet recorded in schema_migrations, in order,
 * each in a transaction of its own with its record, so a failed one leaves nothing behind.
 * Holds an advisory lock of the database meanwhile: servers starting together wait for one
 * another, and the later ones find nothing to do. *applied (may be NULL) gets how many ran.
 * HL_EINVAL when the database is not UTF8, when its schema is newer than this binary's, or
 * when two migrations share a number; a failing migration's error otherwise. */
int pg_migrate(pg_conn *c, int *applied);
/* pg_migrate with another table of n migrations (sorted by version), for the tests. */
int pg_migrate_table(pg_conn *c, const struct store_migration *m, int n, int *applied);

#endif
