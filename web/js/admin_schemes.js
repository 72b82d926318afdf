// admin_schemes.js — the console's "appraisal schemes" tab (考核方案): every scheme by its
// effective date with its weights and satisfaction-level scores, the one in force today marked,
// and a form that adds a scheme from a date, pre-filled from the one in force. Schemes are never
// edited (a change is a new scheme with a later date), so there is no edit or remove here.
// GET /api/appraisal/schemes, POST /api/admin/appraisal/schemes.

import { get, post } from './api.js';
import { t, addStrings } from './i18n.js';
import { el, field, showLoading, showEmpty, showError, toast, put, cityDate } from './ui.js';
import { text, val, onSubmit, formCard, formButtons, layout } from './admin_kit.js';

// The server's names, in its order (api_scheme_json); the words are i18n's ind.* and sat.*.
const INDICATORS = ['response', 'resolution', 'satisfaction', 'ontime_reply', 'return', 'reopen'];
const LEVELS = ['satisfied', 'basic', 'unsatisfied'];
// What the server scores with when no scheme is in force (appraisal_scheme_default).
const BUILT_IN = {
  weights: { response: 30, resolution: 35, satisfaction: 35, ontime_reply: 0, return: 0, reopen: 0 },
  scores: { satisfied: 1, basic: 1, unsatisfied: 0 },
};

addStrings({
  'adm.tab.schemes': ['考核方案', 'Appraisal schemes'],
  'sch.name': ['方案名称', 'Name'],
  'sch.period': ['有效期', 'Effective'],
  'sch.from': ['生效日期', 'Effective from'],
  'sch.to': ['截止日期', 'Effective until'],
  'sch.to.hint': ['留空表示一直有效，直到有更晚生效的方案', 'Empty: until a later scheme takes over'],
  'sch.open': ['{d} 起', 'from {d}'],
  'sch.range': ['{a} 至 {b}', '{a} to {b}'],
  'sch.weights': ['指标权重', 'Weights'],
  'sch.weights.hint': ['每项 0–100，至少一项大于 0。综合得分 = Σ 权重 × 得分 ÷ Σ 权重。', 'Each 0–100, at least one above 0. Composite = Σ weight × score ÷ Σ weight.'],
  'sch.sum': ['权重合计 {n}', 'Weights add up to {n}'],
  'sch.sum.off': ['权重合计 {n}（通常为 100）', 'Weights add up to {n} (usually 100)'],
  'sch.scores': ['满意度得分', 'Satisfaction scores'],
  'sch.scores.hint': ['每个回访满意度等级计入满意率的分值，0–1', 'What each level of a visit counts towards the satisfaction rate, 0–1'],
  'sch.status': ['状态', 'Status'],
  'sch.now': ['今日生效', 'In force today'],
  'sch.future': ['待生效', 'Scheduled'],
  'sch.past': ['历史方案', 'Earlier'],
  'sch.none': ['尚无考核方案', 'No scheme yet'],
  'sch.builtin': ['今天没有生效的方案，按内置方案（30/35/35；满意 1、基本满意 1、不满意 0）计分。', 'No scheme is in force today: the built-in one scores (30/35/35; satisfied 1, basic 1, unsatisfied 0).'],
  'sch.new': ['新增考核方案', 'New appraisal scheme'],
  'sch.prefill': ['已按今日生效的方案“{n}”预填。', 'Pre-filled from “{n}”, in force today.'],
  'sch.create': ['保存方案', 'Save scheme'],
  'sch.rule': ['方案保存后不能修改：调整时请新增一个生效日期更晚的方案。每个考核期按其第一天生效的方案计分，所以过去的月份始终按当时生效的方案重算，生效日期宜选在月初。',
    'A scheme cannot be changed once saved: add one with a later effective date instead. Each period is scored under the scheme in force on its first day, so a past month is always recomputed under the scheme in force then; start a scheme on the 1st of a month.'],
  'sch.past_date': ['此日期不晚于今天：已过去的考核期若从此日起算，将按新方案重算。', 'This date is not after today: past periods starting from it will be recomputed under the new scheme.'],
  'sch.saved': ['“{n}” 已保存，{d} 起生效', '“{n}” saved, in force from {d}'],
});

/** 30 → "30", 0.8 → "0.8", 12.345 → "12.35" */
const fmt = (x) => String(Number(Number(x).toFixed(2)));
/** A decimal as a number; anything else as typed, for the server to say what is wrong. */
const dec = (v) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

/** The scheme the server scores `day` under: the latest effective_from on or before it whose
 *  effective_to has not passed, the later id winning a tie (store_appraisal_scheme_at). */
function inForceOn(schemes, day) {
  let best = null;
  for (const s of schemes) {
    if (s.effective_from > day || (s.effective_to && s.effective_to < day)) continue;
    if (!best || s.effective_from > best.effective_from || (s.effective_from === best.effective_from && s.id > best.id)) best = s;
  }
  return best;
}

/** The 1st of next month in the city: the natural start of a scheme (periods start on a 1st). */
function nextMonthStart() {
  const [y, m] = cityDate(0).split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export async function schemesTab(box) {
  const notice = el('div');
  const { list, side } = layout(box, notice);
  let schemes = [];
  let current = null;

  /** Lists the schemes; false when they could not be loaded. */
  async function load() {
    showLoading(list);
    try {
      schemes = (await get('/api/appraisal/schemes')).schemes;
    } catch (e) {
      // no form either: pre-filling it from nothing would suggest the built-in scheme is in force
      put(side);
      showError(list, e, async () => { if (await load()) showForm(); });
      return false;
    }
    const today = cityDate(0);
    current = inForceOn(schemes, today);
    put(notice, current ? null : el('p.notice.warn#scheme-builtin', t('sch.builtin')));
    if (!schemes.length) { showEmpty(list, t('sch.none')); return true; }
    put(list, el('table.cases.adm-table#schemes-table',
      el('thead', el('tr', ['sch.name', 'sch.period', 'sch.weights', 'sch.scores', 'sch.status'].map((k) => el('th', t(k))))),
      el('tbody', schemes.map((s) => {
        const status = s === current ? 'now' : s.effective_from > today ? 'future' : 'past';
        return el('tr', { dataset: { id: s.id, from: s.effective_from, status }, class: status === 'past' ? 'inactive' : status === 'now' ? 'in-force' : null },
          el('td', el('b', s.name)),
          el('td.nowrap', s.effective_to ? t('sch.range', { a: s.effective_from, b: s.effective_to }) : t('sch.open', { d: s.effective_from })),
          // weights of 0 do not count, so only the others are listed
          el('td.sch-weights', INDICATORS.filter((k) => s.weights[k] > 0).map((k) =>
            el('span.sch-pair', { dataset: { ind: k } }, t(`ind.${k}`), ' ', el('b', fmt(s.weights[k]))))),
          el('td.sch-scores', LEVELS.map((k) =>
            el('span.sch-pair', { dataset: { level: k } }, t(`sat.${k}`), ' ', el('b', fmt(s.scores[k]))))),
          el('td', status === 'now' ? el('span.badge.pub', t('sch.now'))
            : status === 'future' ? el('span.badge.work', t('sch.future')) : el('span.badge', t('sch.past'))));
      }))));
    return true;
  }

  function showForm() {
    const base = current || BUILT_IN;
    const sum = el('div.hint.sch-sum', { 'aria-live': 'polite' });
    const dateWarn = el('p.notice.warn.small#sch-past-warn', { hidden: true });
    const from = el('input', { type: 'date', name: 'effective_from', id: 'sch-from', value: nextMonthStart() });
    const pairs = (prefix, keys, words, values) => el('div.sch-inputs', keys.map((k) =>
      el('label.sch-input', el('span', t(`${words}.${k}`)),
        text(`${prefix}_${k}`, fmt(values[k]), { id: `sch-${prefix}-${k}`, inputmode: 'decimal' }))));
    const form = el('form#scheme-form', { novalidate: true, autocomplete: 'off' },
      current ? el('p.hint', t('sch.prefill', { n: current.name })) : null,
      field(t('sch.name'), text('name', '', { id: 'sch-name' }), { required: true }),
      el('div.row2',
        field(t('sch.from'), from, { required: true }),
        field(t('sch.to'), el('input', { type: 'date', name: 'effective_to', id: 'sch-to' }), { optional: true })),
      dateWarn,
      el('div.hint', t('sch.to.hint')),
      // the server names the whole group (`weights`, `scores`) when one value is wrong
      el('fieldset.field.sch-group', { dataset: { field: 'weights' } },
        el('legend', t('sch.weights')), pairs('weight', INDICATORS, 'ind', base.weights), sum,
        el('div.hint', t('sch.weights.hint'))),
      el('fieldset.field.sch-group', { dataset: { field: 'scores' } },
        el('legend', t('sch.scores')), pairs('score', LEVELS, 'sat', base.scores),
        el('div.hint', t('sch.scores.hint'))),
      el('p.hint', t('sch.rule')),
      formButtons(t('sch.create')));

    // Live hints only; what is sent is judged by the server, which does not require 100.
    const refresh = () => {
      const n = INDICATORS.reduce((a, k) => a + (Number(val(form, `weight_${k}`)) || 0), 0);
      sum.textContent = t(Math.abs(n - 100) < 1e-9 ? 'sch.sum' : 'sch.sum.off', { n: fmt(n) });
      sum.classList.toggle('warn', Math.abs(n - 100) >= 1e-9);
      dateWarn.hidden = !(from.value && from.value <= cityDate(0));
      dateWarn.textContent = t('sch.past_date');
    };
    form.addEventListener('input', refresh);
    refresh();

    onSubmit(form, async () => {
      const b = { name: val(form, 'name'), weights: {}, scores: {} };
      // empty boxes are left out: the server reads a missing weight as 0, a missing score as its default
      if (val(form, 'effective_from')) b.effective_from = val(form, 'effective_from');
      if (val(form, 'effective_to')) b.effective_to = val(form, 'effective_to');
      for (const k of INDICATORS) if (val(form, `weight_${k}`).trim()) b.weights[k] = dec(val(form, `weight_${k}`));
      for (const k of LEVELS) if (val(form, `score_${k}`).trim()) b.scores[k] = dec(val(form, `score_${k}`));
      const s = await post('/api/admin/appraisal/schemes', b);
      toast(t('sch.saved', { n: s.name, d: s.effective_from }));
      await load();
      showForm();
    });
    put(side, formCard(t('sch.new'), form));
  }

  if (await load()) showForm();
}
