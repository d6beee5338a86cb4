// Integration tests (engine facade): operations that change embeddings run one after another — a head activated during an import.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/api/engine.js';
import { randomWeights } from '../../src/engine/arcface/head-weights.js';
import { saveHead } from '../../src/engine/arcface/heads.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const n = (e: Engine, sql: string, ...p: unknown[]) => (e.db.prepare(sql).get(...p) as { n: number }).n;

test(
  'a head activated while an import runs waits for it: every face ends embedded by the active head, and indexed',
  { skip: skipUnlessData('fixtures', 'wild') },
  async () => {
    const engine = Engine.open(join(tempDir(), 'library.db'));
    try {
      const headId = saveHead(engine.db, {
        name: 'a head to switch to',
        kind: 'trained',
        parentId: null,
        config: {},
        metrics: {},
        weights: randomWeights(512, 512, 7),
      });
      const order: string[] = [];
      const importing = engine.library.importFolders([dataPath('fixtures', 'wild')!]).then((s) => {
        order.push('import');
        return s;
      });
      // Asked for while the import is running (its first photo is not even analysed yet).
      const activating = engine.heads.activate({ headId }).then((r) => {
        order.push('activate');
        return r;
      });
      const [summary, activated] = await Promise.all([importing, activating]);
      assert.deepEqual(order, ['import', 'activate'], 'the activation waited for the import');
      assert.ok(summary.facesFound > 20, `${summary.facesFound} faces`);
      const faces = n(engine, 'SELECT count(*) AS n FROM faces');
      assert.equal(activated.reembedded, faces, 'the activation re-embedded every face the import stored');
      assert.equal(n(engine, 'SELECT count(*) AS n FROM embeddings WHERE head_id = ?', headId), faces);
      assert.equal(n(engine, 'SELECT id AS n FROM heads WHERE active = 1'), headId);
      const index = engine.index();
      assert.equal(index.headId, headId);
      assert.equal(index.size, faces, 'every face is in the index of the active head');
      // And the other way round: an import asked for during an activation embeds with the new head.
      const back = engine.heads.activate({ headId: 1 });
      const again = engine.library.importFolders([dataPath('fixtures', 'bbt')!]);
      await Promise.all([back, again]);
      const all = n(engine, 'SELECT count(*) AS n FROM faces');
      assert.ok(all > faces);
      assert.equal(n(engine, 'SELECT count(*) AS n FROM embeddings WHERE head_id = 1'), all);
      assert.equal(engine.index().size, all);
    } finally {
      await engine.close();
    }
  },
);
