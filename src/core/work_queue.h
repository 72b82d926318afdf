/* work_queue.h — the desks' work lists (GET /api/queues/:name): which requests each holds.
 * The one table of them; the API reads a queue's conditions here and the store's query builder
 * turns them into its query. Every queue is sorted by the running stage's due time. Pure. */
#ifndef HOTLINE_CORE_WORK_QUEUE_H
#define HOTLINE_CORE_WORK_QUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WORK_QUEUE_DUE_SOON_S (24 * 3600) /* "due soon": falls due within a day */

/* A request is in a queue when every condition holds. */
typedef struct {
    const char *name;
    uint32_t states;        /* bits (1u << case_state) the request's state is one of; 0: any */
    bool no_valid_visit;    /* not visited, or visited without a valid visit (not reached) */
    bool extension_pending; /* a unit's request for more time awaits the dispatcher */
    bool overdue;           /* the running stage's due time has passed */
    int64_t due_within_s;   /* > 0: the running stage falls due within this many seconds and
                               has not passed yet */
} work_queue;

/*   to_dispatch  registered, not yet dispatched          (dispatchers)
 *   to_sign      dispatched, not yet signed for          (units)
 *   in_hand      signed for, not yet replied             (units)
 *   due_soon     open, due within WORK_QUEUE_DUE_SOON_S  (dispatchers, units, supervisors)
 *   overdue      open, past its due time                 (dispatchers, units, supervisors)
 *   returns      a unit asked to return it               (dispatchers)
 *   extensions   a unit asked for more time              (dispatchers)
 *   to_visit     replied, or visited without reaching the resident (return-visit agents)
 * The queue called name, or NULL. */
const work_queue *work_queue_find(const char *name);
/* The i-th queue of the table (i < work_queue_count()), for listing them. */
const work_queue *work_queue_at(size_t i);
size_t work_queue_count(void);

#endif
