// Engine (api): ArcFace heads — training runs (a job for the UI, awaited for the CLI), the loss lab, head versions and activation.
import type { Service, ParsedArgs, Value } from '../../shared/contract.js';
import { ApiError } from '../../shared/result.js';
import type { Head } from '../../shared/schemas.js';
import { embedAll } from '../arcface/evaluate.js';
import { activateHeadFast, loadHeadWeights } from '../arcface/heads.js';
import { runLab, tinyEmbeddings, type LabOptions, type LabResult, type TinyEmbedding } from '../arcface/lab.js';
import { parseLoss, targetLogitCurves, type LossOverrides, type LossSpec } from '../arcface/loss-spec.js';
import { prepare, runTraining, type Prepared, type RunReport, type UnseenSource } from '../arcface/run.js';
import type { Progress, TrainConfig } from '../arcface/trainer.js';
import type { BackendName } from '../compute/backend.js';
import * as views from '../store/views.js';
import type { Core } from './core.js';
import { startTrainJob, trainRunning } from './train-job.js';

// Names and types the command line parses into and prints from.
export { LOSS_NAMES, parseLoss, SEED_LOSSES, type LossOverrides, type LossSpec } from '../arcface/loss-spec.js';
export { labTable as labText, type LabResult, type TinyEmbedding } from '../arcface/lab.js';
export type { Prepared, RunReport } from '../arcface/run.js';
export type { TrainConfig, Progress } from '../arcface/trainer.js';
export type { Verification } from '../arcface/evaluate.js';
export type { BackendName } from '../compute/backend.js';

/** Limits of the feature picture, in one place: a few identities, a bounded number of points each. */
export const pictureOptions = { identities: 6, pointsPerIdentity: 80 };

type Picture = { dim: 2 | 3; points: { label: string; v: number[] }[] };

/** Where a run's faces come from, and how they are split. */
export interface TrainData {
  /** DIR/<person>/<photos>; without it, the people named in the library. */
  labels?: string;
  /** The labelled photos are 112x112 aligned crops (no detection). */
  aligned?: boolean;
  /** Only these named people (default: every named, visible person). */
  personIds?: readonly number[];
  /** Also verify on a pairs file of other identities (LFW pairs.txt or CSV). */
  unseen?: UnseenSource;
  holdout: number;
  seed: number;
  onFeatures?: (done: number, total: number, cached: number) => void;
}

export interface TrainRunOptions {
  loss: LossSpec;
  /** Fine-tune the active head (default) or train a new one from a random start. */
  mode?: 'finetune' | 'train';
  config?: Partial<TrainConfig>;
  blend?: number;
  /** 2 or 3 for the seed's drawable picture (never stored); default 512. */
  embeddingDim?: number;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Make the new head active once stored (through the serial queue, like heads.activate). */
  activate?: boolean;
}

/**
 * [Note: training from the UI] A run trains on the library's named people (their stored features: no photo is
 * decoded) or on a labelled folder, in the arcface engine's worker thread. A 512-D run fine-tunes the active head
 * and stores a new head the user may activate; a 2-D/3-D run trains a tiny head from scratch only to draw how the
 * loss spreads identities on the circle/sphere, and its picture is kept in memory for the session.
 */
export class TrainService implements Service<'train'> {
  readonly #pictures = new Map<string, Picture>();

  constructor(
    private readonly c: Core,
    private readonly heads: HeadsService,
  ) {}

  /** The seed's figure: target logit against theta for the chosen margins (pure maths, no training). */
  curves(a: ParsedArgs<'train.curves'>): Value<'train.curves'> {
    return targetLogitCurves(a.curves.map(({ loss, margins }) => this.#loss(loss, margins)));
  }

  /** A training run as a job with live progress; its last event names the new head. */
  async start(a: ParsedArgs<'train.start'>): Promise<Value<'train.start'>> {
    const loss = this.#loss(a.loss, a.margins);
    // A labels folder from a door must be one the user chose ([Note: paths are capabilities]); checked before the job.
    const labels = a.labelsDir ? await this.c.grants.check(a.labelsDir, 'the labels folder') : undefined;
    return startTrainJob(this.c, a.loss, 'preparing features', async ({ base, emit, signal }) => {
      const small = a.embeddingDim !== 512;
      const { report, prepared } = await this.run(
        {
          ...(labels ? { labels } : {}),
          aligned: a.aligned,
          ...(a.personIds?.length ? { personIds: a.personIds } : {}),
          holdout: a.holdout,
          seed: a.seed,
        },
        {
          loss,
          mode: small ? 'train' : 'finetune',
          config: { epochs: a.epochs },
          embeddingDim: a.embeddingDim,
          signal,
          onProgress: (p) => emit(trainRunning(base, p)),
        },
      );
      if (small) this.#pictures.set(base.jobId, picture(prepared, report, a.embeddingDim as 2 | 3));
      const last = report.curve.at(-1);
      // The backend is not repeated here: the head's metrics hold it and the Train page says it once.
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

  /** Points of a finished 2-D/3-D run's features for a few identities (the seed's softmax-vs-ArcFace picture). */
  featurePicture(a: ParsedArgs<'train.featurePicture'>): Value<'train.featurePicture'> {
    const p = this.#pictures.get(a.jobId);
    if (!p)
      throw new ApiError('not-found', `no feature picture of job ${a.jobId}: train with a 2-D or 3-D embedding first`);
    return p;
  }

  /** The data of a run: features (cached by content for labelled folders), the seeded split, unseen pairs. */
  async prepare(d: TrainData): Promise<Prepared> {
    return prepare(
      this.c.db,
      {
        ...(d.labels ? { labels: d.labels } : {}),
        aligned: d.aligned ?? false,
        ...(d.personIds ? { personIds: d.personIds } : {}),
        pipeline: () => this.c.vision(),
        ...(d.onFeatures ? { onFeatures: d.onFeatures } : {}),
      },
      { holdout: d.holdout, seed: d.seed, ...(d.unseen ? { unseen: d.unseen } : {}) },
    );
  }

  /** One training run end to end: before/after on held-out faces (and unseen pairs), the head stored. */
  async run(
    d: TrainData | Prepared,
    o: TrainRunOptions,
  ): Promise<{ report: RunReport; prepared: Prepared; activated?: Value<'heads.activate'> }> {
    const prepared = 'dataset' in d ? d : await this.prepare(d);
    const report = await runTraining(this.c.db, prepared, {
      loss: o.loss,
      mode: o.mode ?? 'finetune',
      ...(o.config ? { config: o.config } : {}),
      ...(o.blend !== undefined ? { blend: o.blend } : {}),
      ...(o.embeddingDim !== undefined ? { embeddingDim: o.embeddingDim } : {}),
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    if (report.headId !== undefined) this.c.emit('library.changed', { reason: 'head trained' });
    const activated =
      o.activate && report.headId !== undefined ? await this.heads.activate({ headId: report.headId }) : undefined;
    return { report, prepared, ...(activated ? { activated } : {}) };
  }

  /** The loss lab: one head per loss on one split, nothing stored; the seed-shaped table. */
  lab(p: Prepared, o: LabOptions): Promise<LabResult> {
    return runLab(this.c.db, p, o);
  }

  /** Tiny 2-D/3-D heads per loss, as points to draw (the seed's picture). */
  tiny(
    p: Prepared,
    losses: readonly string[],
    dim: 2 | 3,
    o: Omit<LabOptions, 'losses'> = {},
  ): Promise<TinyEmbedding[]> {
    return tinyEmbeddings(this.c.db, p, losses, dim, o);
  }

  #loss(name: string, margins?: LossOverrides): LossSpec {
    try {
      return parseLoss(name, margins);
    } catch (err) {
      throw new ApiError('invalid-args', (err as Error).message);
    }
  }
}

function picture(prepared: Prepared, report: RunReport, dim: 2 | 3): Picture {
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
  return { dim, points };
}

export class HeadsService implements Service<'heads'> {
  constructor(private readonly c: Core) {}

  list(_a: ParsedArgs<'heads.list'> = {}): Value<'heads.list'> {
    return views.heads(this.c.db);
  }

  /**
   * Makes a head active: every face re-embedded from its stored feature and the index rebuilt, in the serial queue,
   * so no import can store faces under the old head meanwhile ([Note: one serial queue]).
   */
  activate(a: ParsedArgs<'heads.activate'>): Promise<Value<'heads.activate'>> {
    if (!views.heads(this.c.db).some((h) => h.id === a.headId))
      throw new ApiError('not-found', `head ${a.headId} does not exist (see the list of heads)`);
    return this.c.serial(async () => {
      loadHeadWeights(this.c.db, a.headId);
      const r = await activateHeadFast(this.c.db, a.headId, this.c.dbPath);
      this.c.emit('library.changed', { reason: 'head activated' });
      this.c.emit('people.changed', { reason: 'head activated' });
      return { reembedded: r.faces };
    });
  }
}

export class LabService implements Service<'lab'> {
  constructor(private readonly c: Core) {}

  /**
   * The loss lab of this library: one row per trained head (its loss and margins, and the verification figures
   * stored when it was trained: held-out faces before -> after, unseen pairs when a pairs file was given), in the
   * shape of the seed's table. `engine.train.lab` compares losses on one split.
   */
  table(_a: ParsedArgs<'lab.table'> = {}): Value<'lab.table'> {
    return labTable(views.heads(this.c.db));
  }
}

export function labTable(heads: Head[]): Value<'lab.table'> {
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
