// admin.test.mjs — the administrator's console: from the admin's home to admin.html; a street
// created under a district, its duplicate code refused by the server next to the code field,
// deactivating a district with active streets refused next to the checkbox;
// a user created for the new street (who can then log in); a category leaf added; a make-up
// workday on a weekday refused next to the kind, then a holiday added; everything checked
// through the API; a dispatcher is told the page is not theirs.

import {
  startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run, submitAndWait, errorField,
} from './lib.mjs';

/** The first Monday of June next year (a weekday: no make-up workday allowed there). */
function nextYearMonday() {
  const y = new Date().getUTCFullYear() + 1;
  const d = new Date(Date.UTC(y, 5, 1));
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export default () => run('admin', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const page = await newPage(browser);
    await login(page, srv.url, 'admin');
    await page.click('.page-links a[href="/admin.html"]');
    await page.waitForSelector('#users-table tbody tr');
    assert(await page.$('#users-table tr[data-username="dispatcher-zhang"]'), 'the users are listed');
    await shot(page, 'admin-users');

    // ---- units: a street under 东湖区 ----------------------------------------------------------
    await page.click('#tab-units');
    await page.waitForSelector('#units-table tr[data-code="d-donghu"]');
    await page.click('#units-table tr[data-code="d-donghu"] button[data-act=add]');
    const donghu = await page.getAttribute('#units-table tr[data-code="d-donghu"]', 'data-id');
    assert(await page.inputValue('#unit-form [name=parent_id]') === donghu, 'the parent is the district whose row was used');
    assert(await page.inputValue('#unit-form [name=kind]') === 'street', 'a street is proposed under a district');
    await page.fill('#unit-code', 's-donghu-e2e');
    await page.fill('#unit-name_zh', '测试街道');
    await page.fill('#unit-name_en', 'E2E Subdistrict');
    let r = await submitAndWait(page, '#unit-form', '/api/admin/units');
    assert(r.status === 201, `the unit is created (${r.status} ${JSON.stringify(r.body)})`);
    const unitId = r.body.id;
    await page.waitForSelector('#units-table tr[data-code="s-donghu-e2e"]');
    note(`unit ${unitId} s-donghu-e2e under 东湖区`);

    // the same code again: 409, shown next to the code field
    await page.fill('#unit-code', 's-donghu-e2e');
    await page.fill('#unit-name_zh', '重复街道');
    await page.fill('#unit-name_en', 'Duplicate');
    r = await submitAndWait(page, '#unit-form', '/api/admin/units');
    assert(r.status === 409 && r.body.error.field === 'code', `a taken code is refused on "code" (${JSON.stringify(r.body)})`);
    let fe = await errorField(page, '#unit-form');
    assert(fe.field === 'code' && fe.text.includes('冲突'), `the error sits at the code field (${JSON.stringify(fe)})`);
    assert(await page.getAttribute('#unit-code', 'aria-invalid') === 'true', 'the code field is marked invalid');
    await shot(page, 'admin-unit-error');

    // an empty Chinese name: 400 on name_zh
    await page.fill('#unit-code', 's-donghu-e2e2');
    await page.fill('#unit-name_zh', '');
    r = await submitAndWait(page, '#unit-form', '/api/admin/units');
    assert(r.status === 400 && r.body.error.field === 'name_zh', `an empty name is refused on "name_zh" (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#unit-form');
    assert(fe.field === 'name_zh', `the error sits at the name field (${JSON.stringify(fe)})`);
    assert(await page.$$eval('#unit-form .field-error', (n) => n.length) === 1, 'only the new error is shown');

    // rename the new street
    await page.click('#units-table tr[data-code="s-donghu-e2e"] button[data-act=edit]');
    await page.fill('#unit-name_en', 'E2E Subdistrict (renamed)');
    r = await submitAndWait(page, '#unit-form', `/api/admin/units/${unitId}`);
    assert(r.status === 200 && r.body.name_en === 'E2E Subdistrict (renamed)', 'the street is renamed');
    await shot(page, 'admin-units');

    // deactivating a district that still has active streets and users is refused, by the checkbox
    await page.click('#units-table tr[data-code="d-donghu"] button[data-act=toggle]');
    fe = await errorField(page, '#unit-form');
    assert(fe.field === 'active' && fe.text.includes('active sub-units or users'), `the refusal sits at "active" (${JSON.stringify(fe)})`);
    assert(await page.$('#units-table tr[data-code="d-donghu"]:not(.inactive)'), 'the district stays active');

    // ---- users: a handler for the new street ---------------------------------------------------
    await page.click('#tab-users');
    await page.waitForSelector('#user-form #u-username');
    await page.fill('#u-username', 'handler-e2e');
    await page.fill('#u-display_name', '测试街道 承办人');
    await page.selectOption('#user-form [name=role]', 'handler');
    await page.selectOption('#user-form [name=unit_id]', String(unitId));
    await page.fill('#u-password', 'short');
    r = await submitAndWait(page, '#user-form', '/api/admin/users');
    assert(r.status === 422 && r.body.error.field === 'password', `a short password is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#user-form');
    assert(fe.field === 'password', `the error sits at the password (${JSON.stringify(fe)})`);
    await page.fill('#u-password', 'e2e-long-password');
    r = await submitAndWait(page, '#user-form', '/api/admin/users');
    assert(r.status === 201 && r.body.unit_id === unitId, `the user is created (${JSON.stringify(r.body)})`);
    await page.waitForSelector('#users-table tr[data-username="handler-e2e"]');
    const row = await page.textContent('#users-table tr[data-username="handler-e2e"]');
    assert(row.includes('测试街道') && row.includes('承办人'), `the new user's row names the unit and role (${row})`);
    note(`user handler-e2e (${r.body.id})`);

    // edit: the display name
    await page.click('#users-table tr[data-username="handler-e2e"] button[data-act=edit]');
    await page.fill('#u-display_name', '测试街道 承办人 甲');
    r = await submitAndWait(page, '#user-form', `/api/admin/users/${r.body.id}`);
    assert(r.status === 200 && r.body.display_name === '测试街道 承办人 甲', 'the user is edited');

    // ---- categories: a leaf under 物业管理 ----------------------------------------------------------
    await page.click('#tab-categories');
    await page.waitForSelector('#cats-table tr[data-code="0101"]');
    await page.click('#cats-table tr[data-code="0101"] button[data-act=add]');
    assert(await page.isVisible('#cat-form [name=request_type]'), 'a leaf asks for type and urgency');
    await page.fill('#cat-code', '010199');
    await page.fill('#cat-name_zh', '测试事项');
    await page.fill('#cat-name_en', 'Test matter');
    await page.selectOption('#cat-form [name=request_type]', 'complaint');
    r = await submitAndWait(page, '#cat-form', '/api/admin/categories');
    assert(r.status === 201 && r.body.level === 3 && r.body.request_type === 'complaint', `the category is created (${JSON.stringify(r.body)})`);
    await page.waitForSelector('#cats-table tr[data-code="010199"]');

    // ---- calendar: a make-up workday on a Monday is refused, a holiday is added ------------------
    const day = nextYearMonday();
    await page.click('#tab-calendar');
    await page.waitForSelector('#cal-form #cal-date');
    await page.fill('#cal-date', day);
    await page.selectOption('#cal-kind', 'work');
    await page.fill('#cal-name', '测试调休');
    r = await submitAndWait(page, '#cal-form', '/api/admin/calendar/');
    assert(r.status === 422 && r.body.error.field === 'kind', `a weekday make-up workday is refused (${JSON.stringify(r.body)})`);
    fe = await errorField(page, '#cal-form');
    assert(fe.field === 'kind' && fe.text.includes('Saturday or Sunday'), `the error sits at the kind (${JSON.stringify(fe)})`);
    await shot(page, 'admin-calendar-error');
    await page.selectOption('#cal-kind', 'off');
    await page.fill('#cal-name', '测试假日');
    r = await submitAndWait(page, '#cal-form', '/api/admin/calendar/');
    assert(r.status === 200 && r.body.date === day && r.body.kind === 'off', `the day is saved (${JSON.stringify(r.body)})`);
    await page.waitForSelector(`#cal-table tr[data-date="${day}"]`);
    assert((await page.textContent(`#cal-table tr[data-date="${day}"]`)).includes('测试假日'), 'the day is listed with its name');
    note(`holiday ${day}`);
    await shot(page, 'admin-calendar');

    // ---- time limits and routing: they list ------------------------------------------------------
    await page.click('#tab-limits');
    await page.waitForSelector('#limits-table tbody tr');
    await page.click('#tab-routing');
    await page.waitForSelector('#routing-table tbody tr');
    noErrors(page, 'admin');

    // ---- through the API ---------------------------------------------------------------------------
    const admin = await apiAs(srv.url, 'admin');
    const units = (await admin('GET', '/api/units')).units;
    const u = units.find((x) => x.code === 's-donghu-e2e');
    assert(u && u.id === unitId && u.parent_id === Number(donghu) && u.kind === 'street' && u.active && u.name_en === 'E2E Subdistrict (renamed)',
      `the street exists under 东湖区 (${JSON.stringify(u)})`);
    assert(!units.some((x) => x.code === 's-donghu-e2e2'), 'the refused unit does not');
    const users = (await admin('GET', '/api/admin/users')).users;
    const h = users.find((x) => x.username === 'handler-e2e');
    assert(h && h.role === 'handler' && h.unit_id === unitId && h.active && h.display_name === '测试街道 承办人 甲', `the user exists (${JSON.stringify(h)})`);
    const login2 = await fetch(`${srv.url}/api/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'handler-e2e', password: 'e2e-long-password' }),
    });
    assert(login2.ok, `the new user can log in (${login2.status})`);
    const cats = (await admin('GET', '/api/categories')).categories;
    assert(cats.some((c) => c.code === '010199' && c.level === 3), 'the category exists');
    const cal = await admin('GET', `/api/calendar?year=${day.slice(0, 4)}`);
    const d = cal.days.find((x) => x.date === day);
    assert(d && d.kind === 'off' && d.name === '测试假日', `the calendar day exists (${JSON.stringify(d)})`);

    // ---- another role: told the page is not theirs ------------------------------------------------
    const other = await newPage(browser);
    await login(other, srv.url, 'dispatcher-zhang');
    assert(!(await other.$('.page-links a[href="/admin.html"]')), 'no link to the console for a dispatcher');
    await other.goto(`${srv.url}/admin.html`);
    const notice = await other.waitForSelector('#main .state.error');
    assert((await notice.textContent()).includes('不能使用此页面'), 'a dispatcher is told the page is not theirs');
    await other.context().close();
  } finally {
    await browser.close();
    await srv.stop();
  }
});
