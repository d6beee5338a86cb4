// Engine (library): importing photo folders: scan, then read/hash -> analysis workers -> one transaction per photo.
import type { Embedder } from '../arcface/embedder.js';
import type { FaceIndex } from '../index/hnsw.js';
import { ProgressTracker, type ProgressListener } from '../jobs/progress.js';
import type { Db } from '../store/db.js';
import { FaceStore } from '../store/faces.js';
import { FolderStore, type FolderRow } from '../store/folders.js';
import { MetaStore } from '../store/meta.js';
import { PhotoStore } from '../store/photos.js';
import type { ExecutionProvider, ProviderFallback } from '../vision/ort.js';
import type { AnalyzeResult } from './analyze.js';
import type { Analyzer } from './analyze-pool.js';
import { hashBytes } from '../image/hash.js';
import { statedPixels } from '../image/decode.js';
import { ReadError, readPhotoFile } from '../image/read.js';
import { InOrder } from './in-order.js';
import { scanFolders, type ScanTodo } from './scan.js';
import { rebuildThumbs, removeThumb, thumbPath, writeThumbFile } from './thumbs.js';
import { ThumbJournal } from '../store/thumbs.js';
import type { WalkHooks, WalkOptions } from './walk.js';
import { commitPhoto, linkFile, recordFileFailure, sweepOrphans } from './commit.js';

export const importOptions = {
  /**
   * Analysis workers (see [Note: import pipeline]); undefined: the pool's default, one per core. 0 is not
   * allowed: even one worker keeps inference off the thread that commits.
   */
  workers: undefined as number | undefined,
  /** Photos one analysis worker holds at once; undefined: the pool's default (see analyzePoolOptions). */
  perWorker: undefined as number | undefined,
  /**
   * Photos read and hashed ahead of what the analysis workers hold, so a worker that finishes finds its next
   * photo ready. Bounded: the importer never reads further ahead than the pool can take plus this. Reads share
   * libuv's threads with the workers' decoding, so a short window left workers waiting (bench/import.ts --ahead:
   * 6 against 2, 2 workers: 46.4 photos/s against 43.6 on 500 photos).
   */
  ahead: 6,
  /**
   * Photos analysed and waiting for an earlier photo to commit first (see [Note: commit order]): a slow photo
   * (a panorama among small ones) holds up at most this many before the workers wait too. Each holds only its
   * faces and thumbnails, not its file or pixels.
   */
  reorder: 32,
  /** Thumbnails written concurrently (files only: they are rendered by the workers) before the importer waits. */
  thumbsInFlight: 8,
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
  /** Where inference ran (undefined when no photo needed analysing), and providers that could not load. */
  provider?: ExecutionProvider;
  fallbacks?: ProviderFallback[];
  /** Analysis workers used (0 when no photo needed analysing). */
  workers: number;
}

export interface ImportContext {
  db: Db;
  dbPath: string;
  index: FaceIndex;
  embedder: Embedder;
  /** Starts the photo analysis (worker threads) when the first photo needs it; the import closes it at the end. */
  analyzer: (o: { workers?: number; perWorker?: number }) => Analyzer;
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
  | { kind: 'read'; todo: ScanTodo; hash: string; bytes: Uint8Array; size: number; mtimeMs: number };

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

    // Phase 2: the pipeline (see [Note: import pipeline]). prepare() never rejects: every problem is a 'failed' item.
    const prepare = async (todo: ScanTodo): Promise<Prepared> => {
      try {
        const file = await time('read', () => readPhotoFile(todo.ioPath));
        const hash = await time('hash', () => hashBytes(file.bytes));
        const known = photos.photoByHash(hash);
        if (known?.status === 'done')
          return { kind: 'link', todo, hash, photoId: known.id, size: file.size, mtimeMs: file.mtimeMs };
        return { kind: 'read', todo, hash, bytes: file.bytes, size: file.size, mtimeMs: file.mtimeMs };
      } catch (err) {
        if (err instanceof ReadError) return { kind: 'failed', todo, code: err.code, reason: err.message };
        return { kind: 'failed', todo, code: 'error', reason: (err as Error).message ?? String(err) };
      }
    };
    let analyzer: Analyzer | undefined;
    const analyzerNow = () =>
      (analyzer ??= ctx.analyzer({
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.perWorker !== undefined ? { perWorker: o.perWorker } : {}),
      }));
    const thumbs = new Set<Promise<void>>();
    const todo = tracker.total > 0 ? scan.todo : [];

    const fail = async (t: ScanTodo, code: string, reason: string) => {
      await time('db', () => recordFileFailure(ctx.db, photos, t, code, reason, stamp));
      tracker.tick(true, t.path);
    };
    const link = async (t: ScanTodo, photoId: number, size: number, mtimeMs: number) => {
      // Known content (a moved, renamed or duplicate file, or a photo committed since this one was read).
      await time('db', () => linkFile(ctx.db, photos, t, photoId, size, mtimeMs, stamp));
      if (t.known) sum.changed++;
      else sum.linked++;
      tracker.tick(false, t.path);
      await run.hooks?.afterCommit?.(t.path);
    };
    const doneId = (hash: string) => {
      const p = photos.photoByHash(hash);
      return p?.status === 'done' ? p.id : undefined;
    };

    /** One photo after it was analysed: record its failure, or commit it and write its thumbnails. */
    const commit = async (
      item: Extract<Prepared, { kind: 'read' }>,
      r: AnalyzeResult,
      stored: () => void,
    ): Promise<void> => {
      const t = item.todo;
      for (const [k, v] of Object.entries(r.ms)) stageMs[k as Stage] += v;
      if (r.kind === 'failed') return fail(t, r.code, r.reason);
      let vecs: Float32Array[];
      let committed: ReturnType<typeof commitPhoto>;
      try {
        vecs = ctx.embedder.embed(r.faces.map((f) => f.feature));
        committed = await time('db', () =>
          commitPhoto(
            ctx.db,
            photos,
            faces,
            t,
            { hash: item.hash, image: r.image, size: item.size, mtimeMs: item.mtimeMs },
            r.faces,
            vecs,
            ctx.embedder.headId,
            stamp,
          ),
        );
      } catch (err) {
        if (String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw err; // disk full, I/O error: stop the import
        return fail(t, 'error', `could not store the faces: ${(err as Error).message}`);
      }
      committed.faceIds.forEach((id, i) => ctx.index.add(id, vecs[i]!));
      stored(); // the next photo in order may commit while the thumbnails are written
      if (committed.linked) sum[t.known ? 'changed' : 'linked']++;
      else {
        sum[t.known ? 'changed' : 'added']++;
        sum.facesFound += r.faces.length;
      }
      // Thumbnails are derived: rendered by the worker, written after the commit under the new face ids, bounded;
      // the journal entry the commit made goes once they are on disk (a thumbnail the worker could not render,
      // or a failed write, leaves it for the next run: it never fails the photo). See [Note: thumbnail journal].
      if (committed.faceIds.length) {
        const ids = committed.faceIds;
        const p = time('thumbs', async () => {
          const written: number[] = [];
          await Promise.all(
            ids.map(async (id, i) => {
              const jpeg = r.thumbs[i];
              if (!jpeg) return;
              await writeThumbFile(thumbPath(ctx.dbPath, id), jpeg);
              written.push(id);
            }),
          );
          journal.done(written);
        })
          .catch(() => undefined)
          .finally(() => thumbs.delete(p));
        thumbs.add(p);
      }
      while (thumbs.size > o.thumbsInFlight) await Promise.race(thumbs);
      tracker.tick(false, t.path);
      await run.hooks?.afterCommit?.(t.path);
    };

    /**
     * Read, then link, fail, or analyse and commit one photo: the reading and the analysis run side by side with
     * other photos, the writing in scan order (see [Note: commit order]). `analysed` is called once the photo
     * needs no more analysis. After a cancel, a photo not yet committed is dropped whatever stage it is at (the next
     * run finds it new again): Ctrl-C stops after the photo being committed, not after every photo in flight.
     */
    const gate = new InOrder();
    const one = async (t: ScanTodo, turn: number, analysed: () => void): Promise<void> => {
      let item = await prepare(t);
      let result: AnalyzeResult | undefined;
      // Skip the analysis when an earlier photo of this run with the same content has committed already.
      if (item.kind === 'read' && doneId(item.hash) === undefined && !run.signal?.aborted) {
        const pixels = statedPixels(item.bytes);
        result = await analyzerNow().analyze({
          bytes: item.bytes,
          maxPixels: o.maxPixels,
          ...(pixels !== undefined ? { pixels } : {}),
        });
        item = { ...item, bytes: new Uint8Array(0) }; // not held while waiting for the turn
      }
      analysed();
      if (run.signal?.aborted) return;
      await gate.turn(turn);
      if (run.signal?.aborted) return;
      if (item.kind === 'failed') return fail(t, item.code, item.reason);
      if (item.kind === 'link') return link(t, item.photoId, item.size, item.mtimeMs);
      const known = doneId(item.hash); // a duplicate committed earlier in this run
      if (known !== undefined) {
        for (const [k, v] of Object.entries(result?.ms ?? {})) stageMs[k as Stage] += v;
        return link(t, known, item.size, item.mtimeMs);
      }
      return commit(item, result!, () => gate.done(turn));
    };

    // Photos in flight: being read or analysed (what the analysis pool can hold, plus `ahead` being read), and
    // analysed ones waiting for their turn to commit (at most `reorder`), on this thread, between awaits.
    let fatal: unknown;
    const analysing = new Set<Promise<void>>();
    const inFlight = new Set<Promise<void>>();
    try {
      for (let next = 0; next < todo.length && !run.signal?.aborted && fatal === undefined; next++) {
        const window = () => (analyzer?.capacity ?? 1) + o.ahead;
        while (
          (analysing.size >= window() || inFlight.size >= window() + o.reorder) &&
          fatal === undefined &&
          !run.signal?.aborted
        )
          await Promise.race([...analysing, ...inFlight]);
        if (run.signal?.aborted || fatal !== undefined) break;
        const turn = next;
        let analysed!: () => void;
        const a = new Promise<void>((resolve) => (analysed = resolve)).finally(() => analysing.delete(a));
        analysing.add(a);
        const p: Promise<void> = one(todo[turn]!, turn, analysed)
          .catch((err: unknown) => {
            fatal ??= err;
          })
          .finally(() => {
            analysed();
            gate.done(turn);
            inFlight.delete(p);
          });
        inFlight.add(p);
      }
      await Promise.all(inFlight); // after a cancel, each drops out at its next step

      await Promise.all(thumbs);
    } finally {
      await analyzer?.close();
    }
    if (fatal !== undefined) throw fatal;
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
      workers: analyzer?.workers ?? 0,
      ...(analyzer?.provider ? { provider: analyzer.provider, fallbacks: analyzer.fallbacks } : {}),
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
