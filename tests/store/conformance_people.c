/* conformance_people.c — users, sessions, API tokens and the audit log. */
#include "conformance.h"

#include <string.h>

#define NOW 1800000000

static int64_t user_new(cf_group *g, const char *username, role r, int64_t unit, int *rc)
{
    store_user u = {.unit_id = unit,
                    .username = username,
                    .display_name = "李 四",
                    .role = r,
                    .active = true,
                    .password_hash = "$x$secret"};
    int64_t id = 0;
    *rc = store_user_create(g->s, &u, &id);
    return id;
}

static int64_t user_ok(cf_group *g, const char *username, role r, int64_t unit)
{
    int rc = 0;
    int64_t id = user_new(g, username, r, unit, &rc);
    assert_int_equal(rc, 0);
    assert_true(id > 0);
    return id;
}

static size_t users_n(cf_group *g, int64_t unit)
{
    store_user *items;
    size_t n = 0;
    assert_int_equal(store_users_list(g->s, g->a, unit, &items, &n), 0);
    return n;
}

static bool listed(store_user *items, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id) return true;
    return false;
}

/* The one place the suite opens a session: made two hours before NOW, when none of the
 * sessions the tests make has expired yet (making one purges those expired by then). */
static int session_new(cf_group *g, const char *hash, int64_t user, int64_t expires)
{
    return store_session_create(g->s, hash, user, NOW - 7200, expires);
}

/* ---- users ----------------------------------------------------------------------------------- */

static void test_users_create_read_list(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    size_t all0 = users_n(g, 0);
    int64_t id = user_ok(g, "people-s2", ROLE_HANDLER, c->s2);
    store_user got;
    assert_int_equal(store_user_get(g->s, g->a, id, &got), 0);
    assert_int_equal(got.id, id);
    assert_int_equal(got.unit_id, c->s2);
    assert_string_equal(got.username, "people-s2");
    assert_string_equal(got.display_name, "李 四");
    assert_int_equal(got.role, ROLE_HANDLER);
    assert_true(got.active);
    assert_true(got.created_at > 0);
    /* the password hash is read by username alone */
    assert_true(got.password_hash == NULL || got.password_hash[0] == '\0');
    assert_int_equal(store_user_by_username(g->s, g->a, "people-s2", &got), 0);
    assert_int_equal(got.id, id);
    assert_string_equal(got.password_hash, "$x$secret");
    assert_int_equal(store_user_get(g->s, g->a, id + 10000, &got), HL_ENOTFOUND);
    assert_int_equal(store_user_by_username(g->s, g->a, "nobody", &got), HL_ENOTFOUND);

    store_user *items;
    size_t n = 0;
    assert_int_equal(store_users_list(g->s, g->a, 0, &items, &n), 0);
    assert_int_equal(n, all0 + 1);
    assert_true(listed(items, n, id) && listed(items, n, c->admin));
    /* a unit's subtree: d1 has handler_d1, and s1 and s2 below it theirs */
    assert_int_equal(store_users_list(g->s, g->a, c->d1, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_true(listed(items, n, c->handler_d1) && listed(items, n, c->handler_s1) &&
                listed(items, n, id));
    assert_int_equal(store_users_list(g->s, g->a, c->s1, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, c->handler_s1);
}

static void test_users_refusals_write_nothing(void **state)
{
    cf_group *g = *state;
    size_t n0 = users_n(g, 0);
    int rc = 0;
    user_new(g, "admin", ROLE_ADMIN, g->c.centre, &rc);
    assert_int_equal(rc, HL_ECONFLICT);
    user_new(g, "unitless", ROLE_HANDLER, g->c.centre + 10000, &rc);
    assert_int_equal(rc, HL_EREF);
    store_unit off = {.parent_id = g->c.centre,
                      .code = "people-off",
                      .name_zh = "停用",
                      .name_en = "Off",
                      .kind = UNIT_DEPARTMENT,
                      .active = false};
    int64_t off_id = 0;
    assert_int_equal(store_unit_create(g->s, &off, &off_id), 0);
    user_new(g, "in-inactive", ROLE_HANDLER, off_id, &rc);
    assert_int_equal(rc, HL_EREF);
    assert_int_equal(users_n(g, 0), n0);
    /* an update to a missing unit changes nothing */
    int64_t id = user_ok(g, "people-stay", ROLE_HANDLER, g->c.s1);
    store_user up = {.unit_id = g->c.centre + 10000, .display_name = "变", .active = true};
    assert_int_equal(store_user_update(g->s, id, &up, false), HL_EREF);
    store_user got;
    assert_int_equal(store_user_get(g->s, g->a, id, &got), 0);
    assert_int_equal(got.unit_id, g->c.s1);
    assert_string_equal(got.display_name, "李 四");
}

static void test_user_update(void **state)
{
    cf_group *g = *state;
    int64_t id = user_ok(g, "people-upd", ROLE_HANDLER, g->c.s1);
    store_user up = {.display_name = "王 五", .role = ROLE_VISITOR, .active = true};
    assert_int_equal(store_user_update(g->s, id, &up, false), 0); /* role kept */
    store_user got;
    assert_int_equal(store_user_by_username(g->s, g->a, "people-upd", &got), 0);
    assert_string_equal(got.display_name, "王 五");
    assert_int_equal(got.role, ROLE_HANDLER);
    assert_int_equal(got.unit_id, g->c.s1);
    assert_string_equal(got.password_hash, "$x$secret");
    up = (store_user){
        .role = ROLE_VISITOR, .unit_id = g->c.centre, .password_hash = "$x$new", .active = true};
    assert_int_equal(store_user_update(g->s, id, &up, true), 0);
    assert_int_equal(store_user_by_username(g->s, g->a, "people-upd", &got), 0);
    assert_string_equal(got.display_name, "王 五");
    assert_int_equal(got.role, ROLE_VISITOR);
    assert_int_equal(got.unit_id, g->c.centre);
    assert_string_equal(got.password_hash, "$x$new");
}

static void test_the_last_admin_stays(void **state)
{
    cf_group *g = *state;
    store_user got;
    /* the fixture's admin is the only one: neither demoted nor deactivated */
    store_user demote = {.role = ROLE_SUPERVISOR, .active = true};
    assert_int_equal(store_user_update(g->s, g->c.admin, &demote, true), HL_ESTATE);
    store_user off = {.active = false};
    assert_int_equal(store_user_update(g->s, g->c.admin, &off, false), HL_ESTATE);
    assert_int_equal(store_user_get(g->s, g->a, g->c.admin, &got), 0);
    assert_int_equal(got.role, ROLE_ADMIN);
    assert_true(got.active);
    /* with a second one, either may go, but not both */
    int64_t second = user_ok(g, "people-admin2", ROLE_ADMIN, g->c.centre);
    assert_int_equal(store_user_update(g->s, second, &demote, true), 0);
    store_user back = {.role = ROLE_ADMIN, .active = true};
    assert_int_equal(store_user_update(g->s, second, &back, true), 0);
    assert_int_equal(store_user_update(g->s, g->c.admin, &off, false), 0);
    assert_int_equal(store_user_update(g->s, second, &off, false), HL_ESTATE);
    store_user on = {.active = true};
    assert_int_equal(store_user_update(g->s, g->c.admin, &on, false), 0);
    assert_int_equal(store_user_update(g->s, second, &off, false), 0);
    assert_int_equal(store_user_get(g->s, g->a, g->c.admin, &got), 0);
    assert_true(got.active && got.role == ROLE_ADMIN);
}

/* ---- sessions -------------------------------------------------------------------------------- */

static void test_sessions(void **state)
{
    cf_group *g = *state;
    int64_t id = user_ok(g, "people-sess", ROLE_DISPATCHER, g->c.centre);
    assert_int_equal(session_new(g, "aa01", id, NOW + 3600), 0);
    store_session got;
    assert_int_equal(store_session_lookup(g->s, g->a, "aa01", NOW, &got), 0);
    assert_int_equal(got.user.id, id);
    assert_string_equal(got.user.username, "people-sess");
    assert_int_equal(got.user.role, ROLE_DISPATCHER);
    assert_int_equal(got.expires_at, NOW + 3600);
    /* expired, unknown */
    assert_int_equal(store_session_lookup(g->s, g->a, "aa01", NOW + 3601, &got), HL_ENOTFOUND);
    assert_int_equal(store_session_lookup(g->s, g->a, "ffff", NOW, &got), HL_ENOTFOUND);
    /* deleted */
    assert_int_equal(store_session_delete(g->s, "aa01"), 0);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa01", NOW, &got), HL_ENOTFOUND);

    /* purge: only the expired ones */
    assert_int_equal(session_new(g, "aa02", id, NOW - 10), 0);
    assert_int_equal(session_new(g, "aa03", id, NOW - 5), 0);
    assert_int_equal(session_new(g, "aa04", id, NOW + 100), 0);
    int64_t removed = -1;
    assert_int_equal(store_sessions_purge(g->s, NOW, &removed), 0);
    assert_int_equal(removed, 2);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa04", NOW, &got), 0);
    assert_int_equal(store_sessions_purge(g->s, NOW, &removed), 0);
    assert_int_equal(removed, 0);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa02", NOW - 20, &got), HL_ENOTFOUND);

    /* making a session removes those expired by then, in the same write */
    assert_int_equal(session_new(g, "aa05", id, NOW - 1), 0);
    assert_int_equal(store_session_create(g->s, "aa06", id, NOW, NOW + 100), 0);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa05", NOW - 2, &got), HL_ENOTFOUND);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa06", NOW, &got), 0);
    assert_int_equal(store_session_lookup(g->s, g->a, "aa04", NOW, &got), 0);
}

static void test_deactivating_ends_sessions_and_tokens(void **state)
{
    cf_group *g = *state;
    int64_t id = user_ok(g, "people-leaver", ROLE_CALLTAKER, g->c.centre);
    int64_t other = user_ok(g, "people-stayer", ROLE_CALLTAKER, g->c.centre);
    assert_int_equal(session_new(g, "bb01", id, NOW + 3600), 0);
    assert_int_equal(session_new(g, "bb02", other, NOW + 3600), 0);
    int64_t tok = 0, tok2 = 0;
    assert_int_equal(store_token_create(g->s, id, "leaver", "cc01", "hl_cc01", &tok), 0);
    assert_int_equal(store_token_create(g->s, other, "stayer", "cc02", "hl_cc02", &tok2), 0);
    store_user u;
    assert_int_equal(store_token_lookup(g->s, g->a, "cc01", NOW, &u), 0);

    store_user up = {.active = false};
    assert_int_equal(store_user_update(g->s, id, &up, false), 0);
    store_session sess;
    assert_int_equal(store_session_lookup(g->s, g->a, "bb01", NOW, &sess), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(g->s, g->a, "cc01", NOW, &u), HL_ENOTFOUND);
    store_token *items;
    size_t n = 0;
    assert_int_equal(store_tokens_list(g->s, g->a, &items, &n), 0);
    bool revoked = false;
    for (size_t i = 0; i < n; i++)
        if (items[i].id == tok) revoked = items[i].revoked_at > 0;
    assert_true(revoked);
    /* even when reactivated: the sessions are gone and the token stays revoked */
    up.active = true;
    assert_int_equal(store_user_update(g->s, id, &up, false), 0);
    assert_int_equal(store_session_lookup(g->s, g->a, "bb01", NOW, &sess), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(g->s, g->a, "cc01", NOW, &u), HL_ENOTFOUND);
    /* another user's are untouched */
    assert_int_equal(store_session_lookup(g->s, g->a, "bb02", NOW, &sess), 0);
    assert_int_equal(store_token_lookup(g->s, g->a, "cc02", NOW, &u), 0);
    assert_int_equal(u.id, other);
}

/* ---- tokens ---------------------------------------------------------------------------------- */

static store_token token_of(cf_group *g, int64_t id)
{
    store_token *items;
    size_t n = 0;
    assert_int_equal(store_tokens_list(g->s, g->a, &items, &n), 0);
    for (size_t i = 0; i < n; i++)
        if (items[i].id == id) return items[i];
    fail_msg("token %lld not listed", (long long)id);
    return (store_token){0};
}

static void test_tokens(void **state)
{
    cf_group *g = *state;
    int64_t tok = 0;
    assert_int_equal(store_token_create(g->s, g->c.integrator, "switch", "dd01", "hl_dd01", &tok),
                     0);
    assert_true(tok > 0);
    store_token t = token_of(g, tok);
    assert_int_equal(t.user_id, g->c.integrator);
    assert_string_equal(t.name, "switch");
    assert_string_equal(t.prefix, "hl_dd01");
    assert_string_equal(t.username, "integrator");
    assert_true(t.created_at > 0);
    assert_int_equal(t.revoked_at, 0);
    assert_int_equal(t.last_used_at, 0);

    store_user u;
    assert_int_equal(store_token_lookup(g->s, g->a, "dd01", NOW, &u), 0);
    assert_int_equal(u.id, g->c.integrator);
    assert_int_equal(u.role, ROLE_INTEGRATOR);
    t = token_of(g, tok);
    assert_true(t.last_used_at > NOW - 60 && t.last_used_at <= NOW);
    int64_t noted = t.last_used_at;
    /* within the minute it is not noted again; a minute later it is */
    assert_int_equal(store_token_lookup(g->s, g->a, "dd01", NOW + 30, &u), 0);
    assert_int_equal(token_of(g, tok).last_used_at, noted);
    assert_int_equal(store_token_lookup(g->s, g->a, "dd01", NOW + 120, &u), 0);
    t = token_of(g, tok);
    assert_true(t.last_used_at > NOW + 60 && t.last_used_at <= NOW + 120);

    assert_int_equal(store_token_lookup(g->s, g->a, "dd99", NOW, &u), HL_ENOTFOUND);
    assert_int_equal(store_token_revoke(g->s, tok), 0);
    assert_int_equal(store_token_lookup(g->s, g->a, "dd01", NOW, &u), HL_ENOTFOUND);
    assert_true(token_of(g, tok).revoked_at > 0);
}

/* ---- audit log ------------------------------------------------------------------------------- */

static void audit(cf_group *g, int64_t at, const char *actor, const char *action, int64_t case_id)
{
    store_audit e = {.id = 999999,
                     .at = at,
                     .actor_id = 0,
                     .actor = actor,
                     .role = "admin",
                     .unit_id = g->c.centre,
                     .action = action,
                     .object = "case",
                     .object_id = "x",
                     .case_id = case_id,
                     .detail = "为何",
                     .client = "10.0.0.1"};
    assert_int_equal(store_audit_add(g->s, &e), 0);
}

static void test_audit_log(void **state)
{
    cf_group *g = *state;
    char number[STORE_CASE_NUMBER_MAX];
    int64_t k = cf_register(g, g->c.t0, NULL, "审计", number);
    int64_t t = NOW + 100000;
    audit(g, t + 1, "alice", "case.reveal", k);
    audit(g, t + 2, "bob", "units.update", 0);
    audit(g, t + 3, "alice", "units.update", 0);
    audit(g, t + 4, "alice", "case.reveal", 0);
    audit(g, t + 5, "carol", "auth.login_failed", 0);

    store_audit *items;
    size_t n = 0;
    int64_t total = 0;
    store_audit_query q = {.from = t, .to = t + 10, .limit = 2};
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 5);
    assert_int_equal(n, 2); /* newest first, one page */
    assert_int_equal(items[0].at, t + 5);
    assert_string_equal(items[0].actor, "carol");
    assert_int_equal(items[1].at, t + 4);
    q.offset = 4;
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 5);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].at, t + 1);
    assert_int_equal(items[0].case_id, k);
    assert_string_equal(items[0].case_number, number);
    assert_string_equal(items[0].action, "case.reveal");
    assert_string_equal(items[0].role, "admin");
    assert_string_equal(items[0].object, "case");
    assert_string_equal(items[0].detail, "为何");
    assert_string_equal(items[0].client, "10.0.0.1");
    assert_int_equal(items[0].unit_id, g->c.centre);
    assert_true(items[0].id != 999999); /* in->id is ignored */

    q = (store_audit_query){.actor = "alice", .from = t, .limit = 50};
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 3);
    q = (store_audit_query){.actor = "alice", .action = "case.reveal", .from = t, .limit = 50};
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(items[0].at, t + 4);
    q = (store_audit_query){.case_id = k, .limit = 50};
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(items[0].at, t + 1);
    q = (store_audit_query){.from = t + 2, .to = t + 3, .limit = 50}; /* both ends inclusive */
    assert_int_equal(store_audit_list(g->s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].actor, "alice");
    assert_string_equal(items[1].actor, "bob");
    assert_string_equal(items[1].case_number, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_users_create_read_list),
        cmocka_unit_test(test_users_refusals_write_nothing),
        cmocka_unit_test(test_user_update),
        cmocka_unit_test(test_the_last_admin_stays),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_deactivating_ends_sessions_and_tokens),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_audit_log),
    };
    return cmocka_run_group_tests_name("conformance_people", tests, cf_group_setup,
                                       cf_group_teardown);
}
