/* case_attachments.c — POST /api/cases/:id/attachments (multipart/form-data: any number of
 * file parts within the upload limits, and the fields "step" — note (default), visit, reply,
 * registration — and "public" — true/false, default false) and GET /api/cases/:id/attachments.
 * Both for staff, on the requests the caller may read (api_case_load: a unit role only within
 * its unit's subtree), as the request's other actions. */
#include "api/attachments.h"
#include "api/cases.h"
#include "util/err.h"
#include <string.h>

static const char *const steps[] = {"note", "visit", "reply", "registration", NULL};

static int form_options(api_ctx *c, const api_upload *up, const char **step, bool *is_public)
{
    const char *s = multipart_field(up->parts, up->nparts, "step");
    *step = "note";
    if (s) {
        *step = NULL;
        for (const char *const *k = steps; *k; k++)
            if (strcmp(s, *k) == 0) *step = *k;
        if (!*step) return api_invalid(c, "step", "step is note, visit, reply or registration");
    }
    *is_public = false;
    return api_upload_public(c, up, is_public);
}

static void attachments_add(api_ctx *c)
{
    store_case k;
    api_upload up;
    const char *step;
    bool is_public;
    int64_t *ids = NULL, dedup = 0;
    int rc = api_case_load(c, &k);
    if (!rc) rc = api_upload_read(c, &up);
    if (!rc) rc = form_options(c, &up, &step, &is_public);
    if (!rc && up.nfiles == 0) rc = api_refuse(c, 400, "no_file", "the form carries no file", NULL);
    if (!rc) rc = api_upload_store(c, &up, k.id, step, is_public, c->user.id, &ids, &dedup);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < up.nfiles; i++) {
        store_attachment t;
        rc = store_attachment_get(c->app->st, c->r->a, ids[i], &t);
        if (rc) {
            json_decref(arr);
            api_refuse_rc(c, rc);
            return;
        }
        json_array_append_new(arr, api_attachment_json(c, &t));
    }
    http_send_json(c->r, 201, json_pack("{s:o, s:I}", "attachments", arr, "deduplicated",
                                        (json_int_t)dedup));
}

static void attachments_list(api_ctx *c)
{
    store_case k;
    store_attachment *items = NULL;
    size_t n = 0;
    int rc = api_case_load(c, &k);
    if (!rc) rc = store_case_attachments(c->app->st, c->r->a, k.id, &items, &n);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, api_attachment_json(c, &items[i]));
    http_send_json(c->r, 200, json_pack("{s:o}", "attachments", arr));
}

const api_route api_case_attachments_routes[] = {
    {"POST", "/api/cases/:id/attachments", attachments_add, ROLES_STAFF},
    {"GET", "/api/cases/:id/attachments", attachments_list, ROLES_STAFF},
    {NULL, NULL, NULL, 0},
};
