// Test (integration, engine host): watched folders — a photo copied in appears, one still being written waits until whole, a move keeps the photo, a deletion removes it; no rescan asked.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from '../../src/engine/host/host.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const skip = skipUnlessData('fixtures', 'wild', 'person03');
const dir = mkdtempSync(join(tmpdir(), 'facelens-watch-int-'));
let host: EngineHost | undefined;
after(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely; the host checks them against the contract
async function value<T = any>(m: string, a?: unknown): Promise<T> {
  const r = await host!.call(m, a);
  assert.ok(r.ok, `${m}: ${JSON.stringify(r)}`);
  return (r as { value: T }).value;
}
async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const photoPaths = async () =>
  Promise.all(
    (await value('photos.list', { limit: 100 })).items.map(
      async (p: { id: number }) => [p.id, (await value('photos.get', { photoId: p.id })).path] as const,
    ),
  );

test(
  'photos added, moved and deleted in a library folder reach the library while it runs',
  { skip, timeout: 300_000 },
  async () => {
    const wild = (f: string) => dataPath('fixtures', 'wild', 'person03', f)!;
    const folder = join(dir, 'photos');
    mkdirSync(folder);
    cpSync(wild('img47.jpg'), join(folder, 'a.jpg'));
    host = await EngineHost.open({
      dbPath: join(dir, 'lib', 'library.db'),
      door: 'web',
      checkResults: true,
      engine: { watch: { stableMs: 500, pollMs: 50, settleMs: 200 } },
    });
    const changes: string[] = [];
    host.onEvent((e) => e.event === 'library.changed' && changes.push(e.payload.reason));
    await host.engine.library.importFolders([folder]);
    await until('the folder to be watched', async () => {
      const s = await value('watch.status');
      return s.folders.length === 1 && s.folders[0].watching;
    });
    assert.equal((await value('library.stats')).photos, 1);

    // Copied in: it appears with its face, no rescan asked.
    cpSync(wild('img48.jpg'), join(folder, 'b.jpg'));
    await until('the copied photo', async () => (await value('library.stats')).photos === 2);
    assert.equal((await value('library.stats')).faces, 2);

    // Written slowly, in pieces, while another photo arrives whole: the folder is not rescanned while a photo in it
    // still grows (the rescan would read it cut short), so neither is ever a failure; both arrive once it is whole.
    const bytes = readFileSync(wild('img49.jpg'));
    const fd = openSync(join(folder, 'slow.jpg'), 'w');
    const pieces = 8;
    for (let i = 0; i < pieces; i++) {
      writeSync(
        fd,
        bytes.subarray(Math.floor((i * bytes.length) / pieces), Math.floor(((i + 1) * bytes.length) / pieces)),
      );
      if (i === 1) cpSync(wild('img51.jpg'), join(folder, 'whole.jpg'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await value('library.failures', {})).total, 0, 'a growing file is not read');
      assert.equal((await value('library.stats')).photos, 2, 'no rescan while a photo in the folder grows');
    }
    closeSync(fd);
    await until('the slowly written photo', async () => (await value('library.stats')).photos === 4);
    assert.equal((await value('library.failures', {})).total, 0);

    // Moved into a sub-folder: the same photo (its content), now at its new path.
    const before = new Map(await photoPaths());
    mkdirSync(join(folder, 'sub'));
    renameSync(join(folder, 'a.jpg'), join(folder, 'sub', 'a.jpg'));
    await until('the move', async () => (await photoPaths()).some(([, p]) => p === join(folder, 'sub', 'a.jpg')));
    const afterMove = new Map(await photoPaths());
    assert.deepEqual([...afterMove.keys()].sort(), [...before.keys()].sort(), 'no photo came or went');

    // Deleted: it leaves the library with its face; one deleted right after it arrived goes too.
    rmSync(join(folder, 'b.jpg'));
    await until('the deletion', async () => (await value('library.stats')).photos === 3);
    assert.equal((await value('library.stats')).faces, 3);
    cpSync(wild('img8.jpg'), join(folder, 'brief.jpg'));
    await until('the brief photo', async () => (await value('library.stats')).photos === 4);
    rmSync(join(folder, 'brief.jpg'));
    await until('the brief photo to go', async () => (await value('library.stats')).photos === 3);
    assert.ok(changes.length >= 4, `library.changed was sent (${changes.join(', ')})`);

    // A camera RAW file dropped in alone is recorded at once, saying why it is not read; its shot's JPEG, copied in
    // after it, is imported and the RAW file then passed over ([Note: camera RAW]).
    const rawFile = join(folder, 'DSC_9.NEF');
    cpSync(wild('img8.jpg'), rawFile); // its bytes are never read
    const rawFailure = async () =>
      (await value('library.failures', {})).items.find((f: { path: string }) => f.path === rawFile);
    await until('the lone RAW file to be recorded', async () => (await rawFailure()) !== undefined);
    assert.equal((await rawFailure()).code, 'unsupported');
    assert.equal((await value('library.stats')).photos, 3, 'a RAW file is not a photo');
    cpSync(wild('img8.jpg'), join(folder, 'DSC_9.jpg'));
    await until('the RAW file to give way to its JPEG', async () => (await rawFailure()) === undefined);
    assert.equal((await value('library.stats')).photos, 4);
    rmSync(rawFile);
    rmSync(join(folder, 'DSC_9.jpg'));
    await until('the shot to go', async () => (await value('library.stats')).photos === 3);

    // A folder added later is watched; a removed one is let go.
    const second = join(dir, 'more');
    mkdirSync(second);
    await host.engine.library.importFolders([second]);
    await until('the new folder to be watched', async () =>
      (await value('watch.status')).folders.some(
        (f: { path: string; watching: boolean }) => f.path === second && f.watching,
      ),
    );
    cpSync(wild('img50.jpg'), join(second, 'c.jpg'));
    await until('a photo in the new folder', async () => (await value('library.stats')).photos === 4);
    const id = (await value('library.folders')).find((f: { path: string }) => f.path === second).id;
    await value('library.removeFolder', { folderId: id });
    await until('the removed folder to be let go', async () =>
      (await value('watch.status')).folders.every((f: { path: string }) => f.path !== second),
    );
    const status = await value('watch.status');
    assert.equal(status.lastError, null);
    assert.ok(status.rescans >= 4, `rescans ${status.rescans}`);
  },
);
