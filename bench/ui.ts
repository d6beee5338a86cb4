// Bench (ui): first paint and scroll frame times of the People grid (100k faces) and of the photo timeline (100k photos) in a generated library, through the web door in Chromium.
// Run: node --import tsx bench/ui.ts   (env: FACES=100000 PER_PERSON=20, ONLY=people|timeline, THUMBS=0)
// [Note: scale bench data] applies: photos are stand-ins (rows, no analysis); for the timeline each stand-in photo
// has a file — a hard link to one of the real photos in ../shared/data/celeba-wild when present — so its grid
// thumbnail is made by the engine on first request exactly as in a real library.
import { chromium, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/engine/store/db.js';
import * as views from '../src/engine/store/views.js';
import { EngineHost } from '../src/engine/host/host.js';
import { projectRoot, sharedDataDir } from '../src/engine/paths.js';
import { startWebDoor } from '../src/server/server.js';
import { chromiumLaunch } from '../test/e2e/chromium.js';

const FACES = Number(process.env.FACES ?? 100_000);
const PER_PERSON = Number(process.env.PER_PERSON ?? 20);
const ONLY = process.env.ONLY;
/** THUMBS=0: the stand-ins get no files, so no thumbnail is made while scrolling (the grid's own cost alone). */
const THUMBS = process.env.THUMBS !== '0';
/** The stand-in photos' dates: one every ~55 minutes, newest now, so 100k photos span about 10 years. */
const STEP_MS = 55 * 60_000;

/** Real photos the stand-ins' files link to (their bytes make the thumbnails), or [] when the data is absent. */
function realPhotos(): string[] {
  const dir = sharedDataDir() && join(sharedDataDir()!, 'celeba-wild');
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).flatMap((p) => readdirSync(join(dir, p)).map((f) => join(dir, p, f)));
}

/**
 * A library with FACES photos of one face each in FACES/PER_PERSON people (features are zero blobs: no grid reads
 * them); each photo has a date and a file in `photosDir` (a hard link to a real photo, when there are some).
 */
function generate(dbPath: string, photosDir: string, sources: string[]): void {
  const db = openDb(dbPath);
  const now = Date.now();
  db.transaction(() => {
    db.prepare('INSERT INTO folders (id, path, added_at) VALUES (1, ?, ?)').run(photosDir, now);
    const photo = db.prepare(
      "INSERT INTO photos (id, hash, width, height, taken_at, status) VALUES (?, ?, 640, 480, ?, 'done')",
    );
    const file = db.prepare(
      'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (1, ?, 1, ?, ?, 0)',
    );
    const face = db.prepare(
      'INSERT INTO faces (id, photo_id, x, y, w, h, score, landmarks, feature, quality, created_at) VALUES (?, ?, 10, 10, 100, 100, 0.9, zeroblob(40), zeroblob(2048), 0.8, ?)',
    );
    const person = db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)');
    const fp = db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', ?)");
    const people = Math.ceil(FACES / PER_PERSON);
    for (let p = 1; p <= people; p++) person.run(p, p % 3 === 0 ? null : `Person ${p}`, now);
    for (let i = 1; i <= FACES; i++) {
      const path = join(photosDir, String(i % 100), `IMG_${i}.jpg`);
      if (sources.length) {
        if (i <= 100) mkdirSync(join(photosDir, String(i % 100)), { recursive: true });
        linkSync(sources[i % sources.length]!, path);
      }
      photo.run(i, createHash('sha256').update(String(i)).digest('hex'), now - i * STEP_MS);
      file.run(path, now - i * STEP_MS, i);
      face.run(i, i, now);
      fp.run(i, 1 + ((i - 1) % people), now);
    }
  })();
  db.close();
}

/** Waits until the browser-side expression `expr` is true (polled: the app's CSP forbids the eval waitForFunction uses). */
async function until(page: Page, expr: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function median(fn: () => unknown, runs = 9): string {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return `${t[runs >> 1]!.toFixed(1)} ms median (${runs} runs)`;
}

/** Scrolls the page's virtualised grid 600 px per animation frame, 300 times: the frame-to-frame times. */
async function scrollFrames(
  page: Page,
  selector: string,
): Promise<{ q: (p: number) => string; max: string; n: number }> {
  // Browser-side code is passed as text: this file is type-checked against Node's libs, not the DOM's.
  const frames = (await page.evaluate(`(async () => {
    const scroller = [...document.querySelectorAll('${selector} *')].find((el) => el.scrollHeight > el.clientHeight + 10);
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      scroller.scrollTop += 600;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    return { deltas, height: scroller.scrollHeight };
  })()`)) as { deltas: number[]; height: number };
  const d = frames.deltas.slice(1).sort((a, b) => a - b);
  return {
    q: (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))]!.toFixed(1),
    max: d.at(-1)!.toFixed(1),
    n: d.length,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'facelens-bench-ui-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
try {
  const dbPath = join(dir, 'library.db');
  const photosDir = join(dir, 'photos');
  mkdirSync(photosDir);
  const sources = ONLY === 'people' || !THUMBS ? [] : realPhotos();
  const loadBefore = load();
  let t = performance.now();
  generate(dbPath, photosDir, sources);
  const genMs = performance.now() - t;
  const host = await EngineHost.open({ dbPath, door: 'web', watch: false });
  const door = await startWebDoor({ host, staticDir: join(projectRoot(), 'dist', 'renderer') });
  const browser = await chromium.launch({ ...chromiumLaunch });
  const at = (hash: string) => `${door.url}&/${hash}`; // the token travels in the fragment: /#t=TOKEN&/page
  console.log(
    `generated ${FACES} photos / faces in ${Math.ceil(FACES / PER_PERSON)} people in ${(genMs / 1000).toFixed(1)} s; ` +
      `${sources.length ? `files hard-linked to ${sources.length} real photos` : 'no photo files (thumbnails are blank)'}`,
  );
  console.log(`machine load average (1 / 5 / 15 min) before: ${loadBefore}`);

  if (ONLY !== 'timeline') {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    t = performance.now();
    await page.goto(at('people'));
    await page.getByTestId('person-card').first().waitFor();
    const firstCards = performance.now() - t;
    const paint = (await page.evaluate(
      `performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)])`,
    )) as [string, number][];
    const cardsInDom = await page.getByTestId('person-card').count();
    const f = await scrollFrames(page, '[role=listbox]');
    console.log(`\nPeople grid, ${FACES} faces in ${Math.ceil(FACES / PER_PERSON)} people`);
    console.log('| measure | value |\n|---|---|');
    console.log(`| first person cards visible after navigation | ${firstCards.toFixed(0)} ms |`);
    for (const [name, ms] of paint) console.log(`| ${name} | ${ms} ms |`);
    console.log(`| person cards in the DOM (virtualised) | ${cardsInDom} |`);
    console.log(`| scroll frames (600 px each) | ${f.n} |`);
    console.log(`| frame time p50 / p95 / max | ${f.q(0.5)} / ${f.q(0.95)} / ${f.max} ms |`);
    await page.close();
  }

  if (ONLY !== 'people') {
    // The engine's side of the timeline, in this process (the door's thread runs the same queries).
    const db = openDb(dbPath, { readonly: true });
    const engineRows: [string, string][] = [
      ['engine: months of all photos (photos.months)', median(() => views.photoMonths(db, {}))],
      ['engine: first page of 150 (photos.list)', median(() => views.photoPage(db, {}, 0, 150))],
      ['engine: page of 150 at offset 50,000', median(() => views.photoPage(db, {}, 50_000, 150))],
      [
        'engine: a photo’s place, middle of the list (photos.around)',
        median(() => views.photoAround(db, {}, FACES / 2)),
      ],
      ['engine: one person’s photos, first page', median(() => views.photoPage(db, { personIds: [1] }, 0, 150))],
      [
        'engine: search "son 12" (people by name, folders by path)',
        median(() => [views.peopleNamed(db, 'son 12', 50), views.foldersNamed(db, 'son 12', 8)]),
      ],
    ];
    db.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    t = performance.now();
    await page.goto(at('timeline'));
    await page.getByTestId('photo').first().waitFor();
    const firstCells = performance.now() - t;
    let firstThumb = NaN;
    if (sources.length) {
      await until(
        page,
        `[...document.querySelectorAll('[data-testid=photo] img')].some((i) => i.complete && i.naturalWidth > 0)`,
      );
      firstThumb = performance.now() - t;
    }
    const paint = (await page.evaluate(
      `performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)])`,
    )) as [string, number][];
    // What the first cells waited for: the door's calls so far, slowest first (one engine thread answers them in turn).
    const calls = (await page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => [new URL(e.name).pathname.slice(5), Math.round(e.startTime), Math.round(e.duration)])`,
    )) as [string, number, number][];
    const rowsInDom = await page.locator('[data-testid=photo-grid] [role=row]').count();
    const total = await page.getByTestId('photo-grid').getAttribute('data-total');
    const f = await scrollFrames(page, '[data-testid=photo-grid]');
    // A jump to the middle (the scrollbar dragged): time until that part of the list shows its photos.
    t = performance.now();
    await page.evaluate(`(() => {
      const s = [...document.querySelectorAll('[data-testid=photo-grid] *')].find((el) => el.scrollHeight > el.clientHeight + 10);
      s.scrollTop = s.scrollHeight / 2;
    })()`);
    await until(
      page,
      `[...document.querySelectorAll('[data-testid=photo]')].some((c) => Number(c.dataset.index) > ${FACES / 2 - 5000})`,
    );
    const jump = performance.now() - t;
    console.log(`\nTimeline, ${total} photos (months sections, 1280x800 window)`);
    console.log('| measure | value |\n|---|---|');
    for (const [k, v] of engineRows) console.log(`| ${k} | ${v} |`);
    console.log(`| first photo cells visible after navigation | ${firstCells.toFixed(0)} ms |`);
    if (sources.length) console.log(`| first thumbnail shown (made by the engine) | ${firstThumb.toFixed(0)} ms |`);
    for (const [name, ms] of paint) console.log(`| ${name} | ${ms} ms |`);
    const slow = [...calls].sort((a, b) => b[2] - a[2]).slice(0, 4);
    console.log(
      `| door calls before the first cells (slowest; started at / took) | ${slow.map(([m, at, d]) => `${m} ${at}/${d} ms`).join(', ')} |`,
    );
    console.log(`| grid rows in the DOM (virtualised) | ${rowsInDom} |`);
    console.log(`| scroll frames (600 px each) | ${f.n} |`);
    console.log(`| frame time p50 / p95 / max | ${f.q(0.5)} / ${f.q(0.95)} / ${f.max} ms |`);
    console.log(`| jump to the middle: its photos shown after | ${jump.toFixed(0)} ms |`);
    await page.close();
  }
  console.log(`\nmachine load average (1 / 5 / 15 min) after: ${load()}`);
  await browser.close();
  await door.close();
  await host.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
