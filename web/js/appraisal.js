// appraisal.js — unit appraisal (考核): for a month, quarter or year, each tier's ranking
// (districts, departments, streets) by composite score, with every rate drilling down to the
// requests behind it (numerator, denominator, and the ones that cost points), and exports of
// the appraisal (xlsx) and of the period's requests (csv, xlsx). GET /api/appraisal,
// GET /api/appraisal/:unit/drill, GET /api/export/*. A handler sees its own subtree.

import { latest, qs } from './api.js';
import { t, nm } from './i18n.js';
import { el, $, $$, requireUser, showLoading, showEmpty, showError, caseTable, pager, cityDate } from './ui.js';
import { loadCategories, loadUnits } from './catalog.js';

await requireUser(['supervisor', 'admin', 'dispatcher', 'handler'], '/appraisal.html');
const main = $('#main');
const [cats, units] = await Promise.all([loadCategories(), loadUnits()]);

const INDICATORS = ['response', 'resolution', 'satisfaction', 'ontime_reply', 'return', 'reopen'];
const LOWER_IS_BETTER = new Set(['return', 'reopen']);

// periods: the last 12 months, this and last quarter, this and last year
function periods() {
  const today = cityDate(0);
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7));
  const out = [];
  for (let i = 0; i < 12; i++) {
    out.push({ value: `${y}-${String(m).padStart(2, '0')}`, label: t('ap.month', { y, m }) });
    if (--m === 0) { m = 12; y--; }
  }
  const ty = Number(today.slice(0, 4));
  const tq = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const lq = tq === 1 ? { y: ty - 1, q: 4 } : { y: ty, q: tq - 1 };
  out.splice(1, 0, { value: `${ty}-Q${tq}`, label: t('ap.quarter', { y: ty, q: tq }) },
    { value: `${lq.y}-Q${lq.q}`, label: t('ap.quarter', { y: lq.y, q: lq.q }) },
    { value: `${ty}`, label: t('ap.year', { y: ty }) }, { value: `${ty - 1}`, label: t('ap.year', { y: ty - 1 }) });
  return out;
}

const periodSel = el('select#ap-period', { 'aria-label': t('ap.period') }, periods().map((p) => el('option', { value: p.value }, p.label)));
const exports = el('div.ap-exports');
const scheme = el('p.small.muted.ap-scheme');
const tabs = el('div.tabs', { role: 'tablist' });
const tableBox = el('div.ap-table.card');
const drillBox = el('section.ap-drill', { 'aria-live': 'polite' });
let data = null;
let tier = location.hash.slice(1) || 'districts';

main.replaceChildren(el('div.ap-page',
  el('div.ap-head', el('h1', t('ap.title')), el('label.inline', t('ap.period'), ' ', periodSel), exports),
  scheme, tabs, tableBox, drillBox));

function pct(x) { return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`; }

function periodRange(p) {
  // from/to of the export search: to is the day after the period's last day
  const from = p.from;
  const d = new Date(`${p.to}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return { from, to: d.toISOString().slice(0, 10) };
}

// choosing periods or figures quickly: only the last one chosen is drawn
const loads = latest();
const drills = latest();

async function load() {
  const turn = loads.next();
  drills.cancel();
  showLoading(tableBox);
  drillBox.replaceChildren();
  const period = periodSel.value;
  try {
    data = await turn.get(`/api/appraisal${qs({ period })}`);
  } catch (e) {
    showError(tableBox, e, load);
    return;
  }
  const w = data.scheme.weights;
  scheme.textContent = `${t('ap.scheme')}: ${data.scheme.name} · ${INDICATORS.filter((k) => w[k]).map((k) => `${t(`ind.${k}`)} ${w[k]}`).join(' / ')} · ${data.period.from} — ${data.period.to}`;
  const range = periodRange(data.period);
  exports.replaceChildren(
    el('a.button.ghost', { href: `/api/export/appraisal.xlsx${qs({ period })}`, download: '' }, t('ap.export.appraisal')),
    el('a.button.ghost', { href: `/api/export/cases.csv${qs(range)}`, download: '' }, t('ap.export.csv')),
    el('a.button.ghost', { href: `/api/export/cases.xlsx${qs(range)}`, download: '' }, t('ap.export.xlsx')));
  const keys = [...Object.keys(data.tiers).filter((k) => data.tiers[k].length), ...(data.other.length ? ['other'] : [])];
  if (!keys.includes(tier)) tier = keys[0];
  tabs.replaceChildren(...keys.map((k) => el('button.tab', {
    type: 'button', role: 'tab', id: `tier-${k}`, 'aria-selected': k === tier ? 'true' : 'false',
    onclick: () => { tier = k; history.replaceState(null, '', `#${k}`); for (const b of $$('.tab', tabs)) b.setAttribute('aria-selected', b.id === `tier-${k}` ? 'true' : 'false'); render(); },
  }, t(`ap.tier.${k}`), el('span.count.zero', String((k === 'other' ? data.other : data.tiers[k]).length)))));
  render();
}

function render() {
  const rows = !tier ? [] : tier === 'other' ? data.other : data.tiers[tier]; // no tier: nothing to rank
  if (!rows.length) { showEmpty(tableBox); return; }
  tableBox.replaceChildren(el('table.cases.ap',
    el('thead', el('tr', el('th', t('ap.rank')), el('th', t('f.unit')), el('th', t('ap.composite')), el('th', t('ap.volume')),
      INDICATORS.map((k) => el('th', t(`ind.${k}`))))),
    el('tbody', rows.map((u) => el('tr', { dataset: { unit: u.unit_id } },
      el('td.rank', u.rank ? el('span', { class: `medal m${u.rank}` }, String(u.rank)) : '—'),
      el('td', el('b', nm(u))),
      el('td.score', u.composite === null ? '—' : u.composite.toFixed(2)),
      el('td', String(u.volume)),
      INDICATORS.map((k) => {
        const r = u.rates[k];
        const bad = r.rate !== null && (LOWER_IS_BETTER.has(k) ? r.rate > 0.1 : r.rate < 0.8);
        return el('td', el(`button.rate${bad ? '.bad' : ''}`, {
          type: 'button', dataset: { indicator: k },
          title: t('ap.drill.title', { u: nm(u), i: t(`ind.${k}`) }),
          onclick: () => drill(u, k, 'cost', 1),
        }, pct(r.rate), el('span.frac', `${r.num}/${r.den}`), overdueNote(u, k)));
      }))))));
}

// The late ones not done yet (counted late, like the ones done late): response and on-time reply.
function overdueNote(u, k) {
  const n = k === 'response' ? u.counts.sign_overdue : k === 'ontime_reply' ? u.counts.reply_overdue : 0;
  return n ? el('span.overdue', t(k === 'response' ? 'ap.overdue.sign' : 'ap.overdue.reply', { n })) : null;
}

async function drill(u, indicator, part, page) {
  const head = el('div.ap-drill-head',
    el('h2', `${nm(u)} · ${t(`ind.${indicator}`)}`),
    el('div.tabs', { role: 'tablist' }, ['cost', 'numerator', 'denominator'].map((p) => el('button.tab', {
      type: 'button', role: 'tab', 'aria-selected': p === part ? 'true' : 'false', dataset: { part: p },
      onclick: () => drill(u, indicator, p, 1),
    }, t(`ap.part.${p}`)))));
  const list = el('div.list');
  drillBox.replaceChildren(el('div.card', head, list));
  showLoading(list);
  drillBox.scrollIntoView({ behavior: 'smooth', block: 'start' });
  try {
    const r = await drills.next().get(`/api/appraisal/${u.unit_id}/drill${qs({ period: periodSel.value, indicator, part, page, page_size: 20 })}`);
    if (!r.total) { showEmpty(list, t('ap.drill.none')); return; }
    list.replaceChildren(
      caseTable(r.items, { cats, units, columns: ['number', 'category', 'text', 'state', 'unit', 'registered'], onOpen: (c) => { location.href = `/case.html?id=${c.id}`; } }),
      pager(r.total, page, 20, (p) => drill(u, indicator, part, p)));
  } catch (e) {
    showError(list, e, () => drill(u, indicator, part, page));
  }
}

periodSel.addEventListener('change', load);
load();
