/* seed_kb.c — see seed_kb.h. Articles go through the same store function as the API, so the
 * file is held to the same rules (the category and the unit must exist, dates are dates). */
#include "cli/seed_kb.h"
#include "core/alert_words.h"
#include "core/civil.h"
#include "store/catalogue.h"
#include "store/knowledge.h"
#include "util/clock.h"
#include "util/err.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static json_t *load(const char *data_dir, const char *name)
{
    char path[2048];
    int n = snprintf(path, sizeof path, "%s/demo/%s", data_dir, name);
    if (n < 0 || (size_t)n >= sizeof path) return NULL;
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc) fprintf(stderr, "seed: %s:%d: %s\n", path, err.line, err.text);
    return doc;
}

static bool date_ok(const char *d)
{
    int64_t day;
    return !d || civil_parse_date(d, strlen(d), &day) == 0;
}

static int seed_articles(store *st, arena *a, const json_t *arts)
{
    size_t i;
    json_t *j;
    int64_t now = clock_now();
    json_array_foreach(arts, i, j) {
        store_kb_article in = {.title = str(j, "title"), .body = str(j, "body"),
                               .valid_from = str(j, "valid_from"), .valid_to = str(j, "valid_to"),
                               .next_review = str(j, "next_review"), .created_at = now,
                               .updated_at = now};
        const char *cat = str(j, "category"), *unit = str(j, "unit");
        store_category k;
        store_unit u;
        int rc = in.title && in.body && unit && date_ok(in.valid_from) && date_ok(in.valid_to) &&
                         date_ok(in.next_review)
                     ? 0
                     : HL_EINVAL;
        if (!rc && cat && !(rc = store_category_by_code(st, a, cat, &k))) in.category_id = k.id;
        if (!rc && !(rc = store_unit_by_code(st, a, unit, &u))) in.unit_id = u.id;
        int64_t id;
        if (!rc) rc = store_kb_article_create(st, &in, &id);
        if (rc) {
            fprintf(stderr, "seed: article '%s': %s\n", in.title ? in.title : "?", hl_strerror(rc));
            return rc;
        }
    }
    return 0;
}

static int seed_words(store *st, arena *a, const json_t *list)
{
    size_t n = json_array_size(list), i;
    const char **words = arena_alloc(a, (n ? n : 1) * sizeof *words);
    json_t *w;
    if (!words) return HL_ENOMEM;
    json_array_foreach(list, i, w) {
        words[i] = json_string_value(w);
        if (!alert_word_valid(words[i])) {
            fprintf(stderr, "seed: sensitive word %zu is not a word\n", i);
            return HL_EINVAL;
        }
    }
    return store_sensitive_words_put(st, words, n, clock_now());
}

int seed_knowledge(store *st, const char *data_dir)
{
    json_t *arts = load(data_dir, "kb_articles.json");
    json_t *words = load(data_dir, "sensitive_words.json");
    arena *a = arena_new();
    int rc = arts && words && a ? 0 : HL_EINVAL;
    if (!rc) rc = seed_articles(st, a, json_object_get(arts, "articles"));
    if (!rc) rc = seed_words(st, a, json_object_get(words, "words"));
    arena_free(a);
    json_decref(arts);
    json_decref(words);
    return rc;
}
