// Bench (cli, dev only): rewrites a COPY of a truth library's embeddings with flip-test ones (the feature of each
// aligned crop plus that of its mirror image, as ArcFace's evaluations do), to see whether the clustering gains:
//   mkdir -p /tmp/flip/celeba-wild && cp /tmp/facelens-truth-libs/celeba-wild/library.db /tmp/flip/celeba-wild/
//   node --import tsx bench/flip-embeddings.ts /tmp/flip/celeba-wild/library.db
//   node --import tsx bench/cluster-sets.ts --sets celeba-wild --libs /tmp/flip
// It first checks that re-embedding each face without the flip gives the stored embedding back.
import Database from 'better-sqlite3';
import { decodeImage } from '../src/engine/image/decode.js';
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
  const f = new Float32Array(r.landmarks.buffer, r.landmarks.byteOffset, r.landmarks.byteLength / 4);
  const pts: Point[] = [0, 1, 2, 3, 4].map((k) => [f[2 * k]!, f[2 * k + 1]!]);
  const crop = p.alignFace(img!, pts);
  const [plain] = await p.embedAligned([crop], false);
  const [both] = await p.embedAligned([crop], true);
  const norm = (v: Float32Array) => {
    const s = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / s);
  };
  const old = get.get(r.id) as { vec: Buffer };
  const ov = new Float32Array(old.vec.buffer, old.vec.byteOffset, 512);
  const pn = norm(plain!);
  let c = 0;
  for (let j = 0; j < 512; j++) c += pn[j]! * ov[j]!;
  if (c > 0.999) agree++;
  upd.run(Buffer.from(norm(both!).buffer), r.id);
  if (i % 200 === 0) console.error(i, rows.length, 'agree', agree);
}
console.error('done; plain re-embedding agrees with the stored one for', agree, 'of', rows.length);
await p.dispose();
