/* taxonomy.c — the closed vocabularies of the domain (names <-> enums) and the unit tree rules. */
#include "core/taxonomy.h"
#include "util/err.h"

#include <stddef.h>
#include <string.h>

static const char *const unit_kind_names[UNIT_KIND_COUNT] = {
    [UNIT_CENTRE] = "centre",         [UNIT_DISTRICT] = "district", [UNIT_STREET] = "street",
    [UNIT_DEPARTMENT] = "department", [UNIT_UTILITY] = "utility",
};

static const char *const request_type_names[REQ_TYPE_COUNT] = {
    [REQ_CONSULTATION] = "consultation", [REQ_HELP] = "help",
    [REQ_COMPLAINT] = "complaint",       [REQ_REPORT] = "report",
    [REQ_SUGGESTION] = "suggestion",     [REQ_PRAISE] = "praise",
};

static const char *const urgency_names[URGENCY_COUNT] = {
    [URGENCY_NORMAL] = "normal",
    [URGENCY_URGENT] = "urgent",
};

static const char *const stage_names[STAGE_COUNT] = {
    [STAGE_DISPATCH] = "dispatch", [STAGE_SIGN] = "sign",   [STAGE_RETURN] = "return",
    [STAGE_REPLY] = "reply",       [STAGE_VISIT] = "visit",
};

static const char *const channel_names[] = {
    "phone", "web", "open311", "app", "wechat", "email", "grid", "province", "letter", "video",
};

/* Shared lookup for every vocabulary: index of s in names, or -1. */
static int find_name(const char *const *names, size_t count, const char *s)
{
    if (!s) return -1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0) return (int)i;
    return -1;
}

/* Names are never NULL: a corrupt enum value from storage yields "unknown", not a crash. */
static const char *name_at(const char *const *names, size_t count, int v)
{
    if (v < 0 || (size_t)v >= count) return "unknown";
    return names[v];
}

const char *unit_kind_name(unit_kind k)
{
    return name_at(unit_kind_names, UNIT_KIND_COUNT, (int)k);
}

int unit_kind_parse(const char *s, unit_kind *out)
{
    int i = find_name(unit_kind_names, UNIT_KIND_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (unit_kind)i;
    return 0;
}

const char *request_type_name(request_type t)
{
    return name_at(request_type_names, REQ_TYPE_COUNT, (int)t);
}

int request_type_parse(const char *s, request_type *out)
{
    int i = find_name(request_type_names, REQ_TYPE_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (request_type)i;
    return 0;
}

const char *urgency_name(urgency u)
{
    return name_at(urgency_names, URGENCY_COUNT, (int)u);
}

int urgency_parse(const char *s, urgency *out)
{
    int i = find_name(urgency_names, URGENCY_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (urgency)i;
    return 0;
}

const char *stage_name(stage s)
{
    return name_at(stage_names, STAGE_COUNT, (int)s);
}

int stage_parse(const char *s, stage *out)
{
    int i = find_name(stage_names, STAGE_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (stage)i;
    return 0;
}

bool unit_parent_allowed(unit_kind child, unit_kind parent)
{
    switch (child) {
    case UNIT_CENTRE:
        return false; /* the root: nothing may be above it */
    case UNIT_DISTRICT:
        return parent == UNIT_CENTRE;
    case UNIT_STREET:
        return parent == UNIT_DISTRICT;
    /* Departments and utilities nest in themselves (sub-offices, branches). */
    case UNIT_DEPARTMENT:
        return parent == UNIT_CENTRE || parent == UNIT_DEPARTMENT;
    case UNIT_UTILITY:
        return parent == UNIT_CENTRE || parent == UNIT_UTILITY;
    default:
        return false;
    }
}

bool channel_valid(const char *s)
{
    return find_name(channel_names, sizeof channel_names / sizeof channel_names[0], s) >= 0;
}
