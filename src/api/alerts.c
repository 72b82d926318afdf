/* alerts.c — urgent alerts: the sensitive-word list (data the administrator edits), marking a
 * request urgent at registration when its words or its category say so, and the "alert"
 * event on the live hub that the dashboard and the dispatchers see at once. */
#include "api/assist.h"
#include "api/json_out.h"
#include "core/alert_words.h"
#include "store/knowledge.h"
#include "util/err.h"
#include "util/log.h"
#include <string.h>

#define MAX_WORDS 500

void api_assist_register_before(api_ctx *c, store_case *k, api_register_assist *as)
{
    memset(as, 0, sizeof *as);
    as->category_name = "";
    store_category cat;
    if (store_category_get(c->app->st, c->r->a, k->category_id, &cat) == 0) {
        as->category_name = cat.name_zh;
        as->category_urgent = cat.leaf_fields && cat.urgency == URGENCY_URGENT;
    }
    const char **words;
    size_t n, hit[ALERT_MAX_WORDS];
    int rc = store_sensitive_words(c->app->st, c->r->a, &words, &n);
    if (rc) {
        /* the request matters more than its alert: register it, say why nothing was checked */
        log_warn("alerts: cannot read the sensitive words: %s", hl_strerror(rc));
        return;
    }
    const char *texts[2] = {k->title, k->text};
    for (int t = 0; t < 2; t++) {
        if (!texts[t]) continue;
        size_t got = alert_words_match(texts[t], words, n, hit, ALERT_MAX_WORDS);
        for (size_t i = 0; i < got && as->nwords < ALERT_MAX_WORDS; i++) {
            bool seen = false;
            for (size_t j = 0; j < as->nwords && !seen; j++) seen = as->words[j] == words[hit[i]];
            if (!seen) as->words[as->nwords++] = words[hit[i]];
        }
    }
    if (as->nwords) k->urgency = URGENCY_URGENT;
}

void api_assist_register_after(api_ctx *c, const store_case *k, const api_register_assist *as)
{
    if (k->urgency == URGENCY_URGENT) {
        json_t *words = json_array();
        for (size_t i = 0; i < as->nwords; i++) json_array_append_new(words, json_string(as->words[i]));
        const char *reason = as->nwords ? "sensitive_words" : as->category_urgent ? "category"
                                                                                : "registrar";
        /* no personal data: the dashboard shows where and what, the dispatcher opens it */
        api_publish(c, "alert",
                    json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:s, s:o}", "id",
                              (json_int_t)k->id, "number", k->number, "category_id",
                              (json_int_t)k->category_id, "category_name", as->category_name,
                              "district_id",
                              k->district_id ? json_integer(k->district_id) : json_null(),
                              "unit_id", k->snap.unit_id ? json_integer(k->snap.unit_id) : json_null(),
                              "urgency", urgency_name(k->urgency), "reason", reason, "words",
                              words, "channel", k->channel, "at",
                              json_out_time(k->snap.registered_at, c->app->utc_offset_min)));
    }
    api_dup_check_cluster(c, k);
}

/* ---- the word list ---------------------------------------------------------------------- */

static void send_words(api_ctx *c, int status)
{
    const char **words;
    size_t n;
    int rc = store_sensitive_words(c->app->st, c->r->a, &words, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_string(words[i]));
    http_send_json(c->r, status, json_pack("{s:o}", "words", arr));
}

static void words_get(api_ctx *c) { send_words(c, 200); }

static const json_field put_fields[] = {
    {"words", JF_ARRAY, true, false, 0, MAX_WORDS},
};

/* PUT /api/admin/sensitive-words {"words": [...]} — replaces the whole list. */
static void words_put(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, put_fields, 1, &b)) return; /* refused */
    json_t *arr = json_object_get(b, "words"), *v;
    size_t n = json_array_size(arr), i;
    const char **words = arena_alloc(c->r->a, (n ? n : 1) * sizeof *words);
    if (!words) {
        http_send_rc(c->r, HL_ENOMEM);
        goto out;
    }
    json_array_foreach(arr, i, v) {
        const char *w = json_string_value(v);
        size_t start = 0, len = w ? alert_word_trim(w, &start) : 0;
        words[i] = w ? arena_strndup(c->r->a, w + start, len) : NULL;
        if (!words[i] || !alert_word_valid(words[i])) {
            /* `index` names the word, for the page to select its line */
            json_t *err = json_pack(
                "{s:s, s:s, s:s, s:I}", "code", "invalid_field", "message",
                arena_printf(c->r->a, "words[%zu]: a word of 1 to %d bytes of text", i,
                             ALERT_WORD_MAX),
                "field", "words", "index", (json_int_t)i);
            http_send_json(c->r, 422, json_pack("{s:o}", "error", err));
            goto out;
        }
    }
    int rc = store_sensitive_words_put(c->app->st, words, n, api_now());
    if (rc) http_send_rc(c->r, rc);
    else send_words(c, 200);
out:
    json_decref(b);
}

const api_route api_alerts_routes[] = {
    {"GET", "/api/admin/sensitive-words", words_get, ROLE_BIT(ROLE_ADMIN)},
    {"PUT", "/api/admin/sensitive-words", words_put, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
