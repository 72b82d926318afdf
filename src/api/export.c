/* export.c — GET /api/export/cases.csv and cases.xlsx: the requests GET /api/cases would
 * find (same filters, same unit scope), every one of them, with the caller masked exactly as
 * case_view shows it to the caller's role. Files are written to a temporary file, streamed,
 * and deleted. */
#include "api/export.h"
#include "api/analytics.h"
#include "api/case_view.h"
#include "api/cases.h"
#include "core/csv.h"
#include "core/civil.h"
#include "store/analytics.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

int export_temp(char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    int n = snprintf(path, cap, "%s/hotline-export-XXXXXX", dir && *dir ? dir : "/tmp");
    if (n < 0 || (size_t)n >= cap) return HL_ERANGE;
    int fd = mkstemp(path);
    return fd >= 0 ? fd : HL_EIO;
}

void export_send(api_ctx *c, int fd, const char *path, const char *content_type,
                 const char *filename)
{
    struct stat st;
    unlink(path); /* the open descriptor keeps the content until the response is sent */
    if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        http_send_rc(c->r, HL_EIO);
        return;
    }
    http_add_header(c->r, "Content-Disposition",
                    arena_printf(c->r->a, "attachment; filename=\"%s\"", filename));
    http_add_header(c->r, "Cache-Control", "no-store");
    /* the server streams a descriptor when resp_fd is set (as for static files) */
    c->r->status = 200;
    c->r->resp_fd = fd;
    c->r->resp_fd_size = st.st_size;
    c->r->content_type = content_type;
    c->r->responded = true;
}

void export_time(int64_t t, int off, char out[20])
{
    if (!t) {
        out[0] = 0;
        return;
    }
    int64_t day = civil_local_day(t, off), secs = t + (int64_t)off * 60 - day * CIVIL_DAY_SECONDS;
    int y, m, d;
    civil_ymd_from_days(day, &y, &m, &d);
    unsigned s = (unsigned)(secs < 0 ? 0 : secs);
    snprintf(out, 20, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u, s / 3600u % 24u, s / 60u % 60u, s % 60u);
}

/* ---- one request as a row of text cells ------------------------------------------------------ */

enum { NCOLS = 30 };
static const char *const headers[NCOLS] = {
    "number",      "registered_at", "channel",      "request_type", "category_code",
    "category",    "urgency",       "confidential", "state",        "closed_as",
    "unit_code",   "unit",          "district",     "street",       "caller_name",
    "caller_phone", "address",      "title",        "text",         "dispatched_at",
    "signed_at",   "replied_at",    "visited_at",   "closed_at",    "sign_due",
    "reply_due",   "overdue",       "visit_valid",  "solved",       "satisfaction",
};

struct export_ctx {
    api_ctx *c;
    api_tree units, cats;
    FILE *csv;
    lxw_worksheet *ws;
    lxw_format *bold;
    int64_t rows, now;
    buf line;
    int err;
};

static const char *node_field(const api_tree *t, int64_t id, bool code)
{
    int i = id ? api_tree_index(t, id) : -1;
    return i < 0 ? "" : code ? t->code[i] : t->name_zh[i];
}

/* The cells of one request; times and the masked caller in cells backed by tbuf. */
static void row_cells(struct export_ctx *x, const store_case *k, const char **cell,
                      char tbuf[][20])
{
    int off = x->c->app->utc_offset_min;
    const case_snapshot *s = &k->snap;
    /* the caller exactly as the API shows it to this role (masked, or hidden) */
    json_t *view = case_view(x->c, k, false), *caller = json_object_get(view, "caller");
    const char *name = json_string_value(json_object_get(caller, "name"));
    const char *phone = json_string_value(json_object_get(caller, "phone"));
    cell[14] = arena_strdup(x->c->r->a, name ? name : "");
    cell[15] = arena_strdup(x->c->r->a, phone ? phone : "");
    json_decref(view);
    export_time(s->registered_at, off, tbuf[0]);
    int64_t times[] = {s->dispatched_at, s->signed_at, s->replied_at, s->visited_at,
                       s->closed_at,     s->due[STAGE_SIGN], s->due[STAGE_REPLY]};
    for (int i = 0; i < 7; i++) export_time(times[i], off, tbuf[1 + i]);
    cell[0] = k->number;
    cell[1] = tbuf[0];
    cell[2] = k->channel;
    cell[3] = request_type_name(k->type);
    cell[4] = node_field(&x->cats, k->category_id, true);
    cell[5] = node_field(&x->cats, k->category_id, false);
    cell[6] = urgency_name(k->urgency);
    cell[7] = k->confidential ? "yes" : "no";
    cell[8] = case_state_name(s->state);
    cell[9] = close_kind_name(s->closed_as);
    cell[10] = node_field(&x->units, s->unit_id, true);
    cell[11] = node_field(&x->units, s->unit_id, false);
    cell[12] = node_field(&x->units, k->district_id, false);
    cell[13] = node_field(&x->units, k->street_id, false);
    cell[16] = k->address;
    cell[17] = k->title;
    cell[18] = k->text;
    for (int i = 0; i < 7; i++) cell[19 + i] = tbuf[1 + i];
    cell[26] = lifecycle_overdue(s, x->now) ? "yes" : "no";
    cell[27] = s->visit_valid ? "yes" : "no";
    cell[28] = s->visit_valid ? (s->solved ? "yes" : "no") : "";
    cell[29] = satisfaction_name(s->satisfaction);
}

/* RFC 4180 quoting; a cell that a spreadsheet would run as a formula (csv_starts_formula) gets a
 * leading apostrophe, so an exported complaint text can never execute in Excel. */
static int csv_cell(buf *b, const char *s, bool last)
{
    int rc = 0;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    bool formula = csv_starts_formula(s);
    if (quote) err_first(&rc, buf_puts(b, "\""));
    if (formula) err_first(&rc, buf_puts(b, "'"));
    for (const char *p = s; *p; p++) err_first(&rc, *p == '"' ? buf_puts(b, "\"\"") : buf_append(b, p, 1));
    if (quote) err_first(&rc, buf_puts(b, "\""));
    err_first(&rc, buf_puts(b, last ? "\r\n" : ","));
    return rc;
}

static int csv_row(struct export_ctx *x, const char *const *cell)
{
    buf_reset(&x->line);
    int rc = 0;
    for (int i = 0; i < NCOLS; i++) err_first(&rc, csv_cell(&x->line, cell[i] ? cell[i] : "", i == NCOLS - 1));
    if (rc) return HL_ERANGE;
    return fwrite(x->line.data, 1, x->line.len, x->csv) == x->line.len ? 0 : HL_EIO;
}

static int xlsx_row(struct export_ctx *x, const char *const *cell, lxw_format *fmt)
{
    lxw_row_t row = (lxw_row_t)x->rows;
    for (int i = 0; i < NCOLS; i++)
        if (worksheet_write_string(x->ws, row, (lxw_col_t)i, cell[i] ? cell[i] : "", fmt) !=
            LXW_NO_ERROR)
            return HL_EIO;
    return 0;
}

static int on_case(const store_case *k, void *ud)
{
    struct export_ctx *x = ud;
    const char *cell[NCOLS];
    char tbuf[8][20];
    row_cells(x, k, cell, tbuf);
    int rc = x->csv ? csv_row(x, cell) : xlsx_row(x, cell, NULL);
    x->rows++;
    return rc;
}

#define EXPORT_MAX 1000000 /* rows; an Excel sheet holds 1,048,576 */

static void export_cases(api_ctx *c, bool xlsx)
{
    store_case_query q = {0};
    int64_t max = 100000;
    if (api_case_filters(c, &q)) return; /* refused */
    const char *m = http_query(c->r, "max");
    if (m) {
        char *end;
        long long v = strtoll(m, &end, 10);
        if (end == m || *end || v < 1 || v > EXPORT_MAX) {
            http_send_error(c->r, 400, "invalid_field", "max: 1 to 1000000 rows", "max");
            return;
        }
        max = v;
    }
    struct export_ctx x = {.c = c, .now = api_now()};
    int rc = api_tree_units(c, &x.units);
    if (!rc) rc = api_tree_categories(c, &x.cats);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    char path[256];
    int fd = export_temp(path, sizeof path);
    rc = fd < 0 ? fd : 0;
    lxw_workbook *wb = NULL;
    buf_init(&x.line, 1 << 20);
    if (!rc && !xlsx) {
        x.csv = fdopen(dup(fd), "w");
        /* a BOM: Excel then reads the file as UTF-8 (Chinese text) */
        if (!x.csv || fputs("\xEF\xBB\xBF", x.csv) < 0) rc = HL_EIO;
        const char *const *h = headers;
        if (!rc) rc = csv_row(&x, h);
    } else if (!rc) {
        lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
        wb = workbook_new_opt(path, &opt);
        x.ws = wb ? workbook_add_worksheet(wb, "requests") : NULL;
        x.bold = wb ? workbook_add_format(wb) : NULL;
        if (!x.ws || !x.bold) rc = HL_ENOMEM;
        if (!rc) {
            format_set_bold(x.bold);
            rc = xlsx_row(&x, headers, x.bold);
            x.rows = 1;
        }
    }
    if (!rc) rc = store_cases_each(c->app->st, &q, max, on_case, &x);
    if (x.csv && fclose(x.csv) != 0 && !rc) rc = HL_EIO;
    if (wb && workbook_close(wb) != LXW_NO_ERROR && !rc) rc = HL_EIO;
    buf_free(&x.line);
    if (rc && fd >= 0) {
        close(fd);
        unlink(path);
    }
    if (rc == HL_EINVAL) {
        http_send_error(c->r, 400, "invalid_field", "nothing to search for in q", "q");
        return;
    }
    if (rc) {
        log_error("export: cases: %s", hl_strerror(rc));
        http_send_rc(c->r, rc);
        return;
    }
    if (xlsx) {
        /* the workbook was written to the path afresh: send that file */
        close(fd);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            unlink(path);
            http_send_rc(c->r, HL_EIO);
            return;
        }
    }
    char day[11];
    civil_format_date(civil_local_day(x.now, c->app->utc_offset_min), day);
    export_send(c, fd, path,
                xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                     : "text/csv; charset=utf-8",
                arena_printf(c->r->a, "requests-%s.%s", day, xlsx ? "xlsx" : "csv"));
}

static void cases_csv(api_ctx *c) { export_cases(c, false); }
static void cases_xlsx(api_ctx *c) { export_cases(c, true); }

#define APPRAISERS                                                                            \
    (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_DISPATCHER) |            \
     ROLE_BIT(ROLE_HANDLER))

const api_route api_export_routes[] = {
    {"GET", "/api/export/cases.csv", cases_csv, ROLES_STAFF},
    {"GET", "/api/export/cases.xlsx", cases_xlsx, ROLES_STAFF},
    {"GET", "/api/export/appraisal.xlsx", api_export_appraisal, APPRAISERS},
    {NULL, NULL, NULL, 0},
};
