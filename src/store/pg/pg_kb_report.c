/* pg_kb_report.c — the knowledge base's maintenance report in PostgreSQL (kb_report.c's
 * counterpart): articles past their review date, and articles whose direct answers did not
 * settle the matter — the same caller phoned again with a new request within the window.
 * Answers are found through case_events.article_id (partial index case_events_article). */
#include "store/pg/pg_kb.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define IN_UNIT " ($2=0 OR k.unit_id IN " PG_SUBTREE("units", "$2") ")"

/* The answers citing k since $3; the condition is the partial index's */
#define ANSWERS_OF_K                                                                           \
    "(SELECT count(*) FROM case_events WHERE action='answer' AND article_id IS NOT NULL"       \
    " AND article_id=k.id AND at>=$3)"

/* The article columns and then the number of answers. */
static int read_item(pg_q *q, arena *a, void *item)
{
    store_kb_report_item *it = item;
    memset(it, 0, sizeof *it);
    int rc = pg_kb_row(q, a, &it->a);
    it->answers = pg_int(q, PG_KB_NCOLS);
    return rc;
}

struct report_args {
    arena *a;
    const char *today;
    int64_t since, window, unit_id;
    store_kb_report_item **review, **repeats;
    size_t *nreview, *nrepeats;
};

typedef struct {
    int64_t article;
    store_kb_repeat r;
} pair;

static int read_pair(pg_q *q, arena *a, void *item)
{
    pair *p = item;
    p->article = pg_int(q, 0);
    p->r.answered = pg_text(q, a, 1);
    p->r.answered_at = pg_int(q, 2);
    p->r.followup = pg_text(q, a, 3);
    p->r.followup_at = pg_int(q, 4);
    return p->r.answered && p->r.followup ? 0 : HL_ENOMEM;
}

static int by_repeats(const void *x, const void *y)
{
    const store_kb_report_item *a = x, *b = y;
    if (a->repeated != b->repeated) return a->repeated < b->repeated ? 1 : -1;
    return a->a.id < b->a.id ? -1 : a->a.id > b->a.id;
}

static int report_fn(pg_conn *c, void *arg)
{
    struct report_args *r = arg;
    int rc = pg_list(c, r->a, sizeof **r->review, read_item, (void **)r->review, r->nreview,
                     "SELECT " PG_KB_COLS ", " ANSWERS_OF_K " FROM" PG_KB_FROM
                     " WHERE k.next_review IS NOT NULL AND k.next_review<=$1 AND" IN_UNIT
                     " ORDER BY k.next_review, k.id",
                     "tii", r->today, r->unit_id, r->since);
    pair *pairs = NULL;
    size_t np = 0;
    /* a follow-up is a later request (a higher id: registration times are whole seconds, and
     * the caller may ring again within the second the answer was given) from the same phone */
    if (!rc)
        rc = pg_list(c, r->a, sizeof *pairs, read_pair, (void **)&pairs, &np,
                     "WITH ans AS (SELECT article_id AS aid, case_id, at FROM case_events"
                     " WHERE action='answer' AND article_id IS NOT NULL AND at>=$1)"
                     " SELECT ans.aid, c.number, ans.at, c2.number, c2.registered_at"
                     " FROM ans JOIN cases c ON c.id=ans.case_id"
                     " JOIN cases c2 ON c2.caller_phone=c.caller_phone AND c2.id>c.id"
                     " AND c2.registered_at>=ans.at AND c2.registered_at<=ans.at+$2"
                     " WHERE c.caller_phone<>'' ORDER BY ans.aid, ans.at, c.id, c2.registered_at",
                     "ii", r->since, r->window);
    /* one report item per article with pairs; articles outside the unit drop out here */
    size_t cap = 0;
    *r->nrepeats = 0;
    for (size_t i = 0; !rc && i < np;) {
        size_t j = i;
        while (j < np && pairs[j].article == pairs[i].article) j++;
        if (*r->nrepeats == cap) {
            cap = cap ? cap * 2 : 16;
            store_kb_report_item *bigger = arena_alloc(r->a, cap * sizeof *bigger);
            if (!bigger) return HL_ENOMEM;
            if (*r->nrepeats) memcpy(bigger, *r->repeats, *r->nrepeats * sizeof *bigger);
            *r->repeats = bigger;
        }
        store_kb_report_item *it = &(*r->repeats)[*r->nrepeats];
        rc = pg_one(c, r->a, read_item, it,
                    "SELECT " PG_KB_COLS ", " ANSWERS_OF_K " FROM" PG_KB_FROM
                    " WHERE k.id=$1 AND" IN_UNIT,
                    "iii", pairs[i].article, r->unit_id, r->since);
        if (rc == HL_ENOTFOUND) { /* another unit's article, or a deleted one */
            rc = 0;
            i = j;
            continue;
        }
        if (rc) break;
        it->repeats = arena_alloc(r->a, (j - i) * sizeof *it->repeats);
        if (!it->repeats) return HL_ENOMEM;
        for (size_t p = i; p < j; p++) {
            it->repeats[it->nrepeats++] = pairs[p].r;
            /* distinct answered requests: pairs of one answer are adjacent */
            if (p == i || strcmp(pairs[p - 1].r.answered, pairs[p].r.answered) != 0)
                it->repeated++;
        }
        (*r->nrepeats)++;
        i = j;
    }
    if (!rc && *r->nrepeats > 1)
        qsort(*r->repeats, *r->nrepeats, sizeof **r->repeats, by_repeats);
    return rc;
}

int postgres_kb_report(store *s, arena *a, const char *today, int64_t since, int64_t window_s,
                       int64_t unit_id, store_kb_report_item **review, size_t *nreview,
                       store_kb_report_item **repeats, size_t *nrepeats)
{
    *review = *repeats = NULL;
    *nreview = *nrepeats = 0;
    struct report_args r = {a, today, since, window_s, unit_id, review, repeats, nreview,
                            nrepeats};
    return pg_store_read(s, report_fn, &r);
}
