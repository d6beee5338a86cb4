// Test (unit, engine/library): the folder-tree watcher — one OS watch per folder however many files, new and removed folders followed, ignored folders never entered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TreeWatcher } from '../../../../src/engine/library/watch-tree.js';
import { tempDir } from '../../../helpers/tmp.js';

const linux = process.platform === 'linux';

function setup() {
  const root = join(tempDir(), 'photos');
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}`, `p${f}.jpg`), 'x');
  }
  mkdirSync(join(root, '.hidden'));
  const seen: string[] = [];
  const failures: string[] = [];
  const w = new TreeWatcher(root, {
    ignored: (path) => basename(path).startsWith('.'),
    changed: (path) => void seen.push(path),
    failed: (m) => void failures.push(m),
  });
  return { root, w, seen, failures };
}
async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  '2,000 photos in 20 folders take 21 watches, not 2,000; hidden folders none',
  { skip: !linux && 'Linux only' },
  async () => {
    const { w, failures } = setup();
    await w.start();
    assert.equal(w.watches, 21);
    assert.deepEqual(failures, []);
    w.close();
    assert.equal(w.watches, 0);
  },
);

test('a file created, written or deleted in any folder is reported', async () => {
  const { root, w, seen } = setup();
  await w.start();
  writeFileSync(join(root, 'd3', 'new.jpg'), 'y');
  await until('the new file', () => seen.includes(join(root, 'd3', 'new.jpg')));
  rmSync(join(root, 'd7', 'p1.jpg'));
  await until('the deletion', () => seen.includes(join(root, 'd7', 'p1.jpg')));
  writeFileSync(join(root, '.hidden', 'secret.jpg'), 'z');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!seen.some((p) => p.includes('.hidden')), 'nothing inside an ignored folder');
  w.close();
});

test(
  'a folder moved in is watched and its files reported; a folder removed lets its watches go',
  { skip: !linux && 'Linux only' },
  async () => {
    const { root, w, seen } = setup();
    await w.start();
    const outside = join(root, '..', 'outside');
    mkdirSync(join(outside, 'inner'), { recursive: true });
    writeFileSync(join(outside, 'inner', 'a.jpg'), 'a');
    renameSync(outside, join(root, 'moved'));
    await until('the moved folder’s file', () => seen.includes(join(root, 'moved', 'inner', 'a.jpg')));
    assert.equal(w.watches, 23, 'the moved folder and the one inside it');
    writeFileSync(join(root, 'moved', 'inner', 'b.jpg'), 'b');
    await until('a file in the new folder', () => seen.includes(join(root, 'moved', 'inner', 'b.jpg')));
    rmSync(join(root, 'moved'), { recursive: true });
    await until('the watches to go', () => w.watches === 21);
    // A link to a folder already watched is not watched twice.
    symlinkSync(join(root, 'd1'), join(root, 'again'));
    await until('the link', () => seen.includes(join(root, 'again')));
    assert.equal(w.watches, 21);
    w.close();
  },
);

test('a root that does not exist is a failure with its reason', async () => {
  const failures: string[] = [];
  const w = new TreeWatcher(join(tempDir(), 'missing'), {
    ignored: () => false,
    changed: () => undefined,
    failed: (m) => void failures.push(m),
  });
  await w.start();
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /cannot watch the folder/);
  w.close();
});
