// unit.js — the unit handler's workbench: inbox tabs (to sign, in hand, due soon, overdue) for
// the unit's subtree, signing from the list, and each request's own page for everything else
// (re-dispatch, return, extension, progress, reply). The caller is shown as the server sends
// it: masked, or hidden on confidential requests.

import { post } from './api.js';
import { t, nm } from './i18n.js';
import { el, $, requireUser, showError, toast, errText } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { mountDesk } from './desk.js';

const user = await requireUser(['handler'], '/unit.html');
const main = $('#main');
let cats, units;
try {
  [cats, units] = await Promise.all([loadCategories(), loadUnits()]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}

const sign = (c, refresh) => c.allowed_actions.includes('sign') ? el('button.small.primary', {
  type: 'button', dataset: { action: 'sign' },
  onclick: async (e) => {
    e.stopPropagation();
    e.target.disabled = true;
    try {
      await post(`/api/cases/${c.id}/sign`, {});
      toast(`${c.number} · ${t('action.sign')} · ${t('done')}`);
      refresh();
    } catch (err) {
      toast(`${c.number}: ${errText(err)}`, 'error');
      e.target.disabled = false;
    }
  },
}, t('action.sign')) : null;

const cols = ['number', 'category', 'text', 'caller', 'unit', 'due', 'counts'];
main.before(el('div.unit-banner', el('b', nm(user.unit)), el('span.muted', ` · ${t('uw.title')}`)));
mountDesk({
  main, cats, units, user, pane: false, title: t('uw.title'),
  tabs: [
    { key: 'to_sign', label: t('queue.to_sign'), path: '/api/queues/to_sign', columns: cols, rowActions: sign },
    { key: 'in_hand', label: t('queue.in_hand'), path: '/api/queues/in_hand', columns: cols },
    { key: 'due_soon', label: t('queue.due_soon'), path: '/api/queues/due_soon', columns: [...cols.slice(0, 4), 'state', 'due', 'counts'], rowActions: sign },
    { key: 'overdue', label: t('queue.overdue'), path: '/api/queues/overdue', columns: [...cols.slice(0, 4), 'state', 'due', 'counts'], rowActions: sign },
  ],
});
