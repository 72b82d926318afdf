// visit.js — the return-visit desk: replied requests (and those whose resident was not
// reached) to call back, with the visit form (reached? solved? satisfied?) beside the reply;
// visited-but-unsolved requests to reopen (or, for the dispatcher, to close).

import { t } from './i18n.js';
import { $, requireUser, showError } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';
import { mountDesk } from './desk.js';

const user = await requireUser(['visitor', 'dispatcher'], '/visit.html');
const main = $('#main');
let cats, units;
try {
  [cats, units] = await Promise.all([loadCategories(), loadUnits()]);
} catch (e) {
  showError(main, e, () => location.reload());
  throw e;
}

mountDesk({
  main, cats, units, user, title: t('vd.title'),
  tabs: [
    { key: 'to_visit', label: t('queue.to_visit'), path: '/api/queues/to_visit', columns: ['number', 'category', 'caller', 'unit', 'due'] },
    { key: 'visited', label: t('queue.visited_unsolved'), path: '/api/cases', params: { state: 'visited', sort: 'oldest' }, columns: ['number', 'category', 'caller', 'unit', 'registered'] },
  ],
  paneTop: (c, box, view) => {
    if (c.allowed_actions.includes('visit')) view.open('visit', false);
  },
});
