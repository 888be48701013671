/**
 * One epoch's rollout: a freshly reset GameBatch played to the end by both sides through the same
 * `HonestProtocol` / `Adversary` interfaces as `play`, while each learning side's observations,
 * masks and choices are recorded into storage allocated once, `[R, rowsPerRound]` slots.
 *
 * Honest rows are agents (b·n + i; a slot is recorded where the engine applies the honest action,
 * `game.actsHonestly`); adversary rows are episodes (recorded while the episode is live).
 */
import type { AdversaryActions, HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import { formatBytes, refuseOverMemoryLimit } from '../game/memoryLimit.js';
import type { HeadShape } from '../policy/PolicyNetwork.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';

/** Decides whether head h of a row's choices was used (IC's value heads only count on commit). */
export type HeadUsed = (choices: Int32Array, row: number, h: number) => boolean;

/**
 * An update holds a side's storage about three times over: the storage, the valid rows gathered
 * into flat arrays (`storageTensors.ts`) and the tensors uploaded from them.
 */
const TRAINING_COPIES = 3;

export class SideStorage {
  readonly obs: Float32Array;
  readonly mask: Uint8Array;
  /** One-hot of each used head's choice, `[slots, maskWidth]`. */
  readonly chosen: Float32Array;
  /** 1 on the columns of used heads, `[slots, maskWidth]`. */
  readonly usedColumns: Float32Array;
  readonly valid: Uint8Array;
  /**
   * log π(choice) of each slot under the policy that acted, from its logits (PPO's old
   * log-probabilities: the behaviour policy's, as CleanRL records them while acting).
   */
  readonly behaviourLogProb: Float32Array;
  /** The acting network's value estimate of each slot. */
  readonly behaviourValue: Float32Array;
  /**
   * Honest side: the auxiliary majority target of each slot, the honest inputs' plurality in the
   * network's value frame (−1: a tie; train/majorityTargets.ts), where `majorityTargetsRecorded`.
   */
  readonly majorityTarget: Int8Array;
  /** Whether `majorityTarget` holds this rollout's targets (set by recordMajorityTargets, cleared by `clear`). */
  majorityTargetsRecorded = false;
  /** Whether every valid slot since `clear` was recorded with its logits (`behaviourLogProb` holds). */
  logProbsRecorded = true;
  /** Whether every round since `clear` was recorded with its values (`behaviourValue` holds). */
  valuesRecorded = true;
  /** Valid slots, in slot order (filled by `finish`). */
  readonly slots: Int32Array;
  count = 0;

  constructor(
    readonly maxRounds: number,
    readonly rowsPerRound: number,
    /** Rows per episode (n for the honest side, 1 for the adversary). */
    readonly rowsPerEpisode: number,
    readonly obsSize: number,
    readonly heads: readonly HeadShape[],
    readonly maskWidth: number,
    /** Record each choice's log-probability under the acting logits (PPO needs it; REINFORCE does not). */
    readonly recordsLogProbs = true,
  ) {
    const batch = rowsPerRound / rowsPerEpisode;
    refuseOverMemoryLimit(
      `a batch of ${batch} episodes`,
      TRAINING_COPIES * SideStorage.estimateBytes(maxRounds, rowsPerRound, obsSize, maskWidth),
      `its rollout storage takes ${formatBytes(SideStorage.estimateBytes(maxRounds, rowsPerEpisode, obsSize, maskWidth))} per episode (${rowsPerEpisode} rows × ${maxRounds} rounds of ${obsSize}-number observations), held ${TRAINING_COPIES} times over by an update; use a smaller --batch`,
    );
    const slots = maxRounds * rowsPerRound;
    this.obs = new Float32Array(slots * obsSize);
    this.mask = new Uint8Array(slots * maskWidth);
    this.chosen = new Float32Array(slots * maskWidth);
    this.usedColumns = new Float32Array(slots * maskWidth);
    this.valid = new Uint8Array(slots);
    this.behaviourLogProb = new Float32Array(slots);
    this.behaviourValue = new Float32Array(slots);
    this.majorityTarget = new Int8Array(slots);
    this.slots = new Int32Array(slots);
  }

  /** Bytes of the arrays the constructor allocates for these dimensions, computed without allocating. */
  static estimateBytes(maxRounds: number, rowsPerRound: number, obsSize: number, maskWidth: number): number {
    // obs, chosen, usedColumns: 4-byte floats; mask, valid, majority target: bytes; slots: 4-byte ints; behaviour log-prob and value: 4-byte floats.
    return maxRounds * rowsPerRound * (4 * obsSize + maskWidth + 8 * maskWidth + 1 + 1 + 4 + 8);
  }

  clear(): void {
    this.valid.fill(0);
    this.count = 0;
    this.logProbsRecorded = true;
    this.valuesRecorded = true;
    this.majorityTargetsRecorded = false;
  }

  /** Episode slot b of a storage slot. */
  episodeOf(slot: number): number {
    return Math.floor((slot % this.rowsPerRound) / this.rowsPerEpisode);
  }

  /** Round (1-based) of a storage slot. */
  roundOf(slot: number): number {
    return Math.floor(slot / this.rowsPerRound) + 1;
  }

  /**
   * Copies a whole round's observations and masks from the agent's last-act buffers (rows in the
   * storage's order) in one block: cheaper than row by row, and the rows that did not act are
   * simply never marked valid.
   */
  recordRound(round: number, obs: Float32Array, mask: Uint8Array, values?: Float32Array): void {
    const first = (round - 1) * this.rowsPerRound;
    const rows = Math.min(this.rowsPerRound, obs.length / this.obsSize, mask.length / this.maskWidth);
    this.obs.set(obs.subarray(0, rows * this.obsSize), first * this.obsSize);
    this.mask.set(mask.subarray(0, rows * this.maskWidth), first * this.maskWidth);
    if (values && values.length >= rows) this.behaviourValue.set(values.subarray(0, rows), first);
    else this.valuesRecorded = false;
  }

  /**
   * Marks row `row` of round `round` valid and records its choices (after `recordRound`), and their
   * log-probability under `logits` (`[rows, maskWidth]`, the acting network's, rows in storage order).
   */
  recordChoices(round: number, row: number, choices: Int32Array, used: HeadUsed, logits?: Float32Array): void {
    const { maskWidth, heads } = this;
    const slot = (round - 1) * this.rowsPerRound + row;
    if (logits && this.recordsLogProbs) this.behaviourLogProb[slot] = this.logProbOf(logits, row, slot, choices, used);
    else this.logProbsRecorded = false;
    this.valid[slot] = 1;
    const at = slot * maskWidth;
    for (let x = 0; x < maskWidth; x++) {
      this.chosen[at + x] = 0;
      this.usedColumns[at + x] = 0;
    }
    const H = heads.length;
    for (let h = 0; h < H; h++) {
      if (!used(choices, row, h)) continue;
      const { offset, size } = heads[h]!;
      this.chosen[at + offset + choices[row * H + h]!] = 1;
      for (let x = 0; x < size; x++) this.usedColumns[at + offset + x] = 1;
    }
  }

  /**
   * Σ over used heads of log softmax(logits + mask bias)[choice]: the numbers `PolicyNetwork.terms`
   * computes (in float64 here; an illegal option's weight underflows to 0 there too).
   */
  private logProbOf(logits: Float32Array, row: number, slot: number, choices: Int32Array, used: HeadUsed): number {
    const { maskWidth, heads, mask } = this;
    const at = row * maskWidth;
    const maskAt = slot * maskWidth;
    const H = heads.length;
    let logProb = 0;
    for (let h = 0; h < H; h++) {
      if (!used(choices, row, h)) continue;
      const { offset, size } = heads[h]!;
      let max = -Infinity;
      for (let c = 0; c < size; c++) if (mask[maskAt + offset + c] && logits[at + offset + c]! > max) max = logits[at + offset + c]!;
      let sum = 0;
      for (let c = 0; c < size; c++) if (mask[maskAt + offset + c]) sum += Math.exp(logits[at + offset + c]! - max);
      logProb += logits[at + offset + choices[row * H + h]!]! - max - Math.log(sum);
    }
    return logProb;
  }

  /** Lists the valid slots in `slots[0..count)`. */
  finish(): void {
    let count = 0;
    for (let s = 0; s < this.valid.length; s++) if (this.valid[s]) this.slots[count++] = s;
    this.count = count;
  }
}

/** The last-act buffers a learned side exposes (NeuralProtocol, NeuralAdversary). */
export interface Recordable {
  observations: Float32Array;
  mask: Uint8Array;
  choices: Int32Array;
  /** The logits the choices were drawn from. */
  logits: Float32Array;
  /** The value estimates of the rows, when the agent computes them (`recordValues`). */
  values?: Float32Array | undefined;
}

export interface RolloutSides {
  honest: HonestProtocol;
  adversary: Adversary;
  /** Sets some slots' chance moves after the reset, before round 1 (the attack pool's whole replays: attackPool.ts). */
  prepare?: (game: GameBatch, groupSize: number) => void;
  /** Record the honest side (it must be a Recordable NeuralProtocol). */
  honestStorage?: { storage: SideStorage; agent: Recordable; used: HeadUsed };
  adversaryStorage?: { storage: SideStorage; agent: Recordable };
}

const ALL_USED: HeadUsed = () => true;

/**
 * Groups of `groupSize` consecutive slots play the same chance moves (faulty set, inputs, GST: the
 * group's first episode's) with their own policy draws, so that a group's mean return is a
 * baseline that removes the variance due to chance (a per-situation baseline, as in GRPO).
 */
export function shareChance(game: GameBatch, groupSize: number): void {
  const { n } = game;
  const faulty: number[] = [];
  const inputs: number[] = [];
  for (let first = 0; first < game.size; first += groupSize) {
    faulty.length = 0;
    inputs.length = 0;
    for (let i = 0; i < n; i++) {
      if (game.faulty[first * n + i]) faulty.push(i);
      inputs.push(game.input[first * n + i]!);
    }
    for (let b = first + 1; b < Math.min(game.size, first + groupSize); b++) game.setup(b, { faulty, inputs, gst: game.gst[first]! });
  }
}

/**
 * Plays episodes `firstEpisode .. firstEpisode + game.size − 1` to the end, recording the learning
 * sides. Returns the number of honest agent decisions made (rows where the honest action applied).
 */
export function rollout(game: GameBatch, firstEpisode: number, sides: RolloutSides, honestActions: HonestActions, adversaryActions: AdversaryActions, groupSize = 1): number {
  const { honest, adversary, honestStorage, adversaryStorage } = sides;
  honestStorage?.storage.clear();
  adversaryStorage?.storage.clear();
  game.reset(firstEpisode);
  if (groupSize > 1) shareChance(game, groupSize);
  sides.prepare?.(game, groupSize);
  const n = game.n;
  let decisions = 0;
  while (!game.allDone) {
    const round = game.round;
    honestActions.clear();
    honest.act(game, honestActions);
    if (honestStorage) honestStorage.storage.recordRound(round, honestStorage.agent.observations, honestStorage.agent.mask, honestStorage.agent.values);
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < n; i++) {
        if (!game.actsHonestly(b, i)) continue;
        decisions++;
        if (honestStorage) honestStorage.storage.recordChoices(round, b * n + i, honestStorage.agent.choices, honestStorage.used, honestStorage.agent.logits);
      }
    adversaryActions.clear();
    adversary.act(game, honestActions, adversaryActions);
    if (adversaryStorage) {
      const { storage, agent } = adversaryStorage;
      storage.recordRound(round, agent.observations, agent.mask, agent.values);
      for (let b = 0; b < game.size; b++) if (!game.done[b]) storage.recordChoices(round, b, agent.choices, ALL_USED, agent.logits);
    }
    game.step(honestActions, adversaryActions);
  }
  honestStorage?.storage.finish();
  adversaryStorage?.storage.finish();
  return decisions;
}
