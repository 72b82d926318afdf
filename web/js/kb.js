// kb.js — the knowledge base (知识库) for staff. Two tabs, each a list beside a side panel:
// - Articles: search (GET /api/kb/search: Chinese two-character terms work, the snippet's 【】
//   matches are marked) or, with no words, every article (GET /api/kb/articles); both filtered
//   by category, unit and "in force only", in pages. A row opens the full text
//   (GET /api/kb/articles/:id).
// - Review: GET /api/kb/maintenance — articles due for review (with "reviewed": next review in a
//   year) and articles whose direct answers were followed by a new request from the caller.
// Every staff role reads. The writers (the centre's call-takers, dispatchers and admins any
// article, a unit handler only articles owned within its unit) get the create and edit form
// (POST, PATCH /api/kb/articles); only changed fields are sent and the server's error.field
// lands next to its field. The API has no delete or active flag: "retire" ends the article's
// validity yesterday through the same edit form, so a refusal shows next to valid_to.

import { api, post, qs, latest } from './api.js';
import { t, addStrings } from './i18n.js';
import {
  el, $$, requireUser, field, showLoading, showEmpty, showError, showFormError, clearErrors,
  toast, errText, put, cityDate, fmtTime, pager, arrowRows, tabBar,
} from './ui.js';
import { makeUnits } from './catalog.js';
import {
  data, loadUnits, loadCats, catPath, treeSelect, text, val, idOrNull, onSubmit, formCard,
  formButtons, layout,
} from './admin_kit.js';

addStrings({
  'kbp.title': ['知识库', 'Knowledge base'],
  'kbp.tab.articles': ['知识文章', 'Articles'],
  'kbp.tab.review': ['维护复核', 'Review'],
  'kbp.q': ['搜索标题和正文，如“社保”“停水”', 'Search titles and text, e.g. 社保, water'],
  'kbp.search': ['搜索', 'Search'],
  'kbp.allcats': ['全部分类', 'All categories'],
  'kbp.allunits': ['全部单位', 'All units'],
  'kbp.valid_only': ['只看现行有效', 'In force only'],
  'kbp.new': ['新建文章', 'New article'],
  'kbp.none': ['没有文章', 'No article'],
  'kbp.none_found': ['没有找到相关文章', 'No article matches'],
  'kbp.pick': ['选择左侧的文章阅读全文。', 'Choose an article on the left to read it.'],
  'kbp.valid': ['现行有效', 'In force'],
  'kbp.future': ['尚未生效', 'Not yet in force'],
  'kbp.expired': ['已失效', 'No longer in force'],
  'kbp.review_due': ['待复核', 'Review due'],
  'kbp.always': ['长期有效', 'No end date'],
  'kbp.range': ['{from} 至 {to}', '{from} to {to}'],
  'kbp.never': ['不复核', 'Never'],
  'kbp.f.title': ['标题', 'Title'],
  'kbp.f.body': ['正文', 'Text'],
  'kbp.f.category': ['分类', 'Category'],
  'kbp.f.unit': ['责任单位', 'Owning unit'],
  'kbp.f.valid': ['有效期', 'In force'],
  'kbp.f.valid_from': ['生效日期', 'Valid from'],
  'kbp.f.valid_to': ['失效日期', 'Valid to'],
  'kbp.f.next_review': ['下次复核', 'Next review'],
  'kbp.f.updated': ['更新时间', 'Updated'],
  'kbp.f.author': ['撰写人', 'Written by'],
  'kbp.seeded': ['初始导入', 'Initial import'],
  'kbp.nocat': ['（无分类）', '(no category)'],
  'kbp.unit.handler': ['只能选择本单位及下级单位', 'Your unit or one below it'],
  'kbp.review.default': ['留空则为一年后', 'Empty: a year from today'],
  'kbp.create': ['发布文章', 'Publish'],
  'kbp.edit': ['编辑', 'Edit'],
  'kbp.edit.title': ['编辑文章', 'Edit article'],
  'kbp.new.title': ['新建文章', 'New article'],
  'kbp.retire': ['下架', 'Retire'],
  'kbp.retire.hint': ['下架：失效日期设为昨天，文章保留可查，但不再出现在现行知识中。', 'Retire: valid to yesterday; the article stays readable but is no longer in force.'],
  'kbp.unchanged': ['没有修改', 'Nothing changed'],
  'kbp.readonly': ['您的角色只能查阅知识库。', 'Your role may read the knowledge base only.'],
  'kbp.days': ['统计近', 'Answers in the last'],
  'kbp.days.n': ['{n} 天', '{n} days'],
  'kbp.due.title': ['到期待复核（{n}）', 'Due for review ({n})'],
  'kbp.due.none': ['没有到期待复核的文章', 'No article is due for review'],
  'kbp.rep.title': ['答复后 7 天内同一来电人再次来电（{n}）', 'Same caller again within 7 days of the answer ({n})'],
  'kbp.rep.none': ['没有答复后重复来电的文章', 'No article\'s answers were followed by a new request'],
  'kbp.answers': ['引用答复', 'Answers'],
  'kbp.repeated': ['再次来电', 'Followed'],
  'kbp.rate': ['重复率', 'Rate'],
  'kbp.pairs': ['答复工单 → 再次来电工单', 'Answered → follow-up'],
  'kbp.open': ['查看', 'Open'],
  'kbp.reviewed': ['已复核', 'Reviewed'],
  'kbp.reviewed.done': ['{title}：下次复核 {d}', '{title}: next review {d}'],
});

const STAFF = ['calltaker', 'dispatcher', 'handler', 'visitor', 'supervisor', 'admin'];
const WRITERS = ['calltaker', 'dispatcher', 'handler', 'admin'];
const DATES = ['valid_from', 'valid_to', 'next_review'];

const me = await requireUser(STAFF, '/kb.html');
const main = document.getElementById('main');
const writer = WRITERS.includes(me.role);

/** A handler gets only its own subtree from /api/units, whose top unit's parent is missing:
 *  make it a root so that the tree (and treeSelect) shows it. */
async function loadTrees() {
  await Promise.all([loadUnits(), loadCats()]);
  const ids = new Set(data.units.list.map((u) => u.id));
  data.units = makeUnits(data.units.list.map((u) => (ids.has(u.parent_id) ? u : { ...u, parent_id: null })));
}

/** Whether this user may change article a: a handler only within its unit (its unit tree). */
const mayEdit = (a) => writer && (me.role !== 'handler' || data.units.byId.has(a.unit_id));

// ---- pieces ------------------------------------------------------------------------------------
function statusBadges(a) {
  const notYet = a.valid_from && a.valid_from > cityDate(0);
  return [a.valid ? el('span.badge.pub', t('kbp.valid')) : el('span.badge', notYet ? t('kbp.future') : t('kbp.expired')),
    a.review_due ? el('span.badge.work', t('kbp.review_due')) : null];
}

function validText(a) {
  if (!a.valid_from && !a.valid_to) return t('kbp.always');
  return t('kbp.range', { from: a.valid_from || '…', to: a.valid_to || '…' });
}

/** The search snippet with its 【match】 marks as <mark> (text nodes only: no HTML injected). */
function marked(s) {
  return s.split(/【([^【】]*)】/).map((part, i) => (i % 2 ? el('mark', part) : part));
}

/** Selects the row of article id in a list and opens it in the side panel. */
function rowOpener(list, panel) {
  return (id) => {
    for (const r of $$('tr[data-id]', list)) r.classList.toggle('selected', r.dataset.id === String(id));
    panel.show(id);
  };
}

function clickableRow(a, open, cells) {
  return el('tr', {
    tabindex: 0, dataset: { id: a.id },
    onclick: (e) => { if (!e.target.closest('a,button')) open(a.id); },
    onkeydown: (e) => { if (e.key === 'Enter' && e.target === e.currentTarget) open(a.id); },
  }, cells);
}

// ---- the side panel: one article, or the form ---------------------------------------------------
/** The side panel of a tab; reload(id) refreshes the tab's list after a change. */
function sidePanel(side, reload) {
  const reads = latest(); // rows chosen quickly, or the form opened: a late article is not drawn
  function hint() {
    reads.cancel();
    put(side, el('div.card.kb-hint', el('p.muted', t('kbp.pick')), writer ? null : el('p.muted.small', t('kbp.readonly'))));
  }

  function render(a) {
    const editable = mayEdit(a);
    put(side, el('article.card.kb-article#kb-article', { dataset: { id: a.id } },
      el('h2', a.title), el('div.kb-badges', statusBadges(a)),
      el('dl.facts',
        el('dt', t('kbp.f.category')), el('dd', a.category_id ? catPath(a.category_id) : '—'),
        el('dt', t('kbp.f.unit')), el('dd', a.unit_name),
        el('dt', t('kbp.f.valid')), el('dd', validText(a)),
        el('dt', t('kbp.f.next_review')), el('dd', a.next_review || t('kbp.never')),
        el('dt', t('kbp.f.updated')), el('dd', fmtTime(a.updated_at, true),
          a.updated_by_name ? ` · ${a.updated_by_name}` : null),
        el('dt', t('kbp.f.author')), el('dd#kb-author', a.created_by_name || t('kbp.seeded'))),
      el('div.kb-body', a.body),
      editable ? el('div.buttons',
        el('button.primary#kb-edit', { type: 'button', onclick: () => form(a) }, t('kbp.edit')),
        a.valid ? el('button.danger-ghost#kb-retire', { type: 'button', onclick: () => form(a, true) }, t('kbp.retire')) : null) : null));
  }

  async function show(id) {
    showLoading(side);
    try { render(await reads.next().get(`/api/kb/articles/${id}`)); } catch (e) { showError(side, e, () => show(id)); }
  }

  function form(a, retire) {
    reads.cancel();
    const date = (name) => el('input', { type: 'date', name, id: `kb-${name}`, value: (a && a[name]) || '' });
    const f = el('form#kb-form', { novalidate: true, autocomplete: 'off' },
      field(t('kbp.f.title'), text('title', a && a.title, { id: 'kb-title' }), { required: true }),
      field(t('kbp.f.body'), el('textarea', { name: 'body', id: 'kb-body', rows: 7 }, a ? a.body : ''), { required: true }),
      field(t('kbp.f.category'), treeSelect('category_id', data.cats, {
        keep: (c) => c.active || (a && c.id === a.category_id), selected: a ? a.category_id : undefined, empty: t('kbp.nocat'),
      }), { optional: true }),
      field(t('kbp.f.unit'), treeSelect('unit_id', data.units, {
        keep: (u) => u.active || (a && u.id === a.unit_id), selected: a ? a.unit_id : me.unit_id,
      }), { required: true, hint: me.role === 'handler' ? t('kbp.unit.handler') : null }),
      el('div.row3',
        field(t('kbp.f.valid_from'), date('valid_from')),
        field(t('kbp.f.valid_to'), date('valid_to')),
        field(t('kbp.f.next_review'), date('next_review'), { hint: a ? null : t('kbp.review.default') })),
      retire ? el('p.hint', t('kbp.retire.hint')) : null,
      formButtons(a ? t('save') : t('kbp.create'), a ? () => show(a.id) : null));
    onSubmit(f, async () => {
      const now = { title: val(f, 'title'), body: val(f, 'body'), category_id: idOrNull(val(f, 'category_id')), unit_id: idOrNull(val(f, 'unit_id')) };
      for (const k of DATES) now[k] = val(f, k) || null;
      const b = {};
      for (const [k, v] of Object.entries(now)) {
        // edit: what changed (null clears a date or the category); create: empty optional fields
        // are left out, since a null next_review would mean "never" instead of the year's default
        if (a ? v !== a[k] : v !== null) b[k] = v;
      }
      if (a && !Object.keys(b).length) { toast(t('kbp.unchanged')); return; }
      const saved = a ? await api('PATCH', `/api/kb/articles/${a.id}`, b) : await post('/api/kb/articles', b);
      toast(`${saved.title} · ${t('saved')}`);
      render(saved);
      await reload(saved.id);
    });
    put(side, formCard(a ? t('kbp.edit.title') : t('kbp.new.title'), f));
    if (retire) {
      f.elements.namedItem('valid_to').value = cityDate(-1);
      f.requestSubmit();
    } else {
      f.elements.namedItem('title').focus();
    }
  }

  return { show, form, hint, home: () => (writer ? form(null) : hint()) };
}

// ---- articles: search and list -----------------------------------------------------------------
async function articlesTab(box) {
  const q = el('input#kb-q', { type: 'search', name: 'q', placeholder: t('kbp.q'), 'aria-label': t('kbp.q') });
  const catSel = treeSelect('category', data.cats, { empty: t('kbp.allcats') });
  const unitSel = treeSelect('unit', data.units, { empty: t('kbp.allunits') });
  const validOnly = el('input#kb-valid', { type: 'checkbox', name: 'valid' });
  Object.assign(catSel, { id: 'kb-cat', title: t('kbp.f.category') });
  Object.assign(unitSel, { id: 'kb-unit', title: t('kbp.f.unit') });
  const tools = el('form#kb-search.kb-tools', { role: 'search', novalidate: true },
    el('div.field.kb-q', q), catSel, unitSel,
    el('label.check', validOnly, ' ', t('kbp.valid_only')),
    el('button.primary', { type: 'submit' }, t('kbp.search')),
    writer ? el('button.ghost#kb-new', { type: 'button', onclick: () => { panel.form(null); } }, t('kbp.new')) : null);
  const { list, side } = layout(box, tools);
  arrowRows(list);
  let page = 1;
  const panel = sidePanel(side, (id) => load(id));
  const open = rowOpener(list, panel);
  const searches = latest(); // filters changed quickly: only the last search's answer is drawn

  async function load(selected) {
    const turn = searches.next();
    const words = q.value.trim();
    const params = { category: catSel.value, unit: unitSel.value, page, page_size: 20 };
    if (words) {
      params.q = q.value;
      if (!validOnly.checked) params.all = 1; // search defaults to articles in force
    } else if (validOnly.checked) params.valid = 1;
    clearErrors(tools);
    showLoading(list);
    let r;
    try {
      r = await turn.get(`/api/kb/${words ? 'search' : 'articles'}${qs(params)}`);
    } catch (e) {
      if (e.field) { showFormError(tools, e); showEmpty(list, t('kbp.none_found')); } else showError(list, e, () => load(selected));
      return;
    }
    if (!r.items.length) { showEmpty(list, words ? t('kbp.none_found') : t('kbp.none')); return; }
    put(list, el('table.cases.kb-table#kb-table',
      el('thead', el('tr', ['kbp.f.title', 'kbp.f.category', 'kbp.f.unit', 'kbp.f.valid', 'kbp.f.next_review', 'kbp.f.updated'].map((k) => el('th', t(k))))),
      el('tbody', r.items.map((a) => clickableRow(a, open, [
        el('td.kb-title', el('b', a.title), words && a.snippet ? el('div.kb-snippet', marked(a.snippet)) : null),
        el('td.cat', { title: a.category_name || '' }, a.category_name || '—'),
        el('td.kb-unit', a.unit_name),
        el('td', statusBadges(a)),
        el('td.num', a.next_review || '—'),
        el('td.num', fmtTime(a.updated_at)),
      ])))),
    pager(r.total, r.page, r.page_size, (p) => { page = p; load(); }));
    if (selected) for (const tr of $$('tr[data-id]', list)) tr.classList.toggle('selected', tr.dataset.id === String(selected));
  }
  tools.addEventListener('submit', (e) => { e.preventDefault(); page = 1; load(); });
  for (const s of [catSel, unitSel, validOnly]) s.addEventListener('change', () => { page = 1; load(); });
  panel.home();
  await load();
}

// ---- review: the maintenance report ------------------------------------------------------------
async function reviewTab(box) {
  const daysSel = el('select#kb-days', { 'aria-label': t('kbp.days') },
    [30, 90, 180, 365].map((n) => el('option', { value: n, selected: n === 90 }, t('kbp.days.n', { n }))));
  const { list, side } = layout(box, el('div.adm-tools', el('label.inline', t('kbp.days'), ' ', daysSel)));
  arrowRows(list);
  const panel = sidePanel(side, () => load());
  const open = rowOpener(list, panel);
  const reports = latest(); // the days changed quickly: only the last report is drawn
  daysSel.addEventListener('change', () => load());

  function reviewedButton(a) {
    const next = cityDate(365);
    const b = el('button.small.ghost', {
      type: 'button', dataset: { act: 'reviewed' },
      onclick: async () => {
        b.disabled = true;
        try {
          await api('PATCH', `/api/kb/articles/${a.id}`, { next_review: next });
          toast(t('kbp.reviewed.done', { title: a.title, d: next }));
          await load();
        } catch (e) { toast(errText(e), 'error'); b.disabled = false; }
      },
    }, t('kbp.reviewed'));
    return b;
  }

  async function load() {
    showLoading(list);
    let r;
    try { r = await reports.next().get(`/api/kb/maintenance${qs({ days: daysSel.value })}`); } catch (e) { showError(list, e, load); return; }
    const openBtn = (a) => el('button.small.ghost', { type: 'button', dataset: { act: 'open' }, onclick: () => open(a.id) }, t('kbp.open'));
    put(list,
      el('h3.kb-h', t('kbp.due.title', { n: r.review_due.length })),
      r.review_due.length ? el('table.cases.kb-table#kb-due',
        el('thead', el('tr', ['kbp.f.title', 'kbp.f.unit', 'kbp.f.valid', 'kbp.f.next_review', 'kbp.answers', ''].map((k) => el('th', k && t(k))))),
        el('tbody', r.review_due.map((a) => clickableRow(a, open, [
          el('td.kb-title', el('b', a.title)), el('td.kb-unit', a.unit_name), el('td', statusBadges(a)),
          el('td.num.late', a.next_review), el('td.num', String(a.answers)),
          el('td.actions', openBtn(a), mayEdit(a) ? reviewedButton(a) : null),
        ])))) : el('div.state.empty', t('kbp.due.none')),
      el('h3.kb-h', t('kbp.rep.title', { n: r.repeat_requests.length })),
      r.repeat_requests.length ? el('table.cases.kb-table#kb-repeats',
        el('thead', el('tr', ['kbp.f.title', 'kbp.f.unit', 'kbp.answers', 'kbp.repeated', 'kbp.rate', 'kbp.pairs'].map((k) => el('th', t(k))))),
        el('tbody', r.repeat_requests.map((a) => clickableRow(a, open, [
          el('td.kb-title', el('b', a.title)), el('td.kb-unit', a.unit_name),
          el('td.num', String(a.answers)), el('td.num', String(a.repeated)), el('td.num', `${(a.repeat_rate * 100).toFixed(0)}%`),
          el('td.small', a.requests.map((p) => el('div',
            el('a', { href: `/case.html?id=${encodeURIComponent(p.answered)}` }, p.answered), ' → ',
            el('a', { href: `/case.html?id=${encodeURIComponent(p.followup)}` }, p.followup)))),
        ])))) : el('div.state.empty', t('kbp.rep.none')));
  }
  panel.hint();
  await load();
}

// ---- the tabs ----------------------------------------------------------------------------------
const TABS = { articles: articlesTab, review: reviewTab };
const panelBox = el('div.kb-panel', { role: 'tabpanel' });
const tabs = tabBar({
  tabs: Object.keys(TABS).map((key) => [key, t(`kbp.tab.${key}`)]), label: t('kbp.title'), panel: panelBox,
  onChoose: (key) => TABS[key](panelBox),
});

put(main, el('div.adm-page.kb-page', el('h1', t('kbp.title')), tabs.el, panelBox));
try {
  await loadTrees();
} catch (e) {
  showError(panelBox, e, () => location.reload());
  throw e;
}
tabs.select(tabs.current());
