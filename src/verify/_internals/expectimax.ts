/**
 * The exact worst case of a randomised honest protocol — or of any protocol in a game with chance
 * inside the episode (the peers a sample queries) — by expectimax on the rules engine itself.
 *
 * For one chance outcome of the episode's start (faulty set, inputs, GST), with s a state at the
 * start of round r:
 *
 *   V(s) = Σ_c P(c) · A(s after this round's honest actions with coins c)
 *   A(h) = max over the adversary's choices a of Σ_d P(d) · V(step(h, a) with the step's draws d)
 *
 * The adversary is adaptive and rushing (GAME.md §10): it sees everything, this round's coins
 * included (they are in the honest actions it reads), but no coin not yet drawn. V is a vector:
 * per event — the honest side loses, consistency / validity / termination is broken, the commits
 * miss the inputs' majority — the probability that an adversary maximising *that* event achieves;
 * each is maximised on its own. With no adversary (f = 0) it is the event's exact probability.
 *
 * Coins and draws are enumerated with `ChanceTapes` (chance.ts): the engine asks its
 * `chanceSource` instead of its random streams, so the protocol and the rules run unchanged.
 * Reductions, each exact:
 * - memo on the state's exact key (keys.ts): V depends on nothing else;
 * - per recipient, adversary options that give that recipient the same next view are merged, as in
 *   the deterministic search (moves.ts: what h sees depends only on what is sent to h) — only when
 *   the step draws nothing, because otherwise one draw's view does not decide the others';
 * - once every honest agent has decided, or at the horizon, the outcome is fixed: judged directly.
 * The reductions of the deterministic search that reason about *sets* of reachable decisions do not
 * carry over to probabilities, so this search is for small settings; `estimate` predicts its size.
 */
import { AdversaryActions, HonestActions, usesRelays } from '../../game/actions.js';
import { GameBatch, replicateSlot0 } from '../../game/GameBatch.js';
import { judgeInto, Outcomes } from '../../game/judge.js';
import { RelayChains } from '../../game/relayChains.js';
import { relayDepthOf, type Scenario } from '../../game/scenario.js';
import type { ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { ChanceTapes } from './chance.js';
import { jointKey, viewKey } from './keys.js';
import { combinations, describeOption, generateMoves, writeGlobal, writeOption, type GlobalMove } from './moves.js';
import { StateLimitError, type SearchOptions } from './search.js';
import { HeapGuard } from './heapGuard.js';

/** Indices of the value vector. */
export const LOSS = 0, CONSISTENCY = 1, VALIDITY = 2, TERMINATION = 3, MAJORITY_MISSED = 4;
const EVENTS = 5;

/** The start of a round: this round's honest coins are about to be drawn. */
export interface RoundValue {
  value: Float64Array;
  /** Toward the likeliest way to lose: the coins drawn, then what follows them (if V[LOSS] > 0). */
  coins?: readonly number[];
  after?: MoveValue;
}

/** After this round's honest actions: the adversary's move, then the step's draws. */
export interface MoveValue {
  value: Float64Array;
  /** The adversary's loss-maximising choice this round. */
  round?: ScriptRound;
  /** The step's draws on the way to a loss (always recorded when the episode ends here). */
  draws?: readonly number[];
  next?: RoundValue;
}

/** One benchmark of slots: a batch, its honest and adversary action buffers, its tapes. */
interface Bench {
  game: GameBatch;
  honest: HonestActions;
  adversary: AdversaryActions;
  tapes: ChanceTapes;
  /** Judged outcomes, slot by slot (allocated once per bench, not per judged episode). */
  outcomes: Outcomes;
  /** The honest action buffer's typed arrays with their per-slot strides (found once). */
  honestRows: Array<[Rows, number]>;
}

/** An act leaf: slot t of the round's `leaves` bench, with its probability and coins. */
interface Leaf {
  probability: number;
  coins: readonly number[];
  /** Outcomes of the coins on its path multiplied (the estimate's branching). */
  branching: number;
}

/** One adversary choice: a global move and an option per recipient. */
interface Choice {
  move: GlobalMove;
  options: number[];
}

const WAVE = 256;

export class Expectimax {
  private readonly heap = new HeapGuard();
  /** Tags a Byzantine message may carry whatever the honest agents send (the protocol's `messageTags`). */
  private readonly messageTags: readonly number[];
  readonly R: number;
  states = 0;
  private memo = new Map<string, RoundValue>();
  /** Per round: the act wave, the act leaves, the step wave (slot 0 = the leaf being expanded). */
  private readonly actWaves: Bench[] = [];
  private readonly leafBenches: Bench[] = [];
  private readonly stepWaves: Bench[] = [];
  /** Knuth's estimator draws its random path from here (seeded: the estimate is reproducible). */
  private pathSeed = 0;
  /** The scenario's relay chains (to name a relay choice in a witness), if it relays. */
  private readonly chains: RelayChains | undefined;

  /** `memo: false` (the keys' cross-check, `VerifyOptions.memo`): no memo and no merged options, so nothing rests on keys.ts. */
  constructor(readonly scenario: Scenario, readonly protocol: HonestProtocol, readonly maxStates: number, private readonly options: SearchOptions = {}) {
    this.R = scenario.maxRounds;
    this.chains = usesRelays(scenario) ? RelayChains.of(scenario.n, relayDepthOf(scenario)) : undefined;
    this.messageTags = protocol.messageTags?.(scenario) ?? [];
  }

  get distinctStates(): number {
    return this.memo.size;
  }

  /** Solves the root state in slot b of `root` (round 1, chance moves set). */
  solveRoot(root: GameBatch, b: number): RoundValue {
    this.memo = new Map();
    return this.roundValue(root, b, 1);
  }

  // ---------------------------------------------------------------- V: the honest coins

  private roundValue(src: GameBatch, b: number, r: number): RoundValue {
    const key = this.options.memo === false ? undefined : jointKey(src, b);
    const known = key === undefined ? undefined : this.memo.get(key);
    if (known) return known;
    const leaves = this.actLeaves(src, b, r);
    const result: RoundValue = { value: new Float64Array(EVENTS) };
    let worst = 0;
    leaves.forEach((leaf, t) => {
      const after = this.moveValue(r, t);
      for (let e = 0; e < EVENTS; e++) result.value[e]! += leaf.probability * after.value[e]!;
      if (after.value[LOSS]! > worst) {
        worst = after.value[LOSS]!;
        result.coins = leaf.coins;
        result.after = after;
      }
    });
    if (key !== undefined) this.memo.set(key, result);
    return result;
  }

  /**
   * Runs this round's honest actions from (src, b) once per outcome of their coins, leaving each
   * outcome in a slot of round r's leaves bench (state after `act`, and the honest actions). With
   * `choose`, only one outcome, along a path it picks (the estimate).
   */
  private actLeaves(src: GameBatch, b: number, r: number, choose?: (outcomes: number) => number): Leaf[] {
    const leaves: Leaf[] = [];
    const queue: number[][] = [[]];
    while (queue.length > 0) {
      const wave = queue.splice(0, WAVE);
      const bench = this.bench(this.actWaves, r, wave.length);
      const game = bench.game;
      game.copyEpisodeFrom(src, b, 0);
      game.replicateFirstEpisode(wave.length - 1);
      for (let t = wave.length; t < game.size; t++) game.done[t] = 1;
      game.round = r;
      wave.forEach((prefix, t) => bench.tapes.begin(t, prefix, choose));
      bench.honest.clear();
      this.protocol.act(game, bench.honest);
      this.count(wave.length);
      const store = this.bench(this.leafBenches, r, leaves.length + wave.length, true);
      for (let t = 0; t < wave.length; t++) {
        if (!choose) queue.push(...bench.tapes.siblings(t));
        store.game.copyEpisodeFrom(game, t, leaves.length);
        copyActionRow(store, leaves.length, bench, t);
        leaves.push({ probability: bench.tapes.probability(t), coins: [...bench.tapes.drawn(t)], branching: bench.tapes.branching(t) });
      }
      store.game.round = r;
    }
    return leaves;
  }

  // ---------------------------------------------------------------- A: the adversary, then the step's draws

  private moveValue(r: number, t: number): MoveValue {
    if (this.undecided(r, t) === 0 || r === this.R) return this.ending(r, t);

    const choices = this.choices(r, t);
    const best: MoveValue = { value: new Float64Array(EVENTS) };
    const value = new Float64Array(EVENTS);
    for (const choice of choices) {
      value.fill(0);
      let worstDraw: { draws: number[]; next: RoundValue } | undefined;
      this.expandStep(r, t, choice, (kids, slot, probability) => {
        const next = this.roundValue(kids.game, slot, r + 1);
        for (let e = 0; e < EVENTS; e++) value[e]! += probability * next.value[e]!;
        if (next.value[LOSS]! > (worstDraw?.next.value[LOSS] ?? 0)) worstDraw = { draws: [...kids.tapes.drawn(slot)], next };
      });
      if (value[LOSS]! > best.value[LOSS]! && worstDraw) {
        best.round = describeChoice(this.chains, choice);
        best.draws = worstDraw.draws;
        best.next = worstDraw.next;
      }
      for (let e = 0; e < EVENTS; e++) best.value[e] = Math.max(best.value[e]!, value[e]!);
    }
    return best;
  }

  /** Honest agents of leaf t still undecided after this round's actions. */
  private undecided(r: number, t: number): number {
    const { game, honest } = this.leafBenches[r]!;
    let count = 0;
    for (let h = 0; h < game.n; h++) {
      const a = t * game.n + h;
      if (!game.faulty[a] && game.decisionRound[a] === 0 && honest.decision[a]! < 0) count++;
    }
    return count;
  }

  /** Everyone has decided, or the horizon: the outcome is fixed; judge it after the round's step. */
  private ending(r: number, t: number): MoveValue {
    const kids = this.load(r, t, 1);
    // The draws of this last step only pick which peers a sample queries: no decision depends on them.
    kids.tapes.begin(1);
    kids.game.step(kids.honest, kids.adversary);
    this.count(1);
    const judged = kids.outcomes;
    judgeInto(kids.game, 1, judged);
    const value = new Float64Array(EVENTS);
    value[LOSS] = 1 - judged.win[1]!;
    value[CONSISTENCY] = 1 - judged.consistent[1]!;
    value[VALIDITY] = 1 - judged.valid[1]!;
    value[TERMINATION] = 1 - judged.terminated[1]!;
    value[MAJORITY_MISSED] = 1 - judged.majorityCorrect[1]!;
    return { value, round: {}, draws: [...kids.tapes.drawn(1)] };
  }

  /**
   * Every adversary choice worth trying from leaf t: the product, per global move, of each
   * recipient's options, merged per recipient where they give it the same next view (only when the
   * step draws nothing: then the view is a function of the option).
   */
  private choices(r: number, t: number): Choice[] {
    const leaves = this.leafBenches[r]!;
    const out: Choice[] = [];
    for (const move of generateMoves(leaves.game, t, leaves.honest, this.messageTags, this.options.visibleOrigins)) {
      const K = move.width;
      this.refuseWidth(K, r);
      if (K === 1) {
        // One option per recipient (no adversary to speak of): nothing to merge, no probe needed.
        out.push({ move, options: move.recipients.map(() => 0) });
        continue;
      }
      const probe = this.load(r, t, K);
      for (let k = 0; k < K; k++) {
        writeGlobal(probe.game, 1 + k, move, probe.adversary);
        for (const m of move.recipients) writeOption(probe.game, 1 + k, m, Math.min(k, m.count - 1), probe.adversary);
        probe.tapes.begin(1 + k);
      }
      probe.game.step(probe.honest, probe.adversary);
      this.count(K);
      let draws = 0;
      for (let k = 0; k < K; k++) draws += probe.tapes.draws(1 + k);
      const representatives = move.recipients.map((m) => {
        const all = Array.from({ length: m.count }, (_, k) => k);
        if (draws > 0 || this.options.memo === false) return all;
        const seen = new Set<string>();
        return all.filter((k) => {
          const view = viewKey(probe.game, 1 + k, m.recipient);
          if (seen.has(view)) return false;
          seen.add(view);
          return true;
        });
      });
      // The product is materialised below: refused first where it alone is past the budget (each choice costs a state at least).
      const joint = representatives.reduce((product, list) => product * list.length, 1);
      if (this.states + out.length + joint > this.maxStates)
        throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored (${this.scenario.name}, ${this.protocol.name}): round ${r} alone offers the adversary ${joint < 1e6 ? joint : joint.toPrecision(3)} joint choices over its recipients; raise --max-states or shrink the scenario`);
      for (const options of combinations(representatives)) out.push({ move, options });
    }
    return out;
  }

  /**
   * Plays round r from leaf t with `choice`, once per outcome of the step's draws (in waves of
   * slots), calling `visit` with each outcome's slot and probability.
   */
  private expandStep(r: number, t: number, choice: Choice, visit: (kids: Bench, slot: number, probability: number) => void, choose?: (outcomes: number) => number): void {
    const queue: number[][] = [[]];
    while (queue.length > 0) {
      const wave = queue.splice(0, WAVE);
      const kids = this.load(r, t, wave.length);
      wave.forEach((prefix, k) => {
        writeGlobal(kids.game, 1 + k, choice.move, kids.adversary);
        choice.move.recipients.forEach((m, j) => writeOption(kids.game, 1 + k, m, choice.options[j]!, kids.adversary));
        kids.tapes.begin(1 + k, prefix, choose);
      });
      kids.game.step(kids.honest, kids.adversary);
      this.count(wave.length);
      for (let k = 0; k < wave.length; k++) {
        if (!choose) queue.push(...kids.tapes.siblings(1 + k));
        visit(kids, 1 + k, kids.tapes.probability(1 + k));
      }
    }
  }

  /**
   * Round r's step wave with leaf t in slot 0 (idle) and copies of it, with its honest actions, in
   * slots 1..count; the rest idle; adversary actions cleared.
   */
  private load(r: number, t: number, count: number): Bench {
    const leaves = this.leafBenches[r]!;
    const kids = this.bench(this.stepWaves, r, count + 1);
    const game = kids.game;
    game.copyEpisodeFrom(leaves.game, t, 0);
    game.replicateFirstEpisode(count);
    copyActionRow(kids, 0, leaves, t);
    for (const [rows, stride] of kids.honestRows) replicateSlot0(rows, stride, count);
    game.done[0] = 1;
    for (let k = count + 1; k < game.size; k++) game.done[k] = 1;
    game.round = r;
    kids.adversary.clear();
    return kids;
  }

  // ---------------------------------------------------------------- Knuth's estimate of the size

  /**
   * Knuth's estimate of the states this search steps from (root, b), averaged over `paths` random
   * paths without memo (so an over-estimate where states repeat): at each node, the states it
   * steps plus its branching times the estimate of one child drawn uniformly. A path costs one
   * state per round (plus the adversary probes), so the estimate is cheap even when the search is not.
   */
  estimate(root: GameBatch, b: number, paths: number, seed = 1): number {
    this.pathSeed = seed >>> 0 || 1;
    const choose = (k: number) => this.randomIndex(k);
    let total = 0;
    for (let p = 0; p < paths; p++) total += this.estimateRound(root, b, 1, choose);
    return total / paths;
  }

  private estimateRound(src: GameBatch, b: number, r: number, choose: (outcomes: number) => number): number {
    const [leaf] = this.actLeaves(src, b, r, choose);
    const coins = leaf!.branching;
    if (this.undecided(r, 0) === 0 || r === this.R) return 2 * coins;
    const choices = this.choices(r, 0);
    const choice = choices[this.randomIndex(choices.length)]!;
    let draws = 1;
    let next = 0;
    this.expandStep(r, 0, choice, (kids, slot) => {
      draws = kids.tapes.branching(slot);
      next = this.estimateRound(kids.game, slot, r + 1, choose);
    }, choose);
    const branching = coins * choices.length * draws;
    return coins + branching * (1 + next);
  }

  /** Uniform in [0, k) from a xorshift32 stream (the estimate's own; no engine stream is touched). */
  private randomIndex(k: number): number {
    let x = this.pathSeed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.pathSeed = x >>> 0;
    return this.pathSeed % k;
  }

  // ---------------------------------------------------------------- plumbing

  /** Round r's bench in `list`, with room for `slots` slots (grown on demand, keeping its slots if `keep`). */
  private bench(list: Bench[], r: number, slots: number, keep = false): Bench {
    const have = list[r];
    if (have && have.game.size >= slots) return have;
    const size = Math.max(slots, have ? have.game.size * 2 : 1);
    const { scenario } = this;
    const game = new GameBatch(scenario, { size, memorySlots: this.protocol.memorySlots });
    const honest = new HonestActions(size, scenario.n, scenario);
    const bench: Bench = {
      game,
      honest,
      adversary: new AdversaryActions(size, scenario.n, scenario),
      tapes: new ChanceTapes(),
      outcomes: new Outcomes(size),
      honestRows: actionRows(honest),
    };
    game.chanceSource = bench.tapes;
    if (have && keep) {
      for (let t = 0; t < have.game.size; t++) {
        game.copyEpisodeFrom(have.game, t, t);
        copyActionRow(bench, t, have, t);
      }
      game.round = have.game.round;
    }
    list[r] = bench;
    return bench;
  }

  /**
   * A round whose options to one recipient alone exceed the state budget is refused before its
   * probe batch is allocated (deep relay chains multiply the fields: 2·10³⁵ options at n=7, f=2).
   */
  private refuseWidth(width: number, r: number): void {
    if (this.states + width > this.maxStates)
      throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored (${this.scenario.name}, ${this.protocol.name}): round ${r} alone offers the adversary ${width < 1e6 ? width : width.toPrecision(3)} choices towards one recipient; raise --max-states or shrink the scenario`);
  }

  private count(k: number): void {
    this.states += k;
    if (this.states > this.maxStates)
      throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored (${this.scenario.name}, ${this.protocol.name}, expectimax over chance)`);
    const full = this.heap.check(this.states);
    if (full !== undefined) throw new StateLimitError(`verify: ${full} (${this.scenario.name}, ${this.protocol.name}); lower --max-states or shrink the scenario`);
  }
}

/** The adversary's choice as a script round (sparse, absolute ids). */
function describeChoice(chains: RelayChains | undefined, choice: Choice): ScriptRound {
  const round: ScriptRound = {};
  if (choice.move.crashes.length) round.crashes = [...choice.move.crashes];
  choice.move.recipients.forEach((m, j) => describeOption(chains, m, choice.options[j]!, round));
  return round;
}

type Rows = Int8Array | Uint8Array;

/** Each typed array of an action buffer with its per-slot stride (found by enumeration: none is missed). */
function actionRows(actions: HonestActions): Array<[Rows, number]> {
  const out: Array<[Rows, number]> = [];
  for (const value of Object.values(actions))
    if (ArrayBuffer.isView(value) && (value as Rows).length > 0) out.push([value as Rows, (value as Rows).length / actions.size]);
  return out;
}

/** Copies slot `from` of `src`'s honest actions into slot `to` of `dst`. */
function copyActionRow(dst: Bench, to: number, src: Bench, from: number): void {
  const sources = src.honestRows;
  const targets = dst.honestRows;
  for (let k = 0; k < targets.length; k++) {
    const [rows, stride] = targets[k]!;
    const source = sources[k]![0];
    for (let x = 0; x < stride; x++) rows[to * stride + x] = source[from * stride + x]!;
  }
}
