// Bench (run with node --import tsx bench/scale-library.ts [--photos N] [--faces N] [--import-from DIR]): a 100k-photo
// library's size, index build, re-cluster, import and query times, each app step in its own process with its peak RSS.
// [Note: scale bench data] Photos are stand-ins (rows with a content hash and a path, no pixels: the real import
// rate comes from bench/import.ts on real photos and from importing real photos into the big library below); faces
// carry synthetic 512-D features drawn around identity centres (src/engine/cluster/synthetic.ts), so everything
// after decoding (SQLite, HNSW, clustering, the UI's queries) runs at full scale.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { reclusterAsync } from '../src/engine/cluster/recluster.js';
import { syntheticFaces } from '../src/engine/cluster/synthetic.js';
import { people, personFaces, unknownFaces } from '../src/engine/store/views.js';
import { indexPathFor } from '../src/engine/index/hnsw.js';
import { openDb, type Db } from '../src/engine/store/db.js';
import { f32ToBlob } from '../src/engine/store/blob.js';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    faces: { type: 'string', default: '150000' },
    identities: { type: 'string', default: '3000' },
    'same-cos': { type: 'string', default: '0.5' },
    /** Real photos to import into the big library (default: ../shared/data/celeba-wild when present). */
    'import-from': { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Internal: time the UI's queries on an existing library (run as a child, so its RSS is its own). */
    'queries-of': { type: 'string' },
    /** Internal: a re-cluster preview of an existing library, its kNN graph from `--knn` (auto: the saved index). */
    'recluster-of': { type: 'string' },
    knn: { type: 'string', default: 'auto' },
  },
});
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function median(fn: () => unknown, runs = 15): string {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return `${times[runs >> 1]!.toFixed(1)} ms median, ${times[runs - 1]!.toFixed(1)} ms max (${runs} runs)`;
}

/** The queries behind the People page, a person's page and the unknown faces, as the web door runs them. */
function timeQueries(db: Db): [string, string][] {
  const biggest = (
    db.prepare('SELECT person_id AS id FROM face_people GROUP BY person_id ORDER BY count(*) DESC LIMIT 1').get() as {
      id: number;
    }
  ).id;
  return [
    [
      'people list, first page of 100',
      median(() => people(db, { offset: 0, limit: 100, includeHidden: false, named: 'all' })),
    ],
    [
      'people list, page 20 (offset 2000)',
      median(() => people(db, { offset: 2000, limit: 100, includeHidden: false, named: 'all' })),
    ],
    ['person page, largest person, 200 faces', median(() => personFaces(db, biggest, 0, 200, 0.3))],
    [
      'unknown faces, first page of 200',
      median(() => unknownFaces(db, { offset: 0, limit: 200, lowQuality: false }, 0.3)),
    ],
  ];
}

if (values['recluster-of']) {
  const db = openDb(values['recluster-of']);
  const r = await reclusterAsync(db, { preview: true, knnSource: values.knn === 'build' ? 'build' : 'auto' });
  console.log(JSON.stringify({ knnFrom: r.knnFrom, ms: r.ms, faces: r.faces, clusters: r.clusters }));
  db.close();
  process.exit(0);
}

if (values['queries-of']) {
  const db = openDb(values['queries-of']); // as the app opens it: migrated first
  console.log(JSON.stringify(timeQueries(db)));
  db.close();
  process.exit(0);
}

const nPhotos = Number(values.photos);
const nFaces = Number(values.faces);
const dir = mkdtempSync(join(tmpdir(), 'facelens-scale-'));
const dbPath = join(dir, 'library.db');
const rows: [string, string][] = [];
const root = new URL('..', import.meta.url).pathname;

/** Runs one step in its own Node process (the CLI, or this file) and returns its output, wall time and peak RSS. */
function step(label: string, args: string[], okCodes = [0]): { out: string; ms: number; rssKb: number } {
  const peakFile = join(dir, 'peak.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(root, 'bench/peak-rss.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, FACELENS_PEAK_FILE: peakFile },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  const peak = JSON.parse(readFileSync(peakFile, 'utf8')) as { maxRssKb: number; ms: number };
  rows.push([label, `${(peak.ms / 1000).toFixed(1)} s, peak RSS ${mb(peak.maxRssKb * 1024)}`]);
  return { out: r.stdout, ms: peak.ms, rssKb: peak.maxRssKb };
}
const cli = (...args: string[]) => ['src/entry.ts', ...args, '--db', dbPath];

const t = performance.now();
const set = syntheticFaces({
  identities: Number(values.identities),
  faces: nFaces,
  sameCos: Number(values['same-cos']),
  seed: 11,
  groupShare: 1 - nPhotos / nFaces,
});
const photoCount = set.photos[nFaces - 1]! + 1;
{
  // The bench writes the library itself (no pixels to decode); the app then opens it as it would its own.
  const db = openDb(dbPath);
  const folder = Number(db.prepare("INSERT INTO folders (path, added_at) VALUES ('/photos', 0)").run().lastInsertRowid);
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
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
rows.push([
  'bench: write the synthetic library',
  `${((performance.now() - t) / 1000).toFixed(1)} s (${photoCount} photos, ${nFaces} faces; not an app step)`,
]);

// The first app open finds no index and builds it from the embeddings (FaceIndex.open), as after a lost index file.
step('app: first open, HNSW index build (facelens similar)', cli('similar', '--face', '1', '-k', '5'));
const c = step('app: full re-cluster, applied (facelens cluster)', cli('cluster', '--json'));
const cr = JSON.parse(c.out) as { ms?: Record<string, number>; people?: number; clusters?: number };
rows.push(['  of which (ms)', JSON.stringify(cr.ms ?? cr)]);
// [Note: kNN from the index] The same re-cluster (as a preview), its kNN graph from the saved index and built anew.
for (const knn of ['auto', 'build']) {
  const r = step(
    `bench: re-cluster preview, kNN ${knn === 'auto' ? 'from the saved index' : 'built (before issue 17)'}`,
    ['bench/scale-library.ts', '--recluster-of', dbPath, '--knn', knn],
  );
  rows.push(['  kNN from, ms', r.out.trim()]);
}
const q = step('app: UI queries (own process)', ['bench/scale-library.ts', '--queries-of', dbPath]);
for (const [k, v] of JSON.parse(q.out) as [string, string][]) rows.push([`  ${k}`, v]);
const importDir = values['import-from'] ?? join(root, '../shared/data/celeba-wild');
if (existsSync(importDir)) {
  const before = (openDb(dbPath, { readonly: true }).prepare('SELECT count(*) AS n FROM photos').get() as { n: number })
    .n;
  const r = step(`app: import ${importDir} into it (facelens import)`, cli('import', importDir, '--json'));
  const after = (openDb(dbPath, { readonly: true }).prepare('SELECT count(*) AS n FROM photos').get() as { n: number })
    .n;
  rows.push([
    '  photos added, rate',
    `${after - before} photos, ${(((after - before) * 1000) / r.ms).toFixed(1)} photos/s (whole process)`,
  ]);
} else rows.push(['app: import of real photos', `skipped: ${importDir} is absent (--import-from DIR)`]);
// Exit 1 is expected: the stand-in photos have no files (doctor reports them as missing, and nothing else).
const d = step('app: check the library (facelens doctor)', cli('doctor', '--json'), [0, 1]);
const report = JSON.parse(d.out) as { problems: { code: string; count: number }[] };
rows.push(['  problems found', report.problems.map((p) => `${p.code} ${p.count}`).join(', ') || 'none']);

rows.push(['database size', mb(statSync(dbPath).size)]);
rows.push(['HNSW index size', mb(statSync(indexPathFor(dbPath)).size)]);
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`scale bench: ${photoCount} photos, ${nFaces} faces, ${values.identities} synthetic identities`);
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
if (values.keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
