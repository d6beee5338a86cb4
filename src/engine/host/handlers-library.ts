// Engine (host): contract handlers for importing (as jobs with progress events), similar faces and library figures, on the Engine facade.
import { ApiError } from '../../shared/result.js';
import type { ImportProgress } from '../../shared/contract.js';
import type { Engine } from '../engine.js';
import { FaceNotFoundError, FolderNotFoundError } from '../engine.js';
import type { JobProgress } from '../jobs/progress.js';
import { assignNewFaces } from '../cluster/incremental.js';
import * as q from './queries.js';
import { registerJob, type Handlers, type HostContext } from './context.js';
import { backendName, notFound } from './handlers-base.js';
import { faceHandlers } from './handlers-faces.js';

/** Engine progress -> the contract's import progress event. */
export function toImportProgress(jobId: string, p: JobProgress, faces: number): ImportProgress {
  const base = { jobId, kind: 'import' as const, faces, stage: null, message: null };
  switch (p.status) {
    case 'scanning':
      return {
        ...base,
        status: 'scanning',
        done: 0,
        total: p.found,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
        stage: 'scan',
      };
    case 'running':
      // The engine reports one stage while importing (hash, decode, detect, embed, store run overlapped per photo).
      return {
        ...base,
        status: 'importing',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: p.rate,
        etaSeconds: p.etaMs === undefined ? null : p.etaMs / 1000,
        stage: 'analyse',
        message: p.current ?? null,
      };
    case 'complete':
      return {
        ...base,
        status: 'complete',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: p.rate,
        etaSeconds: 0,
      };
    case 'cancelled':
      return {
        ...base,
        status: 'cancelled',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        done: p.done,
        total: p.total,
        failed: p.failed,
        rate: 0,
        etaSeconds: null,
        message: p.error,
      };
  }
}

/**
 * [Note: one import at a time] Imports run one after another on the library (the engine's index and the
 * pipeline are not shared between concurrent runs); a second request queues behind the first. After each
 * import, new faces are assigned to people incrementally (cluster/incremental), so people appear without a
 * full re-cluster.
 */
export function libraryHandlers(engine: Engine): Handlers {
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every import and library change queued before it. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  function startImport(ctx: HostContext, paths: string[]): { jobId: string } {
    const { jobId, signal } = registerJob(ctx, 'import', 'queued', paths.join(', '));
    const facesAtStart = q.stats(ctx.db).faces;
    const emit = (p: ImportProgress) => {
      const job = ctx.jobs.get(jobId);
      if (job) job.status = p.status;
      ctx.emit('job.progress', p);
    };
    queue = queue.then(async () => {
      let last: JobProgress | undefined;
      try {
        const summary = await engine.importFolders(paths, {
          signal,
          onProgress: (p) => {
            last = p;
            if (p.status === 'complete') return; // sent below, after people are assigned
            emit(toImportProgress(jobId, p, q.stats(ctx.db).faces - facesAtStart));
          },
        });
        ctx.emit('library.changed', { reason: 'import' });
        if (summary.status === 'complete') {
          const assigned = assignNewFaces(ctx.db, {
            threshold: ctx.settings().assignThreshold,
            minQuality: ctx.settings().minQuality,
          });
          ctx.emit('people.changed', { reason: 'import' });
          const done = toImportProgress(
            jobId,
            last ?? {
              status: 'complete',
              done: summary.total,
              total: summary.total,
              failed: summary.failures.length,
              rate: 0,
              elapsedMs: summary.elapsedMs,
            },
            summary.facesFound,
          );
          emit({
            ...done,
            message: `${summary.added} new photos, ${summary.facesFound} faces, ${summary.failures.length} failed; ${assigned.joined} faces joined people, ${assigned.newPeople} new groups`,
          });
        }
      } catch (err) {
        const message = err instanceof FolderNotFoundError ? err.message : `import failed: ${(err as Error).message}`;
        emit({
          jobId,
          kind: 'import',
          status: 'failed',
          stage: null,
          done: 0,
          total: 0,
          failed: 0,
          faces: 0,
          rate: 0,
          etaSeconds: null,
          message,
        });
      } finally {
        ctx.jobs.delete(jobId);
      }
    });
    return { jobId };
  }

  return {
    ...faceHandlers(engine, serial),
    'library.addFolders': (a, ctx) => startImport(ctx, a.paths),
    'library.rescan': (a, ctx) => {
      const folders = q.folders(ctx.db).filter((f) => a.folderId === undefined || f.id === a.folderId);
      if (!folders.length) notFound(a.folderId === undefined ? 'a folder in this library' : `folder ${a.folderId}`);
      return startImport(
        ctx,
        folders.map((f) => f.path),
      );
    },
    'library.stats': (_a, ctx) => {
      const s = engine.stats();
      return { ...q.stats(ctx.db), indexSize: s.indexSize, backend: backendName(s.backend) };
    },
    'faces.similar': (a, ctx) => {
      try {
        const near = engine.similar(a.faceId, a.k);
        const faces = q.facesByIds(
          ctx.db,
          near.map((n) => n.faceId),
          ctx.settings().minQuality,
        );
        const byId = new Map(faces.map((f) => [f.id, f]));
        return near.flatMap((n) =>
          byId.has(n.faceId) ? [{ face: byId.get(n.faceId)!, similarity: n.similarity }] : [],
        );
      } catch (err) {
        if (err instanceof FaceNotFoundError) throw new ApiError('not-found', err.message);
        throw err;
      }
    },
  };
}
