/* pg_db.c — see pg_db.h. Parameters travel as text (libpq formats nothing itself), typed
 * int8 or boolean where the type string says so and left for the server to infer for text,
 * so one 't' argument fits a TEXT, DATE or JSONB column alike. */
#include "store/pg/pg_db.h"
#include "util/err.h"
#include "util/log.h"
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_INT8OID 20 /* from PostgreSQL's catalog/pg_type.h, which libpq-dev does not ship */
#define PG_BOOLOID 16
#define PG_MAX_ARGS 128

/* The statement cache, laid out like db.c's: PG_CACHE_WAYS slots per set, the set chosen by
 * the SQL's address, a hit confirmed by comparing the text and the parameter types, which a
 * statement is prepared with (kept as a copy: SQL built at run time may be freed and its
 * address reused). Results are read whole, so a statement is never busy and nested use needs
 * no second copy. Each prepared statement has a name of its own ("hl<n>"), so a slot's new
 * statement never meets its predecessor's name. */
#define PG_CACHE_SETS 64
#define PG_CACHE_WAYS 4
struct pg_slot {
    char *key; /* key_of(): the parameter types as letters, '|', the SQL; NULL: empty */
    unsigned name;
};
struct pg_conn {
    PGconn *pg;
    bool in_tx;
    /* The transaction's BEGIN, not sent yet (pg_begin_with): it travels in one round trip
     * with the first statement (pipeline mode). NULL once sent, or outside a deferred one. */
    const char *begin_sql;
    bool savepoint_pending; /* a SAVEPOINT (pg_savepoint) not sent yet: as BEGIN, with the next
                               statement */
    bool commit_sent; /* a read's COMMIT sent (pg_commit_read), its answer not read yet */
    bool lost; /* an answer said the server is unreachable: connected again before next use */
    int tx_err; /* the first error inside the transaction: COMMIT can only roll back */
    unsigned next_name;
    struct pg_slot slot[PG_CACHE_SETS * PG_CACHE_WAYS];
    unsigned char victim[PG_CACHE_SETS];
};

int pg_err(const char *st)
{
    if (!st || strlen(st) != 5) return HL_EIO;
    /* connection exceptions, and the server shutting down or not accepting connections yet */
    if (!strncmp(st, "08", 2) || !strncmp(st, "57P0", 4)) return HL_EUNAVAIL;
    if (!strcmp(st, "23505")) return HL_ECONFLICT;
    if (!strcmp(st, "23503")) return HL_EREF;
    if (!strncmp(st, "23", 2)) return HL_EINVAL; /* not null, check, exclusion */
    if (!strcmp(st, "40001") || !strcmp(st, "40P01")) return HL_EBUSY;
    if (!strcmp(st, "55P03") || !strcmp(st, "57014")) return HL_EBUSY;
    if (!strcmp(st, "53100")) return HL_EFULL;
    if (!strncmp(st, "53", 2)) return HL_EBUSY; /* out of memory, too many connections */
    if (!strcmp(st, "25006") || !strcmp(st, "42501")) return HL_EREADONLY;
    if (!strcmp(st, "22001") || !strcmp(st, "22003")) return HL_ERANGE;
    if (!strncmp(st, "22", 2)) return HL_EINVAL;
    return HL_EIO;
}

static void notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("pg: %.*s", (int)strcspn(message, "\n"), message);
}

/* The error of a failed result (NULL: libpq could not even make one), logged unless it is a
 * constraint's (those are answers, not failures). Inside a transaction it becomes the
 * transaction's error: the server refuses everything after it until ROLLBACK. A connection
 * found lost (libpq's own error, without a SQLSTATE: the server closed it, even before libpq
 * marks it bad; or a connection exception) is HL_EUNAVAIL and marked to connect again. */
static int result_err(pg_conn *c, const PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = r ? pg_err(st) : HL_ENOMEM;
    if (PQstatus(c->pg) == CONNECTION_BAD || (r && !st)) rc = HL_EUNAVAIL; /* lost */
    if (rc == HL_EUNAVAIL) c->lost = true;
    if (!st || strncmp(st, "23", 2) != 0) {
        const char *m = r ? PQresultErrorMessage(r) : "";
        if (!*m) m = PQerrorMessage(c->pg);
        log_error("pg: %s %.*s", st ? st : "(no sqlstate)", (int)strcspn(m, "\n"), m);
    }
    if (c->in_tx) err_first(&c->tx_err, rc);
    return rc;
}

static void cache_clear(pg_conn *c)
{
    for (size_t i = 0; i < sizeof c->slot / sizeof c->slot[0]; i++) {
        free(c->slot[i].key);
        c->slot[i].key = NULL;
    }
}

int pg_connect(const char *url, int timeout_s, pg_conn **out)
{
    *out = NULL;
    pg_conn *c = calloc(1, sizeof *c);
    if (!c) return HL_ENOMEM;
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", timeout_s > 0 ? timeout_s : 10);
    /* later keywords override earlier ones, the URL's included: the URL comes after the
     * defaults and before the encoding. The TCP defaults find a server machine that vanished
     * without closing its connections (power, network: no reset ever comes) in about half a
     * minute instead of the kernel's two hours, so the request answers 503 and the next one
     * connects to the new primary of a failover: keepalives on an idle or waiting connection
     * (a COMMIT waiting for its synchronous standby is answered by the kernel and goes on),
     * tcp_user_timeout on data sent and never acknowledged. Unix sockets ignore them. */
    const char *const keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                                "keepalives_count", "tcp_user_timeout", "dbname",
                                "client_encoding", NULL};
    const char *const vals[] = {timeout, "10", "5", "3", "20000", url, "UTF8", NULL};
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (!c->pg) {
        free(c);
        return HL_ENOMEM;
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        const char *m = PQerrorMessage(c->pg);
        log_error("pg: cannot connect: %.*s", (int)strcspn(m, "\n"), m);
        PQfinish(c->pg);
        free(c);
        return HL_EUNAVAIL;
    }
    PQsetNoticeProcessor(c->pg, notice, NULL);
    *out = c;
    return 0;
}

void pg_close(pg_conn *c)
{
    if (!c) return;
    cache_clear(c);
    PQfinish(c->pg);
    free(c);
}

/* Before a statement: inside a failed transaction, its error; outside a transaction, a lost
 * connection connected again (the server forgot the prepared statements with it). */
static void finish_commit(pg_conn *c);
static int ready(pg_conn *c)
{
    if (c->commit_sent) finish_commit(c);
    if (c->in_tx && !c->begin_sql) {
        if (c->tx_err) return c->tx_err;
        if (PQstatus(c->pg) == CONNECTION_BAD) return c->tx_err = HL_EUNAVAIL;
        return 0;
    }
    if (PQstatus(c->pg) == CONNECTION_OK && !c->lost) return 0;
    cache_clear(c);
    PQreset(c->pg);
    if (PQstatus(c->pg) == CONNECTION_OK) {
        c->lost = false;
        log_info("pg: connected again");
        return 0;
    }
    const char *m = PQerrorMessage(c->pg);
    log_error("pg: cannot connect: %.*s", (int)strcspn(m, "\n"), m);
    return HL_EUNAVAIL;
}

/* A cache key: the parameter types as letters, then the SQL (malloc'd; NULL: no memory). */
static char *key_of(const char *sql, int n, const Oid *types)
{
    size_t len = strlen(sql);
    char *k = malloc((size_t)n + 1 + len + 1);
    if (!k) return NULL;
    for (int i = 0; i < n; i++)
        k[i] = types[i] == PG_INT8OID ? 'i' : types[i] == PG_BOOLOID ? 'b' : 't';
    k[n] = '|';
    memcpy(k + n + 1, sql, len + 1);
    return k;
}

/* The name of sql's prepared statement on this connection, preparing it on a miss. */
static int prepare(pg_conn *c, const char *sql, int n, const Oid *types, char name[16])
{
    int set = (int)((((uintptr_t)sql >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 58);
    struct pg_slot *ways = &c->slot[set * PG_CACHE_WAYS], *s = NULL;
    char *key = key_of(sql, n, types);
    if (!key) return HL_ENOMEM;
    for (int w = 0; w < PG_CACHE_WAYS; w++)
        if (ways[w].key && strcmp(ways[w].key, key) == 0) {
            snprintf(name, 16, "hl%u", ways[w].name);
            free(key);
            return 0;
        }
    for (int w = 0; w < PG_CACHE_WAYS && !s; w++)
        if (!ways[w].key) s = &ways[w];
    if (!s) { /* every way taken: the next in turn goes */
        s = &ways[c->victim[set]];
        c->victim[set] = (unsigned char)((c->victim[set] + 1) % PG_CACHE_WAYS);
        char old[32];
        snprintf(old, sizeof old, "DEALLOCATE hl%u", s->name);
        free(s->key);
        s->key = NULL;
        PGresult *r = PQexec(c->pg, old);
        int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : result_err(c, r);
        PQclear(r);
        if (rc) {
            free(key);
            return rc;
        }
    }
    unsigned id = c->next_name++;
    snprintf(name, 16, "hl%u", id);
    PGresult *r = PQprepare(c->pg, name, sql, n, types);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : result_err(c, r);
    PQclear(r);
    if (rc) {
        free(key);
        return rc;
    }
    s->key = key;
    s->name = id;
    return 0;
}

#define SAVEPOINT_SQL "SAVEPOINT hl_job"

/* Sends what is deferred (a BEGIN, a SAVEPOINT) by itself, before a statement that cannot
 * share its round trip (a script, a COPY). When BEGIN is among it nothing has run yet, so a
 * connection found lost is connected again and BEGIN sent once more. */
static int send_pending(pg_conn *c)
{
    const char *begin = c->begin_sql;
    int rc = begin ? HL_EUNAVAIL : 0; /* a SAVEPOINT stays pending until BEGIN went through */
    for (int attempt = 0; begin && attempt < 2 && rc == HL_EUNAVAIL; attempt++) {
        c->begin_sql = begin; /* ready() connects again only before the BEGIN is sent */
        c->tx_err = 0;
        rc = ready(c);
        if (rc) break;
        c->begin_sql = NULL;
        PGresult *r = PQexec(c->pg, begin);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : result_err(c, r);
        PQclear(r);
        if (rc == HL_EUNAVAIL && !c->lost) break;
    }
    if (!rc && !begin) rc = ready(c);
    if (!rc && c->savepoint_pending) {
        c->savepoint_pending = false;
        PGresult *r = PQexec(c->pg, SAVEPOINT_SQL);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : result_err(c, r);
        PQclear(r);
    }
    return rc;
}

/* A statement with what is deferred before it (a BEGIN, a SAVEPOINT), all in one round trip
 * (libpq's pipeline mode); the statement's result as *out. A failure of an earlier step (a
 * connection found lost) fails the statement too: the server skips what follows a failed
 * step of a pipeline. */
static int exec_with_pending(pg_conn *c, const char *name, int n, const char *const *vals,
                             PGresult **out)
{
    const char *steps[2];
    int nsteps = 0;
    if (c->begin_sql) steps[nsteps++] = c->begin_sql;
    if (c->savepoint_pending) steps[nsteps++] = SAVEPOINT_SQL;
    c->begin_sql = NULL;
    c->savepoint_pending = false;
    *out = NULL;
    if (!PQenterPipelineMode(c->pg)) return result_err(c, NULL);
    int rc = 0;
    bool sent = true;
    for (int i = 0; i < nsteps && sent; i++)
        sent = PQsendQueryParams(c->pg, steps[i], 0, NULL, NULL, NULL, NULL, 0);
    if (!sent || !PQsendQueryPrepared(c->pg, name, n, vals, NULL, NULL, 0) ||
        !PQpipelineSync(c->pg)) {
        c->lost = true;
        rc = HL_EUNAVAIL;
    }
    /* each step's result then NULL, the statement's result then NULL, the sync's result */
    int step = 0;
    for (bool synced = rc != 0; !synced;) {
        PGresult *r = PQgetResult(c->pg);
        if (!r) {
            if (++step > nsteps + 1) break; /* only after the sync: not reached */
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            synced = true;
        } else if (step < nsteps && st != PGRES_COMMAND_OK) {
            err_first(&rc, result_err(c, r));
        } else if (step == nsteps && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            if (st != PGRES_PIPELINE_ABORTED) err_first(&rc, result_err(c, r));
        } else if (step == nsteps && !rc) {
            *out = r;
            continue;
        }
        PQclear(r);
        if (PQstatus(c->pg) == CONNECTION_BAD) {
            c->lost = true;
            err_first(&rc, HL_EUNAVAIL);
            break;
        }
    }
    if (!c->lost && !PQexitPipelineMode(c->pg)) err_first(&rc, result_err(c, NULL));
    if (rc) {
        PQclear(*out);
        *out = NULL;
        if (c->in_tx) err_first(&c->tx_err, rc);
    }
    return rc;
}

/* Prepares (or finds) sql and runs it with n text values of the given types. The first
 * statement of a deferred transaction carries its BEGIN; if the connection turns out lost
 * there, nothing has run, so it is connected again and both are sent once more. */
static int run(pg_conn *c, pg_q *q, const char *sql, int n, const char *const *vals,
               const Oid *types)
{
    q->res = NULL;
    q->row = -1;
    q->nrows = 0;
    const char *begin = c->begin_sql;
    bool savepoint = c->savepoint_pending;
    PGresult *r = NULL;
    int rc = HL_EUNAVAIL;
    for (int attempt = 0; attempt < (begin ? 2 : 1) && rc == HL_EUNAVAIL; attempt++) {
        if (begin) {
            c->begin_sql = begin;
            c->savepoint_pending = savepoint;
            c->tx_err = 0;
        }
        rc = ready(c);
        char name[16];
        if (!rc) rc = prepare(c, sql, n, types, name);
        if (rc == HL_EUNAVAIL && c->begin_sql && c->lost) continue; /* found lost preparing */
        if (rc) return rc;
        if (c->begin_sql || c->savepoint_pending) {
            rc = exec_with_pending(c, name, n, vals, &r);
            if (rc == HL_EUNAVAIL && !c->lost) break;
            continue;
        }
        r = PQexecPrepared(c->pg, name, n, vals, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        rc = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? 0 : result_err(c, r);
        if (rc) {
            PQclear(r);
            r = NULL;
        }
        break;
    }
    if (rc) return rc;
    q->res = r;
    q->nrows = PQntuples(r);
    return 0;
}

/* The text values of the arguments described by types, integers printed into num. */
static int bind_v(const char *types, va_list ap, const char **vals, Oid *oids,
                  char (*num)[24], int *n)
{
    int i = 0;
    for (; types && types[i]; i++) {
        if (i == PG_MAX_ARGS) return HL_ERANGE;
        vals[i] = NULL;
        oids[i] = 0;
        switch (types[i]) {
        case 'i':
        case 'z': {
            int64_t v = va_arg(ap, int64_t);
            oids[i] = PG_INT8OID;
            if (v || types[i] == 'i') {
                snprintf(num[i], sizeof num[i], "%" PRId64, v);
                vals[i] = num[i];
            }
            break;
        }
        case 'b':
            oids[i] = PG_BOOLOID;
            vals[i] = va_arg(ap, int) ? "true" : "false";
            break;
        case 't': vals[i] = va_arg(ap, const char *); break;
        default: return HL_EINVAL; /* programmer error in a type string */
        }
    }
    *n = i;
    return 0;
}

static int open_v(pg_conn *c, pg_q *q, const char *sql, const char *types, va_list ap)
{
    const char *vals[PG_MAX_ARGS];
    Oid oids[PG_MAX_ARGS];
    char num[PG_MAX_ARGS][24];
    int n = 0;
    q->res = NULL;
    int rc = bind_v(types, ap, vals, oids, num, &n);
    return rc ? rc : run(c, q, sql, n, vals, oids);
}

int pg_open_q(pg_conn *c, pg_q *q, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = open_v(c, q, sql, types, ap);
    va_end(ap);
    return rc;
}

int pg_open_qa(pg_conn *c, pg_q *q, const char *sql, const db_arg *args, int n)
{
    const char *vals[PG_MAX_ARGS];
    Oid oids[PG_MAX_ARGS];
    char num[PG_MAX_ARGS][24];
    q->res = NULL;
    if (n < 0 || n > PG_MAX_ARGS) return HL_ERANGE;
    for (int i = 0; i < n; i++) {
        if (args[i].type == 't') {
            vals[i] = args[i].t;
            oids[i] = 0;
        } else {
            snprintf(num[i], sizeof num[i], "%" PRId64, args[i].i);
            vals[i] = num[i];
            oids[i] = PG_INT8OID;
        }
    }
    return run(c, q, sql, n, vals, oids);
}

int pg_step(pg_q *q)
{
    if (q->row + 1 >= q->nrows) return 0;
    q->row++;
    return 1;
}

void pg_close_q(pg_q *q)
{
    PQclear(q->res);
    q->res = NULL;
}

bool pg_is_null(pg_q *q, int col) { return PQgetisnull(q->res, q->row, col) != 0; }

int64_t pg_int(pg_q *q, int col)
{
    const char *v = PQgetvalue(q->res, q->row, col);
    if (PQftype(q->res, col) == PG_BOOLOID) return v[0] == 't';
    return strtoll(v, NULL, 10); /* "" for NULL reads 0 */
}

const char *pg_text(pg_q *q, arena *a, int col)
{
    return arena_strndup(a, PQgetvalue(q->res, q->row, col),
                         (size_t)PQgetlength(q->res, q->row, col));
}

int pg_exec(pg_conn *c, int *changes, const char *sql, const char *types, ...)
{
    pg_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(c, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    if (changes) *changes = atoi(PQcmdTuples(q.res)); /* "" for statements that count none */
    pg_close_q(&q);
    return 0;
}

int pg_int1(pg_conn *c, int64_t *out, const char *sql, const char *types, ...)
{
    pg_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(c, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    if (pg_step(&q)) *out = pg_int(&q, 0);
    else rc = HL_ENOTFOUND;
    pg_close_q(&q);
    return rc;
}

int pg_script(pg_conn *c, const char *sql)
{
    int rc = send_pending(c);
    if (rc) return rc;
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(r);
    rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : result_err(c, r);
    PQclear(r);
    return rc;
}

static int list_rows(pg_q *q, arena *a, size_t item_size, pg_row_fn fn, void **items,
                     size_t *n)
{
    int rc = 0;
    size_t count = (size_t)q->nrows;
    char *arr = arena_alloc(a, (count ? count : 1) * item_size); /* the rows are all here */
    for (size_t i = 0; arr && !rc && pg_step(q); i++) rc = fn(q, a, arr + i * item_size);
    pg_close_q(q);
    if (!arr) return HL_ENOMEM;
    if (rc) return rc;
    *items = arr;
    *n = count;
    return 0;
}

int pg_list(pg_conn *c, arena *a, size_t item_size, pg_row_fn fn, void **items, size_t *n,
            const char *sql, const char *types, ...)
{
    pg_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(c, &q, sql, types, ap);
    va_end(ap);
    return rc ? rc : list_rows(&q, a, item_size, fn, items, n);
}

int pg_one(pg_conn *c, arena *a, pg_row_fn fn, void *item, const char *sql, const char *types,
           ...)
{
    pg_q q;
    va_list ap;
    va_start(ap, types);
    int rc = open_v(c, &q, sql, types, ap);
    va_end(ap);
    if (rc) return rc;
    rc = pg_step(&q) ? fn(&q, a, item) : HL_ENOTFOUND;
    pg_close_q(&q);
    return rc;
}

int pg_begin(pg_conn *c)
{
    if (c->in_tx) return HL_EINVAL;
    int rc = pg_script(c, "BEGIN");
    /* a connection the server closed while idle (a restart) is found dead only now; BEGIN
     * did nothing, so once more on a new connection is safe */
    if (rc == HL_EUNAVAIL && c->lost) rc = pg_script(c, "BEGIN");
    if (!rc) {
        c->in_tx = true;
        c->tx_err = 0;
    }
    return rc;
}

int pg_begin_with(pg_conn *c, const char *begin_sql)
{
    if (c->in_tx) return HL_EINVAL;
    c->in_tx = true;
    c->tx_err = 0;
    c->begin_sql = begin_sql;
    return 0;
}

/* Ends a transaction that never reached the server (no statement ran): nothing to send. */
static bool end_unsent(pg_conn *c)
{
    c->savepoint_pending = false;
    if (!c->begin_sql) return false;
    c->begin_sql = NULL;
    c->in_tx = false;
    c->tx_err = 0;
    return true;
}

int pg_commit(pg_conn *c)
{
    if (!c->in_tx) return HL_EINVAL;
    if (end_unsent(c)) return 0;
    int rc = c->tx_err;
    if (rc) {
        pg_rollback(c);
        return rc;
    }
    PGresult *r = PQexec(c->pg, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        rc = result_err(c, r);
    } else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        /* the server ends a failed transaction with ROLLBACK even when asked to COMMIT */
        log_error("pg: COMMIT answered %s", PQcmdStatus(r));
        rc = HL_EIO;
    }
    PQclear(r);
    c->in_tx = false;
    c->tx_err = 0;
    return rc;
}

int pg_savepoint(pg_conn *c)
{
    if (!c->in_tx) return HL_EINVAL;
    c->savepoint_pending = true;
    return 0;
}

int pg_rollback_to_savepoint(pg_conn *c)
{
    if (!c->in_tx) return HL_EINVAL;
    if (c->savepoint_pending) { /* never sent: nothing ran since */
        c->savepoint_pending = false;
        return c->tx_err;
    }
    if (c->begin_sql) return HL_EINVAL; /* no savepoint was made */
    if (c->lost || PQstatus(c->pg) != CONNECTION_OK) return c->tx_err = HL_EUNAVAIL;
    PGresult *r = PQexec(c->pg, "ROLLBACK TO SAVEPOINT hl_job");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : result_err(c, r);
    PQclear(r);
    if (!rc) c->tx_err = 0; /* what failed after the savepoint is undone */
    return rc;
}

int pg_tx_err(const pg_conn *c) { return c->in_tx ? c->tx_err : 0; }

int pg_commit_read(pg_conn *c)
{
    if (!c->in_tx) return HL_EINVAL;
    if (end_unsent(c)) return 0;
    int rc = c->tx_err;
    if (rc) {
        pg_rollback(c);
        return rc;
    }
    c->in_tx = false;
    if (PQsendQuery(c->pg, "COMMIT")) c->commit_sent = true;
    else c->lost = true; /* the read is whole; the server ends the transaction on its own */
    return 0;
}

/* Reads the answer of a read's COMMIT (pg_commit_read): nothing of the read depends on it,
 * so a failure only marks the connection to be connected again. */
static void finish_commit(pg_conn *c)
{
    c->commit_sent = false;
    for (PGresult *r; (r = PQgetResult(c->pg)); PQclear(r))
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *m = PQresultErrorMessage(r);
            log_warn("pg: a read's COMMIT: %.*s", (int)strcspn(m, "\n"), m);
            if (PQstatus(c->pg) == CONNECTION_BAD) c->lost = true;
        }
}

void pg_rollback(pg_conn *c)
{
    if (end_unsent(c)) return;
    if (c->in_tx && PQstatus(c->pg) == CONNECTION_OK && !c->lost)
        PQclear(PQexec(c->pg, "ROLLBACK"));
    c->in_tx = false;
    c->tx_err = 0;
}

int pg_copy_begin(pg_conn *c, const char *sql)
{
    int rc = send_pending(c);
    if (rc) return rc;
    PGresult *r = PQexec(c->pg, sql);
    rc = PQresultStatus(r) == PGRES_COPY_IN ? 0 : result_err(c, r);
    PQclear(r);
    return rc;
}

/* A failure of the connection while copying (no result to read the reason from). */
static int copy_lost(pg_conn *c)
{
    const char *m = PQerrorMessage(c->pg);
    log_error("pg: COPY: %.*s", (int)strcspn(m, "\n"), m);
    int rc = PQstatus(c->pg) == CONNECTION_BAD ? HL_EUNAVAIL : HL_EIO;
    if (rc == HL_EUNAVAIL) c->lost = true;
    if (c->in_tx) err_first(&c->tx_err, rc);
    return rc;
}

int pg_copy_put(pg_conn *c, const char *data, size_t n)
{
    while (n) { /* libpq takes an int length */
        int piece = n > (1u << 30) ? 1 << 30 : (int)n;
        if (PQputCopyData(c->pg, data, piece) != 1) return copy_lost(c);
        data += piece;
        n -= (size_t)piece;
    }
    return 0;
}

int pg_copy_end(pg_conn *c, bool abort, int64_t *rows)
{
    if (PQputCopyEnd(c->pg, abort ? "cancelled by the client" : NULL) != 1) return copy_lost(c);
    int rc = 0;
    bool got = false;
    for (PGresult *r; (r = PQgetResult(c->pg)) != NULL; PQclear(r)) {
        if (got) continue; /* the COPY's own result first; anything after is drained */
        got = true;
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            /* an abort is the caller's decision, not a failure to log as the server's */
            if (abort) {
                if (c->in_tx) err_first(&c->tx_err, HL_EIO);
                rc = HL_EIO;
            } else {
                rc = result_err(c, r);
            }
        } else if (rows) {
            *rows = strtoll(PQcmdTuples(r), NULL, 10);
        }
    }
    return got ? rc : copy_lost(c);
}

int pg_copy_out_begin(pg_conn *c, const char *sql)
{
    int rc = send_pending(c);
    if (rc) return rc;
    PGresult *r = PQexec(c->pg, sql);
    rc = PQresultStatus(r) == PGRES_COPY_OUT ? 0 : result_err(c, r);
    PQclear(r);
    return rc;
}

int pg_copy_get(pg_conn *c, char **row, int *n)
{
    *row = NULL;
    *n = PQgetCopyData(c->pg, row, 0); /* blocking: never 0 */
    if (*n > 0) return 1;
    if (*n == -2) return copy_lost(c);
    int rc = 0; /* -1: the rows are over; then the COPY's own result */
    bool got = false;
    for (PGresult *r; (r = PQgetResult(c->pg)) != NULL; PQclear(r)) {
        if (got) continue;
        got = true;
        if (PQresultStatus(r) != PGRES_COMMAND_OK) rc = result_err(c, r);
    }
    return got ? rc : copy_lost(c);
}

void pg_copy_free(char *row) { PQfreemem(row); }
