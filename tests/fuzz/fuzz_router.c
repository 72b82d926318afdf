/* fuzz_router.c — libFuzzer target for http/router: byte 0 picks the method, rest is the path. */
#include "http/router.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static router *routes(void)
{
    static const struct {
        const char *method, *pattern;
    } table[] = {
        {"GET", "/"},
        {"GET", "/api/units"},
        {"POST", "/api/units"},
        {"GET", "/api/units/tree"},
        {"GET", "/api/units/:id"},
        {"PATCH", "/api/units/:id"},
        {"DELETE", "/api/units/:id"},
        {"GET", "/api/units/:id/users/:uid"},
        {"GET", "/api/cases/:id/events"},
        {"POST", "/open311/v2/requests.json"},
        {"GET", "/open311/v2/requests/:id"},
        {"GET", "/static/*"},
    };
    router *r = router_new();
    if (!r) abort();
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (router_add(r, table[i].method, table[i].pattern, (void *)(table + i))) abort();
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static router *r;
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    if (!r) r = routes();
    if (size == 0) return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    /* an exact-size copy, so that ASan catches any read past the path */
    size_t n = size - 1;
    char *path = malloc(n ? n : 1);
    if (!path) return 0;
    memcpy(path, data + 1, n);
    route_match m;
    char allow[32];
    size_t cap = 1 + (data[0] >> 3); /* 1..32: small on purpose, exercises truncation */
    int rc = router_match(r, method, path, n, &m, allow, cap);
    if (rc == 0) {
        if (!m.data || m.nparams < 0 || m.nparams > ROUTER_MAX_PARAMS) abort();
        for (int i = 0; i < m.nparams; i++) {
            const route_param *p = &m.params[i];
            if (p->len && (p->val < path || p->val + p->len > path + n)) abort();
            if (route_param_get(&m, p->name) != p) abort();
            if (memchr(p->val, '/', p->len) && strcmp(p->name, "*") != 0) abort();
        }
    } else if (rc == HL_ECONFLICT) {
        if (strnlen(allow, cap) >= cap) abort();
    } else if (rc != HL_ENOTFOUND) {
        abort();
    }
    free(path);
    return 0;
}
