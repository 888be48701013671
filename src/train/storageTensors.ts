/**
 * Tensors of the recorded slots of one side, for an update: `[slots, obsSize]` observations,
 * `[slots, maskWidth]` masks, chosen one-hots and used columns. Call inside tf.tidy.
 */
import { tf } from '../policy/tf.js';
import type { SideStorage } from './rollout.js';

export interface SlotTensors {
  obs: tf.Tensor2D;
  mask: tf.Tensor2D;
  chosen: tf.Tensor2D;
  usedColumns: tf.Tensor2D;
}

/** The slots listed in `slots` (storage slot numbers). */
export function slotTensors(storage: SideStorage, slots: Int32Array): SlotTensors {
  const { obsSize, maskWidth } = storage;
  const count = slots.length;
  const obs = new Float32Array(count * obsSize);
  const mask = new Float32Array(count * maskWidth);
  const chosen = new Float32Array(count * maskWidth);
  const used = new Float32Array(count * maskWidth);
  for (let k = 0; k < count; k++) {
    const s = slots[k]!;
    obs.set(storage.obs.subarray(s * obsSize, (s + 1) * obsSize), k * obsSize);
    for (let x = 0; x < maskWidth; x++) mask[k * maskWidth + x] = storage.mask[s * maskWidth + x]!;
    chosen.set(storage.chosen.subarray(s * maskWidth, (s + 1) * maskWidth), k * maskWidth);
    used.set(storage.usedColumns.subarray(s * maskWidth, (s + 1) * maskWidth), k * maskWidth);
  }
  return {
    obs: tf.tensor2d(obs, [count, obsSize]),
    mask: tf.tensor2d(mask, [count, maskWidth]),
    chosen: tf.tensor2d(chosen, [count, maskWidth]),
    usedColumns: tf.tensor2d(used, [count, maskWidth]),
  };
}

/** Statistics of one side's update (null where the algorithm has none). */
export interface UpdateStats {
  loss: number;
  entropy: number;
  valueLoss: number | null;
}
