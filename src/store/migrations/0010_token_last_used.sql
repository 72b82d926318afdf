-- 0010: when each API token was last used, so that an administrator can tell a token an
-- integrator still relies on from a forgotten one worth revoking. Noted at most once a minute
-- per token (store_token_lookup), so an integrator's traffic does not become a write each.
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
