// errors.test.mjs — what goes wrong is shown where it happened: the server's error.field puts
// its message next to that field (call-taker console, a handler's extension request); a wrong
// password shows on the login form; an unknown request number shows "no such request"; the
// English switch turns the pages into English.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('errors', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    // a wrong password
    const p = await newPage(browser);
    await p.goto(srv.url);
    await p.fill('#username', 'calltaker-wang');
    await p.fill('#password', 'wrong-password');
    await p.press('#password', 'Enter');
    await p.waitForSelector('#login-form .form-error:not(:empty)');
    assert((await p.textContent('#login-form .form-error')).includes('用户名或密码错误'), 'bad credentials are said');

    // the console: a phone of 23 digits is refused by the server, next to the phone field
    await login(p, srv.url, 'calltaker-wang', '/calltaker.html');
    await p.fill('#caller_phone', '12345678901234567890123');
    await p.fill('#cat-input', '物业服务');
    await p.waitForSelector('#cat-input-list li[role=option]');
    await p.keyboard.press('Enter');
    await p.fill('#text', '测试');
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST'),
      p.click('#register'),
    ]);
    const body = await resp.json();
    assert(resp.status() === 422 && body.error.field === 'caller_phone', `the server names the field (${JSON.stringify(body)})`);
    const err = await p.waitForSelector('.ct-caller .field-error');
    assert((await err.textContent()).includes('20 digits'), 'the server\'s message is shown');
    assert(await p.getAttribute('#caller_phone', 'aria-invalid') === 'true', 'the phone field is marked invalid');
    assert(await p.evaluate(() => document.activeElement.id) === 'caller_phone', 'and focused');
    await shot(p, 'error-field');
    // an empty text: the server's out_of_range lands under the text
    await p.fill('#caller_phone', '13800001111');
    await p.fill('#text', '');
    await p.click('#register');
    await p.waitForSelector('#text[aria-invalid=true]');
    assert(await p.$('.ct-form .field:has(#text) .field-error'), 'the text error is next to the text');
    // no category: next to the category picker
    await p.fill('#cat-input', '');
    await p.fill('#text', '有内容');
    await p.click('#register');
    await p.waitForSelector('.field[data-field=category_id] .field-error');
    noErrors(p, 'console');

    // a handler's extension request after the reply due time is refused on 'until'
    const ctApi = await apiAs(srv.url, 'calltaker-wang');
    const dpApi = await apiAs(srv.url, 'dispatcher-zhang');
    const hdApi = await apiAs(srv.url, 'handler-donghu');
    const k = await ctApi('POST', '/api/cases', { category_id: 3, district_id: 2, text: '楼道堆物' });
    await dpApi('POST', `/api/cases/${k.id}/dispatch`, { unit_id: 2 });
    await hdApi('POST', `/api/cases/${k.id}/sign`, {});
    const h = await newPage(browser);
    await login(h, srv.url, 'handler-donghu', `/case.html?id=${k.id}`);
    await h.click('button[data-action=request_extension]');
    await h.fill('.action-form input[name=until]', '2020-01-01T00:00');
    await h.fill('.action-form textarea[name=reason]', '需要协调');
    await h.click('.action-form button[type=submit]');
    await h.waitForSelector('.action-form .field:has([name=until]) .field-error');
    // a missing reason: next to the reason
    await h.fill('.action-form input[name=until]', '2030-01-01T00:00');
    await h.fill('.action-form textarea[name=reason]', '');
    await h.click('.action-form button[type=submit]');
    await h.waitForSelector('.action-form .field:has([name=reason]) .field-error');
    await shot(h, 'error-extension');
    noErrors(h, 'case page');

    // an unknown number from the header search
    await h.fill('#go-number', '20990101-00001');
    await h.press('#go-number', 'Enter');
    await h.waitForSelector('.state.empty');
    assert((await h.textContent('.state.empty')).includes('没有这个工单'), 'no such request');

    // English
    const en = await newPage(browser, { lang: 'en' });
    await login(en, srv.url, 'handler-donghu', '/unit.html');
    await en.waitForSelector('#tab-to_sign');
    assert((await en.textContent('#tab-to_sign')).includes('To sign'), 'the workbench in English');
    assert((await en.textContent('.top')).includes('Log out'), 'the top bar in English');
    await en.click('button.lang');
    await en.waitForSelector('#tab-to_sign:has-text("待签收")');
    note('server errors shown next to caller_phone, text, category_id, until, reason; English switch works');
    noErrors(en, 'English');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
