/* db.c — see db.h. Every query's SQL stays next to the code that uses it; the cache finds
 * the statement prepared for that text on this connection. */
#include "store/db.h"
#include "util/err.h"
#include "util/log.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- statement cache ------------------------------------------------------------------ */

/* Looked up by the address of the SQL text (nearly all are string literals) in a set of
 * DB_CACHE_WAYS slots; a hit is confirmed by comparing the text, so SQL built at run time is
 * correct too, only less often found. A slot handed out is busy until its query closes: a
 * nested use of the same SQL gets a statement of its own. */
#define DB_CACHE_SETS 64
#define DB_CACHE_WAYS 4
#define DB_CACHE_SLOTS (DB_CACHE_SETS * DB_CACHE_WAYS)
struct db_cache {
    sqlite3_stmt *st[DB_CACHE_SLOTS];
    bool busy[DB_CACHE_SLOTS];
    unsigned char victim[DB_CACHE_SETS]; /* the way a miss replaces next, in turn */
};

/* The connections with a cache. Looked up without a lock: a slot's db is published after
 * its cache and cleared before the cache is freed, and a connection is attached before and
 * detached after anyone uses it. */
#define DB_CONNS_MAX 64
static struct {
    _Atomic(sqlite3 *) db;
    struct db_cache *cache;
} conns[DB_CONNS_MAX];
static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;

void db_cache_attach(sqlite3 *db)
{
    struct db_cache *c = calloc(1, sizeof *c);
    if (!c) return; /* no cache: statements are prepared per call */
    pthread_mutex_lock(&conns_mu);
    int i = 0;
    while (i < DB_CONNS_MAX && atomic_load(&conns[i].db)) i++;
    if (i < DB_CONNS_MAX) {
        conns[i].cache = c;
        atomic_store(&conns[i].db, db);
    }
    pthread_mutex_unlock(&conns_mu);
    if (i == DB_CONNS_MAX) free(c);
}

void db_close(sqlite3 *db)
{
    if (!db) return;
    pthread_mutex_lock(&conns_mu);
    for (int i = 0; i < DB_CONNS_MAX; i++) {
        if (atomic_load(&conns[i].db) != db) continue;
        struct db_cache *c = conns[i].cache;
        atomic_store(&conns[i].db, NULL);
        conns[i].cache = NULL;
        for (int k = 0; k < DB_CACHE_SLOTS; k++) sqlite3_finalize(c->st[k]);
        free(c);
    }
    pthread_mutex_unlock(&conns_mu);
    sqlite3_close(db);
}

static struct db_cache *cache_of(sqlite3 *db)
{
    for (int i = 0; i < DB_CONNS_MAX; i++)
        if (atomic_load_explicit(&conns[i].db, memory_order_acquire) == db) return conns[i].cache;
    return NULL;
}

/* Prepares sql on q->db, from the cache when it has it. */
static HL_MUST_CHECK int prepare(db_q *q, const char *sql)
{
    struct db_cache *c = cache_of(q->db);
    q->cache = NULL;
    q->st = NULL;
    int slot = -1;
    if (c) {
        int set = (int)((((uintptr_t)sql >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 58);
        int base = set * DB_CACHE_WAYS, free_way = -1;
        for (int w = 0; w < DB_CACHE_WAYS && slot < 0; w++) {
            int i = base + w;
            if (c->st[i] && !c->busy[i] && strcmp(sqlite3_sql(c->st[i]), sql) == 0) slot = i;
            else if (!c->st[i] && free_way < 0) free_way = i;
        }
        if (slot < 0) { /* a miss: an empty way, else the next in turn that is not busy */
            for (int w = 0; w < DB_CACHE_WAYS && free_way < 0; w++) {
                int i = base + (c->victim[set] + w) % DB_CACHE_WAYS;
                if (!c->busy[i]) free_way = i;
            }
            if (free_way >= 0) {
                c->victim[set] = (unsigned char)((free_way - base + 1) % DB_CACHE_WAYS);
                sqlite3_finalize(c->st[free_way]);
                c->st[free_way] = NULL;
                int rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                            &c->st[free_way], NULL);
                if (rc != SQLITE_OK) {
                    log_error("db: prepare failed: %s", sqlite3_errmsg(q->db));
                    c->st[free_way] = NULL;
                    return db_err(rc);
                }
                slot = free_way;
            }
        }
    }
    if (slot >= 0) {
        c->busy[slot] = true;
        q->cache = c;
        q->slot = slot;
        q->st = c->st[slot];
        return 0;
    }
    int rc = sqlite3_prepare_v2(q->db, sql, -1, &q->st, NULL); /* all ways busy: its own */
    if (rc != SQLITE_OK) {
        log_error("db: prepare failed: %s", sqlite3_errmsg(q->db));
        q->st = NULL;
        return db_err(rc);
    }
    return 0;
}

int db_err(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return 0;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return HL_ECONFLICT;
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return HL_EREF;
        return HL_EINVAL;
    case SQLITE_FULL: return HL_EFULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN: return HL_EREADONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return HL_EBUSY;
    case SQLITE_NOMEM: return HL_ENOMEM;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE: return HL_ERANGE;
    default: return HL_EIO;
    }
}

static int bind_all(db_q *q, const char *types, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 0; types && types[i] && rc == SQLITE_OK; i++) {
        int idx = i + 1;
        switch (types[i]) {
        case 'i': rc = sqlite3_bind_int64(q->st, idx, va_arg(ap, int64_t)); break;
        case 'z': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? sqlite3_bind_int64(q->st, idx, v) : sqlite3_bind_null(q->st, idx);
            break;
        }
        case 'b': rc = sqlite3_bind_int(q->st, idx, va_arg(ap, int) ? 1 : 0); break;
        case 't': {
            const char *t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(q->st, idx, t, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(q->st, idx);
            break;
        }
        default: return HL_EINVAL; /* programmer error in a type string */
        }
    }
    return rc == SQLITE_OK ? 0 : db_err(rc);
}

static HL_MUST_CHECK int open_v(sqlite3 *db, db_q *q, const char *sql, const char *types,
                                va_list ap)
{
    q->db = db;
    int rc = prepare(q, sql);
    if (rc) return rc;
    rc = bind_all(q, types, ap);
    if (rc) db_close_q(q);
    return rc;
}

int db_open_q(sqlite3 *db, db_q *q, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = open_v(db, q, sql, types, ap);
    va_end(ap);
    return rc;
}

int db_step(db_q *q)
{
    int rc = sqlite3_step(q->st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    int ext = sqlite3_extended_errcode(q->db);
    if ((ext & 0xff) != SQLITE_CONSTRAINT)
        log_error("db: step failed: %s", sqlite3_errmsg(q->db));
    return db_err(ext);
}

void db_close_q(db_q *q)
{
    if (q->st && q->cache) {
        sqlite3_reset(q->st);
        sqlite3_clear_bindings(q->st);
        q->cache->busy[q->slot] = false;
    } else {
        sqlite3_finalize(q->st);
    }
    q->st = NULL;
    q->cache = NULL;
}

int64_t db_int(db_q *q, int col) { return sqlite3_column_int64(q->st, col); }

bool db_is_null(db_q *q, int col) { return sqlite3_column_type(q->st, col) == SQLITE_NULL; }

const char *db_text(db_q *q, arena *a, int col)
{
    const unsigned char *t = sqlite3_column_text(q->st, col);
    int n = sqlite3_column_bytes(q->st, col);
    return arena_strndup(a, t ? (const char *)t : "", t ? (size_t)n : 0);
}

int db_exec(sqlite3 *db, int *changes, const char *sql, const char *types, ...)
{
    db_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(db, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    rc = db_step(&q);
    db_close_q(&q);
    if (rc > 0) rc = 0; /* a statement with RETURNING; the caller does not want the row */
    if (!rc && changes) *changes = sqlite3_changes(db);
    return rc;
}

int db_int1(sqlite3 *db, int64_t *out, const char *sql, const char *types, ...)
{
    db_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(db, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        *out = db_int(&q, 0);
        rc = 0;
    } else if (rc == 0) {
        rc = HL_ENOTFOUND;
    }
    db_close_q(&q);
    return rc;
}

int db_script(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("db: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return db_err(sqlite3_extended_errcode(db));
    }
    return 0;
}

static HL_MUST_CHECK int list_rows(db_q q, arena *a, size_t item_size, db_row_fn fn, void **items,
                                   size_t *n)
{
    int rc = 0;
    size_t cap = 16, count = 0;
    char *arr = arena_alloc(a, cap * item_size);
    while (arr && (rc = db_step(&q)) == 1) {
        if (count == cap) { /* grow by copying: the arena frees the old array with the rest */
            char *bigger = arena_alloc(a, 2 * cap * item_size);
            if (!bigger) {
                arr = NULL;
                break;
            }
            memcpy(bigger, arr, cap * item_size);
            arr = bigger;
            cap *= 2;
        }
        rc = fn(&q, a, arr + count * item_size);
        if (rc) break;
        count++;
    }
    db_close_q(&q);
    if (!arr) return HL_ENOMEM;
    if (rc < 0) return rc;
    *items = arr;
    *n = count;
    return 0;
}

int db_one(sqlite3 *db, arena *a, db_row_fn fn, void *item, const char *sql, const char *types,
           ...)
{
    db_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(db, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) rc = fn(&q, a, item);
    else if (rc == 0) rc = HL_ENOTFOUND;
    db_close_q(&q);
    return rc;
}

int db_list(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items, size_t *n,
            const char *sql, const char *types, ...)
{
    db_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(db, &q, sql, types, ap);
    va_end(ap);
    return rc ? rc : list_rows(q, a, item_size, fn, items, n);
}

int db_open_qa(sqlite3 *db, db_q *q, const char *sql, const db_arg *args, int n)
{
    q->db = db;
    int rc = prepare(q, sql);
    if (rc) return rc;
    for (int i = 0; i < n && rc == SQLITE_OK; i++)
        rc = args[i].type == 't'
                 ? sqlite3_bind_text(q->st, i + 1, args[i].t, -1, SQLITE_TRANSIENT)
                 : sqlite3_bind_int64(q->st, i + 1, args[i].i);
    if (rc != SQLITE_OK) {
        db_close_q(q);
        return db_err(rc);
    }
    return 0;
}

int db_list_a(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items, size_t *n,
              const char *sql, const db_arg *args, int nargs)
{
    db_q q;
    int rc = db_open_qa(db, &q, sql, args, nargs);
    return rc ? rc : list_rows(q, a, item_size, fn, items, n);
}

int db_page(sqlite3 *db, arena *a, size_t item_size, db_row_fn fn, void **items, size_t *n,
            int64_t *total, const char *select, const char *count, const char *where,
            const char *order, const db_arg *args, int nargs, int limit, int offset)
{
    db_arg page[16 + 2];
    if (nargs < 0 || nargs > 16) return HL_ERANGE;
    const char *count_sql = arena_printf(a, "%s%s", count, where);
    const char *page_sql = arena_printf(a, "%s%s%s LIMIT ? OFFSET ?", select, where, order);
    if (!count_sql || !page_sql) return HL_ENOMEM;
    db_q q;
    int rc = db_open_qa(db, &q, count_sql, args, nargs);
    if (rc) return rc;
    rc = db_step(&q);
    *total = rc == 1 ? db_int(&q, 0) : 0;
    db_close_q(&q);
    if (rc < 0) return rc;
    if (nargs) memcpy(page, args, (size_t)nargs * sizeof *args);
    page[nargs] = (db_arg){.type = 'i', .i = limit > 0 && limit <= 200 ? limit : 50};
    page[nargs + 1] = (db_arg){.type = 'i', .i = offset > 0 ? offset : 0};
    return db_list_a(db, a, item_size, fn, items, n, page_sql, page, nargs + 2);
}
