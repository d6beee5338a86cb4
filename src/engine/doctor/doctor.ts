// Engine (doctor): checks a library (database integrity, index, embeddings, files, thumbnails) and repairs what it can.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { headEmbed } from '../arcface/heads.js';
import { FaceIndex, indexPathFor, shardPath, type IndexMeta } from '../index/hnsw.js';
import { sweepOrphans } from '../library/commit.js';
import { rebuildThumbs, thumbPath, thumbsDir } from '../library/thumbs.js';
import { ThumbJournal } from '../store/thumbs.js';
import type { Db } from '../store/db.js';
import { blobToF32, f32ToBlob } from '../store/blob.js';
import { FaceStore, FEATURE_DIM } from '../store/faces.js';
import { PhotoStore } from '../store/photos.js';

export const doctorOptions = {
  /** Faces re-embedded per statement batch when repairing embeddings. */
  batch: 2048,
  /** At most this many example paths or ids are listed per problem. */
  examples: 5,
};

export interface Problem {
  code:
    | 'integrity' | 'foreign-keys' | 'active-head' | 'embeddings' | 'index' | 'orphan-photos' | 'missing-files'
    | 'folder-unreachable' | 'missing-thumbs' | 'orphan-thumbs' | 'stuck-photos'; // prettier-ignore
  message: string;
  count: number;
  examples: string[];
  /** Whether --repair can fix it. */
  repairable: boolean;
  repaired?: boolean;
}

export interface DoctorReport {
  ok: boolean;
  problems: Problem[];
  /** Only with repair: what each repair did. */
  actions: string[];
}

interface Ctx {
  db: Db;
  dbPath: string;
  repair: boolean;
  problems: Problem[];
  actions: string[];
}

function add(c: Ctx, p: Omit<Problem, 'examples'> & { examples?: (string | number)[] }): Problem {
  const problem: Problem = { ...p, examples: (p.examples ?? []).slice(0, doctorOptions.examples).map(String) };
  c.problems.push(problem);
  return problem;
}

function checkIntegrity(c: Ctx): boolean {
  const rows = c.db.pragma('quick_check') as { quick_check: string }[];
  const bad = rows.filter((r) => r.quick_check !== 'ok');
  if (bad.length) {
    add(c, {
      code: 'integrity',
      message: 'the database file is damaged: restore a backup (facelens import-backup) into a new library',
      count: bad.length,
      examples: bad.map((r) => r.quick_check),
      repairable: false,
    });
    return false;
  }
  const fk = c.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  if (fk.length) {
    const p = add(c, {
      code: 'foreign-keys',
      message: 'rows point at rows that no longer exist',
      count: fk.length,
      examples: fk.map((r) => `${r.table}#${r.rowid} -> ${r.parent}`),
      repairable: true,
    });
    if (c.repair) {
      c.db.transaction(() => {
        for (const r of fk) c.db.prepare(`DELETE FROM "${r.table.replaceAll('"', '""')}" WHERE rowid = ?`).run(r.rowid);
      })();
      p.repaired = true;
      c.actions.push(`deleted ${fk.length} rows pointing at missing rows`);
    }
  }
  return true;
}

function activeHead(c: Ctx): number {
  const rows = c.db.prepare('SELECT id FROM heads WHERE active = 1').all() as { id: number }[];
  if (rows.length === 1) return rows[0]!.id;
  const p = add(c, { code: 'active-head', message: 'no head is active', count: 1, repairable: true });
  if (c.repair) {
    c.db.prepare('UPDATE heads SET active = 1 WHERE id = 1').run();
    p.repaired = true;
    c.actions.push('made the identity head (1) active');
  }
  return 1;
}

/** Faces with no embedding of the active head (a crash mid-activation, or an old head's vectors) are re-embedded from stored features. */
function checkEmbeddings(c: Ctx, head: number): void {
  const missing = c.db
    .prepare(
      'SELECT f.id FROM faces f LEFT JOIN embeddings e ON e.face_id = f.id WHERE e.face_id IS NULL OR e.head_id != ?',
    )
    .all(head) as { id: number }[];
  if (!missing.length) return;
  const p = add(c, {
    code: 'embeddings',
    message: `faces without an embedding of the active head ${head}`,
    count: missing.length,
    examples: missing.map((r) => `face ${r.id}`),
    repairable: true,
  });
  if (!c.repair) return;
  const embed = headEmbed(c.db, head);
  const feature = c.db.prepare<[number], { feature: Buffer }>('SELECT feature FROM faces WHERE id = ?');
  const put = c.db.prepare(
    'INSERT INTO embeddings (face_id, head_id, vec) VALUES (?, ?, ?) ON CONFLICT(face_id) DO UPDATE SET head_id = excluded.head_id, vec = excluded.vec',
  );
  c.db.transaction(() => {
    for (let i = 0; i < missing.length; i += doctorOptions.batch) {
      const ids = missing.slice(i, i + doctorOptions.batch).map((r) => r.id);
      const vecs = embed(ids.map((id) => blobToF32(feature.get(id)!.feature, FEATURE_DIM)));
      ids.forEach((id, j) => put.run(id, head, f32ToBlob(vecs[j]!)));
    }
  })();
  p.repaired = true;
  c.actions.push(`re-embedded ${missing.length} faces from their stored features`);
}

function readIndexMeta(path: string): IndexMeta | undefined {
  try {
    return JSON.parse(readFileSync(`${path}.json`, 'utf8')) as IndexMeta;
  } catch {
    return undefined;
  }
}

function checkIndex(c: Ctx, head: number): void {
  const path = indexPathFor(c.dbPath);
  const want = new FaceStore(c.db).fingerprint(head);
  const meta = existsSync(path) ? readIndexMeta(path) : undefined;
  let why: string | undefined;
  if (!existsSync(path)) why = 'the HNSW index file is missing';
  else if (!meta) why = 'the HNSW index has no readable description';
  else if (meta.headId !== head) why = `the HNSW index was built for head ${meta.headId}, head ${head} is active`;
  else if (meta.count !== want.count || meta.idSum !== want.idSum)
    why = `the HNSW index holds ${meta.count} faces, the database ${want.count}`;
  else if (meta.shards?.some((fp, i) => !fp || !existsSync(shardPath(path, i))))
    why = 'a shard of the HNSW index is missing or was being written when the app stopped';
  if (!why) return;
  if (want.count === 0 && !existsSync(path)) return; // an empty library needs no index yet
  const p = add(c, { code: 'index', message: `${why} (it is rebuilt from the database)`, count: 1, repairable: true });
  if (c.repair) {
    const index = FaceIndex.build(c.db, path, head, {}, 'stale');
    index.save();
    index.close();
    p.repaired = true;
    c.actions.push(`rebuilt the HNSW index (${want.count} faces)`);
  }
}

function checkStuck(c: Ctx): void {
  const n = (c.db.prepare("SELECT count(*) AS n FROM photos WHERE status = 'pending'").get() as { n: number }).n;
  if (n)
    add(c, {
      code: 'stuck-photos',
      message: 'photos whose import was interrupted: the next import (or rescan) finishes them',
      count: n,
      repairable: false,
    });
}

/** Files whose path is gone. A folder that is itself unreachable (an unplugged drive) is reported, never forgotten. */
function checkFiles(c: Ctx): void {
  const folders = c.db.prepare('SELECT id, path FROM folders').all() as { id: number; path: string }[];
  const unreachable = new Set<number>();
  for (const f of folders) {
    if (!existsSync(f.path)) unreachable.add(f.id);
  }
  if (unreachable.size) {
    add(c, {
      code: 'folder-unreachable',
      message: 'library folders that cannot be reached (unplugged or renamed?): their photos are kept',
      count: unreachable.size,
      examples: folders.filter((f) => unreachable.has(f.id)).map((f) => f.path),
      repairable: false,
    });
  }
  const gone = (
    c.db.prepare('SELECT id, folder_id, path FROM files').all() as { id: number; folder_id: number; path: string }[]
  ).filter((f) => !unreachable.has(f.folder_id) && !existsSync(f.path));
  if (gone.length) {
    const p = add(c, {
      code: 'missing-files',
      message: 'photo files that are gone from their folders',
      count: gone.length,
      examples: gone.map((f) => f.path),
      repairable: true,
    });
    if (c.repair) {
      const photos = new PhotoStore(c.db);
      const now = Date.now();
      c.db.transaction(() => {
        for (const f of gone) {
          photos.deleteFile(f.path);
          photos.recordFailure({
            folderId: f.folder_id,
            path: f.path,
            code: 'vanished',
            reason: `the file was gone when doctor ran on ${new Date(now).toISOString()}; it was forgotten`,
            size: undefined,
            mtimeMs: undefined,
            at: now,
          });
        }
      })();
      p.repaired = true;
      c.actions.push(`forgot ${gone.length} vanished files (recorded under failures with code 'vanished')`);
    }
  }
  const orphans = new PhotoStore(c.db).orphanPhotoIds();
  if (orphans.length) {
    const p = add(c, {
      code: 'orphan-photos',
      message: 'photos no file shows any more',
      count: orphans.length,
      examples: orphans.map((id) => `photo ${id}`),
      repairable: true,
    });
    if (c.repair) {
      const r = sweepOrphans(c.db, new PhotoStore(c.db), new FaceStore(c.db));
      p.repaired = true;
      c.actions.push(`removed ${r.photos} photos no file shows, with their ${r.faceIds.length} faces`);
    }
  }
}

async function checkThumbs(c: Ctx): Promise<void> {
  const faces = c.db.prepare('SELECT id, photo_id, x, y, w, h FROM faces ORDER BY photo_id, id').all() as {
    id: number;
    photo_id: number;
    x: number;
    y: number;
    w: number;
    h: number;
  }[];
  const missing = faces.filter((f) => !existsSync(thumbPath(c.dbPath, f.id)));
  if (missing.length) {
    const p = add(c, {
      code: 'missing-thumbs',
      message: 'faces without a thumbnail',
      count: missing.length,
      examples: missing.map((f) => `face ${f.id}`),
      repairable: true,
    });
    if (c.repair) {
      const made = (
        await rebuildThumbs(
          c.db,
          c.dbPath,
          missing.map((f) => ({ id: f.id, photoId: f.photo_id, box: { x: f.x, y: f.y, w: f.w, h: f.h } })),
        )
      ).length;
      new ThumbJournal(c.db).done(missing.map((f) => f.id));
      p.repaired = made === missing.length;
      c.actions.push(
        `rebuilt ${made} of ${missing.length} missing thumbnails${made < missing.length ? " (the others' photos could not be read)" : ''}`,
      );
    }
  }
  const dir = thumbsDir(c.dbPath);
  if (!existsSync(dir)) return;
  const ids = new Set(faces.map((f) => f.id));
  const stray: string[] = [];
  for (const shard of readdirSync(dir)) {
    const sd = join(dir, shard);
    if (!statSync(sd).isDirectory()) continue;
    for (const name of readdirSync(sd)) {
      const id = Number(name.replace(/\.jpg$/, ''));
      if (!ids.has(id)) stray.push(join(sd, name));
    }
  }
  if (stray.length) {
    const p = add(c, {
      code: 'orphan-thumbs',
      message: 'thumbnails of faces that no longer exist',
      count: stray.length,
      examples: stray,
      repairable: true,
    });
    if (c.repair) {
      for (const s of stray) rmSync(s, { force: true });
      p.repaired = true;
      c.actions.push(`removed ${stray.length} stray thumbnails`);
    }
  }
}

/**
 * Checks the library at `dbPath` (open in `db`); with `repair`, fixes what can be fixed. The library must not be
 * open for writing elsewhere while doctor repairs it. `ok` is true when no problem remains unrepaired.
 */
export async function runDoctor(db: Db, dbPath: string, opts: { repair?: boolean } = {}): Promise<DoctorReport> {
  const c: Ctx = { db, dbPath, repair: opts.repair ?? false, problems: [], actions: [] };
  if (checkIntegrity(c)) {
    const head = activeHead(c);
    checkFiles(c);
    checkEmbeddings(c, head);
    checkIndex(c, head);
    checkStuck(c);
    await checkThumbs(c);
  }
  const blocking = c.problems.filter(
    (p) => !p.repaired && p.code !== 'stuck-photos' && p.code !== 'folder-unreachable',
  );
  return { ok: blocking.length === 0, problems: c.problems, actions: c.actions };
}
