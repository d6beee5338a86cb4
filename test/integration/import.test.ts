// Integration tests (engine import, real models, real SQLite, real HNSW): faces in group photos, re-import, moves, removals, resume.
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/api/engine.js';
import type { JobProgress } from '../../src/engine/jobs/progress.js';
import { thumbPath } from '../../src/engine/library/thumbs.js';
import { FaceStore } from '../../src/engine/store/faces.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { checkProgress } from '../helpers/progress.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures');
/** A library whose imports run the app's own analysis workers (two, whatever the machine). */
function open(dir = tempDir()): Engine {
  return Engine.open(join(dir, 'library.db'), { importWorkers: 2 });
}

/** A writable copy of some fixture photos (tests rename and delete them; the shared data is read-only). */
function copyPhotos(files: string[]): string {
  const dir = join(tempDir(), 'photos');
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(dataPath('fixtures', 'wild', f)!, join(dir, f.replaceAll('/', '_')));
  return dir;
}

const WILD = [
  'person01/img1.jpg',
  'person01/img2.jpg',
  'person02/img3.jpg',
  'person02/img12.jpg',
  'person05/img16.jpg',
  'person05/img17.jpg',
  'person07/img20.jpg',
  'person08/img22.jpg',
];

function consistent(engine: Engine): void {
  const db = engine.db;
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  const orphans = db.prepare('SELECT count(*) AS n FROM faces WHERE photo_id NOT IN (SELECT id FROM photos)').get() as {
    n: number;
  };
  assert.equal(orphans.n, 0, 'faces without a photo');
  const noEmb = db
    .prepare('SELECT count(*) AS n FROM faces WHERE id NOT IN (SELECT face_id FROM embeddings)')
    .get() as { n: number };
  assert.equal(noEmb.n, 0, 'faces without an embedding');
  const counts = db
    .prepare(
      "SELECT (SELECT count(*) FROM photos WHERE status != 'done') AS pending, (SELECT count(*) FROM photos p WHERE face_count != (SELECT count(*) FROM faces f WHERE f.photo_id = p.id)) AS badCount",
    )
    .get() as { pending: number; badCount: number };
  assert.deepEqual(counts, { pending: 0, badCount: 0 });
  assert.equal(engine.index().size, new FaceStore(db).counts().embeddings, 'index size equals the embeddings');
}

test(
  'group photos: faces found with landmarks, unit embeddings, thumbnails; a re-import adds nothing',
  { skip },
  async () => {
    const engine = open();
    try {
      const events: JobProgress[] = [];
      const folder = dataPath('fixtures', 'group-photos')!;
      const s = await engine.library.importFolders([folder], { onProgress: (e) => events.push(e) });
      checkProgress(events);
      assert.equal(s.added, 5);
      assert.deepEqual(s.failures, []);
      const expected = readFileSync(join(folder, 'faces.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      let clear = 0;
      for (const [file, n] of expected) {
        const row = engine.db
          .prepare('SELECT p.face_count AS n FROM photos p JOIN files f ON f.photo_id = p.id WHERE f.path = ?')
          .get(join(folder, file!)) as { n: number };
        assert.ok(row.n >= Number(n) - 1, `${file}: ${row.n} faces found, ${n} clear frontal faces in it`);
        clear += Number(n);
      }
      assert.ok(s.facesFound >= clear - 2, `${s.facesFound} faces found, ${clear} clear ones`);
      const faces = new FaceStore(engine.db);
      for (let id = 1; id <= s.facesFound; id++) {
        const f = faces.face(id)!;
        const e = faces.embedding(id)!;
        const norm = Math.hypot(...e.vec);
        assert.ok(Math.abs(norm - 1) < 1e-4, `face ${id} embedding norm ${norm}`);
        const [lx, ly] = [f.landmarks[0]!, f.landmarks[1]!];
        assert.ok(
          lx >= f.box.x - f.box.w &&
            lx <= f.box.x + 2 * f.box.w &&
            ly >= f.box.y - f.box.h &&
            ly <= f.box.y + 2 * f.box.h,
          'left eye near its box',
        );
        assert.ok(existsSync(thumbPath(engine.dbPath, id)), `thumbnail of face ${id}`);
      }
      consistent(engine);
      const similar = engine.faces.similar({ faceId: 1, k: 3 });
      assert.equal(similar.length, 3);
      assert.ok(
        similar.every(
          (n) => n.face.id !== 1 && engine.photos.get({ photoId: n.face.photoId }).path?.startsWith(folder),
        ),
      );
      const again = await engine.library.importFolders([folder]);
      assert.deepEqual(
        [again.added, again.changed, again.linked, again.removed, again.unchanged, again.total],
        [0, 0, 0, 0, 5, 0],
      );
      assert.equal(engine.library.stats().faces, s.facesFound);
    } finally {
      await engine.close();
    }
  },
);

test('two imports of the same folders give the same ids, faces and groups, in scan order', { skip }, async () => {
  // [Note: commit order]: two workers finish photos out of order; the commits must not follow them.
  const folders = [dataPath('fixtures', 'wild')!, dataPath('fixtures', 'group-photos')!];
  const snapshot = async () => {
    const engine = open();
    try {
      await engine.library.importFolders(folders);
      const photos = engine.db.prepare('SELECT f.photo_id AS id, f.path FROM files f ORDER BY f.photo_id').all() as {
        id: number;
        path: string;
      }[];
      const faces = engine.db
        .prepare(
          'SELECT fa.id, fa.photo_id AS photo, fa.x, fa.y, fa.w, fa.h, fp.person_id AS person FROM faces fa LEFT JOIN face_people fp ON fp.face_id = fa.id ORDER BY fa.id',
        )
        .all();
      const near = engine.faces.similar({ faceId: 1, k: 5 }).map((n) => n.face.id);
      return { photos, faces, near };
    } finally {
      await engine.close();
    }
  };
  const a = await snapshot();
  assert.ok(a.photos.length >= 65 && a.faces.length >= 70, `${a.photos.length} photos, ${a.faces.length} faces`);
  // Photo ids follow the scan: the folders in the order given, names sorted within each.
  const scanOrder = (p: string) => [folders.findIndex((f) => p.startsWith(f + '/')), p] as const;
  const sorted = [...a.photos].sort((x, y) => {
    const [fx, px] = scanOrder(x.path);
    const [fy, py] = scanOrder(y.path);
    return fx - fy || Buffer.compare(Buffer.from(px), Buffer.from(py));
  });
  assert.deepEqual(
    a.photos.map((p) => p.path),
    sorted.map((p) => p.path),
    'photo ids in scan order',
  );
  const b = await snapshot();
  assert.deepEqual(b, a, 'the second import gives the same ids, boxes, people and neighbours');
});

test('wild photos: same-person pairs score above different-person pairs', { skip }, async () => {
  const engine = open();
  try {
    const root = dataPath('fixtures', 'wild')!;
    const s = await engine.library.importFolders([root]);
    assert.ok(s.added >= 60, `${s.added} photos added`);
    const faces = new FaceStore(engine.db);
    const main = (file: string) => {
      const row = engine.db
        .prepare(
          'SELECT fa.id FROM files f JOIN faces fa ON fa.photo_id = f.photo_id WHERE f.path = ? ORDER BY fa.w * fa.h DESC LIMIT 1',
        )
        .get(join(root, file)) as { id: number } | undefined;
      return row ? faces.embedding(row.id)!.vec : undefined;
    };
    const same: number[] = [];
    const diff: number[] = [];
    for (const line of readFileSync(join(root, 'pairs.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [x, y, label] = line.split(',');
      const a = main(x!);
      const b = main(y!);
      if (!a || !b) continue;
      const sim = a.reduce((acc, v, i) => acc + v * b[i]!, 0);
      (label === '1' ? same : diff).push(sim);
    }
    assert.ok(same.length > 5 && diff.length > 5);
    let wins = 0;
    for (const p of same) for (const n of diff) wins += p > n ? 1 : 0;
    const auc = wins / (same.length * diff.length);
    assert.ok(auc > 0.9, `AUC of same vs different pairs ${auc.toFixed(3)}`);
  } finally {
    await engine.close();
  }
});

test(
  'a renamed file is not a new photo; a removed one takes its faces along; a changed one is analysed again',
  { skip },
  async () => {
    const dir = copyPhotos(WILD.slice(0, 5));
    const engine = open();
    try {
      const first = await engine.library.importFolders([dir]);
      assert.equal(first.added, 5);
      const faceIds = () =>
        (engine.db.prepare('SELECT id FROM faces ORDER BY id').all() as { id: number }[]).map((r) => r.id);
      const before = faceIds();
      const [a, b, c] = readdirSync(dir).sort();
      mkdirSync(join(dir, 'sub'));
      renameSync(join(dir, a!), join(dir, 'sub', 'renamed.jpg'));
      const moved = await engine.library.importFolders([dir]);
      assert.deepEqual(
        [moved.added, moved.linked, moved.removed, moved.filesRemoved, moved.unchanged],
        [0, 1, 0, 1, 4],
      );
      assert.deepEqual(faceIds(), before, 'same faces, same ids');

      const gone = engine.db
        .prepare('SELECT fa.id FROM files f JOIN faces fa ON fa.photo_id = f.photo_id WHERE f.path = ?')
        .all(join(dir, b!)) as { id: number }[];
      assert.ok(gone.length > 0);
      rmSync(join(dir, b!));
      const removed = await engine.library.importFolders([dir]);
      assert.deepEqual([removed.added, removed.removed, removed.unchanged], [0, 1, 4]);
      for (const { id } of gone) {
        assert.equal(new FaceStore(engine.db).face(id), undefined);
        assert.ok(!existsSync(thumbPath(engine.dbPath, id)), 'thumbnail removed');
      }
      assert.equal(engine.library.stats().photos, 4);

      writeFileSync(join(dir, c!), readFileSync(dataPath('fixtures', 'wild', WILD[6]!)!)); // new content under an old name
      const changed = await engine.library.importFolders([dir]);
      assert.deepEqual([changed.added, changed.changed, changed.removed], [0, 1, 1]);
      assert.equal(engine.library.stats().photos, 4);
      consistent(engine);
    } finally {
      await engine.close();
    }
  },
);

test('an interrupted import resumes where it stopped and imports every photo once', { skip }, async () => {
  const dir = copyPhotos(WILD);
  const lib = tempDir();
  const engine = open(lib);
  const ac = new AbortController();
  let commits = 0;
  const events: JobProgress[] = [];
  const s1 = await engine.library.importFolders([dir], {
    signal: ac.signal,
    onProgress: (e) => events.push(e),
    hooks: { afterCommit: () => void (++commits === 3 && ac.abort()) },
  });
  checkProgress(events, ['cancelled']);
  assert.equal(s1.status, 'cancelled');
  const committed = engine.library.stats().photos;
  assert.ok(
    committed >= 3 && committed <= 4,
    `${committed} photos committed: the 3rd, and one more only if its commit ran while the 3rd's hook waited`,
  );
  consistent(engine);
  await engine.close();
  const again = open(lib);
  try {
    assert.equal(again.index().openedBecause, 'loaded');
    const s2 = await again.library.importFolders([dir]);
    assert.equal(s2.status, 'complete');
    assert.deepEqual([s2.added, s2.unchanged, s2.total], [WILD.length - committed, committed, WILD.length - committed]);
    assert.equal(again.library.stats().photos, WILD.length);
    const dup = again.db
      .prepare('SELECT count(*) AS n FROM (SELECT hash FROM photos GROUP BY hash HAVING count(*) > 1)')
      .get() as { n: number };
    assert.equal(dup.n, 0);
    consistent(again);
  } finally {
    await again.close();
  }
});
