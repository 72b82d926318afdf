/* audit.c — writing audit entries for the API and GET /api/admin/audit (see audit.h). */
#include "api/audit.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "core/mask.h"
#include "store/cases.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DETAIL_MAX 2000 /* bytes of a change's body kept in its entry */

static int record(api_ctx *c, const store_user *who, const char *action, const char *object,
                  const char *id, int64_t case_id, const char *detail)
{
    store_audit e = {
        .at = api_now(),
        .actor_id = who ? who->id : 0,
        .actor = who ? who->username : "",
        .role = who ? role_name(who->role) : "",
        .unit_id = who ? who->unit_id : 0,
        .action = action,
        .object = object,
        .object_id = id,
        .case_id = case_id,
        .detail = detail,
        .client = http_client_addr(c->r),
    };
    int rc = store_audit_add(c->app->st, &e);
    if (rc) log_error("audit: cannot record %s: %s", action, hl_strerror(rc));
    return rc;
}

int api_audit(api_ctx *c, const char *action, const char *object, const char *id,
              const char *detail)
{
    int64_t case_id = 0;
    if (object && id && strcmp(object, "case") == 0) case_id = strtoll(id, NULL, 10);
    return record(c, c->authed ? &c->user : NULL, action, object, id, case_id, detail);
}

int api_audit_login(api_ctx *c, const char *action, const store_user *who)
{
    return record(c, who, action, "user",
                  who ? arena_printf(c->r->a, "%lld", (long long)who->id) : "", 0, NULL);
}

void api_audit_case_read(api_ctx *c, int64_t case_id)
{
    if (c->authed && role_is_unit_scoped(c->user.role))
        /* record() has logged a failure; the read is answered either way */
        err_ignore(
            api_audit(c, "case.read", "case", arena_printf(c->r->a, "%lld", (long long)case_id),
                      NULL));
}

/* ---- administrators' changes ---------------------------------------------------------- */

/* Drops every key that names a secret, at any depth. */
static void drop_secrets(json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) drop_secrets(x);
        return;
    }
    if (!json_is_object(v)) return;
    const char *k;
    json_t *x;
    void *tmp;
    json_object_foreach_safe(v, tmp, k, x)
    {
        if (strstr(k, "password") || strstr(k, "token") || strstr(k, "secret"))
            json_object_del(v, k);
        else
            drop_secrets(x);
    }
}

/* The body as compact JSON without secrets, cut at DETAIL_MAX bytes on a UTF-8 boundary;
 * "(N bytes)" for a body that is not JSON, "" for none. Arena string. */
static const char *change_detail(api_ctx *c)
{
    buf *b = &c->r->body;
    if (!b->len) return "";
    json_t *doc = json_loadb(b->data, b->len, 0, NULL);
    if (!doc) return arena_printf(c->r->a, "(%zu bytes)", b->len);
    drop_secrets(doc);
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!s) return "";
    size_t n = strlen(s);
    if (n > DETAIL_MAX) {
        n = DETAIL_MAX;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* not inside a character */
    }
    const char *out = arena_strndup(c->r->a, s, n);
    free(s);
    return out ? out : "";
}

/* The id of what changed: the route's first parameter, else the "id" of the answer. */
static const char *changed_id(api_ctx *c)
{
    if (c->r->match.nparams > 0) {
        const route_param *p = &c->r->match.params[0];
        const char *v = http_param(c->r, p->name);
        if (v) return v;
    }
    json_t *doc = c->r->resp ? json_loadb(c->r->resp, c->r->resp_len, 0, NULL) : NULL;
    json_t *id = json_object_get(doc, "id");
    const char *out =
        json_is_integer(id) ? arena_printf(c->r->a, "%lld", (long long)json_integer_value(id)) : "";
    json_decref(doc);
    return out ? out : "";
}

/* An export (GET /api/export/...): the route and its filters, a phone filter masked, and any
 * phone number inside the free-text search q masked too (the other filters are codes, ids,
 * dates and request numbers, which a phone-like digit run would mask by mistake). */
static void audit_export(api_ctx *c)
{
    buf d;
    buf_init(&d, DETAIL_MAX);
    int rc = buf_puts(&d, c->r->route);
    for (size_t i = 0; i < c->r->params.count; i++) {
        const urlenc_param *p = &c->r->params.items[i];
        char masked[DETAIL_MAX + 1];
        const char *v = p->val;
        if (strcmp(p->name, "phone") == 0) {
            mask_phone(p->val, p->val_len, masked, sizeof masked);
            v = masked;
        } else if (strcmp(p->name, "q") == 0) {
            mask_phones_in(p->val, p->val_len, masked, sizeof masked);
            v = masked;
        }
        err_first(&rc, buf_printf(&d, "%s%s=%s", i ? "&" : "?", p->name, v));
    }
    record(c, &c->user, "export", "export", "", 0,
           rc || !d.data ? c->r->route : arena_strndup(c->r->a, d.data, d.len));
    buf_free(&d);
}

static void audit_admin_change(api_ctx *c);

void api_audit_route(api_ctx *c)
{
    if (!c->authed || c->r->status < 200 || c->r->status > 299) return;
    if (strncmp(c->r->route, "/api/export/", 12) == 0)
        audit_export(c);
    else if (strncmp(c->r->route, "/api/admin/", 11) == 0)
        audit_admin_change(c);
}

static void audit_admin_change(api_ctx *c)
{
    const char *m = c->r->method, *route = c->r->route;
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) return;
    /* the object is the route's literal segments after /api/admin/: "units", "time-limits",
     * "appraisal/schemes"; the action adds the method's verb: "units.create" */
    char object[128] = "", action[160];
    size_t on = 0;
    for (const char *p = route + 11; *p;) {
        size_t n = strcspn(p, "/");
        if (*p != ':' && on + n + 1 < sizeof object) {
            on += (size_t)snprintf(object + on, sizeof object - on, "%s%.*s", on ? "/" : "", (int)n,
                                   p);
        }
        p += n;
        if (*p == '/') p++;
    }
    const char *verb = strcmp(m, "POST") == 0     ? "create"
                       : strcmp(m, "PUT") == 0    ? "put"
                       : strcmp(m, "PATCH") == 0  ? "update"
                       : strcmp(m, "DELETE") == 0 ? "delete"
                                                  : "change";
    snprintf(action, sizeof action, "%s.%s", object, verb);
    for (char *p = action; *p; p++)
        if (*p == '/') *p = '.';
    record(c, &c->user, action, object, changed_id(c), 0, change_detail(c));
}

/* ---- GET /api/admin/audit --------------------------------------------------------------- */

static json_t *entry_json(api_ctx *c, const store_audit *e)
{
    json_t *o =
        json_pack("{s:I, s:o, s:s, s:o, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at",
                  json_out_time(e->at, c->app->utc_offset_min), "action", e->action, "actor",
                  e->actor_id ? json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)e->actor_id,
                                          "username", e->actor, "role", e->role, "unit_id",
                                          e->unit_id ? json_integer(e->unit_id) : json_null())
                              : json_null(),
                  "object", e->object, "object_id", e->object_id, "client", e->client);
    if (!o) return NULL;
    json_object_set_new(o, "case_id", e->case_id ? json_integer(e->case_id) : json_null());
    json_object_set_new(o, "case_number", *e->case_number ? json_string(e->case_number) : json_null());
    json_object_set_new(o, "detail", *e->detail ? json_string(e->detail) : json_null());
    return o;
}

static void audit_list(api_ctx *c)
{
    store_audit_query q = {.actor = http_query(c->r, "actor"),
                           .action = http_query(c->r, "action")};
    int64_t page = 1, size = 50, case_id = 0;
    const char *case_ref = http_query(c->r, "case");
    int rc = api_query_int(c, "page", 1, 100000, &page);
    if (!rc) rc = api_query_int(c, "page_size", 1, 200, &size);
    if (!rc) rc = api_query_time(c, "from", &q.from);
    if (!rc) rc = api_query_time(c, "to", &q.to);
    if (rc) return; /* refused */
    if (case_ref) {
        /* an id or a request number, as in /api/cases/:id */
        char *end = NULL;
        case_id = strtoll(case_ref, &end, 10);
        if (end == case_ref || *end || case_id <= 0) {
            store_case k;
            rc = store_case_by_number(c->app->st, c->r->a, case_ref, &k);
            if (rc && rc != HL_ENOTFOUND) {
                http_send_rc(c->r, rc);
                return;
            }
            case_id = rc ? -1 : k.id; /* an unknown number matches nothing */
        }
        q.case_id = case_id;
    }
    q.offset = (int)((page - 1) * size);
    q.limit = (int)size;
    store_audit *items;
    size_t n;
    int64_t total = 0;
    rc = store_audit_list(c->app->st, c->r->a, &q, &items, &n, &total);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, entry_json(c, &items[i]));
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "page", (int)page,
                             "page_size", (int)size, "items", arr));
}

const api_route api_audit_routes[] = {
    {"GET", "/api/admin/audit", audit_list, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SUPERVISOR)},
    {NULL, NULL, NULL, 0},
};
