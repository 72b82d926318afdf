// portal.test.mjs — a resident, with no login, files a request on the portal (category
// searched, district clicked on the map, contact) and tracks it by number and phone, seeing
// the public history; a staff member's action shows up in it; a wrong phone finds nothing.

import { startServer, launch, newPage, apiAs, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('portal', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const page = await newPage(browser);
    await page.goto(`${srv.url}/portal.html`);
    await page.waitForSelector('#file-form');
    await page.fill('#pt-cat', '路灯');
    await page.waitForSelector('#pt-cat-list li[role=option]');
    await page.keyboard.press('Enter');
    assert(await page.inputValue('#file-form [name=category_id]') !== '', 'a category is chosen');
    await page.fill('#pt-text', '滨江路与南湖路交叉口路灯不亮已经三天了，晚上很黑。');
    await page.fill('#pt-name', '王五');
    await page.fill('#pt-phone', '135-1111-2222');
    await page.click('.district-map path[data-code="d-nanjiang"]');
    assert(await page.inputValue('#pt-district') === '4', 'clicking 南江区 on the map chooses it');
    assert((await page.textContent('.chosen-district')) === '南江区', 'the chosen district is named');
    await page.selectOption('#pt-street', { index: 1 });
    await page.fill('#pt-address', '滨江路与南湖路交叉口');
    await shot(page, 'portal-file');
    await page.click('#pt-submit');
    await page.waitForSelector('#pt-number');
    const number = (await page.textContent('#pt-number')).trim();
    assert(/^\d{8}-\d{5}$/.test(number), `the resident gets a number (${number})`);
    note(`filed ${number}`);
    await shot(page, 'portal-saved');

    const staff = await apiAs(srv.url, 'dispatcher-zhang');
    const k = await staff('GET', `/api/cases/${number}`);
    assert(k.channel === 'web' && k.district_id === 4 && k.location && k.caller.phone.endsWith('2222'), 'filed as web, with district, point and phone');
    const cat = await staff('GET', `/api/categories/${k.category_id}`);
    assert(cat.name_zh.includes('路灯'), `the category the resident chose (${cat.name_zh})`);
    await staff('POST', `/api/cases/${k.id}/dispatch`, { unit_id: 4 });

    // track: straight from the saved page (number and phone filled in)
    await page.click('.saved button.primary');
    await page.waitForSelector('.track-result .timeline li.ev-dispatch');
    const hist = await page.textContent('.track-result');
    assert(hist.includes('登记') && hist.includes('派单') && hist.includes('待签收'), `the public history and state (${hist})`);
    await shot(page, 'portal-track');

    // a wrong phone: nothing, and no hint that the number exists
    await page.fill('#tr-phone', '13900000000');
    await page.click('#track-form button[type=submit]');
    await page.waitForSelector('.track-result .state.empty');
    noErrors(page, 'portal');
  } finally {
    await browser.close();
    await srv.stop();
  }
});
