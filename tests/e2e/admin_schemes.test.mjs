// admin_schemes.test.mjs — the console's appraisal-scheme and API-token tabs. Schemes: the demo
// scheme is listed as the one in force, the form is pre-filled from it, a weight over 100, no
// positive weight and an end before the start are refused next to their fields, and a scheme
// from next year is added (checked through the API). Tokens: an empty name is refused next to
// it, a token for the integrator is created and its secret shown once (and copied), it works as
// a Bearer credential and as Open311's api_key, the secret is gone once closed, and after
// revoking it both refuse it.

import {
  startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run, submitAndWait, errorField,
} from './lib.mjs';

async function fillWeights(page, w) {
  for (const [k, v] of Object.entries(w)) await page.fill(`#sch-weight-${k}`, String(v));
}

/** An Open311 POST (form-encoded) with this api_key: the documented street-lamp example. */
function open311Post(base, key) {
  const body = new URLSearchParams({
    api_key: key, service_code: '020101', address_string: '东湖区湖滨路88号',
    description: '端到端测试：路灯不亮', 'attribute[lamp_count]': '2', 'attribute[lamp_type]': 'street',
  });
  return fetch(`${base}/open311/v2/requests.json`, { method: 'POST', body });
}

const bearerMe = (base, token) => fetch(`${base}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });

export default () => run('admin_schemes', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const admin = await apiAs(srv.url, 'admin');
    const page = await newPage(browser);
    await login(page, srv.url, 'admin');
    await page.goto(`${srv.url}/admin.html#schemes`);

    // ---- schemes: the demo scheme, in force today --------------------------------------------------
    const nowRow = await page.waitForSelector('#schemes-table tr[data-status=now]');
    const nowText = await nowRow.textContent();
    assert(nowText.includes('默认考核方案') && nowText.includes('今日生效') && nowText.includes('2000-01-01'), `the demo scheme is in force (${nowText})`);
    const pair = (sel) => page.textContent(`#schemes-table tr[data-status=now] ${sel} b`);
    assert(await pair('[data-ind=response]') === '30' && await pair('[data-ind=resolution]') === '35' && await pair('[data-ind=satisfaction]') === '35',
      'the row shows the weights 30/35/35');
    assert(!(await page.$('#schemes-table tr[data-status=now] [data-ind=reopen]')), 'a weight of 0 is not listed');
    assert(await pair('[data-level=satisfied]') === '1' && await pair('[data-level=basic]') === '1' && await pair('[data-level=unsatisfied]') === '0',
      'the row shows the scores 1/1/0');
    // the page's "in force" agrees with the server's choice for this month
    const month = (await admin('GET', '/api/appraisal/schemes')).schemes;
    const period = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);
    const served = (await admin('GET', `/api/appraisal?period=${period}`)).scheme;
    assert(served.id === Number(await nowRow.getAttribute('data-id')), `the marked scheme is the one the server scores with (${served.id})`);
    assert(month.length === 1, 'one scheme to start with');

    // the form starts from the scheme in force
    assert(await page.inputValue('#sch-weight-response') === '30' && await page.inputValue('#sch-weight-resolution') === '35'
      && await page.inputValue('#sch-weight-satisfaction') === '35' && await page.inputValue('#sch-weight-ontime_reply') === '0'
      && await page.inputValue('#sch-score-basic') === '1' && await page.inputValue('#sch-score-unsatisfied') === '0', 'the form is pre-filled from it');
    assert((await page.textContent('#scheme-form')).includes('过去的月份始终按当时生效的方案重算'), 'the hint explains past months');
    assert((await page.textContent('#scheme-form .sch-sum')).includes('100'), 'the weights add up to 100');

    const from = `${new Date(Date.now() + 8 * 3600e3).getUTCFullYear() + 1}-01-01`;
    await page.fill('#sch-name', 'E2E 方案');
    await page.fill('#sch-from', from);

    // a weight over 100: refused, next to the weights
    await fillWeights(page, { response: 150 });
    assert((await page.textContent('#scheme-form .sch-sum')).includes('220'), 'the sum follows the typing');
    let r = await submitAndWait(page, '#scheme-form', '/api/admin/appraisal/schemes');
    assert(r.status === 422 && r.body.error.field === 'weights', `a weight of 150 is refused on "weights" (${JSON.stringify(r.body)})`);
    let fe = await errorField(page, '#scheme-form');
    assert(fe.field === 'weights' && fe.text.includes('填写有误'), `the error sits at the weights (${JSON.stringify(fe)})`);
    assert(await page.getAttribute('#sch-weight-response', 'aria-invalid') === 'true', 'the weights are marked invalid');

    // weights adding up to nothing: refused there too
    await fillWeights(page, { response: 0, resolution: 0, satisfaction: 0, ontime_reply: 0, return: 0, reopen: 0 });
    r = await submitAndWait(page, '#scheme-form', '/api/admin/appraisal/schemes');
    assert(r.status === 422 && r.body.error.field === 'weights', `no positive weight is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#scheme-form');
    assert(fe.field === 'weights', `the error sits at the weights (${JSON.stringify(fe)})`);
    await shot(page, 'admin-schemes-error');

    // an end before the start: refused next to the end date
    await fillWeights(page, { response: 25, resolution: 30, satisfaction: 35, ontime_reply: 10 });
    await page.fill('#sch-to', '2020-12-31');
    r = await submitAndWait(page, '#scheme-form', '/api/admin/appraisal/schemes');
    assert(r.status === 422 && r.body.error.field === 'effective_to', `an end before the start is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#scheme-form');
    assert(fe.field === 'effective_to', `the error sits at the end date (${JSON.stringify(fe)})`);
    assert(await page.$$eval('#scheme-form .field-error', (n) => n.length) === 1, 'only the latest error is shown');

    // a valid scheme from next year
    await page.fill('#sch-to', '');
    await page.fill('#sch-score-basic', '0.8');
    r = await submitAndWait(page, '#scheme-form', '/api/admin/appraisal/schemes');
    assert(r.status === 201 && r.body.effective_from === from, `the scheme is added (${JSON.stringify(r.body)})`);
    const row = await page.waitForSelector(`#schemes-table tr[data-id="${r.body.id}"][data-status=future]`);
    const rowText = await row.textContent();
    assert(rowText.includes('E2E 方案') && rowText.includes('待生效') && rowText.includes(from), `it is listed as scheduled (${rowText})`);
    assert(await page.$eval('#schemes-table tr[data-status=now]', (n) => n.dataset.id) === String(served.id), 'the demo scheme stays in force today');
    assert(await page.inputValue('#sch-name') === '', 'the form starts afresh');
    const schemes = (await admin('GET', '/api/appraisal/schemes')).schemes;
    const s = schemes.find((x) => x.name === 'E2E 方案');
    assert(schemes.length === 2 && s && s.effective_from === from && s.effective_to === null
      && JSON.stringify(s.weights) === JSON.stringify({ response: 25, resolution: 30, satisfaction: 35, ontime_reply: 10, return: 0, reopen: 0 })
      && JSON.stringify(s.scores) === JSON.stringify({ satisfied: 1, basic: 0.8, unsatisfied: 0 }),
    `the API has exactly the new scheme, and none of the refused ones (${JSON.stringify(schemes)})`);
    note(`scheme ${s.id} from ${from}: 25/30/35/10, basic 0.8`);
    await shot(page, 'admin-schemes');

    // ---- tokens: an empty name refused, then one for the integrator --------------------------------
    await page.click('#tab-tokens');
    await page.waitForSelector('#token-form');
    assert(await page.inputValue('#tok-username') === 'integrator', 'the integrator account is proposed');
    r = await submitAndWait(page, '#token-form', '/api/admin/tokens');
    assert(r.status === 400 && r.body.error.field === 'name', `an empty name is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#token-form');
    assert(fe.field === 'name', `the error sits at the name (${JSON.stringify(fe)})`);

    await page.fill('#tok-name', 'E2E Open311 网关');
    r = await submitAndWait(page, '#token-form', '/api/admin/tokens');
    assert(r.status === 201 && r.body.username === 'integrator', `the token is created (${r.status})`);
    const secret = await page.inputValue('#token-secret');
    assert(/^htk_[0-9a-f]{64}$/.test(secret) && secret === r.body.token, 'the secret shown is the one the server made');
    assert((await page.textContent('#token-secret-card')).includes('只显示这一次'), 'with the warning that it is shown once');
    const tokenId = r.body.id;
    const tokRow = await page.waitForSelector(`#tokens-table tr[data-id="${tokenId}"]`);
    const tokText = await tokRow.textContent();
    assert(await tokRow.getAttribute('data-prefix') === secret.slice(0, 12) && tokText.includes('对接系统') && tokText.includes('有效'),
      `it is listed, live, for the integrator (${tokText})`);
    assert(!tokText.includes(secret), 'the list shows the prefix only');
    assert(tokText.includes('从未使用'), `a new token has never been used (${tokText})`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    await page.click('#token-copy');
    assert(await page.evaluate(() => navigator.clipboard.readText()) === secret, 'the copy button copies the secret');
    await shot(page, 'admin-tokens');
    note(`token ${tokenId} ${secret.slice(0, 12)}…`);

    // it works: as a Bearer credential, and as Open311's api_key
    let res = await bearerMe(srv.url, secret);
    assert(res.status === 200 && (await res.json()).user.username === 'integrator', `the token logs in as the integrator (${res.status})`);
    res = await open311Post(srv.url, secret);
    const filed = await res.json();
    assert(res.status === 201 && /^\d{8}-\d{5}$/.test(filed[0].service_request_id), `Open311 takes it as api_key (${res.status} ${JSON.stringify(filed)})`);
    note(`filed ${filed[0].service_request_id} through Open311`);

    // shown once: closed, it is nowhere (the page, the list's answer, the tab shown again)
    await page.click('#token-done');
    assert(!(await page.$('#token-secret')), 'closing drops the secret');
    assert((await admin('GET', '/api/admin/tokens')).tokens.every((k) => !('token' in k)), 'the list never carries a secret');
    await page.click('#tab-schemes');
    await page.waitForSelector('#schemes-table');
    await page.click('#tab-tokens');
    await page.waitForSelector(`#tokens-table tr[data-id="${tokenId}"]`);
    assert(!(await page.content()).includes(secret), 'the secret is not shown again');
    // the uses above are noted: the list says when it was last used
    const used = await page.getAttribute(`#tokens-table tr[data-id="${tokenId}"] td[data-last-used]`, 'data-last-used');
    const apiUsed = (await admin('GET', '/api/admin/tokens')).tokens.find((k) => k.id === tokenId).last_used_at;
    assert(used && used === apiUsed, `the last use is shown (${used}, API ${apiUsed})`);

    // revoke (two clicks), then both ways refuse it
    const revoke = `#tokens-table tr[data-id="${tokenId}"] button[data-act=revoke]`;
    await page.click(revoke);
    const [del] = await Promise.all([
      page.waitForResponse((x) => x.url().endsWith(`/api/admin/tokens/${tokenId}`) && x.request().method() === 'DELETE'),
      page.click(revoke),
    ]);
    assert(del.status() === 204, `the token is revoked (${del.status()})`);
    await page.waitForSelector(`#tokens-table tr[data-id="${tokenId}"].inactive`);
    assert((await page.textContent(`#tokens-table tr[data-id="${tokenId}"]`)).includes('已吊销') && !(await page.$(revoke)),
      'the row says revoked, with no revoke button');
    res = await bearerMe(srv.url, secret);
    assert(res.status === 401, `a revoked token is refused (${res.status})`);
    res = await open311Post(srv.url, secret);
    assert(res.status === 403, `Open311 refuses it too (${res.status})`);
    const k = (await admin('GET', '/api/admin/tokens')).tokens.find((x) => x.id === tokenId);
    assert(k && k.revoked_at, `the API has it revoked (${JSON.stringify(k)})`);
    noErrors(page, 'admin_schemes');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
