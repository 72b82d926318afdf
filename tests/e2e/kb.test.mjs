// kb.test.mjs — the knowledge-base page: the administrator opens it from the top bar, searches a
// Chinese two-character term of the demo city's knowledge base and reads the article's full
// text; creates an article (a missing title refused next to the title first), edits it (an end
// date before the start refused next to valid_to), finds it due in the review list and marks it
// reviewed, sees an article whose direct answer was followed by the caller's new request, then
// retires the new article; the API confirms each step. A return-visit agent reads but sees no
// write form (and the API refuses the write); a unit handler may edit its own unit's article only.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run, submitAndWait, errorField,
} from './lib.mjs';

const DEMO = JSON.parse(readFileSync(join(ROOT, 'data/demo/kb_articles.json'), 'utf8')).articles;
const WATER = DEMO.find((a) => a.title === '计划停水通知查询');
const PAST_REVIEW = '2026-01-15'; // a review date already past: the article is due

/** The titles of a table's rows. */
const titles = (page, table) => page.$$eval(`${table} tbody tr td.kb-title b`, (b) => b.map((x) => x.textContent));

/** The YYYY-MM-DD of today in the city (UTC+8). */
const today = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);

export default () => run('kb', async ({ note }) => {
  assert(WATER && WATER.body.includes('停水'), 'the demo knowledge base has the water-cut article');
  const srv = await startServer();
  const browser = await launch();
  try {
    const admin = await apiAs(srv.url, 'admin');
    const units = (await admin('GET', '/api/units')).units;
    const medins = units.find((u) => u.code === 'dept-medical-insurance');
    const cat = (await admin('GET', '/api/categories')).categories.find((c) => c.code === '070301');
    const adminId = (await admin('GET', '/api/auth/me')).user.id;

    // a call-taker answers a caller with the water-cut article, and the same caller calls again:
    // the review list's second table names the article and the two requests
    const ct = await apiAs(srv.url, 'calltaker-wang');
    const waterCat = (await admin('GET', '/api/categories')).categories.find((c) => c.code === WATER.category);
    const donghu = units.find((u) => u.code === 'd-donghu');
    const waterId = (await admin('GET', `/api/kb/search?q=${encodeURIComponent(WATER.title)}`)).items.find((x) => x.title === WATER.title).id;
    const call = { category_id: waterCat.id, district_id: donghu.id, caller_phone: '13900001111', text: '家里停水了，什么时候恢复' };
    const answered = await ct('POST', '/api/cases', call);
    await ct('POST', `/api/cases/${answered.id}/answer`, { answer: '计划停水，今晚恢复供水', article_id: waterId });
    const followup = await ct('POST', '/api/cases', { ...call, text: '还是没有水' });

    // ---- from the top bar, search 停水 and read the article ----------------------------------------
    const page = await newPage(browser);
    await login(page, srv.url, 'admin');
    await page.click('#top nav a[href="/kb.html"]');
    await page.waitForSelector('#kb-table tbody tr');
    assert(await page.getAttribute('#top nav a[href="/kb.html"]', 'aria-current') === 'page', 'the top bar marks the page');
    const all = (await page.textContent('#kb-table + .pager')) || '';
    assert(all.includes('40'), `the list counts the demo's 40 articles (${all})`);

    await page.fill('#kb-q', '停水');
    await Promise.all([page.waitForResponse((r) => r.url().includes('/api/kb/search?')), page.press('#kb-q', 'Enter')]);
    await page.waitForSelector('#kb-table tbody tr .kb-snippet');
    const found = await titles(page, '#kb-table');
    assert(found.includes(WATER.title), `searching 停水 finds "${WATER.title}" (${found})`);
    assert(found.every((x) => !x.includes('电梯')), `unrelated articles are not listed (${found})`);
    const marks = await page.$$eval('#kb-table mark', (m) => m.map((x) => x.textContent));
    assert(marks.length && marks.every((m) => m === '停水'), `the snippets mark the term (${marks})`);
    await shot(page, 'kb-search');

    await page.click(`#kb-table tbody tr:has(b:text-is("${WATER.title}"))`);
    await page.waitForSelector('#kb-article .kb-body');
    assert(await page.textContent('#kb-article h2') === WATER.title, 'the article opens');
    assert((await page.textContent('#kb-article .kb-body')).trim() === WATER.body.trim(), 'the full text is shown');
    assert((await page.textContent('#kb-article')).includes('江城水务'), 'with its owning unit');
    await shot(page, 'kb-article');

    // ---- create: the missing title lands next to the title, then it is published ---------------------
    await page.click('#kb-new');
    await page.waitForSelector('#kb-form #kb-title');
    const body = '打开“江城医保”公众号，选择“医保电子凭证”，按提示刷脸即可激活 kbtest2026。';
    await page.fill('#kb-body', body);
    await page.selectOption('#kb-form [name=category_id]', String(cat.id));
    await page.selectOption('#kb-form [name=unit_id]', String(medins.id));
    let r = await submitAndWait(page, '#kb-form', '/api/kb/articles');
    assert(r.status === 400 && r.body.error.field === 'title', `a missing title is refused on "title" (${JSON.stringify(r.body)})`);
    let fe = await errorField(page, '#kb-form');
    assert(fe.field === 'title' && fe.text.includes('title'), `the error sits at the title (${JSON.stringify(fe)})`);
    assert(await page.getAttribute('#kb-title', 'aria-invalid') === 'true', 'the title is marked invalid');
    await shot(page, 'kb-create-error');

    await page.fill('#kb-title', '医保电子凭证激活（测试）');
    r = await submitAndWait(page, '#kb-form', '/api/kb/articles');
    assert(r.status === 201, `the article is created (${r.status} ${JSON.stringify(r.body)})`);
    const id = r.body.id;
    await page.waitForSelector(`#kb-article[data-id="${id}"]`);
    let a = await admin('GET', `/api/kb/articles/${id}`);
    assert(a.title === '医保电子凭证激活（测试）' && a.body === body && a.unit_id === medins.id && a.category_id === cat.id,
      `the API has what was typed (${JSON.stringify(a)})`);
    assert(a.valid && a.next_review > today() && a.valid_from === null, `in force, reviewed in a year by default (${JSON.stringify(a)})`);
    assert(await page.textContent(`#kb-article[data-id="${id}"] #kb-author`) === a.created_by_name && a.created_by_name === '系统管理员 赵磊',
      `the page names its author (${a.created_by_name})`);
    note(`article ${id} created`);

    // its ASCII word finds it, and only it
    await page.fill('#kb-q', 'kbtest2026');
    await page.press('#kb-q', 'Enter');
    await page.waitForSelector(`#kb-table tbody tr[data-id="${id}"]`);
    assert((await titles(page, '#kb-table')).length === 1, 'the new article alone matches its word');

    // ---- edit: an end before the start is refused next to valid_to; then the review date ----------
    await page.click(`#kb-table tbody tr[data-id="${id}"]`);
    await page.click('#kb-edit');
    await page.fill('#kb-valid_from', '2027-03-01');
    await page.fill('#kb-valid_to', '2027-01-01');
    r = await submitAndWait(page, '#kb-form', '/api/kb/articles');
    assert(r.status === 422 && r.body.error.field === 'valid_to', `the end before the start is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#kb-form');
    assert(fe.field === 'valid_to' && fe.text.includes('before valid_from'), `the error sits at valid_to (${JSON.stringify(fe)})`);
    await page.fill('#kb-valid_from', '');
    await page.fill('#kb-valid_to', '');
    await page.fill('#kb-next_review', PAST_REVIEW);
    r = await submitAndWait(page, '#kb-form', '/api/kb/articles');
    assert(r.status === 200, `the edit is saved (${JSON.stringify(r.body)})`);
    a = await admin('GET', `/api/kb/articles/${id}`);
    assert(a.next_review === PAST_REVIEW && a.review_due && a.valid_from === null && a.valid_to === null && a.updated_by === adminId,
      `the API has the new review date, by the admin (${JSON.stringify(a)})`);
    await page.waitForSelector(`#kb-article[data-id="${id}"]`);
    assert((await page.textContent('#kb-article')).includes(PAST_REVIEW), 'the article shows its review date');
    await shot(page, 'kb-edit');

    // ---- review: the demo's stale article and ours are due; ours is marked reviewed ---------------
    await page.click('#tab-review');
    await page.waitForSelector('#kb-due tbody tr');
    const due = await titles(page, '#kb-due');
    assert(due.includes('2025年春节期间政务服务大厅开放时间') && due.includes('医保电子凭证激活（测试）'),
      `the review list has the stale demo article and ours (${due})`);
    const rep = await page.textContent(`#kb-repeats tr[data-id="${waterId}"]`);
    assert(rep.includes(WATER.title) && rep.includes(`${answered.number} → ${followup.number}`) && rep.includes('100%'),
      `the answer followed by a new call is listed with both requests (${rep})`);
    assert(await page.getAttribute(`#kb-repeats tr[data-id="${waterId}"] a >> nth=1`, 'href') === `/case.html?id=${followup.number}`, 'the follow-up links to its request');
    await shot(page, 'kb-review');
    await Promise.all([
      page.waitForResponse((x) => x.url().endsWith(`/api/kb/articles/${id}`) && x.request().method() === 'PATCH'),
      page.click(`#kb-due tr[data-id="${id}"] button[data-act=reviewed]`),
    ]);
    await page.waitForFunction((i) => document.querySelector('#kb-due') && !document.querySelector(`#kb-due tr[data-id="${i}"]`), id);
    a = await admin('GET', `/api/kb/articles/${id}`);
    assert(!a.review_due && a.next_review > today(), `reviewed: the next review is ahead (${JSON.stringify(a)})`);

    // ---- retire: valid to yesterday ----------------------------------------------------------------
    await page.click('#tab-articles');
    await page.waitForSelector('#kb-table tbody tr');
    await page.click(`#kb-table tbody tr[data-id="${id}"]`);
    await Promise.all([
      page.waitForResponse((x) => x.url().endsWith(`/api/kb/articles/${id}`) && x.request().method() === 'PATCH'),
      (await page.waitForSelector('#kb-retire')).click(),
    ]);
    await page.waitForSelector(`#kb-article[data-id="${id}"]`);
    a = await admin('GET', `/api/kb/articles/${id}`);
    assert(!a.valid && a.valid_to < today(), `retired: no longer in force (${JSON.stringify(a)})`);
    assert((await page.textContent('#kb-article .kb-badges')).includes('已失效'), 'the page says it is no longer in force');
    noErrors(page, 'kb (admin)');

    // ---- a return-visit agent reads, without a write form ------------------------------------------
    const visitor = await newPage(browser);
    await login(visitor, srv.url, 'visitor-liu');
    await visitor.click('#top nav a[href="/kb.html"]');
    await visitor.waitForSelector('#kb-table tbody tr');
    await visitor.fill('#kb-q', '社保');
    await visitor.press('#kb-q', 'Enter');
    await visitor.waitForSelector('#kb-table .kb-snippet');
    const social = await titles(visitor, '#kb-table');
    assert(social.includes('城镇职工社保缴费基数与补缴办理'), `searching 社保 finds the social-insurance articles (${social})`);
    await visitor.click('#kb-table tbody tr');
    await visitor.waitForSelector('#kb-article .kb-body');
    assert(!(await visitor.$('#kb-form')) && !(await visitor.$('#kb-new')) && !(await visitor.$('#kb-edit')) && !(await visitor.$('#kb-retire')),
      'a return-visit agent sees no write form or button');
    await visitor.click('#tab-review');
    await visitor.waitForSelector('#kb-due tbody tr');
    assert(!(await visitor.$('#kb-due button[data-act=reviewed]')), 'nor a "reviewed" button');
    await shot(visitor, 'kb-readonly');
    noErrors(visitor, 'kb (visitor)');
    const asVisitor = await apiAs(srv.url, 'visitor-liu');
    const refused = await asVisitor('POST', '/api/kb/articles', { title: 'x', body: 'y' }).then(() => null, (e) => e.message);
    assert(refused && refused.includes(' 403 '), `the API refuses the visitor's write (${refused})`);
    await visitor.context().close();

    // ---- a handler edits its own unit's article, not another unit's ----------------------------------
    const handler = await newPage(browser);
    await login(handler, srv.url, 'handler-housing', '/kb.html');
    await handler.waitForSelector('#kb-table tbody tr');
    assert(await handler.$$eval('#kb-form [name=unit_id] option', (o) => o.map((x) => x.textContent.trim())).then((o) => o.length === 1 && o[0] === '市住房和城乡建设局'),
      'the handler picks only its own unit');
    await handler.fill('#kb-q', '公积金');
    await handler.press('#kb-q', 'Enter');
    await handler.waitForSelector('#kb-table .kb-snippet');
    await handler.click('#kb-table tbody tr:has(b:text-is("住房公积金提取（租房、购房、退休）"))');
    await handler.waitForSelector('#kb-article #kb-edit');
    await handler.fill('#kb-q', '社保卡');
    await handler.press('#kb-q', 'Enter');
    await handler.waitForSelector('#kb-table tbody tr:has(b:text-is("社保卡补办、挂失与激活"))');
    await handler.click('#kb-table tbody tr:has(b:text-is("社保卡补办、挂失与激活"))');
    await handler.waitForSelector('#kb-article[data-id] .kb-body');
    assert((await handler.textContent('#kb-article h2')) === '社保卡补办、挂失与激活' && !(await handler.$('#kb-edit')),
      'no edit button on another unit\'s article');
    noErrors(handler, 'kb (handler)');
    const hrss = (await admin('GET', '/api/kb/search?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1')).items.find((x) => x.title === '社保卡补办、挂失与激活');
    const asHandler = await apiAs(srv.url, 'handler-housing');
    const refused2 = await asHandler('PATCH', `/api/kb/articles/${hrss.id}`, { title: 'x' }).then(() => null, (e) => e.message);
    assert(refused2 && refused2.includes(' 403 '), `the API refuses the handler's write outside its unit (${refused2})`);
    await handler.context().close();
  } finally {
    await browser.close();
    await srv.stop();
  }
});
