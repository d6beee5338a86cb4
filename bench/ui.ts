// Bench (ui): first paint and scroll frame times of the People grid with 100k faces in a generated library, through the web door in Chromium.
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/engine/store/db.js';
import { EngineHost } from '../src/engine/host/host.js';
import { projectRoot } from '../src/engine/paths.js';
import { startWebDoor } from '../src/server/server.js';
import { chromiumLaunch } from '../test/e2e/chromium.js';

const FACES = Number(process.env.FACES ?? 100_000);
const PER_PERSON = Number(process.env.PER_PERSON ?? 20);

/** A library with FACES faces in FACES/PER_PERSON people (features are zero blobs: the grid never reads them). */
function generate(dbPath: string): void {
  const db = openDb(dbPath);
  const now = Date.now();
  db.transaction(() => {
    const photo = db.prepare("INSERT INTO photos (id, hash, width, height, status) VALUES (?, ?, 640, 480, 'done')");
    const face = db.prepare(
      'INSERT INTO faces (id, photo_id, x, y, w, h, score, landmarks, feature, quality, created_at) VALUES (?, ?, 10, 10, 100, 100, 0.9, zeroblob(40), zeroblob(2048), 0.8, ?)',
    );
    const person = db.prepare('INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)');
    const fp = db.prepare("INSERT INTO face_people (face_id, person_id, source, at) VALUES (?, ?, 'auto', ?)");
    const people = Math.ceil(FACES / PER_PERSON);
    for (let p = 1; p <= people; p++) person.run(p, p % 3 === 0 ? null : `Person ${p}`, now);
    for (let i = 1; i <= FACES; i++) {
      photo.run(i, `h${i}`);
      face.run(i, i, now);
      fp.run(i, 1 + ((i - 1) % people), now);
    }
  })();
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'facelens-bench-ui-'));
try {
  const dbPath = join(dir, 'library.db');
  let t = performance.now();
  generate(dbPath);
  const genMs = performance.now() - t;
  const host = await EngineHost.open({ dbPath, door: 'web' });
  const door = await startWebDoor({ host, staticDir: join(projectRoot(), 'dist', 'renderer') });
  const browser = await chromium.launch({
    ...chromiumLaunch,
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  t = performance.now();
  await page.goto(`${door.url}&/people`);
  await page.getByTestId('person-card').first().waitFor();
  const firstCards = performance.now() - t;
  // Browser-side code is passed as text: this file is type-checked against Node's libs, not the DOM's.
  const paint = (await page.evaluate(
    `performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)])`,
  )) as [string, number][];
  const cardsInDom = await page.getByTestId('person-card').count();
  const frames = (await page.evaluate(`(async () => {
    const scroller = [...document.querySelectorAll('[role=listbox] *')].find((el) => el.scrollHeight > el.clientHeight + 10);
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
  const q = (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))]!.toFixed(1);
  console.log(
    `People grid, ${FACES} faces in ${Math.ceil(FACES / PER_PERSON)} people (generated in ${(genMs / 1000).toFixed(1)} s)`,
  );
  console.log('| measure | value |\n|---|---|');
  console.log(`| first person cards visible after navigation | ${firstCards.toFixed(0)} ms |`);
  for (const [name, ms] of paint) console.log(`| ${name} | ${ms} ms |`);
  console.log(`| person cards in the DOM (virtualised) | ${cardsInDom} |`);
  console.log(`| scroll frames (600 px each) | ${d.length} |`);
  console.log(`| frame time p50 / p95 / max | ${q(0.5)} / ${q(0.95)} / ${d.at(-1)!.toFixed(1)} ms |`);
  await browser.close();
  await door.close();
  await host.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
