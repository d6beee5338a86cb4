// Integration tests (engine facade, real models and photos): people appear while an import runs; at its end the import is sorted as one, keeping what the user changed meanwhile.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/api/engine.js';
import { LIBRARY_OPTIONS } from '../../src/engine/api/library.js';
import { FacePipeline } from '../../src/engine/vision/pipeline.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'bbt');
/** One pipeline per analysis lane, shared by the tests of this file. */
let visions: FacePipeline[] = [];
const saved = { ...LIBRARY_OPTIONS };
before(async () => {
  if (!skip) visions = await Promise.all([FacePipeline.load(), FacePipeline.load()]);
  // 40 photos: a provisional assignment every 10 photos, whatever they cost (the real cadence starts at 100).
  Object.assign(LIBRARY_OPTIONS, { assignEveryPhotos: 10, assignGrowth: 0, assignShare: 1e9 });
});
after(async () => {
  Object.assign(LIBRARY_OPTIONS, saved);
  await Promise.all(visions.map((v) => v.dispose()));
});

function open(): Engine {
  return Engine.open(join(tempDir(), 'library.db'), { loadVision: async (lane) => visions[lane]! });
}

/** The library's people as sets of photo files, in an order that does not depend on ids. */
function partition(engine: Engine): string[][] {
  const people = engine.people.list({ offset: 0, limit: 5000, includeHidden: true, named: 'all' }).items;
  return people
    .map((p) =>
      engine.people
        .faces({ personId: p.id, offset: 0, limit: 5000 })
        .items.map((f) => engine.photos.get({ photoId: f.photoId }).path!)
        .sort(),
    )
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}
const peopleNow = (engine: Engine) =>
  engine.people.list({ offset: 0, limit: 1, includeHidden: true, named: 'all' }).total;

test(
  'people show before the import ends, and the import ends as if they had been sorted only then',
  { skip, timeout: 180_000 },
  async () => {
    const bbt = dataPath('fixtures', 'bbt')!;
    const live = open();
    let seen = 0;
    let passes = 0;
    const off = live.on((e) => void (e.event === 'people.changed' && passes++));
    try {
      await live.library.importFolders([bbt], {
        onProgress: (p) => {
          if (p.status === 'running' && p.done < p.total) seen = Math.max(seen, peopleNow(live));
        },
      });
      assert.ok(seen > 0, 'no people before the last photo');
      assert.ok(passes >= 3, `${passes} assignments`);

      const atEnd = open();
      Object.assign(LIBRARY_OPTIONS, { assignEveryPhotos: Number.POSITIVE_INFINITY });
      try {
        await atEnd.library.importFolders([bbt]);
        assert.deepEqual(partition(live), partition(atEnd));
      } finally {
        Object.assign(LIBRARY_OPTIONS, { assignEveryPhotos: 10 });
        await atEnd.close();
      }
    } finally {
      off();
      await live.close();
    }
  },
);

test(
  'a person the user names while the import runs keeps its faces when the import is sorted again',
  {
    skip,
    timeout: 180_000,
  },
  async () => {
    const engine = open();
    let kept: { id: number; faces: number[] } | undefined;
    try {
      const s = await engine.library.importFolders([dataPath('fixtures', 'bbt')!], {
        onProgress: (p) => {
          if (kept || p.status !== 'running' || p.done === p.total || peopleNow(engine) === 0) return;
          const first = engine.people.list({ offset: 0, limit: 1, includeHidden: true, named: 'all' }).items[0]!;
          kept = {
            id: first.id,
            faces: engine.people.faces({ personId: first.id, offset: 0, limit: 500 }).items.map((f) => f.id),
          };
          engine.people.rename({ personId: first.id, name: 'Named Meanwhile' });
        },
      });
      assert.ok(kept, 'a person showed while the import ran');
      const now = engine.people.faces({ personId: kept.id, offset: 0, limit: 500 }).items.map((f) => f.id);
      for (const f of kept.faces) assert.ok(now.includes(f), `face ${f} left the person the user named`);
      assert.equal(engine.people.get({ personId: kept.id }).name, 'Named Meanwhile');
      assert.ok(s.assigned, 'the import assigned its faces');
      // The history says what the engine did, in words.
      const words = engine.history.list({ limit: 50 }).map((h) => h.summary);
      assert.ok(
        words.some((w) => /^Sort the \d+ faces of this import again, all together$/.test(w)),
        words.join('\n'),
      );
    } finally {
      await engine.close();
    }
  },
);
