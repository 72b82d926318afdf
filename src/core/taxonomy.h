/* taxonomy.h — the closed vocabularies of the domain and the shape rules of its trees:
 * unit kinds and which may sit under which, category levels, request types, urgencies,
 * channels and deadline stages. Pure. */
#ifndef HOTLINE_CORE_TAXONOMY_H
#define HOTLINE_CORE_TAXONOMY_H
#include "util/err.h"
#include <stdbool.h>

typedef enum {
    UNIT_CENTRE = 0, /* the hotline centre: the root, one only */
    UNIT_DISTRICT,   /* 区/县 */
    UNIT_STREET,     /* 街道/乡镇, under a district */
    UNIT_DEPARTMENT, /* city department, under the centre; sub-offices under a department */
    UNIT_UTILITY,    /* water, power, gas, heating company; branches under a utility */
    UNIT_KIND_COUNT
} unit_kind;

typedef enum {
    REQ_CONSULTATION = 0, /* 咨询 */
    REQ_HELP,             /* 求助 */
    REQ_COMPLAINT,        /* 投诉 */
    REQ_REPORT,           /* 举报 */
    REQ_SUGGESTION,       /* 意见建议 */
    REQ_PRAISE,           /* 表扬 */
    REQ_TYPE_COUNT
} request_type;

typedef enum { URGENCY_NORMAL = 0, URGENCY_URGENT, URGENCY_COUNT } urgency;

typedef enum {
    STAGE_DISPATCH = 0, /* from registering to dispatch */
    STAGE_SIGN,         /* from dispatch to sign-for */
    STAGE_RETURN,       /* return window after dispatch */
    STAGE_REPLY,        /* from signing to reply */
    STAGE_VISIT,        /* from reply to return visit */
    STAGE_COUNT
} stage;

#define CATEGORY_MAX_LEVEL 3

/* Names are lower-case ASCII: "centre","district","street","department","utility";
 * "consultation","help","complaint","report","suggestion","praise"; "normal","urgent";
 * "dispatch","sign","return","reply","visit". Parse functions return 0 or HL_EINVAL. */
const char *unit_kind_name(unit_kind k);
HL_MUST_CHECK int unit_kind_parse(const char *s, unit_kind *out);
const char *request_type_name(request_type t);
HL_MUST_CHECK int request_type_parse(const char *s, request_type *out);
const char *urgency_name(urgency u);
HL_MUST_CHECK int urgency_parse(const char *s, urgency *out);
const char *stage_name(stage s);
HL_MUST_CHECK int stage_parse(const char *s, stage *out);

/* May a unit of kind `child` sit under a unit of kind `parent`? The centre is the root and
 * has no parent; districts, departments and utilities sit under the centre; streets under a
 * district; departments under a department; utilities under a utility. */
bool unit_parent_allowed(unit_kind child, unit_kind parent);

/* Channels a request may come through: "phone","web","open311","app","wechat","email",
 * "grid" (grid patrol), "province" (provincial platform transfer), "letter" (mayor's mailbox),
 * "video" (video surveillance). */
bool channel_valid(const char *s);

#endif
