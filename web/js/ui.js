// ui.js — small DOM helpers shared by every page: element builder, the top bar with the
// role's navigation, loading/empty/error states, field errors from the server's error.field,
// toasts, time formatting in the city's time zone, and request rows.

import { t, nm, lang, setLang, applyI18n } from './i18n.js';
import { session, logout, ApiError, cityOffsetMin } from './api.js';

/** el('div.card#main', {onclick, dataset, ...attrs}, children...) */
export function el(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec) || [];
  const e = document.createElement(m[1] || 'div');
  for (const part of (m[2] || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') e.classList.add(part.slice(1));
    else e.id = part.slice(1);
  }
  // anything but a plain object is the first child — a 0 or '' too (append skips null/false)
  if (attrs !== null && attrs !== undefined &&
      (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** box.replaceChildren without the nulls (which the DOM would turn into the text "null"). */
export function put(box, ...kids) {
  box.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

// ---- time -----------------------------------------------------------------------------------
// The city's time, whatever the browser's zone: the offset is the server's (api.cityOffsetMin).

/** "2026-11-27T09:30:31": the city's wall-clock time at instant `ms` (now by default). */
export function cityTime(ms = Date.now()) {
  return new Date(ms + cityOffsetMin() * 60000).toISOString().slice(0, 19);
}

/** YYYY-MM-DD of the city's calendar day, `days` from today. */
export function cityDate(days = 0, now = Date.now()) {
  return cityTime(now + days * 86400000).slice(0, 10);
}

/** "+08:00": the city's offset as ISO 8601 writes it. */
export function cityOffsetText() {
  const m = cityOffsetMin();
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** "2026-12-24T00:00" from a datetime-local box → "2026-12-24T00:00:00+08:00" (the city's time). */
export function cityIso(local) {
  if (!local) return '';
  return (local.length === 16 ? `${local}:00` : local) + cityOffsetText();
}

/** "11-27 09:30" (or with the year) from the server's "2026-11-27T09:30:31+08:00" (already the
 *  city's time). */
export function fmtTime(iso, withYear = false) {
  if (!iso) return '—';
  const s = iso.replace('T', ' ');
  return withYear ? s.slice(0, 16) : s.slice(5, 16);
}

export function fmtDuration(ms) {
  const m = Math.round(Math.abs(ms) / 60000);
  if (m < 60) return t('dur.min', { n: m });
  const h = Math.round(m / 60);
  if (h < 48) return t('dur.hour', { n: h });
  return t('dur.day', { n: Math.round(h / 24) });
}

/** A due time as a span: "11-27 09:30 · 剩 2 小时" / "超期 3 小时" (red). */
export function dueCell(iso, overdue) {
  if (!iso) return el('span.muted', t('due.none'));
  const left = Date.parse(iso) - Date.now();
  const late = overdue || left < 0;
  const soon = !late && left < 86400000;
  return el(`span.due${late ? '.late' : soon ? '.soon' : ''}`, { title: iso },
    fmtTime(iso), ' · ', late ? t('due.over', { t: fmtDuration(left) }) : t('due.left', { t: fmtDuration(left) }));
}

// ---- badges -------------------------------------------------------------------------------
export function stateBadge(state, closedAs) {
  return el(`span.badge.st-${state}`, t(`state.${state}`) + (closedAs && state === 'closed' ? ` · ${t(`closed_as.${closedAs}`)}` : ''));
}
export function urgencyBadge(u) {
  return u === 'urgent' ? el('span.badge.urgent', t('urgency.urgent')) : null;
}

// ---- states of a container: loading / empty / error ------------------------------------------
export function showLoading(box, text) {
  box.replaceChildren(el('div.state.loading', { role: 'status' }, el('span.spinner'), text || t('loading')));
}
export function showEmpty(box, text) {
  box.replaceChildren(el('div.state.empty', text || t('empty')));
}
export function showError(box, err, retry) {
  box.replaceChildren(el('div.state.error', { role: 'alert' },
    t('error.load', { msg: errText(err) }),
    retry ? el('button.link', { type: 'button', onclick: retry }, t('retry')) : null));
}

/** A readable text for an error: the code's words in the current language, then the server's
 *  message (which is English). */
export function errText(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  if (err.code === 'network') return t('error.network');
  const key = `err.${err.code}`;
  const words = t(key);
  if (lang() === 'en') return err.message;
  return words === key ? err.message : `${words}：${err.message}`;
}

// ---- forms ----------------------------------------------------------------------------------
const shownErrors = new WeakMap(); // form → the error nodes and inputs it marked

export function clearErrors(form) {
  for (const e of $$('.field-error', form)) e.remove();
  for (const e of $$('[aria-invalid]', form)) e.removeAttribute('aria-invalid');
  for (const { node, input } of shownErrors.get(form) || []) {
    node.remove();
    if (input) input.removeAttribute('aria-invalid');
  }
  shownErrors.delete(form);
  const g = $('.form-error', form);
  if (g) g.replaceChildren();
}

/** The field an error names: [data-field=name] inside the form, or the form's control of that
 *  name (also one outside the form element, tied to it by form="id"). */
function fieldNamed(form, name) {
  const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (wrap) return wrap;
  let c = form.elements ? form.elements.namedItem(name) : null;
  if (c && !(c instanceof Element)) c = c[0]; // radios: a RadioNodeList
  return c || form.querySelector(`[name="${CSS.escape(name)}"]`);
}

/** Shows an API error next to the field it names (error.field → [data-field=field] or the
 *  control named so); errors without a field (or a field not on the form) go to the form's
 *  .form-error line. Focuses the field. */
export function showFormError(form, err) {
  clearErrors(form);
  const msg = errText(err);
  const f = err && err.field ? fieldNamed(form, err.field) : null;
  if (f) {
    const wrap = f.closest('.field') || f.parentElement;
    const id = `err-${err.field}-${Math.random().toString(36).slice(2, 7)}`;
    const node = el('div.field-error', { id, role: 'alert' }, msg);
    wrap.append(node);
    const input = f.matches('input,select,textarea') ? f : f.querySelector('input:not([type=hidden]),select,textarea');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      input.focus();
    }
    shownErrors.set(form, [{ node, input }]);
    return;
  }
  let g = $('.form-error', form);
  if (!g) {
    g = el('div.form-error', { role: 'alert' });
    form.append(g);
  }
  g.replaceChildren(msg);
}

/** A labelled field: field(label, input, {hint, required}) */
export function field(label, input, opts = {}) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 8)}`;
  if (input.matches && input.matches('input,select,textarea')) input.id = id;
  return el(`div.field${opts.cls ? '.' + opts.cls : ''}`, opts.field ? { dataset: { field: opts.field } } : null,
    el('label', { for: id }, label, opts.required ? el('span.req', ' *') : null,
      opts.optional ? el('span.muted.small', ` (${t('f.optional')})`) : null),
    input,
    opts.hint ? el('div.hint', opts.hint) : null);
}

// ---- toasts ---------------------------------------------------------------------------------
export function toast(msg, kind = 'ok') {
  let box = $('#toasts');
  if (!box) {
    box = el('div#toasts', { role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const n = el(`div.toast.${kind}`, msg);
  box.append(n);
  setTimeout(() => n.remove(), kind === 'error' ? 6000 : 3000);
}

// ---- the top bar ----------------------------------------------------------------------------
const NAV = [
  { href: '/', key: 'nav.home', roles: null },
  { href: '/calltaker.html', key: 'nav.calltaker', roles: ['calltaker'] },
  { href: '/dispatcher.html', key: 'nav.dispatcher', roles: ['dispatcher', 'supervisor', 'admin'] },
  { href: '/unit.html', key: 'nav.unit', roles: ['handler'] },
  { href: '/visit.html', key: 'nav.visit', roles: ['visitor', 'dispatcher'] },
  { href: '/dashboard.html', key: 'nav.dashboard', roles: ['calltaker', 'dispatcher', 'handler', 'visitor', 'supervisor', 'admin'] },
  { href: '/appraisal.html', key: 'nav.appraisal', roles: ['supervisor', 'admin', 'dispatcher', 'handler'] },
  { href: '/kb.html', key: 'nav.kb', roles: ['calltaker', 'dispatcher', 'handler', 'visitor', 'supervisor', 'admin'] },
  { href: '/calls.html', key: 'nav.calls', roles: ['calltaker', 'dispatcher', 'supervisor', 'admin'] },
  { href: '/admin.html', key: 'nav.admin', roles: ['admin'] },
  { href: '/admin.html', key: 'nav.audit', roles: ['supervisor'] }, /* the console's audit tab alone */
];

export function navFor(role) {
  return NAV.filter((n) => !n.roles || n.roles.includes(role));
}

export function langButton() {
  return el('button.lang', {
    type: 'button', title: t('lang.switch.title'),
    onclick: () => { setLang(lang() === 'en' ? 'zh' : 'en'); location.reload(); },
  }, t('lang.switch'));
}

/** Builds the top bar into <header id="top">: title, the role's pages, number search, user,
 *  language, log out. `active` is the current page's href. */
export function mountTop(user, active) {
  const top = $('#top');
  if (!top) return;
  const search = el('input#go-number', {
    type: 'search', placeholder: t('nav.search.placeholder'), 'aria-label': t('nav.search.placeholder'),
    autocomplete: 'off', spellcheck: false,
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && search.value.trim()) location.href = `/case.html?id=${encodeURIComponent(search.value.trim())}`;
  });
  put(top,
    el('a.skip', { href: '#main' }, t('nav.skip')),
    el('a.brand', { href: '/' }, el('span.logo', '12345'), el('span', t('app.short'))),
    el('nav', { 'aria-label': 'main' }, user ? navFor(user.role).map((n) =>
      el('a', { href: n.href, 'aria-current': n.href === active ? 'page' : null }, t(n.key))) : null),
    el('div.spacer'),
    user ? search : null,
    user ? el('span.who', { title: user.unit ? nm(user.unit) : '' },
      user.display_name, el('span.muted', ` · ${t(`role.${user.role}`)}`)) : null,
    langButton(),
    user ? el('button.ghost', {
      type: 'button', id: 'logout',
      onclick: async () => { await logout(); location.href = '/'; },
    }, t('nav.logout')) : null,
  );
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !isTyping(e.target)) {
      e.preventDefault();
      search.focus();
    }
  });
}

export function isTyping(target) {
  return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** Checks the session; without one, sends the browser to the login page (coming back here
 *  after). With a role not in `roles`, shows a notice instead of the page. */
export async function requireUser(roles, active) {
  applyI18n();
  let user;
  try {
    user = await session();
  } catch (e) {
    mountTop(null, active);
    const m = $('#main');
    if (m) showError(m, e, () => location.reload());
    throw e;
  }
  if (!user) {
    location.replace(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error('not logged in');
  }
  mountTop(user, active);
  if (roles && !roles.includes(user.role)) {
    $('#main').replaceChildren(el('div.state.error', { role: 'alert' }, t('forbidden.page')));
    throw new Error('forbidden');
  }
  return user;
}

// ---- request rows ---------------------------------------------------------------------------
/** A compact table of requests; onOpen(case) when a row is chosen (click or Enter). */
export function caseTable(items, { cats, units, onOpen, columns, selectedId, actions } = {}) {
  const cols = columns || ['number', 'category', 'text', 'state', 'due'];
  const head = {
    number: t('f.number'), category: t('f.category'), text: t('f.text'), state: t('f.state'),
    due: t('f.due'), unit: t('f.unit'), registered: t('f.registered_at'), district: t('f.district'),
    counts: t('f.counts'), caller: t('f.caller'),
  };
  const tbody = el('tbody');
  for (const c of items) {
    const cells = {
      number: () => el('td.num', el('a', { href: `/case.html?id=${c.id}`, onclick: (e) => {
        if (onOpen && !e.ctrlKey && !e.metaKey) { e.preventDefault(); onOpen(c); }
      } }, c.number), urgencyBadge(c.urgency), c.confidential ? el('span.badge.conf', t('f.confidential')) : null),
      category: () => el('td.cat', cats ? cats.name(c.category_id) : c.category_id),
      text: () => el('td.text', { title: c.text }, c.title ? el('b', c.title, ' ') : null, c.text),
      state: () => el('td', stateBadge(c.state, c.closed_as)),
      due: () => el('td.nowrap', c.current_due ? dueCell(c.current_due, c.overdue) : el('span.muted', '—')),
      unit: () => el('td', units && c.unit_id ? units.name(c.unit_id) : '—'),
      district: () => el('td', units && c.district_id ? units.name(c.district_id) : '—'),
      registered: () => el('td.nowrap', fmtTime(c.registered_at)),
      counts: () => el('td.small', countsText(c.counts)),
      caller: () => el('td', callerText(c.caller, c.confidential)),
    };
    const tr = el('tr', {
      tabindex: onOpen ? 0 : null, dataset: { id: c.id },
      class: [c.id === selectedId ? 'selected' : '', c.overdue ? 'late' : ''].join(' ').trim() || null,
      onclick: onOpen ? (e) => { if (!e.target.closest('a,button,input,select,textarea')) onOpen(c); } : null,
      onkeydown: onOpen ? (e) => { if (e.key === 'Enter' && e.target === e.currentTarget) onOpen(c); } : null,
    }, cols.map((k) => cells[k]()), actions ? el('td.actions', actions(c)) : null);
    tbody.append(tr);
  }
  return el('table.cases', el('thead', el('tr', cols.map((k) => el('th', head[k])), actions ? el('th', t('f.actions')) : null)), tbody);
}

export function countsText(counts) {
  if (!counts) return '';
  return Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => t(`f.counts.${k}`, { n })).join(' · ');
}

export function callerText(caller, confidential) {
  if (!caller) return confidential ? t('f.hidden_confidential') : '—';
  const s = [caller.name, caller.phone].filter(Boolean).join(' ');
  return s ? s + (caller.masked ? ` ${t('f.masked')}` : '') : '—';
}

/** Arrow-key navigation over the rows of a table (↑/↓ move focus, Enter opens). */
export function arrowRows(container) {
  container.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = $$('tbody tr[tabindex]', container);
    if (!rows.length) return;
    const i = rows.indexOf(document.activeElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) { e.preventDefault(); next.focus(); }
  });
}

/** Pager under a list. */
export function pager(total, page, size, go) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) return el('div.pager', el('span.muted', t('total', { n: total })));
  return el('div.pager',
    el('button.ghost', { type: 'button', disabled: page <= 1, onclick: () => go(page - 1) }, t('page.prev')),
    el('span', t('page.of', { p: page, n: pages }), ' · ', t('total', { n: total })),
    el('button.ghost', { type: 'button', disabled: page >= pages, onclick: () => go(page + 1) }, t('page.next')));
}

// ---- tabs -----------------------------------------------------------------------------------
/** An ARIA tab bar: tabs [[key, ...label]] (a label may hold nodes, e.g. a count) become
 *  buttons #tab-<key>. The tab the URL's # names starts selected, else the first. A click, or
 *  ←/→ (wrapping; focus follows), selects a tab: aria-selected and tabindex follow (one tab
 *  stop), the # is replaced (a reload comes back to it, Back leaves the page), then
 *  onChoose(key) runs. With a panel, it shows loading while onChoose's promise runs and its
 *  error with a retry, unless another tab was chosen meanwhile.
 *  Returns {el, select(key), current()}: a page calls select(current()) once it is ready. */
export function tabBar({ tabs, label, panel, onChoose }) {
  const keys = tabs.map(([key]) => key);
  let current = keys.find((k) => `#${k}` === location.hash) || keys[0];
  const bar = el('div.tabs', { role: 'tablist', 'aria-label': label }, tabs.map(([key, ...text]) => el('button.tab', {
    type: 'button', role: 'tab', id: `tab-${key}`, dataset: { key },
    'aria-selected': key === current ? 'true' : 'false', tabindex: key === current ? 0 : -1,
    onclick: () => select(key),
  }, text)));
  bar.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = keys.indexOf(current) + (e.key === 'ArrowRight' ? 1 : -1);
    const next = keys[(i + keys.length) % keys.length];
    select(next);
    $$('.tab', bar).find((b) => b.dataset.key === next).focus();
  });

  async function select(key) {
    current = key;
    history.replaceState(null, '', `#${key}`);
    for (const b of $$('.tab', bar)) {
      const on = b.dataset.key === key;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    }
    if (!panel) return onChoose(key);
    showLoading(panel);
    try {
      await onChoose(key);
    } catch (e) {
      if (current === key) showError(panel, e, () => select(key));
    }
  }
  return { el: bar, select, current: () => current };
}
