// lifecycle.test.mjs — one request the whole way through the pages, by four people:
// the call-taker registers it from the keyboard and sees its number; the dispatcher sends it
// to the routing catalogue's suggested unit; the unit's handler signs and replies; the
// return-visit agent records a solved, satisfied visit, which closes it. A handler of another
// district cannot open it.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('lifecycle', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const api = await apiAs(srv.url, 'supervisor-chen');

    // ---- call-taker: keyboard only ----------------------------------------------------------
    const ct = await newPage(browser);
    await login(ct, srv.url, 'calltaker-wang', '/calltaker.html');
    await ct.waitForSelector('#reg-form');
    assert(await ct.evaluate(() => document.activeElement.id) === 'caller_phone', 'the console starts on the caller number');
    await ct.keyboard.type('138-1234-5678');
    await ct.keyboard.press('Enter');
    await ct.waitForSelector('.caller-history .state.empty');
    assert(await ct.evaluate(() => document.activeElement.id) === 'caller_name', 'Enter moves on to the name');
    await ct.keyboard.type('张三');
    await ct.keyboard.press('Alt+KeyC');
    await ct.keyboard.type('物业服务');
    await ct.waitForSelector('#cat-input-list li[role=option]');
    await ct.keyboard.press('Enter');
    assert(await ct.evaluate(() => document.activeElement.id) === 'district_id', 'choosing a category moves on to the district');
    assert(await ct.inputValue('[name=category_id]') !== '', 'a category is chosen');
    await ct.keyboard.press('ArrowDown'); // 东湖区, the first district
    assert(await ct.inputValue('#district_id') === '2', `district by keyboard (${await ct.inputValue('#district_id')})`);
    await ct.keyboard.press('Tab');
    await ct.keyboard.press('ArrowDown'); // its first street
    await ct.keyboard.press('Tab'); // urgency: the category's default
    await ct.keyboard.press('Tab');
    await ct.keyboard.type('新华路12号');
    await ct.keyboard.press('Tab');
    await ct.keyboard.type('楼道垃圾无人清理');
    await ct.keyboard.press('Tab');
    await ct.keyboard.type('小区物业不打扫楼道，垃圾堆了一周，多次反映无果。');
    const t0 = Date.now();
    await ct.keyboard.press('Control+Enter');
    await ct.waitForSelector('#saved-number');
    const number = (await ct.textContent('#saved-number')).trim();
    assert(/^\d{8}-\d{5}$/.test(number), `a request number is shown (${number})`);
    note(`registered ${number} from the keyboard in ${Date.now() - t0} ms`);
    const fontSize = await ct.$eval('#saved-number', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert(fontSize >= 36, `the number is large (${fontSize}px)`);
    await shot(ct, 'calltaker-saved');
    await ct.keyboard.press('Enter'); // next call
    await ct.waitForSelector('#saved-number', { state: 'detached' });
    assert(await ct.evaluate(() => document.activeElement.id) === 'caller_phone', 'next call starts on the number again');
    // the caller's earlier requests appear as soon as the number is typed again
    await ct.keyboard.type('13812345678');
    await ct.waitForSelector(`.history-list a:text("${number}")`);
    noErrors(ct, 'call-taker');
    const k0 = await api('GET', `/api/cases/${number}`);
    assert(k0.state === 'registered' && k0.district_id === 2 && k0.street_id === 8 && k0.caller.name === '张*', 'registered as typed');

    // ---- dispatcher: the suggested unit -----------------------------------------------------
    const dp = await newPage(browser);
    await login(dp, srv.url, 'dispatcher-zhang', '/dispatcher.html');
    await dp.click(`.list tr:has-text("${number}")`);
    await dp.waitForSelector('#dispatch-suggested');
    const suggestion = await dp.textContent('.quick-dispatch');
    assert(suggestion.includes('东湖区'), `the catalogue suggests 东湖区 (${suggestion})`);
    assert(await dp.inputValue('.action-form[data-action=dispatch] select[name=unit_id]') === '2', 'the dispatch form preselects the suggestion');
    await shot(dp, 'dispatcher-desk');
    await dp.keyboard.press('Alt+KeyS');
    await dp.waitForSelector(`.list tr:has-text("${number}")`, { state: 'detached' });
    const k1 = await api('GET', `/api/cases/${number}`);
    assert(k1.state === 'dispatched' && k1.unit_id === 2, `dispatched to 东湖区 (${k1.state}, ${k1.unit_id})`);
    noErrors(dp, 'dispatcher');

    // ---- another district's handler may not open it: told there is no such request, as for
    // a missing one, so nobody learns which numbers exist elsewhere ---------------------------
    const xs = await newPage(browser);
    await login(xs, srv.url, 'handler-xishan', `/case.html?id=${k1.id}`);
    await xs.waitForSelector('.state.empty');
    assert((await xs.textContent('.state.empty')).includes('没有这个工单'), 'the other unit sees "no such request"');
    await shot(xs, 'case-forbidden');

    // ---- handler: sign, then reply on the request's page ------------------------------------
    const hd = await newPage(browser);
    await login(hd, srv.url, 'handler-donghu', '/unit.html');
    const row = `.list tr:has-text("${number}")`;
    await hd.waitForSelector(row);
    assert((await hd.textContent(row)).includes('138****5678'), 'the unit sees the phone masked');
    await shot(hd, 'unit-workbench');
    await hd.click(`${row} button[data-action=sign]`);
    await hd.waitForSelector('.toast');
    await hd.click('#tab-in_hand');
    await hd.click(`${row} a`);
    await hd.waitForURL(/case\.html/);
    await hd.waitForSelector('.case[data-state=signed]');
    await hd.click('button[data-action=reply]');
    await hd.fill('.action-form textarea[name=reply]', '已督促物业公司清理楼道垃圾，并增加每日保洁一次。');
    await shot(hd, 'case-reply');
    await hd.click('.action-form button[type=submit]');
    await hd.waitForSelector('.case[data-state=replied]');
    assert((await hd.textContent('.timeline')).includes('办结回复'), 'the history shows the reply');
    noErrors(hd, 'handler');

    // ---- return-visit agent -----------------------------------------------------------------
    const vs = await newPage(browser);
    await login(vs, srv.url, 'visitor-liu', '/visit.html');
    await vs.click(`.list tr:has-text("${number}")`);
    await vs.waitForSelector('.action-form[data-action=visit]');
    assert((await vs.textContent('.pane')).includes('13812345678'), 'the visitor sees the full phone to call back');
    await vs.check('input[name=reachable][value=yes]');
    await vs.check('input[name=solved][value=yes]');
    await vs.check('input[name=satisfaction][value=satisfied]');
    await vs.fill('.action-form textarea[name=note]', '居民表示楼道已清理干净');
    await shot(vs, 'visit-desk');
    await vs.click('.action-form button[type=submit]');
    await vs.waitForSelector('.toast');
    const k2 = await api('GET', `/api/cases/${number}`);
    assert(k2.state === 'closed' && k2.closed_as === 'done' && k2.visit.satisfaction === 'satisfied', `closed after the visit (${k2.state})`);
    noErrors(vs, 'visitor');
    note(`${number}: registered → dispatched → signed → replied → visited → closed, by four users`);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
