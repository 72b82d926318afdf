/* names.h — the lookup shared by every closed vocabulary of the domain (roles, states,
 * actions, unit kinds, ...): enum value ↔ its stable lower-case name. Pure. */
#ifndef HOTLINE_CORE_NAMES_H
#define HOTLINE_CORE_NAMES_H
#include <stddef.h>

/* Index of s in names[0..count), or -1 (also for NULL). */
int names_find(const char *const *names, size_t count, const char *s);
/* names[v], or "unknown" for a value out of range: a corrupt value read from storage must
 * not crash a log line or a JSON writer. Never NULL. */
const char *names_at(const char *const *names, size_t count, int v);

#endif
