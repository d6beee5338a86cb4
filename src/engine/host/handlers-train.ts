// Engine (host): contract handlers for training heads (a job with live progress), activating heads and the 2-D/3-D feature picture, on the arcface engine.
import { ApiError } from '../../shared/result.js';
import type { Engine } from '../engine.js';
import { parseLoss } from '../arcface/loss-spec.js';
import { prepare, runTraining } from '../arcface/run.js';
import { embedAll } from '../arcface/evaluate.js';
import { activateHeadFast } from '../arcface/heads.js';
import * as q from './queries.js';
import type { Handlers, HostContext } from './context.js';
import { notFound, startTrainJob, trainRunning } from './handlers-base.js';

/** Limits of the feature picture, in one place: a few identities, a bounded number of points each. */
export const pictureOptions = { identities: 6, pointsPerIdentity: 80 };

type Picture = { dim: 2 | 3; points: { label: string; v: number[] }[] };

/**
 * [Note: training from the UI] A run trains on the library's named people (their stored features: no photo is
 * decoded) or on a labelled folder, in the arcface engine's worker thread. A 512-D run fine-tunes the active head
 * and stores a new head the user may activate; a 2-D/3-D run trains a tiny head from scratch only to draw how the
 * loss spreads identities on the circle/sphere, and its picture is kept in memory for the session.
 */
export function trainHandlers(engine: Engine): Handlers {
  const pictures = new Map<string, Picture>();

  function start(ctx: HostContext, a: Parameters<NonNullable<Handlers['train.start']>>[0]): { jobId: string } {
    const named = q
      .people(ctx.db, { offset: 0, limit: 5000, includeHidden: false, named: 'named' })
      .items.map((p) => p.id);
    if (a.personIds?.length && (a.personIds.length !== named.length || a.personIds.some((id) => !named.includes(id)))) {
      throw new ApiError(
        'not-available',
        'training on a chosen subset of people is not available yet: leave the choice empty to train on every named person',
      );
    }
    const loss = parseLoss(a.loss, a.margins);
    return startTrainJob(ctx, a.loss, 'preparing features', async ({ base, emit, signal }) => {
      const prepared = await prepare(
        ctx.db,
        { labels: a.labelsDir, aligned: a.aligned, pipeline: () => engine.vision() },
        { holdout: a.holdout, seed: a.seed },
      );
      const small = a.embeddingDim !== 512;
      const report = await runTraining(ctx.db, prepared, {
        loss,
        mode: small ? 'train' : 'finetune',
        config: { epochs: a.epochs },
        embeddingDim: a.embeddingDim,
        signal,
        onProgress: (p) => emit(trainRunning(base, p)),
      });
      if (small) {
        const d = prepared.dataset;
        const emb = embedAll(report.weights, d.features);
        const taken = new Map<number, number>();
        const points: Picture['points'] = [];
        d.labels.forEach((label, i) => {
          if (label >= pictureOptions.identities) return;
          const n = taken.get(label) ?? 0;
          if (n >= pictureOptions.pointsPerIdentity) return;
          taken.set(label, n + 1);
          points.push({ label: d.identities[label] ?? String(label), v: [...emb[i]!] });
        });
        pictures.set(base.jobId, { dim: a.embeddingDim as 2 | 3, points });
      }
      const last = report.curve.at(-1);
      const figures = `held-out TAR@FAR1e-3 ${report.before.tarAtFar1e3.toFixed(3)} → ${report.after.tarAtFar1e3.toFixed(3)}, AUC ${report.before.auc.toFixed(4)} → ${report.after.auc.toFixed(4)}`;
      emit({
        ...base,
        status: report.cancelled ? 'cancelled' : 'complete',
        epoch: a.epochs,
        step: last?.step ?? 0,
        loss: last?.loss ?? null,
        accuracy: last?.accuracy ?? null,
        samplesPerSecond: report.samplesPerSec,
        headId: report.headId ?? null,
        message: report.cancelled ? 'cancelled' : figures,
      });
    });
  }

  return {
    'train.start': (a, ctx) => start(ctx, a),
    'lab.table': (_a, ctx) => labTable(q.heads(ctx.db)),
    'train.featurePicture': (a) =>
      pictures.get(a.jobId) ??
      notFound(`a feature picture of job ${a.jobId} (train with a 2-D or 3-D embedding first)`),
    'heads.activate': async (a, ctx) => {
      if (!q.heads(ctx.db).some((h) => h.id === a.headId)) notFound(`head ${a.headId}`);
      const r = await activateHeadFast(ctx.db, a.headId, ctx.dbPath);
      ctx.emit('library.changed', { reason: 'head activated' });
      return { reembedded: r.faces };
    },
  };
}

/**
 * The loss lab of this library: one row per trained head (its loss and margins, and the verification figures
 * stored when it was trained: held-out faces before -> after, unseen pairs when a pairs file was given), in the
 * shape of the seed's table. The `lab` command compares losses on one split from the terminal.
 */
export function labTable(heads: ReturnType<typeof q.heads>): { columns: string[]; rows: (string | number | null)[][] } {
  const num = (o: unknown, k: string): number | null => {
    const v = o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
    return typeof v === 'number' ? v : null;
  };
  const rows = heads
    .filter((h) => h.kind !== 'identity')
    .map((h) => {
      const loss = h.config.loss as Record<string, unknown> | string | undefined;
      const name = typeof loss === 'string' ? loss : typeof loss?.name === 'string' ? loss.name : '?';
      const margins =
        typeof loss === 'object' && loss
          ? `s ${num(loss, 's')} m1 ${num(loss, 'm1')} m2 ${num(loss, 'm2')} m3 ${num(loss, 'm3')}`
          : '';
      const m = h.metrics;
      return [
        h.id,
        name,
        margins,
        num(m.before, 'auc'),
        num(m.after, 'auc'),
        num(m.before, 'tarAtFar1e3'),
        num(m.after, 'tarAtFar1e3'),
        num(m.unseenBefore, 'accuracy'),
        num(m.unseenAfter, 'accuracy'),
      ];
    });
  return {
    columns: [
      'head',
      'loss',
      'margins',
      'AUC before',
      'AUC after',
      'TAR@FAR1e-3 before',
      'TAR@FAR1e-3 after',
      'unseen accuracy before',
      'unseen accuracy after',
    ],
    rows,
  };
}
