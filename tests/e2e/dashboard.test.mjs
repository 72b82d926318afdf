// dashboard.test.mjs — the governance-hall screen at 1920×1080 changes live: a call-taker
// registers a request in another browser context and the dashboard's count of today's
// requests moves within 2 seconds of the server's answer, without a reload; a dispatch shows
// in the live feed. The latency is measured and printed.

import { startServer, launch, newPage, login, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('dashboard', async ({ note }) => {
  const srv = await startServer({ generateDays: 3 });
  const browser = await launch();
  try {
    const db = await newPage(browser, { width: 1920, height: 1080 });
    await login(db, srv.url, 'supervisor-chen', '/dashboard.html');
    await db.waitForFunction(() => document.body.dataset.updated && document.querySelector('#db-live.on'));
    await db.waitForTimeout(500); // the charts' first animation
    const before = Number(await db.textContent('#kpi-today .kpi-n'));
    assert(before >= 0, 'today is counted');
    assert(Number(await db.textContent('#kpi-open .kpi-n')) > 0, 'the generated history has open requests');
    assert(await db.$$eval('#ch-map canvas', (c) => c.length) > 0, 'the district map is drawn');
    await shot(db, 'dashboard');
    db.on('framenavigated', (f) => { if (f === db.mainFrame()) db.errors.push('the dashboard reloaded'); });

    // another context: a call-taker registers through the console
    const ct = await newPage(browser);
    await login(ct, srv.url, 'calltaker-li', '/calltaker.html');
    await ct.fill('#caller_phone', '13600009999');
    await ct.fill('#cat-input', '停水');
    await ct.waitForSelector('#cat-input-list li[role=option]');
    await ct.keyboard.press('Enter');
    await ct.selectOption('#district_id', '3');
    await ct.fill('#text', '青石路一带从早上开始停水，没有任何通知。');
    const lat = [];
    for (let i = 0; i < 3; i++) {
      const expect = before + i + 1;
      const [resp] = await Promise.all([
        ct.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST'),
        ct.click('#register'),
      ]);
      const t0 = Date.now();
      assert(resp.status() === 201, `registered (${resp.status()})`);
      await db.waitForFunction((n) => Number(document.querySelector('#kpi-today .kpi-n').textContent) === n, expect, { timeout: 5000, polling: 20 });
      lat.push(Date.now() - t0);
      await ct.click('#next-call');
      await ct.fill('#cat-input', '停水');
      await ct.waitForSelector('#cat-input-list li[role=option]');
      await ct.keyboard.press('Enter');
      await ct.selectOption('#district_id', '3');
      await ct.fill('#text', `青石路一带停水，第${i + 2}位来电。`);
    }
    note(`dashboard updated ${lat.join(' / ')} ms after the server's 201 (limit 2000)`);
    assert(Math.max(...lat) < 2000, `updated within 2 s (${lat})`);
    const feed = await db.textContent('#list-feed');
    assert(feed.includes('登记'), 'the live feed shows the registrations');
    await db.waitForTimeout(800); // the lists' refresh
    await shot(db, 'dashboard-live');
    noErrors(db, 'dashboard');
    noErrors(ct, 'call-taker');
    globalThis.dashboardLatency = lat;
  } finally {
    await browser.close();
    await srv.stop();
  }
});
