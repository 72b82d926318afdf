// appraisal.test.mjs — the appraisal page on a few generated days: every unit's rates are the
// API's, and the on-time cells of a unit with requests past their due time and still not signed
// or replied say how many (they count as late: issue 18), in Chinese and in English.

import { startServer, launch, newPage, login, apiAs, shot, assert, noErrors, run } from './lib.mjs';

export default () => run('appraisal', async ({ note }) => {
  const srv = await startServer({ generateDays: 4, perDay: 150 });
  const browser = await launch();
  try {
    const sup = await apiAs(srv.url, 'supervisor-chen');
    const month = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7); // the city's month
    const body = await sup('GET', `/api/appraisal?period=${month}`);
    const units = Object.values(body.tiers).flat();
    const late = units.find((u) => u.counts.sign_overdue > 0 || u.counts.reply_overdue > 0);
    assert(late, 'the generated days leave some request past its due time, not done');
    const tier = Object.keys(body.tiers).find((k) => body.tiers[k].includes(late));
    for (const lang of ['zh', 'en']) {
      const page = await newPage(browser, { lang });
      await login(page, srv.url, 'supervisor-chen', `/appraisal.html#${tier}`); // this month
      const row = await page.waitForSelector(`table.ap tr[data-unit="${late.unit_id}"]`);
      for (const [ind, n] of [['response', late.counts.sign_overdue], ['ontime_reply', late.counts.reply_overdue]]) {
        const cell = await row.$(`button.rate[data-indicator=${ind}]`);
        const text = await cell.textContent();
        const r = late.rates[ind];
        assert(text.includes(`${r.num}/${r.den}`), `${ind}: the page shows the API's ${r.num}/${r.den} (${text})`);
        const want = n ? (lang === 'zh' ? `${n} 件逾期未` : `${n} overdue, not`) : null;
        if (want) assert(text.includes(want), `${ind}: "${want}" in ${lang} (${text})`);
        else assert(!(await cell.$('.overdue')), `${ind}: no overdue note when none is overdue`);
      }
      await shot(page, lang === 'zh' ? 'appraisal-overdue' : 'appraisal-overdue-en');
      noErrors(page, `appraisal (${lang})`);
    }
    note(`unit ${late.code}: ${late.counts.sign_overdue} overdue sign-for, ${late.counts.reply_overdue} overdue replies`);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
