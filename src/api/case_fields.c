/* case_fields.c — the JSON bodies requests take: registration (staff and portal) and each
 * lifecycle action. One table each, read by the handlers and by the fuzz target. */
#include "api/case_fields.h"
#include <stdint.h>

const json_field case_register_fields[] = {
    {"caller_name", JF_STRING, false, false, 0, 50},
    {"caller_phone", JF_STRING, false, false, 0, 24},
    {"channel", JF_STRING, false, false, 1, 20},
    {"request_type", JF_STRING, false, false, 1, 20},
    {"category_id", JF_INT, true, false, 1, INT32_MAX},
    {"urgency", JF_STRING, false, false, 1, 10},
    {"confidential", JF_BOOL, false, false, 0, 0},
    {"district_id", JF_INT, false, true, 1, INT32_MAX},
    {"street_id", JF_INT, false, true, 1, INT32_MAX},
    {"address", JF_STRING, false, false, 0, 200},
    {"lat", JF_NUMBER, false, true, -90, 90},
    {"lng", JF_NUMBER, false, true, -180, 180},
    {"title", JF_STRING, false, false, 0, 100},
    {"text", JF_STRING, true, false, 1, 4000},
};
const size_t case_register_nfields = sizeof case_register_fields / sizeof case_register_fields[0];

/* What a resident may say through the portal: no channel, type or urgency (the category
 * decides those), and a phone to track the request with. */
const json_field case_portal_fields[] = {
    {"caller_name", JF_STRING, false, false, 0, 50},
    {"caller_phone", JF_STRING, true, false, 7, 24},
    {"category_id", JF_INT, true, false, 1, INT32_MAX},
    {"confidential", JF_BOOL, false, false, 0, 0},
    {"district_id", JF_INT, false, true, 1, INT32_MAX},
    {"street_id", JF_INT, false, true, 1, INT32_MAX},
    {"address", JF_STRING, false, false, 0, 200},
    {"lat", JF_NUMBER, false, true, -90, 90},
    {"lng", JF_NUMBER, false, true, -180, 180},
    {"title", JF_STRING, false, false, 0, 100},
    {"text", JF_STRING, true, false, 1, 4000},
};
const size_t case_portal_nfields = sizeof case_portal_fields / sizeof case_portal_fields[0];

#define NOTE {"note", JF_STRING, false, false, 0, 2000}

static const json_field f_answer[] = {{"answer", JF_STRING, true, false, 1, 4000},
                                      {"article_id", JF_INT, false, true, 1, INT32_MAX}};
static const json_field f_reason[] = {{"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_opt_reason[] = {{"reason", JF_STRING, false, false, 0, 1000}};
static const json_field f_merge[] = {{"into", JF_INT, true, false, 1, INT64_MAX}, NOTE};
static const json_field f_dispatch[] = {{"unit_id", JF_INT, true, false, 1, INT32_MAX},
                                        {"co_unit_ids", JF_ARRAY, false, false, 0, 5},
                                        NOTE};
static const json_field f_redispatch[] = {{"unit_id", JF_INT, true, false, 1, INT32_MAX}, NOTE};
static const json_field f_note[] = {NOTE};
static const json_field f_progress[] = {{"note", JF_STRING, true, false, 1, 2000}};
static const json_field f_return[] = {{"reason", JF_STRING, true, false, 1, 1000},
                                      {"basis", JF_STRING, true, false, 1, 1000}};
static const json_field f_extension[] = {{"until", JF_STRING, true, false, 10, 40},
                                         {"reason", JF_STRING, true, false, 1, 1000}};
static const json_field f_reply[] = {{"reply", JF_STRING, true, false, 1, 4000}};
static const json_field f_visit[] = {{"reachable", JF_BOOL, true, false, 0, 0},
                                     {"solved", JF_BOOL, false, false, 0, 0},
                                     {"satisfaction", JF_STRING, false, false, 1, 20},
                                     NOTE};

#define FIELDS(f) f, sizeof f / sizeof f[0]

static const struct {
    case_action action;
    const json_field *fields;
    size_t n;
} action_fields[] = {
    {ACT_ANSWER, FIELDS(f_answer)},
    {ACT_INVALIDATE, FIELDS(f_reason)},
    {ACT_MERGE, FIELDS(f_merge)},
    {ACT_DISPATCH, FIELDS(f_dispatch)},
    {ACT_REDISPATCH, FIELDS(f_redispatch)},
    {ACT_SIGN, FIELDS(f_note)},
    {ACT_REQUEST_RETURN, FIELDS(f_return)},
    {ACT_APPROVE_RETURN, FIELDS(f_opt_reason)},
    {ACT_REJECT_RETURN, FIELDS(f_reason)},
    {ACT_REQUEST_EXTENSION, FIELDS(f_extension)},
    {ACT_APPROVE_EXTENSION, FIELDS(f_opt_reason)},
    {ACT_REJECT_EXTENSION, FIELDS(f_reason)},
    {ACT_URGE, FIELDS(f_note)},
    {ACT_SUPERVISE, FIELDS(f_note)},
    {ACT_PROGRESS, FIELDS(f_progress)},
    {ACT_REPLY, FIELDS(f_reply)},
    {ACT_VISIT, FIELDS(f_visit)},
    {ACT_REOPEN, FIELDS(f_reason)},
    {ACT_CLOSE, FIELDS(f_note)},
};

bool case_action_fields(case_action a, const json_field **fields, size_t *n)
{
    for (size_t i = 0; i < sizeof action_fields / sizeof action_fields[0]; i++)
        if (action_fields[i].action == a) {
            *fields = action_fields[i].fields;
            *n = action_fields[i].n;
            return true;
        }
    return false;
}
