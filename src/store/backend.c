/* backend.c — which backend keeps a store: the one decision the contract's dispatch
 * (build/gen/store_dispatch.c, made by scripts/gen-store-backend.py from the store headers)
 * cannot take from an open store. Today every path is a SQLite file; the PostgreSQL backend
 * (store_backend_postgres) is being built and is reached only by the conformance suite until
 * store_backend_lacks says it has every function. */
#include "store_backend.h"

const store_backend *store_backend_for(const char *where)
{
    (void)where;
    return &store_backend_sqlite;
}
