#!/usr/bin/env node
// run.mjs — runs the browser tests (tests/e2e/*.test.mjs, or those named on the command line)
// one after another and prints a summary with their times; exits 1 if any failed.
// Each test starts its own server on a temporary demo database and its own chromium.
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, CHROMIUM } from './lib.mjs';

if (!existsSync(CHROMIUM)) {
  console.error(`e2e: ${CHROMIUM} is missing; install Debian's chromium (scripts/install-deps.sh --test)`);
  process.exit(1);
}
const dir = join(ROOT, 'tests/e2e');
const only = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o))).sort();
const t0 = Date.now();
const results = [];
for (const f of files) {
  const mod = await import(join(dir, f));
  results.push(await mod.default());
}
const failed = results.filter((r) => !r.ok);
const secs = ((Date.now() - t0) / 1000).toFixed(1);
mkdirSync(join(ROOT, 'build'), { recursive: true });
writeFileSync(join(ROOT, 'build/e2e-results.json'), JSON.stringify({ seconds: Number(secs), results }, null, 2));
console.log(`e2e: ${results.length - failed.length} passed, ${failed.length} failed in ${secs} s; screenshots in build/screenshots/`);
process.exit(failed.length ? 1 : 0);
