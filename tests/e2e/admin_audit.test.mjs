// admin_audit.test.mjs — the administrator's console's audit log and sensitive-words tabs.
// Audit: a dispatcher reveals a caller's number with a reason, the administrator creates a user
// and exports requests with a phone filter; the log lists each (the request by its number,
// linked; the reason; the user by name; the export's route with the phone masked), and the
// actor, action, request and date filters narrow the real rows (a future date finds nothing,
// said so). Words: a word over 32 bytes is refused next to the words box, naming its line;
// a valid list is saved and read back through the API, and a request registered with the new
// word is urgent; the model's status is shown and reloaded. The changes appear in the log.

import {
  startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run, submitAndWait, errorField,
} from './lib.mjs';

/** YYYY-MM-DD in the city (UTC+8), `days` from today. */
const cityDay = (days = 0) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

/** Runs `act` (which submits a filter) and waits for the audit list to be redrawn: the table
 *  shown before is marked, and the wait is for a new table or the empty state. */
async function refilter(page, act) {
  await page.evaluate(() => { const tb = document.querySelector('#audit-table'); if (tb) tb.dataset.stale = '1'; });
  await act();
  await page.waitForSelector('.adm-list > #audit-table:not([data-stale]), .adm-list > .state.empty');
  return page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => ({ ...r.dataset, text: r.textContent })));
}

async function search(page, { actor = '', action = '', kase = '', from = '', to = '' }) {
  return refilter(page, async () => {
    await page.fill('#aud-actor', actor);
    await page.fill('#aud-action', action);
    await page.fill('#aud-case', kase);
    await page.fill('#aud-from', from);
    await page.fill('#aud-to', to);
    await page.click('#audit-form button[type=submit]');
  });
}

export default () => run('admin_audit', async ({ note }) => {
  const srv = await startServer({ generateDays: 2, perDay: 80, train: true });
  const browser = await launch();
  try {
    // ---- the scene: a reveal (with its reason) and a user created, through the API -------------
    const admin = await apiAs(srv.url, 'admin');
    const ct = await apiAs(srv.url, 'calltaker-wang');
    const dp = await apiAs(srv.url, 'dispatcher-zhang');
    const k = await ct('POST', '/api/cases', { category_id: 3, district_id: 2, caller_name: '张三', caller_phone: '13812345678', text: '楼道堆物无人清理' });
    const reason = '回访前核实来电人（e2e）';
    await dp('POST', `/api/cases/${k.id}/reveal`, { reason });
    const wang = (await admin('GET', '/api/admin/users')).users.find((u) => u.username === 'calltaker-wang');
    const nu = await admin('POST', '/api/admin/users', { username: 'audit-e2e', display_name: '审计测试', role: 'calltaker', unit_id: wang.unit_id, password: 'audit-e2e-password' });
    note(`request ${k.number} revealed, user ${nu.id} created`);

    const page = await newPage(browser);
    await login(page, srv.url, 'admin');
    // an export by the administrator, from the page (its session), with a phone filter
    const st = await page.evaluate(() => fetch('/api/export/cases.csv?district=2&phone=13812345678').then((r) => r.status));
    assert(st === 200, `the export works (${st})`);

    // ---- audit tab: the entries --------------------------------------------------------------------
    await page.goto(`${srv.url}/admin.html#audit`);
    await page.waitForSelector('#audit-table tbody tr');
    assert(await page.getAttribute('#tab-audit', 'aria-selected') === 'true', 'the #audit hash opens the tab');
    const all = await page.$$eval('#audit-table tbody tr', (rows) => rows.map((r) => ({ ...r.dataset, text: r.textContent })));
    assert(Number(all[0].id) > Number(all[all.length - 1].id), 'newest first');
    const created = all.find((r) => r.action === 'users.create');
    assert(created && created.actor === 'admin' && created.text.includes('用户 audit-e2e') && created.text.includes('"username":"audit-e2e"'),
      `the user's creation is listed with the user's name and the body (${created && created.text})`);
    assert(!created.text.includes('password'), 'the password is not in the log');
    const rev = all.find((r) => r.action === 'case.reveal');
    assert(rev && rev.actor === 'dispatcher-zhang' && rev.case === String(k.id) && rev.text.includes(`原因：${reason}`) && rev.text.includes('查看完整号码'),
      `the reveal is listed with its reason (${rev && rev.text})`);
    const link = `#audit-table tr[data-action="case.reveal"] a.aud-case`;
    assert(await page.getAttribute(link, 'href') === `/case.html?id=${k.id}`, 'the request is linked');
    await page.waitForFunction(([sel, n]) => document.querySelector(sel).textContent === n, [link, k.number]);
    const exp = all.find((r) => r.action === 'export');
    assert(exp && exp.actor === 'admin' && exp.text.includes('/api/export/cases.csv') && exp.text.includes('phone=138****5678') && !exp.text.includes('13812345678'),
      `the export is listed with its filters, the phone masked (${exp && exp.text})`);
    assert(all.some((r) => r.action === 'auth.login' && r.actor === 'admin'), 'logins are listed');
    note(`${all.length} entries on the first page`);

    // ---- filters narrow the rows ---------------------------------------------------------------------
    let rows = await search(page, { actor: 'dispatcher-zhang' });
    assert(rows.length > 0 && rows.length < all.length && rows.every((r) => r.actor === 'dispatcher-zhang'),
      `the actor filter keeps only dispatcher-zhang's entries (${rows.length} of ${all.length})`);
    assert(rows.some((r) => r.action === 'case.reveal') && rows.some((r) => r.action === 'auth.login'), 'both of them: the login and the reveal');
    rows = await search(page, { action: 'users.create' });
    assert(rows.length === 1 && rows[0].text.includes('audit-e2e'), `one user was created (${rows.map((r) => r.action)})`);
    rows = await search(page, { kase: k.number });
    assert(rows.length === 1 && rows[0].action === 'case.reveal' && rows[0].case === String(k.id), `the request filter by number (${rows.map((r) => r.action)})`);
    rows = await search(page, { actor: 'admin', from: cityDay(0), to: cityDay(0) });
    assert(rows.length >= 3 && rows.every((r) => r.actor === 'admin') && rows.some((r) => r.action === 'export'), `today's entries by admin (${rows.length})`);
    rows = await search(page, { from: cityDay(1) });
    const empty = await page.textContent('.adm-list > .state.empty');
    assert(rows.length === 0 && empty.includes('没有符合条件的审计记录'), `a future date finds nothing, and says so (${empty})`);
    // a row's action is a filter of its own
    await search(page, {});
    rows = await refilter(page, () => page.click('#audit-table tr[data-action="case.reveal"] button[data-filter=action]'));
    assert(await page.inputValue('#aud-action') === 'case.reveal' && rows.length === 1 && rows[0].action === 'case.reveal', 'clicking an action filters by it');
    await search(page, {});
    await shot(page, 'admin-audit');

    // ---- words tab: a refused word next to the box, then a valid list saved ------------------------------
    const before = (await admin('GET', '/api/admin/sensitive-words')).words;
    await page.click('#tab-words');
    await page.waitForSelector('#words-form #wrd-words');
    assert((await page.inputValue('#wrd-words')).split('\n').join('|') === before.join('|'), 'the box holds the current list');
    assert((await page.textContent('.adm-list h2')).includes(`${before.length} 个`), 'the list says how many words');
    const long = '这是一个超过三十二字节长度的敏感词语'; // 18 characters, 54 bytes
    await page.fill('#wrd-words', [...before, '', '测试敏感词', long].join('\n'));
    let r = await submitAndWait(page, '#words-form', '/api/admin/sensitive-words');
    assert(r.status === 422 && r.body.error.field === 'words', `the long word is refused on "words" (${r.status} ${JSON.stringify(r.body)})`);
    const fe = await errorField(page, '#words-form');
    assert(fe.text.includes(`第 ${before.length + 3} 行`) && fe.text.includes(long), `the error names the line and the word (${fe.text})`);
    assert(fe.field === 'words', `the error sits under the words box (${JSON.stringify(fe)})`);
    assert(await page.getAttribute('#wrd-words', 'aria-invalid') === 'true', 'the box is marked invalid');
    assert(await page.$eval('#wrd-words', (a) => a.value.slice(a.selectionStart, a.selectionEnd)) === long, 'the refused line is selected');
    await shot(page, 'admin-words-error');

    await page.fill('#wrd-words', [...before, '', '测试敏感词', '  Gas Leak E2E  ', '测试敏感词'].join('\n'));
    r = await submitAndWait(page, '#words-form', '/api/admin/sensitive-words');
    assert(r.status === 200, `the list is saved (${r.status} ${JSON.stringify(r.body)})`);
    await page.waitForSelector('#words-form .field-error', { state: 'detached' });
    const after = (await admin('GET', '/api/admin/sensitive-words')).words;
    assert(after.length === before.length + 2 && after.includes('测试敏感词') && after.includes('Gas Leak E2E') && !after.includes(long),
      `the API has the new words, trimmed, once each (${after.length} vs ${before.length})`);
    await page.waitForFunction((n) => document.querySelector('.adm-list h2').textContent.includes(`${n} 个`), after.length);
    assert(await page.$('#words-chips .chip:text-is("测试敏感词")'), 'the new word is listed');
    assert(await page.inputValue('#wrd-words') === after.join('\n'), 'the box shows the list as stored');
    // what the hint says they do: a request with the word is urgent at registration
    const hot = await ct('POST', '/api/cases', { category_id: 3, district_id: 2, text: '小区里有测试敏感词，请尽快处理' });
    assert(hot.urgency === 'urgent', `a request with the new word is urgent (${hot.urgency})`);

    // ---- the model: its status and a reload ------------------------------------------------------------
    const { model } = await admin('GET', '/api/admin/model');
    assert(model && model.version > 0, `the trained model is loaded (${JSON.stringify(model)})`);
    const card = await page.textContent('#model-card');
    assert(card.includes(`版本${model.version}`) && card.includes(`${model.categories} 类，${model.category_samples} 条样本`) && card.includes(model.trained_at.slice(0, 10)),
      `the card shows the model (${card})`);
    const [resp] = await Promise.all([
      page.waitForResponse((x) => x.url().endsWith('/api/admin/model/reload')),
      page.click('#model-reload'),
    ]);
    assert(resp.status() === 200, `the reload answers (${resp.status()})`);
    const result = await page.waitForSelector('#model-card .wrd-result:not(:empty)');
    const said = await result.textContent();
    assert(said.includes(`仍为版本 ${model.version}`), `the reload's result is reported (${said})`);
    await shot(page, 'admin-words');

    // ---- the changes are in the log: one words change (the refused one is not), one reload -------------
    await page.click('#tab-audit');
    await page.waitForSelector('#audit-form');
    rows = await search(page, { action: 'sensitive-words.put' });
    assert(rows.length === 1 && rows[0].text.includes('测试敏感词') && rows[0].text.includes('修改敏感词'), `one change of the words is logged (${rows.length})`);
    rows = await search(page, { action: 'model.reload.create' });
    assert(rows.length === 1 && rows[0].actor === 'admin', `the reload is logged (${rows.length})`);
    noErrors(page, 'admin_audit');

    // ---- a supervisor reads the log (the API lets them), from the top bar, and nothing else ----------
    const sup = await newPage(browser);
    await login(sup, srv.url, 'supervisor-chen');
    await sup.click('#top nav a[href="/admin.html"]');
    await sup.waitForSelector('#audit-table tbody tr');
    const supTabs = await sup.$$eval('[role=tab]', (b) => b.map((x) => x.id));
    assert(supTabs.length === 1 && supTabs[0] === 'tab-audit', `the supervisor gets the audit tab alone (${supTabs})`);
    rows = await search(sup, { action: 'case.reveal' });
    assert(rows.length === 1 && rows[0].actor === 'dispatcher-zhang', `the supervisor finds the reveal (${rows.length})`);
    await shot(sup, 'audit-supervisor');
    noErrors(sup, 'admin_audit (supervisor)');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
