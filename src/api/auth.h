/* auth.h — who is calling: session cookies, API tokens, passwords.
 * Secrets are random (libsodium), and only their hashes are stored: passwords as Argon2id,
 * session and API tokens as BLAKE2b (they are long and random, so a fast hash suffices). */
#ifndef HOTLINE_API_AUTH_H
#define HOTLINE_API_AUTH_H
#include "util/err.h"
#include "api/api.h"

#define AUTH_COOKIE "hotline_session"
#define AUTH_TOKEN_PREFIX "htk_"

/* Fills c->authed/c->user from the session cookie or the Authorization: Bearer token.
 * An unknown or expired credential leaves the caller anonymous (routes then answer 401).
 * Non-zero (HL_DONE, the refusal recorded) only when the store failed. */
HL_MUST_CHECK int auth_identify(api_ctx *c);
/* The user an API token (htk_…) belongs to: HL_ENOTFOUND for a malformed, unknown or revoked
 * token. The store keeps only the token's hash. */
HL_MUST_CHECK int auth_token_user(api_ctx *c, const char *token, store_user *out);
/* True when the X-CSRF-Token header matches the session's token. */
bool auth_csrf_ok(api_ctx *c);
/* Argon2id hash of a password into out (crypto_pwhash_STRBYTES). 0 or HL_ENOMEM. */
HL_MUST_CHECK int auth_hash_password(const char *password, char *out, size_t outcap);
/* Password policy: 8..128 bytes. */
bool auth_password_acceptable(const char *password);

#endif
