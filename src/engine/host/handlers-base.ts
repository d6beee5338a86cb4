// Engine (host): contract handlers that only read the library or keep settings: status, stats, lists, faces, photos, heads, history.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../paths.js';
import { currentBackend } from '../compute/backend.js';
import { ApiError } from '../../shared/result.js';
import { Settings } from '../../shared/schemas.js';
import * as q from './queries.js';
import { registerJob, type Handlers, type HostContext } from './context.js';
import type { Progress } from '../arcface/trainer.js';
import type { TrainProgress } from '../../shared/contract.js';

/** The app's version from package.json (found from src/ or dist/, or inside a packaged app's asar). */
function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return process.env.npm_package_version ?? 'unknown';
  }
}
const pkg = { version: appVersion() };

export function notFound(what: string): never {
  throw new ApiError('not-found', `${what} does not exist (it may have been removed)`);
}

/** Which compute runs: the recognizer's ONNX Runtime provider and the TensorFlow.js backend training uses. */
export function backendName(recognition: string): string {
  const tf = currentBackend();
  return `recognition: ${recognition} · training: ${tf ? `TensorFlow.js ${tf.name}` : 'TensorFlow.js (backend chosen at the first training: GPU, then native, then wasm)'}`;
}

export const baseHandlers = (available: () => string[], recognition: () => string): Handlers => ({
  'app.status': (_a, ctx) => ({
    version: pkg.version,
    dbPath: ctx.dbPath,
    dataDir: dirname(ctx.dbPath),
    backend: backendName(recognition()),
    door: ctx.door,
    available: available(),
  }),
  'library.stats': (_a, ctx) => ({
    ...q.stats(ctx.db),
    indexSize: q.stats(ctx.db).faces,
    backend: backendName(recognition()),
  }),
  'library.folders': (_a, ctx) => q.folders(ctx.db),
  'library.failures': (a, ctx) => q.failures(ctx.db, a.offset, a.limit),
  'jobs.list': (_a, ctx) => [...ctx.jobs.values()].map(({ cancel: _c, ...job }) => job),
  'jobs.cancel': (a, ctx) => {
    const job = ctx.jobs.get(a.jobId);
    if (!job) notFound(`job ${a.jobId}`);
    job.cancel();
    return { ok: true as const };
  },
  'people.list': (a, ctx) => q.people(ctx.db, a),
  'people.get': (a, ctx) => q.person(ctx.db, a.personId) ?? notFound(`person ${a.personId}`),
  'people.faces': (a, ctx) => {
    if (!q.person(ctx.db, a.personId)) notFound(`person ${a.personId}`);
    return q.personFaces(ctx.db, a.personId, a.offset, a.limit, ctx.settings().minQuality);
  },
  'people.unknown': (a, ctx) => q.unknownFaces(ctx.db, a, ctx.settings().minQuality),
  'faces.get': (a, ctx) => q.face(ctx.db, a.faceId, ctx.settings().minQuality) ?? notFound(`face ${a.faceId}`),
  'photos.get': (a, ctx) => q.photo(ctx.db, a.photoId, ctx.settings().minQuality) ?? notFound(`photo ${a.photoId}`),
  'history.list': (a, ctx) => q.history(ctx.db, a.limit),
  'heads.list': (_a, ctx) => q.heads(ctx.db),
  'verify.faces': (a, ctx) => verifyFaces(ctx, a.faceA, a.faceB),
  'settings.get': (_a, ctx) => ctx.settings(),
  'settings.set': (a, ctx) => {
    const next = Settings.parse({ ...ctx.settings(), ...a });
    ctx.saveSettings(next);
    return next;
  },
});

/** Cosine similarity of two faces' active-head embeddings and the decision at the user's threshold. */
function verifyFaces(ctx: HostContext, a: number, b: number) {
  const ea = q.embedding(ctx.db, a) ?? notFound(`an embedding of face ${a}`);
  const eb = q.embedding(ctx.db, b) ?? notFound(`an embedding of face ${b}`);
  let s = 0;
  for (let i = 0; i < ea.vec.length; i++) s += ea.vec[i]! * eb.vec[i]!;
  const threshold = ctx.settings().verifyThreshold;
  return { similarity: s, threshold, same: s >= threshold, headId: ea.headId };
}

/** A running training job's progress event, from the trainer's progress (training and look-alike fine-tunes). */
export function trainRunning<B extends object>(base: B, p: Progress): B & TrainRunning {
  return {
    ...base,
    status: 'running',
    epoch: p.epoch,
    step: p.step,
    loss: p.loss,
    accuracy: p.accuracy,
    samplesPerSecond: p.samplesPerSec,
  };
}
type TrainRunning = {
  status: 'running';
  epoch: number;
  step: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
};

/** What a training job's work gets: its progress base, an emitter, the cancel signal, and an idle progress. */
export interface TrainJob {
  base: { jobId: string; kind: 'train'; headId: null; message: null };
  emit: (p: TrainProgress) => void;
  signal: AbortSignal;
  idle: { epoch: number; step: number; loss: null; accuracy: null; samplesPerSecond: null };
}

/**
 * Starts a training job on the host (the Train page's runs and look-alike fine-tunes): registers it so the UI can
 * list and cancel it, sends its first 'running' event, runs `work` in the background, turns a thrown error into
 * a 'failed' event and unregisters the job when it ends. `work` sends the final event itself.
 */
export function startTrainJob(
  ctx: HostContext,
  label: string,
  firstMessage: string,
  work: (job: TrainJob) => Promise<void>,
): { jobId: string } {
  const { jobId, signal } = registerJob(ctx, 'train', 'running', label);
  const job: TrainJob = {
    base: { jobId, kind: 'train', headId: null, message: null },
    emit: (p) => ctx.emit('job.progress', p),
    signal,
    idle: { epoch: 0, step: 0, loss: null, accuracy: null, samplesPerSecond: null },
  };
  job.emit({ ...job.base, ...job.idle, status: 'running', message: firstMessage });
  void (async () => {
    try {
      await work(job);
    } catch (err) {
      job.emit({ ...job.base, ...job.idle, status: 'failed', message: (err as Error).message });
    } finally {
      ctx.jobs.delete(jobId);
    }
  })();
  return { jobId };
}
