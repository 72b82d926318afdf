/* export_appraisal.c — GET /api/export/appraisal.xlsx?period=: the monthly appraisal report
 * as a workbook: one sheet per tier (rank, composite, every count and rate), a sheet of the
 * requests that cost points (which unit, which indicators), and the scheme it was scored
 * under. A unit handler gets its own subtree only. */
#include "api/analytics.h"
#include "api/appraisal.h"
#include "api/export.h"
#include "core/civil.h"
#include "util/err.h"
#include "util/log.h"
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct {
    lxw_workbook *wb;
    lxw_format *bold, *pct, *score;
    int err;
} book;

static void put_s(book *b, lxw_worksheet *ws, int r, int col, const char *s, lxw_format *f)
{
    if (worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)col, s ? s : "", f) != LXW_NO_ERROR)
        b->err = HL_EIO;
}

static void put_n(book *b, lxw_worksheet *ws, int r, int col, double v, lxw_format *f)
{
    if (worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)col, v, f) != LXW_NO_ERROR)
        b->err = HL_EIO;
}

static const char *const tier_titles[TIER_COUNT] = {"区县 districts", "部门 departments",
                                                    "街道 streets"};

static void tier_sheet(book *b, const api_appraisal *ap, appraisal_tier t)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, tier_titles[t]);
    if (!ws) {
        b->err = HL_ENOMEM;
        return;
    }
    static const char *const head[] = {"rank", "code", "name", "composite", "volume"};
    int col = 0;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) put_s(b, ws, 0, col++, head[i], b->bold);
    for (int k = 0; k < IND_COUNT; k++) {
        const char *name = appraisal_indicator_name((appraisal_indicator)k);
        char h[48];
        snprintf(h, sizeof h, "%s numerator", name);
        put_s(b, ws, 0, col++, h, b->bold);
        snprintf(h, sizeof h, "%s denominator", name);
        put_s(b, ws, 0, col++, h, b->bold);
        snprintf(h, sizeof h, "%s rate", name);
        put_s(b, ws, 0, col++, h, b->bold);
    }
    worksheet_set_column(ws, 2, 2, 28, NULL);
    int r = 1;
    for (size_t k = 0; k < ap->n; k++) {
        size_t i = ap->order[k];
        if (ap->tier[i] != t || !ap->visible[i]) continue;
        const appraisal_result *res = &ap->result[i];
        col = 0;
        if (ap->rank[i]) put_n(b, ws, r, col, ap->rank[i], NULL);
        col++;
        put_s(b, ws, r, col++, ap->units[i].code, NULL);
        put_s(b, ws, r, col++, ap->units[i].name_zh, NULL);
        if (res->has_composite) put_n(b, ws, r, col, round(res->composite * 100) / 100, b->score);
        col++;
        put_n(b, ws, r, col++, (double)appraisal_volume(&ap->total[i]), NULL);
        for (int m = 0; m < IND_COUNT; m++) {
            put_n(b, ws, r, col++, (double)res->num[m], NULL);
            put_n(b, ws, r, col++, (double)res->den[m], NULL);
            if (res->defined[m]) put_n(b, ws, r, col, res->rate[m], b->pct);
            col++;
        }
        r++;
    }
}

struct costs_ctx {
    book *b;
    api_ctx *c;
    lxw_worksheet *ws;
    api_tree units, cats;
    int row;
};

static int on_cost(const store_cost *cost, void *ud)
{
    struct costs_ctx *x = ud;
    const store_case *k = &cost->k;
    const case_snapshot *s = &k->snap;
    int off = x->c->app->utc_offset_min, col = 0;
    char which[160] = "", t[6][20];
    for (int i = 0; i < IND_COUNT; i++)
        if (cost->indicators & (1u << i)) {
            size_t len = strlen(which);
            snprintf(which + len, sizeof which - len, "%s%s", len ? ", " : "",
                     appraisal_indicator_name((appraisal_indicator)i));
        }
    int u = api_tree_index(&x->units, cost->unit_id), cat = api_tree_index(&x->cats, k->category_id);
    export_time(s->registered_at, off, t[0]);
    export_time(s->signed_at, off, t[1]);
    export_time(s->due[STAGE_SIGN], off, t[2]);
    export_time(s->replied_at, off, t[3]);
    export_time(s->due[STAGE_REPLY], off, t[4]);
    put_s(x->b, x->ws, x->row, col++, u >= 0 ? x->units.code[u] : "", NULL);
    put_s(x->b, x->ws, x->row, col++, u >= 0 ? x->units.name_zh[u] : "", NULL);
    put_s(x->b, x->ws, x->row, col++, k->number, NULL);
    put_s(x->b, x->ws, x->row, col++, which, NULL);
    put_s(x->b, x->ws, x->row, col++, t[0], NULL);
    put_s(x->b, x->ws, x->row, col++, cat >= 0 ? x->cats.name_zh[cat] : "", NULL);
    put_s(x->b, x->ws, x->row, col++, case_state_name(s->state), NULL);
    for (int i = 1; i <= 4; i++) put_s(x->b, x->ws, x->row, col++, t[i], NULL);
    put_s(x->b, x->ws, x->row, col++, s->visit_valid ? (s->solved ? "yes" : "no") : "", NULL);
    put_s(x->b, x->ws, x->row, col++, satisfaction_name(s->satisfaction), NULL);
    put_s(x->b, x->ws, x->row, col++, k->title, NULL);
    x->row++;
    return x->b->err;
}

static void costs_sheet(book *b, api_ctx *c, const appraisal_period *p)
{
    struct costs_ctx x = {.b = b, .c = c, .row = 1};
    x.ws = workbook_add_worksheet(b->wb, "失分工单 costs");
    if (!x.ws) {
        b->err = HL_ENOMEM;
        return;
    }
    int rc = api_tree_units(c, &x.units);
    if (!rc) rc = api_tree_categories(c, &x.cats);
    if (rc) {
        b->err = rc;
        return;
    }
    static const char *const head[] = {"unit_code", "unit", "number", "indicators",
                                       "registered_at", "category", "state", "signed_at",
                                       "sign_due", "replied_at", "reply_due", "solved",
                                       "satisfaction", "title"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) put_s(b, x.ws, 0, (int)i, head[i], b->bold);
    int64_t scope = role_is_unit_scoped(c->user.role) ? c->user.unit_id : 0;
    rc = store_appraisal_costs_each(c->app->st, scope, p->from_day, p->to_day, api_now(),
                                    on_cost, &x);
    if (rc && !b->err) b->err = rc;
}

static void scheme_sheet(book *b, const api_appraisal *ap)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "方案 scheme");
    if (!ws) {
        b->err = HL_ENOMEM;
        return;
    }
    char from[11], to[11];
    civil_format_date(ap->period.from_day, from);
    civil_format_date(ap->period.to_day, to);
    put_s(b, ws, 0, 0, "period", b->bold);
    put_s(b, ws, 0, 1, ap->period.label, NULL);
    put_s(b, ws, 1, 0, "from", b->bold);
    put_s(b, ws, 1, 1, from, NULL);
    put_s(b, ws, 2, 0, "to", b->bold);
    put_s(b, ws, 2, 1, to, NULL);
    put_s(b, ws, 3, 0, "scheme", b->bold);
    put_s(b, ws, 3, 1, ap->scheme.name, NULL);
    int r = 4;
    for (int i = 0; i < IND_COUNT; i++, r++) {
        put_s(b, ws, r, 0, appraisal_indicator_name((appraisal_indicator)i), b->bold);
        put_n(b, ws, r, 1, ap->scheme.scheme.weight[i], NULL);
    }
    for (int l = SATISFACTION_SATISFIED; l <= SATISFACTION_UNSATISFIED; l++, r++) {
        put_s(b, ws, r, 0, satisfaction_name((satisfaction)l), b->bold);
        put_n(b, ws, r, 1, ap->scheme.scheme.score[l], NULL);
    }
}

void api_export_appraisal(api_ctx *c)
{
    appraisal_period p;
    api_appraisal ap;
    int rc = api_period(c, &p);
    if (!rc) rc = api_appraisal_build(c, &p, &ap);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    char path[256];
    int fd = export_temp(path, sizeof path);
    if (fd < 0) {
        http_send_rc(c->r, fd);
        return;
    }
    close(fd); /* libxlsxwriter writes the file at the path when the workbook closes */
    book b = {0};
    b.wb = workbook_new(path);
    if (!b.wb) {
        unlink(path);
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    b.bold = workbook_add_format(b.wb);
    b.pct = workbook_add_format(b.wb);
    b.score = workbook_add_format(b.wb);
    format_set_bold(b.bold);
    format_set_num_format(b.pct, "0.00%");
    format_set_num_format(b.score, "0.00");
    for (int t = 0; t < TIER_COUNT; t++) tier_sheet(&b, &ap, (appraisal_tier)t);
    costs_sheet(&b, c, &p);
    scheme_sheet(&b, &ap);
    if (workbook_close(b.wb) != LXW_NO_ERROR && !b.err) b.err = HL_EIO;
    if (b.err) {
        unlink(path);
        http_send_rc(c->r, b.err);
        log_error("export: appraisal: %s", hl_strerror(b.err));
        return;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        unlink(path);
        http_send_rc(c->r, HL_EIO);
        return;
    }
    export_send(c, fd, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                arena_printf(c->r->a, "appraisal-%s.xlsx", p.label));
}
