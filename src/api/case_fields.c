/* case_fields.c — the JSON bodies a registration takes, from staff and from the portal. (The
 * body of each later action is in core's action specification, core/lifecycle_spec.c.) Read
 * by the handlers and by the fuzz target. */
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
