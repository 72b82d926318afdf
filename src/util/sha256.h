/* sha256.h — the SHA-256 of a byte string as 64 lowercase hex digits (libsodium's
 * crypto_hash_sha256): the address of an attachment's content (store/attachments.h). */
#ifndef HOTLINE_UTIL_SHA256_H
#define HOTLINE_UTIL_SHA256_H
#include <stddef.h>

#define SHA256_HEX_LEN 64

/* Writes the hex digest and a NUL into out. */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);

#endif
