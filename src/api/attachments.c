/* attachments.c — see attachments.h: the upload's limits, reading and checking a multipart
 * body, storing its files, and an attachment's JSON. */
#include "api/attachments.h"
#include "api/json_out.h"
#include "media/meta_strip.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FORM_ROOM (MULTIPART_MAX_FIELDS * (MULTIPART_MAX_FIELD_BYTES + 256))

multipart_limits api_upload_limits(const multipart_limits *configured)
{
    multipart_limits l = configured ? *configured : (multipart_limits){0};
    if (!l.max_files) l.max_files = API_UPLOAD_MAX_FILES;
    if (!l.max_file_bytes) l.max_file_bytes = API_UPLOAD_MAX_FILE_BYTES;
    return l;
}

size_t api_upload_cap(const multipart_limits *configured)
{
    multipart_limits l = api_upload_limits(configured);
    /* each file's part headers and delimiter: a few hundred bytes; one more file's worth of
     * headroom lets the parser, not the server, say which file is one too many */
    return (l.max_files + 1) * (l.max_file_bytes + MULTIPART_MAX_HEADER_BYTES + 128) + FORM_ROOM;
}

bool api_route_takes_files(const char *pattern)
{
    /* Open311's POST is let through by its path (its forms) and reads multipart itself */
    static const char *const routes[] = {"/api/cases/:id/attachments", "/api/cases",
                                         "/api/public/cases", "/api/cases/:id/:action", NULL};
    for (const char *const *p = routes; *p; p++)
        if (pattern && strcmp(pattern, *p) == 0) return true;
    return false;
}

/* The JPEG part without its location metadata: written over the part's own bytes (the
 * request's body buffer, which only this request uses) when it is no longer, else copied into
 * the arena. Refuses 400 damaged when its segments do not parse: a JPEG we cannot clean is
 * not kept. */
static int strip_location(api_ctx *c, const multipart_part *f, const char *label,
                          const char **data, size_t *size, jpeg_gps *gps)
{
    uint8_t *clean = NULL;
    size_t n = 0;
    int rc = jpeg_gps_strip((const uint8_t *)f->data, f->len, gps, &clean, &n);
    if (rc == HL_EINVAL)
        return api_refuse(c, 400, "damaged", "the photo's metadata is damaged", label);
    if (rc || !clean) return rc;
    char *dst = n <= f->len ? (char *)f->data : arena_alloc(c->r->a, n);
    if (!dst) rc = HL_ENOMEM;
    else {
        memmove(dst, clean, n);
        *data = dst;
        *size = n;
    }
    free(clean);
    return rc;
}

int api_upload_read(api_ctx *c, api_upload *out)
{
    *out = (api_upload){0};
    const char *boundary = multipart_boundary(c->r->a, http_header(c->r, "Content-Type"));
    if (!boundary)
        return api_refuse(c, 415, "unsupported_media_type",
                          "send the files as multipart/form-data with a boundary", NULL);
    multipart_limits lim = api_upload_limits(&c->app->upload);
    multipart_problem p = {0};
    int rc = multipart_parse(c->r->a, c->r->body.data ? c->r->body.data : "", c->r->body.len,
                             boundary, &lim, &out->parts, &out->nparts, &p);
    if (rc == HL_EINVAL || rc == HL_ERANGE) return api_refuse(c, p.status, p.code, p.message, p.part);
    if (rc) return rc;
    size_t m = out->nparts ? out->nparts : 1;
    out->files = arena_alloc(c->r->a, m * sizeof *out->files);
    out->types = arena_alloc(c->r->a, m * sizeof *out->types);
    out->data = arena_alloc(c->r->a, m * sizeof *out->data);
    out->size = arena_alloc(c->r->a, m * sizeof *out->size);
    out->gps = arena_alloc(c->r->a, m * sizeof *out->gps);
    if (!out->files || !out->types || !out->data || !out->size || !out->gps) return HL_ENOMEM;
    for (size_t i = 0; i < out->nparts; i++) {
        const multipart_part *f = &out->parts[i];
        if (!f->filename) continue;
        const char *label = *f->filename ? f->filename : f->name;
        if (f->len == 0) return api_refuse(c, 400, "empty_file", "the file is empty", label);
        filetype t;
        switch (filetype_sniff((const uint8_t *)f->data, f->len, &t)) {
        case FILETYPE_OK: break;
        case FILETYPE_DAMAGED:
            return api_refuse(c, 400, "damaged", "the file is damaged or cut short", label);
        case FILETYPE_UNKNOWN:
            return api_refuse(c, 415, "type_not_allowed",
                              "only JPEG, PNG, WebP or HEIC photos, MP3, WAV or AMR recordings,"
                              " MP4 video and PDF documents are accepted",
                              label);
        }
        size_t i_f = out->nfiles++;
        out->files[i_f] = f;
        out->types[i_f] = t;
        out->data[i_f] = f->data;
        out->size[i_f] = f->len;
        out->gps[i_f] = (jpeg_gps){0};
        if (strcmp(t.mime, "image/jpeg") == 0) {
            rc = strip_location(c, f, label, &out->data[i_f], &out->size[i_f], &out->gps[i_f]);
            if (rc) return rc;
        } else if (strcmp(t.mime, "image/png") == 0 || strcmp(t.mime, "image/webp") == 0) {
            /* their metadata chunks dropped in place (the request's own body buffer) */
            uint8_t *bytes = (uint8_t *)f->data;
            rc = t.mime[6] == 'p' ? meta_strip_png(bytes, f->len, &out->size[i_f])
                                  : meta_strip_webp(bytes, f->len, &out->size[i_f]);
            if (rc) return api_refuse(c, 400, "damaged", "the file is damaged or cut short", label);
        }
    }
    return 0;
}

int api_upload_public(api_ctx *c, const api_upload *up, bool *is_public)
{
    const char *p = multipart_field(up->parts, up->nparts, "public");
    if (!p) return 0;
    if (strcmp(p, "true") == 0 || strcmp(p, "1") == 0) *is_public = true;
    else if (strcmp(p, "false") == 0 || strcmp(p, "0") == 0) *is_public = false;
    else return api_invalid(c, "public", "public is true or false");
    return 0;
}

int api_upload_store(api_ctx *c, const api_upload *up, int64_t case_id, const char *step,
                     bool is_public, int64_t added_by, int64_t **ids, int64_t *deduplicated)
{
    if (ids) *ids = NULL;
    if (!up->nfiles) return 0;
    store_attachment_new *in = arena_alloc(c->r->a, up->nfiles * sizeof *in);
    int64_t *got = arena_alloc(c->r->a, up->nfiles * sizeof *got);
    if (!in || !got) return HL_ENOMEM;
    int64_t now = api_now();
    for (size_t i = 0; i < up->nfiles; i++)
        in[i] = (store_attachment_new){.case_id = case_id,
                                       .kind = file_kind_name(up->types[i].kind),
                                       .mime = up->types[i].mime,
                                       .name = up->files[i]->filename,
                                       .step = step,
                                       .is_public = is_public,
                                       .added_by = added_by,
                                       .added_at = now,
                                       .has_gps = up->gps[i].found,
                                       .gps_lat = up->gps[i].lat,
                                       .gps_lng = up->gps[i].lng,
                                       .data = up->data[i],
                                       .size = up->size[i]};
    int rc = store_attachments_add(c->app->st, in, up->nfiles, got, deduplicated);
    if (!rc && ids) *ids = got;
    return rc;
}

const char *api_attachment_public_url(api_ctx *c, int64_t id)
{
    /* the Host the client reached us by, when it is a plain host[:port]; else the city's
     * domain (Open311's jurisdiction) */
    const char *host = http_header(c->r, "Host");
    bool plain = host && *host && strlen(host) <= 255;
    for (const char *p = host; plain && *p; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                strchr(".-:[]", *p) != NULL;
    return arena_printf(c->r->a, "%s://%s/api/public/attachments/%lld",
                        c->app->cookie_secure ? "https" : "http",
                        plain ? host : c->app->jurisdiction ? c->app->jurisdiction : "localhost",
                        (long long)id);
}

json_t *api_attachment_json(api_ctx *c, const store_attachment *t)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:I, s:o, s:s, s:o}", "id",
                     (json_int_t)t->id, "kind", t->kind, "mime", t->mime, "name", t->name,
                     "size", (json_int_t)t->size, "sha256", t->sha256, "step", t->step, "public",
                     t->is_public, "added_by", (json_int_t)t->added_by, "added_at",
                     json_out_time(t->added_at, c->app->utc_offset_min), "url",
                     arena_printf(c->r->a, "/api/attachments/%lld", (long long)t->id),
                     "suggested_location",
                     t->has_gps ? json_pack("{s:f, s:f}", "lat", t->gps_lat, "lng", t->gps_lng)
                                : json_null());
}
