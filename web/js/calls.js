// calls.js — the centre's call records (来电记录): the calls the phone switch reported for a day
// (today by default; ‹ › step a day) or a range of days, optionally one call-taker's, newest
// first a page at a time (GET /api/calls), and above them the period's GB/T 33358 figures with
// calls by hour (GET /api/analytics/calls). A call-taker gets the same page with their own calls
// only (the API restricts the list) and no figures (GET /api/analytics/calls is not their
// role's: api.may).
// The two endpoints count days differently: the list's `to` is an exclusive time (a bare date
// is its midnight), the figures' `to` an inclusive date. The page keeps inclusive days
// [from, to] and asks the list for [from, to + 1 day).

import { getAll, qs, may, latest } from './api.js';
import { t, addStrings } from './i18n.js';
import { el, $, requireUser, showLoading, showEmpty, showError, put, cityDate, fmtTime, pager } from './ui.js';

addStrings({
  'cl.title': ['来电记录', 'Call records'],
  'cl.from': ['从', 'From'],
  'cl.to': ['至', 'to'],
  'cl.prev': ['前一天', 'Previous day'],
  'cl.next': ['后一天', 'Next day'],
  'cl.today': ['今天', 'Today'],
  'cl.refresh': ['刷新', 'Refresh'],
  'cl.agent': ['接线员', 'Call-taker'],
  'cl.all_agents': ['全部接线员', 'All call-takers'],
  'cl.figures': ['话务指标', 'Call figures'],
  'cl.figures.all': ['全中心（不按接线员筛选）', 'whole centre (not by call-taker)'],
  'cl.target': ['GB/T 33358 标准 ≥ 95%', 'GB/T 33358: ≥ 95 %'],
  'cl.answer_rate': ['接通率', 'Answer rate'],
  'cl.answer_15s_rate': ['15秒接通率', 'Answered in 15 s'],
  'cl.offered': ['呼入', 'Offered'],
  'cl.answered': ['接通', 'Answered'],
  'cl.abandoned': ['放弃', 'Abandoned'],
  'cl.avg_wait': ['平均等待', 'Avg wait'],
  'cl.avg_talk': ['平均通话', 'Avg talk'],
  'cl.by_hour': ['分时段呼入', 'Calls by hour'],
  'cl.unanswered': ['未接通', 'Not answered'],
  'cl.hour': ['{h}时：呼入 {o}，接通 {a}', '{h}:00 — offered {o}, answered {a}'],
  'cl.offered_at': ['呼入时间', 'Offered'],
  'cl.caller': ['来电号码', 'Caller'],
  'cl.wait': ['等待', 'Wait'],
  'cl.talk': ['通话', 'Talk'],
  'cl.status': ['状态', 'Status'],
  'cl.cases': ['关联工单', 'Requests'],
  'cl.badge.abandoned': ['放弃', 'Abandoned'],
  'cl.badge.talking': ['通话中', 'In progress'],
  'cl.badge.queued': ['排队中', 'Queued'],
  'cl.no_offer': ['交换机未报告呼入时间，此为其首次报告的时间', 'The switch did not report the offer; its first report'],
  'cl.call_id': ['交换机呼叫编号 {id}', 'Switch call id {id}'],
  'cl.none': ['该时段没有来电', 'No calls in this period'],
  'cl.sec': ['{n} 秒', '{n} s'],
  'cl.min_sec': ['{m} 分 {n} 秒', '{m} min {n} s'],
});

const me = await requireUser(['calltaker', 'dispatcher', 'supervisor', 'admin'], '/calls.html');
const main = $('#main');
const own = me.role === 'calltaker'; // the API lists a call-taker's own calls only: no filter, no column
const PAGE_SIZE = 50;
const SLOW = 15; // GB/T 33358: a call should be answered within 15 seconds…
const TARGET = 0.95; // …and 95 % of them so

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const today = cityDate(0); // for the pickers' max; the buttons ask again (a page left open past midnight)

function addDays(d, n) {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

/** 75 → "1 分 15 秒" (as on a request's page). */
function secs(s) {
  if (s === null || s === undefined) return '—';
  return s < 60 ? t('cl.sec', { n: s }) : t('cl.min_sec', { m: Math.floor(s / 60), n: s % 60 });
}
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const avg = (x) => (x === null || x === undefined ? '—' : t('cl.sec', { n: x.toFixed(1) }));

// ---- state: the period and the call-taker, kept in the URL so that a reload comes back to it --
const q = new URLSearchParams(location.search);
const state = {
  from: DAY.test(q.get('from') || '') ? q.get('from') : today,
  to: DAY.test(q.get('to') || '') ? q.get('to') : null,
  agent: own ? '' : q.get('agent') || '',
  page: Math.max(1, Number(q.get('page')) || 1),
};
if (!state.to || state.to < state.from) state.to = state.from;

function saveUrl() {
  history.replaceState(null, '', `/calls.html${qs({ from: state.from, to: state.to, agent: state.agent, page: state.page > 1 ? state.page : '' })}`);
}

// ---- the page ---------------------------------------------------------------------------------
const fromIn = el('input#calls-from', { type: 'date', value: state.from, max: today, 'aria-label': t('cl.from') });
const toIn = el('input#calls-to', { type: 'date', value: state.to, max: today, 'aria-label': t('cl.to') });
const prevBtn = el('button.ghost#calls-prev', { type: 'button', onclick: () => setPeriod(addDays(state.from, -1)) }, '‹ ', t('cl.prev'));
const nextBtn = el('button.ghost#calls-next', { type: 'button', onclick: () => setPeriod(addDays(state.to, 1)) }, t('cl.next'), ' ›');
const todayBtn = el('button.ghost#calls-today', { type: 'button', onclick: () => setPeriod(cityDate(0)) }, t('cl.today'));
const agentSel = own ? null : el('select#calls-agent', { 'aria-label': t('cl.agent') }, el('option', { value: '' }, t('cl.all_agents')));
// figures stay hidden until the analytics answer, and for the roles that may not read them
const figuresOn = may('analytics');
const figBox = el('section.card.calls-figures#calls-figures', { 'aria-label': t('cl.figures'), hidden: true });
const listBox = el('div.card.calls-list#calls-list', { 'aria-live': 'polite' });

fromIn.addEventListener('change', () => {
  if (!DAY.test(fromIn.value)) { fromIn.value = state.from; return; }
  setPeriod(fromIn.value, fromIn.value > state.to ? fromIn.value : state.to);
});
toIn.addEventListener('change', () => {
  if (!DAY.test(toIn.value)) { toIn.value = state.to; return; }
  setPeriod(toIn.value < state.from ? toIn.value : state.from, toIn.value);
});
if (agentSel) {
  agentSel.value = state.agent;
  agentSel.addEventListener('change', () => {
    state.agent = agentSel.value;
    state.page = 1;
    saveUrl();
    loadList();
    if (figures) renderFigures(figures); // the figures have no call-taker filter: only their note changes
  });
}

put(main, el('div.calls-page',
  el('div.calls-head', el('h1', t('cl.title')),
    el('div.calls-tools', prevBtn, el('label.inline', t('cl.from'), ' ', fromIn), el('label.inline', t('cl.to'), ' ', toIn), nextBtn, todayBtn,
      agentSel ? el('label.inline', t('cl.agent'), ' ', agentSel) : null,
      el('button.ghost#calls-refresh', { type: 'button', onclick: loadAll }, t('cl.refresh')))),
  figuresOn ? figBox : null, listBox));

/** Shows the days [from, to] (one day when `to` is left out) from the first page. */
function setPeriod(from, to = from) {
  Object.assign(state, { from, to, page: 1 });
  fromIn.value = from;
  toIn.value = to;
  saveUrl();
  loadAll();
}

function loadAll() {
  nextBtn.disabled = state.to >= cityDate(0);
  loadFigures();
  loadList();
  loadAgents();
}

// Each loader draws only its latest request's answer (api.latest): stepping through days
// quickly must not leave an older day's answer on the screen.
const loads = { figures: latest(), list: latest(), agents: latest() };

// ---- figures ------------------------------------------------------------------------------------
let figures = null; // the last answer, drawn again when the call-taker filter changes

async function loadFigures() {
  if (!figuresOn) return;
  const turn = loads.figures.next();
  if (!figBox.hidden) showLoading(figBox);
  try {
    const r = await turn.get(`/api/analytics/calls${qs({ from: state.from, to: state.to })}`);
    figures = r;
    renderFigures(r);
    figBox.hidden = false;
  } catch (e) {
    figures = null;
    showError(figBox, e, loadFigures);
    figBox.hidden = false;
  }
}

function renderFigures(r) {
  const rate = (id, key, v) => el(`div.cf-rate${v !== null && v !== undefined && v < TARGET ? '.low' : ''}#${id}`,
    el('span.v', pct(v)), el('span.l', t(key)));
  const count = (id, key, v, cls = '') => el(`div.cf-count${cls}#${id}`, el('span.l', t(key)), el('b.v', v));
  figBox.dataset.period = `${r.period.from}..${r.period.to}`;
  put(figBox,
    el('div.cf-head', el('h2', t('cl.figures')),
      el('span.muted', r.period.from === r.period.to ? r.period.from : `${r.period.from} — ${r.period.to}`),
      state.agent ? el('span.muted.small', t('cl.figures.all')) : null,
      el('span.cf-target', t('cl.target'))),
    el('div.cf-body',
      el('div.cf-rates', rate('cf-answer-rate', 'cl.answer_rate', r.answer_rate), rate('cf-15s-rate', 'cl.answer_15s_rate', r.answer_15s_rate)),
      el('div.cf-counts',
        count('cf-offered', 'cl.offered', r.offered), count('cf-answered', 'cl.answered', r.answered),
        count('cf-abandoned', 'cl.abandoned', r.abandoned, r.abandoned ? '.bad' : ''),
        count('cf-avg-wait', 'cl.avg_wait', avg(r.avg_wait_seconds)), count('cf-avg-talk', 'cl.avg_talk', avg(r.avg_talk_seconds))),
      el('div.cf-chart',
        el('div.cf-chart-head', el('span', t('cl.by_hour')),
          el('span.cf-legend', el('i.ans'), t('cl.answered'), el('i.miss'), t('cl.unanswered'))),
        hourChart(r.by_hour))));
}

/** A column per hour, as tall as its offered calls against the busiest hour; the answered part
 *  fills it from the bottom, the rest (not answered) shows above it. */
function hourChart(byHour) {
  const max = Math.max(1, ...byHour.map((h) => h.offered));
  return el('div.cf-hours', { role: 'img', 'aria-label': t('cl.by_hour') }, byHour.map((h) => el('div.cf-hour', {
    title: t('cl.hour', { h: h.hour, o: h.offered, a: h.answered }),
    dataset: { hour: h.hour, offered: h.offered, answered: h.answered },
  },
  el('div.cf-bar', { style: `height:${(h.offered / max) * 100}%` },
    el('div.ans', { style: `height:${h.offered ? (h.answered / h.offered) * 100 : 0}%` })),
  el('span.cf-h', h.hour % 3 === 0 ? h.hour : ''))));
}

// ---- the list -----------------------------------------------------------------------------------
async function loadList() {
  const turn = loads.list.next();
  showLoading(listBox);
  try {
    const r = await turn.get(`/api/calls${qs({ from: state.from, to: addDays(state.to, 1), agent: state.agent, page: state.page, page_size: PAGE_SIZE })}`);
    renderList(r);
  } catch (e) {
    showError(listBox, e, loadList);
  }
}

function statusBadge(c) {
  if (c.abandoned) return el('span.badge.late.abandoned', t('cl.badge.abandoned'));
  if (c.answered_at && !c.ended_at) return el('span.badge.work', t('cl.badge.talking'));
  if (!c.answered_at && !c.ended_at) return el('span.badge', t('cl.badge.queued'));
  return null;
}

/** "11-27 09:30:31": when the call was offered, or (a call the switch reported only from a
 *  later event) the first event it reported, which is where the API places the call too. */
function whenCell(c) {
  const at = c.offered_at || c.answered_at || c.ended_at;
  return el('td.num.cl-when', { title: [t('cl.call_id', { id: c.call_id }), c.offered_at ? null : t('cl.no_offer')].filter(Boolean).join('\n') },
    at ? `${fmtTime(at)}${at.slice(16, 19)}` : '—', c.offered_at ? null : el('span.muted', ' *'));
}

function renderList(r) {
  if (!r.items.length && r.total > 0 && state.page > 1) { // a page number from an old URL, past the end
    state.page = 1;
    saveUrl();
    loadList();
    return;
  }
  if (!r.items.length) {
    showEmpty(listBox, t('cl.none'));
    return;
  }
  const rows = r.items.map((c) => el('tr', { dataset: { id: c.id, callId: c.call_id } },
    whenCell(c),
    el('td.num.cl-caller', c.caller || '—'),
    own ? null : el('td.cl-agent', c.agent ? c.agent.display_name : '—'),
    el(`td.num.cl-wait${c.wait_seconds > SLOW ? '.slow' : ''}`, secs(c.wait_seconds)),
    el('td.num.cl-talk', c.answered_at && !c.ended_at ? t('cl.badge.talking') : secs(c.talk_seconds)),
    el('td.cl-status', statusBadge(c)),
    el('td.num.cl-cases', c.cases.map((k) => el('a', { href: `/case.html?id=${k.id}` }, k.number)))));
  put(listBox,
    el('table.cases.calls-table', el('thead', el('tr',
      ['cl.offered_at', 'cl.caller', own ? null : 'cl.agent', 'cl.wait', 'cl.talk', 'cl.status', 'cl.cases']
        .filter(Boolean).map((k) => el('th', t(k))))), el('tbody', rows)),
    pager(r.total, r.page, r.page_size, (p) => { state.page = p; saveUrl(); loadList(); }));
}

// ---- the call-taker filter ----------------------------------------------------------------------
/** The call-takers to filter by: those who answered a call in the period. GET /api/admin/users
 *  is the admin's only and GET /api/units/:id/users has no usernames (the list's `agent` is
 *  one), so they come from the period's calls themselves (up to 2000 calls, 200 a request). */
async function loadAgents() {
  if (own) return;
  const turn = loads.agents.next();
  let items;
  try {
    ({ items } = await turn.hold(getAll('/api/calls', { from: state.from, to: addDays(state.to, 1) }, 2000, { signal: turn.signal })));
  } catch {
    return; // the options stay as they were; the list asks the same endpoint and shows its error
  }
  const names = new Map();
  for (const c of items) if (c.agent) names.set(c.agent.username, c.agent.display_name);
  if (state.agent && !names.has(state.agent)) names.set(state.agent, state.agent); // the choice stays shown
  put(agentSel, el('option', { value: '' }, t('cl.all_agents')),
    [...names].sort((a, b) => a[1].localeCompare(b[1], 'zh')).map(([u, name]) => el('option', { value: u }, name)));
  agentSel.value = state.agent;
}

saveUrl();
loadAll();
