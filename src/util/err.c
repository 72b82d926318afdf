/* err.c — names of the HL_E* codes, for logs and JSON errors. */
#include "util/err.h"

const char *hl_strerror(int rc)
{
    switch (rc) {
    case HL_OK: return "ok";
    case HL_ENOMEM: return "out_of_memory";
    case HL_EINVAL: return "invalid";
    case HL_ENOTFOUND: return "not_found";
    case HL_ECONFLICT: return "conflict";
    case HL_EIO: return "storage_error";
    case HL_EFULL: return "storage_full";
    case HL_ERANGE: return "out_of_range";
    case HL_EBUSY: return "busy";
    case HL_EREADONLY: return "storage_read_only";
    case HL_EREF: return "bad_reference";
    case HL_EFORBIDDEN: return "forbidden";
    case HL_ESTATE: return "illegal_transition";
    case HL_EUNAVAIL: return "store_unavailable";
    case HL_DONE: return "refused";
    default: return "error";
    }
}
