/**
 * A dense layer, y = x·W + b, whose gradient takes the wasm backend's fast matrix products.
 *
 * tfjs's own gradient of `matMul` asks for transposed operands (dW = xᵀ·dy as
 * `matMul(x, dy, transposeA)`, dx = dy·Wᵀ as `matMul(dy, W, …, transposeB)`), which the wasm
 * backend runs in a naive loop 4–7× slower than its XNNPACK path for untransposed operands
 * (measured: 9.5 ms against 2.4 ms for pki's honest batch, 7,478 × 51 by 8; BENCHMARKS.md). Transposing first and
 * multiplying plainly gives the same products summed in another order: the gradients agree to
 * float32 rounding, not bit for bit.
 *
 * The forward pass is the same ops as before (`add(matMul(x, W), b)`), so acting and evaluation
 * are unchanged to the bit.
 */
import { tf } from './tf.js';

type Inputs = Array<tf.Tensor | tf.GradSaveFunc>;

/** `x` is a constant (observations): no gradient is computed for it. */
const denseOnConstant = (x: tf.Tensor2D) =>
  tf.customGrad((...inputs: Inputs) => {
    const [w, b, save] = inputs as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([x]); // kept for the backward pass (the forward scope releases what is not saved)
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor2D;
        return [tf.matMul(tf.transpose(saved[0]!), g), tf.sum(g, 0)];
      },
    };
  });

const denseOnActivation = tf.customGrad((...inputs: Inputs) => {
  const [x, w, b, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(g, tf.transpose(weights)), tf.matMul(tf.transpose(input), g), tf.sum(g, 0)];
    },
  };
});

/** x·W + b; `constantInput`: x does not depend on any trained variable (the first layer). */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, constantInput: boolean): tf.Tensor2D {
  return (constantInput ? denseOnConstant(x)(w, b) : denseOnActivation(x, w, b)) as tf.Tensor2D;
}
