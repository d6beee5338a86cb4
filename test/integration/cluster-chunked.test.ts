// Integration test (engine/cluster): real photos imported in chunks, new faces assigned after each as the app does; a full re-cluster then agrees.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { recluster } from '../../src/engine/cluster/recluster.js';
import { Engine } from '../../src/engine/api/engine.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The photos of labelled sets (one sub-folder per person) spread over `chunks` folders of links, round robin
 * within each person, so every person turns up again in later chunks; the first `people` people of each set.
 */
function chunkFolders(chunks: number, sets: string[][], people = Infinity): string[] {
  const root = tempDir();
  const dirs = Array.from({ length: chunks }, (_, c) => join(root, `chunk${c}`));
  for (const parts of sets) {
    const base = dataPath(...parts)!;
    const who = readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .slice(0, people);
    for (const name of who)
      readdirSync(join(base, name))
        .filter((f) => !f.startsWith('.'))
        .sort()
        .forEach((f, j) => {
          const dir = join(dirs[j % chunks]!, parts.join('-'), name);
          mkdirSync(dir, { recursive: true });
          copyFileSync(join(base, name, f), join(dir, f)); // a link out of the folder would not be imported
        });
  }
  return dirs;
}

/** Imports the chunks one by one into a new library, assigning new faces after each; previews a full re-cluster. */
async function importInChunks(dirs: string[]) {
  const engine = Engine.open(join(tempDir(), 'library.db'));
  try {
    for (const dir of dirs) {
      await engine.library.importFolders([dir]); // gives the new faces to people, as every import does
    }
    const faces = (engine.db.prepare('SELECT count(*) AS n FROM faces').get() as { n: number }).n;
    const people = (engine.db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
    return { faces, people, plan: recluster(engine.db, { preview: true }).plan };
  } finally {
    await engine.close();
  }
}

test(
  'one import of fixtures/bbt and fixtures/wild: a full re-cluster right after it has nothing to change',
  { skip: skipUnlessData('fixtures', 'bbt') || skipUnlessData('fixtures', 'wild'), timeout: 240_000 },
  async () => {
    const r = await importInChunks(
      chunkFolders(1, [
        ['fixtures', 'bbt'],
        ['fixtures', 'wild'],
      ]),
    );
    assert.ok(r.faces > 90, `only ${r.faces} faces found`);
    assert.ok(r.people >= 15, `only ${r.people} people for 21 characters`);
    assert.equal(r.plan.facesMoved, 0, `${r.plan.facesMoved} faces would move`);
  },
);

// The scheme before this test existed (join by mean, leftovers clustered apart) moved 38 of 400 faces here.
test(
  'thirty celeba-wild people imported in five chunks: a full re-cluster moves under 2% of the faces',
  { skip: skipUnlessData('celeba-wild'), timeout: 600_000 },
  async () => {
    const r = await importInChunks(chunkFolders(5, [['celeba-wild']], 30));
    assert.ok(r.faces > 350, `only ${r.faces} faces found`);
    assert.ok(
      r.plan.facesMoved < 0.02 * r.faces,
      `${r.plan.facesMoved} of ${r.faces} faces would move (${r.people} people before)`,
    );
  },
);
