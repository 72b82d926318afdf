// api.js — the one way the pages talk to the server: JSON in and out, the session's CSRF
// token on every write, and errors as ApiError carrying the server's {code, message, field}.

let csrf = null;
let me = null;

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || (status ? `HTTP ${status}` : 'network error'));
    this.status = status;
    this.code = e.code || (status ? `http_${status}` : 'network');
    this.field = e.field || null;
    this.state = e.state || null;
    this.allowed = e.allowed_actions || null;
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

/** The logged-in user (and the CSRF token), or null. */
export async function session() {
  try {
    const r = await get('/api/auth/me');
    csrf = r.csrf_token || null;
    me = r.user;
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
  return me;
}

export async function logout() {
  try { await post('/api/auth/logout'); } catch { /* the cookie goes anyway */ }
  csrf = null;
  me = null;
}

/** Whether an endpoint exists on this server: a 404 "no such endpoint" from the router says
 *  no; anything else (200, 400 for missing parameters, 403) says yes. For features that other
 *  parts of the server add over time (knowledge base, suggestions, appraisal, clusters). */
const probes = new Map();
export function hasEndpoint(path) {
  if (!probes.has(path)) {
    probes.set(path, fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(async (r) => {
        if (r.status !== 404 && r.status !== 405) return true;
        if (r.status === 405) return true;
        const b = await r.json().catch(() => null);
        return !(b && b.error && /endpoint/.test(b.error.message || ''));
      })
      .catch(() => false));
  }
  return probes.get(path);
}

/** All items of a paged list (search or work list), up to `max`. */
export async function getAll(path, params = {}, max = 2000) {
  const out = [];
  let page = 1;
  for (;;) {
    const r = await get(path + qs({ ...params, page, page_size: 200 }));
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0 || out.length >= max) return { total: r.total, items: out };
    page++;
  }
}
