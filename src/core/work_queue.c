/* work_queue.c — see work_queue.h. */
#include "core/work_queue.h"
#include "core/lifecycle.h"
#include <string.h>

#define BIT(s) (1u << (s))
/* every state but the two that end a request */
#define OPEN (((1u << CASE_STATE_COUNT) - 1) & ~(BIT(CASE_CLOSED) | BIT(CASE_MERGED)))

static const work_queue queues[] = {
    {.name = "to_dispatch", .states = BIT(CASE_REGISTERED)},
    {.name = "to_sign", .states = BIT(CASE_DISPATCHED)},
    {.name = "in_hand", .states = BIT(CASE_SIGNED)},
    {.name = "due_soon", .states = OPEN, .due_within_s = WORK_QUEUE_DUE_SOON_S},
    {.name = "overdue", .states = OPEN, .overdue = true},
    {.name = "returns", .states = BIT(CASE_RETURN_PENDING)},
    {.name = "extensions", .extension_pending = true},
    {.name = "to_visit", .states = BIT(CASE_REPLIED) | BIT(CASE_VISITED), .no_valid_visit = true},
};

#define NQUEUES (sizeof queues / sizeof queues[0])

const work_queue *work_queue_find(const char *name)
{
    for (size_t i = 0; name && i < NQUEUES; i++)
        if (strcmp(name, queues[i].name) == 0) return &queues[i];
    return NULL;
}

const work_queue *work_queue_at(size_t i) { return i < NQUEUES ? &queues[i] : NULL; }

size_t work_queue_count(void) { return NQUEUES; }
