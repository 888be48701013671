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
 * GAME.md §6's, with one bound: a Byzantine message carries tag 0 or a tag some honest agent sends
 * in the same round (`_internals/moves.ts`). Exceeding `maxStates` throws a StateLimitError: never a verdict on a partial search.
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
import { createScriptedAdversary, type AdversaryScript, type ScriptRound } from '../protocols/adversaries/scripted.js';
import { getProtocol } from '../protocols/registry.js';
import { RefusedError, type HonestProtocol } from '../protocols/types.js';
import { ReplayChance } from './_internals/chance.js';
import { CONSISTENCY, Expectimax, LOSS, MAJORITY_MISSED, TERMINATION, VALIDITY, type RoundValue } from './_internals/expectimax.js';
import { PROPERTIES } from './_internals/outcomes.js';
import { RandomisedProtocolError, Search, StateLimitError, type SearchOptions } from './_internals/search.js';

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
  /** Chance outcomes searched. */
  chanceOutcomes: number;
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

interface ChanceOutcome {
  setup: EpisodeSetup;
  probability: number;
}

/** Every chance outcome of the scenario with its probability (GameBatch.drawEpisode's distribution). */
export function enumerateChance(scenario: Scenario, only?: readonly (readonly number[])[]): ChanceOutcome[] {
  const { n, f, values: V } = scenario;
  let faultySets: number[][] = [];
  if (scenario.faultyPlacement === 'fixed') faultySets.push(Array.from({ length: f }, (_, t) => n - f + t));
  else subsets(n, f, [], 0, faultySets);
  if (only) {
    const wanted = only.map((set) => [...set].sort((a, b) => a - b).join(','));
    for (const w of wanted)
      if (!faultySets.some((set) => set.join(',') === w)) throw new RangeError(`verify: faulty set {${w}} cannot be drawn in ${scenario.name} (faultyPlacement=${scenario.faultyPlacement}, n=${n}, f=${f})`);
    faultySets = faultySets.filter((set) => wanted.includes(set.join(',')));
  }
  // Under Byzantine faults a faulty agent's input is never used by the rules: fixed at 0.
  const faultyInputsMatter = scenario.faults !== 'byzantine';
  const gsts = scenario.timing === 'partial-sync' ? (scenario.gst === 'random' ? range(1, scenario.maxRounds) : [scenario.gst]) : [undefined];
  const out: ChanceOutcome[] = [];
  for (const faulty of faultySets) {
    const honest = range(0, n - 1).filter((i) => !faulty.includes(i));
    const honestAssignments: Array<{ values: number[]; p: number }> = [];
    if (scenario.inputs === 'uniform') {
      for (const values of tuples(honest.length, V)) honestAssignments.push({ values, p: V ** -honest.length });
    } else {
      const [a] = scenario.inputs.split;
      const chosen: number[][] = [];
      subsets(honest.length, a, [], 0, chosen);
      for (let x = 0; x < V; x++)
        for (let y = 0; y < V; y++) {
          if (y === x) continue;
          for (const set of chosen) honestAssignments.push({ values: honest.map((_, k) => (set.includes(k) ? x : y)), p: 1 / (V * (V - 1) * chosen.length) });
        }
    }
    const faultyAssignments = faultyInputsMatter ? tuples(f, V) : [new Array<number>(f).fill(0)];
    for (const { values, p } of honestAssignments)
      for (const fv of faultyAssignments)
        for (const gst of gsts) {
          const inputs = new Array<number>(n).fill(0);
          honest.forEach((i, k) => (inputs[i] = values[k]!));
          faulty.forEach((i, k) => (inputs[i] = fv[k]!));
          const probability = (p * (faultyInputsMatter ? V ** -f : 1)) / (faultySets.length * gsts.length);
          out.push({ setup: gst === undefined ? { faulty, inputs } : { faulty, inputs, gst }, probability });
        }
  }
  return out;
}

export function verify(options: VerifyOptions): VerifyResult {
  const { scenario } = options;
  const protocol = typeof options.honest === 'string' ? getProtocol(options.honest) : options.honest;
  const why = protocol.refuse(scenario);
  if (why) throw new RefusedError(why);
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const outcomes = enumerateChance(scenario, options.faultySets);
  const search: SearchOptions = { memo: options.memo ?? true };
  if (!usesSamples(scenario) && options.method !== 'expectimax') {
    try {
      return verifyDeterministic(scenario, protocol, outcomes, maxStates, options.onProgress, search);
    } catch (error) {
      // Honest coins: the deterministic search stops at the first one; the expectimax search takes over.
      if (!(error instanceof RandomisedProtocolError)) throw error;
    }
  }
  return verifyRandomised(scenario, protocol, outcomes, maxStates, options.onProgress, search);
}

/** The exhaustive adversary search (`_internals/search.ts`) over every chance outcome. */
function verifyDeterministic(scenario: Scenario, protocol: HonestProtocol, outcomes: readonly ChanceOutcome[], maxStates: number, onProgress: VerifyOptions['onProgress'], options: SearchOptions): VerifyResult {
  const started = performance.now();
  const search = new Search(scenario, protocol, maxStates, options);
  const root = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
  const breakRate: Record<Property, number> = { consistency: 0, validity: 0, termination: 0 };
  // Every chance outcome is equally likely (uniform faulty set, inputs and GST; under `split`,
  // uniform over the two values and the subset), so rates are exact ratios of counts.
  let losses = 0;
  const breaks = { consistency: 0, validity: 0, termination: 0 };
  let distinct = 0;
  let best: { setup: EpisodeSetup; script: AdversaryScript; depth: number } | undefined;
  const attacks: Attack[] = [];
  for (const [k, { setup }] of outcomes.entries()) {
    root.reset(0);
    root.setup(0, setup);
    const result = search.solveRoot(root, 0);
    distinct += search.distinctStates;
    onProgress?.(k + 1, outcomes.length, search.states);
    if (!result.mask) continue;
    losses++;
    for (const [bit, name] of PROPERTIES) if (result.mask & bit) breaks[name]++;
    if (!best || result.depth < best.depth) best = { setup, script: result.witness!, depth: result.depth };
    attacks.push({ setup, script: result.witness! });
  }

  for (const [, name] of PROPERTIES) breakRate[name] = breaks[name] / outcomes.length;
  const stats: VerifyStats = {
    scenario: scenario.name,
    honest: protocol.name,
    method: 'exhaustive',
    violations: PROPERTIES.filter(([, name]) => breakRate[name] > 0).map(([, name]) => name),
    worstCaseLossRate: losses / outcomes.length,
    breakRate,
    chanceOutcomes: outcomes.length,
    states: search.states,
    distinctStates: distinct,
    seconds: (performance.now() - started) / 1000,
  };
  return conclude(scenario, protocol, stats, best, attacks);
}

/**
 * Expectimax over the honest coins and the draws inside the episode (`_internals/expectimax.ts`),
 * every chance outcome of the episode's start in turn. Before searching, Knuth's estimator predicts
 * the size; a search clearly out of reach is refused with that estimate instead of started.
 */
function verifyRandomised(scenario: Scenario, protocol: HonestProtocol, outcomes: readonly ChanceOutcome[], maxStates: number, onProgress: VerifyOptions['onProgress'], options: SearchOptions): VerifyResult {
  const started = performance.now();
  const search = new Expectimax(scenario, protocol, Infinity);
  const root = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
  const estimate = estimateStates(search, root, outcomes);
  const refuse = (what: string) =>
    new StateLimitError(`verify: ${protocol.name} on ${scenario.name} is solved by expectimax over every coin and draw; ${what} (Knuth's estimate over random paths, without memo: ~${formatCount(estimate)} states); raise --max-states or shrink the scenario (fewer rounds, agents, sample size)`);
  if (estimate > ESTIMATE_REFUSAL * maxStates) throw refuse(`that is far beyond --max-states=${maxStates}`);

  const solver = new Expectimax(scenario, protocol, maxStates, options);
  const sum = new Float64Array(5);
  let distinct = 0;
  let best: { setup: EpisodeSetup; script: AdversaryScript; chance: number[]; loss: number } | undefined;
  for (const [k, { setup, probability }] of outcomes.entries()) {
    root.reset(0);
    root.setup(0, setup);
    let value: RoundValue;
    try {
      value = solver.solveRoot(root, 0);
    } catch (error) {
      if (error instanceof StateLimitError) throw refuse(`more than --max-states=${maxStates} states explored`);
      throw error;
    }
    distinct += solver.distinctStates;
    onProgress?.(k + 1, outcomes.length, solver.states);
    for (let e = 0; e < sum.length; e++) sum[e]! += probability * value.value[e]!;
    const loss = value.value[LOSS]!;
    if (loss > 0 && (!best || loss > best.loss)) best = { setup, ...witness(value), loss };
  }
  const breakRate: Record<Property, number> = { consistency: sum[CONSISTENCY]!, validity: sum[VALIDITY]!, termination: sum[TERMINATION]! };
  const stats: VerifyStats = {
    scenario: scenario.name,
    honest: protocol.name,
    method: 'expectimax',
    violations: PROPERTIES.filter(([, name]) => breakRate[name] > 0).map(([, name]) => name),
    worstCaseLossRate: sum[LOSS]!,
    breakRate,
    worstCaseMajorityCorrectRate: 1 - sum[MAJORITY_MISSED]!,
    chanceOutcomes: outcomes.length,
    states: solver.states,
    distinctStates: distinct,
    estimatedStates: estimate,
    seconds: (performance.now() - started) / 1000,
  };
  return conclude(scenario, protocol, stats, best);
}

/** A search this many times past --max-states by the estimate is refused before it starts. */
const ESTIMATE_REFUSAL = 50;
const ESTIMATE_PATHS = 16;

/** Knuth's estimate of the whole search: random paths from a spread of chance outcomes, scaled to all of them. */
function estimateStates(search: Expectimax, root: GameBatch, outcomes: readonly ChanceOutcome[]): number {
  const picked = Math.min(outcomes.length, 8);
  let total = 0;
  for (let k = 0; k < picked; k++) {
    const { setup } = outcomes[Math.floor((k * outcomes.length) / picked)]!;
    root.reset(0);
    root.setup(0, setup);
    total += search.estimate(root, 0, ESTIMATE_PATHS, k + 1);
  }
  return (total / picked) * outcomes.length;
}

/** The losing path a randomised search recorded: the adversary's script and every coin and draw on it. */
function witness(start: RoundValue): { script: AdversaryScript; chance: number[] } {
  const script: ScriptRound[] = [];
  const chance: number[] = [];
  for (let at: RoundValue | undefined = start; at?.after; at = at.after.next) {
    chance.push(...at.coins!);
    script.push(at.after.round ?? {});
    chance.push(...(at.after.draws ?? []));
  }
  return { script, chance };
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

function subsets(n: number, k: number, prefix: number[], start: number, out: number[][]): void {
  if (prefix.length === k) {
    out.push([...prefix]);
    return;
  }
  for (let i = start; i < n; i++) subsets(n, k, [...prefix, i], i + 1, out);
}

function tuples(length: number, V: number): number[][] {
  let out: number[][] = [[]];
  for (let k = 0; k < length; k++) out = out.flatMap((t) => range(0, V - 1).map((v) => [...t, v]));
  return out;
}
