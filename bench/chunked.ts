// Bench (cli, dev only): do incremental assignment and a full re-cluster agree? A labelled set arrives in chunks, new
// faces are assigned after each chunk as the app does after an import, then a full re-cluster is previewed.
// usage: node --import tsx bench/chunked.ts [--sets celeba-wild,lfw] [--chunks 1,5] [--libs DIR]
// [Note: chunked arrival] Each set's library is imported once (bench/truth-sets.ts) and copied; in the copy every
// embedding is put aside and the chunks are revealed one by one (a face without an embedding of the active head is
// invisible to clustering, as a face not yet imported is). After each chunk the app's own step runs:
// assignNewFaces with the engine's defaults (the app's settings defaults are these). Chunks split every identity's
// photos round robin (photo j of a person goes to chunk j mod C), so each person is met again in later chunks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { scorePlan } from '../src/engine/cluster/evaluate.js';
import { assignNewFaces } from '../src/engine/cluster/incremental.js';
import { recluster } from '../src/engine/cluster/recluster.js';
import { openDb, type Db } from '../src/engine/store/db.js';
import { libsDir, openSet, TRUTH_SETS } from './truth-sets.js';

export interface ChunkedResult {
  faces: number;
  moved: number;
  incrementalF: number;
  fullF: number;
  people: number;
}

/** Replays a library's faces in `chunks` chunks with incremental assignment after each; previews a full re-cluster. */
export function replayChunks(db: Db, root: string, chunks: number, labelled: Map<number, string>): ChunkedResult {
  db.exec('DELETE FROM face_people; DELETE FROM face_rejections; DELETE FROM people;');
  const emb = db.prepare('SELECT face_id, head_id, vec FROM embeddings ORDER BY face_id').all() as {
    face_id: number;
    head_id: number;
    vec: Buffer;
  }[];
  db.exec('DELETE FROM embeddings');
  // chunk of each photo: round robin within its identity folder, in path order
  const files = db.prepare('SELECT path, photo_id FROM files WHERE photo_id IS NOT NULL ORDER BY path').all() as {
    path: string;
    photo_id: number;
  }[];
  const chunkOf = new Map<number, number>();
  const seen = new Map<string, number>();
  for (const f of files) {
    if (chunkOf.has(f.photo_id)) continue;
    const who = relative(root, f.path).split(sep)[0]!;
    const j = seen.get(who) ?? 0;
    seen.set(who, j + 1);
    chunkOf.set(f.photo_id, j % chunks);
  }
  const photoOf = new Map(
    (db.prepare('SELECT id, photo_id FROM faces').all() as { id: number; photo_id: number }[]).map((r) => [
      r.id,
      r.photo_id,
    ]),
  );
  const put = db.prepare('INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, ?, ?)');
  for (let c = 0; c < chunks; c++) {
    db.transaction(() => {
      for (const e of emb) if ((chunkOf.get(photoOf.get(e.face_id)!) ?? 0) === c) put.run(e.face_id, e.head_id, e.vec);
    })();
    assignNewFaces(db);
  }
  const { plan } = recluster(db, { preview: true });
  const current = { ...plan, target: plan.current };
  return {
    faces: plan.faceIds.length,
    moved: plan.facesMoved,
    incrementalF: scorePlan(current, labelled).scores.bcubedF,
    fullF: scorePlan(plan, labelled).scores.bcubedF,
    people: plan.peopleBefore,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      sets: { type: 'string', default: 'celeba-wild,lfw' },
      chunks: { type: 'string', default: '1,5' },
      libs: { type: 'string' },
    },
  });
  const libs = libsDir(values.libs);
  console.log('set          | chunks | faces | people | moved by a full re-cluster | BCubed F incremental | full');
  for (const name of values.sets.split(',').filter(Boolean)) {
    if (!TRUTH_SETS.some((s) => s.name === name)) throw new Error(`unknown set ${name}`);
    const s = await openSet(name, libs);
    for (const chunks of values.chunks.split(',').map(Number)) {
      const tmp = mkdtempSync(join(tmpdir(), 'facelens-chunked-'));
      const copy = join(tmp, 'library.db');
      s.db.prepare('VACUUM INTO ?').run(copy);
      const db = openDb(copy);
      try {
        const r = replayChunks(db, s.root, chunks, s.labelled);
        console.log(
          `${name.padEnd(12)} | ${String(chunks).padStart(6)} | ${String(r.faces).padStart(5)} | ${String(r.people).padStart(6)} | ${`${r.moved} (${((100 * r.moved) / r.faces).toFixed(1)}%)`.padStart(26)} | ${r.incrementalF.toFixed(3).padStart(20)} | ${r.fullF.toFixed(3)}`,
        );
      } finally {
        db.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    s.db.close();
  }
}
