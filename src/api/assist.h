/* assist.h — how the knowledge base, duplicate detection and urgent alerts (kb.c,
 * duplicates.c, alerts.c) hook into registering and acting on requests (cases.c,
 * case_actions.c): a few calls, each answering its own errors. */
#ifndef HOTLINE_API_ASSIST_H
#define HOTLINE_API_ASSIST_H
#include "api/api.h"
#include "store/cases.h"

#define ALERT_MAX_WORDS 8 /* matched words reported in one alert */

/* What registration learnt before the commit, for after it. */
typedef struct {
    const char *words[ALERT_MAX_WORDS]; /* sensitive words found (arena strings) */
    size_t nwords;
    const char *category_name;          /* "" when unknown */
    bool category_urgent;               /* the category's default urgency is urgent */
} api_register_assist;

/* Before a request is committed: looks for sensitive words in its title and text and, when
 * any is there, marks it urgent, so the urgent clocks start. Never refuses the registration
 * (a failed lookup is logged). */
void api_assist_register_before(api_ctx *c, store_case *k, api_register_assist *as);
/* After the commit: an urgent request raises an "alert" on the live hub (dashboards and
 * dispatchers), and a request that makes a group of three or more similar open requests
 * raises a "cluster" event. Never fails the registration. */
void api_assist_register_after(api_ctx *c, const store_case *k, const api_register_assist *as);

/* Adds "duplicate_hints" (the open requests likely to be the same problem, best first) to a
 * registration's JSON view of k and returns view. */
json_t *api_dup_hints(api_ctx *c, const store_case *k, json_t *view);
/* After a merge into master_id: a master with two or more merged requests (three callers)
 * raises a "cluster" event. */
void api_dup_after_merge(api_ctx *c, int64_t master_id);
/* Publishes a "cluster" event when a group of similar open requests including k has three or
 * more members (used by api_assist_register_after). */
void api_dup_check_cluster(api_ctx *c, const store_case *k);

/* For a direct answer: checks the body's article_id (absent or null: no article, *article_id
 * left alone) names an existing article, and puts its id in *article_id: 0, or refuses 422
 * (HL_DONE), or a store error. */
HL_MUST_CHECK int api_kb_answer_article(api_ctx *c, json_t *body, int64_t *article_id);

#endif
