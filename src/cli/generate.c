/* generate.c — `hotline generate`: fills a demo database with a realistic history of requests
 * ending at --until, each walked through the real lifecycle by store_case_register and
 * store_case_act, with due times computed as the API computes them (api/case_deadlines.c).
 *
 * How: the main thread draws the arrivals (daily and weekly rhythm, holidays from the
 * calendar, a heating-season surge, a slow trend) from a seeded PRNG; worker threads then take
 * one arrival at a time, plan that request's whole life in memory from its own PRNG stream
 * (seed, index) — so the history does not depend on thread timing — and write it event by
 * event. Each request's events are written by one thread, in order; many threads write at once
 * so the store's writer group-commits them. A duplicate (并单) is planned and written by the
 * thread of the request it merges into, interleaved in time, so the master is still open in
 * the database when the merge is written. The calls the phone requests came in on, and calls
 * abandoned in the queue, are drawn from a stream of their own (generate_calls.c), so adding
 * them left every request's history as it was. */
#include "store/engine.h"
#include "cli/cli.h"
#include "cli/generate_calls.h"
#include "cli/generate_text.h"
#include "core/civil.h"
#include "store/cases.h"
#include "store/catalogue.h"
#include "store/people.h"
#include "util/clock.h"
#include "util/err.h"
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char generate_help[] =
    "usage: hotline generate [--db PATH] [--days N] [--per-day N] [--seed N] [--until DATE]\n"
    "                        [--threads N] [--data DIR]\n"
    "\n"
    "  --db PATH      a database made by 'hotline init --demo' (HOTLINE_DB, default var/hotline.db)\n"
    "  --days N       days of history ending at --until (default 90)\n"
    "  --per-day N    average requests a day (default 300)\n"
    "  --seed N       PRNG seed; the same seed gives the same history (default 1)\n"
    "  --until DATE   last day, YYYY-MM-DD, Asia/Shanghai (default today); nothing is dated\n"
    "                 after the end of that day or after now\n"
    "  --threads N    writer clients in parallel (default 8)\n"
    "  --data DIR     the data directory, for demo/districts.geojson (HOTLINE_DATA, default data)\n"
    "\n"
    "Adds requests with their whole event log (registered, answered, dispatched, signed,\n"
    "returned, extended, re-dispatched, replied, visited, reopened, closed, merged, urged);\n"
    "the most recent ones are left open. Phone requests come with the call they came in on,\n"
    "and a few calls are abandoned in the queue. Run 'hotline check' afterwards to verify.\n";

#define DAY CIVIL_DAY_SECONDS
#define HOUR 3600
#define MINUTE 60
#define MAX_OPS 128
#define MAX_CASES 3 /* a request and up to two duplicates merged into it */

/* ---- the city, read once -------------------------------------------------------------- */

typedef struct {
    double x, y; /* lng, lat */
} gpt;

typedef struct {
    gpt *p;
    size_t n;
} gring;

typedef struct {
    int64_t id;
    const char *code, *name;
    double weight; /* share of the population */
    const store_unit **streets;
    size_t nstreets;
    gring *rings; /* outer rings of its polygons; none when the file lacks it */
    size_t nrings;
    double minx, miny, maxx, maxy;
} gdist;

typedef struct {
    const store_category *c;
    bool heating;
    double weight; /* relative frequency outside the heating season */
    bool has_limit[URGENCY_COUNT][STAGE_COUNT];
    time_limit limit[URGENCY_COUNT][STAGE_COUNT];
    int64_t *route; /* per district: the unit the catalogue names (0 = none) */
    int64_t *alt;   /* per district: where an approved return goes instead (0 = nowhere) */
} gcat;

typedef struct {
    const store_user **u;
    size_t n;
} guserlist;

typedef struct {
    store *st;
    calendar *cal;
    int off; /* minutes east of UTC */
    arena *a;
    uint64_t seed;
    int64_t cap; /* every event is strictly before this: min(now, end of --until) */

    store_unit *units;
    size_t nunits;
    int *unit_ix; /* unit id → index into units, -1 if none */
    int64_t max_unit_id;
    guserlist *handlers; /* per unit index: who signs and replies for it */
    guserlist calltakers, dispatchers, visitors, supervisors, integrators;

    gcat *cats;
    size_t ncats;
    double *cum_off, *cum_heat; /* cumulative category weights, outside / in heating season */
    gdist *d;
    size_t nd;
    double *cum_dist;
    double answer_scale, p_redispatch, p_duplicate;

    int64_t *arrivals; /* register times, ascending */
    size_t narr;

    atomic_size_t next;
    atomic_uint_fast64_t requests, events, answered, invalid, merged, dispatched, done,
        returned, extended, redispatched, reopened, urged, late_replies, calls, abandoned_calls;
    atomic_int failed, workers_left;
    pthread_mutex_t err_mu;
    char err[512];
} gen;

/* ---- small helpers ---------------------------------------------------------------------- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Index into a cumulative weight table. */
static size_t pick_cum(gen_rng *r, const double *cum, size_t n)
{
    double x = gen_unit(r) * cum[n - 1];
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static double gauss(gen_rng *r)
{
    double u1 = gen_unit(r), u2 = gen_unit(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Poisson-distributed count: exact (Knuth) for small means, normal approximation above. */
static int64_t poisson(gen_rng *r, double mean)
{
    if (mean <= 0) return 0;
    if (mean < 40) {
        double limit = exp(-mean), prod = gen_unit(r);
        int64_t k = 0;
        while (prod > limit) {
            prod *= gen_unit(r);
            k++;
        }
        return k;
    }
    double x = mean + sqrt(mean) * gauss(r) + 0.5;
    return x < 0 ? 0 : (int64_t)x;
}

static bool heating_season(int64_t day)
{
    int y, m, d;
    civil_ymd_from_days(day, &y, &m, &d);
    return (m == 11 && d >= 15) || m == 12 || m <= 2 || (m == 3 && d <= 15);
}

static const store_unit *unit_by_id(const gen *g, int64_t id)
{
    if (id <= 0 || id > g->max_unit_id || g->unit_ix[id] < 0) return NULL;
    return &g->units[g->unit_ix[id]];
}

static const store_user *pick_user(gen_rng *r, const guserlist *l)
{
    return l->n ? l->u[gen_next(r) % l->n] : NULL;
}

static const store_user *handler_for(const gen *g, gen_rng *r, int64_t unit_id)
{
    const store_unit *u = unit_by_id(g, unit_id);
    return u ? pick_user(r, &g->handlers[u - g->units]) : NULL;
}

/* ---- working hours ---------------------------------------------------------------------- */

typedef struct {
    int open, close; /* seconds of the local day */
    bool workdays;   /* only on the calendar's workdays */
} hours;

static const hours OFFICE = {8 * HOUR + 30 * MINUTE, 18 * HOUR, true};        /* units */
static const hours VISIT_HOURS = {8 * HOUR + 30 * MINUTE, 20 * HOUR + 30 * MINUTE, false};

/* t if it falls in the hours, else the next opening plus a little (people arrive staggered). */
static int64_t within_hours(const gen *g, gen_rng *r, int64_t t, hours h)
{
    int64_t day = civil_local_day(t, g->off);
    int64_t sod = t - civil_day_start(day, g->off);
    if ((!h.workdays || calendar_is_workday(g->cal, day)) && sod >= h.open && sod < h.close)
        return t;
    if (sod >= h.open) day++;
    for (int i = 0; i < 40 && h.workdays && !calendar_is_workday(g->cal, day); i++) day++;
    return civil_day_start(day, g->off) + h.open + gen_range(r, 0, 80 * MINUTE);
}

/* The centre works around the clock, but its thin night shift leaves normal work for the
 * morning half of the time. */
static int64_t centre_time(const gen *g, gen_rng *r, int64_t t, bool urgent)
{
    int64_t day = civil_local_day(t, g->off);
    int64_t sod = t - civil_day_start(day, g->off);
    if (urgent || !gen_chance(r, 0.5)) return t;
    if (sod >= 23 * HOUR) day++;
    else if (sod >= 7 * HOUR + 30 * MINUTE) return t;
    return civil_day_start(day, g->off) + 7 * HOUR + 30 * MINUTE + gen_range(r, 0, 90 * MINUTE);
}

/* ---- due times ---------------------------------------------------------------------------- */

/* The due times an action sets, as the API sets them (core's lifecycle_dues), with the limits
 * store_time_limit_resolve gives — resolved once per category at start-up, since policies do
 * not change during a run. */
static void dues_for(const gen *g, const gcat *c, urgency u, case_action a, int64_t at,
                     int64_t due[STAGE_COUNT])
{
    const time_limit *limits[STAGE_COUNT];
    for (int s = 0; s < STAGE_COUNT; s++) limits[s] = c->has_limit[u][s] ? &c->limit[u][s] : NULL;
    /* out of range: treated as no policy, as never happens */
    err_ignore(lifecycle_dues(a, g->cal, at, limits, due));
}

/* ---- one request's plan --------------------------------------------------------------- */

typedef struct {
    int who; /* 0 the request, 1.. its duplicates */
    store_case_event e;
    bool merge; /* merged_into and the note are filled in when the master's id is known */
} gop;

typedef struct {
    gen *g;
    gen_rng *r;
    arena *a;
    const gcat *cat;
    int dix; /* district index */
    gen_topic topic;
    store_case k[MAX_CASES];
    int nk;
    gop ops[MAX_OPS];
    int nops;
    int64_t last[MAX_CASES];
    int64_t due[STAGE_COUNT]; /* the request's running due times, as its row will hold them */
    int64_t unit;             /* its current unit */
    int64_t closed_at;        /* when it closed or merged (0: still open at the end) */
    bool stopped;             /* it reached the end of the history */
    bool was_dispatched, was_returned, was_extended, was_redispatched, was_reopened, was_urged,
        late_reply;
} plan;

static bool is_urgent(const plan *p) { return p->k[0].urgency == URGENCY_URGENT; }

/* Appends an event of case `who` at `at` (moved just past the case's previous event if not
 * after it). NULL when it would fall at or after the end of the history (or the plan is
 * full): the case stops there, so everything later is left unwritten. */
static gop *push(plan *p, int who, case_action act, int64_t at, const store_user *u)
{
    if (who == 0 && p->stopped) return NULL;
    if (at <= p->last[who]) at = p->last[who] + 1 + gen_range(p->r, 0, 59);
    if (at >= p->g->cap || p->nops >= MAX_OPS) {
        if (who == 0) p->stopped = true;
        return NULL;
    }
    gop *op = &p->ops[p->nops++];
    memset(op, 0, sizeof *op);
    op->who = who;
    op->e.ev.action = act;
    op->e.ev.at = at;
    if (u) {
        op->e.ev.actor_role = (int)u->role;
        op->e.ev.actor_unit = u->unit_id;
        op->e.actor_id = u->id;
    } else {
        op->e.ev.actor_role = ACTOR_RESIDENT; /* the public portal */
    }
    op->e.is_public = lifecycle_spec_of(act)->is_public;
    dues_for(p->g, p->cat, p->k[who].urgency, act, at, op->e.ev.due);
    p->last[who] = at;
    if (who == 0)
        for (int s = 0; s < STAGE_COUNT; s++)
            if (op->e.ev.due[s]) p->due[s] = op->e.ev.due[s];
    return op;
}

/* Takes back the last event of the request (one that sets no due time), restoring the time
 * of the one before it so the next stays strictly after that. */
static void unpush(plan *p, int64_t before)
{
    p->nops--;
    p->last[0] = before;
}

/* Before an action that ends an overdue stage (or that never comes before the end): the
 * centre urges (催办) and, when it drags on past a day, the supervisor supervises (督办). */
static void overdue_pressure(plan *p, int64_t due, int64_t t)
{
    gen *g = p->g;
    gen_rng *r = p->r;
    int64_t end = min64(t, g->cap);
    if (!due || end - due < 30 * MINUTE) return;
    if (gen_chance(r, 0.4)) {
        const store_user *u = g->supervisors.n && gen_chance(r, 0.2) ? pick_user(r, &g->supervisors)
                                                                     : pick_user(r, &g->dispatchers);
        int64_t at = due + gen_range(r, 10 * MINUTE, min64(end - due - 10 * MINUTE, 8 * HOUR));
        gop *op = push(p, 0, ACT_URGE, at, u);
        if (op) {
            op->e.body = gen_phrase_pick(r, GEN_URGE_NOTE);
            p->was_urged = true;
        }
    }
    if (g->supervisors.n && end - due > DAY && gen_chance(r, 0.35)) {
        int64_t lo = max64(p->last[0] + MINUTE, due + DAY), hi = end - 10 * MINUTE;
        if (hi > lo) {
            gop *op = push(p, 0, ACT_SUPERVISE, gen_range(r, lo, hi),
                           pick_user(r, &g->supervisors));
            if (op) op->e.body = gen_phrase_pick(r, GEN_SUPERVISE_NOTE);
        }
    }
}

/* An action that ends the running stage `running`: pressure first if it comes late. */
static gop *step(plan *p, stage running, case_action act, int64_t t, const store_user *u)
{
    if (p->stopped) return NULL;
    if (p->due[running] && t > p->due[running]) overdue_pressure(p, p->due[running], t);
    return push(p, 0, act, t, u);
}

/* When a unit (or the visitor) finishes a stage started at `from` and due at `due`: on time
 * most of the time, early in the window more often than late in it (skew > 1), within the
 * given hours when possible; or late, by up to max_late. */
static int64_t finish_time(plan *p, int64_t from, int64_t due, bool late, double skew,
                           int64_t max_late, const hours *h)
{
    gen_rng *r = p->r;
    if (!due) due = from + 3 * DAY; /* no policy: a few days, like the rest */
    if (late) {
        int64_t t = due + gen_range(r, 30 * MINUTE, max64(max_late, HOUR));
        return h ? within_hours(p->g, r, t, *h) : t;
    }
    int64_t span = due - from;
    if (span < 4 * MINUTE) return from + MINUTE;
    double f = pow(gen_unit(r), skew) * 0.9 + 0.02;
    int64_t t = from + (int64_t)(f * (double)span);
    if (!h) return t;
    int64_t o = within_hours(p->g, r, t, *h);
    if (o < due) return o;
    o = within_hours(p->g, r, from + MINUTE, *h);
    if (o < due) return o;
    return due - gen_range(r, MINUTE, min64(span / 2, 2 * HOUR)); /* overtime, just in time */
}

/* The end of the N-th workday after the one a due time closes (a due of 24:00 is 00:00 of
 * the next day, so the day it closes is the day of due-1). */
static int64_t extended_due(const gen *g, const plan *p, int64_t due, int n)
{
    if (is_urgent(p)) return due + (int64_t)n * DAY / 2;
    int64_t day = civil_local_day(due - 1, g->off), out = 0;
    if (calendar_add_workdays(g->cal, day, n, &out) != 0) return due + (int64_t)n * DAY;
    return civil_day_start(out + 1, g->off);
}

static const store_user *registrar(const gen *g, gen_rng *r, const char *channel)
{
    if (strcmp(channel, "web") == 0) return NULL; /* residents file on the portal */
    if ((strcmp(channel, "phone") == 0 || strcmp(channel, "email") == 0 || !g->integrators.n))
        return pick_user(r, &g->calltakers);
    return pick_user(r, &g->integrators); /* apps, Open311 clients, grid system, province */
}

/* Sign, maybe extension, reply, visit(s), and close or reopen — from the state dispatched to
 * p->unit at `from`. Returns when the request closes or reaches the end of the history. */
static void plan_handling(plan *p, int64_t from, int backlog_stage, bool may_return,
                          bool may_redispatch)
{
    gen *g = p->g;
    gen_rng *r = p->r;
    bool urgent = is_urgent(p);
    const hours *unit_hours = urgent ? NULL : &OFFICE;
    for (;;) {
        const store_user *h = handler_for(g, r, p->unit);
        /* sign for: minutes to hours, some late (overdue sign) */
        int64_t sign_t = backlog_stage == STAGE_SIGN
                             ? g->cap + DAY
                             : finish_time(p, from, p->due[STAGE_SIGN], gen_chance(r, 0.08), 3.0,
                                           30 * HOUR, unit_hours);
        bool signed_before_return = false;
        if (may_return && gen_chance(r, 0.05)) {
            may_return = false;
            int64_t window = p->due[STAGE_RETURN];
            int64_t alt = p->cat->alt[p->dix];
            bool after_sign = gen_chance(r, 0.4) && window && sign_t < window - 2 * MINUTE;
            int64_t lo = after_sign ? sign_t : from;
            int64_t hi = window ? window : lo + DAY;
            if (alt && alt != p->unit && hi - lo > 4 * MINUTE) {
                if (after_sign) {
                    if (!step(p, STAGE_SIGN, ACT_SIGN, sign_t, h)) return;
                    signed_before_return = true;
                }
                int64_t rt = lo + MINUTE + (int64_t)(gen_unit(r) * (double)(hi - lo - 2 * MINUTE));
                if (rt >= hi) rt = hi - 1;
                int64_t before = p->last[0];
                gop *op = push(p, 0, ACT_REQUEST_RETURN, rt, h);
                if (!op) return;
                if (op->e.ev.at > hi) { /* pushed past the window by the tie rule: give up */
                    unpush(p, before);
                } else {
                    op->e.reason = gen_phrase_pick(r, GEN_RETURN_REASON);
                    op->e.basis = gen_phrase_pick(r, GEN_RETURN_BASIS);
                    p->was_returned = true;
                    int64_t review = centre_time(g, r, op->e.ev.at + gen_range(r, 15 * MINUTE, 4 * HOUR),
                                                 urgent);
                    if (gen_chance(r, 0.6)) {
                        op = push(p, 0, ACT_APPROVE_RETURN, review, pick_user(r, &g->dispatchers));
                        if (!op) return;
                        op->e.reason = gen_phrase_pick(r, GEN_RETURN_APPROVE);
                        /* back to registered: dispatch again, elsewhere */
                        int64_t t = op->e.ev.at + gen_range(r, 5 * MINUTE, 60 * MINUTE);
                        op = step(p, STAGE_DISPATCH, ACT_DISPATCH, t, pick_user(r, &g->dispatchers));
                        if (!op) return;
                        op->e.ev.unit_id = p->unit = alt;
                        from = op->e.ev.at;
                        may_redispatch = false;
                        continue;
                    }
                    op = push(p, 0, ACT_REJECT_RETURN, review, pick_user(r, &g->dispatchers));
                    if (!op) return;
                    op->e.reason = gen_phrase_pick(r, GEN_RETURN_REJECT);
                    if (sign_t <= op->e.ev.at)
                        sign_t = op->e.ev.at + gen_range(r, 5 * MINUTE, 2 * HOUR);
                }
            }
        }
        if (!signed_before_return && !step(p, STAGE_SIGN, ACT_SIGN, sign_t, h)) return;
        int64_t signed_at = p->last[0];

        /* second-level dispatch: a district hands it to the street it happened in */
        const store_unit *cur = unit_by_id(g, p->unit);
        const store_unit *street = unit_by_id(g, p->k[0].street_id);
        if (may_redispatch && cur && cur->kind == UNIT_DISTRICT && street &&
            street->parent_id == cur->id && gen_chance(r, g->p_redispatch)) {
            may_redispatch = false;
            int64_t t = signed_at + gen_range(r, 10 * MINUTE, 3 * HOUR);
            if (unit_hours) t = within_hours(g, r, t, *unit_hours);
            gop *op = push(p, 0, ACT_REDISPATCH, t, h);
            if (!op) return;
            op->e.ev.unit_id = p->unit = street->id;
            op->e.body = gen_phrase_pick(r, GEN_REDISPATCH_NOTE);
            p->was_redispatched = true;
            from = op->e.ev.at;
            continue; /* the street signs for it now */
        }
        may_redispatch = false;

        /* progress notes and an extension request while handling */
        int64_t reply_due = p->due[STAGE_REPLY];
        if (reply_due > signed_at + HOUR && gen_chance(r, 0.15)) {
            int64_t t = signed_at + (int64_t)((0.1 + 0.4 * gen_unit(r)) * (double)(reply_due - signed_at));
            gop *op = push(p, 0, ACT_PROGRESS, t, h);
            if (!op) return;
            op->e.body = gen_phrase_pick(r, GEN_PROGRESS_NOTE);
        }
        if (reply_due > p->last[0] + 2 * HOUR && gen_chance(r, 0.05)) {
            int64_t t = p->last[0] + (int64_t)((0.3 + 0.5 * gen_unit(r)) * (double)(reply_due - p->last[0]));
            int64_t want = extended_due(g, p, reply_due, (int)gen_range(r, 3, 10));
            int64_t before = p->last[0];
            gop *op = push(p, 0, ACT_REQUEST_EXTENSION, t, h);
            if (!op) return;
            if (op->e.ev.at >= reply_due || want <= reply_due) { /* no room after all */
                unpush(p, before);
            } else {
                op->e.ev.requested_due = want;
                op->e.reason = gen_phrase_pick(r, GEN_EXTENSION_REASON);
                int64_t review = centre_time(g, r, op->e.ev.at + gen_range(r, 30 * MINUTE, 6 * HOUR),
                                             urgent);
                bool approve = gen_chance(r, 0.8);
                op = push(p, 0, approve ? ACT_APPROVE_EXTENSION : ACT_REJECT_EXTENSION, review,
                          pick_user(r, &g->dispatchers));
                if (!op) return;
                op->e.reason = gen_phrase_pick(r, approve ? GEN_EXTENSION_APPROVE
                                                          : GEN_EXTENSION_REJECT);
                if (approve) {
                    p->due[STAGE_REPLY] = want; /* the fold takes the requested time */
                    p->was_extended = true;
                }
            }
        }

        /* reply: within the limit mostly, about one in ten late */
        bool late = gen_chance(r, 0.10);
        int64_t t = finish_time(p, p->last[0], p->due[STAGE_REPLY], late, 1.4, 5 * DAY, unit_hours);
        gop *op = step(p, STAGE_REPLY, ACT_REPLY, t, h);
        if (!op) return;
        op->e.body = gen_reply_text(p->a, r, &p->topic);
        if (p->due[STAGE_REPLY] && op->e.ev.at > p->due[STAGE_REPLY]) p->late_reply = true;

        /* return visit: a day or two later; unreachable residents are tried again */
        for (int attempt = 0;; attempt++) {
            int64_t vt = attempt == 0
                             ? finish_time(p, p->last[0], p->due[STAGE_VISIT], gen_chance(r, 0.05),
                                           1.5, 2 * DAY, &VISIT_HOURS)
                             : within_hours(g, r, p->last[0] + gen_range(r, 20 * HOUR, 28 * HOUR),
                                            VISIT_HOURS);
            op = attempt == 0 ? step(p, STAGE_VISIT, ACT_VISIT, vt, pick_user(r, &g->visitors))
                              : push(p, 0, ACT_VISIT, vt, pick_user(r, &g->visitors));
            if (!op) return;
            bool reachable = gen_chance(r, attempt == 0 ? 0.92 : 0.6);
            if (!reachable) {
                op->e.body = gen_phrase_pick(r, GEN_VISIT_UNREACHABLE);
                if (attempt < 1) continue;
                /* no valid visit after two tries: the dispatcher closes it */
                op = push(p, 0, ACT_CLOSE, op->e.ev.at + gen_range(r, HOUR, 20 * HOUR),
                          pick_user(r, &g->dispatchers));
                if (!op) return;
                op->e.body = gen_phrase_pick(r, GEN_CLOSE_NOTE);
                p->closed_at = op->e.ev.at;
                return;
            }
            double u = gen_unit(r);
            satisfaction sat = u < 0.60   ? SATISFACTION_SATISFIED
                               : u < 0.85 ? SATISFACTION_BASIC
                                          : SATISFACTION_UNSATISFIED;
            double p_solved = sat == SATISFACTION_SATISFIED ? 0.97
                              : sat == SATISFACTION_BASIC   ? 0.85
                                                            : 0.25;
            op->e.ev.reachable = true;
            op->e.ev.satisfaction = sat;
            op->e.ev.solved = gen_chance(r, p_solved);
            op->e.body = gen_phrase_pick(r, op->e.ev.solved ? GEN_VISIT_SOLVED : GEN_VISIT_UNSOLVED);
            if (op->e.ev.solved) { /* the store closes it in the same transaction */
                p->closed_at = op->e.ev.at;
                return;
            }
            break;
        }
        int64_t visited_at = p->last[0];
        if (!p->was_reopened && gen_chance(r, 0.5)) {
            bool by_visitor = gen_chance(r, 0.6);
            op = push(p, 0, ACT_REOPEN, visited_at + gen_range(r, 10 * MINUTE, 8 * HOUR),
                      pick_user(r, by_visitor ? &g->visitors : &g->dispatchers));
            if (!op) return;
            op->e.ev.unit_id = p->unit; /* back to the same unit */
            op->e.reason = gen_phrase_pick(r, GEN_REOPEN_REASON);
            p->was_reopened = true;
            from = op->e.ev.at;
            may_return = may_redispatch = false;
            backlog_stage = -1;
            continue;
        }
        op = push(p, 0, ACT_CLOSE, visited_at + gen_range(r, 30 * MINUTE, 12 * HOUR),
                  pick_user(r, &g->dispatchers));
        if (!op) return;
        op->e.body = gen_phrase_pick(r, GEN_CLOSE_NOTE);
        p->closed_at = op->e.ev.at;
        return;
    }
}

/* When the dispatcher sends a normal request: mostly within the two hours, a tail of
 * requests whose unit takes asking around; urgent ones at once. */
static int64_t dispatch_time(plan *p, int64_t t0)
{
    gen_rng *r = p->r;
    if (is_urgent(p)) return t0 + gen_range(r, 2 * MINUTE, 25 * MINUTE);
    double u = gen_unit(r);
    int64_t d = u < 0.62   ? gen_range(r, 5 * MINUTE, 40 * MINUTE)
                : u < 0.95 ? gen_range(r, 40 * MINUTE, 110 * MINUTE)
                : u < 0.99 ? gen_range(r, 2 * HOUR, 6 * HOUR)
                           : gen_range(r, 6 * HOUR, 30 * HOUR);
    return centre_time(p->g, r, t0 + d, false);
}

static double p_answer_of(request_type t)
{
    static const double base[REQ_TYPE_COUNT] = {
        [REQ_CONSULTATION] = 0.85, [REQ_HELP] = 0.12,       [REQ_COMPLAINT] = 0.06,
        [REQ_REPORT] = 0.04,       [REQ_SUGGESTION] = 0.35, [REQ_PRAISE] = 0.6,
    };
    return (unsigned)t < REQ_TYPE_COUNT ? base[t] : 0.1;
}

/* The request's life after registering. */
static void plan_main(plan *p, int64_t t0)
{
    gen *g = p->g;
    gen_rng *r = p->r;
    store_case *k = &p->k[0];
    int64_t route = p->cat->route[p->dix];
    double pa = fmin(0.95, g->answer_scale * p_answer_of(k->type));
    if (gen_chance(r, 0.02)) {
        /* 无效件: the call-taker at once, or the dispatcher going through the queue */
        bool ct = gen_chance(r, 0.6);
        int64_t t = ct ? t0 + gen_range(r, MINUTE, 8 * MINUTE)
                       : centre_time(g, r, t0 + gen_range(r, 10 * MINUTE, 2 * HOUR), false);
        gop *op = step(p, STAGE_DISPATCH, ACT_INVALIDATE, t,
                       pick_user(r, ct ? &g->calltakers : &g->dispatchers));
        if (!op) return;
        op->e.reason = gen_phrase_pick(r, GEN_INVALID_REASON);
        p->closed_at = op->e.ev.at;
        atomic_fetch_add(&g->invalid, 1);
        return;
    }
    if (!route || gen_chance(r, pa)) {
        /* 直接答复: on the phone before hanging up; written requests from the queue */
        int64_t t = strcmp(k->channel, "phone") == 0
                        ? t0 + gen_range(r, MINUTE, 7 * MINUTE)
                        : centre_time(g, r, t0 + gen_range(r, 5 * MINUTE, 90 * MINUTE), false);
        gop *op = step(p, STAGE_DISPATCH, ACT_ANSWER, t, pick_user(r, &g->calltakers));
        if (!op) return;
        op->e.body = gen_answer_text(p->a, r, &p->topic);
        p->closed_at = op->e.ev.at;
        atomic_fetch_add(&g->answered, 1);
        return;
    }
    /* Recent requests carry a backlog — some still wait for the dispatcher or for the unit
     * to sign — so the work lists and the overdue queue of the morning after --until are
     * never empty; the effect fades over the last three days. */
    int backlog_stage = -1;
    int64_t age = g->cap - t0;
    if (age < 3 * DAY && gen_chance(r, 0.3 * (1.0 - (double)age / (3.0 * DAY))))
        backlog_stage = gen_chance(r, 0.5) ? STAGE_DISPATCH : STAGE_SIGN;
    int64_t t = backlog_stage == STAGE_DISPATCH ? g->cap + DAY : dispatch_time(p, t0);
    gop *op = step(p, STAGE_DISPATCH, ACT_DISPATCH, t, pick_user(r, &g->dispatchers));
    if (!op) return;
    op->e.ev.unit_id = p->unit = route;
    p->was_dispatched = true;
    plan_handling(p, op->e.ev.at, backlog_stage, true, true);
}

/* 并单: other callers report the same matter while the request is open; each is registered
 * and merged into it within minutes. */
static void plan_duplicates(plan *p)
{
    gen *g = p->g;
    gen_rng *r = p->r;
    if (!p->was_dispatched || !gen_chance(r, g->p_duplicate)) return;
    int64_t t0 = p->k[0].snap.registered_at;
    int64_t lo = t0 + 15 * MINUTE;
    int64_t hi = min64(p->closed_at ? p->closed_at : g->cap, t0 + 4 * DAY) - 15 * MINUTE;
    int n = gen_chance(r, 0.2) ? 2 : 1;
    for (int j = 1; j <= n && hi > lo && p->nk < MAX_CASES; j++) {
        int who = p->nk++;
        store_case *b = &p->k[who];
        *b = p->k[0];
        double u = gen_unit(r);
        int64_t tb = lo + (int64_t)(u * u * (double)(hi - lo));
        b->caller_name = gen_person_name(p->a, r);
        b->caller_phone = gen_phone(p->a, r);
        b->channel = gen_chance(r, 0.8) ? "phone" : "wechat";
        b->confidential = false;
        b->text = gen_request_text(p->a, r, &p->topic, false);
        const store_user *reg = registrar(g, r, b->channel);
        b->created_by = reg ? reg->id : 0;
        if (!push(p, who, ACT_REGISTER, tb, reg)) {
            p->nk--;
            return;
        }
        int64_t mt = tb + gen_range(r, 3 * MINUTE, 40 * MINUTE);
        if (p->closed_at && mt >= p->closed_at) mt = p->closed_at - 1;
        gop *op = push(p, who, ACT_MERGE, mt, pick_user(r, gen_chance(r, 0.6) ? &g->calltakers
                                                                             : &g->dispatchers));
        if (op) {
            if (p->closed_at && op->e.ev.at >= p->closed_at) p->nops--; /* too late: stays open */
            else op->merge = true;
        }
    }
}

/* How residents reach the line (grid patrol aside): the phone above all. */
static const struct {
    const char *name;
    double share;
} channels[] = {
    {"phone", 0.73},    {"wechat", 0.085}, {"app", 0.073},   {"web", 0.037},
    {"province", 0.037}, {"open311", 0.026}, {"email", 0.012},
};

/* Overall about 60% phone and 18% grid patrol: grid workers report what they see on patrol
 * (a quarter of the complaints, reports and calls for help), never questions or praise. */
static const char *pick_channel(gen_rng *r, request_type t)
{
    bool patrol = t != REQ_CONSULTATION && t != REQ_PRAISE && t != REQ_SUGGESTION;
    if (patrol && gen_chance(r, 0.25)) return "grid";
    double x = gen_unit(r), acc = 0;
    for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
        acc += channels[i].share;
        if (x < acc) return channels[i].name;
    }
    return "phone";
}

static bool inside(const gring *ring, double x, double y)
{
    bool in = false;
    for (size_t i = 0, j = ring->n - 1; i < ring->n; j = i++) {
        const gpt *a = &ring->p[i], *b = &ring->p[j];
        if ((a->y > y) != (b->y > y) && x < (b->x - a->x) * (y - a->y) / (b->y - a->y) + a->x)
            in = !in;
    }
    return in;
}

/* A point in the district: rejection sampling in its bounding box. */
static bool locate(const gdist *d, gen_rng *r, double *lat, double *lng)
{
    for (int tries = 0; d->nrings && tries < 64; tries++) {
        double x = d->minx + gen_unit(r) * (d->maxx - d->minx);
        double y = d->miny + gen_unit(r) * (d->maxy - d->miny);
        for (size_t i = 0; i < d->nrings; i++)
            if (inside(&d->rings[i], x, y)) {
                *lat = round(y * 1e6) / 1e6;
                *lng = round(x * 1e6) / 1e6;
                return true;
            }
    }
    return false;
}

/* Who called, about what, where. */
static void make_request(plan *p, int64_t t0)
{
    gen *g = p->g;
    gen_rng *r = p->r;
    int64_t day = civil_local_day(t0, g->off);
    bool heat = heating_season(day);
    const gcat *c = &g->cats[pick_cum(r, heat ? g->cum_heat : g->cum_off, g->ncats)];
    p->cat = c;
    p->dix = (int)pick_cum(r, g->cum_dist, g->nd);
    const gdist *d = &g->d[p->dix];
    store_case *k = &p->k[0];
    memset(k, 0, sizeof *k);
    k->type = c->c->type;
    k->category_id = c->c->id;
    k->urgency = c->c->urgency;
    /* now and then the call-taker judges a normal matter urgent (an old person alone...) */
    if (k->urgency == URGENCY_NORMAL && gen_chance(r, 0.005)) k->urgency = URGENCY_URGENT;
    k->channel = pick_channel(r, k->type);
    double pc = k->type == REQ_REPORT ? 0.08 : k->type == REQ_COMPLAINT ? 0.03 : 0.01;
    k->confidential = gen_chance(r, pc);
    k->district_id = d->id;
    const store_unit *street = d->nstreets ? d->streets[gen_next(r) % d->nstreets] : NULL;
    k->street_id = street ? street->id : 0;
    p->topic = (gen_topic){.category_code = c->c->code, .category_name = c->c->name_zh,
                           .keywords = c->c->keywords, .type = k->type,
                           .district_name = d->name, .street_name = street ? street->name_zh : ""};
    gen_address(p->a, r, p->dix, &p->topic, &k->address);
    bool grid = strcmp(k->channel, "grid") == 0;
    bool gps = grid || strcmp(k->channel, "app") == 0 || strcmp(k->channel, "wechat") == 0 ||
               strcmp(k->channel, "open311") == 0;
    double pl = gps ? 0.95 : strcmp(k->channel, "phone") == 0 ? 0.7 : 0.4;
    if (gen_chance(r, pl)) k->has_location = locate(d, r, &k->lat, &k->lng);
    k->caller_name = gen_person_name(p->a, r);
    if (grid && !*k->caller_name) k->caller_name = "网格员";
    k->caller_phone = gen_phone(p->a, r);
    k->text = gen_request_text(p->a, r, &p->topic, grid);
    k->title = gen_title(p->a, r, &p->topic);
    k->snap.registered_at = t0; /* the plan's note of it; the store sets the row itself */
}

/* ---- writing a plan ------------------------------------------------------------------ */

static void fail(gen *g, const char *what, const char *number, case_action a, int rc)
{
    pthread_mutex_lock(&g->err_mu);
    if (!atomic_load(&g->failed))
        snprintf(g->err, sizeof g->err, "%s %s (%s): %s", what, number ? number : "",
                 case_action_name(a), hl_strerror(rc));
    atomic_store(&g->failed, 1);
    pthread_mutex_unlock(&g->err_mu);
}

/* The calls of a written plan: each request a call-taker registered from a phone call came in
 * on one (with the direct answer given on the phone, if any, before hanging up). */
static int write_calls(gen *g, plan *p, const int64_t *ids, char numbers[][STORE_CASE_NUMBER_MAX],
                       gen_calls *calls, gen_rng *cr)
{
    int64_t answered_on_phone = 0;
    for (int i = 0; i < p->nops; i++)
        if (p->ops[i].who == 0 && p->ops[i].e.ev.action == ACT_ANSWER &&
            p->ops[i].e.ev.actor_role == ROLE_CALLTAKER)
            answered_on_phone = p->ops[i].e.ev.at;
    for (int i = 0; i < p->nops; i++) {
        const gop *op = &p->ops[i];
        const store_case *k = &p->k[op->who];
        if (op->e.ev.action != ACT_REGISTER || op->e.ev.actor_role != ROLE_CALLTAKER ||
            strcmp(k->channel, "phone") != 0 || !ids[op->who] || !*k->caller_phone)
            continue;
        int64_t on_phone = op->who == 0 && answered_on_phone - op->e.ev.at < 10 * MINUTE
                               ? answered_on_phone
                               : 0;
        int rc = gen_calls_request(calls, cr, numbers[op->who], k->caller_phone, op->e.actor_id,
                                   ids[op->who], op->e.ev.at, on_phone, g->cap);
        if (rc) {
            fail(g, "cannot write the calls of request", numbers[op->who], ACT_REGISTER, rc);
            return rc;
        }
    }
    /* a few callers hang up in the queue before anyone answers (GB/T 33358 asks for at least
     * 95 % answered); named after the request of the arrival, whose number is unique */
    if (ids[0] && gen_chance(cr, 0.025)) {
        int rc = gen_calls_abandoned(calls, cr, numbers[0], p->k[0].snap.registered_at, g->cap);
        if (rc) {
            fail(g, "cannot write the calls of request", numbers[0], ACT_REGISTER, rc);
            return rc;
        }
    }
    return 0;
}

static int write_plan(gen *g, plan *p, gen_calls *calls, gen_rng *cr)
{
    /* interleave the cases by time (insertion sort keeps each case's own order) */
    for (int i = 1; i < p->nops; i++) {
        gop tmp = p->ops[i];
        int j = i - 1;
        while (j >= 0 && p->ops[j].e.ev.at > tmp.e.ev.at) {
            p->ops[j + 1] = p->ops[j];
            j--;
        }
        p->ops[j + 1] = tmp;
    }
    int64_t ids[MAX_CASES] = {0};
    char numbers[MAX_CASES][STORE_CASE_NUMBER_MAX] = {{0}};
    uint64_t events = 0, requests = 0;
    for (int i = 0; i < p->nops; i++) {
        gop *op = &p->ops[i];
        case_action a = op->e.ev.action;
        /* the store does not check roles: the generator must be truthful by itself */
        bool ok = op->e.ev.actor_role >= 0
                      ? (lifecycle_roles(a) & ROLE_BIT((role)op->e.ev.actor_role)) != 0
                      : a == ACT_REGISTER;
        int rc = ok ? 0 : HL_EINVAL;
        case_snapshot after;
        if (!rc && a == ACT_REGISTER) {
            rc = store_case_register(g->st, &p->k[op->who], &op->e, g->off, &ids[op->who],
                                     numbers[op->who]);
            requests++;
        } else if (!rc) {
            if (op->merge) {
                op->e.ev.merged_into = ids[0];
                op->e.body = arena_printf(p->a, "与工单%s反映同一问题，并单处理", numbers[0]);
            }
            rc = store_case_act(g->st, ids[op->who], &op->e, NULL, &after);
            case_event next;
            const char *why;
            if (!rc && lifecycle_follow_up(&after, &op->e.ev, &next, &why)) events++;
        }
        if (rc) {
            fail(g, "cannot write request", numbers[op->who], a, rc);
            return rc;
        }
        events++;
        if (op->merge) atomic_fetch_add(&g->merged, 1);
    }
    atomic_fetch_add(&g->requests, requests);
    atomic_fetch_add(&g->events, events);
    int rc = write_calls(g, p, ids, numbers, calls, cr);
    if (rc) return rc;
    if (p->was_dispatched) atomic_fetch_add(&g->dispatched, 1);
    if (p->was_dispatched && p->closed_at) atomic_fetch_add(&g->done, 1);
    if (p->was_returned) atomic_fetch_add(&g->returned, 1);
    if (p->was_extended) atomic_fetch_add(&g->extended, 1);
    if (p->was_redispatched) atomic_fetch_add(&g->redispatched, 1);
    if (p->was_reopened) atomic_fetch_add(&g->reopened, 1);
    if (p->was_urged) atomic_fetch_add(&g->urged, 1);
    if (p->late_reply) atomic_fetch_add(&g->late_replies, 1);
    return 0;
}

static void *worker(void *arg)
{
    gen *g = arg;
    plan *p = malloc(sizeof *p);
    if (!p) {
        fail(g, "out of memory", NULL, ACT_REGISTER, HL_ENOMEM);
        atomic_fetch_sub(&g->workers_left, 1);
        return NULL;
    }
    gen_calls *calls = gen_calls_new(g->st);
    if (!calls) {
        free(p);
        fail(g, "out of memory", NULL, ACT_REGISTER, HL_ENOMEM);
        atomic_fetch_sub(&g->workers_left, 1);
        return NULL;
    }
    while (!atomic_load(&g->failed)) {
        size_t i = atomic_fetch_add(&g->next, 1);
        if (i >= g->narr) break;
        /* the request's own stream: its history is the same whichever thread writes it */
        gen_rng r = {mix64(g->seed * 0x9E3779B97F4A7C15ull + mix64((uint64_t)i + 1))};
        /* its calls' own: drawing them changes nothing of the request's */
        gen_rng cr = {mix64(g->seed * 0xD1B54A32D192ED03ull + mix64((uint64_t)i + 1) + 0xCA11)};
        arena *a = arena_new();
        if (!a) {
            fail(g, "out of memory", NULL, ACT_REGISTER, HL_ENOMEM);
            break;
        }
        memset(p, 0, sizeof *p);
        p->g = g;
        p->r = &r;
        p->a = a;
        p->nk = 1;
        int64_t t0 = g->arrivals[i];
        make_request(p, t0);
        const store_user *reg = registrar(g, &r, p->k[0].channel);
        p->k[0].created_by = reg ? reg->id : 0;
        if (push(p, 0, ACT_REGISTER, t0, reg)) {
            plan_main(p, t0);
            plan_duplicates(p);
        }
        write_plan(g, p, calls, &cr);
        arena_free(a);
    }
    int rc = atomic_load(&g->failed) ? 0 : gen_calls_flush(calls);
    if (rc) fail(g, "cannot write calls", NULL, ACT_REGISTER, rc);
    uint64_t ncalls = 0, nabandoned = 0;
    gen_calls_counts(calls, &ncalls, &nabandoned);
    atomic_fetch_add(&g->calls, ncalls);
    atomic_fetch_add(&g->abandoned_calls, nabandoned);
    gen_calls_free(calls);
    free(p);
    atomic_fetch_sub(&g->workers_left, 1);
    return NULL;
}

/* ---- setup: the city ----------------------------------------------------------------- */

/* Relative frequencies: property, street lights, noise, water, heating, wages and social
 * insurance lead, as in the published statistics of Chinese 12345 lines. Longest matching
 * code prefix wins; anything not listed weighs 1. */
static const struct {
    const char *code;
    double w;
} weights[] = {
    {"010101", 9},   {"010102", 5},   {"010103", 3},   {"010104", 5},   {"0101", 2},
    {"020101", 8},   {"020102", 3},   {"020105", 3},   {"020106", 2},   {"0201", 1.2},
    {"020201", 4},   {"0202", 1.5},   {"020301", 3},   {"020302", 2.5}, {"0203", 1.3},
    {"030101", 3},   {"030201", 8},   {"030202", 6},   {"030204", 2.5}, {"0302", 2},
    {"040302", 3},   {"0401", 1.5},   {"0402", 1.5},   {"050101", 8},   {"050102", 3},
    {"050201", 7},   {"050202", 4},   {"050203", 2},   {"050204", 3},   {"0502", 3},
    {"0703", 2.5},   {"0701", 1.5},   {"080201", 3},   {"080202", 4},   {"0801", 1.3},
    {"090101", 3.5},   {"090102", 2},   {"090103", 2.5}, {"090104", 1.5}, {"090105", 2},
    {"090201", 2},   {"0902", 1},     {"090301", 0.6}, {"090302", 0.6}, {"090401", 2.5},
    {"090402", 0.5}, {"090403", 0.6}, {"090404", 1.5}, {"110202", 1.2}, {"1201", 2},
    {"060102", 3},   {"0601", 1.2},   {"14", 0.5},     {"0803", 0.6},   {"1103", 0.6},
    {"010301", 0.7}, {"020103", 0.8}, {"020104", 0.5}, {"020303", 0.6}, {"020401", 0.8},
    {"030303", 0.4}, {"040301", 0.9}, {"080103", 0.5}, {"090203", 0.8}, {"110201", 1},
};

static double category_weight(const char *code)
{
    double w = 1;
    size_t best = 0;
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
        size_t n = strlen(weights[i].code);
        if (n > best && strncmp(code, weights[i].code, n) == 0) {
            best = n;
            w = weights[i].w;
        }
    }
    return w;
}

/* Population shares of the demo districts (others: an average share). */
static double district_weight(const char *code)
{
    static const struct {
        const char *code;
        double w;
    } pop[] = {{"d-donghu", 0.24}, {"d-xishan", 0.17}, {"d-nanjiang", 0.2},
               {"d-beicheng", 0.16}, {"d-gaoxin", 0.12}, {"d-jiangbei", 0.11}};
    for (size_t i = 0; i < sizeof pop / sizeof pop[0]; i++)
        if (strcmp(code, pop[i].code) == 0) return pop[i].w;
    return 0.16;
}

static int load_users(gen *g)
{
    store_user *users;
    size_t n;
    int rc = store_users_list(g->st, g->a, 0, &users, &n);
    if (rc) return rc;
    guserlist *by_role[ROLE_COUNT] = {[ROLE_CALLTAKER] = &g->calltakers,
                                      [ROLE_DISPATCHER] = &g->dispatchers,
                                      [ROLE_VISITOR] = &g->visitors,
                                      [ROLE_SUPERVISOR] = &g->supervisors,
                                      [ROLE_INTEGRATOR] = &g->integrators};
    guserlist all_handlers = {arena_alloc(g->a, (n + 1) * sizeof(store_user *)), 0};
    for (int ro = 0; ro < ROLE_COUNT; ro++)
        if (by_role[ro]) by_role[ro]->u = arena_alloc(g->a, (n + 1) * sizeof(store_user *));
    g->handlers = arena_alloc(g->a, (g->nunits + 1) * sizeof *g->handlers);
    if (!all_handlers.u || !g->handlers) return HL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!users[i].active || (unsigned)users[i].role >= ROLE_COUNT) continue;
        guserlist *l = by_role[users[i].role];
        if (l) {
            if (!l->u) return HL_ENOMEM;
            l->u[l->n++] = &users[i];
        }
        if (users[i].role == ROLE_HANDLER) all_handlers.u[all_handlers.n++] = &users[i];
    }
    if (!g->calltakers.n || !g->dispatchers.n || !g->visitors.n || !all_handlers.n)
        return HL_ENOTFOUND;
    /* a unit's handlers; else its nearest ancestor's (who may act for units below it); else
     * — a unit nobody staffs in the demo — one handler picked by the unit's id */
    for (size_t ui = 0; ui < g->nunits; ui++) {
        guserlist *l = &g->handlers[ui];
        for (const store_unit *u = &g->units[ui]; u && !l->n; u = unit_by_id(g, u->parent_id)) {
            size_t cnt = 0;
            for (size_t i = 0; i < all_handlers.n; i++)
                if (all_handlers.u[i]->unit_id == u->id) cnt++;
            if (!cnt) continue;
            l->u = arena_alloc(g->a, cnt * sizeof(store_user *));
            if (!l->u) return HL_ENOMEM;
            for (size_t i = 0; i < all_handlers.n; i++)
                if (all_handlers.u[i]->unit_id == u->id) l->u[l->n++] = all_handlers.u[i];
        }
        if (!l->n) {
            l->u = &all_handlers.u[(size_t)g->units[ui].id % all_handlers.n];
            l->n = 1;
        }
    }
    return 0;
}

/* Outer rings of the district polygons in districts.geojson; a district without one gets no
 * coordinates. A missing or unreadable file only costs the coordinates. */
static void load_geometry(gen *g, const char *data_dir)
{
    char path[2048];
    int w = snprintf(path, sizeof path, "%s/demo/districts.geojson", data_dir);
    if (w < 0 || (size_t)w >= sizeof path) return;
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    if (!doc) {
        fprintf(stderr, "hotline generate: %s: %s; requests get no coordinates\n", path, err.text);
        return;
    }
    size_t fi;
    json_t *f;
    json_array_foreach(json_object_get(doc, "features"), fi, f) {
        const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
        json_t *geom = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(geom, "type"));
        json_t *coords = json_object_get(geom, "coordinates");
        gdist *d = NULL;
        for (size_t i = 0; code && i < g->nd; i++)
            if (strcmp(g->d[i].code, code) == 0) d = &g->d[i];
        if (!d || !type || !json_is_array(coords)) continue;
        /* a Polygon is [outer, holes...]; a MultiPolygon a list of those */
        bool multi = strcmp(type, "MultiPolygon") == 0;
        if (!multi && strcmp(type, "Polygon") != 0) continue;
        size_t npoly = multi ? json_array_size(coords) : 1;
        d->rings = arena_alloc(g->a, (npoly + 1) * sizeof *d->rings);
        if (!d->rings) break;
        d->minx = d->miny = 1e9;
        d->maxx = d->maxy = -1e9;
        for (size_t pi = 0; pi < npoly; pi++) {
            json_t *outer = json_array_get(multi ? json_array_get(coords, pi) : coords, 0);
            size_t np = json_array_size(outer);
            if (np < 4) continue;
            gring *ring = &d->rings[d->nrings];
            ring->p = arena_alloc(g->a, np * sizeof *ring->p);
            if (!ring->p) break;
            for (size_t k = 0; k < np; k++) {
                json_t *pt = json_array_get(outer, k);
                gpt q = {json_number_value(json_array_get(pt, 0)),
                         json_number_value(json_array_get(pt, 1))};
                ring->p[ring->n++] = q;
                d->minx = fmin(d->minx, q.x);
                d->maxx = fmax(d->maxx, q.x);
                d->miny = fmin(d->miny, q.y);
                d->maxy = fmax(d->maxy, q.y);
            }
            d->nrings++;
        }
    }
    json_decref(doc);
}

static int load_city(gen *g, const char *data_dir)
{
    int rc = store_units_list(g->st, g->a, &g->units, &g->nunits);
    if (rc) return rc;
    for (size_t i = 0; i < g->nunits; i++) g->max_unit_id = max64(g->max_unit_id, g->units[i].id);
    g->unit_ix = arena_alloc(g->a, (size_t)(g->max_unit_id + 1) * sizeof(int));
    g->d = arena_alloc(g->a, (g->nunits + 1) * sizeof *g->d);
    g->cum_dist = arena_alloc(g->a, (g->nunits + 1) * sizeof(double));
    if (!g->unit_ix || !g->d || !g->cum_dist) return HL_ENOMEM;
    for (int64_t id = 0; id <= g->max_unit_id; id++) g->unit_ix[id] = -1;
    for (size_t i = 0; i < g->nunits; i++) g->unit_ix[g->units[i].id] = (int)i;
    double acc = 0;
    for (size_t i = 0; i < g->nunits; i++) {
        const store_unit *u = &g->units[i];
        if (u->kind != UNIT_DISTRICT || !u->active) continue;
        gdist *d = &g->d[g->nd];
        *d = (gdist){.id = u->id, .code = u->code, .name = u->name_zh,
                     .weight = district_weight(u->code)};
        d->streets = arena_alloc(g->a, (g->nunits + 1) * sizeof *d->streets);
        if (!d->streets) return HL_ENOMEM;
        for (size_t j = 0; j < g->nunits; j++)
            if (g->units[j].kind == UNIT_STREET && g->units[j].parent_id == u->id &&
                g->units[j].active)
                d->streets[d->nstreets++] = &g->units[j];
        acc += d->weight;
        g->cum_dist[g->nd++] = acc;
    }
    if (!g->nd) return HL_ENOTFOUND;
    if ((rc = load_users(g))) return rc;
    load_geometry(g, data_dir);

    store_category *cats;
    size_t n;
    if ((rc = store_categories_list(g->st, g->a, &cats, &n))) return rc;
    g->cats = arena_alloc(g->a, (n + 1) * sizeof *g->cats);
    g->cum_off = arena_alloc(g->a, (n + 1) * sizeof(double));
    g->cum_heat = arena_alloc(g->a, (n + 1) * sizeof(double));
    if (!g->cats || !g->cum_off || !g->cum_heat) return HL_ENOMEM;
    double off = 0, heat = 0, to_district = 0, dispatched = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cats[i].leaf_fields || !cats[i].active) continue;
        gcat *c = &g->cats[g->ncats];
        *c = (gcat){.c = &cats[i], .heating = strncmp(cats[i].code, "0904", 4) == 0,
                    .weight = category_weight(cats[i].code)};
        for (int u = 0; u < URGENCY_COUNT; u++)
            for (int s = 0; s < STAGE_COUNT; s++) {
                rc = store_time_limit_resolve(g->st, (stage)s, (urgency)u, cats[i].type,
                                              cats[i].id, &c->limit[u][s]);
                if (rc && rc != HL_ENOTFOUND) return rc;
                c->has_limit[u][s] = rc == 0;
            }
        c->route = arena_alloc(g->a, g->nd * sizeof(int64_t));
        c->alt = arena_alloc(g->a, g->nd * sizeof(int64_t));
        if (!c->route || !c->alt) return HL_ENOMEM;
        int64_t citywide = 0, rule;
        rc = store_route_resolve(g->st, cats[i].id, 0, &citywide, &rule);
        if (rc && rc != HL_ENOTFOUND) return rc;
        double pa = p_answer_of(cats[i].type);
        for (size_t d = 0; d < g->nd; d++) {
            rc = store_route_resolve(g->st, cats[i].id, g->d[d].id, &c->route[d], &rule);
            if (rc == HL_ENOTFOUND) c->route[d] = 0;
            else if (rc) return rc;
            /* an approved return goes to the citywide unit, or else to the locality */
            c->alt[d] = citywide && citywide != c->route[d]      ? citywide
                        : c->route[d] && c->route[d] != g->d[d].id ? g->d[d].id
                                                                   : 0;
            const store_unit *ru = unit_by_id(g, c->route[d]);
            double w = c->weight * g->d[d].weight * (1 - pa);
            dispatched += w;
            if (ru && ru->kind == UNIT_DISTRICT && g->d[d].nstreets) to_district += w;
        }
        off += c->weight;
        heat += c->weight * (c->heating ? 4 : 1);
        g->cum_off[g->ncats] = off;
        g->cum_heat[g->ncats] = heat;
        g->ncats++;
    }
    if (!g->ncats) return HL_ENOTFOUND;
    /* tune the per-type answer chances to ~35% of all requests answered on the spot (the
     * chances are capped, so by bisection), the re-dispatch chance to ~8% of dispatched
     * requests, duplicates to ~3% of requests */
    double lo = 0.1, hi = 10, target = 0.35 / 0.97 / 0.98;
    for (int it = 0; it < 50; it++) {
        double mid = (lo + hi) / 2, ans = 0;
        for (size_t i = 0; i < g->ncats; i++)
            ans += g->cats[i].weight * fmin(0.95, mid * p_answer_of(g->cats[i].c->type));
        if (ans / off < target) lo = mid;
        else hi = mid;
    }
    g->answer_scale = lo;
    g->p_redispatch = to_district > 0 ? fmin(0.9, 0.08 * dispatched / to_district) : 0;
    g->p_duplicate = 0.03 / (0.97 * 0.98 * (1 - 0.35 / 0.97 / 0.98)) / 1.1; /* 1.1 each */
    return 0;
}

/* ---- arrivals ------------------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int make_arrivals(gen *g, int64_t first, int64_t last, double per_day)
{
    /* calls by hour of the day: quiet nights, peaks 9–11 and 14–16 */
    static const double by_hour[24] = {0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.35, 1.0,
                                       2.6,  5.2,  5.8, 5.0, 3.0,  3.2,  5.0,  5.4,
                                       4.6,  3.6,  2.6, 2.5, 2.3,  1.8,  1.1,  0.55};
    /* by weekday, Sunday first: Monday brings the weekend's matters */
    static const double by_wday[7] = {0.70, 1.15, 1.08, 1.04, 1.04, 1.00, 0.75};
    size_t ndays = (size_t)(last - first + 1);
    double *rate = calloc(ndays, sizeof(double)), cum_hour[24], acc = 0, total = 0;
    store_calendar_day *ex;
    size_t nex;
    if (!rate) return HL_ENOMEM;
    int rc = store_calendar_list(g->st, g->a, first, last, &ex, &nex);
    if (rc) {
        free(rate);
        return rc;
    }
    for (int h = 0; h < 24; h++) cum_hour[h] = acc += by_hour[h];
    double mid = (double)(first + last) / 2, w_off = g->cum_off[g->ncats - 1];
    double growth = log(1.25) / 365.0; /* a quarter more calls a year */
    for (size_t i = 0; i < ndays; i++) {
        int64_t day = first + (int64_t)i;
        double f = by_wday[civil_weekday(day)];
        for (size_t j = 0; j < nex; j++)
            if (ex[j].day == day) f = ex[j].workday ? 0.95 : 0.55; /* make-up day; holiday */
        f *= exp(growth * ((double)day - mid));
        /* the heating season adds its calls on top of the rest */
        if (heating_season(day)) f *= g->cum_heat[g->ncats - 1] / w_off;
        rate[i] = f;
        total += f;
    }
    /* duplicates are added to the arrivals later: about 3% of all requests */
    double scale = per_day * (double)ndays * 0.97 / total;
    gen_rng r = {mix64(g->seed ^ 0xA5A5A5A5DEADBEEFull)};
    size_t cap = (size_t)(per_day * (double)ndays * 1.2) + 1024, n = 0;
    int64_t *times = malloc(cap * sizeof(int64_t));
    for (size_t i = 0; times && i < ndays; i++) {
        int64_t count = poisson(&r, rate[i] * scale);
        int64_t start = civil_day_start(first + (int64_t)i, g->off);
        for (int64_t j = 0; j < count; j++) {
            double x = gen_unit(&r) * cum_hour[23];
            int h = 0;
            while (h < 23 && cum_hour[h] <= x) h++;
            int64_t t = start + h * HOUR + gen_range(&r, 0, HOUR - 1);
            if (t >= g->cap) continue; /* not yet happened */
            if (n == cap) {
                int64_t *more = realloc(times, 2 * cap * sizeof(int64_t));
                if (!more) {
                    free(times);
                    times = NULL;
                    break;
                }
                times = more;
                cap *= 2;
            }
            times[n++] = t;
        }
    }
    free(rate);
    if (!times) return HL_ENOMEM;
    qsort(times, n, sizeof *times, cmp_i64);
    g->arrivals = times;
    g->narr = n;
    return 0;
}

/* ---- the command ---------------------------------------------------------------------- */

static bool parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!s[0] || !end || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_progress(gen *g, double t_start)
{
    double el = now_mono() - t_start;
    uint64_t req = atomic_load(&g->requests), ev = atomic_load(&g->events);
    size_t taken = atomic_load(&g->next);
    if (taken > g->narr) taken = g->narr;
    printf("  %5.1f%%  %llu requests  %llu events  %.0f requests/s  %.0f events/s\n",
           g->narr ? 100.0 * (double)taken / (double)g->narr : 100.0, (unsigned long long)req,
           (unsigned long long)ev, el > 0 ? (double)req / el : 0, el > 0 ? (double)ev / el : 0);
    fflush(stdout);
}

int cli_generate(int argc, char **argv)
{
    const char *db = cli_env("HOTLINE_DB", "var/hotline.db");
    const char *data = cli_env("HOTLINE_DATA", "data");
    const char *until_s = NULL;
    long long days = 90, per_day = 300, seed = 1, threads = 8;
    for (int i = 0; i < argc; i++) {
        const char *v, *opt = argv[i];
        bool ok = true;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(generate_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--db"))) db = v;
        else if ((v = cli_opt(argc, argv, &i, "--data"))) data = v;
        else if ((v = cli_opt(argc, argv, &i, "--until"))) until_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--days"))) ok = parse_int(v, 1, 3650, &days);
        else if ((v = cli_opt(argc, argv, &i, "--per-day"))) ok = parse_int(v, 1, 20000, &per_day);
        else if ((v = cli_opt(argc, argv, &i, "--seed")))
            ok = parse_int(v, 0, INT64_MAX, &seed);
        else if ((v = cli_opt(argc, argv, &i, "--threads"))) ok = parse_int(v, 1, 256, &threads);
        else {
            fprintf(stderr, "hotline generate: unknown option '%s'\n\n%s", argv[i], generate_help);
            return 2;
        }
        if (!ok) {
            fprintf(stderr, "hotline generate: bad value for %s (--days 1-3650, --per-day "
                            "1-20000, --threads 1-256, --seed >= 0)\n", opt);
            return 2;
        }
    }
    if (!cli_store_there("generate", db, " (make one with 'hotline init --demo')")) return 2;
    gen *g = calloc(1, sizeof *g);
    if (!g) return 1;
    g->off = CIVIL_TZ_SHANGHAI;
    g->seed = (uint64_t)seed;
    pthread_mutex_init(&g->err_mu, NULL);
    int64_t now = clock_now();
    int64_t until = civil_local_day(now, g->off);
    if (until_s && civil_parse_date(until_s, strlen(until_s), &until)) {
        fprintf(stderr, "hotline generate: --until wants a date YYYY-MM-DD\n");
        free(g);
        return 2;
    }
    g->cap = min64(now, civil_day_start(until + 1, g->off));
    int64_t first = until - days + 1;

    char where[512];
    cli_db_shown(db, where, sizeof where);
    int rc = store_open(db, &g->st);
    if (!rc) rc = (g->a = arena_new()) ? 0 : HL_ENOMEM;
    if (!rc) rc = store_calendar_build(g->st, g->off, &g->cal);
    if (!rc) {
        rc = load_city(g, data);
        if (rc == HL_ENOTFOUND)
            fprintf(stderr, "hotline generate: %s has no city to fill: it needs districts, "
                            "leaf categories, and call-takers, dispatchers, handlers and "
                            "visitors (hotline init --demo)\n", where);
    }
    if (!rc) rc = make_arrivals(g, first, until, (double)per_day);
    double t_start = now_mono();
    if (!rc) {
        char a[11], b[11], c[32];
        civil_format_date(first, a);
        civil_format_date(until, b);
        civil_format_time(g->cap, g->off, c);
        printf("generate: %s to %s (history ends %s), %zu arrivals, seed %lld, %lld threads\n",
               a, b, c, g->narr, seed, threads);
        fflush(stdout);
        pthread_t *tids = calloc((size_t)threads, sizeof *tids);
        int started = 0;
        atomic_store(&g->workers_left, (int)threads);
        for (int i = 0; tids && i < threads; i++) {
            if (pthread_create(&tids[i], NULL, worker, g) != 0) break;
            started++;
        }
        atomic_fetch_sub(&g->workers_left, (int)threads - started);
        if (!started) rc = HL_ENOMEM;
        double last_print = t_start;
        while (atomic_load(&g->workers_left) > 0) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
            if (now_mono() - last_print >= 5.0) {
                print_progress(g, t_start);
                last_print = now_mono();
            }
        }
        for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
        free(tids);
        if (atomic_load(&g->failed)) {
            fprintf(stderr, "hotline generate: %s\n", g->err);
            rc = HL_EIO;
        }
    }
    double elapsed = now_mono() - t_start;
    store_stats stats = {0};
    /* for the summary's store figures only: they stay 0 when they cannot be read */
    if (g->st) err_ignore(store_get_stats(g->st, &stats));
    store_close(g->st);
    calendar_free(g->cal);
    arena_free(g->a);
    free(g->arrivals);
    uint64_t req = atomic_load(&g->requests), ev = atomic_load(&g->events);
    if (rc) {
        if (rc != HL_ENOTFOUND && rc != HL_EIO)
            fprintf(stderr, "hotline generate: %s\n", hl_strerror(rc));
        if (req) fprintf(stderr, "hotline generate: %llu requests were written before it stopped\n",
                         (unsigned long long)req);
        pthread_mutex_destroy(&g->err_mu);
        free(g);
        return 1;
    }
    uint64_t disp = atomic_load(&g->dispatched);
    printf("generated %llu requests and %llu events in %.1f s: %.0f requests/s, %.0f events/s\n",
           (unsigned long long)req, (unsigned long long)ev, elapsed,
           elapsed > 0 ? (double)req / elapsed : 0, elapsed > 0 ? (double)ev / elapsed : 0);
    printf("outcomes: %llu answered directly, %llu invalid, %llu merged, %llu dispatched "
           "(%llu closed, %llu returned, %llu extended, %llu re-dispatched, %llu late replies, "
           "%llu reopened, %llu urged)\n",
           (unsigned long long)atomic_load(&g->answered), (unsigned long long)atomic_load(&g->invalid),
           (unsigned long long)atomic_load(&g->merged), (unsigned long long)disp,
           (unsigned long long)atomic_load(&g->done), (unsigned long long)atomic_load(&g->returned),
           (unsigned long long)atomic_load(&g->extended),
           (unsigned long long)atomic_load(&g->redispatched),
           (unsigned long long)atomic_load(&g->late_replies),
           (unsigned long long)atomic_load(&g->reopened), (unsigned long long)atomic_load(&g->urged));
    printf("calls: %llu, of which %llu abandoned in the queue\n",
           (unsigned long long)atomic_load(&g->calls),
           (unsigned long long)atomic_load(&g->abandoned_calls));
    printf("database: %s, %.1f MB; %llu commits for %llu writes\n", where,
           (double)stats.db_bytes / 1e6, (unsigned long long)stats.commits,
           (unsigned long long)stats.writes);
    pthread_mutex_destroy(&g->err_mu);
    free(g);
    return 0;
}
