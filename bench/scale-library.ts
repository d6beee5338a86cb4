// Bench (run with node --import tsx bench/scale-library.ts [--photos N] [--faces N]): a 100k-photo library's size, queries and re-cluster.
// [Note: scale bench data] Photos are stand-ins (rows with a content hash and a path, no pixels: the real import
// rate comes from bench/import.ts on real photos and is quoted beside these figures); faces carry synthetic
// 512-D features drawn around identity centres (src/engine/cluster/synthetic.ts), so everything after decoding
// (SQLite, HNSW, clustering, the UI's queries) runs at full scale.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { recluster } from '../src/engine/cluster/recluster.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { people, personFaces, unknownFaces } from '../src/engine/host/queries.js';
import { FaceIndex, indexOptions, indexPathFor } from '../src/engine/index/hnsw.js';
import { openDb } from '../src/engine/store/db.js';
import { f32ToBlob } from '../src/engine/store/blob.js';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    faces: { type: 'string', default: '150000' },
    identities: { type: 'string', default: '3000' },
    'same-cos': { type: 'string', default: '0.5' },
    keep: { type: 'boolean', default: false },
  },
});
const nPhotos = Number(values.photos);
const nFaces = Number(values.faces);
const dir = mkdtempSync(join(tmpdir(), 'facelens-scale-'));
const dbPath = join(dir, 'library.db');
const rows: [string, string][] = [];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rss = () => process.memoryUsage().rss;
let peak = rss();
const sample = () => (peak = Math.max(peak, rss()));
function timed<T>(label: string, fn: () => T, detail = ''): T {
  const t = performance.now();
  const r = fn();
  sample();
  rows.push([label, `${((performance.now() - t) / 1000).toFixed(2)} s${detail ? `  ${detail}` : ''}`]);
  return r;
}
function median(label: string, fn: () => unknown, runs = 15): void {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push([label, `${times[runs >> 1]!.toFixed(1)} ms median, ${times[runs - 1]!.toFixed(1)} ms max (${runs} runs)`]);
}

const set = timed('synthetic features', () =>
  syntheticFaces({
    identities: Number(values.identities),
    faces: nFaces,
    sameCos: Number(values['same-cos']),
    seed: 11,
    groupShare: 1 - nPhotos / nFaces,
  }),
);
const db = openDb(dbPath);
const photoCount = set.photos[nFaces - 1]! + 1;
timed(
  'write photos, files, faces, embeddings',
  () => {
    const folder = Number(
      db.prepare("INSERT INTO folders (path, added_at) VALUES ('/photos', 0)").run().lastInsertRowid,
    );
    const photo = db.prepare(
      "INSERT INTO photos (id, hash, width, height, orientation, status, processed_at, face_count) VALUES (?, ?, 4000, 3000, 1, 'done', 0, 0)",
    );
    const file = db.prepare(
      'INSERT INTO files (folder_id, path, size, mtime_ms, photo_id, seen_at) VALUES (?, ?, 3000000, 0, ?, 0)',
    );
    const face = db.prepare(
      "INSERT INTO faces (photo_id, x, y, w, h, score, landmarks, feature, quality, source, created_at) VALUES (?, 100, 100, 200, 200, 0.99, ?, ?, 0.9, 'auto', 0)",
    );
    const emb = db.prepare('INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, 1, ?)');
    const landmarks = f32ToBlob(new Float32Array(10));
    const chunk = 5000;
    for (let p0 = 0; p0 < photoCount; p0 += chunk) {
      db.transaction(() => {
        for (let p = p0; p < Math.min(photoCount, p0 + chunk); p++) {
          photo.run(p + 1, createHash('sha256').update(String(p)).digest('hex'));
          file.run(folder, `/photos/${Math.floor(p / 1000)}/IMG_${p}.jpg`, p + 1);
        }
      })();
    }
    for (let i0 = 0; i0 < nFaces; i0 += chunk) {
      db.transaction(() => {
        for (let i = i0; i < Math.min(nFaces, i0 + chunk); i++) {
          const v = f32ToBlob(set.vectors.subarray(i * 512, (i + 1) * 512));
          const id = Number(face.run(set.photos[i]! + 1, landmarks, v).lastInsertRowid);
          emb.run(id, v);
        }
      })();
      sample();
    }
  },
  `${photoCount} photos, ${nFaces} faces`,
);
const index = timed(`HNSW build (M ${indexOptions.m}, efC ${indexOptions.efConstruction})`, () =>
  FaceIndex.build(db, indexPathFor(dbPath), 1),
);
index.save();
const clusterResult = timed('full re-cluster (default algorithm), applied', () => recluster(db));
rows.push(['  of which', JSON.stringify(clusterResult.ms)]);
rows.push(['  people / faces clustered', `${clusterResult.applied?.people ?? 0} people, ${clusterResult.faces} faces`]);
const biggest = (
  db.prepare('SELECT person_id AS id FROM face_people GROUP BY person_id ORDER BY count(*) DESC LIMIT 1').get() as {
    id: number;
  }
).id;
median('people list, first page of 100', () =>
  people(db, { offset: 0, limit: 100, includeHidden: false, named: 'all' }),
);
median('people list, page 20 (offset 2000)', () =>
  people(db, { offset: 2000, limit: 100, includeHidden: false, named: 'all' }),
);
median('person page, largest person, 200 faces', () => personFaces(db, biggest, 0, 200, 0.3));
median('unknown faces, first page of 200', () => unknownFaces(db, { offset: 0, limit: 200, lowQuality: false }, 0.3));
db.pragma('wal_checkpoint(TRUNCATE)');
sample();
rows.push(['database size', mb(statSync(dbPath).size)]);
rows.push(['HNSW index size', mb(statSync(indexPathFor(dbPath)).size)]);
rows.push(['peak RSS (sampled; maxRSS)', `${mb(peak)}; ${mb(process.resourceUsage().maxRSS * 1024)}`]);
db.close();
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`scale bench: ${photoCount} photos, ${nFaces} faces, ${values.identities} synthetic identities`);
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
if (values.keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
