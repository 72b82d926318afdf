/* sha256.c — see sha256.h. */
#include "util/sha256.h"
#include <sodium.h>

void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    sodium_bin2hex(out, SHA256_HEX_LEN + 1, h, sizeof h);
}
