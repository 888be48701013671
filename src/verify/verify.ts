/**
 * `verify`: proves a deterministic honest protocol safe against every adversary the scenario
 * allows, or returns the attack — on the same rules engine as everything else.
 *
 * For every chance outcome (faulty set, honest inputs, GST where it is drawn) it runs the
 * exhaustive adversary search (`_internals/search.ts`) and records which properties the optimal
 * adversary can break. The verdict is `safe` iff it can break none in any chance outcome; the
 * worst-case honest loss rate is the probability, under the scenario's own chance distribution,
 * of a chance outcome in which the adversary can make the honest side lose (an optimal adaptive
 * adversary wins exactly there, since it sees the chance outcome before its first move).
 *
 * Results are data (`Safe | Unsafe`); `assertSafe` is the throwing wrapper. Every counterexample
 * carries its setup and the adversary's script, and replays in the engine (`replayCounterexample`).
 *
 * Protocols that draw honest randomness, and games with chance inside the episode (`slush` and
 * `sampling` draw whom a sample queries), go to the expectimax search (`_internals/expectimax.ts`):
 * the exact probability that the optimal adaptive adversary makes the honest side lose, for small
 * settings; one out of reach is refused with Knuth's estimate of its size. The adversary covered is
 * GAME.md §6's, with one bound: a Byzantine message carries tag 0, a tag some honest agent sends
 * in the same round, or one of the protocol's declared `messageTags` (a `.ta` file's message types,
 * so an echo can be forged before any honest echo; `_internals/moves.ts`). Exceeding `maxStates` throws a StateLimitError: never a verdict on a partial search.
 *
 * @example
 * const result = verify({ scenario: loadScenario('ba-n3-f1'), honest: 'eig' });
 * if (result.verdict === 'unsafe') console.log(result.counterexample.trace);
 */
import { AdversaryActions, HonestActions, usesSamples } from '../game/actions.js';
import { GameBatch, type EpisodeSetup } from '../game/GameBatch.js';
import { judgeEpisode } from '../game/judge.js';
import type { Scenario } from '../game/scenario.js';
import { renderTrace } from '../game/trace.js';
import { runEpisodes } from '../play/play.js';
import type { Attack } from '../protocols/adversaries/attackPool.js';
import { createScriptedAdversary, type AdversaryScript } from '../protocols/adversaries/scripted.js';
import { getProtocol } from '../protocols/registry.js';
import { RefusedError, type HonestProtocol } from '../protocols/types.js';
import { ReplayChance } from './_internals/chance.js';
import { ExhaustiveSolver, ExpectimaxSolver, type ExhaustiveSolution, type ExpectimaxSolution } from './_internals/solveOutcome.js';
import { CONSISTENCY, Expectimax, LOSS, MAJORITY_MISSED, TERMINATION, VALIDITY } from './_internals/expectimax.js';
import { PROPERTIES } from './_internals/outcomes.js';
import type { FalsifyOptions } from './_internals/falsify.js';
import { RandomisedProtocolError, RoundWidthError, StateLimitError, type SearchOptions } from './_internals/search.js';
import { AgentRenamer, checkAgentRoles, verificationRoles } from './_internals/symmetry.js';
import { checkVisibleOrigins, compatibleWithRoles } from './_internals/visibleOrigins.js';

export { StateLimitError };

export type Property = 'consistency' | 'validity' | 'termination';

export interface VerifyOptions {
  scenario: Scenario;
  /** A deterministic protocol or its command-line name. */
  honest: HonestProtocol | string;
  /** Stop with a StateLimitError after this many engine states (default 20,000,000). */
  maxStates?: number;
  /**
   * Search only these faulty sets (absolute ids), conditioning the chance distribution on them;
   * default: every set the scenario's `faultyPlacement` can draw.
   */
  faultySets?: readonly (readonly number[])[];
  /**
   * `expectimax` solves even a deterministic protocol by expectimax (a cross-check of the two
   * searches: on a deterministic protocol they must agree); default: the exhaustive search when the
   * game has no chance inside the episode, expectimax once the protocol draws a coin.
   */
  method?: 'auto' | 'expectimax';
  /** Called after each chance outcome is solved (done of total; states so far): a progress bar's feed. */
  onProgress?: (done: number, total: number, states: number) => void;
  /**
   * Memoise states and merge equivalent adversary options on their exact keys (default true).
   * `false` solves every state afresh — far slower, and nothing rests on the key of what an agent
   * sees (game/view.ts): the cross-check that the key forgets nothing (tests; not on the command line).
   * `distinctStates` is then 0.
   */
  memo?: boolean;
  /**
   * Use the protocol's declared symmetry (`HonestProtocol.agentRoles`, checked first; default true):
   * one chance outcome per orbit of renamings, and states that differ by renaming interchangeable
   * honest agents solved once (`_internals/symmetry.ts`). `false` (`--no-symmetry`) is the cross-check.
   */
  symmetry?: boolean;
  /**
   * Leave out the adversary's content the protocol declares it never reads (`HonestProtocol.visibleOrigins`,
   * checked first; default true): `_internals/visibleOrigins.ts`. `false` (`--no-origin-pruning`) is the cross-check.
   */
  originPruning?: boolean;
  /**
   * Before each chance outcome's exhaustive search, play this many cheap adversary strategies on it
   * (`hints` first: a previous verification's attacks; then the silent adversary; then random ones:
   * `_internals/falsify.ts`); an outcome one of them wins is counted lost without its search. The
   * worst-case loss rate stays exact; `breakRate` is a lower bound — the found attack's properties
   * for such an outcome, and, since with falsify every search also stops at its first win, the first
   * win's properties for a searched one — and the counterexample need not be the shortest. Default:
   * off (every outcome searched to the end).
   */
  falsify?: FalsifyOptions;
}

export interface Counterexample {
  /** The chance outcome: faulty ids, every agent's input, GST (partial-sync). */
  setup: EpisodeSetup;
  /** The adversary's choices, round by round (`createScriptedAdversary` replays them). */
  script: AdversaryScript;
  /** Randomised protocols: the honest coins and in-episode draws on the losing path, in drawing order. */
  chance?: number[];
  /** Properties the replayed episode violates. */
  violated: Property[];
  /** Rounds the replayed episode lasted. */
  rounds: number;
  /** The replayed episode as `play --trace` prints it, adversary choices marked `*`. */
  trace: string;
}

interface VerifyStats {
  scenario: string;
  honest: string;
  /**
   * `exhaustive`: every adversary strategy against a deterministic protocol; `expectimax`: the
   * optimal adaptive adversary against the honest coins and in-episode draws, probabilities exact.
   */
  method: 'exhaustive' | 'expectimax';
  /** Properties the adversary can break in at least one chance outcome. */
  violations: Property[];
  /** Probability (scenario's chance distribution) that an optimal adversary makes the honest side lose. */
  worstCaseLossRate: number;
  /** Per property, the probability of a chance outcome in which the adversary can break it. */
  breakRate: Record<Property, number>;
  /** Expectimax: the probability of majority-correct commits against the adversary that minimises it. */
  worstCaseMajorityCorrectRate?: number;
  /** Expectimax: Knuth's estimate of the search's size, made before it started. */
  estimatedStates?: number;
  /** Chance outcomes of the scenario (those `faultySets` leaves), every one answered. */
  chanceOutcomes: number;
  /** Chance outcomes searched after the symmetry reduction: one per orbit (absent without it). */
  orbits?: number;
  /** The agents whose messages and chains the adversary's moves were limited to (origin pruning; absent without it). */
  visibleOrigins?: number[];
  /** Chance outcomes searched that the falsification pass settled with an attack instead (`falsify`; absent without it). */
  falsified?: number;
  /**
   * The falsification pass lost `falsify.enough` of the outcomes before any search, and the
   * verification stopped there: `worstCaseLossRate` and `breakRate` are lower bounds (the outcomes
   * no attack won were not searched). Absent otherwise.
   */
  lowerBound?: true;
  /** Engine states produced (one per episode slot stepped). */
  states: number;
  /** Distinct joint states solved (memo entries, summed over chance outcomes). */
  distinctStates: number;
  seconds: number;
}

export interface Safe extends VerifyStats {
  verdict: 'safe';
}
export interface Unsafe extends VerifyStats {
  verdict: 'unsafe';
  /** The property the shortest counterexample breaks (the first of consistency, validity, termination). */
  property: Property;
  counterexample: Counterexample;
  /**
   * A winning adversary script for every chance outcome the adversary wins (exhaustive search;
   * expectimax gives the counterexample's only): what counterexample-guided training replays
   * (protocols/adversaries/attackPool.ts).
   */
  attacks: Attack[];
}
export type VerifyResult = Safe | Unsafe;

const DEFAULT_MAX_STATES = 20_000_000;

/** A protocol's declaration for the verifier (agent roles, visible origins) failed its check: verifying without it is still possible. */
export class DeclarationCheckError extends RefusedError {
  override name = 'DeclarationCheckError';
}

/** The chance outcomes to search: counted up front, built one at a time (`chanceOutcomes`). */
export interface ChanceOutcomes {
  /** Outcomes to search. */
  total: number;
  each(): Iterable<ChanceOutcome>;
  /** Chance outcomes they stand for (more than `total` when each is an orbit's representative). */
  represented: number;
  /** Orbits: every member's attack from its representative's (renamed), in chance-outcome order. */
  expand?(attacks: readonly Attack[]): Attack[];
}

export interface ChanceOutcome {
  setup: EpisodeSetup;
  probability: number;
  /** Chance outcomes this one stands for (its orbit's size; default 1), all equally likely. */
  weight?: number;
}

/**
 * How many chance outcomes the scenario has (faulty sets × honest inputs × faulty inputs × GSTs),
 * counted, not enumerated: a budget must be checked before any outcome is built, since a large
 * scenario has billions of them. `only` as in `enumerateChance`.
 */
export function countChance(scenario: Scenario, only?: readonly (readonly number[])[]): { total: number; factors: string } {
  const { n, f, values: V } = scenario;
  const faultySets = only ? chosenFaultySets(scenario, only).length : scenario.faultyPlacement === 'fixed' ? 1 : binomial(n, f);
  const honestInputs = scenario.inputs === 'uniform' ? V ** (n - f) : V * (V - 1) * binomial(n - f, scenario.inputs.split[0]);
  const faultyInputs = scenario.faults !== 'byzantine' ? V ** f : 1;
  const gsts = chanceGsts(scenario).length;
  const factors = [`${faultySets} faulty sets`, `${honestInputs} honest input assignments`, ...(faultyInputs > 1 ? [`${faultyInputs} faulty input assignments`] : []), ...(gsts > 1 ? [`${gsts} GSTs`] : [])];
  return { total: faultySets * honestInputs * faultyInputs * gsts, factors: factors.join(' × ') };
}

/**
 * Every chance outcome of the scenario with its probability (GameBatch.drawEpisode's distribution).
 * With `maxOutcomes`, a scenario with more is refused (a StateLimitError giving the count) before
 * any is built.
 */
export function enumerateChance(scenario: Scenario, only?: readonly (readonly number[])[], maxOutcomes = Infinity): ChanceOutcome[] {
  const { total, factors } = countChance(scenario, only);
  if (total > maxOutcomes) throw new StateLimitError(`verify: ${scenario.name} has ${formatCount(total)} chance outcomes (${factors}), more than the budget of ${maxOutcomes}; shrink the scenario`);
  return [...chanceOutcomes(scenario, only)];
}

/** The chance outcomes one at a time, in `enumerateChance`'s order: nothing is held but the current one. */
export function* chanceOutcomes(scenario: Scenario, only?: readonly (readonly number[])[]): Generator<ChanceOutcome> {
  const { n, f, values: V } = scenario;
  const chosen = only && chosenFaultySets(scenario, only);
  const fixed = scenario.faultyPlacement === 'fixed';
  const faultySets: Iterable<number[]> = chosen ?? (fixed ? [Array.from({ length: f }, (_, t) => n - f + t)] : subsets(n, f));
  const setCount = chosen?.length ?? (fixed ? 1 : binomial(n, f));
  // Under Byzantine faults a faulty agent's input is never used by the rules: fixed at 0.
  const faultyInputsMatter = scenario.faults !== 'byzantine';
  const gsts = chanceGsts(scenario);
  for (const faulty of faultySets) {
    const honest = range(0, n - 1).filter((i) => !faulty.includes(i));
    for (const { values, p } of honestAssignments(scenario, honest.length))
      for (const fv of faultyInputsMatter ? tuples(f, V) : [new Array<number>(f).fill(0)])
        for (const gst of gsts) {
          const inputs = new Array<number>(n).fill(0);
          honest.forEach((i, k) => (inputs[i] = values[k]!));
          faulty.forEach((i, k) => (inputs[i] = fv[k]!));
          const probability = (p * (faultyInputsMatter ? V ** -f : 1)) / (setCount * gsts.length);
          yield { setup: gst === undefined ? { faulty, inputs } : { faulty, inputs, gst }, probability };
        }
  }
}

/** The honest agents' inputs, k-th honest agent's value at k, with their probability. */
function* honestAssignments(scenario: Scenario, honestCount: number): Generator<{ values: number[]; p: number }> {
  const V = scenario.values;
  if (scenario.inputs === 'uniform') {
    for (const values of tuples(honestCount, V)) yield { values, p: V ** -honestCount };
    return;
  }
  const [a] = scenario.inputs.split;
  const p = 1 / (V * (V - 1) * binomial(honestCount, a));
  for (let x = 0; x < V; x++)
    for (let y = 0; y < V; y++) {
      if (y === x) continue;
      for (const set of subsets(honestCount, a)) yield { values: Array.from({ length: honestCount }, (_, k) => (set.includes(k) ? x : y)), p };
    }
}

/** `only`'s faulty sets, each checked to be one the scenario can draw, sorted and in drawing order. */
function chosenFaultySets(scenario: Scenario, only: readonly (readonly number[])[]): number[][] {
  const { n, f } = scenario;
  const fixed = Array.from({ length: f }, (_, t) => n - f + t).join(',');
  const wanted = new Map<string, number[]>();
  for (const set of only) {
    const sorted = [...set].sort((a, b) => a - b);
    const key = sorted.join(',');
    const drawable = scenario.faultyPlacement === 'fixed' ? key === fixed : sorted.length === f && sorted.every((id, k) => Number.isInteger(id) && id >= 0 && id < n && (k === 0 || id > sorted[k - 1]!));
    if (!drawable) throw new RangeError(`verify: faulty set {${key}} cannot be drawn in ${scenario.name} (faultyPlacement=${scenario.faultyPlacement}, n=${n}, f=${f})`);
    wanted.set(key, sorted);
  }
  // Subsets are drawn (and searched) in lexicographic order.
  return [...wanted.values()].sort((x, y) => {
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
    return 0;
  });
}

function chanceGsts(scenario: Scenario): Array<number | undefined> {
  if (scenario.timing !== 'partial-sync') return [undefined];
  return scenario.gst === 'random' ? range(1, scenario.maxRounds) : [scenario.gst];
}

export function verify(options: VerifyOptions): VerifyResult {
  const protocol = typeof options.honest === 'string' ? getProtocol(options.honest) : options.honest;
  const { scenario } = options;
  const { maxStates, outcomes, allOutcomes, search } = verifyPlan(options, protocol);
  if (!usesSamples(scenario) && options.method !== 'expectimax') {
    try {
      return verifyDeterministic(scenario, protocol, outcomes, maxStates, options.onProgress, search);
    } catch (error) {
      // Honest coins: the deterministic search stops at the first one; the expectimax search takes over.
      if (!(error instanceof RandomisedProtocolError)) throw error;
    }
  }
  return verifyRandomised(scenario, protocol, allOutcomes, maxStates, options.onProgress, search);
}

/**
 * What every executor checks and resolves before any search starts (refusals are one line, thrown
 * here). `outcomes`: what the exhaustive search solves (one per orbit under the protocol's checked
 * symmetry); `allOutcomes`: every chance outcome (the expectimax search, which is not reduced).
 */
export function verifyPlan(options: VerifyOptions, protocol: HonestProtocol): { maxStates: number; outcomes: ChanceOutcomes; allOutcomes: ChanceOutcomes; search: SearchOptions } {
  const { scenario } = options;
  const why = protocol.refuse(scenario);
  if (why) throw new RefusedError(why);
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  // Every chance outcome is searched from its own start: more of them than the budget can never
  // finish, and counting them first keeps a huge scenario from being enumerated at all.
  const { total, factors } = countChance(scenario, options.faultySets);
  if (total > maxStates)
    throw new StateLimitError(`verify: ${scenario.name} has ${formatCount(total)} chance outcomes (${factors}), each searched from its own start: more than --max-states=${maxStates}; shrink the scenario (n, f, values, inputs) or raise --max-states`);
  const allOutcomes: ChanceOutcomes = { total, represented: total, each: () => chanceOutcomes(scenario, options.faultySets) };
  const roles = options.symmetry === false ? undefined : checkedRoles(scenario, protocol);
  const origins = options.originPruning === false ? undefined : checkedOrigins(scenario, protocol, roles);
  const search: SearchOptions = { memo: options.memo ?? true, ...(roles && { symmetry: roles }), ...(origins && { visibleOrigins: origins }), ...(options.falsify && { falsify: options.falsify }) };
  return { maxStates, outcomes: roles ? chanceOrbits(scenario, roles, allOutcomes) : allOutcomes, allOutcomes, search };
}

/**
 * The protocol's agent roles once its claim passed `checkAgentRoles` (a false claim is refused in one
 * line); undefined where no symmetry is used: none declared, a game with chance inside the episode,
 * a protocol that draws coins, or only one agent per role.
 */
function checkedRoles(scenario: Scenario, protocol: HonestProtocol): number[] | undefined {
  if (!protocol.agentRoles || usesSamples(scenario)) return undefined;
  const declared = [...protocol.agentRoles(scenario)];
  const roles = verificationRoles(declared, scenario);
  if (new Set(roles).size === roles.length) return undefined;
  const check = checkAgentRoles(protocol, scenario, declared);
  if (check.ok === false) throw new DeclarationCheckError(check.why);
  return check.ok === true ? roles : undefined;
}

/**
 * The protocol's visible origins once its claim passed `checkVisibleOrigins` (a false claim is
 * refused in one line); undefined where none is declared or every agent is one.
 */
function checkedOrigins(scenario: Scenario, protocol: HonestProtocol, roles: readonly number[] | undefined): number[] | undefined {
  const declared = protocol.visibleOrigins?.(scenario);
  if (!declared || declared.length >= scenario.n) return undefined;
  const origins = [...declared].sort((a, b) => a - b);
  if (roles && !compatibleWithRoles(origins, roles))
    throw new DeclarationCheckError(`${protocol.name}: visibleOrigins ${JSON.stringify(origins)} splits agents its agentRoles ${JSON.stringify(roles)} call interchangeable; declare whole role classes, or verify with --no-origin-pruning`);
  const check = checkVisibleOrigins(protocol, scenario, origins);
  if (!check.ok) throw new DeclarationCheckError(check.why);
  return origins;
}

/**
 * One chance outcome per orbit under the renamings that keep every agent's role: two outcomes are
 * in one orbit iff, role by role, they have the same multiset of (faulty?, input) labels — then a
 * renaming maps one to the other, matching labels. The representative is the orbit's first outcome
 * in `chanceOutcomes` order, weighted by how many outcomes the scenario can draw in the orbit
 * (soundness: _internals/symmetry.ts).
 */
export function chanceOrbits(scenario: Scenario, roles: readonly number[], all: ChanceOutcomes): ChanceOutcomes {
  const labels = (setup: EpisodeSetup) => roles.map((role, i) => `${role}:${setup.faulty.includes(i) ? 'f' : 'h'}${setup.inputs[i]}`);
  const orbitKey = (setup: EpisodeSetup) => `${[...labels(setup)].sort().join(' ')}|${setup.gst ?? ''}`;
  let orbits: ChanceOutcome[] | undefined;
  const build = (): ChanceOutcome[] => {
    const byKey = new Map<string, ChanceOutcome & { weight: number }>();
    for (const outcome of all.each()) {
      const key = orbitKey(outcome.setup);
      const seen = byKey.get(key);
      if (seen) seen.weight++;
      else byKey.set(key, { ...outcome, weight: 1 });
    }
    return [...byKey.values()];
  };
  /** The renaming that takes `from` to `to` (same orbit): equal labels matched in agent order. */
  const renaming = (from: EpisodeSetup, to: EpisodeSetup): number[] => {
    const targets = new Map<string, number[]>();
    labels(to).forEach((label, i) => (targets.get(label) ?? targets.set(label, []).get(label)!).push(i));
    return labels(from).map((label) => targets.get(label)!.shift()!);
  };
  const total = (orbits ??= build()).length;
  return {
    total,
    represented: all.represented,
    each: () => (orbits ??= build()),
    expand(attacks: readonly Attack[]): Attack[] {
      const renamer = new AgentRenamer(scenario);
      const won = new Map(attacks.map((attack) => [orbitKey(attack.setup), attack]));
      const out: Attack[] = [];
      for (const { setup } of all.each()) {
        const rep = won.get(orbitKey(setup));
        if (!rep) continue;
        const perm = renaming(rep.setup, setup);
        out.push({ setup, script: rep.script.map((round) => renamer.renameRound(round, perm)) });
      }
      return out;
    },
  };
}

/** The exhaustive adversary search (`_internals/search.ts`) over every chance outcome. */
function verifyDeterministic(scenario: Scenario, protocol: HonestProtocol, outcomes: ChanceOutcomes, maxStates: number, onProgress: VerifyOptions['onProgress'], options: SearchOptions): VerifyResult {
  const fold = new ExhaustiveFold(scenario, protocol, outcomes, maxStates, options);
  const solver = new ExhaustiveSolver(scenario, protocol, maxStates, options);
  // With `falsify.enough`, every outcome is attacked cheaply first, and the searches stop as soon as
  // the outcomes lost reach that share: the answer asked for ("at least this much") is then known.
  const enough = options.falsify?.enough;
  const falsifier = enough === undefined ? undefined : solver.falsifier;
  let lost = 0;
  if (falsifier) for (const outcome of outcomes.each()) if (falsifier.attack(outcome.setup)) lost += outcome.weight ?? 1;
  const reached = () => falsifier !== undefined && lost >= enough! * outcomes.represented;
  let stopped = reached();
  if (!stopped) refuseProjectedStates(scenario, protocol, outcomes, maxStates, options);
  for (const outcome of outcomes.each()) {
    const falsified = falsifier?.attack(outcome.setup) !== undefined;
    if (stopped && !falsified) {
      fold.add(outcome, UNSEARCHED);
      continue;
    }
    const solution = solver.solve(outcome.setup);
    fold.add(outcome, solution);
    if (!falsified && solution.mask) {
      lost += outcome.weight ?? 1;
      stopped = reached();
    }
    onProgress?.(fold.done, outcomes.total, fold.states);
  }
  return fold.finish(stopped);
}

/** An outcome left unsearched by a verification that stopped at its falsification pass (`falsify.enough`). */
const UNSEARCHED: ExhaustiveSolution = { kind: 'exhaustive', mask: 0, depth: Infinity, states: 0, distinct: 0 };

/** Chance outcomes solved to project the whole exhaustive search (`refuseProjectedStates`). */
const PROJECTION_SAMPLES = 3;
/** Each sample may cost this many times its share of the budget before it is cut off. */
const PROJECTION_CAP = 4;
/** A projection this many times past --max-states is refused (projections from 3 outcomes are rough). */
const PROJECTION_REFUSAL = 2;

/**
 * Refuses, within seconds, an exhaustive search the budget cannot finish. The options per round do
 * not predict its size (the reductions of search.ts make it orders of magnitude smaller than their
 * product, and not in a fixed ratio), so a few chance outcomes spread over the order are solved —
 * each cut off at PROJECTION_CAP times its share of the budget — and their mean, times the number
 * of outcomes, is the projection. Only a projection PROJECTION_REFUSAL times past the budget is
 * refused: this is an estimate, and a search that does start is still bounded exactly by --max-states.
 * Skipped when there are too few outcomes for the samples to cost less than the search.
 */
export function refuseProjectedStates(scenario: Scenario, protocol: HonestProtocol, outcomes: ChanceOutcomes, maxStates: number, options: SearchOptions): void {
  if (outcomes.total <= 2 * PROJECTION_SAMPLES) return;
  const share = maxStates / outcomes.total;
  const cap = Math.ceil(PROJECTION_CAP * share);
  let sampled = 0;
  let index = 0;
  let k = 0;
  let capped = 0;
  for (const { setup } of outcomes.each()) {
    if (k === PROJECTION_SAMPLES) break;
    if (index++ !== Math.floor((k * outcomes.total) / PROJECTION_SAMPLES)) continue;
    k++;
    const solver = new ExhaustiveSolver(scenario, protocol, cap, options);
    try {
      sampled += solver.solve(setup).states;
    } catch (error) {
      if (!(error instanceof StateLimitError)) throw error;
      // A round too wide for the whole budget, not only for the sample's share: say so as it is.
      if (error instanceof RoundWidthError && error.width > maxStates) throw new RoundWidthError(scenario.name, protocol.name, maxStates, error.round, error.width);
      sampled += cap; // at least this many
      capped++;
    }
  }
  const projected = (sampled / k) * outcomes.total;
  if (projected > PROJECTION_REFUSAL * maxStates)
    throw new StateLimitError(
      `verify: ${protocol.name} on ${scenario.name} would explore ${capped ? 'at least ' : ''}~${formatCount(projected)} states (${k} of ${outcomes.total} chance outcomes solved first${capped ? `, ${capped} cut off at ${formatCount(cap)} states` : ''}), more than --max-states=${maxStates}; raise --max-states or shrink the scenario`,
    );
}

/** What both folds hold: the search they fold (scenario, protocol, outcomes, budget, options) and its counts so far. */
abstract class Fold {
  protected readonly started = performance.now();
  done = 0;
  states = 0;
  protected distinct = 0;

  constructor(
    protected readonly scenario: Scenario,
    protected readonly protocol: HonestProtocol,
    protected readonly outcomes: ChanceOutcomes,
    protected readonly maxStates: number,
    protected readonly search: SearchOptions = {},
  ) {}
}

/**
 * Folds the per-outcome answers of the exhaustive search, in chance-outcome order, into the verdict:
 * the one place that decides it, whether the outcomes were solved on this thread or on many.
 */
export class ExhaustiveFold extends Fold {
  private falsified = 0;
  // Every chance outcome is equally likely (uniform faulty set, inputs and GST; under `split`,
  // uniform over the two values and the subset), so rates are exact ratios of counts.
  private losses = 0;
  private readonly breaks = { consistency: 0, validity: 0, termination: 0 };
  private best: { setup: EpisodeSetup; script: AdversaryScript; depth: number } | undefined;
  private readonly attacks: Attack[] = [];

  /** The next chance outcome's answer (outcomes must come in `outcomes.each()` order), counted `weight` times. */
  add({ setup, weight = 1 }: ChanceOutcome, solution: ExhaustiveSolution): void {
    this.done++;
    this.states += solution.states;
    // Outcomes solved on several threads each stay under the budget; together they must too.
    if (this.states > this.maxStates) throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored (${this.scenario.name}, ${this.protocol.name}); raise --max-states or shrink the scenario`);
    this.distinct += solution.distinct;
    if (solution.falsified) this.falsified++;
    if (!solution.mask) return;
    this.losses += weight;
    for (const [bit, name] of PROPERTIES) if (solution.mask & bit) this.breaks[name] += weight;
    // Strictly shorter only: among equally short violations the first outcome in order wins.
    if (!this.best || solution.depth < this.best.depth) this.best = { setup, script: solution.witness!, depth: solution.depth };
    this.attacks.push({ setup, script: solution.witness! });
  }

  /** `lowerBound`: outcomes were left unsearched (answered `UNSEARCHED`), so the rates are lower bounds. */
  finish(lowerBound = false): VerifyResult {
    const breakRate: Record<Property, number> = { consistency: 0, validity: 0, termination: 0 };
    const total = this.outcomes.represented;
    for (const [, name] of PROPERTIES) breakRate[name] = this.breaks[name] / total;
    const stats: VerifyStats = {
      scenario: this.scenario.name,
      honest: this.protocol.name,
      method: 'exhaustive',
      violations: PROPERTIES.filter(([, name]) => breakRate[name] > 0).map(([, name]) => name),
      worstCaseLossRate: this.losses / total,
      breakRate,
      chanceOutcomes: total,
      ...(this.outcomes.expand && { orbits: this.outcomes.total }),
      ...(this.search.visibleOrigins && { visibleOrigins: [...this.search.visibleOrigins] }),
      ...(this.search.falsify && { falsified: this.falsified }),
      ...(lowerBound && { lowerBound: true as const }),
      states: this.states,
      distinctStates: this.distinct,
      seconds: (performance.now() - this.started) / 1000,
    };
    return conclude(this.scenario, this.protocol, stats, this.best, this.outcomes.expand ? this.outcomes.expand(this.attacks) : this.attacks);
  }
}

/**
 * Expectimax over the honest coins and the draws inside the episode (`_internals/expectimax.ts`),
 * every chance outcome of the episode's start in turn. Before searching, Knuth's estimator predicts
 * the size; a search clearly out of reach is refused with that estimate instead of started.
 */
function verifyRandomised(scenario: Scenario, protocol: HonestProtocol, outcomes: ChanceOutcomes, maxStates: number, onProgress: VerifyOptions['onProgress'], options: SearchOptions): VerifyResult {
  const fold = new ExpectimaxFold(scenario, protocol, outcomes, maxStates, options);
  const solver = new ExpectimaxSolver(scenario, protocol, maxStates, options);
  for (const outcome of outcomes.each()) {
    let solution: ExpectimaxSolution;
    try {
      solution = solver.solve(outcome.setup);
    } catch (error) {
      throw fold.translate(error);
    }
    fold.add(outcome, solution);
    onProgress?.(fold.done, outcomes.total, fold.states);
  }
  return fold.finish();
}

/** `ExhaustiveFold` for the expectimax search: sums in chance-outcome order, so the floating-point result is the same however the outcomes were solved. */
export class ExpectimaxFold extends Fold {
  readonly estimate: number;
  private readonly sum = new Float64Array(5);
  private best: { setup: EpisodeSetup; script: AdversaryScript; chance: number[]; loss: number } | undefined;

  /** Estimates the search's size first (on this thread) and refuses one far past the budget. */
  constructor(scenario: Scenario, protocol: HonestProtocol, outcomes: ChanceOutcomes, maxStates: number, search: SearchOptions = {}) {
    super(scenario, protocol, outcomes, maxStates, search);
    const root = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
    // Bounded by the budget too: one node's choices past it would be allocated before any refusal.
    this.estimate = estimateStates(new Expectimax(scenario, protocol, maxStates), root, outcomes);
    if (this.estimate > ESTIMATE_REFUSAL * maxStates) throw this.refuse(`that is far beyond --max-states=${maxStates}`);
  }

  private refuse(what: string): StateLimitError {
    return new StateLimitError(`verify: ${this.protocol.name} on ${this.scenario.name} is solved by expectimax over every coin and draw; ${what} (Knuth's estimate over random paths, without memo: ~${formatCount(this.estimate)} states); raise --max-states or shrink the scenario (fewer rounds, agents, sample size)`);
  }

  /** A solver's StateLimitError, told with the estimate; other errors unchanged. */
  translate(error: unknown): unknown {
    return error instanceof StateLimitError ? this.refuse(`more than --max-states=${this.maxStates} states explored`) : error;
  }

  add({ setup, probability }: ChanceOutcome, solution: ExpectimaxSolution): void {
    this.done++;
    this.states += solution.states;
    if (this.states > this.maxStates) throw this.refuse(`more than --max-states=${this.maxStates} states explored`);
    this.distinct += solution.distinct;
    for (let e = 0; e < this.sum.length; e++) this.sum[e]! += probability * solution.value[e]!;
    const loss = solution.value[LOSS]!;
    if (loss > 0 && (!this.best || loss > this.best.loss)) this.best = { setup, ...solution.witness!, loss };
  }

  finish(): VerifyResult {
    const sum = this.sum;
    const breakRate: Record<Property, number> = { consistency: sum[CONSISTENCY]!, validity: sum[VALIDITY]!, termination: sum[TERMINATION]! };
    const stats: VerifyStats = {
      scenario: this.scenario.name,
      honest: this.protocol.name,
      method: 'expectimax',
      violations: PROPERTIES.filter(([, name]) => breakRate[name] > 0).map(([, name]) => name),
      worstCaseLossRate: sum[LOSS]!,
      breakRate,
      worstCaseMajorityCorrectRate: 1 - sum[MAJORITY_MISSED]!,
      chanceOutcomes: this.outcomes.total,
      ...(this.search.visibleOrigins && { visibleOrigins: [...this.search.visibleOrigins] }),
      states: this.states,
      distinctStates: this.distinct,
      estimatedStates: this.estimate,
      seconds: (performance.now() - this.started) / 1000,
    };
    return conclude(this.scenario, this.protocol, stats, this.best);
  }
}

/** A search this many times past --max-states by the estimate is refused before it starts. */
const ESTIMATE_REFUSAL = 50;
const ESTIMATE_PATHS = 16;

/** Knuth's estimate of the whole search: random paths from a spread of chance outcomes, scaled to all of them. */
function estimateStates(search: Expectimax, root: GameBatch, outcomes: ChanceOutcomes): number {
  const picked = Math.min(outcomes.total, 8);
  let total = 0;
  let k = 0;
  let index = 0;
  for (const { setup } of outcomes.each()) {
    if (k === picked) break;
    if (index++ !== Math.floor((k * outcomes.total) / picked)) continue;
    root.reset(0);
    root.setup(0, setup);
    total += search.estimate(root, 0, ESTIMATE_PATHS, ++k);
  }
  return (total / picked) * outcomes.total;
}

function formatCount(x: number): string {
  return x >= 1e6 ? x.toExponential(1) : String(Math.round(x));
}

/** The verdict: safe, or unsafe with the replayed counterexample (which must reproduce a violation). */
function conclude(scenario: Scenario, protocol: HonestProtocol, stats: VerifyStats, best: { setup: EpisodeSetup; script: AdversaryScript; chance?: number[] } | undefined, attacks?: Attack[]): VerifyResult {
  if (!best) return { verdict: 'safe', ...stats };
  const counterexample = replayCounterexample(scenario, protocol, best.setup, best.script, best.chance);
  if (counterexample.violated.length === 0)
    throw new Error(`verify: internal error: the counterexample found for ${protocol.name} on ${scenario.name} does not replay to a violation (setup ${JSON.stringify(best.setup)})`);
  return { verdict: 'unsafe', property: counterexample.violated[0]!, counterexample, attacks: attacks ?? [{ setup: best.setup, script: best.script }], ...stats };
}

/**
 * Replays a script on a setup in the engine (`runEpisodes` with the scripted adversary) and judges
 * it; `chance` gives the honest coins and in-episode draws in drawing order (randomised protocols).
 */
export function replayCounterexample(scenario: Scenario, honest: HonestProtocol | string, setup: EpisodeSetup, script: AdversaryScript, chance?: readonly number[]): Counterexample {
  const protocol = typeof honest === 'string' ? getProtocol(honest) : honest;
  const game = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
  game.reset(0);
  game.setup(0, setup);
  if (chance) game.chanceSource = new ReplayChance(chance);
  const adversary = createScriptedAdversary(script);
  runEpisodes(game, protocol, adversary, new HonestActions(1, scenario.n, scenario), new AdversaryActions(1, scenario.n, scenario));
  const outcome = judgeEpisode(game, 0);
  const violated: Property[] = [];
  if (!outcome.consistent) violated.push('consistency');
  if (!outcome.valid) violated.push('validity');
  if (!outcome.terminated) violated.push('termination');
  const trace = renderTrace(game, 0, { title: `counterexample: ${protocol.name} on ${scenario.name} · faulty ${setup.faulty.join(',') || 'none'} · inputs ${setup.inputs.join(',')}` });
  return chance ? { setup, script, chance: [...chance], violated, rounds: game.roundsPlayed[0]!, trace } : { setup, script, violated, rounds: game.roundsPlayed[0]!, trace };
}

/** Throws (with the counterexample's trace) unless the protocol is safe. */
export function assertSafe(options: VerifyOptions): Safe {
  const result = verify(options);
  if (result.verdict === 'safe') return result;
  throw new Error(`verify: ${result.honest} on ${result.scenario} is unsafe: ${result.property} can be violated\n${result.counterexample.trace}`, { cause: result });
}

// ---------------------------------------------------------------- combinatorics

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

/** The k-subsets of 0..n−1 in lexicographic order, one at a time. */
function* subsets(n: number, k: number): Generator<number[]> {
  const set = Array.from({ length: k }, (_, t) => t);
  if (k > n) return;
  for (;;) {
    yield [...set];
    let t = k - 1;
    while (t >= 0 && set[t] === n - k + t) t--;
    if (t < 0) return;
    set[t]!++;
    for (let u = t + 1; u < k; u++) set[u] = set[u - 1]! + 1;
  }
}

/** Every tuple of `length` values in 0..V−1, lexicographic (the last position varies fastest), one at a time. */
function* tuples(length: number, V: number): Generator<number[]> {
  const tuple = new Array<number>(length).fill(0);
  for (;;) {
    yield [...tuple];
    let t = length - 1;
    while (t >= 0 && tuple[t] === V - 1) tuple[t--] = 0;
    if (t < 0) return;
    tuple[t]!++;
  }
}

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const fewer = Math.min(k, n - k);
  let out = 1;
  for (let t = 1; t <= fewer; t++) out = (out * (n - fewer + t)) / t;
  return Math.round(out);
}
