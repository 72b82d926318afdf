// api.js — the one way the pages talk to the server: JSON in and out, the session's CSRF
// token on every write, and errors as ApiError carrying the server's {code, message, field}.
// The first answer a page loads (the session, or the portal's public catalogue) gives the
// city's UTC offset, in which every date is shown and sent; what the user may read follows
// from the session's role (`may`); lookups made while typing go through `latest`.

let csrf = null;
let me = null;
let offsetMin = null; // the city's offset from UTC in minutes, from the server

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || (status ? `HTTP ${status}` : 'network error'));
    this.status = status;
    this.code = e.code || (status ? `http_${status}` : 'network');
    this.field = e.field || null;
    this.state = e.state || null;
    this.allowed = e.allowed_actions || null;
    this.index = e.index ?? null; // the element of an array field at fault (sensitive words)
  }
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  let r;
  try {
    r = await fetch(path, {
      method, headers, credentials: 'same-origin', signal: opts.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  const type = r.headers.get('Content-Type') || '';
  const data = r.status === 204 ? null
    : type.includes('json') ? await r.json().catch(() => null) : await r.text().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, typeof data === 'object' ? data : null);
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);

/** ?a=1&b=2 from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** The logged-in user (and the CSRF token and the city's offset), or null. */
export async function session() {
  try {
    const r = await get('/api/auth/me');
    csrf = r.csrf_token || null;
    me = r.user;
    offsetMin = r.utc_offset_min;
    return me;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export function currentUser() { return me; }

export async function login(username, password) {
  const r = await post('/api/auth/login', { username, password });
  csrf = r.csrf_token;
  me = r.user;
  offsetMin = r.utc_offset_min;
  return me;
}

/** The resident portal's catalogue (GET /api/public/catalog, no login), which gives the city's
 *  offset as the session does for staff. */
export async function publicCatalog() {
  const r = await get('/api/public/catalog');
  offsetMin = r.utc_offset_min;
  return r;
}

/** The city's offset from UTC in minutes, as the server gave it; asking before the first answer
 *  is a bug of the page, not a reason to guess a zone. */
export function cityOffsetMin() {
  if (offsetMin === null || offsetMin === undefined) throw new Error('the city\'s UTC offset is not known yet');
  return offsetMin;
}

export async function logout() {
  try { await post('/api/auth/logout'); } catch { /* the cookie goes anyway */ }
  csrf = null;
  me = null;
}

/** The roles that may read each of these, as the server's route tables (and docs/api.md) give
 *  them: a page shows a panel only to the roles the server would answer. */
const READERS = {
  analytics: ['dispatcher', 'supervisor', 'admin'], // GET /api/analytics/* (volume, calls)
  overdue: ['dispatcher', 'supervisor', 'admin', 'handler'], // GET /api/analytics/overdue
  appraisal: ['dispatcher', 'supervisor', 'admin', 'handler'], // GET /api/appraisal
  clusters: ['calltaker', 'dispatcher', 'visitor', 'supervisor', 'admin'], // GET /api/clusters
  suggestions: ['calltaker', 'dispatcher'], // GET /api/suggest, /api/cases/:id/suggestions
};
/** Whether the logged-in user may read `what` (a key of READERS). */
export function may(what) {
  return !!me && READERS[what].includes(me.role);
}

/** Lookups made while typing (or stepping through a list): only the latest counts.
 *  `const q = lookups.next()` starts a turn and ends the one before: its fetches are aborted,
 *  and those of its promises still pending never settle, so the code awaiting them stops there
 *  (no drawing, no error shown). `q.get(path)` fetches within the turn, `q.hold(promise)` makes
 *  any promise (a getAll) end with it, `q.signal` aborts with it. `cancel()` ends the turn
 *  without starting one (the box was emptied). */
export function latest() {
  let ctl = null;
  return {
    next() {
      if (ctl) ctl.abort();
      const mine = new AbortController();
      ctl = mine;
      const hold = (p) => new Promise((resolve, reject) => {
        p.then((v) => { if (ctl === mine) resolve(v); }, (e) => { if (ctl === mine) reject(e); });
      });
      return { signal: mine.signal, hold, get: (path) => hold(get(path, { signal: mine.signal })) };
    },
    cancel() {
      if (ctl) ctl.abort();
      ctl = null;
    },
  };
}

/** All items of a paged list (search or work list), up to `max`. */
export async function getAll(path, params = {}, max = 2000, opts = {}) {
  const out = [];
  let page = 1;
  for (;;) {
    const r = await get(path + qs({ ...params, page, page_size: 200 }), opts);
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0 || out.length >= max) return { total: r.total, items: out };
    page++;
  }
}
