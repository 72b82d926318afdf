/* test_writer_faults.c — the writer when the storage fails (issue 8): a job after which SQLite
 * has rolled back the whole transaction (as it does on a full disk or an I/O error inside a
 * statement) fails its whole batch — the jobs before it must not be acknowledged, and the jobs
 * after it must not commit on their own — and the writer goes on with the next batch. A gate
 * job holds the writer while the batch is queued, in a known order.
 *
 * Statements the store runs itself (the writer's foreign-keys switch, a read's COMMIT) are made
 * to fail with an authorizer (sqlite3_set_authorizer) that refuses them while armed: the failure
 * must reach the caller. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmp_dir.h"

#include "store/people.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char dir[64], path[128];
    store *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "writer");
    snprintf(f->path, sizeof f->path, "%s/w.db", f->dir);
    log_set_level(LOG_ERROR);
    assert_int_equal(store_open(f->path, &f->s), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

static int queued(store *s)
{
    pthread_mutex_lock(&s->mu);
    int n = 0;
    for (struct store_job *j = s->head; j; j = j->next)
        n++;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ---- jobs ---- */

struct gate {
    store *s;
    int wait_for; /* queued jobs to wait for before letting the writer go on */
    volatile bool entered;
};

static int gate_fn(sqlite3 *db, void *arg)
{
    (void)db;
    struct gate *g = arg;
    g->entered = true;
    for (int spins = 0; queued(g->s) < g->wait_for && spins < 20000; spins++)
        usleep(100);
    return 0;
}

struct put {
    const char *date;
    bool abort_txn; /* after inserting: roll the whole transaction back, as SQLite does on a
                       full disk, and fail */
};

static int put_fn(sqlite3 *db, void *arg)
{
    struct put *p = arg;
    int rc = db_exec(db, NULL, "INSERT INTO calendar_days(date, kind, name) VALUES(?,'off','t')",
                     "t", p->date);
    if (rc) return rc;
    if (p->abort_txn) {
        rc = db_script(db, "ROLLBACK"); /* on the writer's thread: no assert here */
        return rc ? rc : HL_EFULL;
    }
    return 0;
}

struct call {
    store *s;
    store_fn fn;
    void *arg;
    int rc;
    pthread_t th;
};

static void *call_thread(void *arg)
{
    struct call *c = arg;
    c->rc = store_write(c->s, c->fn, c->arg);
    return NULL;
}

static void start(struct call *c, store *s, store_fn fn, void *arg, int queue_after)
{
    *c = (struct call){.s = s, .fn = fn, .arg = arg};
    assert_int_equal(pthread_create(&c->th, NULL, call_thread, c), 0);
    /* queued in this order (the last one may already be taken by the writer) */
    for (int spins = 0; queued(s) < queue_after && spins < 20000; spins++)
        usleep(100);
}

static int count_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg, "SELECT count(*) FROM calendar_days WHERE name='t'", NULL);
}

static int64_t count(store *s)
{
    int64_t n = -1;
    assert_int_equal(store_read(s, count_fn, &n), 0);
    return n;
}

/* ---- tests ---- */

static void test_rolled_back_transaction_fails_the_whole_batch(void **state)
{
    fx *f = *state;
    struct gate g = {.s = f->s, .wait_for = 3};
    struct call gc, a, b, c;
    struct put pa = {"2099-01-01", false}, pb = {"2099-01-02", true}, pc = {"2099-01-03", false};
    start(&gc, f->s, gate_fn, &g, 0);
    for (int spins = 0; !g.entered && spins < 20000; spins++)
        usleep(100);
    assert_true(g.entered);
    start(&a, f->s, put_fn, &pa, 1);
    start(&b, f->s, put_fn, &pb, 2);
    start(&c, f->s, put_fn, &pc, 3);
    pthread_join(gc.th, NULL);
    pthread_join(a.th, NULL);
    pthread_join(b.th, NULL);
    pthread_join(c.th, NULL);
    assert_int_equal(gc.rc, 0);
    /* nothing of the batch is on disk, and nobody is told otherwise */
    assert_int_equal(b.rc, HL_EFULL);
    assert_int_equal(a.rc, HL_EFULL);
    assert_int_equal(c.rc, HL_EFULL);
    assert_int_equal(count(f->s), 0);
    /* the writer goes on: the next write commits */
    struct put pd = {"2099-01-04", false};
    assert_int_equal(store_write(f->s, put_fn, &pd), 0);
    assert_int_equal(count(f->s), 1);
    store_stats st;
    assert_int_equal(store_get_stats(f->s, &st), 0);
    assert_true(st.failed_commits >= 1);
}

static void test_failed_job_alone_leaves_the_others(void **state)
{
    /* the ordinary case still holds: a job that fails without ending the transaction is
     * rolled back to its savepoint and the rest of the batch commits */
    fx *f = *state;
    struct gate g = {.s = f->s, .wait_for = 3};
    struct call gc, a, b, c;
    struct put pa = {"2099-02-01", false}, pb = {"2099-02-01", false}, pc = {"2099-02-03", false};
    start(&gc, f->s, gate_fn, &g, 0);
    for (int spins = 0; !g.entered && spins < 20000; spins++)
        usleep(100);
    start(&a, f->s, put_fn, &pa, 1);
    start(&b, f->s, put_fn, &pb, 2); /* the same date: HL_ECONFLICT */
    start(&c, f->s, put_fn, &pc, 3);
    pthread_join(gc.th, NULL);
    pthread_join(a.th, NULL);
    pthread_join(b.th, NULL);
    pthread_join(c.th, NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, HL_ECONFLICT);
    assert_int_equal(c.rc, 0);
    assert_int_equal(count(f->s), 2);
}

struct bulk {
    store *s;
    int64_t committed_before, fk;
    bool fail;
};

/* A bulk job: what it sees committed by others, whether foreign keys are enforced. */
static int bulk_fn(sqlite3 *db, void *arg)
{
    struct bulk *b = arg;
    b->committed_before = count(b->s);
    int rc = db_int1(db, &b->fk, "PRAGMA foreign_keys", NULL);
    if (!rc) rc = put_fn(db, &(struct put){b->fail ? "2099-04-02" : "2099-03-02", false});
    return rc ? rc : b->fail ? HL_EINVAL : 0;
}

struct bulk_call {
    struct call c;
    struct bulk *b;
};

static void *bulk_thread(void *arg)
{
    struct bulk_call *c = arg;
    c->c.rc = store_write_bulk(c->c.s, bulk_fn, c->b);
    return NULL;
}

static int fk_fn(sqlite3 *db, void *arg) { return db_int1(db, arg, "PRAGMA foreign_keys", NULL); }

static void test_bulk_job_is_its_own_transaction(void **state)
{
    /* queued between two ordinary jobs, a bulk job is committed apart from them (it sees the
     * one before committed), runs without foreign keys, and leaves them enforced after it;
     * when it fails, only its own writes are undone */
    fx *f = *state;
    for (int fail = 0; fail < 2; fail++) {
        struct gate g = {.s = f->s, .wait_for = 3};
        struct call gc, a, c;
        struct bulk b = {.s = f->s, .fail = fail};
        struct bulk_call bc = {.c = {.s = f->s}, .b = &b};
        struct put pa = {fail ? "2099-04-01" : "2099-03-01", false};
        struct put pc = {fail ? "2099-04-03" : "2099-03-03", false};
        start(&gc, f->s, gate_fn, &g, 0);
        for (int spins = 0; !g.entered && spins < 20000; spins++)
            usleep(100);
        start(&a, f->s, put_fn, &pa, 1);
        assert_int_equal(pthread_create(&bc.c.th, NULL, bulk_thread, &bc), 0);
        for (int spins = 0; queued(f->s) < 2 && spins < 20000; spins++)
            usleep(100);
        start(&c, f->s, put_fn, &pc, 3);
        pthread_join(gc.th, NULL);
        pthread_join(a.th, NULL);
        pthread_join(bc.c.th, NULL);
        pthread_join(c.th, NULL);
        assert_int_equal(a.rc, 0);
        assert_int_equal(c.rc, 0);
        assert_int_equal(bc.c.rc, fail ? HL_EINVAL : 0);
        assert_int_equal(b.committed_before, fail ? 4 : 1); /* a was committed before it */
        assert_int_equal(b.fk, 0);
        assert_int_equal(count(f->s), fail ? 5 : 3);
        int64_t fk = 0;
        assert_int_equal(store_write(f->s, fk_fn, &fk), 0);
        assert_int_equal(fk, 1);
    }
}

/* ---- statements the store runs itself, refused ---- */

static atomic_bool deny_fk_switch; /* refuse "PRAGMA foreign_keys=..." (reading it is allowed) */
static atomic_int deny_commits;    /* refuse this many more COMMITs */

static int deny_authorizer(void *ud, int action, const char *a1, const char *a2, const char *db,
                           const char *trigger)
{
    (void)ud, (void)db, (void)trigger;
    if (action == SQLITE_PRAGMA && a1 && strcmp(a1, "foreign_keys") == 0 && a2 &&
        atomic_load(&deny_fk_switch))
        return SQLITE_DENY;
    if (action == SQLITE_TRANSACTION && a1 && strcmp(a1, "COMMIT") == 0 &&
        atomic_load(&deny_commits) > 0) {
        atomic_fetch_sub(&deny_commits, 1);
        return SQLITE_DENY;
    }
    return SQLITE_OK;
}

static int install_fn(sqlite3 *db, void *arg)
{
    (void)arg;
    return db_err(sqlite3_set_authorizer(db, deny_authorizer, NULL));
}

struct bulk_ran {
    bool ran;
    int64_t fk;
};

static int bulk_ran_fn(sqlite3 *db, void *arg)
{
    struct bulk_ran *b = arg;
    b->ran = true;
    return db_int1(db, &b->fk, "PRAGMA foreign_keys", NULL);
}

static int orphans_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg, "SELECT count(*) FROM sessions WHERE user_id=9999", NULL);
}

static void test_foreign_keys_switch_failure_fails_the_batch(void **state)
{
    fx *f = *state;
    atomic_store(&deny_fk_switch, false);
    assert_int_equal(store_write(f->s, install_fn, NULL), 0);

    /* to a bulk job: it does not run with checks it was not written for */
    atomic_store(&deny_fk_switch, true);
    struct bulk_ran b = {0};
    assert_int_equal(store_write_bulk(f->s, bulk_ran_fn, &b), HL_EIO);
    assert_false(b.ran);
    atomic_store(&deny_fk_switch, false);
    assert_int_equal(store_write_bulk(f->s, bulk_ran_fn, &b), 0);
    assert_true(b.ran);
    assert_int_equal(b.fk, 0);

    /* back from a bulk job: no ordinary job runs unchecked (a session of no user) */
    atomic_store(&deny_fk_switch, true);
    assert_int_equal(store_session_create(f->s, "orphan", 9999, 1, 2), HL_EIO);
    int64_t orphans = -1;
    assert_int_equal(store_read(f->s, orphans_fn, &orphans), 0);
    assert_int_equal(orphans, 0);
    atomic_store(&deny_fk_switch, false);
    assert_int_equal(store_session_create(f->s, "orphan", 9999, 1, 2), HL_EREF);
    int64_t fk = 0;
    assert_int_equal(store_write(f->s, fk_fn, &fk), 0);
    assert_int_equal(fk, 1);
}

/* A read arms the refusal of its own COMMIT. */
static int read_refusing_commit_fn(sqlite3 *db, void *arg)
{
    int rc = install_fn(db, NULL);
    if (!rc) rc = count_fn(db, arg);
    atomic_store(&deny_commits, 1);
    return rc;
}

static void test_read_commit_failure_reaches_the_caller(void **state)
{
    fx *f = *state;
    int64_t n = -1;
    assert_int_equal(store_read(f->s, read_refusing_commit_fn, &n), HL_EIO);
    assert_int_equal(atomic_load(&deny_commits), 0); /* the COMMIT was tried and refused */
    assert_int_equal(n, 0);
    /* that reader is not left inside its read: every reader starts a new one and sees a
     * write committed since (readers are taken last-freed first: the next is that one) */
    struct put p = {"2099-05-01", false};
    assert_int_equal(store_write(f->s, put_fn, &p), 0);
    for (int i = 0; i < STORE_READERS + 1; i++)
        assert_int_equal(count(f->s), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rolled_back_transaction_fails_the_whole_batch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_job_alone_leaves_the_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_job_is_its_own_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_keys_switch_failure_fails_the_batch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read_commit_failure_reaches_the_caller, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
