// dispatcher.js — the dispatcher's desk (also the supervisor's, for urging and supervising):
// the queue to dispatch, each with the routing catalogue's suggested unit
// (GET /api/routing/resolve) and similar open requests to merge with; return and extension
// requests to review; due-soon and overdue lists with urge and supervise.

import { get, post, qs, may } from './api.js';
import { t, nm } from './i18n.js';
import { el, $, requireUser, showError, showEmpty, showLoading, toast, errText, fmtTime, stateBadge } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { mountDesk } from './desk.js';

const user = await requireUser(['dispatcher', 'supervisor', 'admin'], '/dispatcher.html');
const main = $('#main');
let cats, units;
try {
  [cats, units] = await Promise.all([loadCategories(), loadUnits()]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}

const canUrge = ['dispatcher', 'supervisor'].includes(user.role);
const canSupervise = user.role === 'supervisor';

function quick(c, action, refresh) {
  return el(`button.small.${action === 'supervise' ? 'danger-ghost' : 'ghost'}`, {
    type: 'button', dataset: { action },
    onclick: async (e) => {
      e.stopPropagation();
      e.target.disabled = true;
      try {
        await post(`/api/cases/${c.id}/${action}`, {});
        toast(`${c.number} · ${t(`action.${action}`)} · ${t('done')}`);
        refresh();
      } catch (err) {
        toast(`${c.number}: ${errText(err)}`, 'error');
        e.target.disabled = false;
      }
    },
  }, t(`action.${action}`));
}
const urgeActions = (c, refresh) => [
  canUrge ? quick(c, 'urge', refresh) : null,
  canSupervise ? quick(c, 'supervise', refresh) : null,
];

// the model's units for a registered request: dispatchers (supervisors and admins may not ask)
const sugOn = may('suggestions');

/** Merges request `from` into `into` after a second click (merging cannot be undone). */
function mergeButton(from, into, label, after) {
  let armed = false;
  const b = el('button.ghost.small', {
    type: 'button', dataset: { merge: from.id },
    onclick: async () => {
      if (!armed) { armed = true; b.textContent = t('dd.merge.confirm'); b.classList.add('danger-ghost'); return; }
      b.disabled = true;
      try {
        await post(`/api/cases/${from.id}/merge`, { into: into.id });
        toast(`${from.number} → ${into.number} · ${t('action.merge')}`);
        if (after) await after();
      } catch (err) { toast(errText(err), 'error'); b.disabled = false; }
    },
  }, label);
  return b;
}

async function renderClusters(box) {
  showLoading(box);
  try {
    const r = await get('/api/clusters?days=7');
    if (!r.clusters.length) { showEmpty(box, t('dd.clusters.none')); return; }
    box.replaceChildren(el('ul.clusters', r.clusters.map((cl) => {
      const members = cl.members;
      const master = members[0]; // a merged cluster's master comes first; a similar one merges into its first
      return el('li.cluster.card',
        el('div.cluster-head', el('b', cats.name(cl.category_id)),
          cl.district_id ? el('span.muted', ` · ${units.name(cl.district_id)}`) : null,
          el('span.badge.urgent', t('dd.callers', { n: cl.size })),
          el('span.badge', t(`dd.kind.${cl.kind}`)),
          el('span.muted.small', ` ${fmtTime(cl.first_at)} — ${fmtTime(cl.last_at)}`)),
        el('ul.cluster-members', members.map((m) => el('li',
          el('a', { href: `/case.html?id=${m.id}`, target: '_blank' }, m.number), ' ', stateBadge(m.state), ' ',
          el('span.muted.small', fmtTime(m.registered_at)), ' ',
          m !== master && m.state !== 'merged' && cl.kind === 'similar'
            ? mergeButton(m, master, t('dd.merge_into_n', { n: master.number }), () => renderClusters(box)) : null))));
    })));
  } catch (e) {
    showError(box, e, () => renderClusters(box));
  }
}

const desk = mountDesk({
  main, cats, units, user, title: t('dd.title'),
  tabs: [
    { key: 'to_dispatch', label: t('queue.to_dispatch'), path: '/api/queues/to_dispatch', columns: ['number', 'category', 'text', 'district', 'due'] },
    { key: 'returns', label: t('queue.returns'), path: '/api/queues/returns', columns: ['number', 'category', 'text', 'unit', 'due'] },
    { key: 'extensions', label: t('queue.extensions'), path: '/api/queues/extensions', columns: ['number', 'category', 'text', 'unit', 'due'] },
    { key: 'due_soon', label: t('queue.due_soon'), path: '/api/queues/due_soon', columns: ['number', 'category', 'state', 'unit', 'due', 'counts'], rowActions: urgeActions },
    { key: 'overdue', label: t('queue.overdue'), path: '/api/queues/overdue', columns: ['number', 'category', 'state', 'unit', 'due', 'counts'], rowActions: urgeActions },
    { key: 'duplicates', label: t('queue.duplicates'), render: renderClusters },
  ],
  paneTop: async (c, box, view, turn) => {
    if (c.state === 'registered' && c.allowed_actions.includes('dispatch')) {
      const bar = el('div.quick-dispatch');
      box.prepend(bar);
      try {
        const r = await turn.get(`/api/routing/resolve${qs({ category: c.category_id, district: c.district_id })}`);
        bar.append(el('span', '★ ', t('f.suggested_unit', { u: nm(r.unit) })),
          el('button#dispatch-suggested.primary', {
            type: 'button', title: 'Alt+S',
            onclick: async (e) => {
              e.target.disabled = true;
              try {
                await post(`/api/cases/${c.id}/dispatch`, { unit_id: r.unit.id });
                toast(`${c.number} → ${nm(r.unit)}`);
                await desk.refresh();
                const first = document.querySelector('.list tbody tr');
                if (first) first.click(); else box.replaceChildren(el('div.state.empty', t('dd.pick')));
              } catch (err) {
                toast(errText(err), 'error');
                e.target.disabled = false;
              }
            },
          }, t('dd.dispatch_suggested'), el('kbd', 'Alt+S')));
      } catch (e) {
        bar.append(el('span.warn', e.code === 'not_found' ? t('f.no_rule') : errText(e)));
        bar.classList.add('warn');
      }
      view.open('dispatch', false);
    }
    if (sugOn && c.state === 'registered') {
      try {
        const r = await turn.get(`/api/cases/${c.id}/suggestions`);
        const us = r.units.filter((u) => u.confidence >= 0.05);
        if (us.length) box.querySelector('.quick-dispatch, .case')?.after(el('div.model-units.small',
          el('b', `${t('dd.model_units')}: `), us.map((u) => `${nm(u)} ${Math.round(u.confidence * 100)}%`).join(' · ')));
      } catch { /* a help, not a step */ }
    }
    if (['registered', 'dispatched', 'signed', 'return_pending', 'replied'].includes(c.state) && c.allowed_actions.includes('merge')) {
      const cand = el('section.candidates', el('h4', t('dd.candidates')), el('div.small.muted', t('loading')));
      box.append(cand);
      const after = async () => { await desk.refresh(); box.replaceChildren(el('div.state.empty', t('dd.pick'))); };
      try {
        const others = (await turn.get(`/api/cases/${c.id}/duplicates`)).duplicates.slice(0, 8);
        cand.lastChild.replaceWith(others.length
          ? el('ul.cand-list', others.map((o) => el('li',
            el('a', { href: `/case.html?id=${o.id}`, target: '_blank' }, o.number), ' ', stateBadge(o.state), ' ',
            el('span.small.muted', fmtTime(o.registered_at)), ' ',
            el('span.small.muted', o.reasons.map((x) => t(`dup.${x}`)).join(' · ')),
            el('div.small.clip', [o.title, o.address].filter(Boolean).join(' · ')),
            mergeButton(c, o, t('dd.merge_into'), after))))
          : el('p.small.muted', t('dd.candidates.none')));
      } catch (e) {
        cand.lastChild.replaceWith(el('p.small.warn', errText(e)));
      }
    }
  },
});

document.querySelector('.tabs').append(el('span.tab-keys.muted.small', t('dd.keys')));

document.addEventListener('keydown', (e) => {
  if (e.altKey && e.code === 'KeyS') { // Alt+S: send to the suggested unit (Alt+D is the browser's)
    const b = document.getElementById('dispatch-suggested');
    if (b) { e.preventDefault(); b.click(); }
  }
});
