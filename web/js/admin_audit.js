// admin_audit.js — the administrator's console's audit-log tab (GET /api/admin/audit): who saw
// or changed what, newest first, a page at a time, with the filters the API has (actor, action,
// request, date range) in a form beside the list. The log records reveals of a caller's number
// (with the reason), unit handlers' reads of a request, logins, exports and every change made
// under /api/admin/; entries are shown as the server returns them. The filters stay in the
// form (and in this module while the page is open, so that leaving the tab and coming back
// keeps them); the tab's key alone is in the URL's #, which is how admin.js picks the tab.

import { get, qs, ApiError, currentUser } from './api.js';
import { t, addStrings } from './i18n.js';
import { el, field, put, showLoading, showEmpty, showError, pager } from './ui.js';
import { unitName, catPath, text, val, onSubmit, formCard, formButtons, layout } from './admin_kit.js';

addStrings({
  'adm.tab.audit': ['审计日志', 'Audit log'],
  'aud.at': ['时间', 'When'],
  'aud.actor': ['操作人', 'Who'],
  'aud.action': ['操作', 'Action'],
  'aud.object': ['对象', 'On what'],
  'aud.detail': ['详情', 'Details'],
  'aud.client': ['来源地址', 'Client'],
  'aud.case': ['工单编号或 ID', 'Request number or id'],
  'aud.from': ['起始日期', 'From'],
  'aud.to': ['截止日期', 'To'],
  'aud.filters': ['筛选', 'Filters'],
  'aud.search': ['查询', 'Search'],
  'aud.reset': ['清除筛选', 'Clear'],
  'aud.actor.hint': ['用户名，精确匹配', 'A username, exactly'],
  'aud.action.hint': ['精确匹配，可从列表中选择', 'Exact; pick one from the list or type it'],
  'aud.case.hint': ['只看涉及该工单的记录（查看号码、承办单位查阅）', 'Only entries about this request (reveals, unit reads)'],
  'aud.dates.hint': ['含起止两天（本市时间）', 'Both days included (city time)'],
  'aud.about': ['审计日志只增不改：查看完整号码（含原因）、承办单位查阅工单、登录、导出，以及管理员的每一项修改（不含密码和令牌）。',
    'The log is append-only: reveals of a full number (with the reason), unit reads of a request, logins, exports and every administrator\'s change (without passwords or tokens).'],
  'aud.none': ['没有符合条件的审计记录', 'No audit entries match'],
  'aud.nobody': ['（无此用户名）', '(no such username)'],
  'aud.filter_by': ['只看此项', 'Show only these'],
  'aud.reason': ['原因：', 'Reason: '],
  'aud.act.case.reveal': ['查看完整号码', 'Full number revealed'],
  'aud.act.case.read': ['承办单位查阅工单', 'Request read by a unit'],
  'aud.act.auth.login': ['登录', 'Logged in'],
  'aud.act.auth.login_failed': ['登录失败', 'Failed login'],
  'aud.act.auth.locked': ['登录锁定', 'Locked out'],
  'aud.act.export': ['导出', 'Export'],
  'aud.act.sensitive-words.put': ['修改敏感词', 'Sensitive words changed'],
  'aud.act.model.reload.create': ['重新加载模型', 'Model reloaded'],
  'aud.act.tokens.delete': ['吊销接口令牌', 'Token revoked'],
  'aud.verb.create': ['新建', 'created'],
  'aud.verb.put': ['设置', 'set'],
  'aud.verb.update': ['修改', 'changed'],
  'aud.verb.delete': ['删除', 'removed'],
  'aud.obj.case': ['工单', 'Request'],
  'aud.obj.user': ['用户', 'User'],
  'aud.obj.users': ['用户', 'User'],
  'aud.obj.units': ['单位', 'Unit'],
  'aud.obj.categories': ['诉求分类', 'Category'],
  'aud.obj.calendar': ['工作日历', 'Calendar day'],
  'aud.obj.time-limits': ['办理时限', 'Time limit'],
  'aud.obj.routing': ['派单规则', 'Routing rule'],
  'aud.obj.tokens': ['接口令牌', 'API token'],
  'aud.obj.appraisal/schemes': ['考核方案', 'Appraisal scheme'],
  'aud.obj.sensitive-words': ['敏感词', 'Sensitive words'],
  'aud.obj.model/reload': ['派单建议模型', 'Suggestion model'],
  'aud.obj.export': ['导出文件', 'Export'],
});

// The actions the server records today (audit.c, and the /api/admin/ write routes), offered in
// the action box; any other exact action can still be typed.
const ACTIONS = [
  ['case.reveal', 'case'], ['case.read', 'case'], ['auth.login', 'user'], ['auth.login_failed', 'user'],
  ['auth.locked', 'user'], ['export', 'export'], ['users.create', 'users'], ['users.update', 'users'],
  ['units.create', 'units'], ['units.update', 'units'], ['categories.create', 'categories'],
  ['categories.update', 'categories'], ['calendar.put', 'calendar'], ['calendar.delete', 'calendar'],
  ['time-limits.put', 'time-limits'], ['time-limits.delete', 'time-limits'], ['routing.put', 'routing'],
  ['routing.delete', 'routing'], ['tokens.create', 'tokens'], ['tokens.delete', 'tokens'],
  ['appraisal.schemes.create', 'appraisal/schemes'], ['sensitive-words.put', 'sensitive-words'],
  ['model.reload.create', 'model/reload'],
];
const PAGE_SIZE = 50;
const NO_FILTERS = { actor: '', action: '', case: '', from: '', to: '' };

/** The API's query for filters f: the date range covers whole days, so `to` is that day's last
 *  second (the API's `to` is inclusive, and a bare date would mean its midnight). */
const query = (f, page) => qs({ ...f, to: f.to && `${f.to}T23:59:59`, page, page_size: PAGE_SIZE });
const has = (key) => t(key) !== key; // t() answers the key itself when it has no words for it

/** The action in words: its own, else "<object> <verb>" for an administrator's change, else the
 *  action's code (one added to the server later). */
function actionLabel(action, object) {
  if (has(`aud.act.${action}`)) return t(`aud.act.${action}`);
  const verb = action.slice(action.lastIndexOf('.') + 1);
  if (has(`aud.verb.${verb}`) && has(`aud.obj.${object}`)) return `${t(`aud.obj.${object}`)} · ${t(`aud.verb.${verb}`)}`;
  return action;
}
const objLabel = (object) => (has(`aud.obj.${object}`) ? t(`aud.obj.${object}`) : object);

// Filters kept while the page is open (see the top of the file).
let filters = NO_FILTERS;

export async function auditTab(box) {
  const { list, side } = layout(box, el('p.hint.aud-about', t('aud.about')));
  let page = 1;
  let users = new Map(); // id → username, for entries about a user

  async function load(p = page) {
    showLoading(list);
    let r;
    try { r = await get(`/api/admin/audit${query(filters, p)}`); } catch (e) { showError(list, e, () => load(p)); return; }
    render(r);
  }

  function render(r) {
    page = r.page;
    if (!r.items.length) { showEmpty(list, t('aud.none')); return; }
    put(list, el('table.cases.adm-table#audit-table',
      el('thead', el('tr', ['aud.at', 'aud.actor', 'aud.action', 'aud.object', 'aud.detail', 'aud.client'].map((k) => el('th', t(k))))),
      el('tbody', r.items.map(row))),
    pager(r.total, r.page, r.page_size, (p) => load(p)));
  }

  function row(e) {
    const who = e.actor
      ? [filterLink(e.actor.username, 'actor'), el('div.muted.small', t(`role.${e.actor.role}`), ' · ', unitName(e.actor.unit_id))]
      : el('span.muted', t('aud.nobody'));
    return el('tr', { dataset: { id: e.id, action: e.action, actor: e.actor ? e.actor.username : '', case: e.case_id ?? '' } },
      el('td.num', e.at.slice(0, 19).replace('T', ' ')),
      el('td', who),
      el('td', filterLink(actionLabel(e.action, e.object), 'action', e.action), el('div.muted.small', el('code', e.action))),
      el('td', objectCell(e)),
      el('td.aud-detail', { title: e.detail || '' },
        e.detail === null ? el('span.muted', '—')
          : el('div.aud-clamp', e.action === 'case.reveal' ? el('b', t('aud.reason')) : null, e.detail)),
      el('td.muted.small', e.client));
  }

  /** The thing an entry is about: the request (linked), or the user, unit, category or day by
   *  its name, else the kind of object and its id. */
  function objectCell(e) {
    if (e.case_id) {
      return el('a.aud-case', { href: `/case.html?id=${e.case_id}`, dataset: { caseId: e.case_id } },
        e.case_number);
    }
    const id = e.object_id;
    if (!id) return objLabel(e.object);
    const name = e.object === 'user' || e.object === 'users' ? users.get(Number(id))
      : e.object === 'units' ? unitName(Number(id))
        : e.object === 'categories' ? catPath(Number(id))
          : null;
    return [objLabel(e.object), ' ', name ? el('b', name) : el('code', id)];
  }

  /** A value in a row that sets its filter and searches again. */
  function filterLink(label, name, value = label) {
    return el('button.link.aud-filter', {
      type: 'button', title: t('aud.filter_by'), dataset: { filter: name },
      onclick: () => { filters = { ...filters, [name]: value }; showForm(); load(1); },
    }, label);
  }

  function showForm() {
    const actions = el('datalist#aud-actions', ACTIONS.map(([a, o]) => el('option', { value: a }, actionLabel(a, o))));
    const form = el('form#audit-form', { novalidate: true, autocomplete: 'off' },
      field(t('aud.actor'), text('actor', filters.actor, { id: 'aud-actor' }), { hint: t('aud.actor.hint') }),
      field(t('aud.action'), text('action', filters.action, { id: 'aud-action', list: 'aud-actions' }), { hint: t('aud.action.hint') }),
      actions,
      field(t('aud.case'), text('case', filters.case, { id: 'aud-case' }), { hint: t('aud.case.hint') }),
      el('div.row2',
        field(t('aud.from'), el('input', { type: 'date', name: 'from', id: 'aud-from', value: filters.from })),
        field(t('aud.to'), el('input', { type: 'date', name: 'to', id: 'aud-to', value: filters.to }))),
      el('p.hint', t('aud.dates.hint')),
      formButtons(t('aud.search')));
    form.querySelector('.buttons').append(el('button.ghost#aud-reset', {
      type: 'button', onclick: () => { filters = NO_FILTERS; showForm(); load(1); },
    }, t('aud.reset')));
    onSubmit(form, async () => {
      const want = {};
      for (const k of Object.keys(filters)) want[k] = val(form, k).trim();
      // a date box holding an impossible date reads as empty: say so rather than drop the filter
      for (const k of ['from', 'to']) {
        if (!want[k] && !form.elements.namedItem(k).validity.valid) {
          throw new ApiError(400, { error: { code: 'invalid_field', message: t('err.invalid_field'), field: k } });
        }
      }
      // searched here rather than in load() so that a refused filter lands next to its field
      const r = await get(`/api/admin/audit${query(want, 1)}`);
      filters = want;
      render(r);
    });
    put(side, formCard(t('aud.filters'), form));
  }

  showLoading(list);
  // a supervisor reads the log but not the user list: entries about a user then show its id
  if (currentUser().role === 'admin') {
    try {
      users = new Map((await get('/api/admin/users')).users.map((u) => [u.id, u.username]));
    } catch (e) { showError(list, e, () => auditTab(box)); return; }
  }
  showForm();
  await load(1);
}
