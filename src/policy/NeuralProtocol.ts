/**
 * A learned honest policy as a `HonestProtocol`: `play`, `eval` and the verifier run it through the
 * same interface as a hand-written protocol. One network is shared by every honest agent; row
 * b·n + i is agent i of episode b (observations in relative order, GAME.md §3).
 *
 * `greedy` picks each head's most likely legal option; `sample` draws from the masked softmax with
 * episode b's honest stream (`game.honestPick`), so a run does not depend on the batch size and the
 * verifier can enumerate every choice (expectimax).
 * After each `act`, `observations`, `mask` and `choices` hold what it saw and chose (a trainer
 * records them).
 */
import { ActionSpace } from '../game/actionSpace.js';
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import { Observer, type ObserverOptions } from '../game/observation.js';
import { pickWeighted } from '../game/rng.js';
import type { Scenario } from '../game/scenario.js';
import { broadcastSenderApart, type HonestProtocol } from '../game/strategy.js';
import { chooseHeads, chooseHeadsCoupled } from './chooseHeads.js';
import { RowNumbering } from './distinctRows.js';
import { agentsForRowSize } from './equivariant.js';
import type { PolicyNetwork, PolicyNetworkSpec } from './PolicyNetwork.js';
import { SymmetricOthers } from './othersOrder.js';
import { OwnInputFrame } from './valueFrame.js';

export type PolicyMode = 'greedy' | 'sample';

/**
 * How the honest agents of an episode draw their choices in `sample` mode (NeuralProtocol.sharedDraws):
 * - `off`: each agent from its own stream;
 * - `quantile`: one uniform per head each round, read through each agent's own distribution over
 *   its options as its network orders them (in its value frame);
 * - `gumbel`: one Gumbel noise per option of each head each round, options named by their absolute
 *   values, and each agent takes the option with the largest logit + noise (policy/chooseHeads.ts).
 */
export type SharedDraws = 'off' | 'quantile' | 'gumbel';
export const SHARED_DRAWS: readonly SharedDraws[] = ['off', 'quantile', 'gumbel'];

/** The observer a network's spec reads through (history window, message and sample views). */
export function observerOptions(spec: PolicyNetworkSpec): ObserverOptions {
  return { history: spec.history ?? 1, messageView: spec.messageView ?? 'per-sender', sampleView: spec.sampleView ?? 'counts' };
}

export class NeuralProtocol implements HonestProtocol {
  readonly name: string;
  readonly summary = 'a learned honest policy (one MLP shared by every honest agent)';
  readonly assumptions = 'the scenario it was trained on (observation and action heads must match)';
  readonly source: string;
  readonly memorySlots = 0;
  readonly observer: Observer;
  readonly actionSpace: ActionSpace;
  /**
   * `[size·n, obsSize]`, `[size·n, maskWidth]`, `[size·n, heads]` of the last `act`, as the network
   * saw and chose them (in its value frame).
   */
  observations = new Float32Array(0);
  mask = new Uint8Array(0);
  choices = new Int32Array(0);
  /** `[size·n, maskWidth]`: the logits the last `act` chose from (a trainer records their log-probabilities). */
  logits: Float32Array = new Float32Array(0);
  /** `[size·n]`: the value estimates of the last `act`'s rows, when `recordValues` (PPO's trainer sets it). */
  values: Float32Array | undefined;
  /** Compute the value head beside the logits in `act` (same forward pass). */
  recordValues = false;
  /**
   * `sample` mode only: whether and how the honest agents of an episode share their draws
   * (SharedDraws), so that agents whose distributions agree choose alike, as every agent that sees
   * the same does in the greedy protocol. Each agent's choice keeps its own distribution; only the
   * agents' choices are correlated. Why: with independent draws a team that switches a convention
   * only as a whole (all commit the other value) meets the switch through single agents that break
   * ranks and lose more (a consistency violation on top): docs/EXPERIMENTS.md §12.
   *
   * `quantile` couples agents only as far as their options line up in the same order: in a value
   * frame, agents with different inputs name the same value by different options, so one agent's
   * rare "commit v" can sit right after "sample" on the uniform and another's at its end, and they
   * never take it in the same draw (test/policy/sharedDraws.test.ts). `gumbel` couples each
   * absolute option alone: agents for which committing v is equally rare commit v in the same
   * draws. On `slush-3v2` it shortened the plateau on every seed (docs/EXPERIMENTS.md §4).
   * Not with a `chanceSource` (the verifier enumerates each agent's draw): there the draws stay independent.
   */
  sharedDraws: SharedDraws = 'off';
  private draws = new Float64Array(0);
  /** `gumbel`: one standard Gumbel per option of every head, `[maskWidth]`, redrawn per episode and round. */
  private noise = new Float64Array(0);
  /** The own-input frame, when the network reads one (spec.valueFrame). */
  private readonly frame: OwnInputFrame | undefined;
  /** The canonical order of the others, when the network reads one (spec.symmetricOthers). */
  private readonly symmetric: SymmetricOthers | undefined;
  private absoluteChoices = new Int32Array(0);
  /** Which of the rows that act repeat another's observation (`forward` runs the network once per distinct row). */
  private readonly numbering = new RowNumbering();
  /** The rows of the last `act` that need an action, and their observations packed (`forward`). */
  private activeRows = new Int32Array(0);
  private activeObservations = new Float32Array(0);
  /**
   * An equivariant network treats the other agents alike by construction (shared weights over their
   * blocks, pooled by mean and max: policy/equivariant.ts), so every agent is interchangeable with
   * every other — broadcast's sender apart. Declared for the verifier's symmetry reduction, which
   * checks the claim on seeded episodes first and refuses a false one (verify/_internals/symmetry.ts):
   * a young policy of ba-n4-f1 verifies in a tenth of the states with it (EXPERIMENTS §12).
   */
  readonly agentRoles?: (scenario: Scenario) => readonly number[];

  constructor(readonly network: PolicyNetwork, readonly scenario: Scenario, public mode: PolicyMode = 'greedy', name = 'learned') {
    this.name = name;
    this.source = `a trained network (${mode})`;
    this.observer = new Observer(scenario, observerOptions(network.spec));
    this.actionSpace = new ActionSpace(scenario);
    const why = this.mismatch(scenario);
    if (why) throw new RangeError(why);
    const frame = network.spec.valueFrame ?? 'absolute';
    this.frame = frame === 'absolute' ? undefined : new OwnInputFrame(this.observer, this.actionSpace, frame === 'symmetric');
    this.symmetric = network.spec.symmetricOthers ? new SymmetricOthers(this.observer) : undefined;
    if (network.spec.equivariant) this.agentRoles = broadcastSenderApart;
  }

  private mismatch(scenario: Scenario): string | undefined {
    const spec = this.network.spec;
    const observer = scenario === this.scenario ? this.observer : new Observer(scenario, observerOptions(spec));
    const space = scenario === this.scenario ? this.actionSpace : new ActionSpace(scenario);
    if (spec.equivariant) {
      if (agentsForRowSize(spec.equivariant, observer.size) !== scenario.n)
        return `${this.name}: the equivariant network cannot read scenario ${scenario.name}'s observation (${observer.size} numbers at n=${scenario.n}: another observation template)`;
    } else if (observer.size !== spec.obsSize) return `${this.name}: the network reads ${spec.obsSize} numbers, scenario ${scenario.name} observes ${observer.size}`;
    if (space.maskWidth !== this.network.maskWidth || space.headCount !== spec.heads.length)
      return `${this.name}: the network has ${spec.heads.length} heads / ${this.network.maskWidth} options, scenario ${scenario.name} needs ${space.headCount} / ${space.maskWidth}`;
    return undefined;
  }

  refuse(scenario: Scenario): string | undefined {
    // An equivariant network runs at any n (its weights are shared over the other agents' blocks).
    const nDiffers = scenario.n !== this.scenario.n && !this.network.spec.equivariant;
    if (nDiffers || scenario.values !== this.scenario.values || scenario.honestActions !== this.scenario.honestActions)
      return `${this.name}: trained on n=${this.scenario.n}, V=${this.scenario.values}, ${this.scenario.honestActions} actions (got n=${scenario.n}, V=${scenario.values}, ${scenario.honestActions})`;
    return this.mismatch(scenario);
  }

  /**
   * The logits (and, with `recordValues`, the values) of the rows that need an action, in the
   * `[size·n, …]` layout of `this.logits` / `this.values`; the other rows' entries are 0 and never
   * read. Why only those rows: faulty agents, agents that have committed and episodes that have
   * ended act no more. In the verifier, which runs the network on every state it visits, that cut
   * the time of the tests that verify a learned network by 13–23% (om1Evidence.test.ts 8.0 → 6.2 s,
   * discover's FLM test 8.4 → 7.3 s); in training it is within the noise. Each row's
   * numbers are the same as in a forward pass over every row — a row's logits depend on that row
   * alone — so training is unchanged to the bit (test/policy/activeRows.test.ts). For the same
   * reason the network runs once per distinct observation among those rows (policy/distinctRows.ts):
   * in the early rounds of a batch most agents see what another sees.
   */
  private forward(game: GameBatch, rows: number): Float32Array {
    const { network, observer } = this;
    const size = observer.size;
    let active = 0;
    for (let row = 0; row < rows; row++) if (game.needsAction((row / game.n) | 0, row % game.n)) this.activeRows[active++] = row;
    const distinct = active === rows ? this.numbering.number(this.observations, rows, size) : -1;
    if (distinct === rows) {
      if (this.recordValues) ({ logits: this.logits, values: this.values } = network.logitsAndValues(this.observations, rows, size));
      else this.logits = network.logits(this.observations, rows, size);
      return this.logits;
    }
    const width = network.maskWidth;
    if (this.logits.length !== rows * width) this.logits = new Float32Array(rows * width);
    else this.logits.fill(0);
    if (this.recordValues) {
      if (this.values?.length !== rows) this.values = new Float32Array(rows);
      else this.values.fill(0);
    }
    if (active === 0) return this.logits;
    for (let k = 0; k < active; k++) {
      const row = this.activeRows[k]!;
      this.activeObservations.set(this.observations.subarray(row * size, (row + 1) * size), k * size);
    }
    // The distinct rows among the active ones, packed in place (ids count up in order of first appearance).
    const count = active === rows ? distinct : this.numbering.number(this.activeObservations, active, size);
    const ids = this.numbering.ids;
    let packed = 0;
    for (let k = 0; k < active && packed < count; k++)
      if (ids[k] === packed) {
        if (k !== packed) this.activeObservations.copyWithin(packed * size, k * size, (k + 1) * size);
        packed++;
      }
    const compact = this.recordValues ? network.logitsAndValues(this.activeObservations, count, size) : { logits: network.logits(this.activeObservations, count, size), values: undefined };
    for (let k = 0; k < active; k++) {
      const row = this.activeRows[k]!;
      const id = ids[k]!;
      this.logits.set(compact.logits.subarray(id * width, (id + 1) * width), row * width);
      if (compact.values) this.values![row] = compact.values[id]!;
    }
    return this.logits;
  }

  act(game: GameBatch, out: HonestActions): void {
    const rows = game.size * game.n;
    const { observer, actionSpace, network } = this;
    if (this.observations.length !== rows * observer.size) {
      this.observations = new Float32Array(rows * observer.size);
      this.mask = new Uint8Array(rows * actionSpace.maskWidth);
      this.choices = new Int32Array(rows * actionSpace.headCount);
      this.activeRows = new Int32Array(rows);
      this.activeObservations = new Float32Array(rows * observer.size);
      if (this.frame) this.absoluteChoices = new Int32Array(rows * actionSpace.headCount);
    }
    observer.observe(game, this.observations);
    actionSpace.legalMask(game, this.mask);
    if (network.spec.commitAtHorizon && game.round === game.maxRounds) actionSpace.forbidWaiting(game, this.mask);
    const { frame, symmetric } = this;
    // Only the rows that act: no other row's observation is read (forward runs the network on these rows alone).
    if (symmetric) for (let row = 0; row < rows; row++) if (game.needsAction((row / game.n) | 0, row % game.n)) symmetric.canonicalise(this.observations, row);
    if (frame)
      for (let row = 0; row < rows; row++) {
        const input = game.input[row]!;
        frame.observation(this.observations, row, observer.size, input);
        frame.mask(this.mask, row, actionSpace.maskWidth, input);
      }
    const logits = this.forward(game, rows);
    const heads = network.spec.heads;
    const n = game.n;
    const coupling = this.mode === 'sample' && !game.chanceSource ? this.sharedDraws : 'off';
    const shared = coupling === 'quantile';
    const gumbel = coupling === 'gumbel';
    if (shared && this.draws.length !== heads.length) this.draws = new Float64Array(heads.length);
    if (gumbel && this.noise.length !== network.maskWidth) this.noise = new Float64Array(network.maskWidth);
    let head = 0;
    const sharedPick = (weights: Float64Array, count: number) => pickWeighted(this.draws[head++]!, weights, 0, count);
    let input = 0;
    const absolute = frame ? (h: number, option: number) => frame.absoluteOption(h, option, input) : (_h: number, option: number) => option;
    for (let b = 0; b < game.size; b++) {
      if (shared) for (let h = 0; h < heads.length; h++) this.draws[h] = game.honestRandom(b);
      // −log(−log u) is a standard Gumbel for u uniform in (0, 1); u = 0 (one draw in 2^53) would give −∞.
      if (gumbel) for (let x = 0; x < this.noise.length; x++) this.noise[x] = -Math.log(-Math.log(game.honestRandom(b) || Number.MIN_VALUE));
      const pick = this.mode !== 'sample' ? undefined : shared ? sharedPick : (weights: Float64Array, count: number) => game.honestPick(b, weights, 0, count);
      for (let i = 0; i < n; i++) {
        head = 0;
        const row = b * n + i;
        if (!game.needsAction(b, i)) {
          this.choices.fill(0, row * heads.length, (row + 1) * heads.length);
          if (frame) this.absoluteChoices.fill(0, row * heads.length, (row + 1) * heads.length);
          continue;
        }
        input = game.input[row]!;
        if (gumbel) chooseHeadsCoupled(logits, this.mask, network.maskWidth, heads, row, this.choices, this.noise, absolute);
        else chooseHeads(logits, this.mask, network.maskWidth, heads, row, this.choices, pick);
        if (frame) frame.choicesToAbsolute(this.choices, this.absoluteChoices, row, input);
      }
    }
    actionSpace.decode(game, frame ? this.absoluteChoices : this.choices, out);
  }
}
