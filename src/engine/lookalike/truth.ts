// Engine (lookalike): the same before/after on a labelled folder (DIR/<person>/...), and choosing the closest pair of identities by measurement.
import { labelledDataset, splitHoldout, type Dataset } from '../arcface/dataset.js';
import { embedAll } from '../arcface/evaluate.js';
import type { HeadWeights } from '../arcface/head-weights.js';
import type { Db } from '../store/db.js';
import type { FacePipeline } from '../vision/pipeline.js';
import { parseLoss } from '../arcface/loss-spec.js';
import { runTraining, type Prepared } from '../arcface/run.js';
import {
  fineTuneOptions,
  lookalikeOnSplit,
  measureHeldOut,
  splitFor,
  type HeadSeparation,
  type LookalikeReport,
  type LookalikeRunOptions,
} from './finetune.js';

export interface TruthSource {
  root: string;
  aligned: boolean;
  pipeline: () => Promise<FacePipeline>;
  releasePipeline?: boolean;
  onFeatures?: (done: number, total: number, cached: number) => void;
}

/** The closest pair of identities: the highest cosine between normalised identity centres. */
export interface ClosestPair {
  a: number;
  b: number;
  cosine: number;
  /** Every pair's centre cosine, highest first (the first few, for the record). */
  ranking: { a: string; b: string; cosine: number }[];
}

/**
 * [Note: choosing look-alikes by measurement] The pair to measure is not picked by eye: every identity's centre
 * is the normalised mean of its faces' embeddings under `head` (the identity head when undefined), and the pair
 * with the most similar centres is the pair the library would most likely merge. Only the faces in `idx` count
 * (the training split), so the choice does not peek at the held-out faces it is then judged on.
 */
export function closestPair(d: Dataset, idx: readonly number[], head?: HeadWeights, top = 5): ClosestPair {
  const emb = embedAll(
    head,
    idx.map((i) => d.features[i]!),
  );
  const dim = emb[0]?.length ?? 0;
  const centres = d.identities.map(() => new Float64Array(dim));
  idx.forEach((i, k) => {
    const c = centres[d.labels[i]!]!;
    for (let j = 0; j < dim; j++) c[j]! += emb[k]![j]!;
  });
  for (const c of centres) {
    const n = Math.hypot(...c);
    if (n > 0) for (let j = 0; j < dim; j++) c[j]! /= n;
  }
  const all: { a: number; b: number; cosine: number }[] = [];
  for (let x = 0; x < centres.length; x++)
    for (let y = x + 1; y < centres.length; y++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += centres[x]![j]! * centres[y]![j]!;
      all.push({ a: x, b: y, cosine: s });
    }
  if (all.length === 0) throw new Error('choosing a pair needs at least two identities');
  all.sort((p, q) => q.cosine - p.cosine || p.a - q.a || p.b - q.b);
  return {
    a: all[0]!.a,
    b: all[0]!.b,
    cosine: all[0]!.cosine,
    ranking: all.slice(0, top).map((p) => ({ a: d.identities[p.a]!, b: d.identities[p.b]!, cosine: p.cosine })),
  };
}

/**
 * Look-alike fine-tune on a labelled folder: every identity of DIR trains (held-out share kept back), and A
 * and B, named by their folder (or chosen as the closest pair when both names are omitted), are measured on
 * their held-out faces. Nothing is stored unless `store` is set. `control` adds [Note: look-alike control].
 */
export async function truthLookalikes(
  db: Db,
  src: TruthSource,
  names: { a?: string; b?: string },
  o: LookalikeRunOptions & { control?: boolean } = {},
): Promise<LookalikeReport & { closest?: ClosestPair; control?: HeadSeparation }> {
  const d = await labelledDataset(db, src.root, {
    aligned: src.aligned,
    pipeline: src.pipeline,
    releasePipeline: src.releasePipeline ?? false,
    ...(src.onFeatures ? { onProgress: src.onFeatures } : {}),
  });
  const holdout = o.holdout ?? fineTuneOptions.holdout;
  const seed = o.seed ?? fineTuneOptions.seed;
  const find = (name: string) => {
    const l = d.identities.indexOf(name);
    if (l < 0)
      throw new Error(
        `no identity '${name}' with 2+ usable faces under ${src.root} (found: ${d.identities.slice(0, 20).join(', ')})`,
      );
    return l;
  };
  let la: number;
  let lb: number;
  let closest: ClosestPair | undefined;
  if (names.a === undefined && names.b === undefined) {
    // The split depends only on the labels, holdout and seed: the same one the run below uses.
    closest = closestPair(d, splitHoldout(d.labels, holdout, seed).train);
    la = closest.a;
    lb = closest.b;
  } else {
    if (names.a === undefined || names.b === undefined)
      throw new Error('give both --a NAME and --b NAME, or neither to pick the closest pair');
    la = find(names.a);
    lb = find(names.b);
    if (la === lb) throw new Error('choose two different identities');
  }
  const p = splitFor(d, la, lb, holdout, seed);
  const report = await lookalikeOnSplit(db, p, la, lb, { ...o, store: o.store ?? false });
  const control = o.control ? await controlWithoutPair(db, p, la, lb, o) : undefined;
  return { ...report, ...(closest ? { closest } : {}), ...(control ? { control } : {}) };
}

/**
 * [Note: look-alike control] Did naming the two people apart help, or would any fine-tune have separated them?
 * The control trains the same fine-tune (same split, loss, epochs, seed) on every identity except A and B, and
 * measures A against B on the same held-out faces. The look-alike fine-tune's gain beyond the control's is what
 * the user's separation bought.
 */
export async function controlWithoutPair(
  db: Db,
  p: Prepared,
  la: number,
  lb: number,
  o: LookalikeRunOptions = {},
): Promise<HeadSeparation> {
  const d = p.dataset;
  const newLabel = new Map<number, number>();
  const d2: Dataset = { identities: [], features: [], labels: [], sources: [], failures: [] };
  d.identities.forEach((name, l) => {
    if (l === la || l === lb) return;
    newLabel.set(l, d2.identities.length);
    d2.identities.push(name);
  });
  const newIndex = new Map<number, number>();
  d.labels.forEach((l, i) => {
    const m = newLabel.get(l);
    if (m === undefined) return;
    newIndex.set(i, d2.features.length);
    d2.features.push(d.features[i]!);
    d2.labels.push(m);
    d2.sources.push(d.sources[i]!);
  });
  const keep = (idx: number[]) => idx.filter((i) => newIndex.has(i)).map((i) => newIndex.get(i)!);
  const p2: Prepared = { dataset: d2, train: keep(p.train), test: keep(p.test), holdout: p.holdout, seed: p.seed };
  const run = await runTraining(db, p2, {
    loss: parseLoss(o.loss ?? fineTuneOptions.loss),
    mode: 'finetune',
    config: o.epochs !== undefined ? { epochs: o.epochs } : {},
    ...(o.blend !== undefined ? { blend: o.blend } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    store: false,
  });
  return measureHeldOut(p, la, lb, run.weights, null);
}
