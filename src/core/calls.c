/* calls.c — see calls.h. */
#include "core/calls.h"
#include "util/err.h"
#include <string.h>

static const char *const event_names[CALL_EVENT_COUNT] = {"offered", "answered", "ended"};

const char *call_event_name(call_event e)
{
    return (unsigned)e < CALL_EVENT_COUNT ? event_names[e] : "";
}

int call_event_parse(const char *s, call_event *out)
{
    for (int i = 0; s && i < CALL_EVENT_COUNT; i++)
        if (strcmp(s, event_names[i]) == 0) {
            *out = (call_event)i;
            return 0;
        }
    return HL_EINVAL;
}

static int64_t latest(const call_times *t)
{
    int64_t m = t->offered_at;
    if (t->answered_at > m) m = t->answered_at;
    if (t->ended_at > m) m = t->ended_at;
    return m;
}

int call_apply(call_times *t, call_event e, int64_t at, bool *changed)
{
    *changed = false;
    if (at <= 0 || (unsigned)e >= CALL_EVENT_COUNT) return HL_EINVAL;
    switch (e) {
    case CALL_OFFERED:
        /* an offer after the switch reported the answer or the end is late news of an earlier
         * moment: the times already placed the call, and the offer cannot be checked */
        if (t->offered_at || t->answered_at || t->ended_at) return 0;
        t->offered_at = at;
        break;
    case CALL_ANSWERED:
        if (t->answered_at) return 0;
        if (t->ended_at) return HL_ESTATE;
        if (at < latest(t)) return HL_EINVAL;
        t->answered_at = at;
        break;
    case CALL_ENDED:
        if (t->ended_at) return 0;
        if (at < latest(t)) return HL_EINVAL;
        t->ended_at = at;
        break;
    default: return HL_EINVAL;
    }
    *changed = true;
    return 0;
}

int64_t call_placed_at(const call_times *t)
{
    return t->offered_at ? t->offered_at : t->answered_at ? t->answered_at : t->ended_at;
}

bool call_abandoned(const call_times *t) { return t->ended_at && !t->answered_at; }

int64_t call_wait_seconds(const call_times *t)
{
    return t->offered_at && t->answered_at ? t->answered_at - t->offered_at : -1;
}

int64_t call_talk_seconds(const call_times *t)
{
    return t->answered_at && t->ended_at ? t->ended_at - t->answered_at : -1;
}

bool call_in_progress(const call_times *t, int64_t now)
{
    return t->answered_at && (!t->ended_at || now - t->ended_at < CALL_RECENT_S);
}

void call_count(call_counts *c, const call_times *t)
{
    c->offered++;
    if (t->answered_at) c->answered++;
    if (call_abandoned(t)) c->abandoned++;
    int64_t wait = call_wait_seconds(t), talk = call_talk_seconds(t);
    if (wait >= 0) {
        c->wait_sum += wait;
        c->wait_n++;
        if (wait <= CALL_ANSWER_TARGET_S) c->answered_15s++;
    }
    if (talk >= 0) {
        c->talk_sum += talk;
        c->talk_n++;
    }
}

void call_counts_add(call_counts *into, const call_counts *x)
{
    into->offered += x->offered;
    into->answered += x->answered;
    into->abandoned += x->abandoned;
    into->answered_15s += x->answered_15s;
    into->wait_sum += x->wait_sum;
    into->wait_n += x->wait_n;
    into->talk_sum += x->talk_sum;
    into->talk_n += x->talk_n;
}

void call_figures_of(const call_counts *c, call_figures *out)
{
    memset(out, 0, sizeof *out);
    if (c->offered > 0) {
        out->has_rates = true;
        out->answer_rate = (double)c->answered / (double)c->offered;
        out->answer_15s_rate = (double)c->answered_15s / (double)c->offered;
    }
    if (c->wait_n > 0) {
        out->has_avg_wait = true;
        out->avg_wait_s = (double)c->wait_sum / (double)c->wait_n;
    }
    if (c->talk_n > 0) {
        out->has_avg_talk = true;
        out->avg_talk_s = (double)c->talk_sum / (double)c->talk_n;
    }
}
