/* backend.c — which backend keeps a store: the one decision the contract's dispatch
 * (build/gen/store_dispatch.c, made by scripts/gen-store-backend.py from the store headers)
 * cannot take from an open store: a postgresql:// or postgres:// URL is PostgreSQL's, anything
 * else a SQLite file. */
#include "store/pg/pg_url.h"
#include "store_backend.h"

const store_backend *store_backend_for(const char *where)
{
    return pg_url_is_pg(where) ? &store_backend_postgres : &store_backend_sqlite;
}
