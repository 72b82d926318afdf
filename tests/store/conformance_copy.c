/* conformance_copy.c — the store as a row stream (store/copy.h): a store read and loaded into a
 * new one holds the same rows, byte for byte (a model's bytes and awkward text included), with
 * its search rebuilt; a load is all or nothing, and only an empty store takes one. */
#include "conformance.h"

#include <stdlib.h>
#include <string.h>

typedef struct digest {
    char *p;
    size_t n;
} digest;

/* Every row of the stream as bytes: table, then each value's length and bytes (or a NULL
 * mark), so two stores' streams can be compared whole. */
static int digest_row(void *ctx, int table, const store_copy_value *vals)
{
    struct digest *d = ctx;
    const store_copy_table *t = &store_copy_tables[table];
    size_t need = 64;
    for (int c = 0; vals && c < t->ncols; c++) need += 24 + vals[c].n;
    d->p = realloc(d->p, d->n + need);
    assert_non_null(d->p);
    d->n += (size_t)snprintf(d->p + d->n, 64, "%s%s\n", t->name, vals ? "" : " end");
    for (int c = 0; vals && c < t->ncols; c++) {
        if (!vals[c].p) {
            d->n += (size_t)snprintf(d->p + d->n, 24, "N|");
            continue;
        }
        d->n += (size_t)snprintf(d->p + d->n, 24, "%zu:", vals[c].n);
        memcpy(d->p + d->n, vals[c].p, vals[c].n);
        d->n += vals[c].n;
    }
    return 0;
}


static digest stream_of(store *s)
{
    digest d = {0};
    assert_int_equal(store_copy_read(s, digest_row, &d), 0);
    return d;
}

/* Loads each row in a call of its own, so a table comes in many calls. */
static int load_row(void *ctx, int table, const store_copy_value *vals)
{
    return store_copy_load_rows(ctx, table, vals, vals ? 1 : 0);
}

static void copy_into(store *from, store *to)
{
    store_copy_load *l = NULL;
    assert_int_equal(store_copy_load_open(to, &l), 0);
    assert_int_equal(store_copy_read(from, load_row, l), 0);
    assert_int_equal(store_copy_load_finish(l), 0);
    store_copy_load_close(l);
}

static const unsigned char model_bytes[] = {0, '\t', '\n', '\\', 'N', 0xff, '\r', 0x80, 0};

static void fill(cf_group *g)
{
    int64_t t = g->c.t0 + 40 * CF_DAY;
    int64_t a = cf_register(g, t, NULL, "路灯不亮\t制表\n换行\\反斜杠", NULL);
    cf_walk(g, a, g->c.s1, CASE_CLOSED, t + 60);
    cf_register(g, t + 3600, "13900000001", "停水 三天", NULL);
    store_model m = {.name = "category", .trained_at = t, .samples = 2, .classes = 1,
                     .cv_top1 = 0.1, .cv_top3 = 1.0 / 3, .data = model_bytes,
                     .len = sizeof model_bytes};
    int64_t version = 0;
    assert_int_equal(store_models_put(g->s, &m, 1, &version), 0);
    store_kb_article k = {.title = "停水通知", .body = "供水 维修 期间", .unit_id = g->c.util,
                          .created_at = t, .updated_at = t};
    int64_t id = 0;
    assert_int_equal(store_kb_article_create(g->s, &k, &id), 0);
}

static void test_copy_holds_the_same_rows(void **state)
{
    cf_group *g = *state;
    fill(g);
    cf_store to = {0};
    assert_int_equal(cf_store_fresh(&to), 0);
    copy_into(g->s, to.s);

    digest a = stream_of(g->s), b = stream_of(to.s);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
    free(a.p);
    free(b.p);

    /* the blob byte for byte, and the double as it was */
    store_model m;
    unsigned char *data = NULL;
    assert_int_equal(store_model_get(to.s, "category", &m, &data), 0);
    assert_int_equal(m.len, sizeof model_bytes);
    assert_memory_equal(m.data, model_bytes, sizeof model_bytes);
    assert_true(m.cv_top3 == 1.0 / 3);
    free(data);

    /* the derived search rebuilt on the target */
    store_kb_query q = {.text = "停水", .limit = 10};
    store_kb_article *items;
    size_t n = 0;
    int64_t total = 0;
    assert_int_equal(store_kb_search(to.s, g->a, &q, &items, &n, &total), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].title, "停水通知");
    store_case_query cq = {.text = "停水", .urgency = -1, .limit = 10};
    store_case *found;
    assert_int_equal(store_cases_search(to.s, g->a, &cq, &found, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_string_equal(found[0].text, "停水 三天");

    bool ok = false;
    int64_t cases = 0, differ = -1;
    assert_int_equal(store_check(to.s, &ok, &cases, &differ), 0);
    assert_true(ok);
    assert_int_equal(differ, 0);
    assert_true(cases >= 2);

    /* a store that holds data takes no load */
    store_copy_load *l = NULL;
    assert_int_equal(store_copy_load_open(to.s, &l), HL_ECONFLICT);
    assert_null(l);
    cf_store_remove(&to);
}

static int load_units_only(void *ctx, int table, const store_copy_value *vals)
{
    if (table > 0) return HL_ECONFLICT; /* stops the reading after the units */
    return store_copy_load_rows(ctx, table, vals, vals ? 1 : 0);
}

static void test_unfinished_load_leaves_nothing(void **state)
{
    cf_group *g = *state;
    cf_store to = {0};
    assert_int_equal(cf_store_fresh(&to), 0);
    digest empty = stream_of(to.s);

    store_copy_load *l = NULL;
    assert_int_equal(store_copy_load_open(to.s, &l), 0);
    assert_int_equal(store_copy_read(g->s, load_units_only, l), HL_ECONFLICT);
    store_copy_load_close(l); /* never finished */

    digest after = stream_of(to.s);
    assert_int_equal(after.n, empty.n);
    assert_memory_equal(after.p, empty.p, empty.n);
    free(empty.p);
    free(after.p);
    /* still empty, so it takes a whole copy */
    copy_into(g->s, to.s);
    cf_store_remove(&to);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_holds_the_same_rows),
        cmocka_unit_test(test_unfinished_load_leaves_nothing),
    };
    store_copy_load_close(NULL); /* accepts NULL */
    return cmocka_run_group_tests_name("conformance_copy", tests, cf_group_setup,
                                       cf_group_teardown);
}
