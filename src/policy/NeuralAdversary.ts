/**
 * A learned adversary as an `Adversary`: one network, one row per episode (it sees everything,
 * game/adversarySpace.ts). `sample` draws with episode b's adversary stream (`nextFloat`); `greedy` takes the
 * most likely legal option of each head. After each `act`, `observations`, `mask` and `choices`
 * hold what it saw and chose.
 */
import { AdversarySpace, refuseAdversarySpace } from '../game/adversarySpace.js';
import type { AdversaryActions, HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import { nextFloat, pickWeighted, Stream } from '../game/rng.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary } from '../game/strategy.js';
import { chooseHeads } from './chooseHeads.js';
import type { PolicyMode } from './NeuralProtocol.js';
import type { PolicyNetwork } from './PolicyNetwork.js';


export class NeuralAdversary implements Adversary {
  readonly name: string;
  readonly summary = 'a learned adversary (one MLP controlling every faulty agent)';
  readonly space: AdversarySpace;
  observations = new Float32Array(0);
  mask = new Uint8Array(0);
  choices = new Int32Array(0);
  /** `[size, maskWidth]`: the logits the last `act` chose from. */
  logits: Float32Array = new Float32Array(0);
  /** `[size]`: the value estimates of the last `act`'s rows, when `recordValues`. */
  values: Float32Array | undefined;
  /** Compute the value head beside the logits in `act` (same forward pass). */
  recordValues = false;

  constructor(readonly network: PolicyNetwork, readonly scenario: Scenario, public mode: PolicyMode = 'greedy', name = 'learned') {
    this.name = name;
    this.space = new AdversarySpace(scenario);
    const why = this.refuse(scenario);
    if (why) throw new RangeError(why);
  }

  refuse(scenario: Scenario): string | undefined {
    const why = refuseAdversarySpace(scenario);
    if (why) return why;
    const space = scenario === this.scenario ? this.space : new AdversarySpace(scenario);
    if (space.obsSize !== this.network.spec.obsSize || space.maskWidth !== this.network.maskWidth)
      return `${this.name}: the network reads ${this.network.spec.obsSize} numbers / ${this.network.maskWidth} options, scenario ${scenario.name} needs ${space.obsSize} / ${space.maskWidth}`;
    return undefined;
  }

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const { space, network } = this;
    if (space.headCount === 0) return;
    const rows = game.size;
    if (this.observations.length !== rows * space.obsSize) {
      this.observations = new Float32Array(rows * space.obsSize);
      this.mask = new Uint8Array(rows * space.maskWidth);
      this.choices = new Int32Array(rows * space.headCount);
    }
    space.observe(game, honest, this.observations);
    space.legalMask(game, this.mask);
    let logits: Float32Array;
    if (this.recordValues) ({ logits, values: this.values } = network.logitsAndValues(this.observations, rows));
    else logits = network.logits(this.observations, rows);
    this.logits = logits;
    const heads = network.spec.heads;
    for (let b = 0; b < rows; b++) {
      if (game.done[b]) {
        this.choices.fill(0, b * heads.length, (b + 1) * heads.length);
        continue;
      }
      const offset = game.streamOffset(b, Stream.adversary);
      const pick = this.mode === 'sample' ? (weights: Float64Array, count: number) => pickWeighted(nextFloat(game.rng, offset), weights, 0, count) : undefined;
      chooseHeads(logits, this.mask, network.maskWidth, heads, b, this.choices, pick);
    }
    space.decode(game, this.choices, honest, out);
  }
}
