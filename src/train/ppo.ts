/**
 * PPO (Schulman et al., 2017) with the CleanRL habits: GAE advantages over each agent's own
 * decisions, a clipped surrogate objective, a value loss, an entropy bonus, minibatch epochs and
 * global-norm gradient clipping. The network needs a value head.
 *
 * A trajectory is one row's decisions across rounds (honest: one agent; adversary: one episode).
 * Rewards are terminal: the episode's return arrives at the row's last decision (round penalties
 * are already inside the judged return, GAME.md §8).
 */
import { readAndDispose, type PolicyNetwork } from '../policy/PolicyNetwork.js';
import { distinctRowsOf, MinibatchRows } from '../policy/distinctRows.js';
import { tf } from '../policy/tf.js';
import { gaeAdvantages } from './gae.js';
import type { SideStorage } from './rollout.js';
import { emptySlotArrays, gatherSlotRows, maskTensorsOf, slotArrays, type UpdateStats } from './storageTensors.js';

export interface PpoOptions {
  /** Adam learning rate. */
  learningRate?: number;
  /** Discount per decision. */
  gamma?: number;
  /** GAE λ. */
  gaeLambda?: number;
  /** Surrogate clipping ε. */
  clip?: number;
  /** Weight of the value loss. */
  valueCoef?: number;
  /** Weight of the entropy bonus. */
  entropyCoef?: number;
  /** Passes over the batch per epoch. */
  updateEpochs?: number;
  /** Minibatches per pass. */
  minibatches?: number;
  /** Clip the global gradient norm (0 = off). */
  maxGradNorm?: number;
  /**
   * Weight of an auxiliary loss: the cross-entropy of the network's majority head
   * (PolicyNetworkSpec.majorityHead) against the honest inputs' plurality value, per decision
   * (`SideStorage.majorityTarget`; ties left out). 0 = off. Why: docs/EXPERIMENTS.md §4 — on
   * `slush-3v2` the team waits on a plateau until its hidden layers represent where the majority
   * lies; this target teaches them that directly.
   */
  majorityCoef?: number;
}

export const PPO_DEFAULTS: Required<PpoOptions> = {
  learningRate: 0.005, gamma: 1, gaeLambda: 0.95, clip: 0.2, valueCoef: 0.5, entropyCoef: 0.01, updateEpochs: 4, minibatches: 4, maxGradNorm: 0.5, majorityCoef: 0,
};

/** mulberry32, for the minibatch shuffle (seeded per epoch: runs replay exactly). */
function shuffleRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The clipped surrogate objective (Schulman et al., 2017, eq. 7), negated to be minimised:
 * −mean(min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)) with ρ = π_new(a|s) / π_old(a|s) = exp(logProb − oldLogProb).
 * Its gradient raises the chosen action's probability where A > 0 and lowers it where A < 0, and
 * is zero once ρ has left [1−ε, 1+ε] in the direction A pushes it.
 * @param logProb [batch] log π_new(a|s), differentiable
 * @param oldLogProb [batch] log π_old(a|s), from before the update
 * @param advantage [batch] A (normalised by the caller)
 */
export function clippedPolicyLoss(logProb: tf.Tensor1D, oldLogProb: tf.Tensor1D, advantage: tf.Tensor, clip: number): tf.Scalar {
  const ratio = tf.exp(tf.sub(logProb, oldLogProb));
  const surrogate = tf.minimum(tf.mul(ratio, advantage), tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), advantage));
  return tf.neg(tf.mean(surrogate)) as tf.Scalar;
}

export function ppoUpdate(network: PolicyNetwork, storage: SideStorage, returns: Float64Array, shuffleSeed: number, options: PpoOptions = {}): UpdateStats {
  const o = { ...PPO_DEFAULTS, ...options };
  if (!network.spec.value) throw new RangeError('ppo: the network needs a value head (value: true)');
  const majorityValues = o.majorityCoef > 0 ? network.spec.majorityHead ?? 0 : 0;
  if (o.majorityCoef > 0 && !majorityValues) throw new RangeError(`ppo: majorityCoef ${o.majorityCoef} needs a network with a majority head (PolicyNetworkSpec.majorityHead)`);
  if (majorityValues && !storage.majorityTargetsRecorded) throw new RangeError('ppo: majorityCoef > 0, but this storage holds no majority targets (train/majorityTargets.ts records them after the rollout)');
  const slots = storage.slots.subarray(0, storage.count);
  const count = slots.length;
  if (count === 0) return { loss: 0, entropy: 0, valueLoss: 0 };

  // ---- old log-probabilities and values of every recorded decision: the acting policy's, recorded
  // while acting (CleanRL's habit; the rollout's forward pass already computed them). A storage
  // filled without them gets one forward pass here, before any update.
  const arrays = slotArrays(storage, slots, false);
  // The observations as the network's first layer reads them, once per distinct row (each minibatch
  // runs the network once per distinct row it holds: policy/distinctRows.ts): the distinct rows of
  // the storage, read by slot, then prepared (an equivariant network's split), where rows that
  // differ can become equal (the others' canonical order): those are numbered once more.
  const stored = distinctRowsOf(storage.obs, count, storage.obsSize, slots);
  const obsSize = network.preparedWidth(storage.obsSize);
  const prepared = network.prepare(stored.rows, stored.distinct, storage.obsSize);
  const merged = network.spec.equivariant ? distinctRowsOf(prepared, stored.distinct, obsSize) : { ids: undefined, distinct: stored.distinct, rows: prepared };
  // Row k's distinct row: numbered in order of first appearance, as numbering the prepared rows themselves would.
  const ids = merged.ids ? Int32Array.from(stored.ids.subarray(0, count), (id) => merged.ids[id]!) : stored.ids;
  const { distinct, rows: distinctObservations } = merged;
  const oldLogProb = new Float32Array(count);
  const values = new Float32Array(count);
  if (storage.logProbsRecorded) for (let k = 0; k < count; k++) oldLogProb[k] = storage.behaviourLogProb[slots[k]!]!;
  if (storage.valuesRecorded) for (let k = 0; k < count; k++) values[k] = storage.behaviourValue[slots[k]!]!;
  if (!storage.logProbsRecorded || !storage.valuesRecorded)
    tf.tidy(() => {
      const { maskBias, chosen, usedColumns } = maskTensorsOf(arrays);
      const observations = tf.tensor2d(distinctObservations, [distinct, obsSize]);
      const terms = network.terms(observations, maskBias, chosen, usedColumns, true, tf.tensor1d(ids.subarray(0, count), 'int32'));
      if (!storage.valuesRecorded) values.set(terms.value.dataSync());
      if (!storage.logProbsRecorded) oldLogProb.set(terms.logProb.dataSync());
    });

  // ---- GAE over each row's trajectory: its decisions in round order, the return after the last
  const rows = storage.rowsPerRound;
  const slotIndex = new Int32Array(storage.valid.length).fill(-1);
  for (let k = 0; k < count; k++) slotIndex[slots[k]!] = k;
  const advantages = new Float32Array(count);
  const targets = new Float32Array(count);
  const trajectory = new Int32Array(storage.maxRounds);
  const rewards = new Float64Array(storage.maxRounds);
  const trajectoryValues = new Float32Array(storage.maxRounds);
  for (let row = 0; row < rows; row++) {
    let length = 0;
    for (let r = 1; r <= storage.maxRounds; r++) {
      const k = slotIndex[(r - 1) * rows + row]!;
      if (k >= 0) trajectory[length++] = k;
    }
    if (length === 0) continue;
    for (let t = 0; t < length; t++) {
      rewards[t] = 0;
      trajectoryValues[t] = values[trajectory[t]!]!;
    }
    rewards[length - 1] = returns[storage.episodeOf(slots[trajectory[length - 1]!]!)]!;
    const gae = gaeAdvantages(rewards.subarray(0, length), trajectoryValues.subarray(0, length), o.gamma, o.gaeLambda);
    for (let t = 0; t < length; t++) {
      advantages[trajectory[t]!] = gae.advantages[t]!;
      targets[trajectory[t]!] = gae.targets[t]!;
    }
  }

  // ---- minibatch epochs on the clipped objective (rows gathered in JS into reused buffers)
  const random = shuffleRandom(shuffleSeed);
  const order = Int32Array.from({ length: count }, (_, k) => k);
  const size = Math.max(1, Math.ceil(count / o.minibatches));
  const distinctRows = new MinibatchRows(ids, distinct, size, obsSize);
  const minibatch = emptySlotArrays(size, 0, storage.maskWidth);
  const minibatchOldLogProb = new Float32Array(size);
  const minibatchAdvantage = new Float32Array(size);
  const minibatchTarget = new Float32Array(size);
  // The majority loss's one-hot targets `[rows, values]`, and 1 on the rows that have one (no tie).
  const minibatchMajority = new Float32Array(size * majorityValues);
  const minibatchHasMajority = new Float32Array(size);
  // The statistics an epoch reports: the last pass's, each minibatch's before its step, weighted by rows
  // (a pass over the whole batch after the update would cost as much as a quarter of the update).
  let entropySum = 0;
  let valueLossSum = 0;
  let majorityLossSum = 0;
  let loss = 0;
  for (let pass = 0; pass < o.updateEpochs; pass++) {
    const lastPass = pass === o.updateEpochs - 1;
    for (let k = count - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      const t = order[k]!; order[k] = order[j]!; order[j] = t;
    }
    for (let start = 0; start < count; start += size) {
      const end = Math.min(count, start + size);
      const rows = gatherSlotRows(arrays, order, start, end, minibatch);
      const distinctCount = distinctRows.gather(distinctObservations, order, start, end);
      for (let r = 0; r < rows; r++) {
        const k = order[start + r]!;
        minibatchOldLogProb[r] = oldLogProb[k]!;
        minibatchAdvantage[r] = advantages[k]!;
        minibatchTarget[r] = targets[k]!;
        if (majorityValues) {
          const majority = storage.majorityTarget[slots[k]!]!;
          minibatchMajority.fill(0, r * majorityValues, (r + 1) * majorityValues);
          if (majority >= 0) minibatchMajority[r * majorityValues + majority] = 1;
          minibatchHasMajority[r] = majority >= 0 ? 1 : 0;
        }
      }
      let entropyT: tf.Scalar | undefined;
      let valueLossT: tf.Scalar | undefined;
      let majorityLossT: tf.Scalar | undefined;
      loss = tf.tidy(() => {
        const { maskBias, chosen, usedColumns } = maskTensorsOf(minibatch, rows);
        const observations = tf.tensor2d(distinctRows.data.subarray(0, distinctCount * obsSize), [distinctCount, obsSize]);
        const expand = tf.tensor1d(distinctRows.index.subarray(0, rows), 'int32');
        const oldLogProbT = tf.tensor1d(minibatchOldLogProb.subarray(0, rows));
        const raw = tf.tensor1d(minibatchAdvantage.subarray(0, rows));
        const target = tf.tensor1d(minibatchTarget.subarray(0, rows));
        return network.step(() => {
          const terms = network.terms(observations, maskBias, chosen, usedColumns, true, expand);
          const { mean, variance } = tf.moments(raw);
          const advantage = tf.div(tf.sub(raw, mean), tf.add(tf.sqrt(variance), 1e-8));
          const policyLoss = clippedPolicyLoss(terms.logProb, oldLogProbT, advantage, o.clip);
          const valueLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(terms.value, target)))) as tf.Scalar;
          const entropy = tf.mean(terms.entropy) as tf.Scalar;
          if (lastPass) {
            entropyT = tf.keep(entropy);
            valueLossT = tf.keep(valueLoss);
          }
          const ppoLoss = tf.sub(tf.add(policyLoss, tf.mul(o.valueCoef, valueLoss)), tf.mul(o.entropyCoef, entropy)) as tf.Scalar;
          if (!majorityValues || !terms.majority) return ppoLoss;
          // Mean cross-entropy of the majority head over the rows that have a target.
          const oneHot = tf.tensor2d(minibatchMajority.subarray(0, rows * majorityValues), [rows, majorityValues]);
          const hasTarget = tf.tensor1d(minibatchHasMajority.subarray(0, rows));
          const crossEntropy = tf.neg(tf.sum(tf.mul(tf.logSoftmax(terms.majority), oneHot), 1));
          const majorityLoss = tf.div(tf.sum(tf.mul(crossEntropy, hasTarget)), tf.maximum(tf.sum(hasTarget), 1)) as tf.Scalar;
          if (lastPass) majorityLossT = tf.keep(majorityLoss);
          return tf.add(ppoLoss, tf.mul(o.majorityCoef, majorityLoss)) as tf.Scalar;
        }, { learningRate: o.learningRate, maxGradNorm: o.maxGradNorm });
      });
      if (entropyT && valueLossT) {
        entropySum += readAndDispose(entropyT)[0]! * rows;
        valueLossSum += readAndDispose(valueLossT)[0]! * rows;
      }
      if (majorityLossT) majorityLossSum += readAndDispose(majorityLossT)[0]! * rows;
    }
  }
  return { loss, entropy: entropySum / count, valueLoss: valueLossSum / count, ...(majorityValues && { majorityLoss: majorityLossSum / count }) };
}
