// Engine (library): importing photo folders: scan, then read/hash/decode -> detect/align/embed -> one transaction per photo.
import type { Embedder } from '../arcface/embedder.js';
import type { FaceIndex } from '../index/hnsw.js';
import { ProgressTracker, type ProgressListener } from '../jobs/progress.js';
import type { Db } from '../store/db.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore, type FolderRow } from '../store/folders.js';
import { MetaStore } from '../store/meta.js';
import { PhotoStore } from '../store/photos.js';
import type { FacePipeline, FaceResult } from '../vision/pipeline.js';
import { DecodeError, decodeImage, type DecodedImage } from '../image/decode.js';
import { hashBytes } from '../image/hash.js';
import { ReadError, readPhotoFile } from '../image/read.js';
import { scanFolders, type ScanTodo } from './scan.js';
import { rebuildThumbs, removeThumb, thumbPath, writeThumb } from './thumbs.js';
import { ThumbJournal } from '../store/thumbs.js';
import type { WalkHooks, WalkOptions } from './walk.js';
import { commitPhoto, linkFile, recordFileFailure, sweepOrphans } from './commit.js';

export const importOptions = {
  /**
   * Photos read and decoded ahead of the one being analysed. [Note: import pipeline] sharp decodes on libuv
   * threads and ORT runs inference on its own threads, so while photo i is analysed, photos i+1..i+ahead are
   * read, hashed and decoded; the JS thread only orchestrates. 2 keeps both cores of a small machine busy
   * (bench/import.ts measures 1..3) and bounds memory to ahead+1 decoded photos.
   */
  ahead: 2,
  /**
   * Photos analysed at once, each by its own FacePipeline (ORT sessions with one intra-op thread each): on a
   * 2-core machine two lanes keep both cores in inference while decoding fills the gaps (bench/import.ts).
   */
  lanes: 2,
  /** Thumbnails written concurrently (sharp, libuv) before the importer waits for one to finish. */
  thumbsInFlight: 4,
  /** Refuse decoded images with more pixels than this. */
  maxPixels: 100_000_000,
};
export type ImportOptions = typeof importOptions;

export type Stage = 'read' | 'hash' | 'decode' | 'detect' | 'describe' | 'db' | 'thumbs';

export interface ImportFailure {
  path: string;
  code: string;
  reason: string;
}

export interface ImportSummary {
  status: 'complete' | 'cancelled';
  /** New photos analysed. */
  added: number;
  /** Known paths whose content changed (analysed again, or pointed at a photo already known). */
  changed: number;
  /** New paths whose content was already in the library (moved, renamed or duplicate files): no new photo. */
  linked: number;
  unchanged: number;
  /** Photos removed because no file shows them any more (their faces, embeddings and thumbnails went with them). */
  removed: number;
  filesRemoved: number;
  facesFound: number;
  /** Files processed in this run (the progress total). */
  total: number;
  /** Every file under these folders that currently cannot be imported, with its reason. */
  failures: ImportFailure[];
  elapsedMs: number;
  /** Wall time per stage summed over photos (stages overlap: their sum exceeds elapsedMs). */
  stageMs: Record<Stage, number>;
}

export interface ImportContext {
  db: Db;
  dbPath: string;
  index: FaceIndex;
  embedder: Embedder;
  /** The face pipeline of analysis lane `lane` (0-based); calls on one pipeline are never concurrent. */
  vision: (lane: number) => Promise<FacePipeline>;
}

export interface ImportRunOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  options?: Partial<ImportOptions>;
  walk?: Partial<WalkOptions>;
  hooks?: WalkHooks & {
    /** Called after each photo's transaction commits (crash tests kill the process here). */
    afterCommit?(path: string): void | Promise<void>;
  };
}

type Prepared =
  | { kind: 'failed'; todo: ScanTodo; code: string; reason: string }
  | { kind: 'link'; todo: ScanTodo; hash: string; photoId: number; size: number; mtimeMs: number }
  | { kind: 'decoded'; todo: ScanTodo; hash: string; image: DecodedImage; size: number; mtimeMs: number };

/** Imports `folders` (rows already in the folders table) into the library; never throws for a bad file. */
export async function importFolders(
  ctx: ImportContext,
  folders: FolderRow[],
  run: ImportRunOptions = {},
): Promise<ImportSummary> {
  const o = { ...importOptions, ...run.options };
  const photos = new PhotoStore(ctx.db);
  const faces = new FaceStore(ctx.db);
  const tracker = new ProgressTracker(run.onProgress);
  const stageMs: Record<Stage, number> = { read: 0, hash: 0, decode: 0, detect: 0, describe: 0, db: 0, thumbs: 0 };
  const time = async <T>(stage: Stage, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      stageMs[stage] += performance.now() - t;
    }
  };
  const t0 = performance.now();
  const sum = { added: 0, changed: 0, linked: 0, removed: 0, filesRemoved: 0, facesFound: 0 };
  const stamp = nextStamp(ctx.db);

  try {
    // Phase 0: what an earlier run left half-done (a kill between a photo's commit and its thumbnails).
    const journal = new ThumbJournal(ctx.db);
    const pendingThumbs = journal.pending();
    if (pendingThumbs.length) {
      await time('thumbs', () => rebuildThumbs(ctx.db, ctx.dbPath, pendingThumbs));
      journal.done(pendingThumbs.map((f) => f.id));
    }

    // Phase 1: scan.
    const scan = await scanFolders(
      ctx.db,
      photos,
      folders,
      stamp,
      (f, x) => tracker.scanned(f, x),
      run.signal,
      run.walk,
      run.hooks,
    );
    tracker.begin(run.signal?.aborted ? 0 : scan.todo.length);

    // Phase 2: the pipeline. prepare() never rejects: every problem becomes a 'failed' item.
    const prepare = async (todo: ScanTodo): Promise<Prepared> => {
      try {
        const file = await time('read', () => readPhotoFile(todo.ioPath));
        const hash = await time('hash', () => hashBytes(file.bytes));
        const known = photos.photoByHash(hash);
        if (known?.status === 'done')
          return { kind: 'link', todo, hash, photoId: known.id, size: file.size, mtimeMs: file.mtimeMs };
        const image = await time('decode', () => decodeImage(file.bytes, { maxPixels: o.maxPixels }));
        return { kind: 'decoded', todo, hash, image, size: file.size, mtimeMs: file.mtimeMs };
      } catch (err) {
        if (err instanceof ReadError || err instanceof DecodeError)
          return { kind: 'failed', todo, code: err.code, reason: err.message };
        return { kind: 'failed', todo, code: 'error', reason: (err as Error).message ?? String(err) };
      }
    };
    const thumbs = new Set<Promise<void>>();
    const queue: Promise<Prepared>[] = [];
    let next = 0;
    const todo = tracker.total > 0 ? scan.todo : [];
    const lanes = Math.max(1, Math.min(o.lanes, todo.length));
    const fill = () => {
      while (queue.length < o.ahead + lanes && next < todo.length) queue.push(prepare(todo[next++]!));
    };

    /** One photo after it was prepared: record its failure, link it to known content, or analyse and commit it. */
    const handle = async (item: Prepared, lane: number): Promise<void> => {
      const t = item.todo;
      if (item.kind === 'failed') {
        await time('db', () => recordFileFailure(ctx.db, photos, t, item.code, item.reason, stamp));
        tracker.tick(true, t.path);
        return;
      }
      const knownNow =
        item.kind === 'link'
          ? item.photoId
          : photos.photoByHash(item.hash)?.status === 'done'
            ? photos.photoByHash(item.hash)!.id
            : undefined;
      if (knownNow !== undefined) {
        // Known content (a moved, renamed or duplicate file, or a photo committed since this one was prepared).
        await time('db', () => linkFile(ctx.db, photos, t, knownNow, item.size, item.mtimeMs, stamp));
        if (t.known) sum.changed++;
        else sum.linked++;
        tracker.tick(false, t.path);
        await run.hooks?.afterCommit?.(t.path);
        return;
      }
      const image = (item as Extract<Prepared, { kind: 'decoded' }>).image;
      let found: FaceResult[];
      try {
        const v = await ctx.vision(lane);
        const dets = await time('detect', () => v.detect(image));
        dets.sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h); // largest first, as FacePipeline.analyze
        found = [];
        for (const d of dets) found.push(await time('describe', () => v.describe(image, d)));
      } catch (err) {
        await time('db', () =>
          recordFileFailure(ctx.db, photos, t, 'analyze', `face analysis failed: ${(err as Error).message}`, stamp),
        );
        tracker.tick(true, t.path);
        return;
      }
      let vecs: Float32Array[];
      let committed: ReturnType<typeof commitPhoto>;
      try {
        vecs = ctx.embedder.embed(found.map((f) => f.feature));
        committed = await time('db', () =>
          commitPhoto(
            ctx.db,
            photos,
            faces,
            t,
            { hash: item.hash, image, size: item.size, mtimeMs: item.mtimeMs },
            found,
            vecs,
            ctx.embedder.headId,
            stamp,
          ),
        );
      } catch (err) {
        if (String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw err; // disk full, I/O error: stop the import
        await time('db', () =>
          recordFileFailure(ctx.db, photos, t, 'error', `could not store the faces: ${(err as Error).message}`, stamp),
        );
        tracker.tick(true, t.path);
        return;
      }
      committed.faceIds.forEach((id, i) => ctx.index.add(id, vecs[i]!));
      if (committed.linked) sum[t.known ? 'changed' : 'linked']++;
      else {
        sum[t.known ? 'changed' : 'added']++;
        sum.facesFound += found.length;
      }
      // Thumbnails are derived: written after the commit, in the background, bounded; the journal entry the commit
      // made goes once they are on disk (a failed write leaves it for the next run: it never fails the photo).
      if (committed.faceIds.length) {
        const ids = committed.faceIds;
        const p = time('thumbs', () =>
          Promise.all(ids.map((id, i) => writeThumb(thumbPath(ctx.dbPath, id), image, found[i]!.box))),
        )
          .then(() => journal.done(ids))
          .catch(() => undefined)
          .finally(() => thumbs.delete(p));
        thumbs.add(p);
      }
      while (thumbs.size > o.thumbsInFlight) await Promise.race(thumbs);
      tracker.tick(false, t.path);
      await run.hooks?.afterCommit?.(t.path);
    };

    // [Note: import pipeline] `lanes` consumers take prepared photos in order; each has its own face pipeline.
    const lane = async (n: number): Promise<void> => {
      while (queue.length > 0 && !run.signal?.aborted) {
        const item = queue.shift()!;
        fill(); // the next photos decode while this one is analysed
        await handle(await item, n);
      }
    };
    fill();
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
    await Promise.all(queue); // abandoned reads/decodes after a cancel: let them settle before the caller closes the db
    await Promise.all(thumbs);
    const cancelled = run.signal?.aborted ?? false;

    // Phase 3: what vanished. Only after a full scan: a cancelled scan has not seen everything.
    if (!cancelled) {
      ctx.db.transaction(() => {
        for (const f of scan.folders) {
          if (f.unreachable) continue;
          sum.filesRemoved += photos.deleteUnseenFiles(f.folder.path, stamp, f.unlisted).length;
          photos.deleteUnseenFailures(f.folder.path, stamp, f.unlisted);
        }
      })();
      const folderStore = new FolderStore(ctx.db);
      for (const f of scan.folders) if (!f.unreachable) folderStore.markScanned(f.folder.id);
    }
    const gone = sweepOrphans(ctx.db, photos, faces);
    sum.removed = gone.photos;
    for (const id of gone.faceIds) {
      ctx.index.remove(id);
      await removeThumb(ctx.dbPath, id);
    }
    const failures = folders
      .flatMap((f) => photos.failures(f.id))
      .map((r) => ({ path: r.path, code: r.code, reason: r.reason }));
    if (cancelled) tracker.cancel();
    else tracker.complete();
    return {
      status: cancelled ? 'cancelled' : 'complete',
      ...sum,
      unchanged: scan.unchanged,
      total: tracker.total,
      failures,
      elapsedMs: performance.now() - t0,
      stageMs,
    };
  } catch (err) {
    tracker.fail(err);
    throw err;
  }
}

/** A scan stamp larger than every earlier one (Date.now(), bumped when the clock stands still or went back). */
function nextStamp(db: Db): number {
  const meta = new MetaStore(db);
  const stamp = Math.max(Date.now(), Number(meta.get('import.lastStamp') ?? 0) + 1);
  meta.set('import.lastStamp', String(stamp));
  return stamp;
}
