// screens.test.mjs — every page on a demo city with a month of generated history, as people
// see it: staff pages at 1366×768, the dashboard at 1920×1080 (in Chinese and in English).
// Screenshots go to build/screenshots/; each page must load without errors and show content.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('screens', async ({ note }) => {
  const srv = await startServer({ generateDays: 30, perDay: 150, train: true });
  const browser = await launch();
  const taken = [];
  const snap = async (p, name) => { await shot(p, name); taken.push(name); };
  try {
    const sup = await apiAs(srv.url, 'supervisor-chen');
    // a caller who has called before
    const some = await sup('GET', '/api/cases?state=closed&page_size=1');
    const ctApi = await apiAs(srv.url, 'calltaker-wang');
    const known = await ctApi('GET', `/api/cases/${some.items[0].id}`);

    const lg = await newPage(browser);
    await lg.goto(srv.url);
    await lg.waitForSelector('#login-box:not([hidden])');
    await snap(lg, 'login');
    await login(lg, srv.url, 'dispatcher-zhang');
    await lg.waitForFunction(() => [...document.querySelectorAll('.tile-n')].every((n) => n.textContent !== '…'));
    await snap(lg, 'home-dispatcher');
    noErrors(lg, 'home');

    // call-taker: a known caller, the category tree open, suggestions for the text
    const ct = await newPage(browser);
    await login(ct, srv.url, 'calltaker-wang', '/calltaker.html');
    await ct.fill('#caller_phone', known.caller.phone);
    await ct.waitForSelector('.history-list li');
    await ct.fill('#text', '小区路灯坏了一个星期，晚上出行很不方便，希望尽快修复。');
    await ct.waitForTimeout(800);
    await ct.click('#cat-input');
    await ct.waitForSelector('#cat-input-list li[role=option]');
    await snap(ct, 'calltaker');
    await ct.keyboard.press('Escape');
    if (await ct.$('#kb-q')) {
      await ct.fill('#kb-q', '公积金 提取');
      await ct.waitForSelector('.kb-item, .kb-results .state');
      await ct.waitForTimeout(300);
    }
    await snap(ct, 'calltaker-kb');
    noErrors(ct, 'call-taker');

    const ctEn = await newPage(browser, { lang: 'en' });
    await login(ctEn, srv.url, 'calltaker-li', '/calltaker.html');
    await ctEn.waitForSelector('#reg-form');
    await snap(ctEn, 'calltaker-en');
    noErrors(ctEn, 'call-taker (en)');

    // dispatcher: the first request to dispatch, with its suggestion and look-alikes
    const dp = await newPage(browser);
    await login(dp, srv.url, 'dispatcher-zhang', '/dispatcher.html');
    await dp.click('.list tbody tr');
    await dp.waitForSelector('.quick-dispatch');
    await dp.waitForSelector('.candidates ul, .candidates p');
    await snap(dp, 'dispatcher');
    await dp.click('#tab-overdue');
    await dp.waitForSelector('.list tbody tr');
    await snap(dp, 'dispatcher-overdue');
    await dp.click('#tab-duplicates');
    await dp.waitForSelector('.list .cluster, .list .state.empty, .list .state.error');
    await snap(dp, 'dispatcher-clusters');
    noErrors(dp, 'dispatcher');

    // unit workbench and one request's page
    const hd = await newPage(browser);
    await login(hd, srv.url, 'handler-donghu', '/unit.html');
    await hd.waitForSelector('.list tbody tr');
    await snap(hd, 'unit');
    await hd.click('#tab-in_hand');
    await hd.waitForSelector('.list tbody tr');
    await hd.click('.list tbody tr a');
    await hd.waitForSelector('.case .timeline');
    await snap(hd, 'case');
    noErrors(hd, 'unit');

    // return visits
    const vs = await newPage(browser);
    await login(vs, srv.url, 'visitor-liu', '/visit.html');
    await vs.click('.list tbody tr');
    await vs.waitForSelector('.action-form[data-action=visit]');
    await snap(vs, 'visit');
    noErrors(vs, 'visit');

    // appraisal with a drill-down
    const ap = await newPage(browser);
    await login(ap, srv.url, 'supervisor-chen', '/appraisal.html');
    if (await ap.$('table.ap') || await ap.waitForSelector('table.ap, .state', { timeout: 10000 }).then(() => ap.$('table.ap'))) {
      await ap.click('table.ap tbody tr button.rate[data-indicator=satisfaction]');
      await ap.waitForSelector('.ap-drill .list table, .ap-drill .state');
    }
    await snap(ap, 'appraisal');
    noErrors(ap, 'appraisal');

    // the dashboard, in Chinese and in English
    for (const lang of ['zh', 'en']) {
      const db = await newPage(browser, { width: 1920, height: 1080, lang });
      await login(db, srv.url, 'supervisor-chen', '/dashboard.html');
      await db.waitForFunction(() => document.body.dataset.updated && document.querySelector('#db-live.on'));
      await db.waitForTimeout(1200);
      assert(Number(await db.textContent('#kpi-open .kpi-n')) > 0, 'the dashboard shows open requests');
      await snap(db, lang === 'zh' ? 'dashboard' : 'dashboard-en');
      noErrors(db, `dashboard (${lang})`);
    }
    note(`screenshots: ${taken.join(', ')}`);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
