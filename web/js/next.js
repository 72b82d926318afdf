// next.js — where the login page may send the browser afterwards (?next=): only to a path of
// this site. The value is parsed as the browser will parse it, not matched by prefix: a URL
// parser reads `/\evil.example` as `//evil.example` and drops a TAB or newline inside
// (`/<TAB>/evil.example`), so both leave the site although they begin with one slash.

/** The path (with query and fragment) that next names on origin, or null when it is not a
 *  plain same-origin path: it must begin with one '/', hold no backslash or control
 *  character, and parse to the same origin. */
export function sameOriginPath(next, origin) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  let u;
  try { u = new URL(next, origin); } catch { return null; }
  if (u.origin !== origin) return null;
  return u.pathname + u.search + u.hash;
}
