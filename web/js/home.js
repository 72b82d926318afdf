// home.js — the login form, and after it each role's home: its work lists with live counts,
// linking to the page (and tab) where the work is done.

import { session, login, get, qs } from './api.js';
import { t, nm, applyI18n } from './i18n.js';
import { el, $, mountTop, navFor, showFormError, clearErrors, cityDate, caseTable, showLoading, showEmpty, showError } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { sameOriginPath } from './next.js';

const HOME = {
  calltaker: { page: '/calltaker.html', lists: [] },
  dispatcher: {
    page: '/dispatcher.html',
    lists: [['to_dispatch', '/dispatcher.html#to_dispatch'], ['returns', '/dispatcher.html#returns'],
      ['extensions', '/dispatcher.html#extensions'], ['due_soon', '/dispatcher.html#due_soon'], ['overdue', '/dispatcher.html#overdue']],
  },
  handler: {
    page: '/unit.html',
    lists: [['to_sign', '/unit.html#to_sign'], ['in_hand', '/unit.html#in_hand'], ['due_soon', '/unit.html#due_soon'], ['overdue', '/unit.html#overdue']],
  },
  visitor: { page: '/visit.html', lists: [['to_visit', '/visit.html#to_visit']] },
  supervisor: { page: '/dashboard.html', lists: [['overdue', '/dispatcher.html#overdue'], ['due_soon', '/dispatcher.html#due_soon']] },
  admin: { page: '/admin.html', lists: [['overdue', '/dispatcher.html#overdue']], links: [{ href: '/admin.html', key: 'nav.admin' }] },
};

async function showHome(user) {
  mountTop(user, '/');
  $('#login-box').hidden = true;
  const home = $('#home');
  home.hidden = false;
  const cfg = HOME[user.role] || { lists: [] };
  const tiles = el('div.tiles');
  home.replaceChildren(
    el('h1', t('home.hello', { name: user.display_name })),
    el('p.muted', [user.unit ? nm(user.unit) : '', t(`role.${user.role}`)].filter(Boolean).join(' · ')),
    el('h2', t('home.worklists')), tiles,
    el('div.page-links', [...(cfg.links || []), ...navFor(user.role).filter((n) => n.href !== '/')].map((n) =>
      el(`a.page-link${n.href === cfg.page ? '.primary' : ''}`, { href: n.href }, t(n.key), ' →'))));
  for (const [q, href, info] of cfg.lists) {
    const n = el('span.tile-n', '…');
    tiles.append(el(`a.tile${info ? '.info' : ''}`, { href, dataset: { queue: q } }, n, el('span.tile-label', t(`queue.${q}`))));
    get(`/api/queues/${q}${qs({ page_size: 1 })}`).then((r) => { n.textContent = r.total; }).catch(() => { n.textContent = '—'; });
  }
  // the first few requests of the role's first list (or today's, for call-takers)
  const first = cfg.lists[0];
  const listBox = el('div.home-list.card');
  home.append(el('h2', first ? t(`queue.${first[0]}`) : t('db.today')), listBox);
  showLoading(listBox);
  Promise.all([loadCategories(), loadUnits(), get(first ? `/api/queues/${first[0]}${qs({ page_size: 8 })}` : `/api/cases${qs({ from: cityDate(0), page_size: 8 })}`)])
    .then(([cats, units, r]) => {
      if (!r.items.length) { showEmpty(listBox, t('empty.queue')); return; }
      listBox.replaceChildren(caseTable(r.items, { cats, units, columns: ['number', 'category', 'text', 'state', 'due'], onOpen: (c) => { location.href = `/case.html?id=${c.id}`; } }));
    })
    .catch((e) => showError(listBox, e));
  if (user.role !== 'handler') {
    const n = el('span.tile-n', '…');
    tiles.append(el('a.tile.info', { href: '/dashboard.html' }, n, el('span.tile-label', t('db.today'))));
    get(`/api/cases${qs({ from: cityDate(0), page_size: 1 })}`).then((r) => { n.textContent = r.total; }).catch(() => { n.textContent = '—'; });
  }
}

function showLogin() {
  mountTop(null, '/');
  $('#home').hidden = true;
  $('#login-box').hidden = false;
  $('#username').focus();
}

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const f = new FormData(form);
  try {
    const user = await login(String(f.get('username') || ''), String(f.get('password') || ''));
    const next = sameOriginPath(new URLSearchParams(location.search).get('next'), location.origin);
    if (next) location.href = next;
    else showHome(user);
  } catch (e) {
    showFormError(form, e);
  }
});

(async () => {
  applyI18n();
  let user = null;
  try { user = await session(); } catch { /* the server is down: the login form says so on submit */ }
  if (user) showHome(user);
  else showLogin();
})();
