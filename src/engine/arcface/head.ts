// Engine (arcface): the trainable head on tfjs-core variables: feature -> FC -> batch norm -> (L2 in the loss / at inference).
import * as tf from '@tensorflow/tfjs-core';
import { mm } from '../compute/matmul.js';
import type { HeadWeights } from './head-weights.js';

export const HEAD_TRAIN_OPTIONS = {
  /** Running statistics: new = momentum·old + (1 − momentum)·batch. */
  bnMomentum: 0.9,
};

/**
 * [Note: frozen batch norm when fine-tuning] The identity head has running mean 0 and variance 1. Training
 * with batch statistics would re-centre and re-scale every dimension on the first step (a large jump away from
 * the head being fine-tuned, and the data are only the user's few identities). So 'frozen' BN (the
 * default for fine-tuning) uses the stored running statistics and learns only γ and β: the head starts as
 * exactly the function it fine-tunes. 'batch' BN (for training from a random init) uses batch statistics
 * and updates the running ones.
 */
/** A variable holding `t`'s values; `t` itself is released (tf.variable keeps its argument alive otherwise). */
export function variableOf(t: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

export type BnMode = 'batch' | 'frozen';

export class TrainableHead {
  readonly dimIn: number;
  readonly dimOut: number;
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  /** Running statistics, updated outside the gradient. */
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  readonly eps: number;
  private disposed = false;

  constructor(
    init: HeadWeights,
    readonly bn: BnMode,
  ) {
    this.dimIn = init.dimIn;
    this.dimOut = init.dimOut;
    this.eps = init.eps;
    this.w = variableOf(tf.tensor2d(init.w, [init.dimIn, init.dimOut]), true);
    this.b = variableOf(tf.tensor1d(init.b), true);
    this.gamma = variableOf(tf.tensor1d(init.gamma), true);
    this.beta = variableOf(tf.tensor1d(init.beta), true);
    this.mean = variableOf(tf.tensor1d(init.mean), false);
    this.variance = variableOf(tf.tensor1d(init.variance), false);
  }

  get trainable(): tf.Variable[] {
    return [this.w, this.b, this.gamma, this.beta];
  }

  /** Output before L2 (B × dimOut). In training with 'batch' BN the batch statistics are used. */
  forward(f: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const z = tf.add(mm(f, this.w), this.b) as tf.Tensor2D;
      let mean: tf.Tensor = this.mean;
      let variance: tf.Tensor = this.variance;
      if (training && this.bn === 'batch') ({ mean, variance } = tf.moments(z, 0));
      const zhat = tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, this.eps)));
      return tf.add(tf.mul(zhat, this.gamma), this.beta) as tf.Tensor2D;
    });
  }

  /** After a training step with 'batch' BN: moves the running statistics towards this batch's. */
  updateRunningStats(f: tf.Tensor2D): void {
    if (this.bn !== 'batch') return;
    tf.tidy(() => {
      const z = tf.add(mm(f, this.w), this.b);
      const { mean, variance } = tf.moments(z, 0);
      const k = HEAD_TRAIN_OPTIONS.bnMomentum;
      this.mean.assign(tf.add(tf.mul(this.mean, k), tf.mul(mean, 1 - k)) as tf.Tensor1D);
      this.variance.assign(tf.add(tf.mul(this.variance, k), tf.mul(variance, 1 - k)) as tf.Tensor1D);
    });
  }

  async toWeights(): Promise<HeadWeights> {
    const [w, b, gamma, beta, mean, variance] = await Promise.all(
      [this.w, this.b, this.gamma, this.beta, this.mean, this.variance].map((v) => v.data() as Promise<Float32Array>),
    );
    return {
      dimIn: this.dimIn,
      dimOut: this.dimOut,
      eps: this.eps,
      w: w!,
      b: b!,
      gamma: gamma!,
      beta: beta!,
      mean: mean!,
      variance: variance!,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of [this.w, this.b, this.gamma, this.beta, this.mean, this.variance]) v.dispose();
  }
}
