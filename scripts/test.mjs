// Test runner (dev and CI): unit + integration tests (node:test through tsx), then the Playwright end-to-end specs.
// Prints one closing line `tests: N passed, N failed, N skipped` over everything it ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureChromium } from './chromium.mjs';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // optional: folders or files to run (e.g. test/unit)
const outDir = join(root, 'test-results');
mkdirSync(outDir, { recursive: true });

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...findTests(p));
    else if (name.endsWith('.test.ts')) found.push(p);
  }
  return found;
}

const roots = only.length ? only.map((p) => join(root, p)) : [join(root, 'test/unit'), join(root, 'test/integration')];
const files = roots.filter((p) => !p.includes('/test/e2e')).flatMap((p) => (p.endsWith('.ts') ? [p] : findTests(p)));
const wantE2E = only.length === 0 || only.some((p) => p.startsWith('test/e2e'));

const totals = { passed: 0, failed: 0, skipped: 0 };
let exit = 0;

if (files.length) {
  const tap = join(outDir, 'node-tests.tap');
  rmSync(tap, { force: true });
  console.log(`Running ${files.length} test files (unit + integration) ...`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } },
  );
  console.log(`unit + integration tests took ${Math.round((Date.now() - t0) / 1000)} s`);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
  if (r.status !== 0) exit = 1;
  if (!text) {
    console.error('test runner wrote no results');
    exit = 1;
  }
  // Say why each skipped test was skipped; a test skipped because the product is not built is a failure here
  // (`npm test` builds first): such a skip once hid a whole suite behind a stale path.
  for (const m of text.matchAll(/^\s*ok \d+ - (.*?) # SKIP (.*)$/gm)) {
    console.log(`skipped: ${m[1]}: ${m[2]}`);
    if (/not built/.test(m[2])) {
      console.error(`tests: "${m[1]}" did not run because the product is not built; npm test builds it first`);
      totals.failed += 1;
      exit = 1;
    }
  }
}

if (wantE2E && existsSync(join(root, 'playwright.config.ts'))) {
  const report = join(outDir, 'e2e.json');
  rmSync(report, { force: true });
  console.log('\nRunning end-to-end specs (Playwright) ...');
  // Never skipped silently: without a Chromium (and none installable) the run fails, saying what to run.
  const t0 = Date.now();
  const chromium = ensureChromium();
  if (chromium.error) {
    console.error(`tests: ${chromium.error}`);
    totals.failed += 1;
    exit = 1;
  }
  const r = chromium.error
    ? { status: 1 }
    : spawnSync(
        process.execPath,
        [join(root, 'node_modules/@playwright/test/cli.js'), 'test', '--reporter=list,json'],
        {
          cwd: root,
          stdio: 'inherit',
          env: {
            ...process.env,
            FACELENS_CHROMIUM: chromium.path,
            PLAYWRIGHT_JSON_OUTPUT_NAME: report,
            FORCE_COLOR: '0',
          },
        },
      );
  console.log(`end-to-end specs took ${Math.round((Date.now() - t0) / 1000)} s`);
  if (chromium.error) {
    // counted above
  } else if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const stats = json.stats ?? {};
    // Say why each skipped spec was skipped (the list reporter does not).
    const walk = (suite) => {
      for (const spec of suite.specs ?? [])
        for (const t of spec.tests ?? [])
          if (t.status === 'skipped')
            for (const a of t.annotations ?? [])
              if (a.type === 'skip') console.log(`skipped: ${spec.title}: ${a.description ?? ''}`);
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of json.suites ?? []) walk(suite);
    totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    totals.failed += stats.unexpected ?? 0;
    totals.skipped += stats.skipped ?? 0;
  } else {
    console.error('playwright wrote no report');
    exit = 1;
  }
  if (r.status !== 0) exit = 1;
}

if (totals.failed > 0) exit = 1;
if (totals.passed + totals.failed === 0) {
  console.error('no test ran');
  exit = 1;
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exit);
