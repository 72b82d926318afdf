/* bulk_fold.c — see bulk_fold.h. */
#include "store/bulk_fold.h"
#include "util/err.h"

int bulk_fold_history(const store_bulk_case *bc, bulk_fold *f)
{
    *f = (bulk_fold){0};
    const store_case *k = &bc->k;
    int rc = bc->nevents && k->channel && k->text ? 0 : HL_EINVAL;
    for (size_t j = 0; !rc && j < bc->nevents; j++) {
        const store_case_event *ev = &bc->events[j];
        if ((j == 0) != (ev->ev.action == ACT_REGISTER)) return HL_ESTATE;
        rc = lifecycle_apply(&f->snap, &ev->ev);
        const char *reply = lifecycle_reply_text(ev->ev.action, ev->body);
        if (reply) f->reply_text = reply;
        case_event next;
        if (!rc && lifecycle_follow_up(&f->snap, &ev->ev, &next, &f->follow.reason)) {
            rc = lifecycle_apply(&f->snap, &next);
            f->follow.ev = next;
            f->follow.is_public = lifecycle_spec_of(next.action)->is_public;
            f->follow_after = j;
        }
    }
    return rc;
}
