-- 0012: sessions keep no CSRF token. It is derived from the session cookie (api/auth.c), and
-- the column has held '' since 0005; nothing reads it.
ALTER TABLE sessions DROP COLUMN csrf_token;
