/* attachments.c — store/attachments.h on SQLite: contents in a BLOB table keyed by their
 * SHA-256, attachment rows referring to them, both written in one writer job. Blobs are bound
 * and read with SQLite's own calls on the statement db_open_q prepared (db.h has no blob
 * type: only this file stores bytes). */
#include "store/attachments.h"
#include "store/store_internal.h"
#include "util/sha256.h"
#include <stdlib.h>
#include <string.h>

#define ATT_COLS "id, case_id, sha256, kind, mime, name, step, size, is_public," \
                 " ifnull(added_by, 0), added_at, gps_lat IS NOT NULL, ifnull(gps_lat, 0), ifnull(gps_lng, 0)"

static int read_attachment(db_q *q, arena *a, void *item)
{
    store_attachment *t = item;
    t->id = db_int(q, 0);
    t->case_id = db_int(q, 1);
    t->sha256 = db_text(q, a, 2);
    t->kind = db_text(q, a, 3);
    t->mime = db_text(q, a, 4);
    t->name = db_text(q, a, 5);
    t->step = db_text(q, a, 6);
    t->size = db_int(q, 7);
    t->is_public = db_int(q, 8) != 0;
    t->added_by = db_int(q, 9);
    t->added_at = db_int(q, 10);
    t->has_gps = db_int(q, 11) != 0;
    t->gps_lat = sqlite3_column_double(q->st, 12);
    t->gps_lng = sqlite3_column_double(q->st, 13);
    return t->sha256 && t->kind && t->mime && t->name && t->step ? 0 : HL_ENOMEM;
}

struct add_args {
    const store_attachment_new *in;
    const char (*hashes)[SHA256_HEX_LEN + 1];
    size_t n;
    int64_t *ids, dedup;
};

/* The content under its hash unless it is there already (*had says which). */
static int put_content(sqlite3 *db, const char *hash, const void *data, size_t size, bool *had)
{
    int changes = 0;
    db_q q;
    int rc = db_open_q(db, &q, "INSERT INTO attachment_contents(sha256, size, data)"
                               " VALUES(?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
                       "ti", hash, (int64_t)size);
    if (rc) return rc;
    /* SQLITE_STATIC: the bytes outlive the statement, which runs to completion here */
    rc = sqlite3_bind_blob64(q.st, 3, size ? data : "", size, SQLITE_STATIC);
    rc = rc == SQLITE_OK ? db_step(&q) : db_err(rc);
    if (rc >= 0) {
        changes = sqlite3_changes(db);
        rc = 0;
    }
    db_close_q(&q);
    *had = changes == 0;
    return rc;
}

static int add_fn(sqlite3 *db, void *arg)
{
    struct add_args *x = arg;
    x->dedup = 0;
    for (size_t i = 0; i < x->n; i++) {
        const store_attachment_new *f = &x->in[i];
        int64_t exists = 0;
        int rc = db_int1(db, &exists, "SELECT count(*) FROM cases WHERE id=?", "i", f->case_id);
        if (!rc && !exists) rc = HL_EREF;
        bool had = false;
        if (!rc) rc = put_content(db, x->hashes[i], f->data, f->size, &had);
        if (rc) return rc;
        x->dedup += had;
        db_q q;
        rc = db_open_q(db, &q,
                       "INSERT INTO attachments(case_id, sha256, kind, mime, name, step, size,"
                       " is_public, added_by, added_at, gps_lat, gps_lng)"
                       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                       "itttttibzi", f->case_id, x->hashes[i], f->kind, f->mime,
                       f->name ? f->name : "", f->step, (int64_t)f->size, f->is_public,
                       f->added_by, f->added_at);
        if (rc) return rc;
        if (f->has_gps) { /* NULL otherwise: db.h binds no doubles */
            sqlite3_bind_double(q.st, 11, f->gps_lat);
            sqlite3_bind_double(q.st, 12, f->gps_lng);
        }
        rc = db_step(&q);
        db_close_q(&q);
        if (rc < 0) return rc;
        if (x->ids) x->ids[i] = sqlite3_last_insert_rowid(db);
    }
    return 0;
}

int sqlite_attachments_add(store *s, const store_attachment_new *in, size_t n, int64_t *ids,
                           int64_t *deduplicated)
{
    /* hashed before the writer runs: the writer is one thread for every request */
    char(*hashes)[SHA256_HEX_LEN + 1] = malloc((n ? n : 1) * sizeof *hashes);
    if (!hashes) return HL_ENOMEM;
    for (size_t i = 0; i < n; i++) sha256_hex(in[i].data, in[i].size, hashes[i]);
    struct add_args x = {in, (const char(*)[SHA256_HEX_LEN + 1])hashes, n, ids, 0};
    int rc = store_write(s, add_fn, &x);
    free(hashes);
    if (!rc && deduplicated) *deduplicated = x.dedup;
    return rc;
}

struct get_args {
    arena *a;
    int64_t id;
    store_attachment *out;
    store_attachment **items;
    size_t *n;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    return db_one(db, g->a, read_attachment, g->out,
                  "SELECT " ATT_COLS " FROM attachments WHERE id=?", "i", g->id);
}

int sqlite_attachment_get(store *s, arena *a, int64_t id, store_attachment *out)
{
    struct get_args g = {.a = a, .id = id, .out = out};
    return store_read(s, get_fn, &g);
}

static int list_fn(sqlite3 *db, void *arg)
{
    struct get_args g = *(struct get_args *)arg;
    return db_list(db, g.a, sizeof **g.items, read_attachment, (void **)g.items, g.n,
                   "SELECT " ATT_COLS " FROM attachments WHERE case_id=? ORDER BY id", "i", g.id);
}

int sqlite_case_attachments(store *s, arena *a, int64_t case_id, store_attachment **items,
                            size_t *n)
{
    struct get_args g = {.a = a, .id = case_id, .items = items, .n = n};
    return store_read(s, list_fn, &g);
}

struct content_args {
    const char *sha256;
    int64_t offset, len;
    char **data;
    size_t *got;
};

static int content_fn(sqlite3 *db, void *arg)
{
    struct content_args *c = arg;
    db_q q;
    /* substr on a BLOB counts bytes, from 1 */
    int rc = db_open_q(db, &q, "SELECT substr(data, ?, ?) FROM attachment_contents WHERE sha256=?",
                       "iit", c->offset + 1, c->len, c->sha256);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 0) rc = HL_ENOTFOUND;
    if (rc == 1) {
        size_t n = (size_t)sqlite3_column_bytes(q.st, 0);
        const void *p = sqlite3_column_blob(q.st, 0);
        *c->data = malloc(n ? n : 1);
        if (!*c->data) rc = HL_ENOMEM;
        else {
            if (n) memcpy(*c->data, p, n);
            *c->got = n;
            rc = 0;
        }
    }
    db_close_q(&q);
    return rc;
}

int sqlite_attachment_content(store *s, const char *sha256, int64_t offset, int64_t len,
                              char **data, size_t *got)
{
    *data = NULL;
    *got = 0;
    if (offset < 0 || len < 0) return HL_EINVAL;
    struct content_args c = {sha256, offset, len, data, got};
    return store_read(s, content_fn, &c);
}

struct first_args {
    const int64_t *case_ids;
    size_t n;
    int64_t *ids;
};

static int first_fn(sqlite3 *db, void *arg)
{
    struct first_args *f = arg;
    int rc = 0;
    for (size_t i = 0; !rc && i < f->n; i++) {
        f->ids[i] = 0;
        rc = db_int1(db, &f->ids[i],
                     "SELECT min(id) FROM attachments WHERE case_id=? AND is_public=1"
                     " AND kind='photo' HAVING count(*) > 0",
                     "i", f->case_ids[i]);
        if (rc == HL_ENOTFOUND) rc = 0;
    }
    return rc;
}

int sqlite_cases_first_public_photo(store *s, const int64_t *case_ids, size_t n, int64_t *ids)
{
    struct first_args f = {case_ids, n, ids};
    return n ? store_read(s, first_fn, &f) : 0;
}

struct thumb_args {
    arena *a;
    const char *sha256;
    const void *data;
    size_t n;
    char hash[SHA256_HEX_LEN + 1];
    const char **out;
};

static int thumb_get_fn(sqlite3 *db, void *arg)
{
    struct thumb_args *t = arg;
    db_q q;
    int rc = db_open_q(db, &q, "SELECT thumb_sha256 FROM attachment_thumbnails WHERE sha256=?",
                       "t", t->sha256);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) rc = (*t->out = db_text(&q, t->a, 0)) ? 0 : HL_ENOMEM;
    else if (rc == 0) rc = HL_ENOTFOUND;
    db_close_q(&q);
    return rc;
}

int sqlite_thumbnail_get(store *s, arena *a, const char *sha256, const char **thumb_sha256)
{
    struct thumb_args t = {.a = a, .sha256 = sha256, .out = thumb_sha256};
    return store_read(s, thumb_get_fn, &t);
}

static int thumb_put_fn(sqlite3 *db, void *arg)
{
    struct thumb_args *t = arg;
    int64_t exists = 0;
    int rc = db_int1(db, &exists, "SELECT count(*) FROM attachment_contents WHERE sha256=?", "t",
                     t->sha256);
    if (!rc && !exists) rc = HL_EREF;
    bool had = false;
    if (!rc) rc = put_content(db, t->hash, t->data, t->n, &had);
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO attachment_thumbnails(sha256, thumb_sha256) VALUES(?, ?)"
                     " ON CONFLICT(sha256) DO NOTHING",
                     "tt", t->sha256, t->hash);
    return rc ? rc : thumb_get_fn(db, arg);
}

int sqlite_thumbnail_put(store *s, arena *a, const char *sha256, const void *data, size_t n,
                         const char **thumb_sha256)
{
    struct thumb_args t = {.a = a, .sha256 = sha256, .data = data, .n = n, .out = thumb_sha256};
    sha256_hex(data, n, t.hash);
    return store_write(s, thumb_put_fn, &t);
}

struct verify_args {
    int64_t *files, *bad;
};

static int verify_fn(sqlite3 *db, void *arg)
{
    struct verify_args *v = arg;
    db_q q;
    int rc = db_open_q(db, &q, "SELECT sha256, size, data FROM attachment_contents", NULL);
    while (!rc && (rc = db_step(&q)) == 1) {
        rc = 0;
        char hex[SHA256_HEX_LEN + 1];
        size_t n = (size_t)sqlite3_column_bytes(q.st, 2);
        sha256_hex(sqlite3_column_blob(q.st, 2), n, hex);
        const char *want = (const char *)sqlite3_column_text(q.st, 0);
        (*v->files)++;
        if (!want || strcmp(want, hex) != 0 || sqlite3_column_int64(q.st, 1) != (int64_t)n)
            (*v->bad)++;
    }
    db_close_q(&q);
    return rc < 0 ? rc : 0;
}

int sqlite_attachments_verify(store *s, int64_t *files, int64_t *bad)
{
    *files = *bad = 0;
    struct verify_args v = {files, bad};
    return store_read(s, verify_fn, &v);
}
