/**
 * The tensor side of the equivariant network (policy/equivariant.ts): the own part and the other
 * agents' blocks selected from observation rows, the shared encoder run on every block (with the
 * own part beside it, so a block is read in the light of the agent's own state: "+p answered what I
 * prefer"), and the blocks pooled. Shapes in the comments: `rows` observation rows, n agents,
 * O own features, P block features, E encoder output.
 *
 * Cost on the wasm backend (slush-3v2, 5,120 rows, 2 shared cores): a `tf.gather` of the blocks took
 * 86 ms and a tile + concat of the own part beside every block 40 ms, against 15 ms for the whole
 * forward pass of the 64-64 MLP. So the rows are split in JS (the observations are constants: no
 * gradient flows into them) and the own part is copied beside every block there too.
 */
import { dense } from './dense.js';
import { readFeatures, senderWeights, type FeatureMap } from './equivariant.js';
import { tf } from './tf.js';

/**
 * Own part `[rows, O]` and blocks `[rows·(n−1), P]` of `obs` `[rows, rowSize]`, split in JS, with
 * `inputMean` `[O + P]` subtracted when given, and each row's blocks in their canonical order
 * (`canonicalBlockOrder`, `senderWeights` moved along); `ownBeside`: each block row also carries its
 * row's own part after it (`[rows·(n−1), P + O]`), what the encoder's first layer reads.
 */
function selectArrays(map: FeatureMap, obs: Float32Array, rows: number, inputMean: Float32Array | undefined, ownBeside: boolean, senderWeights: Float32Array | undefined): { own: Float32Array; blocks: Float32Array } {
  const O = map.ownWidth, P = map.blockWidth, others = map.n - 1;
  const stride = ownBeside ? P + O : P;
  const { own, blocks } = readFeatures(map, obs, rows, inputMean, stride);
  canonicalBlockOrder(blocks, rows, others, stride, P, senderWeights);
  if (ownBeside) for (let r = 0; r < rows; r++) for (let p = 0; p < others; p++) blocks.set(own.subarray(r * O, (r + 1) * O), (r * others + p) * stride + P);
  return { own, blocks };
}

/**
 * Puts each row's `others` blocks (`stride` numbers apart, compared on their first `width`) in
 * lexicographic order, in place, moving `weights` (one per block) along.
 *
 * Why: the pools are sums, and a float sum depends on its order. Without this, renaming the other
 * agents — which only reorders a row's blocks — could change a logit by a rounding, and a greedy
 * tie with it; the verifier's symmetry reduction (NeuralProtocol.agentRoles) needs the network to
 * read renamed agents bit for bit alike. Sorted, every ordering of the same blocks is pooled in the
 * same order (test/policy/equivariantExact.test.ts). Equal blocks are interchangeable, so ties
 * need no rule.
 */
export function canonicalBlockOrder(blocks: Float32Array, rows: number, others: number, stride: number, width: number, weights?: Float32Array): void {
  const order = new Int32Array(others);
  const rowCopy = new Float32Array(others * stride);
  const weightCopy = new Float32Array(others);
  const before = (a: number, b: number, at: number): boolean => {
    for (let k = 0; k < width; k++) {
      const x = blocks[at + a * stride + k]!, y = blocks[at + b * stride + k]!;
      if (x !== y) return x < y;
    }
    return false;
  };
  for (let r = 0; r < rows; r++) {
    const at = r * others * stride;
    let sorted = true;
    for (let p = 0; p < others; p++) {
      order[p] = p;
      if (p > 0 && before(p, p - 1, at)) sorted = false;
    }
    if (sorted) continue;
    // Insertion sort of block indices: n − 1 is small, and most rows are nearly sorted.
    for (let p = 1; p < others; p++) {
      const block = order[p]!;
      let q = p;
      while (q > 0 && before(block, order[q - 1]!, at)) {
        order[q] = order[q - 1]!;
        q--;
      }
      order[q] = block;
    }
    rowCopy.set(blocks.subarray(at, at + others * stride));
    for (let p = 0; p < others; p++) blocks.set(rowCopy.subarray(order[p]! * stride, (order[p]! + 1) * stride), at + p * stride);
    if (weights) {
      weightCopy.set(weights.subarray(r * others, (r + 1) * others));
      for (let p = 0; p < others; p++) weights[r * others + p] = weightCopy[order[p]!]!;
    }
  }
}

/**
 * `[rows, O + 2E]`: the own part, then the mean and the max over the other agents of the encoded
 * blocks; with `map.senderSource` (spec.senderBlock) `[rows, O + 3E]`, the sender's encoded block
 * after them (zeros where the agent is the sender itself). `encoder` holds [W0, b0, W1, b1, …]
 * (W0 `[P + O, e0]` reads a block with the own part beside it); with no encoder layers the blocks are pooled as they are (E = P).
 * `skip` (spec.skip) with encoder layers: the raw blocks' pools come first, `[rows, O + 2P + 2E]`
 * (`O + 3P + 3E` with the sender's block). `obs`: a tensor of observation rows, or the rows as JS
 * numbers, then with their count `rows`.
 */
export function pooledFeatures(map: FeatureMap, obs: tf.Tensor2D | Float32Array, encoder: readonly tf.Variable[], inputMean: Float32Array | undefined, skip = false, rows = (obs as tf.Tensor2D).shape[0]): tf.Tensor2D {
  const rowData = obs instanceof Float32Array ? obs : (obs.dataSync() as Float32Array);
  const senderFlags = map.senderSource ? senderWeights(map, rowData, rows) : undefined;
  const { own, blocks } = selectArrays(map, rowData, rows, inputMean, encoder.length > 0, senderFlags);
  const stride = encoder.length > 0 ? map.blockWidth + map.ownWidth : map.blockWidth;
  return pool(map, tf.tensor2d(own, [rows, map.ownWidth]), tf.tensor2d(blocks, [rows * (map.n - 1), stride]), senderFlags && tf.tensor3d(senderFlags, [rows, map.n - 1, 1]), encoder, skip);
}

/**
 * Numbers per row of `preparedRows`: the own part, the n − 1 blocks (with the own part beside each
 * where the network has an encoder), and, in broadcast, the n − 1 sender flags.
 */
export function preparedWidth(map: FeatureMap, encoded: boolean): number {
  const stride = encoded ? map.blockWidth + map.ownWidth : map.blockWidth;
  return map.ownWidth + (map.n - 1) * stride + (map.senderSource ? map.n - 1 : 0);
}

/**
 * `[rows, preparedWidth]`: what `pooledFeatures` splits out of each observation row in JS, one row
 * per observation row, so that an update reading the same rows many times (PPO's minibatch passes)
 * splits them once and gathers rows of this instead (`pooledFeaturesOfPrepared`: the same numbers).
 */
export function preparedRows(map: FeatureMap, obs: Float32Array, rows: number, inputMean: Float32Array | undefined, encoded: boolean): Float32Array {
  const others = map.n - 1, O = map.ownWidth;
  const senderFlags = map.senderSource ? senderWeights(map, obs, rows) : undefined;
  const { own, blocks } = selectArrays(map, obs, rows, inputMean, encoded, senderFlags);
  const width = preparedWidth(map, encoded);
  const blockRow = blocks.length / rows;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const at = r * width;
    out.set(own.subarray(r * O, (r + 1) * O), at);
    out.set(blocks.subarray(r * blockRow, (r + 1) * blockRow), at + O);
    if (senderFlags) out.set(senderFlags.subarray(r * others, (r + 1) * others), at + O + blockRow);
  }
  return out;
}

/** `pooledFeatures` of rows made by `preparedRows` (`[rows, preparedWidth]`): the same numbers. */
export function pooledFeaturesOfPrepared(map: FeatureMap, prepared: tf.Tensor2D, encoder: readonly tf.Variable[], skip = false): tf.Tensor2D {
  const others = map.n - 1, O = map.ownWidth;
  const stride = encoder.length > 0 ? map.blockWidth + O : map.blockWidth;
  const own = tf.slice(prepared, [0, 0], [-1, O]);
  const blocks = tf.reshape(tf.slice(prepared, [0, O], [-1, others * stride]), [-1, stride]) as tf.Tensor2D;
  const weights = map.senderSource ? (tf.reshape(tf.slice(prepared, [0, O + others * stride], [-1, others]), [-1, others, 1]) as tf.Tensor3D) : undefined;
  return pool(map, own, blocks, weights, encoder, skip);
}

/** The encoder on every block, then the pools (see `pooledFeatures`). */
function pool(map: FeatureMap, own: tf.Tensor2D, blocks: tf.Tensor2D, weights: tf.Tensor3D | undefined, encoder: readonly tf.Variable[], skip: boolean): tf.Tensor2D {
  const { n } = map;
  const pools = (x: tf.Tensor2D): tf.Tensor2D[] => {
    const pooled = tf.reshape(x, [-1, n - 1, x.shape[1]]) as tf.Tensor3D;
    const parts = [tf.mean(pooled, 1) as tf.Tensor2D, tf.max(pooled, 1) as tf.Tensor2D];
    if (weights) parts.push(tf.sum(tf.mul(pooled, weights), 1) as tf.Tensor2D);
    return parts;
  };
  const parts: tf.Tensor2D[] = [own];
  if (skip && encoder.length > 0) parts.push(...pools(tf.slice(blocks, [0, 0], [-1, map.blockWidth])));
  let x: tf.Tensor2D = blocks;
  for (let l = 0; l < encoder.length; l += 2) x = tf.relu(dense(x, encoder[l] as tf.Tensor2D, encoder[l + 1] as tf.Tensor1D, l === 0)) as tf.Tensor2D;
  parts.push(...pools(x));
  return tf.concat(parts, 1) as tf.Tensor2D;
}
