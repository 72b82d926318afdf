/* appraisal_common.c — see appraisal.h: periods, schemes as JSON, and the appraisal of a
 * period for one caller (the rollups' counts, summed up the unit tree, scored and ranked). */
#include "api/appraisal.h"
#include "core/civil.h"
#include "core/tree.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

const char *api_day(api_ctx *c, int64_t day)
{
    char d[11];
    civil_format_date(day, d);
    return arena_strdup(c->r->a, d);
}

int api_period(api_ctx *c, appraisal_period *p)
{
    const char *period = http_query(c->r, "period"), *from = http_query(c->r, "from"),
               *to = http_query(c->r, "to");
    int rc = appraisal_period_parse(period, period ? NULL : from, period ? NULL : to, p);
    if (rc == HL_ERANGE)
        return api_refuse(c, 400, "invalid_field", "a range of at most 3660 days", "from");
    if (rc)
        return api_refuse(c, 400, "invalid_field",
                          "period=YYYY-MM, YYYY-Qn or YYYY, or from=YYYY-MM-DD&to=YYYY-MM-DD",
                          period || (!from && !to) ? "period" : "from");
    return 0;
}

json_t *api_period_json(const appraisal_period *p)
{
    char a[11], b[11];
    civil_format_date(p->from_day, a);
    civil_format_date(p->to_day, b);
    return json_pack("{s:s, s:s, s:s}", "label", p->label, "from", a, "to", b);
}

static int day_of(const json_t *v, int64_t *day)
{
    const char *s = json_string_value(v);
    return s ? civil_parse_date(s, strlen(s), day) : HL_EINVAL;
}

int api_scheme_from_json(const json_t *doc, store_appraisal_scheme *out, const char **field)
{
    memset(out, 0, sizeof *out);
    appraisal_scheme_default(&out->scheme); /* the scores; weights start at 0 */
    for (int i = 0; i < IND_COUNT; i++) out->scheme.weight[i] = 0;
    *field = "name";
    out->name = json_string_value(json_object_get(doc, "name"));
    if (!out->name || !*out->name || strlen(out->name) > 100) return HL_EINVAL;
    *field = "effective_from";
    if (day_of(json_object_get(doc, "effective_from"), &out->effective_from)) return HL_EINVAL;
    json_t *to = json_object_get(doc, "effective_to"), *v;
    *field = "effective_to";
    if (to && !json_is_null(to) && day_of(to, &out->effective_to)) return HL_EINVAL;
    if (out->effective_to && out->effective_to < out->effective_from) return HL_EINVAL;
    const char *key;
    *field = "weights";
    json_t *w = json_object_get(doc, "weights");
    if (!json_is_object(w)) return HL_EINVAL;
    json_object_foreach(w, key, v) {
        appraisal_indicator ind;
        if (appraisal_indicator_parse(key, &ind) || !json_is_number(v)) return HL_EINVAL;
        out->scheme.weight[ind] = json_number_value(v);
    }
    *field = "scores";
    json_t *sc = json_object_get(doc, "scores");
    if (sc && !json_is_object(sc)) return HL_EINVAL;
    json_object_foreach(sc, key, v) {
        satisfaction lvl;
        if (satisfaction_parse(key, &lvl) || lvl == SATISFACTION_NONE || !json_is_number(v))
            return HL_EINVAL;
        out->scheme.score[lvl] = json_number_value(v);
    }
    for (int l = SATISFACTION_SATISFIED; l <= SATISFACTION_UNSATISFIED; l++)
        if (!(out->scheme.score[l] >= 0) || out->scheme.score[l] > 1) return HL_EINVAL;
    *field = "weights";
    if (appraisal_scheme_check(&out->scheme)) return HL_EINVAL;
    *field = NULL;
    return 0;
}

json_t *api_scheme_json(const store_appraisal_scheme *s)
{
    char from[11], to[11];
    civil_format_date(s->effective_from, from);
    if (s->effective_to) civil_format_date(s->effective_to, to);
    json_t *w = json_object(), *sc = json_object();
    for (int i = 0; i < IND_COUNT; i++)
        json_object_set_new(w, appraisal_indicator_name((appraisal_indicator)i),
                            json_real(s->scheme.weight[i]));
    for (int l = SATISFACTION_SATISFIED; l <= SATISFACTION_UNSATISFIED; l++)
        json_object_set_new(sc, satisfaction_name((satisfaction)l), json_real(s->scheme.score[l]));
    return json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "id",
                     s->id ? json_integer(s->id) : json_null(), "name", s->name,
                     "effective_from", from, "effective_to",
                     s->effective_to ? json_string(to) : json_null(), "weights", w, "scores", sc);
}

int api_appraisal_index(const api_appraisal *ap, int64_t unit_id)
{
    for (size_t i = 0; i < ap->n; i++)
        if (ap->units[i].id == unit_id) return (int)i;
    return -1;
}

#define ALLOC(a, n, T) ((T *)arena_alloc((a), ((n) ? (n) : 1) * sizeof(T)))

int api_appraisal_build(api_ctx *c, const appraisal_period *p, api_appraisal *out)
{
    arena *a = c->r->a;
    memset(out, 0, sizeof *out);
    out->period = *p;
    store_unit_counts *counts;
    size_t ncounts;
    int rc = store_units_list(c->app->st, a, &out->units, &out->n);
    if (!rc) rc = store_appraisal_counts(c->app->st, a, p->from_day, p->to_day, api_now(),
                                         &counts, &ncounts);
    if (!rc) {
        /* a period is scored under the scheme in force on its first day */
        rc = store_appraisal_scheme_at(c->app->st, a, p->from_day, &out->scheme);
        if (rc == HL_ENOTFOUND) {
            out->scheme = (store_appraisal_scheme){.name = "built-in default (30/35/35)"};
            appraisal_scheme_default(&out->scheme.scheme);
            rc = 0;
        }
    }
    size_t n = out->n;
    out->parent = ALLOC(a, n, int);
    out->total = ALLOC(a, n, appraisal_counts);
    out->result = ALLOC(a, n, appraisal_result);
    out->tier = ALLOC(a, n, appraisal_tier);
    out->rank = ALLOC(a, n, int);
    out->order = ALLOC(a, n, size_t);
    out->visible = ALLOC(a, n, bool);
    appraisal_counts *own = ALLOC(a, n, appraisal_counts);
    appraisal_rank_item *items = ALLOC(a, n, appraisal_rank_item);
    if (!rc && (!out->parent || !out->total || !out->result || !out->tier || !out->rank ||
                !out->order || !out->visible || !own || !items))
        rc = HL_ENOMEM;
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        out->parent[i] = out->units[i].parent_id ? api_appraisal_index(out, out->units[i].parent_id) : -1;
        memset(&own[i], 0, sizeof own[i]);
    }
    for (size_t k = 0; k < ncounts; k++) {
        int i = api_appraisal_index(out, counts[k].unit_id);
        if (i >= 0) own[i] = counts[k].c;
    }
    if (appraisal_tree_sum(out->parent, own, n, out->total)) return HL_EIO;
    bool scoped = role_is_unit_scoped(c->user.role);
    int mine = scoped ? api_appraisal_index(out, c->user.unit_id) : -1;
    for (size_t i = 0; i < n; i++) {
        const store_unit *u = &out->units[i];
        int pi = out->parent[i];
        appraisal_compute(&out->total[i], &out->scheme.scheme, &out->result[i]);
        out->tier[i] = appraisal_tier_of(u->kind, pi >= 0 && out->units[pi].kind == UNIT_CENTRE);
        items[i] = (appraisal_rank_item){.tier = out->tier[i],
                                         .has_composite = out->result[i].has_composite,
                                         .composite = out->result[i].composite, .code = u->code};
        /* a unit role sees its own subtree; everyone else the city */
        bool vis = !scoped || tree_within(out->parent, (int)i, mine);
        /* inactive units without anything in the period stay out of the tables */
        out->visible[i] = vis && (u->active || appraisal_volume(&out->total[i]) > 0 ||
                                  out->total[i].returns_requested > 0);
    }
    appraisal_rank(items, n, out->rank, out->order);
    return 0;
}
