/* conformance.h — the store conformance suite: every function of the store contract, exercised
 * through the contract alone, so that any backend can be held to it. Nothing here (or in any
 * tests/store file) calls an engine or includes a backend's own headers; this header is the one
 * place the suite includes the contract from.
 *
 * Each test program (conformance_<domain>.c) is one cmocka group over one fresh, empty store
 * that cf_group_setup makes and fills with a small catalogue (cf_catalogue) through the
 * contract; tests in a group share it, so each one uses its own codes, names and times and
 * checks counts as differences. Where the store lives comes from HOTLINE_TEST_STORE (see
 * cf_store_fresh in fixture.c, the one place that knows the backends). */
#ifndef HOTLINE_TESTS_STORE_CONFORMANCE_H
#define HOTLINE_TESTS_STORE_CONFORMANCE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* The contract. The split headers (store/engine.h, cases.h, ...) replace this one line. */
#include "store/analytics.h"
#include "store/attachments.h"
#include "store/calls.h"
#include "store/cases.h"
#include "store/catalogue.h"
#include "store/copy.h"
#include "store/engine.h"
#include "store/events.h"
#include "store/import.h"
#include "store/knowledge.h"
#include "store/limits.h"
#include "store/people.h"

#include "core/civil.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdio.h>

#define CF_OFF CIVIL_TZ_SHANGHAI /* the city's UTC offset, minutes */
#define CF_H 3600
#define CF_DAY 86400

/* ---- the store under test -------------------------------------------------------------------- */

typedef struct {
    char where[256];   /* what store_open was given */
    char scratch[192]; /* a directory for files a test makes (backups); removed with the store */
    char pg_db[64];    /* PostgreSQL: the database made for this store, dropped with it */
    store *s;
} cf_store;

/* A fresh, empty store where HOTLINE_TEST_STORE says: unset or empty, an SQLite file in a new
 * temporary directory; a postgresql:// URL, a new database on that server. 0, or HL_EINVAL
 * for a location no backend here serves (after saying so on stderr), or the error of
 * opening it. */
int cf_store_fresh(cf_store *out);
/* Closes the store and removes it with everything in its scratch directory. Accepts an
 * unopened one. */
void cf_store_remove(cf_store *c);
/* Closes and opens the same store again (what survives a restart). */
int cf_store_reopen(cf_store *c);
/* name inside the scratch directory, into out. */
void cf_scratch_path(const cf_store *c, const char *name, char *out, size_t cap);

/* ---- the catalogue every group starts with --------------------------------------------------- */

typedef struct {
    /* units: centre › d1 › s1, s2; centre › d2; centre › dept › sub; centre › util */
    int64_t centre, d1, s1, s2, d2, dept, sub, util;
    /* categories: top (02) › mid (0201) › leaf (020101, report, normal);
     *             top › mid2 (0202) › leaf2 (020201, complaint, urgent) */
    int64_t top, mid, leaf, mid2, leaf2;
    /* routes: leaf in d1 → s1 (district rule); mid citywide → dept; leaf2 citywide → util */
    int64_t route_leaf_d1, route_mid, route_leaf2;
    /* the calendar: 2026-10-01 a holiday, Saturday 2026-10-10 a make-up workday; time
     * limits: dispatch within 2 hours (the default), reply within 3 working days for mid */
    int64_t holiday, makeup, limit_dispatch, limit_reply_mid;
    /* users, all active, password hash "$x$<username>" */
    int64_t calltaker, dispatcher, handler_s1, handler_d1, handler_dept, visitor, supervisor, admin,
        integrator;
    int64_t t0; /* 2026-11-10 (a Tuesday) 09:00 local: cases are registered from here on */
} cf_catalogue;

/* Builds the catalogue in s through the contract (asserts each step). */
void cf_catalogue_build(store *s, cf_catalogue *out);

/* What a group's tests share: the store, its catalogue and an arena freed at teardown. */
typedef struct {
    cf_store st;
    store *s; /* st.s */
    cf_catalogue c;
    arena *a;
} cf_group;

/* cmocka group setup and teardown: a fresh store with the catalogue / its removal. */
int cf_group_setup(void **state);
int cf_group_teardown(void **state);

/* ---- requests -------------------------------------------------------------------------------- */

/* A request of the catalogue's leaf in d1, registered by the call-taker at `at` from the phone
 * number `phone` (NULL: "13800000000") about `text`; asserts it is registered, returns its id
 * and (number non-NULL) its number. */
int64_t cf_register(cf_group *g, int64_t at, const char *phone, const char *text, char *number);
/* store_case_act with ev and no guard; returns its result. */
int cf_act(cf_group *g, int64_t case_id, case_event ev);
/* ... and asserts it succeeds. */
void cf_act_ok(cf_group *g, int64_t case_id, case_event ev);
/* Walks a registered request to `to` (dispatched to unit, signed, replied, visited valid and
 * not solved, closed) starting at `at`, one minute per step. */
void cf_walk(cf_group *g, int64_t case_id, int64_t unit, case_state to, int64_t at);
/* Asserts the case's row equals the fold of its events, and returns the row. */
store_case cf_case(cf_group *g, int64_t case_id);

/* The register event's marks of an import: where it comes from (a source such as "csv", or an
 * Open311 city) and its id there. */
void cf_mark_import(store_case_event *reg, const char *source, const char *import_id);

/* A case_event literal. */
#define CF_EV(act, t, ...) ((case_event){.action = (act), .at = (t), __VA_ARGS__})

#endif
