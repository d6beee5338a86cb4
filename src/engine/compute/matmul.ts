// Engine (compute): a matrix product whose forward and backward passes avoid the wasm backend's slow transposed matMul.
import * as tf from '@tensorflow/tfjs-core';

/**
 * [Note: transposed matMul on wasm] The wasm backend's BatchMatMul is ~25x slower when asked to transpose an
 * operand (512×512: 11 ms plain, 270 ms with transposeA), and tfjs-core's MatMul gradient asks for exactly
 * that (dA = dy·Bᵀ, dB = Aᵀ·dy). `mm` transposes explicitly (a cheap copy) and multiplies plainly, in the
 * forward pass and in its own gradient, which makes a training step ~10x faster on wasm and costs nothing
 * elsewhere.
 */
const product = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * a·b (with optional transposes) on a fast path for every backend; differentiable. Not wrapped in tf.tidy: the
 * gradient keeps its inputs (the transposed copies), so call it inside the caller's tidy.
 */
export function mm(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor2D {
  return product((transposeA ? tf.transpose(a) : a) as tf.Tensor2D, (transposeB ? tf.transpose(b) : b) as tf.Tensor2D);
}
