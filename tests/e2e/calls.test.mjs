// calls.test.mjs — the phone switch's calls in the pages. As the switch (an integrator's API
// token) the test reports a call offered and answered by calltaker-wang: her console shows the
// caller's number on the call banner within 2 s and looks the caller up, and again after a
// reload mid-call; calltaker-li's console shows nothing of it. A call answered by li while her
// form holds another caller does not overwrite it: the banner asks first. Wang registers the
// request, the call ends, and the request page shows the call (wait, talk, call-taker). The
// supervisor's dashboard tile shows exactly GET /api/analytics/calls, red below 95 %.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

const CALLER = '13800001111';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export default () => run('calls', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const admin = await apiAs(srv.url, 'admin');
    const chen = await apiAs(srv.url, 'supervisor-chen');
    const { token } = await admin('POST', '/api/admin/tokens', { username: 'integrator', name: 'phone switch (e2e)' });
    assert(/^htk_/.test(token || ''), 'an integrator token');
    /** POST /api/calls as the phone switch; the answer's call object. */
    const sw = async (body) => {
      const r = await fetch(`${srv.url}/api/calls`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const data = await r.json().catch(() => null);
      if (r.status === 404 && /endpoint/.test(JSON.stringify(data))) throw new Error('the server has no POST /api/calls yet');
      assert(r.status === 200 || r.status === 201, `POST /api/calls ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(data)}`);
      return data;
    };

    // a server without the calls API says so at once (404 "no such endpoint"), not by a timeout
    const probe = await fetch(`${srv.url}/api/calls`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}',
    });
    assert(probe.status === 400, `POST /api/calls without fields is refused with 400 (${probe.status}${probe.status === 404 ? ': the server has no calls API yet' : ''})`);

    // an earlier request of this caller, for the lookup to find
    const li = await apiAs(srv.url, 'calltaker-li');
    const earlier = await li('POST', '/api/cases', {
      category_id: 3, caller_phone: CALLER, caller_name: '赵敏', district_id: 2, text: '小区物业不打扫楼道，垃圾堆了一周。',
    });

    // ---- two consoles, their streams open --------------------------------------------------
    const ct = await newPage(browser);
    await login(ct, srv.url, 'calltaker-wang', '/calltaker.html');
    const ct2 = await newPage(browser);
    await login(ct2, srv.url, 'calltaker-li', '/calltaker.html');
    for (const p of [ct, ct2]) await p.waitForSelector('#pop-state.on');
    assert(await ct.$eval('#call-banner', (e) => e.hidden), 'no call on the banner before the switch reports one');

    // ---- the switch: offered (8 s ago), answered by wang ----------------------------------
    const lookedUp = ct.waitForResponse((r) => r.url().includes('/api/cases?') && r.url().includes(`phone=${CALLER}`));
    lookedUp.catch(() => {}); // awaited below; a failure before then must not crash the runner
    const offered = await sw({ call_id: 'sw-e2e-0001', event: 'offered', caller: CALLER, at: iso(Date.now() - 8000) });
    const answered = await sw({ call_id: 'sw-e2e-0001', event: 'answered', agent: 'calltaker-wang' });
    const t0 = Date.now();
    assert(answered.id === offered.id && answered.answered_at && answered.wait_seconds >= 7, `answered after waiting (${JSON.stringify(answered)})`);
    await ct.waitForSelector(`#call-banner:not([hidden]):has-text("${CALLER}")`, { timeout: 2000 });
    note(`the banner showed ${Date.now() - t0} ms after the switch's answer (limit 2000)`);
    assert(await ct.inputValue('#caller_phone') === CALLER, 'the number box holds the caller');
    const banner = await ct.textContent('#call-banner');
    assert(banner.includes('sw-e2e-0001') && banner.includes(answered.answered_at.slice(11, 19)), `the banner names the call and its time (${banner})`);
    assert(await ct.$eval('#call-banner', (e) => e.dataset.callId) === String(answered.id), 'the banner is the call\'s');
    assert((await lookedUp).status() === 200, 'the caller was looked up');
    await ct.waitForSelector(`.history-list a:text("${earlier.number}")`, { timeout: 2000 });
    assert(await ct.inputValue('#caller_name') === '赵敏', 'the name comes from the earlier request');
    assert(await ct.evaluate(() => document.activeElement.id) === 'caller_name', 'the console moves on to the name');
    await shot(ct, 'calls-pop');

    // ---- not on the other call-taker's console, not even after a reload --------------------
    await ct2.waitForTimeout(1000);
    assert(await ct2.$eval('#call-banner', (e) => e.hidden), 'li\'s console shows no banner for wang\'s call');
    assert(await ct2.inputValue('#caller_phone') === '', 'li\'s number box stays empty');
    const cur2 = ct2.waitForResponse((r) => r.url().endsWith('/api/calls/current') && r.status() === 200);
    await ct2.reload();
    await cur2; // the console asked for li's call in progress
    const cur2Body = await li('GET', '/api/calls/current');
    assert(cur2Body.call === null, `li has no call in progress (${JSON.stringify(cur2Body)})`);
    await ct2.waitForSelector('#pop-state.on');
    await ct2.waitForTimeout(300); // the answer of the stream's own /api/calls/current
    assert(await ct2.$eval('#call-banner', (e) => e.hidden), 'still no banner for li after a reload');

    // ---- a reload mid-call still shows the caller (GET /api/calls/current) ----------------
    await ct.reload();
    await ct.waitForSelector(`#call-banner:not([hidden]):has-text("${CALLER}")`);
    assert(await ct.inputValue('#caller_phone') === CALLER, 'the number is back after the reload');
    await ct.waitForSelector(`.history-list a:text("${earlier.number}")`);

    // ---- li's form holds another caller: the banner asks before using the call --------------
    await ct2.fill('#caller_phone', '13911112222');
    await ct2.fill('#text', '另一位来电人的诉求，尚未登记。');
    await sw({ call_id: 'sw-e2e-0002', event: 'offered', caller: '13700002222' });
    await sw({ call_id: 'sw-e2e-0002', event: 'answered', agent: 'calltaker-li' });
    await ct2.waitForSelector('#call-banner:not([hidden]):has-text("13700002222") #use-call', { timeout: 2000 });
    assert(await ct2.inputValue('#caller_phone') === '13911112222', 'the typed number is not overwritten');
    assert(await ct2.inputValue('#text') !== '', 'the typed text is kept');
    await shot(ct2, 'calls-busy');
    await ct2.click('#use-call');
    assert(await ct2.inputValue('#caller_phone') === '13700002222', '"use this caller" puts in its number');
    assert(await ct2.inputValue('#text') === '', '"use this caller" starts a clean form');
    await ct2.waitForSelector('.caller-history .state.empty'); // looked up: no earlier requests
    assert(await ct.$eval('#call-banner', (e) => e.dataset.callId) === String(answered.id), 'wang\'s banner still shows her own call');

    // ---- wang registers; the call ends; the request carries the call ------------------------
    await ct.fill('#cat-input', '物业服务');
    await ct.waitForSelector('#cat-input-list li[role=option]');
    await ct.keyboard.press('Enter');
    await ct.selectOption('#district_id', '2');
    await ct.fill('#text', '楼道垃圾又堆了一周，物业仍未清理。');
    await ct.keyboard.press('Control+Enter');
    await ct.waitForSelector('#saved-number');
    const number = (await ct.textContent('#saved-number')).trim();
    const ended = await sw({ call_id: 'sw-e2e-0001', event: 'ended' });
    assert(ended.ended_at && ended.talk_seconds !== null, `ended (${JSON.stringify(ended)})`);
    assert(ended.cases && ended.cases.some((k) => k.number === number), `the call is linked to ${number} (${JSON.stringify(ended.cases)})`);
    await ct.keyboard.press('Enter'); // next call: this call is done
    await ct.waitForSelector('#saved-number', { state: 'detached' });
    assert(await ct.$eval('#call-banner', (e) => e.hidden), 'the registered call leaves the banner on "next call"');
    assert(await ct.inputValue('#caller_phone') === '', 'the next call starts empty');

    const k = await chen('GET', `/api/cases/${number}`);
    assert(k.calls && k.calls.length === 1 && k.calls[0].call_id === 'sw-e2e-0001', `GET /api/cases has the call (${JSON.stringify(k.calls)})`);
    await ct.goto(`${srv.url}/case.html?id=${number}`);
    const li0 = await ct.waitForSelector(`.case-calls li[data-call-id="${answered.id}"]`);
    const line = await li0.textContent();
    const sec = (s) => (s < 60 ? `${s} 秒` : `${Math.floor(s / 60)} 分 ${s % 60} 秒`);
    for (const part of [`${answered.answered_at.slice(0, 16).replace('T', ' ')} 接通`, `等待 ${sec(k.calls[0].wait_seconds)}`,
      `通话 ${sec(k.calls[0].talk_seconds)}`, '接线员 王芳'])
      assert(line.includes(part), `the request page shows "${part}" (${line})`);
    await shot(ct, 'calls-case');

    // ---- an abandoned call, then the supervisor's dashboard ---------------------------------
    await sw({ call_id: 'sw-e2e-0003', event: 'offered', caller: '13600003333', at: iso(Date.now() - 30000) });
    await sw({ call_id: 'sw-e2e-0003', event: 'ended' });
    const db = await newPage(browser, { width: 1920, height: 1080 });
    await login(db, srv.url, 'supervisor-chen', '/dashboard.html');
    await db.waitForSelector('#calls-tile[data-updated]');
    const a = await chen('GET', '/api/analytics/calls');
    assert(a.offered === 3 && a.answered === 2 && a.abandoned === 1, `today's calls counted (${JSON.stringify(a)})`);
    const pct = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
    const shown = await db.evaluate(() => ({
      rate: document.querySelector('#calls-answer-rate .v').textContent,
      rate15: document.querySelector('#calls-15s-rate .v').textContent,
      low: document.querySelector('#calls-answer-rate').classList.contains('low'),
      low15: document.querySelector('#calls-15s-rate').classList.contains('low'),
      offered: document.querySelector('#calls-offered').textContent,
      answered: document.querySelector('#calls-answered').textContent,
      abandoned: document.querySelector('#calls-abandoned').textContent,
      wait: document.querySelector('#calls-avg-wait').textContent,
    }));
    assert(shown.rate === pct(a.answer_rate) && shown.rate15 === pct(a.answer_15s_rate), `the rates as the API (${JSON.stringify(shown)} vs ${JSON.stringify(a)})`);
    assert(shown.offered === String(a.offered) && shown.answered === String(a.answered) && shown.abandoned === String(a.abandoned),
      `the counts as the API (${JSON.stringify(shown)})`);
    assert(a.avg_wait_seconds !== null && shown.wait === `${Number(a.avg_wait_seconds.toFixed(1))}秒`, `the average wait as the API (${shown.wait} vs ${a.avg_wait_seconds})`);
    assert(shown.low === a.answer_rate < 0.95 && shown.low15 === a.answer_15s_rate < 0.95 && shown.low, 'rates below 95 % are red');
    note(`dashboard tile: ${shown.rate} / ${shown.rate15}, ${shown.offered} offered, ${shown.abandoned} abandoned, wait ${shown.wait}`);
    await db.waitForTimeout(500); // the charts' first animation
    await shot(db, 'calls-dashboard');

    for (const [p, w] of [[ct, 'wang'], [ct2, 'li'], [db, 'dashboard']]) noErrors(p, w);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
