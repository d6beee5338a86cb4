// Bench (cli, dev only): rewrites a COPY of a truth library's embeddings with flip-test ones (the feature of each
// aligned crop plus that of its mirror image, as ArcFace's evaluations do), to see whether the clustering gains:
//   mkdir -p /tmp/flip/celeba-wild && cp /tmp/facelens-truth-libs/celeba-wild/library.db /tmp/flip/celeba-wild/
//   node --import tsx bench/flip-embeddings.ts /tmp/flip/celeba-wild/library.db
//   node --import tsx bench/cluster-sets.ts --sets celeba-wild --libs /tmp/flip
// It first checks that re-embedding each face without the flip gives the stored embedding back.
import Database from 'better-sqlite3';
import { decodeImage } from '../src/engine/image/decode.js';
import { blobToF32, f32ToBlob } from '../src/engine/store/blob.js';
import { FEATURE_DIM } from '../src/engine/store/faces.js';
import { dot, l2normalize } from '../src/engine/vectors.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';
import type { Point } from '../src/engine/vision/types.js';
const db = new Database(process.argv[2]!);
const rows = db
  .prepare(
    `SELECT f.id, f.landmarks, (SELECT path FROM files WHERE photo_id = f.photo_id LIMIT 1) AS path FROM faces f ORDER BY f.photo_id`,
  )
  .all() as { id: number; landmarks: Buffer; path: string }[];
const p = await FacePipeline.load({ threads: 2 });
const upd = db.prepare('UPDATE embeddings SET vec = ? WHERE face_id = ?');
const get = db.prepare('SELECT vec FROM embeddings WHERE face_id = ?');
let last = '';
let img: Awaited<ReturnType<typeof decodeImage>> | undefined;
let agree = 0;
for (const [i, r] of rows.entries()) {
  if (r.path !== last) {
    img = await decodeImage(r.path);
    last = r.path;
  }
  const f = blobToF32(r.landmarks, 10);
  const pts: Point[] = [0, 1, 2, 3, 4].map((k) => [f[2 * k]!, f[2 * k + 1]!]);
  const crop = p.alignFace(img!, pts);
  // the plain feature only checks the re-alignment; the flip-test one (crop + mirror) replaces the stored embedding
  const [plain] = await p.embedAligned([crop], false);
  const [both] = await p.embedAligned([crop], true);
  const stored = blobToF32((get.get(r.id) as { vec: Buffer }).vec, FEATURE_DIM);
  if (dot(l2normalize(plain!), stored) > 0.999) agree++;
  upd.run(f32ToBlob(l2normalize(both!)), r.id);
  if (i % 200 === 0) console.error(i, rows.length, 'agree', agree);
}
console.error('done; plain re-embedding agrees with the stored one for', agree, 'of', rows.length);
await p.dispose();
