/**
 * The tensor side of the equivariant network (policy/equivariant.ts): the own part and the other
 * agents' blocks selected from observation rows, the shared encoder run on every block (with the
 * own part beside it, so a block is read in the light of the agent's own state: "+p answered what I
 * prefer"), and the blocks pooled. Shapes in the comments: `rows` observation rows, n agents,
 * O own features, P block features, E encoder output.
 */
import { dense } from './dense.js';
import { type FeatureMap } from './equivariant.js';
import { tf } from './tf.js';

/** A feature map's selections as tensors (kept: they outlive every tidy; `dispose` releases them). */
export class FeatureSelection {
  /** `[O]` gather indices of the own part. */
  private readonly ownIndices: tf.Tensor1D;
  /** `[(n−1)·P]` gather indices of the blocks (map.copies), or `[rowSize, (n−1)·P]` weights. */
  private readonly blockSelect: tf.Tensor;

  constructor(readonly map: FeatureMap) {
    const ownIndices = new Int32Array(map.ownWidth);
    for (let t = 0; t < map.own.feature.length; t++) ownIndices[map.own.feature[t]!] = map.own.source[t]!;
    this.ownIndices = tf.keep(tf.tensor1d(ownIndices, 'int32'));
    const width = (map.n - 1) * map.blockWidth;
    if (map.copies) {
      const indices = new Int32Array(width);
      for (let t = 0; t < map.blocks.feature.length; t++) indices[map.blocks.feature[t]!] = map.blocks.source[t]!;
      this.blockSelect = tf.keep(tf.tensor1d(indices, 'int32'));
    } else {
      const weights = new Float32Array(map.rowSize * width);
      for (let t = 0; t < map.blocks.feature.length; t++) weights[map.blocks.source[t]! * width + map.blocks.feature[t]!]! += map.blocks.weight[t]!;
      this.blockSelect = tf.keep(tf.tensor2d(weights, [map.rowSize, width]));
    }
  }

  /** Own part `[rows, O]` and blocks `[rows·(n−1), P]` of `obs` `[rows, rowSize]` (constants: no gradient flows into them). */
  select(obs: tf.Tensor2D): { own: tf.Tensor2D; blocks: tf.Tensor2D } {
    const own = tf.gather(obs, this.ownIndices, 1) as tf.Tensor2D;
    const flat = this.map.copies ? tf.gather(obs, this.blockSelect as tf.Tensor1D, 1) : tf.matMul(obs, this.blockSelect as tf.Tensor2D);
    return { own, blocks: tf.reshape(flat, [-1, this.map.blockWidth]) as tf.Tensor2D };
  }

  dispose(): void {
    this.ownIndices.dispose();
    this.blockSelect.dispose();
  }
}

/**
 * `[rows, O + 2E]`: the own part, then the mean and the max over the other agents of the encoded
 * blocks. `encoder` holds [W0, b0, W1, b1, …] (W0 reads a block and the own part: `[P + O, e0]`);
 * with no encoder layers the blocks are pooled as they are (E = P). `inputMean` `[O + P]` is
 * subtracted first when given.
 */
export function pooledFeatures(selection: FeatureSelection, obs: tf.Tensor2D, encoder: readonly tf.Variable[], inputMean: tf.Tensor1D | undefined): tf.Tensor2D {
  const { n, ownWidth: O, blockWidth: P } = selection.map;
  let { own, blocks } = selection.select(obs);
  if (inputMean) {
    own = tf.sub(own, tf.slice(inputMean, [0], [O]));
    blocks = tf.sub(blocks, tf.slice(inputMean, [O], [P]));
  }
  let x: tf.Tensor2D = blocks;
  if (encoder.length > 0) {
    const ownPerBlock = tf.reshape(tf.tile(tf.expandDims(own, 1), [1, n - 1, 1]), [-1, O]);
    x = tf.concat([blocks, ownPerBlock], 1) as tf.Tensor2D;
    for (let l = 0; 2 * l < encoder.length; l++) x = tf.relu(dense(x, encoder[2 * l] as tf.Tensor2D, encoder[2 * l + 1] as tf.Tensor1D, l === 0)) as tf.Tensor2D;
  }
  const perRow = tf.reshape(x, [-1, n - 1, x.shape[1]]) as tf.Tensor3D;
  return tf.concat([own, tf.mean(perRow, 1), tf.max(perRow, 1)], 1) as tf.Tensor2D;
}
