// lookups.test.mjs — a late answer never overwrites a newer one, and the city's time is the
// server's. Stale answers: on the call-taker's console the first number typed, and the first
// knowledge-base search, are answered slowly (the test holds their responses 1.5 s) while the
// next one is answered at once; the caller's history and the search results show the newer
// one's, and still do after the slow answer is due. The offset: the session answer is changed
// to say the city is at UTC−05:00 (the browser is at +08:00); the dashboard's clock shows the
// city's time, a handler's extension form proposes its date in it and sends it with −05:00,
// and the server stores the instant typed.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SLOW = 1500;

/** Holds the responses to the requests `match(url)` picks for SLOW ms (the page may have
 *  given up on them meanwhile: then there is nothing to answer). */
async function slow(page, match) {
  await page.route((u) => match(new URL(u)), async (route) => {
    await sleep(SLOW);
    try { await route.continue(); } catch { /* aborted by the page */ }
  });
}

/** The session answer, saying the city is at `min` minutes from UTC. */
async function cityAt(page, min) {
  await page.route('**/api/auth/me', async (route) => {
    const resp = await route.fetch();
    const json = await resp.json();
    json.utc_offset_min = min;
    await route.fulfill({ response: resp, json });
  });
}

/** "2026-11-27T09:30:31" at `min` minutes from UTC, of instant ms. */
const wall = (ms, min) => new Date(ms + min * 60000).toISOString().slice(0, 19);

export default () => run('lookups', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const ct = await apiAs(srv.url, 'calltaker-wang');
    const dp = await apiAs(srv.url, 'dispatcher-zhang');
    const hd = await apiAs(srv.url, 'handler-donghu');
    const older = await ct('POST', '/api/cases', { category_id: 3, district_id: 2, caller_phone: '13800000001', text: '第一位来电人的诉求' });
    const newer = await ct('POST', '/api/cases', { category_id: 3, district_id: 2, caller_phone: '13900000002', text: '第二位来电人的诉求' });

    // ---- the caller's number: the slow first number's answer does not replace the second's ----
    const p = await newPage(browser);
    await login(p, srv.url, 'calltaker-wang', '/calltaker.html');
    await slow(p, (u) => u.pathname === '/api/cases' && u.searchParams.get('phone') === '13800000001');
    const asked = p.waitForRequest((r) => r.url().includes('phone=13800000001'));
    await p.fill('#caller_phone', '13800000001');
    await asked;
    await p.fill('#caller_phone', '13900000002');
    await p.waitForSelector(`.caller-history a:text-is("${newer.number}")`);
    await sleep(SLOW + 500); // the first answer is due by now
    const history = await p.textContent('.caller-history');
    assert(history.includes(newer.number) && !history.includes(older.number),
      `the history is the second caller's (${history.replace(/\s+/g, ' ').slice(0, 120)})`);
    assert(await p.inputValue('#caller_phone') === '13900000002', 'the number typed last stays');
    note(`phone: the second caller's request ${newer.number} stays after the first answer was due`);

    // ---- the knowledge base: the slow first search's results do not replace the second's -------
    const titles = async (q) => (await ct('GET', `/api/kb/search?q=${encodeURIComponent(q)}&page_size=8`)).items.map((a) => a.title);
    const [first, second] = [await titles('停水'), await titles('社保')];
    assert(first.length && second.length && first.join() !== second.join(), `both searches find articles (${first.length}, ${second.length})`);
    await slow(p, (u) => u.pathname === '/api/kb/search' && u.searchParams.get('q') === '停水');
    const searched = p.waitForRequest((r) => r.url().includes('/api/kb/search') && new URL(r.url()).searchParams.get('q') === '停水');
    await p.fill('#kb-q', '停水');
    await searched;
    await p.fill('#kb-q', '社保');
    await p.waitForSelector('.kb-results .kb-item');
    await sleep(SLOW + 500);
    const shown = await p.$$eval('.kb-results .kb-item > b', (bs) => bs.map((b) => b.textContent));
    assert(shown.join('|') === second.join('|'), `the results are the second search's (${shown.join('|')} vs ${second.join('|')})`);
    note(`kb: ${shown.length} results of 社保 stay after the 停水 answer was due`);
    await shot(p, 'calltaker-lookups');
    noErrors(p, 'console');

    // ---- the city's offset is the server's: a city at UTC−05:00, a browser at +08:00 ---------------
    const OFF = -300;
    const d = await newPage(browser, { width: 1920, height: 1080 });
    await cityAt(d, OFF);
    await login(d, srv.url, 'supervisor-chen', '/dashboard.html');
    await d.waitForFunction(() => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(document.querySelector('#db-clock').textContent));
    const clock = (await d.textContent('#db-clock')).replace(' ', 'T');
    const skew = Math.abs(Date.parse(`${clock}Z`) - Date.parse(`${wall(Date.now(), OFF)}Z`));
    assert(skew < 3000, `the clock shows the city's time at −05:00 (${clock} vs ${wall(Date.now(), OFF)})`);
    note(`dashboard clock ${clock} at −05:00`);
    noErrors(d, 'dashboard');

    const k = await ct('POST', '/api/cases', { category_id: 3, district_id: 2, text: '楼道堆物，需要延期处理' });
    await dp('POST', `/api/cases/${k.id}/dispatch`, { unit_id: 2 });
    const signed = await hd('POST', `/api/cases/${k.id}/sign`, {});
    const h = await newPage(browser);
    await cityAt(h, OFF);
    await login(h, srv.url, 'handler-donghu', `/case.html?id=${k.id}`);
    await h.click('button[data-action=request_extension]');
    const until = await h.inputValue('.action-form[data-action=request_extension] input[name=until]');
    const proposed = wall(Date.parse(signed.deadlines.reply) + 7 * 86400000, OFF).slice(0, 16);
    assert(until === proposed, `a week after the reply due, in the city's time (${until} vs ${proposed})`);
    await h.fill('.action-form[data-action=request_extension] textarea[name=reason]', '需协调多个部门');
    const [req, resp] = await Promise.all([
      h.waitForRequest((r) => r.url().endsWith(`/api/cases/${k.id}/request_extension`)),
      h.waitForResponse((r) => r.url().endsWith(`/api/cases/${k.id}/request_extension`)),
      h.click('.action-form[data-action=request_extension] button[type=submit]'),
    ]);
    const sent = JSON.parse(req.postData()).until;
    assert(sent === `${until}:00-05:00`, `the date is sent with the city's offset (${sent})`);
    assert(resp.status() === 200, `the extension request is taken (${resp.status()})`);
    const back = await hd('GET', `/api/cases/${k.id}`);
    const ev = back.history.find((e) => e.action === 'request_extension');
    assert(Date.parse(ev.requested_due) === Date.parse(sent), `the server stores the instant typed (${ev.requested_due} = ${sent})`);
    note(`extension: typed ${until} at −05:00, stored ${ev.requested_due}`);
    noErrors(h, 'case page');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
