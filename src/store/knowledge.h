/* knowledge.h — what the hotline knows beyond its requests: the knowledge base the call-takers
 * answer from, the trained suggestion models and the requests they learn from, and the
 * sensitive-word list. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_KNOWLEDGE_H
#define HOTLINE_STORE_KNOWLEDGE_H
#include "util/err.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A knowledge-base article. Dates are "YYYY-MM-DD" (local) or "" for none. */
typedef struct {
    int64_t id;
    const char *title, *body;
    int64_t category_id; /* 0 = general */
    int64_t unit_id;     /* the owning unit */
    const char *valid_from, *valid_to, *next_review;
    int64_t created_by, updated_by; /* user ids, 0 = none (seeded) */
    int64_t created_at, updated_at;
    /* filled by reads */
    const char *category_name, *unit_name; /* "" when none */
    const char *created_by_name, *updated_by_name; /* display names, "" for none (seeded) */
    double score; /* search relevance (higher is better); 0 in lists */
} store_kb_article;

/* Checks that the category (if any) and the unit exist (HL_EREF). created_at/updated_at and
 * created_by/updated_by are taken from in. */
HL_MUST_CHECK int store_kb_article_create(store *s, const store_kb_article *in, int64_t *id);
/* Changes the given fields: NULL strings keep their value, "" clears a date; category_id < 0
 * keeps it (0 clears), unit_id 0 keeps it. Sets updated_by and updated_at from in.
 * HL_ENOTFOUND, HL_EREF. */
HL_MUST_CHECK int store_kb_article_update(store *s, int64_t id, const store_kb_article *in);
HL_MUST_CHECK int store_kb_article_get(store *s, arena *a, int64_t id, store_kb_article *out);

typedef struct {
    const char *text;    /* search words (Chinese bigrams / English words); NULL = list all */
    const char *today;   /* "YYYY-MM-DD": with valid_only, only articles in force that day */
    bool valid_only;
    int64_t category_id; /* within this category's subtree; 0 = any */
    int64_t unit_id;     /* owned within this unit's subtree; 0 = any */
    int offset, limit;   /* limit 1..200 */
} store_kb_query;

/* With text: ranked by relevance over title and body, a match in the title weighing three
 * times one in the body; any of the words' terms may match, more and rarer matches rank
 * higher. Without: newest updated first. *total counts all
 * matches. HL_EINVAL when text has no searchable term. */
HL_MUST_CHECK int store_kb_search(store *s, arena *a, const store_kb_query *q,
                                  store_kb_article **items, size_t *n, int64_t *total);

/* One direct answer citing an article that was followed by a new request from the same
 * caller phone within the window. */
typedef struct {
    const char *answered, *followup; /* request numbers */
    int64_t answered_at, followup_at;
} store_kb_repeat;

/* An article in the maintenance report. */
typedef struct {
    store_kb_article a;
    int64_t answers;         /* direct answers citing it since the report's start */
    int64_t repeated;        /* of those, answers followed by a new request (distinct) */
    store_kb_repeat *repeats; /* every (answer, follow-up) pair, oldest answer first */
    size_t nrepeats;
} store_kb_report_item;

/* Articles whose next_review is on or before today (oldest review first), and articles whose
 * direct answers since `since` were followed by a new request from the same caller within
 * window_s (most repeats first). unit_id > 0 limits both to articles owned within that unit. */
HL_MUST_CHECK int store_kb_report(store *s, arena *a, const char *today, int64_t since,
                                  int64_t window_s, int64_t unit_id, store_kb_report_item **review,
                                  size_t *nreview, store_kb_report_item **repeats,
                                  size_t *nrepeats);

/* ---- suggestion models and what they learn from ------------------------------------------ */

/* A trained suggestion model ("category" or "unit") and what training said of it. */
typedef struct {
    const char *name;
    int64_t version, trained_at, samples, classes;
    double cv_top1, cv_top3;
    const unsigned char *data;
    size_t len;
} store_model;

/* Stores the models in one transaction under a new version (max + 1), returned in *version. */
HL_MUST_CHECK int store_models_put(store *s, const store_model *models, size_t n, int64_t *version);
/* The newest version stored (0 when none) — cheap, for polling. */
HL_MUST_CHECK int store_models_version(store *s, int64_t *version);
/* The model called name: *data is a malloc'd copy (the caller frees it; models are megabytes,
 * beyond a request arena's purpose), out->data points at it. HL_ENOTFOUND when none. */
HL_MUST_CHECK int store_model_get(store *s, const char *name, store_model *out,
                                  unsigned char **data);

/* A closed request (not invalid) to learn from. */
typedef struct {
    int64_t id, category_id, category_parent, district_id;
    int64_t unit_id; /* the unit of its last dispatch by the centre; 0 when never dispatched */
    const char *title, *text; /* valid during the callback only */
} store_training_row;

typedef int (*store_training_fn)(void *ctx, const store_training_row *row);
/* Calls fn for the newest `limit` closed requests, newest first, inside one read; a non-zero
 * return from fn stops and is returned. */
HL_MUST_CHECK int store_training_rows(store *s, int64_t limit, store_training_fn fn, void *ctx);

/* ---- sensitive words ------------------------------------------------------------------- */

/* The sensitive-word list, sorted. */
HL_MUST_CHECK int store_sensitive_words(store *s, arena *a, const char ***words, size_t *n);
/* Replaces the whole list (duplicates collapse) in one transaction. */
HL_MUST_CHECK int store_sensitive_words_put(store *s, const char *const *words, size_t n,
                                            int64_t now);

#endif
