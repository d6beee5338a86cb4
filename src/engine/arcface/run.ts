// Engine (arcface): one training run end to end: data, seeded split, start head, train off-thread, before/after, stored head.
import { join } from 'node:path';
import type { BackendInfo, BackendName } from '../compute/backend.js';
import type { Db } from '../store/db.js';
import { loadPairs, type PairSet } from '../verify/pairs.js';
import type { FacePipeline } from '../vision/pipeline.js';
import { labelledDataset, pack, peopleDataset, splitHoldout, type Dataset } from './dataset.js';
import { embedAll, heldOutPairs, verifyPairs, verifyPairSet, type Verification } from './evaluate.js';
import { featuresOf } from './features.js';
import { blendWeights, identityWeights, randomWeights, type HeadWeights } from './head-weights.js';
import { activeHeadId, loadHeadWeights, saveHead } from './heads.js';
import type { LossSpec } from './loss-spec.js';
import { trainInWorker } from './train-thread.js';
import { resolveConfig, TRAINER_DEFAULTS, type Progress, type TrainConfig } from './trainer.js';

/** Defaults per mode: fine-tuning moves a working head gently; training from scratch needs the paper's LR. */
export const RUN_DEFAULTS = {
  finetune: { lr: 0.01, epochs: 40, bn: 'frozen' as const, anchor: true, blend: 0.5 },
  train: { lr: 0.1, epochs: 60, bn: 'batch' as const, anchor: false, blend: 1 },
  holdout: 0.5,
  seed: 1,
};

export interface DataSource {
  /** DIR/<person>/... ; undefined = the named people of the library. */
  labels?: string;
  /** Only these named people of the library (default: every named person). */
  personIds?: readonly number[];
  aligned?: boolean;
  pipeline: () => Promise<FacePipeline>;
  /** Dispose the pipeline after computing features (set when `pipeline` opens a fresh one). */
  releasePipeline?: boolean;
  onFeatures?: (done: number, total: number, cached: number) => void;
}

export interface UnseenSource {
  pairs: string;
  root: string;
  aligned?: boolean;
}

/** The data every run of a lab or a train command shares: features, split, unseen pair features. */
export interface Prepared {
  dataset: Dataset;
  train: number[];
  test: number[];
  holdout: number;
  seed: number;
  unseen?: { set: PairSet; features: Map<string, Float32Array>; failures: number; file: string };
}

export async function prepare(
  db: Db,
  src: DataSource,
  opts: { holdout: number; seed: number; unseen?: UnseenSource },
): Promise<Prepared> {
  const dataset = src.labels
    ? await labelledDataset(db, src.labels, {
        aligned: src.aligned ?? false,
        pipeline: src.pipeline,
        releasePipeline: src.releasePipeline ?? false,
        ...(src.onFeatures ? { onProgress: src.onFeatures } : {}),
      })
    : peopleDataset(db, src.personIds ? { personIds: src.personIds } : {});
  if (dataset.identities.length < 2)
    throw new Error(`training needs at least 2 identities with 2+ faces each; found ${dataset.identities.length}`);
  const { train, test } = splitHoldout(dataset.labels, opts.holdout, opts.seed);
  const prepared: Prepared = { dataset, train, test, holdout: opts.holdout, seed: opts.seed };
  if (opts.unseen) {
    const set = loadPairs(opts.unseen.pairs);
    const files = [...new Set(set.pairs.flatMap((p) => [p.a, p.b]))];
    const got = await featuresOf(
      db,
      files.map((f) => join(opts.unseen!.root, f)),
      {
        aligned: opts.unseen.aligned ?? false,
        pipeline: src.pipeline,
        releasePipeline: src.releasePipeline ?? false,
        ...(src.onFeatures ? { onProgress: src.onFeatures } : {}),
      },
    );
    const features = new Map<string, Float32Array>();
    let failures = 0;
    files.forEach((f) => {
      const r = got.get(join(opts.unseen!.root, f))!;
      if ('feature' in r) features.set(f, r.feature);
      else failures++;
    });
    prepared.unseen = { set, features, failures, file: opts.unseen.pairs };
  }
  return prepared;
}

export interface RunOptions {
  loss: LossSpec;
  mode: 'finetune' | 'train';
  /** Overrides of the trainer's settings (epochs, lr, batchSize, ...). */
  config?: Partial<TrainConfig>;
  /** Embedding size of a head trained from scratch (2 or 3 for the seed's drawable picture). */
  embeddingDim?: number;
  backend?: BackendName;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Weight-space blend towards the start after fine-tuning ([Note: weight-space blend after fine-tuning]); 1 = the tuned head. */
  blend?: number;
  /** Store the new head (default true); the lab keeps only figures. */
  store?: boolean;
  name?: string;
}

export interface RunReport {
  headId?: number;
  parentId: number | null;
  /** The head "before" was measured with (the active head). */
  startId: number;
  backend: BackendName;
  backendInfo: BackendInfo;
  loss: string;
  mode: 'finetune' | 'train';
  config: TrainConfig;
  identities: number;
  trainFaces: number;
  testFaces: number;
  before: Verification;
  after: Verification;
  unseenBefore?: Verification;
  unseenAfter?: Verification;
  curve: { step: number; loss: number; accuracy: number; lr: number }[];
  seconds: number;
  samplesPerSec: number;
  cancelled: boolean;
  /** The stored weights (after the blend; not printed). */
  weights: HeadWeights;
  blend: number;
}

/** Trains one head on a prepared split and measures the start head and the new one on the same pairs. */
export async function runTraining(db: Db, p: Prepared, o: RunOptions): Promise<RunReport> {
  const d = p.dataset;
  // "before" is always the library's active head (the one the user has now); fine-tuning also starts from it.
  const activeId = activeHeadId(db);
  const parentId = o.mode === 'finetune' ? activeId : null;
  const defaults = RUN_DEFAULTS[o.mode];
  const cfg = resolveConfig({
    loss: o.loss,
    seed: p.seed,
    lr: defaults.lr,
    epochs: defaults.epochs,
    bn: defaults.bn,
    anchor: defaults.anchor,
    ...o.config,
  });
  const dimOut = o.embeddingDim ?? 512;
  const start: HeadWeights | undefined = loadHeadWeights(db, activeId);
  const init = o.mode === 'finetune' ? (start ?? identityWeights(512)) : randomWeights(512, dimOut, p.seed);
  const testFeatures = p.test.map((i) => d.features[i]!);
  const testLabels = p.test.map((i) => d.labels[i]!);
  const pairs = heldOutPairs(testLabels, p.seed);
  const before = verifyPairs(embedAll(start, testFeatures), pairs);
  const data = {
    features: pack(d.features, p.train),
    labels: Int32Array.from(p.train.map((i) => d.labels[i]!)),
    numClasses: d.identities.length,
  };
  const out = await trainInWorker(data, init, cfg, {
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
  });
  const blend = o.mode === 'finetune' ? (o.blend ?? defaults.blend) : 1;
  if (!(blend > 0 && blend <= 1)) throw new Error(`--blend must be in (0, 1], got ${blend}`);
  const weights = blend === 1 ? out.weights : blendWeights(init, out.weights, blend);
  const after = verifyPairs(embedAll(weights, testFeatures), pairs);
  const report: RunReport = {
    parentId,
    startId: activeId,
    backend: out.backend.name,
    backendInfo: out.backend,
    loss: o.loss.name,
    mode: o.mode,
    config: cfg,
    identities: d.identities.length,
    trainFaces: p.train.length,
    testFaces: p.test.length,
    before,
    after,
    curve: out.curve,
    seconds: out.seconds,
    samplesPerSec: out.samplesPerSec,
    cancelled: out.cancelled,
    weights,
    blend,
  };
  if (p.unseen) {
    report.unseenBefore = verifyPairSet(start, p.unseen.set, p.unseen.features);
    report.unseenAfter = verifyPairSet(weights, p.unseen.set, p.unseen.features);
  }
  if ((o.store ?? true) && !out.cancelled && dimOut === 512) {
    report.headId = saveHead(db, {
      name: o.name ?? headName(o.loss.name, o.mode, cfg.epochs, d.identities, new Date()),
      kind: o.mode === 'finetune' ? 'finetuned' : 'trained',
      parentId,
      config: {
        ...cfg,
        mode: o.mode,
        blend,
        holdout: p.holdout,
        identities: d.identities,
        trainFaces: p.train.length,
        testFaces: p.test.length,
      },
      metrics: {
        backend: out.backend.name,
        before,
        after,
        ...(report.unseenBefore
          ? { unseenBefore: report.unseenBefore, unseenAfter: report.unseenAfter, unseenPairs: p.unseen!.file }
          : {}),
        curve: out.curve,
        seconds: out.seconds,
        samplesPerSec: out.samplesPerSec,
      },
      weights,
    });
  }
  return report;
}

/**
 * [Note: head names] A head is named for the person choosing it on the Train and Verify pages: its loss, how
 * long it trained, whom it learnt and when ("arcface fine-tune · 20 epochs · Ann, Bob, Cy · 2025-03-14 09:26"),
 * so two runs on the same people with other settings, or on other days, never share a name.
 */
export function headName(
  loss: string,
  mode: 'finetune' | 'train',
  epochs: number,
  identities: readonly string[],
  at: Date,
): string {
  const shown = 3;
  const who =
    identities.length <= shown
      ? identities.join(', ')
      : `${identities.length} people (${identities.slice(0, shown - 1).join(', ')}, …)`;
  const two = (n: number) => String(n).padStart(2, '0');
  const when = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
  return `${loss} ${mode === 'finetune' ? 'fine-tune' : 'head'} · ${epochs} epochs · ${who} · ${when}`;
}

export { TRAINER_DEFAULTS };
