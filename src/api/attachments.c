/* attachments.c — see attachments.h: the upload's limits, reading and checking a multipart
 * body, storing its files, and an attachment's JSON. */
#include "api/attachments.h"
#include "api/json_out.h"
#include "util/err.h"
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
    out->files = arena_alloc(c->r->a, (out->nparts ? out->nparts : 1) * sizeof *out->files);
    out->types = arena_alloc(c->r->a, (out->nparts ? out->nparts : 1) * sizeof *out->types);
    if (!out->files || !out->types) return HL_ENOMEM;
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
        out->files[out->nfiles] = f;
        out->types[out->nfiles++] = t;
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
                                       .data = up->files[i]->data,
                                       .size = up->files[i]->len};
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
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:I, s:o, s:s}", "id",
                     (json_int_t)t->id, "kind", t->kind, "mime", t->mime, "name", t->name,
                     "size", (json_int_t)t->size, "sha256", t->sha256, "step", t->step, "public",
                     t->is_public, "added_by", (json_int_t)t->added_by, "added_at",
                     json_out_time(t->added_at, c->app->utc_offset_min), "url",
                     arena_printf(c->r->a, "/api/attachments/%lld", (long long)t->id));
}
