// Test (integration, engine host): real photos through the host — import as a job with progress events, a hand-drawn face, removing a folder.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost, type HostEvent } from '../../src/engine/host/host.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'facelens-host-int-'));
let host: EngineHost | undefined;
after(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'import -> progress -> people; a hand-drawn face is embedded and clustered; removing the folder removes its faces',
  { skip: skipUnlessData('fixtures', 'group-photos') },
  async () => {
    // A copy in the temp folder (never in the repo), so the test may remove it from the library.
    const photos = join(dir, 'group-photos');
    cpSync(dataPath('fixtures', 'group-photos')!, photos, { recursive: true });
    host = await EngineHost.open({ dbPath: join(dir, 'lib', 'library.db'), door: 'web', checkResults: true });
    const events: HostEvent[] = [];
    host.onEvent((e) => events.push(e));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely; the host checks them against the contract
    const value = async <T = any>(m: string, a?: unknown): Promise<T> => {
      const r = await host!.call(m, a);
      assert.ok(r.ok, `${m}: ${JSON.stringify(r)}`);
      return (r as { value: T }).value;
    };

    await value('files.choose', { paths: [photos] });
    const { jobId } = await value('library.addFolders', { paths: [photos] });
    await new Promise<void>((resolve) => {
      const off = host!.onEvent((e) => {
        if (
          e.event === 'job.progress' &&
          e.payload.jobId === jobId &&
          ['complete', 'failed', 'cancelled'].includes(e.payload.status)
        ) {
          off();
          resolve();
        }
      });
    });
    const progress = events
      .filter((e) => e.event === 'job.progress')
      .map((e) => e.payload as { status: string; done: number });
    assert.equal(progress.at(-1)!.status, 'complete');
    for (let i = 1; i < progress.length; i++)
      assert.ok(progress[i]!.done >= progress[i - 1]!.done, 'done never decreases');
    const stats = await value('library.stats');
    assert.equal(stats.photos, 5);
    assert.ok(stats.faces >= 10, `faces ${stats.faces}`);
    assert.equal(stats.indexSize, stats.faces);

    // Draw a box over a face the detector found: the new face gets a feature, an embedding and a place.
    const photo = await value('photos.get', { photoId: 1 });
    const found = photo.faces[0];
    const manual = await value('faces.addManual', { photoId: 1, box: found.box });
    assert.equal(manual.source, 'manual');
    assert.equal(manual.photoId, 1);
    assert.ok(host.thumbFile(manual.id), 'thumbnail written');
    const near = await value('faces.similar', { faceId: manual.id, k: 3 });
    assert.equal(near[0].face.id, found.id, 'the closest face is the detector’s own face of that spot');
    assert.ok(near[0].similarity > 0.8, `similarity ${near[0].similarity}`);
    const bad = await host.call('faces.addManual', { photoId: 1, box: { x: 1e6, y: 1e6, w: 50, h: 50 } });
    assert.equal(!bad.ok && bad.error.code, 'invalid-args');

    const [folder] = await value('library.folders');
    const removed = await value('library.removeFolder', { folderId: folder.id });
    assert.equal(removed.photosRemoved, 5);
    const after = await value('library.stats');
    assert.deepEqual([after.photos, after.faces, after.indexSize], [0, 0, 0]);
    assert.equal(host.thumbFile(manual.id), undefined, 'thumbnails go with their faces');
  },
);
