// login_next.test.mjs — after logging in, the login page follows ?next= only to a path of our
// own origin (issue 20: `/\evil.example/x` and `/` + TAB + `/evil.example` left the site,
// because the check matched a prefix where the browser parses a URL).

import { startServer, launch, newPage, assert, noErrors, run } from './lib.mjs';

const HOSTILE = ['/\\evil.example/x', '/\t/evil.example/x', '/\\\\evil.example', '//evil.example',
  'https://evil.example/', 'javascript:alert(1)', '\\/evil.example',
  ' /\\evil.example', '/\n/evil.example', 'http:evil.example'];

export default () => run('login_next', async ({ note }) => {
  const srv = await startServer();
  const browser = await launch();
  try {
    const p = await newPage(browser);
    await p.goto(srv.url);
    // the rule itself, over every hostile form, in the browser's own URL parser
    const verdicts = await p.evaluate(async (list) => {
      const { sameOriginPath } = await import('/js/next.js');
      return list.map((n) => [n, sameOriginPath(n, location.origin)]);
    }, HOSTILE);
    for (const [n, v] of verdicts) assert(v === null, `next=${JSON.stringify(n)} is refused (got ${v})`);
    const good = await p.evaluate(async () => {
      const { sameOriginPath } = await import('/js/next.js');
      return [sameOriginPath('/case.html?id=7#history', location.origin), sameOriginPath('/unit.html', location.origin)];
    });
    assert(good[0] === '/case.html?id=7#history' && good[1] === '/unit.html', `our own paths are followed (${good})`);
    // the whole flow: log in with a hostile next and stay on the site, at home
    for (const n of ['/\\evil.example/x', '/\t/evil.example/x']) {
      const q = await newPage(browser);
      await q.goto(`${srv.url}/?next=${encodeURIComponent(n)}`);
      await q.fill('#username', 'dispatcher-zhang');
      await q.fill('#password', 'demo-dispatcher-zhang');
      await q.press('#password', 'Enter');
      await q.waitForSelector('#home:not([hidden])');
      assert(new URL(q.url()).origin === srv.url, `still on the site after next=${JSON.stringify(n)} (${q.url()})`);
      noErrors(q, 'login');
      await q.close();
    }
    note(`${HOSTILE.length} hostile next values refused`);
  } finally {
    await browser.close();
    await srv.stop();
  }
});
