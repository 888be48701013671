/**
 * REINFORCE, as in the seed paper: every decision of an episode is reinforced by the episode's
 * return (the team reward for the honest side, the adversary's reward for the adversary), with an
 * optional baseline and an entropy bonus, one Adam step per epoch on the whole batch.
 *
 *   loss = − mean_slots[(G_episode − baseline) / scale · log π(a | o)] − entropyCoef · mean_slots[H(π(· | o))]
 *
 * where log π sums over the heads the action used (ActionSpace.isHeadUsed).
 */
import type { PolicyNetwork } from '../policy/PolicyNetwork.js';
import { tf } from '../policy/tf.js';
import type { SideStorage } from './rollout.js';
import { slotTensors, type UpdateStats } from './storageTensors.js';

export interface ReinforceOptions {
  /** Adam learning rate. */
  learningRate?: number;
  /**
   * `mean`: subtract the batch's mean return; `value`: subtract the value head's estimate V(o) of
   * each decision's observation (learned alongside, weight `valueCoef`); `none`: plain REINFORCE.
   */
  baseline?: 'mean' | 'value' | 'none';
  /**
   * Episodes per group sharing one chance outcome (faulty set, inputs); > 1 replaces the baseline
   * by the group's mean return (GRPO's group baseline). The batch must be a multiple of it.
   */
  groupSize?: number;
  /** Weight of the value loss (baseline `value`). */
  valueCoef?: number;
  /** Divide advantages by the batch's return standard deviation. */
  normalize?: boolean;
  /** Floor of that standard deviation: a converged batch (returns nearly equal) must not blow up noise. */
  minScale?: number;
  /** Weight of the entropy bonus. */
  entropyCoef?: number;
  /** Clip the global gradient norm (0 = off). */
  maxGradNorm?: number;
}

export const REINFORCE_DEFAULTS: Required<ReinforceOptions> = { learningRate: 0.01, baseline: 'mean', groupSize: 1, valueCoef: 0.5, normalize: true, minScale: 0.1, entropyCoef: 0.01, maxGradNorm: 0 };

/**
 * One update of `network` from the recorded `storage` and each episode's return `returns[b]`.
 * The storage must have been `finish`ed (its valid slots listed).
 */
export function reinforceUpdate(network: PolicyNetwork, storage: SideStorage, returns: Float64Array, options: ReinforceOptions = {}): UpdateStats {
  const o = { ...REINFORCE_DEFAULTS, ...options };
  const slots = storage.slots.subarray(0, storage.count);
  if (slots.length === 0) return { loss: 0, entropy: 0, valueLoss: null };

  // ---- returns → advantages (per episode, then per recorded decision)
  let mean = 0;
  for (let b = 0; b < returns.length; b++) mean += returns[b]!;
  mean /= returns.length;
  let variance = 0;
  for (let b = 0; b < returns.length; b++) variance += (returns[b]! - mean) ** 2;
  const scale = o.normalize ? Math.max(Math.sqrt(variance / returns.length), o.minScale, 1e-8) : 1;
  const batch = slotTensors(storage, slots);
  const useValue = o.baseline === 'value';
  if (useValue && !network.spec.value) throw new RangeError('reinforce: baseline value needs a network with a value head');
  let values: Float32Array | undefined;
  if (useValue) tf.tidy(() => {
    values = network.forward(batch.obs).value.dataSync() as Float32Array;
  });
  const baseline = o.baseline === 'mean' ? mean : 0;
  const group = o.groupSize;
  const groupMean = new Float64Array(group > 1 ? Math.ceil(returns.length / group) : 0);
  for (let b = 0; b < returns.length && group > 1; b++) groupMean[Math.floor(b / group)]! += returns[b]! / Math.min(group, returns.length - Math.floor(b / group) * group);
  const advantages = new Float32Array(slots.length);
  const targets = new Float32Array(slots.length);
  for (let k = 0; k < slots.length; k++) {
    const g = returns[storage.episodeOf(slots[k]!)]!;
    targets[k] = g;
    const b = storage.episodeOf(slots[k]!);
    advantages[k] = (g - (group > 1 ? groupMean[Math.floor(b / group)]! : values ? values[k]! : baseline)) / scale;
  }

  // ---- update
  const advantage = tf.tensor1d(advantages);
  const target = tf.tensor1d(targets);
  // The reported entropy is the policy's before the step: the loss pass computes it anyway, and
  // keeps it (a separate forward pass for it cost as much as the step's own forward pass).
  let meanEntropy: tf.Scalar | undefined;
  const loss = network.step(() => {
    const terms = network.terms(batch.obs, batch.maskBias, batch.chosen, batch.usedColumns);
    const policyLoss = tf.neg(tf.mean(tf.mul(advantage, terms.logProb)));
    const valueLoss = useValue ? tf.mul(0.5 * o.valueCoef, tf.mean(tf.square(tf.sub(terms.value, target)))) : tf.scalar(0);
    const entropyNow = tf.keep(tf.mean(terms.entropy) as tf.Scalar);
    meanEntropy = entropyNow;
    return tf.sub(tf.add(policyLoss, valueLoss), tf.mul(o.entropyCoef, entropyNow)) as tf.Scalar;
  }, { learningRate: o.learningRate, maxGradNorm: o.maxGradNorm });
  const entropy = meanEntropy ? meanEntropy.dataSync()[0]! : NaN;
  tf.dispose([batch.obs, batch.maskBias, batch.chosen, batch.usedColumns, advantage, target, ...(meanEntropy ? [meanEntropy] : [])]);
  return { loss, entropy, valueLoss: null };
}
