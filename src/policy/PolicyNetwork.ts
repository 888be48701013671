/**
 * The learned policy's network: an MLP (ReLU, hidden sizes configurable, default [16, 8] as in the
 * seed paper) with one masked categorical head per action head, an optional value head, and its
 * own Adam optimizer. Weights and optimizer state save to / load from plain JSON.
 *
 * Shapes: observations `[rows, obsSize]`; logits `[rows, maskWidth]` (the heads' options side by
 * side, head h at columns offset_h .. offset_h + size_h − 1); value `[rows]`.
 *
 * Rows are agents (honest: row b·n + i, one network shared by all honest agents) or episodes (the
 * adversary). Sampling happens in JS (policy/heads.ts) from the episodes' own random streams, so
 * this class never draws random numbers except to initialise weights, from its own seed.
 */
import type { SampleView } from '../game/observation.js';
import { adamUpdate, clipGlobalNorm } from './adam.js';
import { dense } from './dense.js';
import { expandRows } from './expandRows.js';
import { agentsForRowSize, blockWidth, evidenceWidth, featureMap, ownWidth, pooledWidth, poolsPerFeature, readFeatures, type EquivariantSpec, type FeatureMap } from './equivariant.js';
import { pooledFeatures, pooledFeaturesOfPrepared, preparedRows, preparedWidth } from './equivariantFeatures.js';
import { tf } from './tf.js';

export interface HeadShape {
  readonly size: number;
  readonly offset: number;
}

export interface PolicyNetworkSpec {
  /** Numbers per observation row. */
  obsSize: number;
  /** The categorical heads, options laid side by side. */
  heads: readonly HeadShape[];
  /** Hidden layer sizes (ReLU). */
  hidden: readonly number[];
  /** Whether to add a value head (PPO's critic, or a learned REINFORCE baseline). */
  value: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
  /** Initial bias of each logit column (default all 0: uniform heads at the start). */
  initialBias?: readonly number[];
  /**
   * Subtract a running mean of the observations before the first layer (the trainer feeds it,
   * `trackInputMean`). One-hot observations are never centred: their constant parts act as extra
   * bias directions, which make a state-independent change of the logits (e.g. "always commit
   * the same value") much faster to learn than a state-dependent one.
   */
  centerInputs?: boolean;
  /**
   * Honest networks: the coordinates of values in observations and options (policy/valueFrame.ts;
   * default absolute). Applied by NeuralProtocol; kept in the spec so that a saved policy replays.
   */
  valueFrame?: 'absolute' | 'own-input' | 'symmetric';
  /** Honest networks: the observation's history window H (GAME.md §7; default 1). */
  history?: number;
  /**
   * Honest networks: in the last round an undecided agent must commit (waiting there is a certain
   * loss). Applied by NeuralProtocol to the legal mask.
   */
  commitAtHorizon?: boolean;
  /** Honest networks: the other agents in a canonical order (policy/othersOrder.ts; default false). */
  symmetricOthers?: boolean;
  /** Honest networks: how messages and relays are observed (game/observation.ts; default per-sender). */
  messageView?: 'per-sender' | 'accepted';
  /** Honest networks: how samples are observed (game/observation.ts; default counts). */
  sampleView?: SampleView;
  /**
   * Honest networks: read the other agents alike (policy/equivariant.ts): one encoder shared by
   * every other agent's block, pooled, before `hidden`; the same weights run at any n. Absent: an MLP
   * on the whole row.
   */
  equivariant?: EquivariantSpec;
  /**
   * Honest networks: the policy heads' logits are multiplied by this (an inverse temperature;
   * default 1). Above 1 the sampled policy is as confident as the greedy one sooner: a learned rule
   * held at ½ a logit errs often when sampled, and the sampled gradient there can point away from
   * it (EXPERIMENTS §12, config K). The greedy policy is unchanged. Absent in networks saved before it.
   */
  logitScale?: number;
  /**
   * Honest linear equivariant networks with evidence bits (EquivariantSpec.evidence, no encoder):
   * the pooled evidence bits are multiplied by this before the heads read them (default 1). Adam's
   * steps are about the same size for every weight, so a gain g moves the logits g times faster
   * along the per-origin votes than along the raw numbers beside them (the own input, the received
   * values a faulty agent sets): a learner that finds the votes first (EXPERIMENTS §12, config K).
   */
  evidenceGain?: number;
  /**
   * Honest networks: an auxiliary head of this many logits (the scenario's values) on the last
   * hidden layer, trained to predict the honest inputs' plurality value in the network's value
   * frame (PPO's `majorityCoef`; train/majorityTargets.ts). Nothing else reads it: it changes what
   * the hidden layers learn to represent, not how the policy reads them. Absent: no such head.
   */
  majorityHead?: number;
}

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm?: number;
}

/** A saved network: spec, weights and (unless saved as a policy only) Adam state, as plain JSON. */
export interface SavedPolicy {
  kind: 'cgym-policy';
  spec: PolicyNetworkSpec;
  weights: number[][];
  /** Absent in a policy saved without its optimizer (`toJSON({ optimizer: false })`): it plays, and trains on with a fresh Adam. */
  adam?: { step: number; m: number[][]; v: number[][] };
  /** The running input mean (spec.centerInputs). */
  inputMean?: number[];
}

/** The per-row terms of a policy-gradient loss (all `[rows]`). */
export interface PolicyTerms {
  /** Σ over used heads of log π(choice). */
  logProb: tf.Tensor1D;
  /** Σ over used heads of the masked head's entropy. */
  entropy: tf.Tensor1D;
  /** Value estimate (zeros without a value head). */
  value: tf.Tensor1D;
  /** The auxiliary majority head's logits `[rows, values]` (spec.majorityHead), if the network has one. */
  majority?: tf.Tensor2D;
}

/**
 * What an illegal option's logit gets added: a large negative number (finite: 0 · it stays 0 in
 * the entropy). A mask bias is 0 on legal options and this on illegal ones.
 */
export const ILLEGAL_LOGIT = -1e9;

/** A 0/1 legal mask as the additive mask bias `terms` takes. */
export function maskBias(mask: ArrayLike<number>): Float32Array {
  return Float32Array.from(mask, (legal) => (legal ? 0 : ILLEGAL_LOGIT));
}

/** Consecutive heads of one size: their log-softmax is one op on a `[rows, count, size]` view. */
interface HeadRun {
  offset: number;
  count: number;
  size: number;
}

function headRuns(heads: readonly HeadShape[]): HeadRun[] {
  const runs: HeadRun[] = [];
  for (const { offset, size } of heads) {
    const last = runs[runs.length - 1];
    if (last && last.size === size && last.offset + last.count * last.size === offset) last.count++;
    else runs.push({ offset, count: 1, size });
  }
  return runs;
}

/** Variable names must be unique across every network alive in the process. */
let nextVariableId = 0;

/** A variable holding `initial`'s values; `initial` itself is released (it would count as a leaked tensor). */
function ownedVariable(initial: tf.Tensor, trainable: boolean, name?: string): tf.Variable {
  const variable = tf.variable(initial, trainable, name);
  initial.dispose();
  return variable;
}

/**
 * A tensor's values, read back to JS, and the tensor released. A `tf.tidy` must return the tensor,
 * never its typed array: tidy walks every element of a returned array looking for tensors (in the
 * profile that walk cost more than the forward pass it wrapped).
 */
export function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

/** mulberry32: the initialiser's own seeded generator (weights never use Math.random). */
function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `[pooledWidth]`: `gain` on the pooled evidence bits of a linear equivariant network, 1 elsewhere (spec.evidenceGain). */
function evidenceGains(spec: PolicyNetworkSpec, gain: number): Float32Array {
  const equivariant = spec.equivariant;
  if (!equivariant || !equivariant.evidence || equivariant.encoder.length > 0)
    throw new RangeError(`policy: evidenceGain=${gain} needs a linear equivariant network with evidence bits (encoder [], relays observed over two frames)`);
  const O = ownWidth(equivariant), B = blockWidth(equivariant), first = B - evidenceWidth(equivariant);
  const gains = new Float32Array(pooledWidth(equivariant)).fill(1);
  for (let pool = 0; pool < poolsPerFeature(equivariant); pool++) for (let k = first; k < B; k++) gains[O + pool * B + k] = gain;
  return gains;
}

export class PolicyNetwork {
  readonly spec: PolicyNetworkSpec;
  readonly maskWidth: number;
  private readonly headRuns: HeadRun[];
  /** [(encoder: We0, be0, …), W0, b0, W1, b1, …, Wpolicy, bpolicy, (Wvalue, bvalue), (Wmajority, bmajority)]. */
  readonly variables: tf.Variable[];
  /** Index of the first hidden layer's weights (after the equivariant encoder's). */
  private readonly firstLayer: number;
  /** The equivariant network's row splits, per row size (one per n it has read). */
  private readonly featureMaps = new Map<number, FeatureMap>();
  /** The split of each width of rows `prepare` has made (by that width). */
  private readonly preparedMaps = new Map<number, FeatureMap>();
  /** Adam's moments, one array per variable (plain JS: policy/adam.ts says why). */
  private readonly adamM: Float32Array[];
  private readonly adamV: Float32Array[];
  private adamStep = 0;
  /** Running mean of the observations, subtracted in `forward` (spec.centerInputs); not trained. */
  private readonly inputMean: tf.Variable | undefined;
  private inputMeanSeen = false;
  /** spec.evidenceGain: the gain of each pooled feature `[pooledWidth]`, 1 but on the evidence bits. */
  private readonly pooledGain: Float32Array | undefined;

  constructor(spec: PolicyNetworkSpec, weights?: readonly (readonly number[])[]) {
    this.spec = { ...spec, heads: spec.heads.map((h) => ({ size: h.size, offset: h.offset })), hidden: [...spec.hidden], ...(spec.initialBias && { initialBias: [...spec.initialBias] }) };
    this.maskWidth = spec.heads.reduce((w, h) => Math.max(w, h.offset + h.size), 0);
    this.headRuns = headRuns(this.spec.heads);
    this.firstLayer = 2 * (spec.equivariant?.encoder.length ?? 0);
    const shapes = this.shapes();
    if (weights && weights.length !== shapes.length) throw new RangeError(`policy: saved weights have ${weights.length} arrays, the spec needs ${shapes.length}`);
    const uniform = seededUniform(spec.seed);
    this.variables = shapes.map(({ shape, scale }, k) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      if (weights) {
        const saved = weights[k]!;
        if (saved.length !== size) throw new RangeError(`policy: saved weight array ${k} has ${saved.length} numbers, the spec needs ${size}`);
        values.set(saved);
      } else if (shape.length === 2) {
        // Glorot-uniform, scaled: small policy logits start near uniform (CleanRL's std 0.01 habit).
        const limit = scale * Math.sqrt(6 / (shape[0]! + shape[1]!));
        for (let x = 0; x < size; x++) values[x] = (2 * uniform() - 1) * limit;
      } else if (k === this.firstLayer + 2 * spec.hidden.length + 1 && spec.initialBias) {
        values.set(spec.initialBias);
      }
      return ownedVariable(tf.tensor(values, shape), true, `cgym_policy_${nextVariableId++}_w${k}`);
    });
    this.inputMean = spec.centerInputs ? ownedVariable(tf.zeros([this.inputWidth()]), false) : undefined;
    this.pooledGain = spec.evidenceGain !== undefined && spec.evidenceGain !== 1 ? evidenceGains(spec, spec.evidenceGain) : undefined;
    this.adamM = this.variables.map((v) => new Float32Array(v.size));
    this.adamV = this.variables.map((v) => new Float32Array(v.size));
  }

  /** Numbers the input mean centres: a row, or (equivariant) the own part and one block. */
  private inputWidth(): number {
    const equivariant = this.spec.equivariant;
    return equivariant ? ownWidth(equivariant) + blockWidth(equivariant) : this.spec.obsSize;
  }

  private shapes(): Array<{ shape: number[]; scale: number }> {
    const { obsSize, hidden, value, equivariant, majorityHead } = this.spec;
    const out: Array<{ shape: number[]; scale: number }> = [];
    let width = obsSize;
    if (equivariant) {
      let input = blockWidth(equivariant) + ownWidth(equivariant); // the encoder reads a block with the own part beside it
      for (const e of equivariant.encoder) {
        out.push({ shape: [input, e], scale: 1 }, { shape: [e], scale: 0 });
        input = e;
      }
      width = pooledWidth(equivariant);
    }
    for (const h of hidden) {
      out.push({ shape: [width, h], scale: 1 }, { shape: [h], scale: 0 });
      width = h;
    }
    out.push({ shape: [width, this.maskWidth], scale: 0.01 }, { shape: [this.maskWidth], scale: 0 });
    if (value) out.push({ shape: [width, 1], scale: 1 }, { shape: [1], scale: 0 });
    // Last, so that a network with the head starts with the same weights as one without it.
    if (majorityHead) out.push({ shape: [width, majorityHead], scale: 1 }, { shape: [majorityHead], scale: 0 });
    return out;
  }

  /**
   * Logits `[rows, maskWidth]` and value `[rows]` (tensors; call inside tf.tidy) of observation rows,
   * or, with `prepared`, of rows made by `prepare` from them (the same numbers).
   */
  forward(obs: tf.Tensor2D, prepared = false): { logits: tf.Tensor2D; value: tf.Tensor1D; majority?: tf.Tensor2D } {
    const x = this.hidden(prepared ? { prepared: obs } : { obs });
    const majority = this.majorityHead(x);
    return { logits: this.policyHead(x), value: this.valueHead(x, obs.shape[0]), ...(majority && { majority }) };
  }

  /**
   * What the first layer reads of `rows` observation rows of `rowSize` numbers, `[rows, preparedWidth(rowSize)]`:
   * for an equivariant network, each row's own part, its blocks in canonical order (the input mean
   * subtracted) and its sender flags, split in JS; for any other network, the rows themselves. A
   * forward pass does this to every observation tensor it reads; an update that reads the same rows
   * many times (PPO's minibatch passes) prepares them once and passes `prepared` to `terms`.
   * Valid until the input mean moves (`trackInputMean`).
   */
  prepare(obs: Float32Array, rows: number, rowSize = this.spec.obsSize): Float32Array {
    if (!this.spec.equivariant) return obs.subarray(0, rows * rowSize);
    const map = this.featureMap(rowSize);
    this.preparedMaps.set(preparedWidth(map, this.firstLayer > 0), map);
    return preparedRows(map, obs, rows, this.inputMean && (this.inputMean.dataSync() as Float32Array), this.firstLayer > 0);
  }

  /** Numbers per row of `prepare`'s rows. */
  preparedWidth(rowSize = this.spec.obsSize): number {
    return this.spec.equivariant ? preparedWidth(this.featureMap(rowSize), this.firstLayer > 0) : rowSize;
  }

  /** The last hidden layer's activations (the observations themselves for a linear network). */
  private hidden(input: { obs: tf.Tensor2D } | { prepared: tf.Tensor2D } | { data: Float32Array; rows: number; rowSize: number }): tf.Tensor2D {
    const v = this.variables;
    const first = this.firstLayer;
    let x: tf.Tensor2D;
    if (!this.spec.equivariant) {
      const obs = 'data' in input ? tf.tensor2d(input.data.subarray(0, input.rows * input.rowSize), [input.rows, input.rowSize]) : 'obs' in input ? input.obs : input.prepared;
      x = this.inputMean ? tf.sub(obs, this.inputMean) : obs;
    } else if ('prepared' in input) {
      const map = this.preparedMaps.get(input.prepared.shape[1]);
      if (!map) throw new RangeError(`policy: no rows of ${input.prepared.shape[1]} numbers were prepared by this network`);
      x = pooledFeaturesOfPrepared(map, input.prepared, v.slice(0, first), this.spec.equivariant.skip);
    } else {
      const mean = this.inputMean && (this.inputMean.dataSync() as Float32Array);
      // From JS numbers directly: a tensor of them would be read straight back to JS to be split.
      x = 'data' in input
        ? pooledFeatures(this.featureMap(input.rowSize), input.data.subarray(0, input.rows * input.rowSize), v.slice(0, first), mean, this.spec.equivariant.skip, input.rows)
        : pooledFeatures(this.featureMap(input.obs.shape[1]), input.obs, v.slice(0, first), mean, this.spec.equivariant.skip);
    }
    if (this.pooledGain) x = tf.mul(x, tf.tensor1d(this.pooledGain)) as tf.Tensor2D;
    for (let l = 0; l < this.spec.hidden.length; l++) x = tf.relu(dense(x, v[first + 2 * l] as tf.Tensor2D, v[first + 2 * l + 1] as tf.Tensor1D, l === 0 && first === 0)) as tf.Tensor2D;
    return x;
  }

  /** Whether the heads read numbers that depend on no trained weight (a linear network without an encoder). */
  private headsReadConstants(): boolean {
    return this.spec.hidden.length === 0 && this.firstLayer === 0;
  }

  private policyHead(x: tf.Tensor2D): tf.Tensor2D {
    const at = this.firstLayer + 2 * this.spec.hidden.length;
    const logits = dense(x, this.variables[at] as tf.Tensor2D, this.variables[at + 1] as tf.Tensor1D, this.headsReadConstants());
    const scale = this.spec.logitScale ?? 1;
    return scale === 1 ? logits : (tf.mul(logits, scale) as tf.Tensor2D);
  }

  /** Zeros without a value head. */
  private valueHead(x: tf.Tensor2D, rows: number): tf.Tensor1D {
    const at = this.firstLayer + 2 * this.spec.hidden.length;
    if (!this.spec.value) return tf.zeros([rows]);
    return tf.reshape(dense(x, this.variables[at + 2] as tf.Tensor2D, this.variables[at + 3] as tf.Tensor1D, this.headsReadConstants()), [-1]);
  }

  /** The auxiliary majority head's logits (undefined without one: spec.majorityHead). */
  private majorityHead(x: tf.Tensor2D): tf.Tensor2D | undefined {
    if (!this.spec.majorityHead) return undefined;
    const at = this.firstLayer + 2 * this.spec.hidden.length + (this.spec.value ? 4 : 2);
    return dense(x, this.variables[at] as tf.Tensor2D, this.variables[at + 1] as tf.Tensor1D, this.headsReadConstants());
  }

  /** The equivariant split of rows of `rowSize` numbers (made once per size: an n). */
  private featureMap(rowSize: number): FeatureMap {
    let map = this.featureMaps.get(rowSize);
    if (!map) {
      const equivariant = this.spec.equivariant!;
      const n = agentsForRowSize(equivariant, rowSize);
      if (n === undefined) throw new RangeError(`policy: an equivariant network cannot read rows of ${rowSize} numbers (no n fits its observation template)`);
      map = featureMap(equivariant, n);
      this.featureMaps.set(rowSize, map);
    }
    return map;
  }

  /** `rows` rows of `rowSize` numbers as `hidden` reads them (an equivariant network reads rows observed at any n; any other, its own size). */
  private rowsOf(data: Float32Array, rows: number, rowSize: number): { data: Float32Array; rows: number; rowSize: number } {
    if (rowSize !== this.spec.obsSize && !this.spec.equivariant) throw new RangeError(`policy: the network reads rows of ${this.spec.obsSize} numbers (got ${rowSize})`);
    return { data, rows, rowSize };
  }


  /**
   * Logits of `rows` observation rows, read back to JS: `[rows, maskWidth]`. `rowSize`: numbers per
   * row (an equivariant network also reads rows observed at another n).
   */
  logits(obs: Float32Array, rows: number, rowSize = this.spec.obsSize): Float32Array {
    return readAndDispose(tf.tidy(() => this.policyHead(this.hidden(this.rowsOf(obs, rows, rowSize)))));
  }

  /**
   * Logits `[rows, maskWidth]` and value estimates `[rows]` of `rows` observation rows from one
   * forward pass (the ops of `logits` and `values`, so the same numbers): what PPO records while
   * acting, the behaviour policy's log-probabilities and the values its advantages start from.
   */
  logitsAndValues(obs: Float32Array, rows: number, rowSize = this.spec.obsSize): { logits: Float32Array; values: Float32Array } {
    const [logits, values] = tf.tidy(() => {
      const x = this.hidden(this.rowsOf(obs, rows, rowSize));
      return [this.policyHead(x), this.valueHead(x, rows)];
    });
    return { logits: readAndDispose(logits), values: readAndDispose(values) };
  }

  /** Value estimates of `rows` observation rows: `[rows]`. */
  values(obs: Float32Array, rows: number, rowSize = this.spec.obsSize): Float32Array {
    return readAndDispose(tf.tidy(() => this.valueHead(this.hidden(this.rowsOf(obs, rows, rowSize)), rows)));
  }

  /**
   * Per-row log-probability of the chosen options, entropy and value (call inside tf.tidy).
   * `maskBias` `[rows, maskWidth]` 0 = legal, ILLEGAL_LOGIT = illegal (`maskBias()`); `chosen`
   * `[rows, maskWidth]` one-hot of each used head's choice (unused heads all zero: left out of the
   * sum); `usedColumns` `[rows, maskWidth]` 1 on the columns of used heads. `prepared`: `obs` holds
   * rows made by `prepare`. `expand` `[rows]`: `obs` holds only distinct rows and row r of the
   * terms reads row `expand[r]` of it (policy/expandRows.ts: the same sums, fewer rows through the
   * network).
   *
   * The heads' log-softmax runs once per run of equal-sized heads on a reshaped view: a slice per
   * head and a concat (and their gradients, a pad and a split) are JS copies on the wasm backend
   * and cost more than the maths. Same numbers as head by head.
   */
  terms(obs: tf.Tensor2D, maskBias: tf.Tensor2D, chosen: tf.Tensor2D, usedColumns: tf.Tensor2D, prepared = false, expand?: tf.Tensor1D): PolicyTerms {
    const distinct = this.forward(obs, prepared);
    const logits = expand ? expandRows(distinct.logits, expand) : distinct.logits;
    const value = expand ? expandRows(distinct.value, expand) : distinct.value;
    const majority = distinct.majority && (expand ? expandRows(distinct.majority, expand) : distinct.majority);
    const masked = tf.add(logits, maskBias) as tf.Tensor2D;
    const parts = this.headRuns.map(({ offset, count, size }) => {
      const width = count * size;
      const block = offset === 0 && width === this.maskWidth ? masked : tf.slice(masked, [0, offset], [-1, width]);
      return count === 1 ? tf.logSoftmax(block) : tf.reshape(tf.logSoftmax(tf.reshape(block, [-1, count, size])), [-1, width]);
    });
    const logSoftmax = (parts.length === 1 ? parts[0]! : tf.concat(parts, 1)) as tf.Tensor2D;
    const logProb = tf.sum(tf.mul(logSoftmax, chosen), 1) as tf.Tensor1D;
    const plogp = tf.mul(tf.exp(logSoftmax), logSoftmax);
    const entropy = tf.neg(tf.sum(tf.mul(plogp, usedColumns), 1)) as tf.Tensor1D;
    return { logProb, entropy, value, ...(majority && { majority }) };
  }

  /**
   * One Adam step on `loss` (built from this network's variables); returns the loss value.
   * The gradients run in tf (inside a tidy: nothing but the updated variables survives); the
   * clipping and the update run in JS on the read-back gradients (policy/adam.ts).
   */
  step(loss: () => tf.Scalar, options: AdamOptions): number {
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, maxGradNorm = 0 } = options;
    this.adamStep++;
    const { value, grads } = tf.tidy(() => tf.variableGrads(loss, this.variables));
    const gradients = this.variables.map((v) => {
      const g = grads[v.name];
      return g ? readAndDispose(g) : new Float32Array(v.size);
    });
    if (maxGradNorm > 0) clipGlobalNorm(gradients, maxGradNorm);
    const settings = { learningRate, beta1, beta2, epsilon, maxGradNorm };
    tf.tidy(() => {
      this.variables.forEach((v, k) => {
        const weights = Float32Array.from(v.dataSync() as Float32Array);
        adamUpdate(weights, gradients[k]!, this.adamM[k]!, this.adamV[k]!, this.adamStep, settings);
        v.assign(tf.tensor(weights, v.shape));
      });
    });
    return readAndDispose(value)[0]!;
  }

  /**
   * Moves the input mean (spec.centerInputs) towards the mean of `rows` observation rows of `obs`
   * (`[rows, obsSize]`): the first call sets it, later calls average with weight `rate`. `rowAt`:
   * row r is row `rowAt[r]` of `obs` (a storage's slots, read in place).
   */
  trackInputMean(obs: Float32Array, rows: number, rate = 0.1, rowAt?: ArrayLike<number>): void {
    if (!this.inputMean || rows === 0) return;
    const width = this.spec.obsSize;
    if (rowAt && this.spec.equivariant) {
      const packed = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) packed.set(obs.subarray(rowAt[r]! * width, (rowAt[r]! + 1) * width), r * width);
      return this.trackInputMean(packed, rows, rate);
    }
    const mean = this.spec.equivariant ? this.featureMean(obs, rows) : new Float32Array(width);
    const size = mean.length;
    // Zeros skipped: most of a row is zeros (one-hot records), and adding 0 / rows leaves a sum as it was.
    if (!this.spec.equivariant)
      for (let r = 0; r < rows; r++) {
        const at = (rowAt ? rowAt[r]! : r) * size;
        for (let x = 0; x < size; x++) {
          const value = obs[at + x]!;
          if (value !== 0) mean[x]! += value / rows;
        }
      }
    const keep = this.inputMeanSeen ? 1 - rate : 0;
    const old = this.inputMean.dataSync();
    for (let x = 0; x < size; x++) mean[x] = keep * old[x]! + (1 - keep) * mean[x]!;
    this.inputMeanSeen = true;
    tf.tidy(() => this.inputMean!.assign(tf.tensor1d(mean)));
  }

  /** The mean own part and the mean block of `rows` rows (equivariant), `[O + P]`. */
  private featureMean(obs: Float32Array, rows: number): Float32Array {
    const map = this.featureMap(this.spec.obsSize);
    const { own, blocks } = readFeatures(map, obs, rows);
    const O = map.ownWidth, P = map.blockWidth;
    const mean = new Float32Array(O + P);
    for (let x = 0; x < own.length; x++) mean[x % O]! += own[x]! / rows;
    for (let x = 0; x < blocks.length; x++) mean[O + (x % P)]! += blocks[x]! / (rows * (map.n - 1));
    return mean;
  }

  /** Whether every weight is a finite number (a NaN or ∞ means the last update diverged). */
  finite(): boolean {
    let total = 0;
    tf.tidy(() => {
      total = tf.addN(this.variables.map((v) => tf.sum(tf.abs(v)))).dataSync()[0]!;
    });
    return Number.isFinite(total);
  }

  /**
   * Weights, Adam state and spec as JSON data (exact: float32 values survive the round trip);
   * `optimizer: false` leaves out the Adam state (a policy to play, a third of the size).
   */
  toJSON({ optimizer = true }: { optimizer?: boolean } = {}): SavedPolicy {
    const read = (list: tf.Variable[]) => list.map((v) => Array.from(v.dataSync()));
    return {
      kind: 'cgym-policy', spec: { ...this.spec }, weights: read(this.variables),
      ...(optimizer && { adam: { step: this.adamStep, m: this.adamM.map((m) => Array.from(m)), v: this.adamV.map((v) => Array.from(v)) } }),
      ...(this.inputMean && this.inputMeanSeen && { inputMean: Array.from(this.inputMean.dataSync()) }),
    };
  }

  /**
   * `optimizer: false` keeps the weights (and input mean) but starts Adam afresh: a new run from old
   * weights. So does a policy saved without its Adam state.
   */
  static fromJSON(saved: SavedPolicy, { optimizer = true }: { optimizer?: boolean } = {}): PolicyNetwork {
    if (saved.kind !== 'cgym-policy') throw new RangeError(`policy: not a saved policy (kind=${String(saved.kind)})`);
    const network = new PolicyNetwork(saved.spec, saved.weights);
    const adam = optimizer ? saved.adam : undefined;
    if (adam) {
      network.adamStep = adam.step;
      network.adamM.forEach((m, k) => m.set(adam.m[k]!));
      network.adamV.forEach((v, k) => v.set(adam.v[k]!));
    }
    tf.tidy(() => {
      if (network.inputMean && saved.inputMean) {
        network.inputMean.assign(tf.tensor1d(saved.inputMean));
        network.inputMeanSeen = true;
      }
    });
    return network;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.inputMean?.dispose();

  }
}
