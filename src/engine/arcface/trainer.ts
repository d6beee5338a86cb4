// Engine (arcface): the training loop of a head and its class weights on stored backbone features (runs in any thread).
import * as tf from '@tensorflow/tfjs-core';
import { mm } from '../compute/matmul.js';
import { TrainableHead, variableOf, type BnMode } from './head.js';
import type { HeadWeights } from './head-weights.js';
import { rng, shuffle } from '../random.js';
import { l2rows, marginLoss, pairMasks } from './losses.js';
import type { LossSpec } from './loss-spec.js';

/** The paper's optimiser settings; `lr` and `epochs` differ between fine-tuning and training (see the CLI). */
export const TRAINER_DEFAULTS = {
  batchSize: 512,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  /** LR ÷ 10 at these fractions of the run (the paper's CASIA schedule: 20k and 28k of 32k iterations). */
  lrSteps: [0.625, 0.875],
  epochs: 40,
  /** Progress events at most this often (steps). */
  progressEvery: 1,
};

export interface TrainConfig {
  loss: LossSpec;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  lrSteps: readonly number[];
  seed: number;
  bn: BnMode;
  /**
   * [Note: decay towards the start] With `anchor`, weight decay on the FC pulls towards the starting head
   * (L2-SP) rather than towards zero: fine-tuning on a few identities then bends the head only as far as the
   * loss needs, which protects verification on identities the user never labelled.
   */
  anchor: boolean;
}

export interface TrainData {
  /** N × dimIn, row-major. */
  features: Float32Array;
  labels: Int32Array;
  numClasses: number;
}

export interface Progress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  accuracy: number;
  lr: number;
  samplesPerSec: number;
}

export interface TrainHooks {
  onProgress?(p: Progress): void;
  /** Checked between steps; an aborted run stops and returns what it has, with `cancelled: true`. */
  signal?: AbortSignal;
}

export interface TrainOutcome {
  weights: HeadWeights;
  /** Class weights (dimOut × C, row-major), normalised. */
  classWeights: Float32Array;
  curve: { step: number; loss: number; accuracy: number; lr: number }[];
  steps: number;
  cancelled: boolean;
  seconds: number;
  samplesPerSec: number;
}

export function resolveConfig(partial: Partial<TrainConfig> & { loss: LossSpec }): TrainConfig {
  return {
    epochs: TRAINER_DEFAULTS.epochs,
    batchSize: TRAINER_DEFAULTS.batchSize,
    lr: TRAINER_DEFAULTS.lr,
    momentum: TRAINER_DEFAULTS.momentum,
    weightDecay: TRAINER_DEFAULTS.weightDecay,
    lrSteps: TRAINER_DEFAULTS.lrSteps,
    seed: 1,
    bn: 'frozen',
    anchor: true,
    ...partial,
  };
}

/** Learning rate at `step` of `total`: lr ÷ 10 at each fraction in lrSteps. */
export function lrAt(cfg: Pick<TrainConfig, 'lr' | 'lrSteps'>, step: number, total: number): number {
  let lr = cfg.lr;
  for (const f of cfg.lrSteps) if (step >= Math.floor(f * total)) lr /= 10;
  return lr;
}

/** Weight imprinting: each class weight is the normalised mean of its samples' normalised embeddings. */
export function imprint(x: tf.Tensor2D, labels: Int32Array, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32');
    const sums = mm(l2rows(x), onehot, true, false) as tf.Tensor2D;
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(sums), 0, true), 1e-12));
    return tf.div(sums, norm) as tf.Tensor2D;
  });
}

/** A deterministic stream of batch indices: a fresh permutation (from the seed) every time one runs out. */
export function batchStream(n: number, batch: number, seed: number): () => Int32Array {
  const r = rng(seed);
  let perm = new Int32Array(0);
  let pos = 0;
  const reshuffle = () => {
    perm = shuffle(
      Int32Array.from({ length: n }, (_, i) => i),
      r,
    );
    pos = 0;
  };
  reshuffle();
  return () => {
    const out = new Int32Array(Math.min(batch, n));
    for (let k = 0; k < out.length; k++) {
      if (pos >= n) reshuffle();
      out[k] = perm[pos++]!;
    }
    return out;
  };
}

/** Trains `init` (and imprinted class weights) on the data. Every tensor is released before it returns. */
export async function trainHead(
  data: TrainData,
  init: HeadWeights,
  cfg: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const n = data.labels.length;
  const dimIn = init.dimIn;
  if (data.features.length !== n * dimIn)
    throw new Error(`features hold ${data.features.length} values, expected ${n} × ${dimIn}`);
  if (n < 2 || data.numClasses < 2)
    throw new Error(`training needs at least 2 identities and 2 faces (got ${data.numClasses} and ${n})`);
  const start = performance.now();
  const head = new TrainableHead(init, cfg.bn);
  const all = tf.tensor2d(data.features, [n, dimIn]);
  const w0 = cfg.anchor ? tf.clone(head.w) : undefined;
  const classW = variableOf(
    tf.tidy(() => imprint(head.forward(all, false), data.labels, data.numClasses)),
    true,
  );
  const bias = variableOf(tf.zeros([data.numClasses]), true);
  const vars = [...head.trainable, classW, ...(cfg.loss.base === 'softmax' ? [bias] : [])];
  const opt = tf.train.momentum(cfg.lr, cfg.momentum);
  const next = batchStream(n, cfg.batchSize, cfg.seed);
  const total = Math.max(1, Math.ceil((cfg.epochs * n) / Math.min(cfg.batchSize, n)));
  const curve: TrainOutcome['curve'] = [];
  let seen = 0;
  let step = 0;
  let cancelled = false;
  try {
    for (; step < total; step++) {
      if (hooks.signal?.aborted) {
        cancelled = true;
        break;
      }
      const lr = lrAt(cfg, step, total);
      opt.setLearningRate(lr);
      const idx = next();
      const labels = new Int32Array(idx.length);
      for (let k = 0; k < idx.length; k++) labels[k] = data.labels[idx[k]!]!;
      let accT: tf.Scalar | undefined;
      const lossT = tf.tidy(() => {
        const f = tf.gather(all, tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
        const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), data.numClasses), 'float32') as tf.Tensor2D;
        const masks = cfg.loss.triplet > 0 ? pairMasks(labels) : {};
        const { value, grads } = tf.variableGrads(() => {
          const x = head.forward(f, true);
          const out = marginLoss(cfg.loss, { x, w: classW as tf.Tensor2D, b: bias as tf.Tensor1D, onehot, ...masks });
          accT = tf.keep(
            tf.mean(tf.cast(tf.equal(tf.argMax(out.logits, 1), tf.argMax(onehot, 1)), 'float32')),
          ) as tf.Scalar;
          return tf.add(out.loss, decay(cfg, vars, head, w0)) as tf.Scalar;
        }, vars);
        opt.applyGradients(grads as Record<string, tf.Variable>);
        head.updateRunningStats(f);
        return value;
      });
      const [loss, accuracy] = await Promise.all([lossT.data(), accT!.data()]);
      lossT.dispose();
      accT!.dispose();
      seen += idx.length;
      if (!Number.isFinite(loss[0]!))
        throw new Error(`training diverged at step ${step} (loss ${loss[0]}): lower --lr or --s`);
      const point = { step: step + 1, loss: loss[0]!, accuracy: accuracy[0]!, lr };
      curve.push(point);
      if (hooks.onProgress && (step % TRAINER_DEFAULTS.progressEvery === 0 || step === total - 1)) {
        const secs = (performance.now() - start) / 1000;
        hooks.onProgress({ ...point, totalSteps: total, epoch: seen / n, samplesPerSec: seen / Math.max(secs, 1e-9) });
      }
      // Yield to the event loop between steps so a worker sees its 'cancel' message and the thread stays responsive.
      await new Promise((r) => setImmediate(r));
    }
    const weights = await head.toWeights();
    const classWeights = (await classW.data()) as Float32Array;
    const seconds = (performance.now() - start) / 1000;
    return {
      weights,
      classWeights,
      curve,
      steps: step,
      cancelled,
      seconds,
      samplesPerSec: seen / Math.max(seconds, 1e-9),
    };
  } finally {
    head.dispose();
    all.dispose();
    w0?.dispose();
    classW.dispose();
    bias.dispose();
    opt.dispose();
    // MomentumOptimizer.dispose() (tfjs 4.22) forgets the learning-rate scalar its SGD base keeps.
    (opt as unknown as { c?: tf.Tensor }).c?.dispose();
  }
}

/** ½·wd·Σ‖θ‖² over the trainable tensors; the FC decays towards its start when anchored ([Note: decay towards the start]). */
function decay(cfg: TrainConfig, vars: tf.Variable[], head: TrainableHead, w0: tf.Tensor | undefined): tf.Scalar {
  if (cfg.weightDecay <= 0) return tf.scalar(0);
  let sum: tf.Scalar = tf.scalar(0);
  for (const v of vars) {
    if (v === head.gamma || v === head.beta) continue;
    const d = v === head.w && w0 ? tf.sub(v, w0) : v;
    sum = tf.add(sum, tf.sum(tf.square(d))) as tf.Scalar;
  }
  return tf.mul(sum, cfg.weightDecay / 2);
}
