// Integration test (engine/cluster): real photos through the real import (models, SQLite file, HNSW): eight characters -> eight people.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { recluster } from '../../src/engine/cluster/recluster.js';
import { Engine } from '../../src/engine/api/engine.js';
import { undo } from '../../src/engine/store/history.js';
import { confirm, merge, reject, rename } from '../../src/engine/people/ops.js';
import { suggestions } from '../../src/engine/people/suggest.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'bbt') || skipUnlessData('fixtures', 'group-photos');

interface Row {
  path: string;
  face: number;
  person: number | null;
  photo: number;
}

test(
  'fixtures/bbt + group-photos: the eight characters come out as eight people, and corrections hold',
  { skip, timeout: 240_000 },
  async () => {
    const bbt = dataPath('fixtures', 'bbt')!;
    const groups = dataPath('fixtures', 'group-photos')!;
    const engine = Engine.open(join(tempDir(), 'library.db'));
    try {
      const db = engine.db;
      const rows = () =>
        db
          .prepare(
            `SELECT fi.path, fa.id AS face, fp.person_id AS person, fa.photo_id AS photo
             FROM faces fa JOIN files fi ON fi.photo_id = fa.photo_id LEFT JOIN face_people fp ON fp.face_id = fa.id ORDER BY fi.path, fa.id`,
          )
          .all() as Row[];
      const character = (r: Row) => (r.path.startsWith(bbt) ? r.path.slice(bbt.length + 1).split('/')[0]! : undefined);
      const checkEight = () => {
        const all = rows();
        const byChar = new Map<string, Set<number | null>>();
        for (const r of all) {
          const c = character(r);
          if (c) byChar.set(c, (byChar.get(c) ?? new Set()).add(r.person));
        }
        assert.equal(byChar.size, 8);
        const people = new Set<number>();
        for (const [c, ps] of byChar) {
          const placed = [...ps].filter((p) => p !== null);
          assert.equal(placed.length, 1, `${c}'s faces are in ${[...ps].join(', ')}`);
          people.add(placed[0]!);
        }
        assert.equal(people.size, 8, 'two characters share a person');
        // every face of a group photo is in one of the eight people or unknown, and no photo shows a person twice
        const inPhoto = new Set<string>();
        for (const r of all) {
          if (r.person === null) continue;
          assert.ok(people.has(r.person), `face ${r.face} of ${r.path} is in a ninth person`);
          const key = `${r.photo}:${r.person}`;
          assert.ok(!inPhoto.has(key), `person ${r.person} twice in ${r.path}`);
          inPhoto.add(key);
        }
        return { all, people, byChar };
      };

      // 1. the crops, clustered from scratch
      await engine.library.importFolders([bbt]);
      recluster(db);
      const first = checkEight();
      // 2. the group photos arrive later: the import gives their faces to the eight people, no new people
      const inc = (await engine.library.importFolders([groups])).assigned!;
      assert.ok(inc.joined >= 15, `only ${inc.joined} group faces joined someone`);
      assert.equal(inc.newPeople, 0);
      const second = checkEight();
      assert.deepEqual(second.people, first.people, 'incremental assignment changed the people');
      const joinedRight = second.all.filter((r) => r.path.startsWith(groups) && r.person !== null).length;
      assert.ok(joinedRight >= 15);

      // 3. corrections: name Penny, reject one of her group faces, then a full re-cluster keeps both
      const pennyRow = second.all.find((r) => character(r) === 'penny')!;
      const penny = pennyRow.person!;
      rename(db, penny, 'Penny');
      const groupPenny = second.all.find((r) => r.path.startsWith(groups) && r.person === penny);
      if (groupPenny) reject(db, penny, [groupPenny.face]);
      const full = recluster(db, { preview: true });
      assert.equal(full.plan.newPeople, 0);
      recluster(db);
      const third = checkEight();
      assert.equal((db.prepare('SELECT name FROM people WHERE id = ?').get(penny) as { name: string }).name, 'Penny');
      if (groupPenny) assert.notEqual(third.all.find((r) => r.face === groupPenny.face)!.person, penny);
      // suggestions for Penny never propose a face from a photo she is already in, nor the rejected face
      const pennyPhotos = new Set(third.all.filter((r) => r.person === penny).map((r) => r.photo));
      for (const s of suggestions(db, penny, 100)) {
        assert.ok(!pennyPhotos.has(third.all.find((r) => r.face === s.faceId)!.photo));
        assert.notEqual(s.faceId, groupPenny?.face);
      }
      // 4. a wrong merge costs one undo
      const [x, y] = [...third.people].filter((p) => p !== penny);
      const beforeMerge = rows();
      merge(db, x!, [y!]);
      confirm(db, x!, [third.all.find((r) => r.person === x)!.face]);
      undo(db);
      undo(db);
      assert.deepEqual(rows(), beforeMerge);
    } finally {
      await engine.close();
    }
  },
);
