/* open311_internal.h — what store/open311.c and store/open311_search.c share (internal to
 * src/store/); the import id expression also serves store/bulk_import.c. */
#ifndef HOTLINE_STORE_OPEN311_INTERNAL_H
#define HOTLINE_STORE_OPEN311_INTERNAL_H

/* The import id of a register event, spelled exactly as migration 0004's partial index
 * case_events_import_id spells it (with "action='register' AND extra IS NOT NULL"), so that
 * SQLite uses the index. */
#define STORE_IMPORT_ID_EXPR                                                                   \
    "(CASE WHEN json_valid(extra) THEN json_extract(extra, '$.import_id') END)"

#endif
