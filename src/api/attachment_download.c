/* attachment_download.c — GET /api/attachments/:id for staff, with the request's access rules
 * (api_case_load's: a unit role only within its unit's subtree), every download of an
 * internal file recorded in the audit log before a byte is sent; and GET
 * /api/public/attachments/:id for anyone: only public files of requests that are not
 * confidential (Open311's media_url points here). Both answer the sniffed Content-Type,
 * Content-Disposition with the original name, nosniff (every answer has it), an ETag (the
 * content's SHA-256: it never changes) with If-None-Match, and one byte Range. A photo's
 * thumbnail is at .../thumbnail, under the same rules. */
#include "api/attachments.h"
#include "api/audit.h"
#include "api/case_view.h"
#include "api/cases.h"
#include "http/range.h"
#include "media/thumbnail.h"
#include "util/err.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name percent-encoded for filename*= (RFC 8187): only unreserved characters stay. */
static const char *pct(arena *a, const char *name)
{
    size_t n = strlen(name);
    char *out = arena_alloc(a, n * 3 + 1), *o = out;
    if (!out) return "";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *o++ = (char)*p;
        else o += snprintf(o, 4, "%%%02X", *p);
    }
    *o = 0;
    return out;
}

static const char *ext_of(const char *mime)
{
    const char *slash = strchr(mime, '/');
    if (strcmp(mime, "image/jpeg") == 0) return "jpg";
    if (strcmp(mime, "audio/mpeg") == 0) return "mp3";
    return slash ? slash + 1 : "bin";
}

static void serve(api_ctx *c, const store_attachment *t)
{
    http_req *r = c->r;
    const char *etag = arena_printf(r->a, "\"%s\"", t->sha256);
    http_add_header(r, "ETag", etag);
    http_add_header(r, "Accept-Ranges", "bytes");
    /* a safe ASCII name for old clients, the sender's name for the rest */
    http_add_header(r, "Content-Disposition",
                    arena_printf(r->a, "%s; filename=\"attachment-%lld.%s\"%s%s",
                                 strcmp(t->kind, "document") == 0 ? "attachment" : "inline",
                                 (long long)t->id, ext_of(t->mime),
                                 *t->name ? "; filename*=UTF-8''" : "",
                                 *t->name ? pct(r->a, t->name) : ""));
    const char *inm = http_header(r, "If-None-Match");
    if (inm && (strcmp(inm, etag) == 0 || strcmp(inm, "*") == 0)) {
        http_send_empty(r, 304);
        return;
    }
    int64_t first, last;
    range_kind rk = http_range_parse(http_header(r, "Range"), t->size, &first, &last);
    if (rk == RANGE_UNSATISFIABLE) {
        http_add_header(r, "Content-Range", arena_printf(r->a, "bytes */%lld", (long long)t->size));
        http_send_error(r, 416, "range_not_satisfiable", "the range is outside the file", "Range");
        return;
    }
    char *data = NULL;
    size_t got = 0;
    int rc = store_attachment_content(c->app->st, t->sha256, first, last - first + 1, &data, &got);
    if (rc) {
        http_send_rc(r, rc);
        return;
    }
    if (rk == RANGE_PART)
        http_add_header(r, "Content-Range",
                        arena_printf(r->a, "bytes %lld-%lld/%lld", (long long)first,
                                     (long long)(first + (int64_t)got - 1), (long long)t->size));
    http_send_bytes(r, rk == RANGE_PART ? 206 : 200, t->mime, data, got);
    free(data);
}

static int load(api_ctx *c, store_attachment *t)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_attachment_get(c->app->st, c->r->a, id, t) : HL_ENOTFOUND;
    return rc == HL_ENOTFOUND ? api_not_found(c, "attachment") : rc;
}

static void staff_download(api_ctx *c)
{
    store_attachment t;
    store_case k;
    int rc = load(c, &t);
    if (!rc) rc = store_case_get(c->app->st, c->r->a, t.case_id, &k);
    if (!rc) rc = case_view_may_read(c, &k);
    /* no record, no internal file */
    if (!rc && !t.is_public)
        rc = api_audit(c, "attachment.download", "case",
                       arena_printf(c->r->a, "%lld", (long long)k.id),
                       arena_printf(c->r->a, "attachment %lld", (long long)t.id));
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    serve(c, &t);
}

static void public_download(api_ctx *c)
{
    store_attachment t;
    store_case k;
    int rc = load(c, &t);
    if (!rc) rc = store_case_get(c->app->st, c->r->a, t.case_id, &k);
    /* the same answer as no such file: an internal file's existence is not the public's */
    if (!rc && (!t.is_public || k.confidential)) rc = api_not_found(c, "attachment");
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    serve(c, &t);
}

/* A photo's thumbnail (media/thumbnail.h): made on the first request for it and kept in the
 * store (store_thumbnail_put), so it is made once for every server. Not audited: lists and
 * the dashboard show them by the dozen, and a thumbnail holds no metadata. */
static void thumbnail(api_ctx *c, const store_attachment *t)
{
    http_req *r = c->r;
    if (strcmp(t->kind, "photo") != 0) {
        api_refuse(c, 404, "not_found", "only photos have thumbnails", NULL);
        return;
    }
    const char *th = NULL;
    char *data = NULL;
    size_t got = 0;
    int rc = store_thumbnail_get(c->app->st, r->a, t->sha256, &th);
    if (rc == HL_ENOTFOUND) {
        uint8_t *small = NULL;
        size_t n = 0;
        rc = store_attachment_content(c->app->st, t->sha256, 0, t->size, &data, &got);
        if (!rc) rc = thumbnail_make(data, got, &small, &n);
        free(data);
        data = NULL;
        if (rc == HL_EINVAL) {
            api_refuse(c, 422, "undecodable", "this photo cannot be decoded for a thumbnail",
                       NULL);
            return;
        }
        if (!rc) rc = store_thumbnail_put(c->app->st, r->a, t->sha256, small, n, &th);
        free(small);
    }
    const char *etag = th ? arena_printf(r->a, "\"%s\"", th) : NULL;
    const char *inm = http_header(r, "If-None-Match");
    if (!rc && inm && strcmp(inm, etag) == 0) {
        http_add_header(r, "ETag", etag);
        http_send_empty(r, 304);
        return;
    }
    if (!rc) rc = store_attachment_content(c->app->st, th, 0, INT32_MAX, &data, &got);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    http_add_header(r, "ETag", etag);
    http_add_header(r, "Content-Disposition",
                    arena_printf(r->a, "inline; filename=\"thumbnail-%lld.jpg\"", (long long)t->id));
    http_send_bytes(r, 200, "image/jpeg", data, got);
    free(data);
}

static void staff_thumbnail(api_ctx *c)
{
    store_attachment t;
    store_case k;
    int rc = load(c, &t);
    if (!rc) rc = store_case_get(c->app->st, c->r->a, t.case_id, &k);
    if (!rc) rc = case_view_may_read(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    thumbnail(c, &t);
}

static void public_thumbnail(api_ctx *c)
{
    store_attachment t;
    store_case k;
    int rc = load(c, &t);
    if (!rc) rc = store_case_get(c->app->st, c->r->a, t.case_id, &k);
    if (!rc && (!t.is_public || k.confidential)) rc = api_not_found(c, "attachment");
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    thumbnail(c, &t);
}

const api_route api_attachment_download_routes[] = {
    {"GET", "/api/attachments/:id", staff_download, ROLES_STAFF},
    {"GET", "/api/public/attachments/:id", public_download, API_PUBLIC},
    {"GET", "/api/attachments/:id/thumbnail", staff_thumbnail, ROLES_STAFF},
    {"GET", "/api/public/attachments/:id/thumbnail", public_thumbnail, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
