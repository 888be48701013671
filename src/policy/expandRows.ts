/**
 * Rows of a tensor repeated by an index: `x[index[r]]` for each r, whose gradient sums the
 * repeated rows' gradients back onto the row they came from.
 *
 * Why: a minibatch of observations holds many equal rows (on `slush-3v2` half of an update's rows
 * repeat another; policy/distinctRows.ts), and the network's output for a row does not depend on
 * the other rows of its batch. So the network runs once per distinct row and its outputs are
 * expanded here to every row the loss reads. The loss, its value and the gradient are the same
 * sums as over the full rows, taken in another order (equal to float32 rounding).
 *
 * tfjs's own gradient of `gather` needs `UnsortedSegmentSum`, which the wasm backend lacks;
 * `scatterND` sums rows sent to the same index, which is that gradient.
 */
import { tf } from './tf.js';

type Inputs = Array<tf.Tensor | tf.GradSaveFunc>;

/** `x` `[distinct, width]` (or `[distinct]`), `index` `[rows]` int32 in [0, distinct): `[rows, width]` (or `[rows]`). */
export function expandRows<T extends tf.Tensor1D | tf.Tensor2D>(x: T, index: tf.Tensor1D): T {
  const expand = tf.customGrad((...inputs: Inputs) => {
    const [values] = inputs as [tf.Tensor];
    return {
      value: tf.gather(values, index),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [tf.scatterND(tf.reshape(index, [-1, 1]), dy as tf.Tensor, values.shape)],
    };
  });
  return expand(x) as T;
}
