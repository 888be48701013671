/**
 * PPO (Schulman et al., 2017) with the CleanRL habits: GAE advantages over each agent's own
 * decisions, a clipped surrogate objective, a value loss, an entropy bonus, minibatch epochs and
 * global-norm gradient clipping. The network needs a value head.
 *
 * A trajectory is one row's decisions across rounds (honest: one agent; adversary: one episode).
 * Rewards are terminal: the episode's return arrives at the row's last decision (round penalties
 * are already inside the judged return, GAME.md §8).
 */
import type { PolicyNetwork } from '../policy/PolicyNetwork.js';
import { tf } from '../policy/tf.js';
import type { SideStorage } from './rollout.js';
import { emptySlotArrays, gatherSlotRows, slotArrays, tensorsOf, type UpdateStats } from './storageTensors.js';

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
}

export const PPO_DEFAULTS: Required<PpoOptions> = {
  learningRate: 0.005, gamma: 1, gaeLambda: 0.95, clip: 0.2, valueCoef: 0.5, entropyCoef: 0.01, updateEpochs: 4, minibatches: 4, maxGradNorm: 0.5,
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

export function ppoUpdate(network: PolicyNetwork, storage: SideStorage, returns: Float64Array, shuffleSeed: number, options: PpoOptions = {}): UpdateStats {
  const o = { ...PPO_DEFAULTS, ...options };
  if (!network.spec.value) throw new RangeError('ppo: the network needs a value head (value: true)');
  const slots = storage.slots.subarray(0, storage.count);
  const count = slots.length;
  if (count === 0) return { loss: 0, entropy: 0, valueLoss: 0 };

  // ---- values and old log-probabilities of every recorded decision (before any update)
  const arrays = slotArrays(storage, slots);
  const batch = tensorsOf(arrays);
  let values: Float32Array = new Float32Array(0);
  let oldLogProb: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    const terms = network.terms(batch.obs, batch.maskBias, batch.chosen, batch.usedColumns);
    values = terms.value.dataSync() as Float32Array;
    oldLogProb = terms.logProb.dataSync() as Float32Array;
  });

  // ---- GAE, backwards over rounds within each row's trajectory
  const rows = storage.rowsPerRound;
  const slotIndex = new Int32Array(storage.valid.length).fill(-1);
  for (let k = 0; k < count; k++) slotIndex[slots[k]!] = k;
  const nextValue = new Float32Array(rows);
  const nextAdvantage = new Float32Array(rows);
  const hasNext = new Uint8Array(rows);
  const advantages = new Float32Array(count);
  const targets = new Float32Array(count);
  for (let r = storage.maxRounds; r >= 1; r--) {
    for (let row = 0; row < rows; row++) {
      const k = slotIndex[(r - 1) * rows + row]!;
      if (k < 0) continue;
      const last = hasNext[row] === 0;
      const reward = last ? returns[storage.episodeOf(slots[k]!)]! : 0;
      const delta = reward + (last ? 0 : o.gamma * nextValue[row]!) - values[k]!;
      const advantage = delta + (last ? 0 : o.gamma * o.gaeLambda * nextAdvantage[row]!);
      advantages[k] = advantage;
      targets[k] = advantage + values[k]!;
      nextValue[row] = values[k]!;
      nextAdvantage[row] = advantage;
      hasNext[row] = 1;
    }
  }

  // ---- minibatch epochs on the clipped objective (rows gathered in JS into reused buffers)
  const random = shuffleRandom(shuffleSeed);
  const order = Int32Array.from({ length: count }, (_, k) => k);
  const size = Math.max(1, Math.ceil(count / o.minibatches));
  const minibatch = emptySlotArrays(size, storage.obsSize, storage.maskWidth);
  const minibatchOldLogProb = new Float32Array(size);
  const minibatchAdvantage = new Float32Array(size);
  const minibatchTarget = new Float32Array(size);
  const targetT = tf.tensor1d(targets);
  let loss = 0;
  for (let pass = 0; pass < o.updateEpochs; pass++) {
    for (let k = count - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      const t = order[k]!; order[k] = order[j]!; order[j] = t;
    }
    for (let start = 0; start < count; start += size) {
      const rows = gatherSlotRows(arrays, order, start, Math.min(count, start + size), minibatch);
      for (let r = 0; r < rows; r++) {
        const k = order[start + r]!;
        minibatchOldLogProb[r] = oldLogProb[k]!;
        minibatchAdvantage[r] = advantages[k]!;
        minibatchTarget[r] = targets[k]!;
      }
      loss = tf.tidy(() => {
        const picked = tensorsOf(minibatch, rows);
        const oldLogProbT = tf.tensor1d(minibatchOldLogProb.subarray(0, rows));
        const raw = tf.tensor1d(minibatchAdvantage.subarray(0, rows));
        const target = tf.tensor1d(minibatchTarget.subarray(0, rows));
        return network.step(() => {
          const terms = network.terms(picked.obs, picked.maskBias, picked.chosen, picked.usedColumns);
          const { mean, variance } = tf.moments(raw);
          const advantage = tf.div(tf.sub(raw, mean), tf.add(tf.sqrt(variance), 1e-8));
          const ratio = tf.exp(tf.sub(terms.logProb, oldLogProbT));
          const surrogate = tf.minimum(tf.mul(ratio, advantage), tf.mul(tf.clipByValue(ratio, 1 - o.clip, 1 + o.clip), advantage));
          const policyLoss = tf.neg(tf.mean(surrogate));
          const valueLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(terms.value, target))));
          return tf.sub(tf.add(policyLoss, tf.mul(o.valueCoef, valueLoss)), tf.mul(o.entropyCoef, tf.mean(terms.entropy))) as tf.Scalar;
        }, { learningRate: o.learningRate, maxGradNorm: o.maxGradNorm });
      });
    }
  }

  // ---- statistics after the update
  let entropy = 0;
  let valueLoss = 0;
  tf.tidy(() => {
    const terms = network.terms(batch.obs, batch.maskBias, batch.chosen, batch.usedColumns);
    entropy = tf.mean(terms.entropy).dataSync()[0]!;
    valueLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(terms.value, targetT)))).dataSync()[0]!;
  });
  tf.dispose([batch.obs, batch.maskBias, batch.chosen, batch.usedColumns, targetT]);
  return { loss, entropy, valueLoss };
}
