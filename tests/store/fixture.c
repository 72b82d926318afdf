/* fixture.c — the conformance suite's store (fresh, reopened, removed) and the catalogue every
 * group starts with, built through the contract. */
#include "conformance.h"

#include "../unit/tmp_dir.h"

#include "store/pg/pg_db.h"
#include "store/pg/pg_url.h"
#include "util/log.h"
#include <libpq-fe.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the store under test -------------------------------------------------------------------- */

/* PostgreSQL: the server named by the URL in HOTLINE_TEST_STORE gets a fresh database per
 * store, dropped by cf_store_remove. */
static int pg_admin(const char *sql)
{
    pg_conn *c;
    int rc = pg_connect(getenv("HOTLINE_TEST_STORE"), 10, &c);
    if (!rc) rc = pg_script(c, sql);
    pg_close(c);
    return rc;
}

static int pg_fresh(cf_store *out, const char *base)
{
    static int seq;
    snprintf(out->pg_db, sizeof out->pg_db, "hotline_cf_%ld_%d", (long)getpid(), ++seq);
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", out->pg_db);
    int rc = pg_admin(sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", out->pg_db);
    if (!rc) rc = pg_admin(sql);
    if (rc) return rc;
    /* the server's URL with this database: its host (socket directory), port and user kept */
    PQconninfoOption *opts = PQconninfoParse(base, NULL);
    if (!opts) return HL_EINVAL;
    const char *host = "", *port = "", *user = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val) continue;
        if (!strcmp(o->keyword, "host")) host = o->val;
        if (!strcmp(o->keyword, "port")) port = o->val;
        if (!strcmp(o->keyword, "user")) user = o->val;
    }
    int n = snprintf(out->where, sizeof out->where, "postgresql:///%s?host=%s%s%s&user=%s",
                     out->pg_db, host, *port ? "&port=" : "", port, user);
    PQconninfoFree(opts);
    assert_true(n > 0 && (size_t)n < sizeof out->where);
    return store_open(out->where, &out->s);
}

int cf_store_fresh(cf_store *out)
{
    memset(out, 0, sizeof *out);
    const char *env = getenv("HOTLINE_TEST_STORE");
    tmp_dir_make(out->scratch, sizeof out->scratch, "conformance");
    if (env && *env) {
        if (pg_url_is_pg(env)) return pg_fresh(out, env);
        fprintf(stderr, "HOTLINE_TEST_STORE=%s: no backend of this build serves it\n", env);
        return HL_EINVAL;
    }
    int n = snprintf(out->where, sizeof out->where, "%s/store.db", out->scratch);
    assert_true(n > 0 && (size_t)n < sizeof out->where);
    return store_open(out->where, &out->s);
}

void cf_store_remove(cf_store *c)
{
    store_close(c->s);
    c->s = NULL;
    if (c->scratch[0]) tmp_dir_remove(c->scratch);
    c->scratch[0] = '\0';
    if (c->pg_db[0]) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", c->pg_db);
        err_ignore(pg_admin(sql)); /* a database left behind goes with the throwaway cluster */
        c->pg_db[0] = '\0';
    }
}

int cf_store_reopen(cf_store *c)
{
    store_close(c->s);
    c->s = NULL;
    return store_open(c->where, &c->s);
}

void cf_scratch_path(const cf_store *c, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", c->scratch, name);
    assert_true(n > 0 && (size_t)n < cap);
}

/* ---- the catalogue --------------------------------------------------------------------------- */

static int64_t unit(store *s, const char *code, unit_kind kind, int64_t parent)
{
    store_unit u = {.parent_id = parent,
                    .code = code,
                    .name_zh = code,
                    .name_en = code,
                    .kind = kind,
                    .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(s, &u, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t category(store *s, const char *code, const char *name, int64_t parent, int level,
                        bool leaf, request_type t, urgency u)
{
    store_category c = {.parent_id = parent,
                        .code = code,
                        .name_zh = name,
                        .name_en = code,
                        .level = level,
                        .leaf_fields = leaf,
                        .type = t,
                        .urgency = u,
                        .keywords = "",
                        .active = true};
    int64_t id = 0;
    assert_int_equal(store_category_create(s, &c, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t route(store *s, int64_t category_id, int64_t district, int64_t unit_id)
{
    store_route r = {.category_id = category_id, .district_id = district, .unit_id = unit_id};
    int64_t id = 0;
    assert_int_equal(store_route_put(s, &r, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t user(store *s, const char *username, role r, int64_t unit_id)
{
    char hash[64];
    int n = snprintf(hash, sizeof hash, "$x$%s", username);
    assert_true(n > 0 && (size_t)n < sizeof hash);
    store_user u = {.unit_id = unit_id,
                    .username = username,
                    .display_name = username,
                    .role = r,
                    .active = true,
                    .password_hash = hash,
                    .created_at = 1790000000};
    int64_t id = 0;
    assert_int_equal(store_user_create(s, &u, &id), 0);
    assert_true(id > 0);
    return id;
}

void cf_catalogue_build(store *s, cf_catalogue *c)
{
    memset(c, 0, sizeof *c);
    c->centre = unit(s, "centre", UNIT_CENTRE, 0);
    c->d1 = unit(s, "d1", UNIT_DISTRICT, c->centre);
    c->s1 = unit(s, "s1", UNIT_STREET, c->d1);
    c->s2 = unit(s, "s2", UNIT_STREET, c->d1);
    c->d2 = unit(s, "d2", UNIT_DISTRICT, c->centre);
    c->dept = unit(s, "dept", UNIT_DEPARTMENT, c->centre);
    c->sub = unit(s, "sub", UNIT_DEPARTMENT, c->dept);
    c->util = unit(s, "util", UNIT_UTILITY, c->centre);

    c->top = category(s, "02", "城建", 0, 1, false, 0, 0);
    c->mid = category(s, "0201", "市政", c->top, 2, false, 0, 0);
    c->leaf = category(s, "020101", "路灯", c->mid, 3, true, REQ_REPORT, URGENCY_NORMAL);
    c->mid2 = category(s, "0202", "环卫", c->top, 2, false, 0, 0);
    c->leaf2 = category(s, "020201", "垃圾清运", c->mid2, 3, true, REQ_COMPLAINT, URGENCY_URGENT);

    c->route_leaf_d1 = route(s, c->leaf, c->d1, c->s1);
    c->route_mid = route(s, c->mid, 0, c->dept);
    c->route_leaf2 = route(s, c->leaf2, 0, c->util);

    c->holiday = civil_days_from_ymd(2026, 10, 1);
    c->makeup = civil_days_from_ymd(2026, 10, 10);
    store_calendar_day d = {.day = c->holiday, .workday = false, .name = "国庆节"};
    assert_int_equal(store_calendar_put(s, &d), 0);
    d = (store_calendar_day){.day = c->makeup, .workday = true, .name = "国庆调休"};
    assert_int_equal(store_calendar_put(s, &d), 0);
    store_time_limit tl = {.stage = STAGE_DISPATCH,
                           .urgency = URGENCY_NORMAL,
                           .limit = {.amount = 2, .unit = LIMIT_HOURS}};
    assert_int_equal(store_time_limit_put(s, &tl, &c->limit_dispatch), 0);
    tl = (store_time_limit){.stage = STAGE_REPLY,
                            .urgency = URGENCY_NORMAL,
                            .category_id = c->mid,
                            .limit = {.amount = 3, .unit = LIMIT_WORKING_DAYS}};
    assert_int_equal(store_time_limit_put(s, &tl, &c->limit_reply_mid), 0);

    c->calltaker = user(s, "calltaker", ROLE_CALLTAKER, c->centre);
    c->dispatcher = user(s, "dispatcher", ROLE_DISPATCHER, c->centre);
    c->handler_s1 = user(s, "handler_s1", ROLE_HANDLER, c->s1);
    c->handler_d1 = user(s, "handler_d1", ROLE_HANDLER, c->d1);
    c->handler_dept = user(s, "handler_dept", ROLE_HANDLER, c->dept);
    c->visitor = user(s, "visitor", ROLE_VISITOR, c->centre);
    c->supervisor = user(s, "supervisor", ROLE_SUPERVISOR, c->centre);
    c->admin = user(s, "admin", ROLE_ADMIN, c->centre);
    c->integrator = user(s, "integrator", ROLE_INTEGRATOR, c->centre);

    c->t0 = civil_day_start(civil_days_from_ymd(2026, 11, 10), CF_OFF) + 9 * CF_H;
}

int cf_group_setup(void **state)
{
    cf_group *g = calloc(1, sizeof *g);
    assert_non_null(g);
    log_set_level(LOG_ERROR); /* the migrations' progress is not the suite's output */
    int rc = cf_store_fresh(&g->st);
    if (rc) {
        fprintf(stderr, "conformance: no fresh store: %s\n", hl_strerror(rc));
        cf_store_remove(&g->st);
        free(g);
        return -1;
    }
    g->s = g->st.s;
    g->a = arena_new();
    assert_non_null(g->a);
    cf_catalogue_build(g->s, &g->c);
    *state = g;
    return 0;
}

int cf_group_teardown(void **state)
{
    cf_group *g = *state;
    if (!g) return 0;
    cf_store_remove(&g->st);
    arena_free(g->a);
    free(g);
    return 0;
}

/* ---- requests -------------------------------------------------------------------------------- */

int64_t cf_register(cf_group *g, int64_t at, const char *phone, const char *text, char *number)
{
    store_case k = {.channel = "phone",
                    .type = REQ_REPORT,
                    .category_id = g->c.leaf,
                    .urgency = URGENCY_NORMAL,
                    .caller_name = "张三",
                    .caller_phone = phone ? phone : "13800000000",
                    .district_id = g->c.d1,
                    .street_id = g->c.s1,
                    .address = "人民路 1 号",
                    .title = text,
                    .text = text};
    store_case_event ev = {.ev = {.action = ACT_REGISTER,
                                  .at = at,
                                  .actor_role = ROLE_CALLTAKER,
                                  .actor_unit = g->c.centre,
                                  .due = {[STAGE_DISPATCH] = at + 2 * CF_H}},
                           .actor_id = g->c.calltaker};
    int64_t id = 0;
    char num[STORE_CASE_NUMBER_MAX];
    assert_int_equal(store_case_register(g->s, &k, &ev, CF_OFF, &id, num), 0);
    assert_true(id > 0);
    if (number) memcpy(number, num, sizeof num);
    return id;
}

int cf_act(cf_group *g, int64_t case_id, case_event ev)
{
    store_case_event e = {.ev = ev};
    if (ev.action == ACT_REPLY || ev.action == ACT_ANSWER) e.body = "已处理";
    return store_case_act(g->s, case_id, &e, NULL, NULL);
}

void cf_act_ok(cf_group *g, int64_t case_id, case_event ev)
{
    assert_int_equal(cf_act(g, case_id, ev), 0);
}

void cf_walk(cf_group *g, int64_t id, int64_t unit_id, case_state to, int64_t at)
{
    if (to == CASE_REGISTERED) return;
    cf_act_ok(g, id,
              CF_EV(ACT_DISPATCH, at, .actor_role = ROLE_DISPATCHER, .unit_id = unit_id,
                    .due = {[STAGE_SIGN] = at + CF_H, [STAGE_RETURN] = at + CF_H}));
    if (to == CASE_DISPATCHED) return;
    cf_act_ok(g, id,
              CF_EV(ACT_SIGN, at + 60, .actor_role = ROLE_HANDLER, .actor_unit = unit_id,
                    .due = {[STAGE_REPLY] = at + 24 * CF_H}));
    if (to == CASE_SIGNED) return;
    cf_act_ok(g, id,
              CF_EV(ACT_REPLY, at + 120, .actor_role = ROLE_HANDLER, .actor_unit = unit_id,
                    .due = {[STAGE_VISIT] = at + 48 * CF_H}));
    if (to == CASE_REPLIED) return;
    cf_act_ok(g, id,
              CF_EV(ACT_VISIT, at + 180, .actor_role = ROLE_VISITOR, .reachable = true,
                    .solved = false, .satisfaction = SATISFACTION_UNSATISFIED));
    if (to == CASE_VISITED) return;
    cf_act_ok(g, id, CF_EV(ACT_CLOSE, at + 240, .actor_role = ROLE_DISPATCHER));
    assert_int_equal(to, CASE_CLOSED);
}

store_case cf_case(cf_group *g, int64_t case_id)
{
    bool same = false;
    assert_int_equal(store_case_verify(g->s, case_id, &same), 0);
    assert_true(same);
    store_case k;
    assert_int_equal(store_case_get(g->s, g->a, case_id, &k), 0);
    assert_int_equal(k.id, case_id);
    return k;
}

void cf_mark_import(store_case_event *reg, const char *source, const char *import_id)
{
    reg->import_source = source;
    reg->import_id = import_id;
}

