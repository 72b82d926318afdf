// calls_list.test.mjs — the call records page (/calls.html). As the phone switch (an
// integrator's API token) the test reports four calls today: answered by calltaker-wang after
// 5 s (she registers a request during it, so the call is linked to it), answered by her after
// 25 s, one abandoned in the queue, one answered by calltaker-li. The supervisor opens the page
// from the top bar: the figures are exactly GET /api/analytics/calls (rates red below 95 %, calls
// by hour), the rows exactly GET /api/calls (caller masked), the 25 s wait is red, the abandoned
// call has its badge, the linked number opens the request; the call-taker filter and the
// previous day follow the API too. calltaker-wang gets her own calls only and no figures.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

const CALLER = '13800001111';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sec = (s) => (s === null ? '—' : s < 60 ? `${s} 秒` : `${Math.floor(s / 60)} 分 ${s % 60} 秒`);
const pct = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** The calls are placed in the last three minutes and the page shows "today": close to the
 *  city's midnight some would fall on the other day, so wait until a few minutes after it. */
async function awayFromMidnight() {
  const s = Math.floor(Date.now() / 1000 + 8 * 3600) % 86400;
  if (s >= 240 && s <= 86400 - 180) return 0;
  const ms = ((s < 240 ? 240 - s : 86400 - s + 240) + 1) * 1000;
  await new Promise((r) => setTimeout(r, ms));
  return ms;
}

/** The list's rows as shown: id, cell texts, the wait cell's class and colour, badges, links. */
const readRows = (page) => page.$$eval('#calls-list tbody tr', (trs) => trs.map((tr) => {
  const cell = (c) => tr.querySelector(`td.${c}`);
  return {
    id: Number(tr.dataset.id),
    caller: cell('cl-caller').textContent,
    agent: cell('cl-agent') ? cell('cl-agent').textContent : null,
    wait: cell('cl-wait').textContent,
    slow: cell('cl-wait').classList.contains('slow'),
    waitColor: getComputedStyle(cell('cl-wait')).color,
    talk: cell('cl-talk').textContent,
    abandoned: tr.querySelector('.badge.abandoned') ? tr.querySelector('.badge.abandoned').textContent : null,
    cases: [...cell('cl-cases').querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
  };
}));

export default () => run('calls_list', async ({ note }) => {
  const waited = await awayFromMidnight();
  if (waited) note(`waited ${Math.round(waited / 1000)} s for the day to settle after midnight`);
  const srv = await startServer();
  const browser = await launch();
  try {
    const admin = await apiAs(srv.url, 'admin');
    const chen = await apiAs(srv.url, 'supervisor-chen');
    const wang = await apiAs(srv.url, 'calltaker-wang');
    const { token } = await admin('POST', '/api/admin/tokens', { username: 'integrator', name: 'phone switch (e2e)' });
    /** POST /api/calls as the phone switch; the answer's call object. */
    const sw = async (body) => {
      const r = await fetch(`${srv.url}/api/calls`, {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const data = await r.json().catch(() => null);
      assert(r.status === 200 || r.status === 201, `POST /api/calls ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(data)}`);
      return data;
    };

    // ---- the switch's calls, oldest first --------------------------------------------------
    const T = Date.now();
    // 1: answered by wang after 5 s; she registers a request while talking, so it is linked
    await sw({ call_id: 'sw-list-1', event: 'offered', caller: CALLER, at: iso(T - 170000) });
    const c1 = await sw({ call_id: 'sw-list-1', event: 'answered', agent: 'calltaker-wang', at: iso(T - 165000) });
    const kase = await wang('POST', '/api/cases', {
      category_id: 3, caller_phone: CALLER, caller_name: '赵敏', district_id: 2, text: '楼道垃圾堆了一周，物业不清理。',
    });
    const c1end = await sw({ call_id: 'sw-list-1', event: 'ended', at: iso(T - 150000) });
    assert(c1end.cases.some((k) => k.id === kase.id), `the request is linked to the call (${JSON.stringify(c1end.cases)})`);
    // 2: answered by wang after 25 s
    await sw({ call_id: 'sw-list-2', event: 'offered', caller: '13900002222', at: iso(T - 140000) });
    const c2 = await sw({ call_id: 'sw-list-2', event: 'answered', agent: 'calltaker-wang', at: iso(T - 115000) });
    await sw({ call_id: 'sw-list-2', event: 'ended', at: iso(T - 100000) });
    // 3: the caller hangs up in the queue
    const c3 = await sw({ call_id: 'sw-list-3', event: 'offered', caller: '13600003333', at: iso(T - 90000) });
    await sw({ call_id: 'sw-list-3', event: 'ended', at: iso(T - 60000) });
    // 4: answered by li after 3 s
    await sw({ call_id: 'sw-list-4', event: 'offered', caller: '13700004444', at: iso(T - 50000) });
    const c4 = await sw({ call_id: 'sw-list-4', event: 'answered', agent: 'calltaker-li', at: iso(T - 47000) });
    await sw({ call_id: 'sw-list-4', event: 'ended', at: iso(T - 20000) });

    const a = await chen('GET', '/api/analytics/calls');
    assert(a.offered === 4 && a.answered === 3 && a.abandoned === 1 && a.answered_15s === 2, `today's figures (${JSON.stringify(a)})`);
    const list = await chen('GET', '/api/calls');
    assert(list.total === 4 && list.items.map((c) => c.id).join() === [c4.id, c3.id, c2.id, c1.id].join(),
      `today's calls, newest first (${JSON.stringify(list.items.map((c) => c.call_id))})`);

    // ---- the supervisor opens the page from the top bar ------------------------------------
    const page = await newPage(browser);
    await login(page, srv.url, 'supervisor-chen');
    await page.click('#top nav a[href="/calls.html"]');
    await page.waitForURL((u) => u.pathname === '/calls.html');
    assert(await page.getAttribute('#top nav a[href="/calls.html"]', 'aria-current') === 'page', 'the top bar marks the page');
    await page.waitForSelector('#calls-figures:not([hidden]) #cf-answer-rate');
    await page.waitForSelector('#calls-list tbody tr');

    // the figures: exactly the API's
    const fig = await page.evaluate(() => {
      const v = (id) => document.querySelector(`#${id} .v`).textContent;
      return {
        rate: v('cf-answer-rate'), rate15: v('cf-15s-rate'),
        low: document.querySelector('#cf-answer-rate').classList.contains('low'),
        low15: document.querySelector('#cf-15s-rate').classList.contains('low'),
        rateColor: getComputedStyle(document.querySelector('#cf-answer-rate .v')).color,
        offered: v('cf-offered'), answered: v('cf-answered'), abandoned: v('cf-abandoned'),
        wait: v('cf-avg-wait'), talk: v('cf-avg-talk'),
        hours: [...document.querySelectorAll('#calls-figures .cf-hour')].map((h) => ({
          hour: Number(h.dataset.hour), offered: Number(h.dataset.offered), answered: Number(h.dataset.answered),
          height: h.querySelector('.cf-bar').getBoundingClientRect().height,
        })),
      };
    });
    assert(fig.rate === pct(a.answer_rate) && fig.rate15 === pct(a.answer_15s_rate), `the rates as the API (${fig.rate} ${fig.rate15} vs ${JSON.stringify(a)})`);
    assert(fig.low === a.answer_rate < 0.95 && fig.low15 === a.answer_15s_rate < 0.95 && fig.low, 'rates below 95 % are marked');
    assert(fig.rateColor === 'rgb(198, 40, 40)', `a rate below 95 % is red (${fig.rateColor})`);
    assert(fig.offered === String(a.offered) && fig.answered === String(a.answered) && fig.abandoned === String(a.abandoned),
      `the counts as the API (${JSON.stringify(fig)})`);
    assert(fig.wait === `${a.avg_wait_seconds.toFixed(1)} 秒` && fig.talk === `${a.avg_talk_seconds.toFixed(1)} 秒`,
      `the averages as the API (${fig.wait}, ${fig.talk} vs ${a.avg_wait_seconds}, ${a.avg_talk_seconds})`);
    assert(JSON.stringify(fig.hours.map(({ height, ...h }) => h)) === JSON.stringify(a.by_hour), 'the hours as the API\'s by_hour');
    const busy = fig.hours.filter((h) => h.offered > 0);
    assert(busy.length && busy.every((h) => h.height > 10) && fig.hours.filter((h) => !h.offered).every((h) => h.height === 0),
      `bars only in the hours with calls (${JSON.stringify(busy)})`);
    note(`figures: ${fig.rate} / ${fig.rate15}, ${fig.offered} offered, ${fig.abandoned} abandoned, wait ${fig.wait}, talk ${fig.talk}`);

    // the rows: exactly the API's, in its order
    const rows = await readRows(page);
    assert(rows.map((r) => r.id).join() === list.items.map((c) => c.id).join(), `the rows are GET /api/calls (${rows.map((r) => r.id)})`);
    for (const [i, c] of list.items.entries()) {
      const r = rows[i];
      assert(r.caller === c.caller && /^\d{3}\*{4}\d{4}$/.test(r.caller), `row ${c.call_id}: the caller as the API gives it, masked (${r.caller})`);
      assert(r.agent === (c.agent ? c.agent.display_name : '—'), `row ${c.call_id}: the call-taker (${r.agent})`);
      assert(r.wait === sec(c.wait_seconds) && r.talk === sec(c.talk_seconds), `row ${c.call_id}: wait and talk (${r.wait}, ${r.talk})`);
      assert(r.slow === (c.wait_seconds > 15), `row ${c.call_id}: the wait is red only above 15 s`);
      assert((r.abandoned !== null) === c.abandoned, `row ${c.call_id}: the abandoned badge only on the abandoned call`);
      assert(JSON.stringify(r.cases) === JSON.stringify(c.cases.map((k) => ({ href: `/case.html?id=${k.id}`, text: k.number }))),
        `row ${c.call_id}: the linked requests (${JSON.stringify(r.cases)})`);
    }
    const row = (id) => rows.find((r) => r.id === id);
    assert(row(c2.id).wait === '25 秒' && row(c2.id).slow && row(c2.id).waitColor === 'rgb(198, 40, 40)', `the 25 s wait is red (${JSON.stringify(row(c2.id))})`);
    assert(row(c1.id).wait === '5 秒' && !row(c1.id).slow, 'the 5 s wait is not');
    assert(row(c3.id).abandoned === '放弃', 'the abandoned call has its badge');
    assert(row(c1.id).cases.length === 1 && row(c1.id).cases[0].text === kase.number, 'the linked number is the request\'s');
    await shot(page, 'calls-list');

    // the call-taker filter: li's calls, as GET /api/calls?agent= gives them
    const agents = await page.$$eval('#calls-agent option', (os) => os.map((o) => o.value));
    assert(agents.join() === ',calltaker-li,calltaker-wang', `the filter offers the call-takers of the day (${agents})`);
    await page.selectOption('#calls-agent', 'calltaker-li');
    const liList = await chen('GET', '/api/calls?agent=calltaker-li');
    await page.waitForFunction((n) => document.querySelectorAll('#calls-list tbody tr').length === n, liList.total);
    assert((await readRows(page)).map((r) => r.id).join() === liList.items.map((c) => c.id).join() && liList.items[0].id === c4.id,
      'the filter shows li\'s calls only');
    assert(new URL(page.url()).searchParams.get('agent') === 'calltaker-li', 'the filter is kept in the URL');
    await page.selectOption('#calls-agent', '');
    await page.waitForFunction((n) => document.querySelectorAll('#calls-list tbody tr').length === n, list.total);

    // the previous day: nothing in this new database, as the API says; then back to today
    const yday = new Date(Date.parse(`${a.period.from}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
    await page.click('#calls-prev');
    await page.waitForSelector(`#calls-figures[data-period="${yday}..${yday}"]`);
    await page.waitForSelector('#calls-list .state.empty');
    const ay = await chen('GET', `/api/analytics/calls?from=${yday}&to=${yday}`);
    const yOffered = await page.textContent('#cf-offered .v');
    assert(yOffered === String(ay.offered) && ay.offered === 0, `the previous day's figures as the API (${yOffered} vs ${JSON.stringify(ay)})`);
    assert(await page.inputValue('#calls-from') === yday && await page.inputValue('#calls-to') === yday, 'the date picker shows the day');
    await page.click('#calls-next');
    await page.waitForSelector(`#calls-list tbody tr[data-id="${c1.id}"]`);
    assert(await page.isDisabled('#calls-next'), 'no day after today');

    // the linked number opens the request, which shows the call
    await page.click(`#calls-list tr[data-id="${c1.id}"] a[href="/case.html?id=${kase.id}"]`);
    await page.waitForURL((u) => u.pathname === '/case.html' && u.searchParams.get('id') === String(kase.id));
    await page.waitForSelector(`.case-calls li[data-call-id="${c1.id}"]`);
    noErrors(page, 'supervisor');

    // ---- calltaker-wang: her own calls, no figures -----------------------------------------
    const ct = await newPage(browser);
    const asked = []; // the page knows the figures are not her role's: it does not ask
    ct.on('request', (r) => { if (r.url().includes('/api/analytics/calls')) asked.push(r.url()); });
    await login(ct, srv.url, 'calltaker-wang', '/calls.html');
    await ct.waitForSelector('#calls-list tbody tr');
    const refused = await ct.request.get(`${srv.url}/api/analytics/calls`); // with her session
    assert(refused.status() === 403, `the figures are refused to a call-taker (${refused.status()})`);
    assert(asked.length === 0, `the page does not ask for them (${asked.join(' ')})`);
    const mine = await wang('GET', '/api/calls');
    const ctRows = await readRows(ct);
    assert(mine.items.map((c) => c.id).join() === [c2.id, c1.id].join(), `the API gives wang her two calls (${mine.items.map((c) => c.call_id)})`);
    assert(ctRows.map((r) => r.id).join() === [c2.id, c1.id].join(), `only her calls are listed (${ctRows.map((r) => r.id)})`);
    assert(ctRows[1].id === c1.id && ctRows[1].caller === CALLER, `she sees the caller in full (${ctRows[1].caller})`);
    assert(await ct.$('#calls-figures') === null, 'no figures block for a call-taker');
    assert(await ct.$('#calls-agent') === null && ctRows.every((r) => r.agent === null), 'no call-taker filter or column for her');
    await shot(ct, 'calls-list-calltaker');
    noErrors(ct, 'calltaker');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
