// case.js — one request's page (?id= an id or a number): facts, deadlines, history and the
// actions the server allows this user. A handler opening another unit's request gets the
// server's 403, shown as such.

import { latest } from './api.js';
import { t } from './i18n.js';
import { el, $, requireUser, showError } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { loadCaseInto } from './caseview.js';
import { subscribe, debounce } from './live.js';

const user = await requireUser(null, '/case.html');
const main = $('#main');
const id = new URLSearchParams(location.search).get('id');
if (!id) {
  main.replaceChildren(el('div.state.empty', t('notfound.case')));
  throw new Error('no id');
}
let cats, units;
try {
  [cats, units] = await Promise.all([loadCategories(), loadUnits()]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}
const box = el('div.case-page');
main.replaceChildren(box);
const ctx = { user, cats, units, onChanged: () => load() };
let shown = null;
const loads = latest(); // a reload on an event and one after an action: the later one is drawn
async function load() {
  const r = await loadCaseInto(box, id, ctx, loads);
  shown = r && r.c;
  if (shown) document.title = `${shown.number} · 12345`;
}
load();
// someone else acting on this request refreshes it (unless a form is being filled in)
const reload = debounce(() => { if (!box.querySelector('.action-form')) load(); }, 400);
subscribe({ onCase: (ev) => { if (shown && ev.id === shown.id) reload(); } });
