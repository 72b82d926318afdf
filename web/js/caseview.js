// caseview.js — one request: its facts, deadlines, history, and the forms of the actions the
// server allows to this user (allowed_actions). Used by the request page, the dispatcher desk,
// the return-visit desk. Every form posts to POST /api/cases/:id/:action and shows the
// server's error next to the field it names. A request registered during a phone call shows
// that call (answered, wait, talk, call-taker) among its facts.

import { get, post, qs, ApiError } from './api.js';
import { t, nm, addStrings } from './i18n.js';
import {
  el, fmtTime, dueCell, stateBadge, urgencyBadge, callerText, countsText,
  field, showFormError, clearErrors, toast, showLoading, showError, errText, cityTime, cityIso,
} from './ui.js';
import { unitSelect } from './catalog.js';

addStrings({
  'cv.calls': ['来电记录', 'Calls'],
  'cv.call.answered': ['{t} 接通', 'answered {t}'],
  'cv.call.unanswered': ['{t} 呼入，未接通', 'offered {t}, not answered'],
  'cv.call.wait': ['等待 {d}', 'waited {d}'],
  'cv.call.talk': ['通话 {d}', 'talked {d}'],
  'cv.call.talking': ['通话中', 'in progress'],
  'cv.sec': ['{n} 秒', '{n} s'],
  'cv.min_sec': ['{m} 分 {n} 秒', '{m} min {n} s'],
});

/** 75 → "1 分 15 秒": a call's wait and talk are seconds to minutes. */
function secs(s) {
  if (s === null || s === undefined) return '—';
  return s < 60 ? t('cv.sec', { n: s }) : t('cv.min_sec', { m: Math.floor(s / 60), n: s % 60 });
}

/** The request's calls (`calls` of GET /api/cases/:id; empty for other channels), one line
 *  each: when answered, how long the caller waited and talked, and who answered. */
function callList(calls) {
  return el('ul.case-calls', calls.map((k) => el('li', { dataset: { callId: k.id } },
    k.answered_at
      ? [t('cv.call.answered', { t: fmtTime(k.answered_at, true) }), ' · ', t('cv.call.wait', { d: secs(k.wait_seconds) }), ' · ',
        k.talk_seconds !== null && k.talk_seconds !== undefined ? t('cv.call.talk', { d: secs(k.talk_seconds) })
          : k.ended_at ? t('cv.call.talk', { d: '—' }) : t('cv.call.talking')]
      : t('cv.call.unanswered', { t: fmtTime(k.offered_at, true) }),
    k.agent ? el('span.muted', ` · ${k.agent.display_name}`) : null)));
}

const casePath = (id) => `/api/cases/${encodeURIComponent(id)}`;

const MAIN = new Set(['dispatch', 'sign', 'reply', 'visit', 'approve_return', 'approve_extension', 'close']);
const DANGER = new Set(['invalidate', 'request_return', 'reject_return', 'reject_extension', 'reopen']);

// the fields of each simple action: [name, kind, required]
const FORMS = {
  answer: [['answer', 'textarea', true]],
  invalidate: [['reason', 'textarea', true]],
  merge: [['into', 'number', true], ['note', 'text', false]],
  sign: [['note', 'text', false]],
  request_return: [['reason', 'textarea', true], ['basis', 'textarea', true]],
  approve_return: [['reason', 'text', false]],
  reject_return: [['reason', 'textarea', true]],
  request_extension: [['until', 'datetime', true], ['reason', 'textarea', true]],
  approve_extension: [['reason', 'text', false]],
  reject_extension: [['reason', 'textarea', true]],
  urge: [['note', 'text', false]],
  supervise: [['note', 'text', false]],
  progress: [['note', 'textarea', true]],
  reply: [['reply', 'textarea', true]],
  reopen: [['reason', 'textarea', true]],
  close: [['note', 'text', false]],
};

function input(name, kind) {
  if (kind === 'textarea') return el('textarea', { name, rows: 3 });
  if (kind === 'datetime') return el('input', { name, type: 'datetime-local' });
  if (kind === 'number') return el('input', { name, type: 'text', inputmode: 'numeric', placeholder: '20261127-00001', autocomplete: 'off' });
  return el('input', { name, type: 'text', autocomplete: 'off' });
}

function lastEvent(c, action) {
  const h = c.history;
  for (let i = h.length - 1; i >= 0; i--) if (h[i].action === action) return h[i];
  return null;
}

/** Builds the body of an action from its form; required fields are always sent (so that the
 *  server says what is wrong with them), optional empty ones are left out. */
async function bodyOf(action, form) {
  const fd = new FormData(form);
  const b = {};
  if (action === 'visit') {
    const reachable = fd.get('reachable');
    b.reachable = reachable === 'yes' ? true : reachable === 'no' ? false : null;
    if (b.reachable === null) delete b.reachable;
    if (b.reachable) {
      if (fd.get('solved')) b.solved = fd.get('solved') === 'yes';
      if (fd.get('satisfaction')) b.satisfaction = fd.get('satisfaction');
    }
    if (fd.get('note')) b.note = fd.get('note');
    return b;
  }
  if (action === 'dispatch' || action === 'redispatch') {
    const u = fd.get('unit_id');
    b.unit_id = u ? Number(u) : 0;
    if (action === 'dispatch') {
      const co = fd.getAll('co_unit_ids').map(Number).filter(Boolean);
      if (co.length) b.co_unit_ids = co;
    }
    if (fd.get('note')) b.note = fd.get('note');
    return b;
  }
  for (const [name, kind, req] of FORMS[action] || []) {
    let v = (fd.get(name) || '').toString();
    if (kind === 'datetime') v = cityIso(v);
    if (name === 'into') {
      const n = v.trim();
      if (!n) { b.into = 0; continue; }
      try {
        const m = await get(casePath(n));
        b.into = m.id;
      } catch (e) {
        if (e instanceof ApiError && (e.code === 'not_found' || e.code === 'forbidden')) {
          const err = new ApiError(422, { error: { code: 'invalid_field', message: e.message, field: 'into' } });
          throw err;
        }
        throw e;
      }
      continue;
    }
    if (req || v !== '') b[name] = v;
  }
  return b;
}

/** The form of one action, built into `box`; resolves the server's answer via onDone. */
async function actionForm(action, c, ctx, box, focus = true) {
  const form = el('form.action-form', { novalidate: true, dataset: { action } });
  const fields = el('div.fields');
  form.append(el('h4', t(`action.${action}`)), fields);

  if (action === 'dispatch') {
    let suggested = null;
    const sug = el('div.suggest', t('loading'));
    fields.append(sug);
    try {
      const r = await get(`/api/routing/resolve${qs({ category: c.category_id, district: c.district_id })}`);
      suggested = r.unit.id;
      sug.replaceChildren(el('span.star', '★ '), t('f.suggested_unit', { u: nm(r.unit) }));
    } catch (e) {
      sug.replaceChildren(e.code === 'not_found' ? t('f.no_rule') : errText(e));
      sug.classList.add('warn');
    }
    const units = ctx.units;
    fields.append(
      field(t('f.unit'), unitSelect(units, units.dispatchable, { suggested }), { required: true }),
      field(t('f.co_units'), unitSelect(units, units.dispatchable, { name: 'co_unit_ids', multiple: true }), { optional: true }),
      field(t('f.note'), input('note', 'text'), { optional: true }));
  } else if (action === 'redispatch') {
    const below = ctx.units.below(c.unit_id).filter((u) => u.active !== false);
    fields.append(
      field(t('f.unit'), unitSelect(ctx.units, below), { required: true }),
      field(t('f.note'), input('note', 'text'), { optional: true }));
  } else if (action === 'visit') {
    const radios = (name, opts) => el('div.radios', { role: 'radiogroup', dataset: { field: name } },
      opts.map(([v, label]) => el('label.radio', el('input', { type: 'radio', name, value: v }), label)));
    const reached = radios('reachable', [['yes', t('yes')], ['no', t('no')]]);
    const more = el('div.visit-more',
      el('div.field', el('span.label', t('f.solved'), el('span.req', ' *')), radios('solved', [['yes', t('yes')], ['no', t('no')]])),
      el('div.field', el('span.label', t('f.satisfaction'), el('span.req', ' *')),
        radios('satisfaction', [['satisfied', t('sat.satisfied')], ['basic', t('sat.basic')], ['unsatisfied', t('sat.unsatisfied')]])));
    reached.addEventListener('change', () => { more.hidden = form.reachable.value === 'no'; });
    fields.append(
      el('div.field', el('span.label', t('f.reachable'), el('span.req', ' *')), reached),
      more,
      field(t('f.note'), input('note', 'textarea'), { optional: true }));
  } else {
    for (const [name, kind, req] of FORMS[action] || []) {
      const inp = input(name, kind);
      if (name === 'until' && c.deadlines.reply) { // a week past the reply due, in the city's time
        inp.value = cityTime(Date.parse(c.deadlines.reply) + 7 * 86400000).slice(0, 16);
      }
      fields.append(field(t(`f.${name}`), inp, { required: req, optional: !req }));
    }
  }
  form.append(el('div.form-error', { role: 'alert' }),
    el('div.buttons',
      el(`button${DANGER.has(action) ? '.danger' : '.primary'}`, { type: 'submit' }, t(`action.${action}`)),
      el('button.ghost', { type: 'button', onclick: () => box.replaceChildren() }, t('cancel'))));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); box.replaceChildren(); }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const body = await bodyOf(action, form);
      const r = await post(`/api/cases/${c.id}/${action}`, body);
      toast(`${c.number} · ${t(`action.${action}`)} · ${t('done')}`);
      box.replaceChildren();
      if (ctx.onChanged) await ctx.onChanged(r, action);
    } catch (err) {
      showFormError(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  box.replaceChildren(form);
  const first = form.querySelector('select, input:not([type=hidden]), textarea');
  if (first && focus) first.focus();
}

function historyList(c, ctx) {
  const ol = el('ol.timeline');
  for (const ev of c.history) {
    const who = ev.actor_role === 'resident' || ev.actor_role === 'system'
      ? t(`role.${ev.actor_role}`)
      : [ev.actor_name, ev.actor_unit_id && ctx.units && (ctx.units.byId.get(ev.actor_unit_id) || { kind: 'centre' }).kind !== 'centre'
        ? ctx.units.name(ev.actor_unit_id) : ''].filter(Boolean).join(' · ');
    const detail = [];
    if (ev.unit_id && ctx.units) detail.push(`→ ${ctx.units.name(ev.unit_id)}`);
    if (ev.extra && ev.extra.co_unit_ids && ev.extra.co_unit_ids.length && ctx.units)
      detail.push(`${t('f.co_units')}: ${ev.extra.co_unit_ids.map((u) => ctx.units.name(u)).join('、')}`);
    if (ev.requested_due) detail.push(`${t('f.until')} ${fmtTime(ev.requested_due, true)}`);
    if (ev.reachable !== undefined) {
      detail.push(ev.reachable ? `${t('f.solved')}: ${ev.solved ? t('yes') : t('no')} · ${ev.satisfaction ? t(`sat.${ev.satisfaction}`) : ''}` : t('f.visit.unreached'));
    }
    if (ev.merged_into) detail.push(`→ #${ev.merged_into}`);
    ol.append(el(`li.ev-${ev.action}`,
      el('div.ev-head', el('time', fmtTime(ev.at, true)), el('b', t(`action.${ev.action}`)),
        el('span.muted', who), ev.public ? el('span.badge.pub', t('f.public')) : null),
      detail.length ? el('div.ev-detail', detail.join(' · ')) : null,
      ev.text ? el('div.ev-text', ev.text) : null,
      ev.reason ? el('div.ev-text', `${t('f.reason')}: ${ev.reason}`) : null,
      ev.extra && ev.extra.basis ? el('div.ev-text', `${t('f.basis')}: ${ev.extra.basis}`) : null,
      ev.dues ? el('div.ev-dues.small.muted', Object.entries(ev.dues).map(([k, v]) => `${t(`stage.${k}`)} ${fmtTime(v, true)}`).join(' · ')) : null));
  }
  return ol;
}

const CALL_BACK = ['calltaker', 'dispatcher', 'visitor', 'supervisor'];

/** For the roles that call residents back, a masked or hidden caller can be shown in full
 *  (POST /api/cases/:id/reveal with a reason, which the server records in its audit log). */
function revealButton(c, ctx) {
  if (!ctx.user || !CALL_BACK.includes(ctx.user.role)) return null;
  if (!(c.caller && c.caller.masked && (c.caller.name || c.caller.phone)) && !(c.caller === null && c.confidential)) return null;
  const b = el('button.link.small', { type: 'button', dataset: { action: 'reveal' } }, t('action.reveal'));
  b.addEventListener('click', () => {
    const reason = el('input', { name: 'reason', type: 'text', placeholder: t('f.reveal_reason'), autocomplete: 'off' });
    const form = el('form.reveal-form', { novalidate: true }, field(t('f.reason'), reason, { required: true }),
      el('div.form-error', { role: 'alert' }),
      el('div.buttons', el('button.primary.small', { type: 'submit' }, t('action.reveal'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const r = await post(`/api/cases/${c.id}/reveal`, { reason: reason.value });
        form.replaceWith(el('b.revealed', callerText(r.caller, false)));
        b.remove();
      } catch (err) { showFormError(form, err); }
    });
    b.after(form);
    b.hidden = true;
    reason.focus();
  });
  return b;
}

/** Renders request `c` (with history) into `box`. ctx: {user, cats, units, onChanged, compact}. */
export function renderCase(box, c, ctx) {
  const actBox = el('div.action-box');
  const actions = c.allowed_actions;
  const pending = [];
  if (c.state === 'return_pending') {
    const ev = lastEvent(c, 'request_return');
    if (ev) pending.push(el('div.notice.warn', el('b', t('state.return_pending')), ' ',
      `${t('f.reason')}: ${ev.reason || ''}`, ev.extra && ev.extra.basis ? ` · ${t('f.basis')}: ${ev.extra.basis}` : ''));
  }
  if (c.extension_pending) {
    const ev = lastEvent(c, 'request_extension');
    pending.push(el('div.notice.warn', t('f.extension_pending', { t: fmtTime(c.extension_requested_due, true) }),
      ev && ev.reason ? ` · ${t('f.reason')}: ${ev.reason}` : ''));
  }
  if (c.master) pending.push(el('div.notice', t('f.master', { n: c.master.number }), ' · ', stateBadge(c.master.state)));

  const dl = (k, v) => [el('dt', k), el('dd', v)];
  const visit = c.visit && c.visit.attempts
    ? (c.visit.valid
      ? `${t('f.solved')}: ${c.visit.solved ? t('yes') : t('no')} · ${c.visit.satisfaction ? t(`sat.${c.visit.satisfaction}`) : ''}`
      : t('f.visit.unreached')) + ` · ${t('f.visit.attempts', { n: c.visit.attempts })}`
    : null;

  box.replaceChildren(el('article.case', { dataset: { id: c.id, state: c.state } },
    el('header.case-head',
      el('h2.case-number', c.number),
      stateBadge(c.state, c.closed_as), urgencyBadge(c.urgency),
      c.confidential ? el('span.badge.conf', t('f.confidential')) : null,
      c.overdue ? el('span.badge.late', t('f.overdue')) : null,
      el('div.case-meta',
        ctx.cats ? ctx.cats.pathName(c.category_id) : `#${c.category_id}`, ' · ',
        t(`type.${c.request_type}`), ' · ', t(`channel.${c.channel}`), ' · ',
        t('f.registered_at'), ' ', fmtTime(c.registered_at, true))),
    pending,
    el('div.case-grid',
      el('section.case-body',
        el('dl.facts',
          dl(t('f.caller'), [el('span.caller', callerText(c.caller, c.confidential)), revealButton(c, ctx)]),
          dl(t('f.district'), [c.district_id && ctx.units ? ctx.units.name(c.district_id) : '—',
            c.street_id && ctx.units ? ` · ${ctx.units.name(c.street_id)}` : ''].join('')),
          dl(t('f.address'), c.address || '—'),
          dl(t('f.unit'), [c.unit_id && ctx.units ? ctx.units.name(c.unit_id) : '—',
            c.co_unit_ids && c.co_unit_ids.length && ctx.units ? ` (${t('f.co_units')}: ${c.co_unit_ids.map((u) => ctx.units.name(u)).join('、')})` : ''].join('')),
          c.calls && c.calls.length ? dl(t('cv.calls'), callList(c.calls)) : null),
        c.title ? el('h3.case-title', c.title) : null,
        el('p.case-text', c.text),
        c.reply_text ? el('div.reply', el('h4', t('f.reply_text')), el('p', c.reply_text)) : null,
        visit ? el('div.visit-result', el('b', `${t('f.visit')}: `), visit) : null),
      el('aside.case-side',
        el('h4', t('f.deadlines')),
        el('table.deadlines', el('tbody', ['dispatch', 'sign', 'return', 'reply', 'visit'].map((s) => {
          const v = c.deadlines[s];
          const running = v && v === c.current_due && s !== 'return';
          return el(`tr${running ? '.running' : ''}`, el('th', t(`stage.${s}`)),
            el('td', running ? dueCell(v, c.overdue) : v ? fmtTime(v, true) : '—'));
        }))),
        countsText(c.counts) ? el('p.small.muted', countsText(c.counts)) : null,
        el('h4', t('f.actions')),
        actions.length
          ? el('div.action-buttons', actions.map((a) => el(`button${MAIN.has(a) ? '.primary' : DANGER.has(a) ? '.danger-ghost' : '.ghost'}`, {
            type: 'button', dataset: { action: a },
            onclick: () => actionForm(a, c, ctx, actBox),
          }, t(`action.${a}`))))
          : el('p.muted.small', t('f.no_actions')),
        actBox)),
    el('section.history', el('h4', t('f.history')), historyList(c, ctx))));
  // open(action, false) shows a form without moving the focus (desks that open one for you)
  return { open: (a, focus = true) => actionForm(a, c, ctx, actBox, focus) };
}

/** Loads request `id` into `box` (loading, error and forbidden states included) as a turn of
 *  `loads` (api.latest()): a load started later wins, and this one then never resolves.
 *  Resolves with {c, view, turn} (the turn for what the caller fetches about it), or null. */
export async function loadCaseInto(box, id, ctx, loads) {
  const turn = loads.next();
  showLoading(box);
  try {
    const c = await turn.get(casePath(id));
    return { c, view: renderCase(box, c, ctx), turn };
  } catch (e) {
    if (e.code === 'forbidden') box.replaceChildren(el('div.state.error.forbidden', { role: 'alert' }, t('forbidden.case')));
    else if (e.code === 'not_found') box.replaceChildren(el('div.state.empty', t('notfound.case')));
    else showError(box, e, () => loadCaseInto(box, id, ctx, loads));
    return null;
  }
}

