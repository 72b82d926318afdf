// desk.js — a work desk: tabs of work lists (with live counts), the selected list (paged),
// and optionally a pane with the chosen request and its actions. The lists follow the event
// stream: an action anywhere refreshes the counts and the list shown.

import { get, qs, latest } from './api.js';
import { t } from './i18n.js';
import { el, $$, showLoading, showEmpty, showError, caseTable, arrowRows, pager, tabBar } from './ui.js';
import { loadCaseInto } from './caseview.js';
import { subscribe, debounce } from './live.js';

/** tabs: [{key, label, path, params, columns, rowActions(c, refresh), emptyText, render(box)}];
 *  paneTop(c, box, view, turn) adds to the pane of request c; what it fetches goes through
 *  `turn` (api.latest), so that choosing another request first drops it. */
export function mountDesk({ main, tabs, cats, units, user, pane = true, onOpen, paneTop, title }) {
  const listBox = el('div.list', { role: 'tabpanel' });
  const paneBox = pane ? el('section.pane.card', { 'aria-live': 'polite' }, el('div.state.empty', t('dd.pick'))) : null;
  const counts = new Map(tabs.map((tab) => [tab.key, el('span.count', '')]));
  const bar = tabBar({
    tabs: tabs.map((tab) => [tab.key, tab.label, counts.get(tab.key)]), label: title || '',
    onChoose: (key) => { current = tabs.find((x) => x.key === key); page = 1; load(); },
  });
  let current = tabs.find((x) => x.key === bar.current());
  let page = 1;
  let selected = null;
  let items = [];
  const paneLoads = latest(); // moving through the list: only the last request chosen is drawn
  arrowRows(listBox);

  main.replaceChildren(el('div.desk', { class: pane ? 'desk with-pane' : 'desk' },
    el('div.desk-main', bar.el, listBox), paneBox));

  async function refreshCounts() {
    await Promise.all(tabs.filter((x) => x.path).map(async (tab) => {
      try {
        const r = await get(tab.path + qs({ ...(tab.params || {}), page_size: 1 }));
        counts.get(tab.key).textContent = r.total;
        counts.get(tab.key).classList.toggle('zero', r.total === 0);
      } catch { counts.get(tab.key).textContent = '—'; }
    }));
  }

  async function load(quiet) {
    const tab = current;
    if (tab.render) { tab.render(listBox); return; }
    if (!quiet) showLoading(listBox);
    try {
      const r = await get(tab.path + qs({ ...(tab.params || {}), page, page_size: 25 }));
      if (tab !== current) return;
      items = r.items;
      counts.get(tab.key).textContent = r.total;
      if (!r.total) { showEmpty(listBox, tab.emptyText || t('empty.queue')); return; }
      listBox.replaceChildren(
        caseTable(r.items, {
          cats, units, columns: tab.columns, selectedId: selected && selected.id,
          onOpen: (c) => open(c),
          actions: tab.rowActions ? (c) => tab.rowActions(c, refresh) : null,
        }),
        pager(r.total, page, 25, (p) => { page = p; load(); }));
    } catch (e) {
      if (tab === current) showError(listBox, e, () => load());
    }
  }

  async function open(c) {
    if (!pane) { (onOpen || ((x) => { location.href = `/case.html?id=${x.id}`; }))(c); return; }
    selected = c;
    for (const tr of $$('tbody tr', listBox)) tr.classList.toggle('selected', Number(tr.dataset.id) === c.id);
    const ctx = {
      user, cats, units,
      onChanged: async () => {
        await refresh();
        const i = items.findIndex((x) => x.id === c.id);
        const next = i >= 0 ? items[i] : items[0];
        if (next) open(next);
        else paneBox.replaceChildren(el('div.state.empty', t('dd.pick')));
      },
    };
    const r = await loadCaseInto(paneBox, c.id, ctx, paneLoads);
    if (r && paneTop) paneTop(r.c, paneBox, r.view, r.turn);
  }

  async function refresh() {
    await Promise.all([load(true), refreshCounts()]);
  }

  const live = debounce(() => refresh(), 700);
  subscribe({ onCase: live, onResync: live });
  refreshCounts();
  load();
  return { refresh, open, current: () => current };
}
