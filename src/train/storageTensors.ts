/**
 * The recorded slots of one side, for an update: flat typed arrays gathered once per epoch
 * (`[slots, obsSize]` observations, `[slots, maskWidth]` mask biases, chosen one-hots and used columns),
 * and tensors made from them in one upload each.
 *
 * Minibatches (PPO) gather their rows here in JS into buffers reused across minibatches: a
 * `tf.gather` per minibatch and tensor cost more than the forward and backward pass on the wasm
 * backend (its kernel checks every index in JS, and the op is recorded on the gradient tape).
 */
import { ILLEGAL_LOGIT } from '../policy/PolicyNetwork.js';
import { tf } from '../policy/tf.js';
import type { SideStorage } from './rollout.js';

export interface SlotTensors {
  obs: tf.Tensor2D;
  /** 0 on legal options, ILLEGAL_LOGIT on illegal ones (PolicyNetwork.terms adds it to the logits). */
  maskBias: tf.Tensor2D;
  chosen: tf.Tensor2D;
  usedColumns: tf.Tensor2D;
}

/** The same four blocks as flat arrays, `rows` rows each. */
export interface SlotArrays {
  rows: number;
  obsSize: number;
  maskWidth: number;
  obs: Float32Array;
  maskBias: Float32Array;
  chosen: Float32Array;
  usedColumns: Float32Array;
}

/** Rows at least this wide are copied with `set` (a memcpy), narrower ones element by element. */
const WIDE_ROW = 16;

/**
 * Rows `slots[k]` of a `width`-wide block `from`, copied to rows k of `to`. Narrow rows (mask
 * biases, choices: a few numbers) element by element, where a `subarray` + `set` per row costs
 * more than the copy; wide ones (observations) with `set`: measured on slush-3v2's 149-number rows
 * gathered in shuffled order from 33,000, 0.8 ms a 5,000-row minibatch against 3.2 ms.
 */
function gatherRows(from: Float32Array, width: number, slots: ArrayLike<number>, count: number, to: Float32Array): void {
  if (width >= WIDE_ROW) {
    for (let k = 0; k < count; k++) {
      const at = slots[k]! * width;
      to.set(from.subarray(at, at + width), k * width);
    }
    return;
  }
  for (let k = 0; k < count; k++) {
    const at = slots[k]! * width;
    const out = k * width;
    for (let x = 0; x < width; x++) to[out + x] = from[at + x]!;
  }
}

/** The same from a 0/1 legal mask, as the additive bias the network adds to the logits. */
function gatherMaskBias(from: Uint8Array, width: number, slots: ArrayLike<number>, count: number, to: Float32Array): void {
  for (let k = 0; k < count; k++) {
    const at = slots[k]! * width;
    const out = k * width;
    for (let x = 0; x < width; x++) to[out + x] = from[at + x] ? 0 : ILLEGAL_LOGIT;
  }
}

/**
 * The storage slots listed in `slots`, as flat arrays; without `observations`, all but the
 * observations (PPO reads its distinct observations straight from the storage).
 */
export function slotArrays(storage: SideStorage, slots: Int32Array, observations = true): SlotArrays {
  const { obsSize, maskWidth } = storage;
  const rows = slots.length;
  const arrays = emptySlotArrays(rows, observations ? obsSize : 0, maskWidth);
  if (observations) gatherRows(storage.obs, obsSize, slots, rows, arrays.obs);
  gatherMaskBias(storage.mask, maskWidth, slots, rows, arrays.maskBias);
  gatherRows(storage.chosen, maskWidth, slots, rows, arrays.chosen);
  gatherRows(storage.usedColumns, maskWidth, slots, rows, arrays.usedColumns);
  return arrays;
}

/** Room for `rows` rows (a minibatch buffer). */
export function emptySlotArrays(rows: number, obsSize: number, maskWidth: number): SlotArrays {
  return {
    rows, obsSize, maskWidth,
    obs: new Float32Array(rows * obsSize),
    maskBias: new Float32Array(rows * maskWidth),
    chosen: new Float32Array(rows * maskWidth),
    usedColumns: new Float32Array(rows * maskWidth),
  };
}

/**
 * Rows `order[start..end)` of `from` into rows 0.. of `to`, all but the observations (a minibatch
 * takes its distinct observations from policy/distinctRows.ts's `MinibatchRows`); returns the row count.
 */
export function gatherSlotRows(from: SlotArrays, order: Int32Array, start: number, end: number, to: SlotArrays): number {
  const count = end - start;
  const picked = order.subarray(start, end);
  gatherRows(from.maskBias, from.maskWidth, picked, count, to.maskBias);
  gatherRows(from.chosen, from.maskWidth, picked, count, to.chosen);
  gatherRows(from.usedColumns, from.maskWidth, picked, count, to.usedColumns);
  return count;
}

/** The first `rows` rows of `arrays` as tensors (the caller disposes them, or runs inside tf.tidy). */
export function tensorsOf(arrays: SlotArrays, rows = arrays.rows): SlotTensors {
  const { obsSize } = arrays;
  return { obs: tf.tensor2d(arrays.obs.subarray(0, rows * obsSize), [rows, obsSize]), ...maskTensorsOf(arrays, rows) };
}

/** The same without the observations (PPO's minibatches upload their distinct observations themselves). */
export function maskTensorsOf(arrays: SlotArrays, rows = arrays.rows): Omit<SlotTensors, 'obs'> {
  const { maskWidth } = arrays;
  return {
    maskBias: tf.tensor2d(arrays.maskBias.subarray(0, rows * maskWidth), [rows, maskWidth]),
    chosen: tf.tensor2d(arrays.chosen.subarray(0, rows * maskWidth), [rows, maskWidth]),
    usedColumns: tf.tensor2d(arrays.usedColumns.subarray(0, rows * maskWidth), [rows, maskWidth]),
  };
}

/** The slots listed in `slots` (storage slot numbers), as tensors. */
export function slotTensors(storage: SideStorage, slots: Int32Array): SlotTensors {
  return tensorsOf(slotArrays(storage, slots));
}

/** Statistics of one side's update (null where the algorithm has none). */
export interface UpdateStats {
  loss: number;
  entropy: number;
  valueLoss: number | null;
  /** PPO's auxiliary majority loss (ppo.majorityCoef > 0), else absent. */
  majorityLoss?: number;
}
