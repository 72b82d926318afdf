/* pg_attachments.c — store/attachments.h on PostgreSQL (attachments.c is SQLite's): contents
 * in a bytea table keyed by their SHA-256, attachment rows referring to them, both in one
 * transaction. pg_db.h passes text only, so bytes travel as hex (decode/encode on the
 * server): twice the size on the wire, and one layer of SQL helpers instead of two. The check
 * hashes the contents on the server (sha256(bytea)), so no file crosses the wire for it. */
#include "store/attachments.h"
#include "store/pg/pg_store.h"
#include "util/sha256.h"
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATT_COLS "id, case_id, sha256, kind, mime, name, step, size, is_public," \
                 " coalesce(added_by, 0), added_at, gps_lat IS NOT NULL, coalesce(gps_lat, 0)::text," \
                 " coalesce(gps_lng, 0)::text"

static int read_attachment(pg_q *q, arena *a, void *item)
{
    store_attachment *t = item;
    t->id = pg_int(q, 0);
    t->case_id = pg_int(q, 1);
    t->sha256 = pg_text(q, a, 2);
    t->kind = pg_text(q, a, 3);
    t->mime = pg_text(q, a, 4);
    t->name = pg_text(q, a, 5);
    t->step = pg_text(q, a, 6);
    t->size = pg_int(q, 7);
    t->is_public = pg_int(q, 8) != 0;
    t->added_by = pg_int(q, 9);
    t->added_at = pg_int(q, 10);
    t->has_gps = pg_int(q, 11) != 0;
    const char *lat = pg_text(q, a, 12), *lng = pg_text(q, a, 13);
    t->gps_lat = lat ? strtod(lat, NULL) : 0;
    t->gps_lng = lng ? strtod(lng, NULL) : 0;
    return t->sha256 && t->kind && t->mime && t->name && t->step ? 0 : HL_ENOMEM;
}

struct add_args {
    const store_attachment_new *in;
    char (*hashes)[SHA256_HEX_LEN + 1];
    char **hex; /* each file's bytes in hex */
    size_t n;
    int64_t *ids, dedup;
};

static int add_fn(pg_conn *c, void *arg)
{
    struct add_args *x = arg;
    x->dedup = 0; /* runs again from the start after a serialization failure */
    for (size_t i = 0; i < x->n; i++) {
        const store_attachment_new *f = &x->in[i];
        int64_t exists = 0;
        int rc = pg_int1(c, &exists, "SELECT count(*) FROM cases WHERE id=$1", "i", f->case_id);
        if (!rc && !exists) rc = HL_EREF;
        int inserted = 0;
        if (!rc)
            rc = pg_exec(c, &inserted,
                         "INSERT INTO attachment_contents(sha256, size, data)"
                         " VALUES($1, $2, decode($3, 'hex')) ON CONFLICT (sha256) DO NOTHING",
                         "tit", x->hashes[i], (int64_t)f->size, x->hex[i]);
        if (rc) return rc;
        x->dedup += inserted == 0;
        int64_t id = 0;
        char lat[32], lng[32]; /* pg_db.h binds no doubles: text, exact to the last digit */
        snprintf(lat, sizeof lat, "%.17g", f->gps_lat);
        snprintf(lng, sizeof lng, "%.17g", f->gps_lng);
        rc = pg_int1(c, &id,
                     "INSERT INTO attachments(case_id, sha256, kind, mime, name, step, size,"
                     " is_public, added_by, added_at, gps_lat, gps_lng)"
                     " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::float8,$12::float8) RETURNING id",
                     "itttttibzitt", f->case_id, x->hashes[i], f->kind, f->mime,
                     f->name ? f->name : "", f->step, (int64_t)f->size, f->is_public,
                     f->added_by, f->added_at, f->has_gps ? lat : NULL, f->has_gps ? lng : NULL);
        if (rc) return rc;
        if (x->ids) x->ids[i] = id;
    }
    return 0;
}

int postgres_attachments_add(store *s, const store_attachment_new *in, size_t n, int64_t *ids,
                             int64_t *deduplicated)
{
    struct add_args x = {in, NULL, NULL, n, ids, 0};
    int rc = 0;
    x.hashes = malloc((n ? n : 1) * sizeof *x.hashes);
    x.hex = calloc(n ? n : 1, sizeof *x.hex);
    if (!x.hashes || !x.hex) rc = HL_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        sha256_hex(in[i].data, in[i].size, x.hashes[i]);
        x.hex[i] = malloc(in[i].size * 2 + 1);
        if (!x.hex[i]) rc = HL_ENOMEM;
        else sodium_bin2hex(x.hex[i], in[i].size * 2 + 1, in[i].data, in[i].size);
    }
    if (!rc) rc = pg_store_write(s, add_fn, &x);
    for (size_t i = 0; x.hex && i < n; i++) free(x.hex[i]);
    free(x.hex);
    free(x.hashes);
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

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    return pg_one(c, g->a, read_attachment, g->out,
                  "SELECT " ATT_COLS " FROM attachments WHERE id=$1", "i", g->id);
}

int postgres_attachment_get(store *s, arena *a, int64_t id, store_attachment *out)
{
    struct get_args g = {.a = a, .id = id, .out = out};
    return pg_store_read(s, get_fn, &g);
}

static int list_fn(pg_conn *c, void *arg)
{
    struct get_args g = *(struct get_args *)arg;
    return pg_list(c, g.a, sizeof **g.items, read_attachment, (void **)g.items, g.n,
                   "SELECT " ATT_COLS " FROM attachments WHERE case_id=$1 ORDER BY id", "i",
                   g.id);
}

int postgres_case_attachments(store *s, arena *a, int64_t case_id, store_attachment **items,
                              size_t *n)
{
    struct get_args g = {.a = a, .id = case_id, .items = items, .n = n};
    return pg_store_read(s, list_fn, &g);
}

struct content_args {
    const char *sha256;
    int64_t offset, len;
    char **data;
    size_t *got;
};

static int content_fn(pg_conn *c, void *arg)
{
    struct content_args *x = arg;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT encode(substring(data FROM $1::int FOR $2::int), 'hex')"
                       " FROM attachment_contents WHERE sha256=$3",
                       "iit", x->offset + 1, x->len, x->sha256);
    if (!rc) {
        if (pg_step(&q) != 1) rc = HL_ENOTFOUND;
        const char *hex = rc ? NULL : pg_text(&q, a, 0);
        if (!rc && !hex) rc = HL_ENOMEM;
        size_t hn = hex ? strlen(hex) : 0;
        if (!rc && !(*x->data = malloc(hn / 2 + 1))) rc = HL_ENOMEM;
        if (!rc && sodium_hex2bin((unsigned char *)*x->data, hn / 2 + 1, hex, hn, NULL,
                                  x->got, NULL) != 0)
            rc = HL_EIO;
        pg_close_q(&q);
    }
    arena_free(a);
    if (rc) {
        free(*x->data);
        *x->data = NULL;
        *x->got = 0;
    }
    return rc;
}

int postgres_attachment_content(store *s, const char *sha256, int64_t offset, int64_t len,
                                char **data, size_t *got)
{
    *data = NULL;
    *got = 0;
    if (offset < 0 || len < 0) return HL_EINVAL;
    /* substring counts in int; files are far smaller, so this changes no answer */
    if (offset > INT32_MAX - 1) offset = INT32_MAX - 1;
    if (len > INT32_MAX) len = INT32_MAX;
    struct content_args x = {sha256, offset, len, data, got};
    return pg_store_read(s, content_fn, &x);
}

struct first_args {
    const int64_t *case_ids;
    size_t n;
    int64_t *ids;
};

static int first_fn(pg_conn *c, void *arg)
{
    struct first_args *f = arg;
    int rc = 0;
    for (size_t i = 0; !rc && i < f->n; i++) {
        f->ids[i] = 0;
        rc = pg_int1(c, &f->ids[i],
                     "SELECT min(id) FROM attachments WHERE case_id=$1 AND is_public"
                     " AND kind='photo' HAVING count(*) > 0",
                     "i", f->case_ids[i]);
        if (rc == HL_ENOTFOUND) rc = 0;
    }
    return rc;
}

int postgres_cases_first_public_photo(store *s, const int64_t *case_ids, size_t n, int64_t *ids)
{
    struct first_args f = {case_ids, n, ids};
    return n ? pg_store_read(s, first_fn, &f) : 0;
}

struct thumb_args {
    arena *a;
    const char *sha256;
    char hash[SHA256_HEX_LEN + 1];
    char *hex;
    const char **out;
};

static int thumb_get_fn(pg_conn *c, void *arg)
{
    struct thumb_args *t = arg;
    pg_q q;
    int rc = pg_open_q(c, &q, "SELECT thumb_sha256 FROM attachment_thumbnails WHERE sha256=$1",
                       "t", t->sha256);
    if (rc) return rc;
    if (pg_step(&q) == 1) rc = (*t->out = pg_text(&q, t->a, 0)) ? 0 : HL_ENOMEM;
    else rc = HL_ENOTFOUND;
    pg_close_q(&q);
    return rc;
}

int postgres_thumbnail_get(store *s, arena *a, const char *sha256, const char **thumb_sha256)
{
    struct thumb_args t = {.a = a, .sha256 = sha256, .out = thumb_sha256};
    return pg_store_read(s, thumb_get_fn, &t);
}

static int thumb_put_fn(pg_conn *c, void *arg)
{
    struct thumb_args *t = arg;
    int64_t exists = 0;
    int rc = pg_int1(c, &exists, "SELECT count(*) FROM attachment_contents WHERE sha256=$1", "t",
                     t->sha256);
    if (!rc && !exists) rc = HL_EREF;
    if (!rc)
        rc = pg_exec(c, NULL,
                     "INSERT INTO attachment_contents(sha256, size, data)"
                     " VALUES($1, length(decode($2, 'hex')), decode($2, 'hex'))"
                     " ON CONFLICT (sha256) DO NOTHING",
                     "tt", t->hash, t->hex);
    if (!rc)
        rc = pg_exec(c, NULL,
                     "INSERT INTO attachment_thumbnails(sha256, thumb_sha256) VALUES($1, $2)"
                     " ON CONFLICT (sha256) DO NOTHING",
                     "tt", t->sha256, t->hash);
    return rc ? rc : thumb_get_fn(c, arg);
}

int postgres_thumbnail_put(store *s, arena *a, const char *sha256, const void *data, size_t n,
                           const char **thumb_sha256)
{
    struct thumb_args t = {.a = a, .sha256 = sha256, .out = thumb_sha256};
    sha256_hex(data, n, t.hash);
    t.hex = malloc(n * 2 + 1);
    if (!t.hex) return HL_ENOMEM;
    sodium_bin2hex(t.hex, n * 2 + 1, data, n);
    int rc = pg_store_write(s, thumb_put_fn, &t);
    free(t.hex);
    return rc;
}

struct verify_args {
    int64_t *files, *bad;
};

static int read_pair(pg_q *q, arena *a, void *item)
{
    (void)a;
    int64_t *pair = item;
    pair[0] = pg_int(q, 0);
    pair[1] = pg_int(q, 1);
    return 0;
}

static int verify_fn(pg_conn *c, void *arg)
{
    struct verify_args *v = arg;
    int64_t pair[2] = {0, 0};
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    int rc = pg_one(c, a, read_pair, pair,
                    "SELECT count(*), count(*) FILTER (WHERE encode(sha256(data), 'hex') <> sha256"
                    " OR length(data) <> size) FROM attachment_contents",
                    NULL);
    arena_free(a);
    *v->files = pair[0];
    *v->bad = pair[1];
    return rc;
}

int postgres_attachments_verify(store *s, int64_t *files, int64_t *bad)
{
    *files = *bad = 0;
    struct verify_args v = {files, bad};
    return pg_store_read(s, verify_fn, &v);
}
