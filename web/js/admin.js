// admin.js — the administrator's console: tabs for users, units, categories, the working
// calendar, time limits, the routing catalogue, appraisal schemes, API tokens, the audit log,
// sensitive words and the model. Each tab is a list (a table, trees indented by depth) beside
// one form that creates, or edits the row chosen; the server judges every input and its
// error.field lands next to the field (ui.showFormError). A supervisor, who may read the audit
// log (GET /api/admin/audit), gets that tab alone; other roles get the "no access" notice (the
// /api/admin/* routes refuse them anyway).
// GET /api/units, /api/categories, /api/calendar, /api/time-limits, /api/routing,
// /api/admin/users; POST/PATCH /api/admin/{users,units,categories}; PUT/DELETE
// /api/admin/{calendar/:date,time-limits,routing}.

import { api, get, post, qs, ApiError } from './api.js';
import { t, nm, isEn } from './i18n.js';
import {
  el, requireUser, field, showLoading, showEmpty, showError, toast, put, cityDate, tabBar,
} from './ui.js';
import {
  data, loadUnits, loadCats, unitName, catPath, treeOrder, treeSelect, choice, text,
  checkField, val, idOrNull, num, activeBadge, confirmButton, onSubmit, formCard, formButtons,
  layout,
} from './admin_kit.js';
import { schemesTab } from './admin_schemes.js';
import { tokensTab } from './admin_tokens.js';
import { auditTab } from './admin_audit.js';
import { wordsTab } from './admin_words.js';

const me = await requireUser(['admin', 'supervisor'], '/admin.html');
const main = document.getElementById('main');

const ROLES = ['calltaker', 'dispatcher', 'handler', 'visitor', 'supervisor', 'admin', 'integrator'];
const KINDS = ['district', 'street', 'department', 'utility'];
const TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'];
const URGENCIES = ['normal', 'urgent'];
const STAGES = ['dispatch', 'sign', 'return', 'reply', 'visit'];
const LIMIT_UNITS = ['minutes', 'hours', 'natural_days', 'working_days'];

// ---- users -------------------------------------------------------------------------------------
async function usersTab(box) {
  const { list, side } = layout(box);
  let users = [];
  async function load() {
    showLoading(list);
    try {
      [users] = await Promise.all([get('/api/admin/users').then((r) => r.users), loadUnits()]);
    } catch (e) { showError(list, e, load); return; }
    if (!users.length) { showEmpty(list); return; }
    put(list, el('table.cases.adm-table#users-table',
      el('thead', el('tr', ['adm.username', 'adm.display_name', 'adm.role', 'adm.unit', 'adm.status', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', users.map((u) => el('tr', { dataset: { id: u.id, username: u.username }, class: u.active ? null : 'inactive' },
        el('td', el('code', u.username)), el('td', u.display_name), el('td', t(`role.${u.role}`)),
        el('td', u.unit ? nm(u.unit) : unitName(u.unit_id)), el('td', activeBadge(u.active)),
        el('td.actions', el('button.small.ghost', { type: 'button', dataset: { act: 'edit' }, onclick: () => showForm(u) }, t('adm.edit'))))))));
  }
  function showForm(u) {
    const unitSel = treeSelect('unit_id', data.units, { keep: (x) => x.active || (u && x.id === u.unit_id), selected: u ? u.unit_id : undefined, empty: t('f.choose') });
    const form = el('form#user-form', { novalidate: true, autocomplete: 'off' },
      u ? el('p.muted', t('adm.username'), ': ', el('code', u.username))
        : field(t('adm.username'), text('username', '', { id: 'u-username' }), { required: true, hint: t('adm.username.hint') }),
      field(t('adm.display_name'), text('display_name', u && u.display_name, { id: 'u-display_name' }), { required: true }),
      el('div.row2',
        field(t('adm.role'), choice('role', ROLES, 'role', { selected: u ? u.role : undefined, empty: t('f.choose') }), { required: true }),
        field(t('adm.unit'), unitSel, { required: true })),
      field(t('adm.password'), el('input', { type: 'password', name: 'password', id: 'u-password', autocomplete: 'new-password' }),
        u ? { optional: true, hint: t('adm.password.keep') } : { required: true, hint: t('adm.password.hint') }),
      u ? checkField('active', t('adm.active'), u.active) : null,
      u && u.id === me.id ? el('p.hint', t('adm.self')) : null,
      formButtons(u ? t('save') : t('adm.user.create'), u ? () => showForm(null) : null));
    onSubmit(form, async () => {
      const b = {};
      if (!u) b.username = val(form, 'username');
      const fields = { display_name: val(form, 'display_name'), role: val(form, 'role'), unit_id: idOrNull(val(form, 'unit_id')) };
      for (const [k, v] of Object.entries(fields)) {
        if (u && v === u[k]) continue; // only what changed: a role or unit change ends the sessions
        if (v === '' || v === null) { if (!u) continue; } // absent: the server says "required"
        b[k] = v;
      }
      const pw = val(form, 'password');
      if (pw) b.password = pw;
      if (u && val(form, 'active') !== u.active) b.active = val(form, 'active');
      if (u && !Object.keys(b).length) { toast(t('adm.unchanged')); return; }
      const saved = u ? await api('PATCH', `/api/admin/users/${u.id}`, b) : await post('/api/admin/users', b);
      toast(`${saved.username} · ${t('saved')}`);
      await load();
      showForm(null);
    });
    put(side, formCard(u ? t('adm.user.edit') : t('adm.user.new'), form));
    if (u) form.elements.namedItem('display_name').focus();
  }
  await load();
  showForm(null);
}

// ---- units -------------------------------------------------------------------------------------
async function unitsTab(box) {
  const { list, side } = layout(box);
  async function load() {
    showLoading(list);
    try { await loadUnits(); } catch (e) { showError(list, e, load); return; }
    put(list, el('table.cases.adm-table#units-table',
      el('thead', el('tr', ['adm.name', 'adm.code', 'adm.kind', 'adm.status', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', treeOrder(data.units).map(({ item: u, depth }) => el('tr', { dataset: { id: u.id, code: u.code }, class: u.active ? null : 'inactive' },
        el(`td.ind-${Math.min(depth, 4)}`, el('b', nm(u)), el('span.muted.small', ` ${isEn() ? u.name_zh : u.name_en}`)),
        el('td', el('code', u.code)), el('td', t(`kind1.${u.kind}`)), el('td', activeBadge(u.active)),
        el('td.actions',
          u.active && u.kind !== 'street' ? el('button.small.ghost', { type: 'button', dataset: { act: 'add' }, onclick: () => createForm(u.id) }, t('adm.add_under')) : null,
          el('button.small.ghost', { type: 'button', dataset: { act: 'edit' }, onclick: () => editForm(u) }, t('adm.rename')),
          u.kind !== 'centre' ? el('button.small.ghost', { type: 'button', dataset: { act: 'toggle' }, onclick: () => editForm(u, true) },
            u.active ? t('adm.deactivate') : t('adm.activate')) : null))))));
  }
  function createForm(parentId) {
    const parent = data.units.byId.get(parentId);
    const form = el('form#unit-form', { novalidate: true, autocomplete: 'off' },
      field(t('adm.parent'), treeSelect('parent_id', data.units, { keep: (x) => x.active, selected: parentId, empty: t('f.choose') }), { required: true }),
      el('div.row2',
        field(t('adm.code'), text('code', '', { id: 'unit-code' }), { required: true, hint: t('adm.code.hint') }),
        field(t('adm.kind'), choice('kind', KINDS, 'kind1', { selected: parent ? (parent.kind === 'district' ? 'street' : parent.kind === 'centre' ? 'district' : parent.kind) : undefined, empty: t('f.choose') }), { required: true })),
      field(t('adm.name_zh'), text('name_zh', '', { id: 'unit-name_zh' }), { required: true }),
      field(t('adm.name_en'), text('name_en', '', { id: 'unit-name_en' }), { required: true }),
      el('p.hint', t('adm.unit.rules')),
      formButtons(t('adm.unit.create')));
    onSubmit(form, async () => {
      const b = { code: val(form, 'code'), name_zh: val(form, 'name_zh'), name_en: val(form, 'name_en'), parent_id: idOrNull(val(form, 'parent_id')) };
      if (val(form, 'kind')) b.kind = val(form, 'kind');
      const u = await post('/api/admin/units', b);
      toast(`${nm(u)} · ${t('saved')}`);
      await load();
      createForm(u.parent_id);
    });
    put(side, formCard(t('adm.unit.new'), form));
  }
  function editForm(u, toggle) {
    const form = el('form#unit-form', { novalidate: true, autocomplete: 'off' },
      el('p.muted', el('code', u.code), ' · ', t(`kind1.${u.kind}`), u.parent_id ? ` · ${t('adm.parent')}: ${unitName(u.parent_id)}` : ''),
      field(t('adm.name_zh'), text('name_zh', u.name_zh, { id: 'unit-name_zh' }), { required: true }),
      field(t('adm.name_en'), text('name_en', u.name_en, { id: 'unit-name_en' }), { required: true }),
      u.kind !== 'centre' ? checkField('active', t('adm.active'), toggle ? !u.active : u.active) : null,
      el('p.hint', t('adm.unit.deactivate')),
      formButtons(t('save'), () => createForm(null)));
    onSubmit(form, async () => {
      const b = {};
      for (const k of ['name_zh', 'name_en']) if (val(form, k) !== u[k]) b[k] = val(form, k);
      if (u.kind !== 'centre' && val(form, 'active') !== u.active) b.active = val(form, 'active');
      if (!Object.keys(b).length) { toast(t('adm.unchanged')); return; }
      const saved = await api('PATCH', `/api/admin/units/${u.id}`, b);
      toast(`${nm(saved)} · ${t('saved')}`);
      await load();
      editForm(saved);
    });
    put(side, formCard(t('adm.unit.edit'), form));
    if (toggle) form.requestSubmit();
  }
  await load();
  createForm(null);
}

// ---- categories --------------------------------------------------------------------------------
async function categoriesTab(box) {
  const filter = el('input#cat-filter', { type: 'search', placeholder: t('adm.filter'), 'aria-label': t('adm.filter') });
  const { list, side } = layout(box, el('div.adm-tools', filter));
  let rows = [];
  filter.addEventListener('input', () => render());
  async function load() {
    showLoading(list);
    try { await loadCats(); } catch (e) { showError(list, e, load); return; }
    render();
  }
  function render() {
    const q = filter.value.trim().toLowerCase();
    rows = treeOrder(data.cats).filter(({ item: c }) => !q || `${c.code} ${c.name_zh} ${c.name_en} ${c.keywords || ''}`.toLowerCase().includes(q));
    if (!rows.length) { showEmpty(list); return; }
    put(list, el('table.cases.adm-table#cats-table',
      el('thead', el('tr', ['adm.name', 'adm.code', 'adm.leaf', 'adm.status', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', rows.map(({ item: c }) => el('tr', { dataset: { id: c.id, code: c.code }, class: c.active ? null : 'inactive' },
        el(`td.ind-${c.level - 1}`, c.level < 3 ? el('b', nm(c)) : nm(c)),
        el('td', el('code', c.code)),
        el('td.small', c.level === 3 ? [t(`type.${c.request_type}`), c.urgency === 'urgent' ? el('span.badge.urgent', t('urgency.urgent')) : null] : ''),
        el('td', activeBadge(c.active)),
        el('td.actions',
          c.level < 3 && c.active ? el('button.small.ghost', { type: 'button', dataset: { act: 'add' }, onclick: () => createForm(c.id) }, t('adm.add_under')) : null,
          el('button.small.ghost', { type: 'button', dataset: { act: 'edit' }, onclick: () => editForm(c) }, t('adm.rename')),
          el('button.small.ghost', { type: 'button', dataset: { act: 'toggle' }, onclick: () => editForm(c, true) }, c.active ? t('adm.deactivate') : t('adm.activate'))))))));
  }
  function leafFields(c) {
    return el('div.row2.leaf-fields',
      field(t('f.type'), choice('request_type', TYPES, 'type', { selected: c && c.request_type, empty: t('f.choose') })),
      field(t('f.urgency'), choice('urgency', URGENCIES, 'urgency', { selected: c ? c.urgency : 'normal' })));
  }
  function createForm(parentId) {
    const parentSel = treeSelect('parent_id', data.cats, { keep: (x) => x.level < 3 && x.active, selected: parentId, empty: t('adm.cat.top') });
    const leaf = leafFields(null);
    const sync = () => { const p = data.cats.byId.get(Number(parentSel.value)); leaf.hidden = !(p && p.level === 2); };
    parentSel.addEventListener('change', sync);
    const form = el('form#cat-form', { novalidate: true, autocomplete: 'off' },
      field(t('adm.parent'), parentSel),
      field(t('adm.code'), text('code', '', { id: 'cat-code' }), { required: true, hint: t('adm.code.hint') }),
      field(t('adm.name_zh'), text('name_zh', '', { id: 'cat-name_zh' }), { required: true }),
      field(t('adm.name_en'), text('name_en', '', { id: 'cat-name_en' }), { required: true }),
      leaf,
      field(t('adm.keywords'), text('keywords', '', { id: 'cat-keywords' }), { optional: true, hint: t('adm.keywords.hint') }),
      formButtons(t('adm.cat.create')));
    sync();
    onSubmit(form, async () => {
      const b = { code: val(form, 'code'), name_zh: val(form, 'name_zh'), name_en: val(form, 'name_en'), parent_id: idOrNull(val(form, 'parent_id')) };
      if (!leaf.hidden) {
        if (val(form, 'request_type')) b.request_type = val(form, 'request_type');
        b.urgency = val(form, 'urgency');
        if (!b.request_type) delete b.urgency; // let the server say the leaf needs both
      }
      if (val(form, 'keywords')) b.keywords = val(form, 'keywords');
      const c = await post('/api/admin/categories', b);
      toast(`${nm(c)} · ${t('saved')}`);
      await load();
      createForm(c.parent_id);
    });
    put(side, formCard(t('adm.cat.new'), form));
  }
  function editForm(c, toggle) {
    const form = el('form#cat-form', { novalidate: true, autocomplete: 'off' },
      el('p.muted', el('code', c.code), ' · ', catPath(c.id)),
      field(t('adm.name_zh'), text('name_zh', c.name_zh, { id: 'cat-name_zh' }), { required: true }),
      field(t('adm.name_en'), text('name_en', c.name_en, { id: 'cat-name_en' }), { required: true }),
      c.level === 3 ? leafFields(c) : null,
      field(t('adm.keywords'), text('keywords', c.keywords, { id: 'cat-keywords' }), { optional: true }),
      checkField('active', t('adm.active'), toggle ? !c.active : c.active),
      formButtons(t('save'), () => createForm(null)));
    onSubmit(form, async () => {
      const b = {};
      for (const k of ['name_zh', 'name_en', 'keywords']) if (val(form, k) !== (c[k] ?? '')) b[k] = val(form, k);
      if (c.level === 3 && (val(form, 'request_type') !== c.request_type || val(form, 'urgency') !== c.urgency)) {
        b.request_type = val(form, 'request_type');
        b.urgency = val(form, 'urgency');
      }
      if (val(form, 'active') !== c.active) b.active = val(form, 'active');
      if (!Object.keys(b).length) { toast(t('adm.unchanged')); return; }
      const saved = await api('PATCH', `/api/admin/categories/${c.id}`, b);
      toast(`${nm(saved)} · ${t('saved')}`);
      await load();
      editForm(saved);
    });
    put(side, formCard(t('adm.cat.edit'), form));
    if (toggle) form.requestSubmit();
  }
  await load();
  createForm(null);
}

// ---- calendar ----------------------------------------------------------------------------------
async function calendarTab(box) {
  const thisYear = Number(cityDate(0).slice(0, 4));
  let year = thisYear;
  const yearSel = el('select#cal-year', { 'aria-label': t('adm.year') },
    [thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => el('option', { value: y, selected: y === year }, String(y))));
  yearSel.addEventListener('change', () => { year = Number(yearSel.value); load(); });
  const { list, side } = layout(box, el('div.adm-tools', el('label.inline', t('adm.year'), ' ', yearSel), el('span.muted.small', t('adm.cal.rule'))));
  async function load() {
    showLoading(list);
    let days;
    try { days = (await get(`/api/calendar${qs({ year })}`)).days; } catch (e) { showError(list, e, load); return; }
    if (!days.length) { showEmpty(list, t('adm.cal.none')); return; }
    put(list, el('table.cases.adm-table#cal-table',
      el('thead', el('tr', ['adm.date', 'adm.weekday', 'adm.daykind', 'adm.dayname', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', days.map((d) => el('tr', { dataset: { date: d.date } },
        el('td.num', d.date), el('td', t(`adm.wd.${new Date(`${d.date}T00:00:00Z`).getUTCDay()}`)),
        el('td', el(`span.badge${d.kind === 'off' ? '.pub' : '.work'}`, t(`adm.day.${d.kind}`))), el('td', d.name || ''),
        el('td.actions',
          el('button.small.ghost', { type: 'button', dataset: { act: 'edit' }, onclick: () => showForm(d) }, t('adm.edit')),
          confirmButton(t('adm.remove'), async () => {
            const r = await api('DELETE', `/api/admin/calendar/${d.date}`);
            toast(t('adm.cal.removed', { d: d.date, n: r.recalculated_requests }));
            await load();
          }, { dataset: { act: 'remove' } })))))));
  }
  function showForm(d) {
    const form = el('form#cal-form', { novalidate: true, autocomplete: 'off' },
      field(t('adm.date'), el('input', { type: 'date', name: 'date', id: 'cal-date', value: d ? d.date : '' }), { required: true }),
      field(t('adm.daykind'), el('select', { name: 'kind', id: 'cal-kind' },
        ['off', 'work'].map((k) => el('option', { value: k, selected: d && d.kind === k }, t(`adm.day.${k}`)))), { required: true, hint: t('adm.cal.work.hint') }),
      field(t('adm.dayname'), text('name', d && d.name, { id: 'cal-name' }), { optional: true }),
      formButtons(d ? t('save') : t('adm.cal.add'), d ? () => showForm(null) : null));
    onSubmit(form, async () => {
      const date = val(form, 'date');
      if (!date) throw new ApiError(400, { error: { code: 'missing_field', message: t('err.missing_field'), field: 'date' } });
      const b = { kind: val(form, 'kind') };
      if (val(form, 'name')) b.name = val(form, 'name');
      const r = await api('PUT', `/api/admin/calendar/${encodeURIComponent(date)}`, b);
      toast(t('adm.cal.saved', { d: r.date, n: r.recalculated_requests }));
      if (Number(r.date.slice(0, 4)) !== year && [...yearSel.options].some((o) => Number(o.value) === Number(r.date.slice(0, 4)))) {
        year = Number(r.date.slice(0, 4));
        yearSel.value = String(year);
      }
      await load();
      showForm(null);
    });
    put(side, formCard(d ? t('adm.cal.edit') : t('adm.cal.new'), form));
  }
  await load();
  showForm(null);
}

// ---- time limits -------------------------------------------------------------------------------
async function limitsTab(box) {
  const { list, side } = layout(box);
  async function load() {
    showLoading(list);
    let items;
    try { [items] = await Promise.all([get('/api/time-limits').then((r) => r.time_limits), loadCats()]); } catch (e) { showError(list, e, load); return; }
    if (!items.length) { showEmpty(list); return; }
    put(list, el('table.cases.adm-table#limits-table',
      el('thead', el('tr', ['adm.stage', 'f.urgency', 'f.type', 'f.category', 'adm.limit', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', items.map((p) => el('tr', { dataset: { id: p.id } },
        el('td', t(`stage.${p.stage}`)), el('td', t(`urgency.${p.urgency}`)),
        el('td', p.request_type ? t(`type.${p.request_type}`) : el('span.muted', t('adm.any'))),
        el('td.cat', p.category_id ? catPath(p.category_id) : el('span.muted', t('adm.any'))),
        el('td', `${p.amount} ${t(`adm.lu.${p.unit}`)}`),
        el('td.actions',
          el('button.small.ghost', { type: 'button', dataset: { act: 'edit' }, onclick: () => showForm(p) }, t('adm.edit')),
          confirmButton(t('adm.remove'), async () => {
            await api('DELETE', `/api/admin/time-limits/${p.id}`);
            toast(t('saved'));
            await load();
          }, { dataset: { act: 'remove' } })))))));
  }
  function showForm(p) {
    const form = el('form#limit-form', { novalidate: true, autocomplete: 'off' },
      el('div.row2',
        field(t('adm.stage'), choice('stage', STAGES, 'stage', { selected: p && p.stage, empty: t('f.choose') }), { required: true }),
        field(t('f.urgency'), choice('urgency', URGENCIES, 'urgency', { selected: p ? p.urgency : 'normal' }), { required: true })),
      field(t('f.type'), choice('request_type', TYPES, 'type', { selected: p && p.request_type, empty: t('adm.any') })),
      field(t('f.category'), treeSelect('category_id', data.cats, { selected: p ? p.category_id : undefined, empty: t('adm.any'), label: (c) => `${c.code} ${nm(c)}` })),
      el('div.row2',
        field(t('adm.amount'), text('amount', p && p.amount, { id: 'limit-amount', inputmode: 'numeric' }), { required: true }),
        field(t('adm.limit_unit'), choice('unit', LIMIT_UNITS, 'adm.lu', { selected: p ? p.unit : 'working_days' }), { required: true })),
      el('p.hint', t('adm.limit.hint')),
      formButtons(p ? t('save') : t('adm.limit.create'), p ? () => showForm(null) : null));
    onSubmit(form, async () => {
      const b = { stage: val(form, 'stage'), urgency: val(form, 'urgency'), unit: val(form, 'unit'),
        request_type: val(form, 'request_type') || null, category_id: idOrNull(val(form, 'category_id')) };
      if (!b.stage) delete b.stage;
      if (val(form, 'amount').trim()) b.amount = num(val(form, 'amount'));
      await api('PUT', '/api/admin/time-limits', b);
      toast(t('saved'));
      await load();
      showForm(null);
    });
    put(side, formCard(p ? t('adm.limit.edit') : t('adm.limit.new'), form));
  }
  await load();
  showForm(null);
}

// ---- routing catalogue -------------------------------------------------------------------------
async function routingTab(box) {
  const filter = el('input#route-filter', { type: 'search', placeholder: t('adm.filter'), 'aria-label': t('adm.filter') });
  const { list, side } = layout(box, el('div.adm-tools', filter));
  let rules = [];
  filter.addEventListener('input', () => render());
  async function load() {
    showLoading(list);
    try { [rules] = await Promise.all([get('/api/routing').then((r) => r.rules), loadCats(), loadUnits()]); } catch (e) { showError(list, e, load); return; }
    render();
  }
  function render() {
    const q = filter.value.trim().toLowerCase();
    const shown = rules.map((r) => ({ r, cat: catPath(r.category_id), d: r.district_id ? unitName(r.district_id) : t('adm.citywide'), u: unitName(r.unit_id) }))
      .filter((x) => !q || `${x.cat} ${x.d} ${x.u}`.toLowerCase().includes(q));
    if (!shown.length) { showEmpty(list); return; }
    put(list, el('table.cases.adm-table#routing-table',
      el('thead', el('tr', ['f.category', 'f.district', 'adm.route_unit', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', shown.map(({ r, cat, d, u }) => el('tr', { dataset: { id: r.id } },
        el('td', cat), el('td', r.district_id ? d : el('span.muted', d)), el('td', el('b', u)),
        el('td.actions', confirmButton(t('adm.remove'), async () => {
          await api('DELETE', `/api/admin/routing/${r.id}`);
          toast(t('saved'));
          await load();
        }, { dataset: { act: 'remove' } })))))),
    el('div.pager', el('span.muted', t('total', { n: shown.length }))));
  }
  function showForm() {
    const form = el('form#route-form', { novalidate: true, autocomplete: 'off' },
      field(t('f.category'), treeSelect('category_id', data.cats, { keep: (c) => c.active, empty: t('f.choose'), label: (c) => `${c.code} ${nm(c)}` }), { required: true }),
      field(t('f.district'), el('select', { name: 'district_id' }, el('option', { value: '' }, t('adm.citywide')),
        data.units.list.filter((u) => u.kind === 'district' && u.active).map((u) => el('option', { value: u.id }, nm(u))))),
      field(t('adm.route_unit'), treeSelect('unit_id', data.units, { keep: (u) => u.active, empty: t('f.choose') }), { required: true }),
      el('p.hint', t('adm.route.hint')),
      formButtons(t('adm.route.create')));
    onSubmit(form, async () => {
      const b = { category_id: idOrNull(val(form, 'category_id')), district_id: idOrNull(val(form, 'district_id')), unit_id: idOrNull(val(form, 'unit_id')) };
      if (b.category_id === null) delete b.category_id;
      if (b.unit_id === null) delete b.unit_id;
      await api('PUT', '/api/admin/routing', b);
      toast(t('saved'));
      await load();
    });
    put(side, formCard(t('adm.route.new'), form));
  }
  await load();
  showForm();
}

// ---- the tabs ----------------------------------------------------------------------------------
const TABS = me.role === 'admin' ? {
  users: usersTab, units: unitsTab, categories: categoriesTab,
  calendar: calendarTab, limits: limitsTab, routing: routingTab,
  schemes: schemesTab, tokens: tokensTab,
  audit: auditTab, words: wordsTab,
} : { audit: auditTab };
const panel = el('div.adm-panel', { role: 'tabpanel' });
const tabs = tabBar({
  tabs: Object.keys(TABS).map((key) => [key, t(`adm.tab.${key}`)]), label: t('adm.title'), panel,
  onChoose: (key) => { panel.dataset.tab = key; return TABS[key](panel); },
});

put(main, el('div.adm-page', el('h1', t(me.role === 'admin' ? 'adm.title' : 'adm.tab.audit')), tabs.el, panel));
try {
  await Promise.all([loadUnits(), loadCats()]);
} catch (e) {
  showError(panel, e, () => location.reload());
  throw e;
}
tabs.select(tabs.current());
