// lib.mjs — what the browser tests share: a server of their own on a fresh demo database
// (optionally with a short generated history), Debian's chromium driven by playwright-core,
// logging in through the page, screenshots under build/screenshots/, and a tiny test runner.

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const SHOTS = join(ROOT, 'build/screenshots');
const BIN = process.env.HOTLINE_BIN || (existsSync(join(ROOT, 'build/asan/hotline')) ? join(ROOT, 'build/asan/hotline') : join(ROOT, 'build/release/hotline'));
const GEN_BIN = process.env.HOTLINE_GEN_BIN || (existsSync(join(ROOT, 'build/release/hotline')) ? join(ROOT, 'build/release/hotline') : BIN);
// init and generate read data/ relative to their directory: the tree the binary was built in
const DATA_ROOT = existsSync(resolve(BIN, '../../../data/demo')) ? resolve(BIN, '../../..') : ROOT;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on('error', fail);
  });
}

/** Starts `hotline serve` on a new demo database, optionally with generateDays of history
 *  (perDay requests a day) and trained suggestion models; {url, stop(), dir, db}. */
export async function startServer({ generateDays = 0, perDay = 300, train = false } = {}) {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'hotline-e2e-'));
  const db = join(dir, 'hotline.db');
  execFileSync(BIN, ['init', '--demo', '--db', db], { cwd: DATA_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (generateDays) {
    execFileSync(GEN_BIN, ['generate', '--db', db, '--days', String(generateDays), '--per-day', String(perDay), '--threads', '64'],
      { cwd: DATA_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  if (train) execFileSync(GEN_BIN, ['train', '--db', db], { cwd: DATA_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await freePort();
  const log = openSync(join(dir, 'serve.log'), 'a');
  const proc = spawn(BIN, ['serve', '--db', db, '--port', String(port), '--web', join(ROOT, 'web'), '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', log, log], env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not yet */ }
    if (i > 100 || proc.exitCode !== null) throw new Error(`server did not start (see ${dir}/serve.log)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (generateDays) console.log(`  (server with ${generateDays} days of history ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return {
    url, dir, db,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => { if (proc.exitCode !== null) r(); else proc.once('exit', r); });
      if (proc.exitCode && proc.exitCode !== 0) throw new Error(`server exited with ${proc.exitCode} (see ${dir}/serve.log)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with the flags this machine needs; playwright gives it a
 *  fresh, empty profile directory of its own (--user-data-dir) each launch. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new browser context (its own cookies) with a page that fails the test on page errors. */
export async function newPage(browser, { width = 1366, height = 768, lang } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  if (lang) await ctx.addInitScript((l) => { if (!localStorage.getItem('hotline.lang')) localStorage.setItem('hotline.lang', l); }, lang);
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text()); });
  page.setDefaultTimeout(10000);
  return page;
}

/** Logs in through the login form (demo password: demo-<username>). */
export async function login(page, base, username, next) {
  await page.goto(`${base}/${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.fill('#username', username);
  await page.fill('#password', `demo-${username}`);
  await page.press('#password', 'Enter');
  if (next) await page.waitForURL((u) => u.pathname === next.split(/[?#]/)[0]);
  else await page.waitForSelector('#home:not([hidden])');
}

/** Calls the API as `username` from Node (for setting the scene, not for what is tested). */
export async function apiAs(base, username) {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: `demo-${username}` }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Clicks the form's submit button and returns {status, body} of the write (any method but GET)
 *  to a URL containing urlPart that it makes: the server's own answer, to check beside the page. */
export async function submitAndWait(page, formSel, urlPart) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(urlPart) && r.request().method() !== 'GET'),
    page.click(`${formSel} button[type=submit]`),
  ]);
  return { status: resp.status(), body: resp.status() === 204 ? null : await resp.json() };
}

/** The error shown in a form: {text, field}, field being where the message sits, as the server
 *  named it: the .field wrapper's data-field (for a group of controls), else its control's name. */
export async function errorField(page, formSel) {
  const err = await page.waitForSelector(`${formSel} .field-error`);
  return {
    text: (await err.textContent()).trim(),
    field: await err.evaluate((n) => {
      const f = n.closest('.field');
      if (!f) return null;
      if (f.dataset.field) return f.dataset.field;
      const c = f.querySelector('input,select,textarea');
      return c ? c.name : null;
    }),
  };
}

export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

export function noErrors(page, what) {
  assert(page.errors.length === 0, `${what}: errors in the page: ${page.errors.join(' | ')}`);
}

/** Runs named steps in order, printing each with its time; exits non-zero on failure. */
export async function run(name, fn) {
  const t0 = Date.now();
  const notes = [];
  try {
    await fn({ note: (s) => { notes.push(s); console.log(`  ${name}: ${s}`); } });
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return { name, ok: true, ms: Date.now() - t0, notes };
  } catch (e) {
    console.log(`FAIL ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n${e.stack || e}`);
    return { name, ok: false, ms: Date.now() - t0, notes, error: String(e) };
  }
}
