// admin_tokens.js — the console's "API tokens" tab (接口令牌): the tokens other systems
// (Open311 clients, integrations) call the API with — name, prefix, the account it acts as,
// created, revoked — a form that creates one, and revoke. The server keeps only a token's hash,
// so its secret is in the creation answer alone: it is shown once, with a copy button, and
// exists nowhere else (not in the list, not after leaving the tab).
// GET/POST /api/admin/tokens, DELETE /api/admin/tokens/:id; GET /api/admin/users for the
// accounts' roles (the token list gives the username only).

import { api, get, post } from './api.js';
import { t, addStrings } from './i18n.js';
import { el, field, showLoading, showEmpty, showError, toast, put, fmtTime } from './ui.js';
import { text, val, confirmButton, onSubmit, formCard, formButtons, layout } from './admin_kit.js';

addStrings({
  'adm.tab.tokens': ['接口令牌', 'API tokens'],
  'tok.name': ['令牌名称', 'Name'],
  'tok.name.hint': ['用途或对接系统，如“Open311 网关”', 'What it is for, e.g. "Open311 gateway"'],
  'tok.prefix': ['前缀', 'Prefix'],
  'tok.user': ['所属账号', 'Account'],
  'tok.user.hint': ['令牌以该账号的身份和权限调用接口。Open311 提交只接受“对接系统”角色账号的令牌。', 'The token acts as this account, with its role. Open311 accepts only tokens of integrator accounts.'],
  'tok.integrators': ['对接系统账号', 'Integrator accounts'],
  'tok.staff': ['其他账号', 'Other accounts'],
  'tok.created': ['创建时间', 'Created'],
  'tok.last_used': ['最近使用', 'Last used'],
  'tok.never_used': ['从未使用', 'Never'],
  'tok.status': ['状态', 'Status'],
  'tok.live': ['有效', 'Live'],
  'tok.revoked': ['已吊销 {t}', 'Revoked {t}'],
  'tok.revoke': ['吊销', 'Revoke'],
  'tok.revoke.confirm': ['确认吊销？', 'Really revoke?'],
  'tok.revoked.toast': ['令牌“{n}”已吊销', 'Token “{n}” revoked'],
  'tok.none': ['尚无接口令牌', 'No API token yet'],
  'tok.new': ['新建接口令牌', 'New API token'],
  'tok.create': ['创建令牌', 'Create token'],
  'tok.created.title': ['令牌“{n}”已创建', 'Token “{n}” created'],
  'tok.once': ['请立即复制并妥善保存：此令牌只显示这一次，系统只保存其摘要，关闭后无法再次查看。遗失时请吊销并新建。',
    'Copy it now and keep it safe: it is shown this once only. The server keeps only its hash and cannot show it again; if it is lost, revoke it and create a new one.'],
  'tok.secret': ['令牌', 'Token'],
  'tok.copy': ['复制', 'Copy'],
  'tok.copied': ['已复制到剪贴板', 'Copied to the clipboard'],
  'tok.copy.failed': ['无法自动复制，请手动选中复制', 'Could not copy; select it and copy by hand'],
  'tok.usage': ['用法：请求头 Authorization: Bearer <令牌>，或 Open311 提交的 api_key 参数。', 'Use: the header Authorization: Bearer <token>, or api_key in an Open311 POST.'],
  'tok.done': ['我已保存，关闭', 'I have saved it, close'],
  'tok.rule': ['令牌不会过期；不再使用时请吊销。停用账号会同时吊销其全部令牌。', 'Tokens do not expire: revoke one that is no longer used. Deactivating an account revokes all its tokens.'],
});

/** Copies the secret: the Clipboard API where the page is a secure context, else the old way. */
async function copySecret(input) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    if (!document.execCommand('copy')) throw new Error('copy refused');
  }
}

export async function tokensTab(box) {
  const { list, side } = layout(box);
  const secretBox = el('div.tok-secret-box');
  const formBox = el('div');
  put(side, secretBox, formBox);
  let tokens = [];
  let users = [];

  /** Lists the tokens; false when they could not be loaded. */
  async function load() {
    showLoading(list);
    try {
      [tokens, users] = await Promise.all([get('/api/admin/tokens').then((r) => r.tokens), get('/api/admin/users').then((r) => r.users)]);
    } catch (e) {
      put(formBox); // the form needs the accounts
      showError(list, e, async () => { if (await load()) showForm(); });
      return false;
    }
    if (!tokens.length) { showEmpty(list, t('tok.none')); return true; }
    const byName = new Map(users.map((u) => [u.username, u]));
    // live tokens first, the newest on top: revoked ones are kept for the record only
    const shown = [...tokens].sort((a, b) => (a.revoked_at ? 1 : 0) - (b.revoked_at ? 1 : 0) || b.id - a.id);
    put(list, el('table.cases.adm-table#tokens-table',
      el('thead', el('tr', ['tok.name', 'tok.prefix', 'tok.user', 'tok.created', 'tok.last_used', 'tok.status', 'f.actions'].map((k) => el('th', t(k))))),
      el('tbody', shown.map((k) => {
        const u = byName.get(k.username);
        return el('tr', { dataset: { id: k.id, prefix: k.prefix }, class: k.revoked_at ? 'inactive' : null },
          el('td', el('b', k.name)),
          el('td', el('code', `${k.prefix}…`)),
          el('td', u ? [u.display_name, ' ', el('code.small', u.username), el('span.badge', t(`role.${u.role}`))] : el('code', k.username)),
          el('td.nowrap', fmtTime(k.created_at, true)),
          // to the minute; a live token nobody uses is one to revoke
          el('td.nowrap', { dataset: { lastUsed: k.last_used_at || '' } },
            k.last_used_at ? fmtTime(k.last_used_at, true) : el('span.muted', t('tok.never_used'))),
          el('td', k.revoked_at ? el('span.badge', t('tok.revoked', { t: fmtTime(k.revoked_at, true) })) : el('span.badge.pub', t('tok.live'))),
          el('td.actions', k.revoked_at ? null : confirmButton(t('tok.revoke'), async () => {
            await api('DELETE', `/api/admin/tokens/${k.id}`);
            // a revoked token's secret is of no use any more: stop showing it
            if (secretBox.dataset.id === String(k.id)) put(secretBox);
            toast(t('tok.revoked.toast', { n: k.name }));
            await load();
          }, { confirm: t('tok.revoke.confirm'), dataset: { act: 'revoke' } })));
      }))));
    return true;
  }

  /** The secret of the token just created, once; closing it (or leaving the tab) drops it. */
  function showSecret(k) {
    const input = el('input#token-secret', { type: 'text', readOnly: true, value: k.token, spellcheck: false, 'aria-label': t('tok.secret') });
    input.addEventListener('focus', () => input.select());
    const card = el('section.card.tok-secret#token-secret-card', { role: 'alert' },
      el('h2', t('tok.created.title', { n: k.name })),
      el('p.notice.warn', el('b', t('tok.once'))),
      el('div.tok-secret-row', input,
        el('button.primary#token-copy', {
          type: 'button',
          onclick: async () => {
            try { await copySecret(input); toast(t('tok.copied')); } catch { input.focus(); toast(t('tok.copy.failed'), 'error'); }
          },
        }, t('tok.copy'))),
      el('p.hint', t('tok.usage')),
      el('div.buttons', el('button.ghost#token-done', { type: 'button', onclick: () => put(secretBox) }, t('tok.done'))));
    secretBox.dataset.id = k.id;
    put(secretBox, card);
    input.focus();
  }

  function showForm() {
    const active = users.filter((u) => u.active);
    const integrators = active.filter((u) => u.role === 'integrator');
    const others = active.filter((u) => u.role !== 'integrator');
    const option = (u) => el('option', { value: u.username }, `${u.display_name} (${u.username}) · ${t(`role.${u.role}`)}`);
    const userSel = el('select', { name: 'username', id: 'tok-username' },
      el('option', { value: '', selected: !integrators.length }, t('f.choose')),
      integrators.length ? el('optgroup', { label: t('tok.integrators') }, integrators.map(option)) : null,
      others.length ? el('optgroup', { label: t('tok.staff') }, others.map(option)) : null);
    // an integrator is what tokens are for: propose the first one
    if (integrators.length) userSel.value = integrators[0].username;
    const form = el('form#token-form', { novalidate: true, autocomplete: 'off' },
      field(t('tok.user'), userSel, { required: true, hint: t('tok.user.hint') }),
      field(t('tok.name'), text('name', '', { id: 'tok-name' }), { required: true, hint: t('tok.name.hint') }),
      el('p.hint', t('tok.rule')),
      formButtons(t('tok.create')));
    onSubmit(form, async () => {
      const b = { name: val(form, 'name') };
      if (val(form, 'username')) b.username = val(form, 'username'); // absent: the server says "required"
      const k = await post('/api/admin/tokens', b);
      showSecret(k);
      await load();
      showForm();
      document.getElementById('token-secret').focus();
    });
    put(formBox, formCard(t('tok.new'), form));
  }

  if (await load()) showForm();
}
