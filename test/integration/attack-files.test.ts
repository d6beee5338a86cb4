// Integration test (attack suite, finding 1): photos that vanish, come back or cannot be read while the built `facelens serve` sends them.
import assert from 'node:assert/strict';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  chownTree,
  json,
  makeLibrary,
  skipUnlessServable,
  startServe,
  type Library,
  type Served,
} from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable();

function photoIdOf(lib: Library, file: string): number {
  const db = new Database(lib.dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT photo_id FROM files WHERE path = ?').get(join(lib.photos, file)) as { photo_id: number })
      .photo_id;
  } finally {
    db.close();
  }
}

function faceIdsOf(lib: Library, file: string): number[] {
  const db = new Database(lib.dbPath, { readonly: true });
  try {
    return (
      db
        .prepare('SELECT f.id FROM faces f JOIN files fi ON fi.photo_id = f.photo_id WHERE fi.path = ?')
        .all(join(lib.photos, file)) as { id: number }[]
    ).map((r) => r.id);
  } finally {
    db.close();
  }
}

async function failures(s: Served): Promise<{ path: string; code: string; reason: string }[]> {
  const r = json<{ ok: boolean; value: { items: { path: string; code: string; reason: string }[] } }>(
    await s.api('library.failures', {}),
  );
  assert.ok(r.ok);
  return r.value.items;
}

describe('finding 1: a photo that fails to read never stops the server', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-files-');
  let lib: Library;
  before(() => {
    lib = makeLibrary(dir, 4);
  });

  test('a photo renamed away and back again and again while it is requested', async () => {
    const s = await startServe(lib.dbPath);
    after(() => s.stop('SIGKILL'));
    const file = join(lib.photos, 'p1.jpg');
    const id = photoIdOf(lib, 'p1.jpg');
    const thumbs = faceIdsOf(lib, 'p1.jpg');
    let stop = false;
    let flips = 0;
    const flipper = (async () => {
      while (!stop) {
        renameSync(file, `${file}.away`);
        await new Promise((r) => setImmediate(r));
        renameSync(`${file}.away`, file);
        flips++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const seen = new Map<string, number>();
    const deadline = Date.now() + 8_000;
    try {
      while (Date.now() < deadline && s.alive()) {
        const batch = Array.from({ length: 16 }, (_, i) =>
          s.media(i % 4 === 3 && thumbs.length ? `/thumb/${thumbs[0]}` : `/photo/${id}`).then(
            (r) => `${r.status}`,
            (e: Error) => `error ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          ),
        );
        for (const outcome of await Promise.all(batch)) seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      }
    } finally {
      stop = true;
      await flipper;
    }
    assert.ok(s.alive(), `the server died after ${flips} renames: ${JSON.stringify([...seen])}\n${s.log()}`);
    for (const outcome of seen.keys())
      assert.match(outcome, /^(200|404|410|error (ECONNRESET|socket hang up|EPIPE))$/, JSON.stringify([...seen]));
    assert.ok(flips > 100, `only ${flips} renames`);
    assert.equal(json(await s.api('app.status')).ok, true, 'and it still answers calls');
  });

  test('a photo gone for good answers 410 and is recorded as vanished, as an import would', async () => {
    const s = await startServe(lib.dbPath);
    after(() => s.stop('SIGKILL'));
    const id = photoIdOf(lib, 'p2.jpg');
    assert.equal((await s.media(`/photo/${id}`)).status, 200);
    rmSync(join(lib.photos, 'p2.jpg'));
    const r = await s.media(`/photo/${id}`);
    assert.equal(r.status, 410, r.text);
    const f = (await failures(s)).find((x) => x.path === join(lib.photos, 'p2.jpg'));
    assert.equal(f?.code, 'vanished', JSON.stringify(await failures(s)));
    assert.doesNotMatch(r.text, new RegExp(lib.photos), 'the answer names no path');
    assert.ok(s.alive());
  });

  test('an unreadable photo answers 404, is recorded as unreadable, and the server lives on', async () => {
    const s0 = process.getuid?.() === 0;
    if (s0) chownTree(lib.dir);
    const s = await startServe(lib.dbPath, { asNobody: true });
    after(() => s.stop('SIGKILL'));
    const id = photoIdOf(lib, 'p3.jpg');
    assert.equal((await s.media(`/photo/${id}`)).status, 200);
    chmodSync(join(lib.photos, 'p3.jpg'), 0o000);
    try {
      const r = await s.media(`/photo/${id}`).catch((e: Error) => ({ status: -1, text: e.message }));
      assert.ok(s.alive(), `the server died:\n${s.log()}`);
      assert.equal(r.status, 404, r.text);
      const f = (await failures(s)).find((x) => x.path === join(lib.photos, 'p3.jpg'));
      assert.equal(f?.code, 'unreadable', JSON.stringify(await failures(s)));
      assert.equal(json(await s.api('app.status')).ok, true);
    } finally {
      chmodSync(join(lib.photos, 'p3.jpg'), 0o644);
    }
  });

  test('a thumbnail that is gone answers 404', async () => {
    const s = await startServe(lib.dbPath);
    after(() => s.stop('SIGKILL'));
    const [face] = faceIdsOf(lib, 'p4.jpg');
    assert.ok(face);
    assert.equal((await s.media(`/thumb/${face}`)).status, 200);
    const thumb = join(lib.dir, 'lib', 'thumbs', (face & 0xff).toString(16).padStart(2, '0'), `${face}.jpg`);
    rmSync(thumb);
    assert.equal((await s.media(`/thumb/${face}`)).status, 404);
    assert.ok(s.alive());
  });
});
