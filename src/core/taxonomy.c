/* taxonomy.c — the closed vocabularies of the domain (names <-> enums) and the unit tree rules. */
#include "core/taxonomy.h"
#include "util/err.h"

#include <stddef.h>
#include "core/names.h"
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

const char *unit_kind_name(unit_kind k)
{
    return names_at(unit_kind_names, UNIT_KIND_COUNT, (int)k);
}

int unit_kind_parse(const char *s, unit_kind *out)
{
    int i = names_find(unit_kind_names, UNIT_KIND_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (unit_kind)i;
    return 0;
}

const char *request_type_name(request_type t)
{
    return names_at(request_type_names, REQ_TYPE_COUNT, (int)t);
}

int request_type_parse(const char *s, request_type *out)
{
    int i = names_find(request_type_names, REQ_TYPE_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (request_type)i;
    return 0;
}

const char *urgency_name(urgency u)
{
    return names_at(urgency_names, URGENCY_COUNT, (int)u);
}

int urgency_parse(const char *s, urgency *out)
{
    int i = names_find(urgency_names, URGENCY_COUNT, s);
    if (i < 0 || !out) return HL_EINVAL;
    *out = (urgency)i;
    return 0;
}

const char *stage_name(stage s)
{
    return names_at(stage_names, STAGE_COUNT, (int)s);
}

int stage_parse(const char *s, stage *out)
{
    int i = names_find(stage_names, STAGE_COUNT, s);
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
    return names_find(channel_names, sizeof channel_names / sizeof channel_names[0], s) >= 0;
}
