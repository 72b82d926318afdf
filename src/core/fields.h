/* fields.h — the description of a body field a request takes: name, type, whether it must be
 * there, and its bounds. Pure data: core states which fields each action takes (lifecycle.h),
 * and http/json_check.c checks a JSON body against such a table. */
#ifndef HOTLINE_CORE_FIELDS_H
#define HOTLINE_CORE_FIELDS_H
#include <stdbool.h>

typedef enum {
    JF_STRING = 0, /* string; min/max bound its length in Unicode characters */
    JF_INT,        /* integer (not real); min/max bound its value */
    JF_BOOL,
    JF_NUMBER, /* integer or real; min/max bound its value */
    JF_ARRAY,  /* min/max bound its number of elements */
    JF_OBJECT,
} json_field_type;

typedef struct {
    const char *name;
    json_field_type type;
    bool required;
    bool nullable; /* JSON null accepted (and treated as "absent") */
    long long min, max; /* both 0 = unbounded */
} json_field;

#endif
