// Engine (lookalike): fine-tune the ArcFace head on two look-alikes among the named people; separation before/after on held-out faces only.
import type { BackendName } from '../compute/backend.js';
import { splitHoldout, type Dataset } from '../arcface/dataset.js';
import { embedAll } from '../arcface/evaluate.js';
import type { HeadWeights } from '../arcface/head-weights.js';
import { activeHeadId, listHeads, loadHeadWeights, updateHeadMetrics } from '../arcface/heads.js';
import { parseLoss } from '../arcface/loss-spec.js';
import { RUN_DEFAULTS, runTraining, type Prepared } from '../arcface/run.js';
import type { Progress } from '../arcface/trainer.js';
import type { Verification } from '../arcface/evaluate.js';
import type { Db } from '../store/db.js';
import { lookalikeDataset } from './faces.js';
import { spread, separationOptions } from './separation.js';
import {
  crossScores,
  farThreshold,
  lookalikeOptions,
  separationStats,
  thresholdsWith,
  type FarPoint,
  type SeparationStats,
} from './stats.js';

export const fineTuneOptions = {
  /** Share of each identity's faces held out for the before/after (the trainer never sees them). */
  holdout: RUN_DEFAULTS.holdout,
  seed: RUN_DEFAULTS.seed,
  loss: 'arcface',
};

export interface LookalikeRunOptions {
  holdout?: number;
  seed?: number;
  /** A loss of the margin family (default ArcFace s=64, m=0.5). */
  loss?: string;
  epochs?: number;
  /** Weight-space blend towards the start head (see run.ts); default the fine-tune default. */
  blend?: number;
  backend?: BackendName;
  /** Store the new head (default true for the library, false for a labelled folder). */
  store?: boolean;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** One head measured on the held-out faces of A and B. */
export interface HeadSeparation {
  headId: number | null;
  farPoint: FarPoint | null;
  stats: SeparationStats;
}

export interface LookalikeReport {
  a: { label: string; personId: number | null };
  b: { label: string; personId: number | null };
  identities: number;
  holdout: number;
  seed: number;
  /** Faces the trainer saw and faces held out, for A, B and all identities; sources are 'face:ID' or file paths. */
  split: {
    train: { a: number; b: number; total: number };
    test: { a: number; b: number; total: number };
    heldOut: { a: string[]; b: string[] };
    trained: { a: string[]; b: string[] };
  };
  startHeadId: number;
  headId: number | null;
  loss: string;
  epochs: number;
  backend: string;
  seconds: number;
  cancelled: boolean;
  before: HeadSeparation;
  after: HeadSeparation;
  /** The trainer's own before/after over every held-out identity (AUC, TAR@FAR...). */
  overall: { before: Verification; after: Verification };
}

/**
 * [Note: look-alike fine-tune] When the user separates two look-alikes, the head that merged them gets a
 * lesson on exactly that: the active head is fine-tuned with an additive angular margin (ArcFace, s=64, m=0.5)
 * on the user's named people, A and B among them, so the margin pushes A's class away from B's while every
 * other named person keeps the head honest. A seeded share of each person's faces is held out before training;
 * the separation of A and B is measured on held-out faces only, under the start head and the new one, with the
 * FAR operating point calibrated on the held-out faces of the other people (never on training faces). The run
 * stores a new head (not activated) with these figures in its metrics, so the user can look, then activate.
 */
export async function lookalikeOnSplit(
  db: Db,
  p: Prepared,
  la: number,
  lb: number,
  o: LookalikeRunOptions & { name?: string; personIds?: (number | null)[] } = {},
): Promise<LookalikeReport> {
  const d = p.dataset;
  const startHeadId = activeHeadId(db);
  const start = loadHeadWeights(db, startHeadId);
  const loss = parseLoss(o.loss ?? fineTuneOptions.loss);
  const run = await runTraining(db, p, {
    loss,
    mode: 'finetune',
    config: o.epochs !== undefined ? { epochs: o.epochs } : {},
    ...(o.blend !== undefined ? { blend: o.blend } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    store: o.store ?? true,
    name: o.name ?? `${loss.name} fine-tuned to tell ${d.identities[la]} from ${d.identities[lb]}`,
  });
  const of = (idx: number[], l: number) => idx.filter((i) => d.labels[i] === l);
  const testA = of(p.test, la);
  const testB = of(p.test, lb);
  const before = measureHeldOut(p, la, lb, start, startHeadId);
  const after = measureHeldOut(p, la, lb, run.weights, run.headId ?? null);
  const report: LookalikeReport = {
    a: { label: d.identities[la]!, personId: o.personIds?.[la] ?? null },
    b: { label: d.identities[lb]!, personId: o.personIds?.[lb] ?? null },
    identities: d.identities.length,
    holdout: p.holdout,
    seed: p.seed,
    split: {
      train: { a: of(p.train, la).length, b: of(p.train, lb).length, total: p.train.length },
      test: { a: testA.length, b: testB.length, total: p.test.length },
      heldOut: { a: testA.map((i) => d.sources[i]!), b: testB.map((i) => d.sources[i]!) },
      trained: { a: of(p.train, la).map((i) => d.sources[i]!), b: of(p.train, lb).map((i) => d.sources[i]!) },
    },
    startHeadId,
    headId: run.headId ?? null,
    loss: run.loss,
    epochs: run.config.epochs,
    backend: run.backend,
    seconds: run.seconds,
    cancelled: run.cancelled,
    before,
    after,
    overall: { before: run.before, after: run.after },
  };
  if (run.headId !== undefined) {
    const metrics = listHeads(db).find((h) => h.id === run.headId)?.metrics ?? {};
    updateHeadMetrics(db, run.headId, { ...metrics, lookalike: report });
  }
  return report;
}

/**
 * The separation of labels `la` and `lb` under `head`, on the held-out faces of the split only, with the FAR
 * point calibrated on the held-out faces of the other identities ([Note: look-alike fine-tune]).
 */
export function measureHeldOut(
  p: Prepared,
  la: number,
  lb: number,
  head: HeadWeights | undefined,
  headId: number | null,
): HeadSeparation {
  const d = p.dataset;
  const rows = (l: number) => p.test.filter((i) => d.labels[i] === l);
  const embed = (idx: number[]) =>
    embedAll(
      head,
      idx.map((i) => d.features[i]!),
    );
  const groups: Float32Array[][] = [];
  let budget = separationOptions.calibrationFaces;
  for (let l = 0; l < d.identities.length && budget > 0; l++) {
    if (l === la || l === lb) continue;
    const idx = spread(rows(l), Math.min(separationOptions.calibrationFacesPerPerson, budget));
    if (idx.length === 0) continue;
    budget -= idx.length;
    groups.push(embed(idx));
  }
  const point = farThreshold(crossScores(groups, lookalikeOptions.maxCalibrationPairs), lookalikeOptions.far);
  return {
    headId,
    farPoint: point ?? null,
    stats: separationStats(embed(rows(la)), embed(rows(lb)), thresholdsWith(point)),
  };
}

/** Prepared split of a dataset with A and B checked for enough faces. */
export function splitFor(d: Dataset, la: number, lb: number, holdout: number, seed: number): Prepared {
  for (const l of [la, lb]) {
    const n = d.labels.filter((x) => x === l).length;
    if (n < lookalikeOptions.minFaces)
      throw new Error(
        `${d.identities[l]} has ${n} usable face(s); separating look-alikes needs at least ${lookalikeOptions.minFaces} each (some to train on, some held out)`,
      );
  }
  if (!(holdout > 0 && holdout < 1)) throw new Error(`holdout must be in (0, 1), got ${holdout}`);
  const { train, test } = splitHoldout(d.labels, holdout, seed);
  return { dataset: d, train, test, holdout, seed };
}

/**
 * Fine-tunes a head from the active one on the named people plus persons `a` and `b` (named or not) and reports
 * their separation before and after on held-out faces ([Note: look-alike fine-tune]). The new head is stored,
 * with the report under `metrics.lookalike`, and is not activated.
 */
export async function fineTuneLookalikes(
  db: Db,
  a: number,
  b: number,
  o: LookalikeRunOptions & { userOnly?: boolean } = {},
): Promise<LookalikeReport> {
  if (a === b) throw new Error('choose two different people');
  const { dataset, personIds } = lookalikeDataset(db, a, b, o.userOnly !== undefined ? { userOnly: o.userOnly } : {});
  const p = splitFor(dataset, 0, 1, o.holdout ?? fineTuneOptions.holdout, o.seed ?? fineTuneOptions.seed);
  return lookalikeOnSplit(db, p, 0, 1, { ...o, personIds });
}

/** The look-alike report stored with head `headId`, if it was trained by a look-alike fine-tune. */
export function storedLookalike(db: Db, headId: number): LookalikeReport | undefined {
  const h = listHeads(db).find((x) => x.id === headId);
  if (!h) throw new Error(`no head ${headId} in this library`);
  return h.metrics.lookalike as LookalikeReport | undefined;
}
