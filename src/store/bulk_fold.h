/* bulk_fold.h — a whole imported history folded in memory, as store_case_act would write it
 * event by event: the one fold both backends' bulk imports use (store_bulk_import). Engine-free:
 * core's lifecycle does the work. */
#ifndef HOTLINE_STORE_BULK_FOLD_H
#define HOTLINE_STORE_BULK_FOLD_H
#include "store/import.h"

typedef struct {
    case_snapshot snap;      /* the row the history gives */
    const char *reply_text;  /* the reply the resident is shown (NULL: none said) */
    size_t follow_after;     /* the event the log's own follow-up comes after */
    store_case_event follow; /* that follow-up (action ACT_REGISTER when there is none) */
} bulk_fold;

/* Folds bc's events (register first) with lifecycle_apply, the reply text
 * (lifecycle_reply_text) and the follow-up the log gains by itself (lifecycle_follow_up).
 * HL_EINVAL for a history without events, channel or text; HL_ESTATE when register is not
 * first (or comes again); else lifecycle's refusal. */
HL_MUST_CHECK int bulk_fold_history(const store_bulk_case *bc, bulk_fold *f);

#endif
