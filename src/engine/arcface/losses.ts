// Engine (arcface): the margin-loss family on tfjs-core ops (clamped so no NaN or infinite gradient ever appears).
import * as tf from '@tensorflow/tfjs-core';
import { mm } from '../compute/matmul.js';
import { guardOf, type LossSpec } from './loss-spec.js';

export const LOSS_OPTIONS = {
  /** cos θ is clamped to [−1 + eps, 1 − eps]: acos' stays finite (≈ 1/sqrt(2·eps)) at θ = 0 and θ = π. */
  cosEps: 1e-6,
  /** Added under square roots of norms. */
  normEps: 1e-12,
};

/** Rows of x scaled to unit length. */
export function l2rows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), LOSS_OPTIONS.normEps))) as tf.Tensor2D);
}

/** Columns of w (D × C class weights) scaled to unit length. */
export function l2cols(w: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(w, tf.rsqrt(tf.add(tf.sum(tf.square(w), 0, true), LOSS_OPTIONS.normEps))) as tf.Tensor2D);
}

export function clampCos<T extends tf.Tensor>(c: T): T {
  return tf.clipByValue(c, -1 + LOSS_OPTIONS.cosEps, 1 - LOSS_OPTIONS.cosEps);
}

/** The target cos after the margin (÷ s), from the clamped target cos: see [Note: the margin family] and [Note: the ArcFace guard]. */
export function targetCosTensor(spec: LossSpec, cosT: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    if (spec.base === 'asoftmax') {
      const theta = tf.acos(cosT);
      const k = tf.minimum(tf.floor(tf.div(tf.mul(theta, spec.m), Math.PI)), spec.m - 1);
      const sign = tf.sub(1, tf.mul(2, tf.mod(k, 2)));
      const psi = tf.sub(tf.mul(sign, tf.cos(tf.mul(theta, spec.m))), tf.mul(2, k));
      return tf.div(tf.add(tf.mul(cosT, spec.lambda), psi), 1 + spec.lambda) as tf.Tensor1D;
    }
    if (spec.m1 === 1 && spec.m2 === 0) return tf.sub(cosT, spec.m3) as tf.Tensor1D;
    const theta = tf.acos(cosT);
    let phi = tf.cos(tf.add(tf.mul(theta, spec.m1), spec.m2));
    const g = guardOf(spec);
    if (g) {
      // A 0/1 mask through tf.step (its gradient is zero) rather than tf.where(tf.greater(...)): Greater has no gradient.
      const past = tf.step(tf.sub(theta, g.thetaT));
      phi = tf.add(tf.mul(past, tf.sub(cosT, g.mm)), tf.mul(tf.sub(1, past), phi));
    }
    return tf.sub(phi, spec.m3) as tf.Tensor1D;
  });
}

/** Mean cross-entropy of logits (B × C) against one-hot targets. */
export function crossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const lse = tf.logSumExp(logits, 1);
    return tf.mean(tf.sub(lse, tf.sum(tf.mul(logits, onehot), 1)));
  });
}

export interface LossInputs {
  /** The head's output before L2 normalisation (B × D). */
  x: tf.Tensor2D;
  /** Class weights (D × C). */
  w: tf.Tensor2D;
  /** Class biases (C), used by 'softmax' only. */
  b?: tf.Tensor1D;
  /** One-hot labels (B × C), float32. */
  onehot: tf.Tensor2D;
  /** For triplet: same-label mask (B × B, diagonal 0) and different-label mask, float32. */
  posMask?: tf.Tensor2D;
  negMask?: tf.Tensor2D;
}

export interface LossOutput {
  loss: tf.Scalar;
  /** The logits the prediction is read from (without margin), for accuracy. */
  logits: tf.Tensor2D;
}

/** The loss of `spec` on one batch. Call inside tf.tidy / optimizer.minimize. */
export function marginLoss(spec: LossSpec, inp: LossInputs): LossOutput {
  const { x, w, onehot } = inp;
  if (spec.base === 'softmax') {
    let logits = mm(x, w) as tf.Tensor2D;
    if (inp.b) logits = tf.add(logits, inp.b) as tf.Tensor2D;
    let loss = crossEntropy(logits, onehot);
    if (spec.triplet > 0) loss = tf.add(loss, tripletTerm(l2rows(x), inp, spec.triplet)) as tf.Scalar;
    return { loss, logits };
  }
  const xn = l2rows(x);
  const wn = l2cols(w);
  const cos = clampCos(mm(xn, wn) as tf.Tensor2D);
  const cosT = tf.sum(tf.mul(cos, onehot), 1) as tf.Tensor1D;
  const logits = tf.mul(cos, spec.s) as tf.Tensor2D;
  let loss: tf.Scalar = tf.scalar(0);
  if (spec.base !== 'none') {
    const target = targetCosTensor(spec, cosT);
    const delta = tf.expandDims(tf.sub(target, cosT), 1);
    const marginLogits = tf.mul(tf.add(cos, tf.mul(onehot, delta)), spec.s) as tf.Tensor2D;
    loss = crossEntropy(marginLogits, onehot);
  }
  if (spec.intra) loss = tf.add(loss, tf.div(tf.mean(tf.acos(cosT)), Math.PI)) as tf.Scalar;
  if (spec.inter) loss = tf.add(loss, interTerm(wn, onehot)) as tf.Scalar;
  if (spec.triplet > 0) loss = tf.add(loss, tripletTerm(xn, inp, spec.triplet)) as tf.Scalar;
  return { loss, logits };
}

/** − mean over the batch of the mean angle between the sample's class centre and every other centre, ÷ π. */
function interTerm(wn: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  const c = wn.shape[1];
  if (c < 2) return tf.scalar(0);
  const angles = tf.acos(clampCos(mm(wn, wn, true, false)));
  const offDiag = tf.sub(1, tf.eye(c));
  const perClass = tf.div(tf.sum(tf.mul(angles, offDiag), 1), c - 1);
  const perSample = tf.sum(tf.mul(onehot, tf.expandDims(perClass, 0)), 1);
  return tf.neg(tf.div(tf.mean(perSample), Math.PI)) as tf.Scalar;
}

/**
 * Batch-hard triplet on angles: for each anchor, its farthest same-identity sample and its nearest other-identity
 * sample, hinge max(0, θ+ − θ− + margin), averaged over anchors that have a positive in the batch.
 */
function tripletTerm(xn: tf.Tensor2D, inp: LossInputs, margin: number): tf.Scalar {
  if (!inp.posMask || !inp.negMask) throw new Error('triplet loss needs posMask and negMask');
  const { posMask, negMask } = inp;
  const theta = tf.acos(clampCos(mm(xn, xn, false, true)));
  const hardPos = tf.max(tf.sub(tf.mul(theta, posMask), tf.sub(1, posMask)), 1);
  const hardNeg = tf.min(tf.add(theta, tf.mul(tf.sub(1, negMask), 10)), 1);
  const valid = tf.mul(
    tf.cast(tf.greater(tf.sum(posMask, 1), 0), 'float32'),
    tf.cast(tf.greater(tf.sum(negMask, 1), 0), 'float32'),
  );
  const hinge = tf.mul(tf.relu(tf.add(tf.sub(hardPos, hardNeg), margin)), valid);
  return tf.div(tf.sum(hinge), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
}

/** Same-label (diagonal excluded) and different-label masks for a batch's labels. */
export function pairMasks(labels: Int32Array): { posMask: tf.Tensor2D; negMask: tf.Tensor2D } {
  const n = labels.length;
  const pos = new Float32Array(n * n);
  const neg = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (labels[i] === labels[j]) {
        if (i !== j) pos[i * n + j] = 1;
      } else neg[i * n + j] = 1;
    }
  }
  return { posMask: tf.tensor2d(pos, [n, n]), negMask: tf.tensor2d(neg, [n, n]) };
}
