/**
 * `AttackPool`: the verifier's attacks, played where they apply. An attack is a chance outcome
 * (faulty set and inputs) with the adversary script that beat a protocol there; the verifier
 * returns one per chance outcome it can win (`verify(...).attacks`). In an episode whose faulty set
 * and honest inputs (under crash and omission faults: every input) match an attack's, the pool
 * plays one of the attacks it holds for that outcome (with probability `share`); every other
 * episode plays the `fallback` adversary.
 *
 * Why: an honest side trained against a learned adversary only meets the attacks that adversary
 * happened to find; the verifier finds every one. Training against the attacks the verifier returns
 * for the current policy, and keeping the older ones, is counterexample-guided training (a double
 * oracle with the verifier as the adversary's best response), the way CEGIS uses a model checker.
 *
 * Replaying a chance outcome only where the engine happens to draw it leaves a counterexample as
 * rare as its outcome (a constant commit's one losing input vector: 1 episode in 2^n). So the pool
 * can also replay an attack whole (`replayShare`): before round 1 (`replaySetups`), that share of
 * the episodes takes the chance outcome (faulty set and inputs) and the script of one of the latest
 * verification's attacks — the verifier's current best response, drawn uniformly. Alone this did
 * not move a team out of a constant commit (the losing outcome's gradient points back into it:
 * NeuralProtocol.sharedDraws); with the honest team's shared draws it did (docs/EXPERIMENTS.md §12).
 *
 * Scripts are replayed as recorded, except for choices the rules forbid in the episode at hand: a
 * script made against a greedy policy can ask a faulty relayer under pki to forward a value an
 * honest origin did not sign in this (sampled) episode; such a relay is withheld instead.
 * Draws (which episode plays which attack) come from the episode's adversary stream: the whole
 * replays before round 1, the matches at round 1.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { EpisodeSetup, GameBatch } from '../../game/GameBatch.js';
import type { Adversary } from '../types.js';
import { writeRound, type AdversaryScript, type ScriptRound } from './scripted.js';

/** A chance outcome and the adversary script that wins it. */
export interface Attack {
  setup: EpisodeSetup;
  script: AdversaryScript;
}

export interface AttackPoolOptions {
  /** Probability that an episode with a matching chance outcome plays an attack (else the fallback). */
  share: number;
  /** Attacks kept per chance outcome (the oldest leave first). */
  perOutcome: number;
  /** Probability that an episode replays one of the latest verification's attacks whole, chance outcome included (default 0). */
  replayShare?: number;
  /**
   * Which attacks a whole replay draws from: `latest` (default), the latest verification's; `held`,
   * every attack the pool holds (`perOutcome` per chance outcome), the counterexamples accumulated
   * as CEGIS keeps them. Replaying only the latest ones, a team that mends them breaks the ones
   * before, which come back only where chance draws their outcome (pki: EXPERIMENTS §12, config H).
   */
  replayFrom?: ReplayFrom;
  /**
   * The faulty agents' inputs are part of the chance outcome (crash and omission faults: those agents
   * propose honestly until they fail, and their inputs count for validity, judge.ts), so an attack
   * matches only episodes with the same input at every agent. Default false: a Byzantine agent's own
   * input is never used, and an attack matches on the honest inputs.
   */
  faultyInputsCount?: boolean;
}

export type ReplayFrom = 'latest' | 'held';
export const REPLAY_FROM: readonly ReplayFrom[] = ['latest', 'held'];

/** Faulty set and the inputs an attack's script depends on (the faulty agents' too when they count). */
function outcomeKey(faulty: readonly number[], inputs: readonly number[], faultyInputsCount: boolean): string {
  return `${[...faulty].sort((a, b) => a - b).join(',')}|${inputs.map((v, i) => (!faultyInputsCount && faulty.includes(i) ? '*' : v)).join('')}`;
}

export class AttackPool implements Adversary {
  readonly name: string;
  readonly summary = "the verifier's attacks where their chance outcome comes up, a fallback adversary elsewhere";
  private readonly byOutcome = new Map<string, string[]>();
  private readonly scripts = new Map<string, AdversaryScript>();
  /** Every attack held, by id (as `scripts`): what a `held` replay draws from, in the order added. */
  private readonly held = new Map<string, Attack>();
  /** Per episode slot: the attack it plays (its script), or undefined (fallback). */
  private chosen: (AdversaryScript | undefined)[] = [];
  /** The attacks of the latest `add` call: what `replaySetups` draws from. */
  private latest: readonly Attack[] = [];
  /** Set by `replaySetups` for the batch it prepared: round 1 then keeps its choices. */
  private replayed: (AdversaryScript | undefined)[] | null = null;
  private readonly faultyScratch: number[] = [];
  private readonly inputScratch: number[] = [];

  /** `fallback`: the adversary of every episode that plays no attack (a league swaps it per epoch). */
  constructor(public fallback: Adversary, readonly options: AttackPoolOptions) {
    if (!(options.share >= 0 && options.share <= 1)) throw new RangeError(`attack pool: share must be in 0..1 (got ${options.share})`);
    if (!(Number.isInteger(options.perOutcome) && options.perOutcome >= 1)) throw new RangeError(`attack pool: perOutcome must be a positive integer (got ${options.perOutcome})`);
    const replayShare = options.replayShare ?? 0;
    if (!(replayShare >= 0 && replayShare <= 1)) throw new RangeError(`attack pool: replayShare must be in 0..1 (got ${replayShare})`);
    this.name = `attacks+${fallback.name}`; // named after the first fallback
  }

  /** Attacks held, over all chance outcomes. */
  get size(): number {
    let total = 0;
    for (const list of this.byOutcome.values()) total += list.length;
    return total;
  }

  /** Adds attacks (an attack already held is not added twice); returns how many were new. They become the ones `replaySetups` replays. */
  add(attacks: readonly Attack[]): number {
    if (attacks.length > 0) this.latest = [...attacks];
    let added = 0;
    for (const attack of attacks) {
      const key = outcomeKey(attack.setup.faulty, attack.setup.inputs, this.options.faultyInputsCount === true);
      const id = `${key}#${JSON.stringify(attack.script)}`;
      const list = this.byOutcome.get(key) ?? [];
      if (list.includes(id)) continue;
      list.push(id);
      this.scripts.set(id, attack.script);
      this.held.set(id, attack);
      if (list.length > this.options.perOutcome) {
        const dropped = list.shift()!;
        this.scripts.delete(dropped);
        this.held.delete(dropped);
      }
      this.byOutcome.set(key, list);
      added++;
    }
    return added;
  }

  refuse(scenario: Parameters<Adversary['refuse']>[0]): string | undefined {
    return this.fallback.refuse(scenario);
  }

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    if (game.round === 1) this.draw(game);
    this.fallback.act(game, honest, out);
    const choicesIndex = game.round - 1;
    for (let b = 0; b < game.size; b++) {
      const script = this.chosen[b];
      if (!script || game.done[b]) continue;
      out.clearEpisode(b);
      const choices = script[choicesIndex];
      if (choices) writeRound(game, b, this.legal(game, b, choices), out);
    }
  }

  /**
   * Call after the batch's reset, before round 1: each group of `groupSize` consecutive slots (a
   * group shares its chance moves: train/rollout.ts) replays, with probability `replayShare`, one of
   * the latest verification's attacks whole — its faulty set, inputs and script.
   */
  replaySetups(game: GameBatch, groupSize = 1): void {
    const share = Math.round((this.options.replayShare ?? 0) * 1024);
    this.replayed = new Array<AdversaryScript | undefined>(game.size);
    const from = this.options.replayFrom === 'held' ? [...this.held.values()] : this.latest;
    if (share === 0 || from.length === 0) return;
    for (let first = 0; first < game.size; first += groupSize) {
      // Integer odds on the adversary stream of the group's first slot: share in 1/1024 steps.
      if (game.adversaryRandomInt(first, 1024) >= share) continue;
      const attack = from[game.adversaryRandomInt(first, from.length)]!;
      for (let b = first; b < Math.min(game.size, first + groupSize); b++) {
        game.setup(b, attack.setup);
        this.replayed[b] = attack.script;
      }
    }
  }

  /** Round 1: which episodes play which attack (those `replaySetups` chose keep theirs). */
  private draw(game: GameBatch): void {
    const { n } = game;
    const replayed = this.replayed;
    this.replayed = null;
    this.chosen = new Array<AdversaryScript | undefined>(game.size);
    if (replayed) for (let b = 0; b < game.size; b++) this.chosen[b] = replayed[b];
    if (this.byOutcome.size === 0) return;
    const faulty = this.faultyScratch;
    const inputs = this.inputScratch;
    for (let b = 0; b < game.size; b++) {
      if (this.chosen[b]) continue;
      faulty.length = 0;
      inputs.length = n;
      for (let i = 0; i < n; i++) {
        if (game.faulty[b * n + i]) faulty.push(i);
        inputs[i] = game.input[b * n + i]!;
      }
      const list = this.byOutcome.get(outcomeKey(faulty, inputs, this.options.faultyInputsCount === true));
      if (!list) continue;
      // Integer odds on the adversary stream: share in 1/1024 steps.
      if (game.adversaryRandomInt(b, 1024) >= Math.round(this.options.share * 1024)) continue;
      this.chosen[b] = this.scripts.get(list[game.adversaryRandomInt(b, list.length)]!);
    }
  }

  /** The choices minus the relays the rules forbid here (pki: forwarding a value an honest origin did not sign). */
  private legal(game: GameBatch, b: number, choices: ScriptRound): ScriptRound {
    if (!choices.relays || game.scenario.identity !== 'pki') return choices;
    const relays = choices.relays.filter(([, , origin, value, via]) => {
      const path = via === undefined || via.length === 0 ? origin : game.chains!.index([origin, ...via]);
      return path >= 0 && ((game.legalChainValues(b, path) >> value) & 1) === 1;
    });
    return relays.length === choices.relays.length ? choices : { ...choices, relays };
  }
}
