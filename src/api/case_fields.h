/* case_fields.h — the field tables of request bodies (see case_fields.c). */
#ifndef HOTLINE_API_CASE_FIELDS_H
#define HOTLINE_API_CASE_FIELDS_H
#include "http/json_check.h"
#include <stdbool.h>
#include <stddef.h>

extern const json_field case_register_fields[]; /* POST /api/cases */
extern const size_t case_register_nfields;
extern const json_field case_portal_fields[]; /* POST /api/public/cases */
extern const size_t case_portal_nfields;

#endif
