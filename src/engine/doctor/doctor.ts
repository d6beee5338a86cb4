// Engine (doctor): checks a library (database integrity, index, embeddings, files, thumbnails) and repairs what it can.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { headEmbed } from '../arcface/heads.js';
import { FaceIndex, indexPathFor, shardPath, type IndexMeta } from '../index/hnsw.js';
import { sweepOrphans } from '../library/commit.js';
import { rebuildThumbs, thumbPath, thumbsDir } from '../library/thumbs.js';
import { ThumbJournal } from '../store/thumbs.js';
import type { Db } from '../store/db.js';
import { CheckStore } from '../store/checks.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore } from '../store/folders.js';
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
  const checks = new CheckStore(c.db);
  const bad = checks.integrityProblems();
  if (bad.length) {
    add(c, {
      code: 'integrity',
      message: 'the database file is damaged: restore a backup (facelens import-backup) into a new library',
      count: bad.length,
      examples: bad,
      repairable: false,
    });
    return false;
  }
  const fk = checks.danglingRows();
  if (fk.length) {
    const p = add(c, {
      code: 'foreign-keys',
      message: 'rows point at rows that no longer exist',
      count: fk.length,
      examples: fk.map((r) => `${r.table}#${r.rowid} -> ${r.parent}`),
      repairable: true,
    });
    if (c.repair) {
      checks.deleteRows(fk);
      p.repaired = true;
      c.actions.push(`deleted ${fk.length} rows pointing at missing rows`);
    }
  }
  return true;
}

function activeHead(c: Ctx): number {
  const checks = new CheckStore(c.db);
  const rows = checks.activeHeadIds();
  if (rows.length === 1) return rows[0]!;
  const p = add(c, { code: 'active-head', message: 'no head is active', count: 1, repairable: true });
  if (c.repair) {
    checks.activateIdentityHead();
    p.repaired = true;
    c.actions.push('made the identity head (1) active');
  }
  return 1;
}

/** Faces with no embedding of the active head (a crash mid-activation, or an old head's vectors) are re-embedded from stored features. */
function checkEmbeddings(c: Ctx, head: number): void {
  const missing = new CheckStore(c.db).facesWithoutEmbedding(head);
  if (!missing.length) return;
  const p = add(c, {
    code: 'embeddings',
    message: `faces without an embedding of the active head ${head}`,
    count: missing.length,
    examples: missing.map((id) => `face ${id}`),
    repairable: true,
  });
  if (!c.repair) return;
  const embed = headEmbed(c.db, head);
  const faces = new FaceStore(c.db);
  c.db.transaction(() => {
    for (let i = 0; i < missing.length; i += doctorOptions.batch) {
      const ids = missing.slice(i, i + doctorOptions.batch);
      const vecs = embed(ids.map((id) => faces.face(id)!.feature));
      ids.forEach((id, j) => faces.putEmbedding(id, head, vecs[j]!));
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
  const n = new CheckStore(c.db).pendingPhotos();
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
  const folders = new FolderStore(c.db).list();
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
  const gone = new CheckStore(c.db).files().filter((f) => !unreachable.has(f.folderId) && !existsSync(f.path));
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
            folderId: f.folderId,
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
  const faces = new CheckStore(c.db).faceBoxes();
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
      const made = (await rebuildThumbs(c.db, c.dbPath, missing)).length;
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
