/* appraisal.c — see appraisal.h. */
#include "core/appraisal.h"
#include "core/civil.h"
#include "core/names.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const indicator_names[IND_COUNT] = {
    [IND_RESPONSE] = "response",         [IND_RESOLUTION] = "resolution",
    [IND_SATISFACTION] = "satisfaction", [IND_ONTIME_REPLY] = "ontime_reply",
    [IND_RETURN] = "return",             [IND_REOPEN] = "reopen",
};

const char *appraisal_indicator_name(appraisal_indicator i)
{
    return names_at(indicator_names, IND_COUNT, (int)i);
}

int appraisal_indicator_parse(const char *s, appraisal_indicator *out)
{
    int i = names_find(indicator_names, IND_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (appraisal_indicator)i;
    return 0;
}

bool appraisal_lower_is_better(appraisal_indicator i) { return i == IND_RETURN || i == IND_REOPEN; }

/* The counters as an array, so that adding and testing for zero need no field list. */
#define NCOUNTERS (sizeof(appraisal_counts) / sizeof(int64_t))

void appraisal_counts_add(appraisal_counts *acc, const appraisal_counts *x, int sign)
{
    int64_t *a = (int64_t *)acc;
    const int64_t *b = (const int64_t *)x;
    for (size_t i = 0; i < NCOUNTERS; i++) a[i] += sign * b[i];
}

bool appraisal_counts_zero(const appraisal_counts *c)
{
    const int64_t *a = (const int64_t *)c;
    for (size_t i = 0; i < NCOUNTERS; i++)
        if (a[i]) return false;
    return true;
}

int64_t appraisal_volume(const appraisal_counts *c) { return c->dispatched + c->returns_approved; }

/* Signed for the current dispatch: a re-dispatch keeps the old signed_at until the new unit
 * signs, so the state says whether the sign-for belongs to this dispatch. */
static bool signed_now(const case_snapshot *s)
{
    if (!s->signed_at || s->state == CASE_DISPATCHED) return false;
    return !(s->state == CASE_RETURN_PENDING && s->return_from == CASE_DISPATCHED);
}

void appraisal_case_facts(const case_snapshot *s, appraisal_counts *out)
{
    memset(out, 0, sizeof *out);
    if (!s->unit_id || s->state == CASE_MERGED || !s->dispatched_at) return;
    out->dispatched = 1;
    int64_t sign_due = s->due[STAGE_SIGN], reply_due = s->due[STAGE_REPLY];
    out->signed_ontime = signed_now(s) && (!sign_due || s->signed_at <= sign_due);
    if (s->visit_valid) {
        out->visits_valid = 1;
        out->solved = s->solved;
        out->satisfied = s->satisfaction == SATISFACTION_SATISFIED;
        out->basic = s->satisfaction == SATISFACTION_BASIC;
        out->unsatisfied = s->satisfaction == SATISFACTION_UNSATISFIED;
    }
    if (s->replied_at) {
        out->replies = 1;
        out->replied_ontime = !reply_due || s->replied_at <= reply_due;
    }
    out->reopened = s->reopen_count > 0;
}

void appraisal_case_clocks(const case_snapshot *s, int64_t now, appraisal_counts *out)
{
    if (!s->unit_id || s->state == CASE_MERGED || !s->dispatched_at) return;
    bool is_signed = signed_now(s);
    int64_t sign_due = s->due[STAGE_SIGN], reply_due = s->due[STAGE_REPLY];
    if (!is_signed) {
        if (!sign_due) out->sign_unclocked++;
        else if (sign_due >= now) out->sign_pending++;
        else out->sign_overdue++;
    }
    if (!s->replied_at) {
        if (!is_signed || !reply_due) out->reply_unclocked++;
        else if (reply_due >= now) out->reply_pending++;
        else out->reply_overdue++;
    }
}

void appraisal_scheme_default(appraisal_scheme *s)
{
    memset(s, 0, sizeof *s);
    s->weight[IND_RESPONSE] = 30;
    s->weight[IND_RESOLUTION] = 35;
    s->weight[IND_SATISFACTION] = 35;
    s->score[SATISFACTION_SATISFIED] = 1;
    s->score[SATISFACTION_BASIC] = 1;
    s->score[SATISFACTION_UNSATISFIED] = 0;
}

int appraisal_scheme_check(const appraisal_scheme *s)
{
    double sum = 0;
    for (int i = 0; i < IND_COUNT; i++) {
        /* !(x >= 0) also refuses NaN */
        if (!(s->weight[i] >= 0) || s->weight[i] > 100) return HL_EINVAL;
        sum += s->weight[i];
    }
    if (!(sum > 0)) return HL_EINVAL;
    for (int l = SATISFACTION_SATISFIED; l <= SATISFACTION_UNSATISFIED; l++)
        if (!(s->score[l] >= 0) || s->score[l] > 1) return HL_EINVAL;
    return 0;
}

void appraisal_compute(const appraisal_counts *c, const appraisal_scheme *s, appraisal_result *out)
{
    memset(out, 0, sizeof *out);
    /* late = signed late + overdue; the requests whose clock still runs wait */
    out->num[IND_RESPONSE] = c->signed_ontime + c->sign_unclocked;
    out->den[IND_RESPONSE] = c->dispatched - c->sign_pending;
    out->num[IND_RESOLUTION] = c->solved;
    out->den[IND_RESOLUTION] = c->visits_valid;
    out->num[IND_SATISFACTION] = c->satisfied + c->basic;
    out->den[IND_SATISFACTION] = c->visits_valid;
    out->num[IND_ONTIME_REPLY] = c->replied_ontime + c->reply_unclocked;
    out->den[IND_ONTIME_REPLY] = c->replies + c->reply_overdue + c->reply_unclocked;
    out->num[IND_RETURN] = c->returns_requested;
    out->den[IND_RETURN] = appraisal_volume(c);
    out->num[IND_REOPEN] = c->reopened;
    out->den[IND_REOPEN] = c->dispatched;
    for (int i = 0; i < IND_COUNT; i++) {
        out->defined[i] = out->den[i] > 0;
        if (out->defined[i]) out->rate[i] = (double)out->num[i] / (double)out->den[i];
    }
    if (out->defined[IND_SATISFACTION])
        out->rate[IND_SATISFACTION] = (s->score[SATISFACTION_SATISFIED] * (double)c->satisfied +
                                       s->score[SATISFACTION_BASIC] * (double)c->basic +
                                       s->score[SATISFACTION_UNSATISFIED] * (double)c->unsatisfied) /
                                      (double)c->visits_valid;
    /* An indicator nobody could be measured on (no visits yet) is left out and the weights of
     * the others carry the score, rather than counting it as 0 or 100. */
    double wsum = 0, total = 0;
    for (int i = 0; i < IND_COUNT; i++) {
        if (!out->defined[i] || s->weight[i] <= 0) continue;
        double r = out->rate[i];
        if (r > 1) r = 1; /* several returns of one request */
        double score = appraisal_lower_is_better((appraisal_indicator)i) ? 1 - r : r;
        wsum += s->weight[i];
        total += s->weight[i] * score;
    }
    out->has_composite = wsum > 0;
    if (out->has_composite) out->composite = 100.0 * total / wsum;
}

int appraisal_tree_sum(const int *parent, const appraisal_counts *own, size_t n,
                       appraisal_counts *out)
{
    for (size_t i = 0; i < n; i++) out[i] = own[i];
    for (size_t i = 0; i < n; i++) {
        size_t steps = 0;
        for (int p = parent[i]; p >= 0; p = parent[p]) {
            if ((size_t)p >= n || ++steps > n) return HL_EINVAL;
            appraisal_counts_add(&out[p], &own[i], 1);
        }
    }
    return 0;
}

appraisal_tier appraisal_tier_of(unit_kind kind, bool parent_is_centre)
{
    switch (kind) {
    case UNIT_DISTRICT: return TIER_DISTRICT;
    case UNIT_STREET: return TIER_STREET;
    case UNIT_DEPARTMENT:
    case UNIT_UTILITY: return parent_is_centre ? TIER_DEPARTMENT : TIER_NONE;
    default: return TIER_NONE;
    }
}

const char *appraisal_tier_name(appraisal_tier t)
{
    static const char *const names[TIER_COUNT] = {"districts", "departments", "streets"};
    return t >= 0 && t < TIER_COUNT ? names[t] : "";
}

/* Composites compare as hundredths, the precision they are shown with, so two units shown
 * with the same score always share the rank. */
static long long hundredths(const appraisal_rank_item *it)
{
    return it->has_composite ? llround(it->composite * 100.0) : -1;
}

/* Order of two items: tier (unranked tier last), composite highest first, code, index. */
static int cmp_rank(const appraisal_rank_item *items, size_t x, size_t y)
{
    const appraisal_rank_item *a = &items[x], *b = &items[y];
    int ta = a->tier < 0 ? TIER_COUNT : (int)a->tier, tb = b->tier < 0 ? TIER_COUNT : (int)b->tier;
    if (ta != tb) return ta < tb ? -1 : 1;
    long long ha = hundredths(a), hb = hundredths(b);
    if (ha != hb) return ha > hb ? -1 : 1;
    int c = strcmp(a->code ? a->code : "", b->code ? b->code : "");
    if (c) return c;
    return x < y ? -1 : x > y;
}

void appraisal_rank(const appraisal_rank_item *items, size_t n, int *rank, size_t *order)
{
    /* insertion sort: a city has a few hundred units at most, and qsort has no context
     * argument to hand the items to a comparator without a global */
    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        size_t j = i;
        while (j > 0 && cmp_rank(items, order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    int pos = 0, prev_tier = -2, prev_rank = 0;
    long long prev = -2;
    for (size_t k = 0; k < n; k++) {
        const appraisal_rank_item *it = &items[order[k]];
        if (it->tier < 0 || !it->has_composite) continue;
        if ((int)it->tier != prev_tier) {
            pos = 0;
            prev = -2;
            prev_tier = (int)it->tier;
        }
        pos++;
        long long h = hundredths(it);
        rank[order[k]] = h == prev ? prev_rank : pos;
        prev = h;
        prev_rank = rank[order[k]];
    }
}

/* ---- periods ------------------------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static int64_t month_start(int y, int m) { return civil_days_from_ymd(y, m, 1); }

/* The first day of the month k months after (y, m); k may be negative. */
static int64_t month_shift(int y, int m, int k)
{
    int idx = y * 12 + (m - 1) + k;
    return month_start(idx / 12, idx % 12 + 1);
}

int appraisal_period_parse(const char *period, const char *from, const char *to,
                           appraisal_period *out)
{
    memset(out, 0, sizeof *out);
    if (period) {
        size_t n = strlen(period);
        int y = 0, m = 0, q = 0;
        if (n < 4 || !digits(period, 4)) return HL_EINVAL;
        y = (period[0] - '0') * 1000 + (period[1] - '0') * 100 + (period[2] - '0') * 10 +
            (period[3] - '0');
        if (y < 1900 || y > 2999) return HL_EINVAL;
        int first_month, months;
        if (n == 4) {
            first_month = 1;
            months = 12;
        } else if (n == 7 && period[4] == '-' && digits(period + 5, 2)) {
            m = (period[5] - '0') * 10 + (period[6] - '0');
            if (m < 1 || m > 12) return HL_EINVAL;
            first_month = m;
            months = 1;
        } else if (n == 7 && period[4] == '-' && (period[5] == 'Q' || period[5] == 'q') &&
                   period[6] >= '1' && period[6] <= '4') {
            q = period[6] - '0';
            first_month = (q - 1) * 3 + 1;
            months = 3;
        } else
            return HL_EINVAL;
        out->from_day = month_start(y, first_month);
        out->to_day = month_shift(y, first_month, months) - 1;
        out->prev_from_day = month_shift(y, first_month, -months);
        out->prev_to_day = out->from_day - 1;
        snprintf(out->label, sizeof out->label, "%.7s", period);
        if (q) out->label[5] = 'Q';
        return 0;
    }
    if (!from || !to) return HL_EINVAL;
    if (civil_parse_date(from, strlen(from), &out->from_day) ||
        civil_parse_date(to, strlen(to), &out->to_day) || out->to_day < out->from_day)
        return HL_EINVAL;
    int64_t days = out->to_day - out->from_day + 1;
    if (days > 3660) return HL_ERANGE;
    out->prev_to_day = out->from_day - 1;
    out->prev_from_day = out->from_day - days;
    char a[11], b[11];
    civil_format_date(out->from_day, a);
    civil_format_date(out->to_day, b);
    snprintf(out->label, sizeof out->label, "%s..%s", a, b);
    return 0;
}

double appraisal_quantile(const int64_t *sorted, size_t n, double p)
{
    if (n == 0) return 0;
    if (p <= 0) return (double)sorted[0];
    if (p >= 1) return (double)sorted[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return (double)sorted[n - 1];
    double frac = h - (double)lo;
    return (double)sorted[lo] + frac * (double)(sorted[lo + 1] - sorted[lo]);
}

/* Moves the k-th smallest value to v[k], smaller ones before it, larger ones after (Hoare's
 * selection with a middle pivot; the durations it serves are not adversarial). */
static int64_t select_kth(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                int64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
    return v[k];
}

double appraisal_quantile_select(int64_t *v, size_t n, double p)
{
    if (n == 0) return 0;
    if (p < 0) p = 0;
    if (p > 1) p = 1;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    double a = (double)select_kth(v, n, lo), frac = h - (double)lo;
    if (lo + 1 >= n || frac == 0) return a;
    int64_t next = v[lo + 1]; /* everything after lo is >= v[lo]: the next value is their min */
    for (size_t i = lo + 2; i < n; i++)
        if (v[i] < next) next = v[i];
    return a + frac * ((double)next - a);
}
