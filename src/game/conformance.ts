/**
 * The conformance suite (PettingZoo's `parallel_api_test` habit): checks that anyone can run on any
 * scenario, protocol or adversary, returning data rather than throwing.
 *
 * - `checkScenario(scenario)`: observation shape (size, slices tile a frame, no NaN, every number
 *   in [0, 1], one-hot groups hot exactly once); random legal actions (random head choices under
 *   `legalMask`, through `decode`, against a random legal adversary) never break a rule; the same
 *   seed twice gives identical histories and outcomes; batch size 1 and a larger batch give the
 *   same per-episode histories and outcomes; every episode ends by R (and before R only when every
 *   honest agent decided); the judge agrees with a plain reference judge and win ⇔ terminated ∧
 *   consistent ∧ valid.
 * - `checkProtocol(protocol, scenario)`: the same run with the protocol as the honest side, against
 *   a random legal adversary and a silent one: its actions are always legal and deterministic
 *   under a seed, independent of the batch size; and each agent's action is independent of what it
 *   cannot see (view.ts): perturbing everything else of the episode leaves it unchanged.
 * - `checkAdversary(adversary, scenario)`: the same with random legal honest actions against it.
 *
 * Severity: a broken contract is a failure; a smell (an all-zero observation of an acting agent)
 * is a warning. `assertScenario` / `assertProtocol` / `assertAdversary` throw a ConformanceError
 * with every failure (the result in `cause`). Strategies are typed structurally, so this layer does
 * not import the protocols layer: any `HonestProtocol` / `Adversary` fits.
 */
import { ActionSpace } from './actionSpace.js';
import { AdversaryActions, HonestActions, usesSamples } from './actions.js';
import { GameBatch } from './GameBatch.js';
import { judgeBatch, Outcomes } from './judge.js';
import { Observer } from './observation.js';
import type { Scenario } from './scenario.js';
import { EPISODE_FIELDS, FIELD_NAMES, visitView, type EpisodeFieldName } from './view.js';

export interface ConformanceOptions {
  /** Episodes run per check (default 48). */
  episodes?: number;
  /** Episodes per batch — the "large batch" compared with batches of one (default 16). */
  batchSize?: number;
  /** Episodes also replayed alone, in batches of one (default 6). */
  soloEpisodes?: number;
  /** The run's seed (default 0). */
  seed?: number;
  /** History window of the observer under test (default 2, so the frame ring is exercised). */
  history?: number;
  /** Failures reported per check before the rest are summarised (default 5). */
  maxFailuresPerCheck?: number;
}

/** A passed check (maybe with warnings) or a failed one; failures and warnings are one line each. */
export type CheckResult = { ok: true; warnings: string[] } | { ok: false; failures: string[]; warnings: string[] };

/** What the suite needs of an honest protocol (`HonestProtocol` fits). */
export interface ConformanceProtocol {
  readonly name: string;
  readonly memorySlots: number;
  refuse(scenario: Scenario): string | undefined;
  act(game: GameBatch, out: HonestActions): void;
}

/** What the suite needs of an adversary (`Adversary` fits). */
export interface ConformanceAdversary {
  readonly name: string;
  refuse(scenario: Scenario): string | undefined;
  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void;
}

/**
 * The checks, by the name that starts each failure line (after the label). Runs against a protocol
 * or adversary append ` (vs random-legal adversary)` / ` (vs silent adversary)` to the name.
 */
export const CHECKS = [
  'observation shape', 'action heads', 'observation values', 'observation one-hot', 'observation history', 'legal actions',
  'ends by R', 'judge', 'determinism', 'batch independence', 'view independence', 'refused',
] as const;
export type CheckName = (typeof CHECKS)[number];

/** A contract broken; `cause` holds the CheckResult. */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

export function resolveConformanceOptions(options: ConformanceOptions = {}): Required<ConformanceOptions> {
  const resolved: Required<ConformanceOptions> = {
    episodes: options.episodes ?? 48,
    batchSize: options.batchSize ?? 16,
    soloEpisodes: options.soloEpisodes ?? 6,
    seed: options.seed ?? 0,
    history: options.history ?? 2,
    maxFailuresPerCheck: options.maxFailuresPerCheck ?? 5,
  };
  for (const key of ['episodes', 'batchSize', 'history', 'maxFailuresPerCheck'] as const)
    if (!(Number.isInteger(resolved[key]) && resolved[key] >= 1)) throw new RangeError(`conformance: ${key} must be a positive integer (got ${resolved[key]})`);
  if (!(Number.isInteger(resolved.soloEpisodes) && resolved.soloEpisodes >= 0)) throw new RangeError(`conformance: soloEpisodes must be a non-negative integer (got ${resolved.soloEpisodes})`);
  return resolved;
}

// ---------------------------------------------------------------- the public checks

/** Checks a scenario's observation, action space, rules, determinism and judging with random legal play. */
export function checkScenario(scenario: Scenario, options?: ConformanceOptions): CheckResult {
  const o = resolveConformanceOptions(options);
  const report = new Report(`checkScenario(${scenario.name})`, o.maxFailuresPerCheck);
  // The sample record holds the counts too, so sampling scenarios check the larger view.
  const observer = new Observer(scenario, { history: o.history, ...(usesSamples(scenario) && { sampleView: 'record' as const }) });
  checkObservationShape(observer, report);
  checkActionHeads(new ActionSpace(scenario), report);
  const sides: SideFactory = (size) => ({ honest: randomLegalHonest(scenario, size), adversary: randomLegalAdversary, memorySlots: 0 });
  checkRuns(scenario, sides, o, report, observer);
  return report.result();
}

/** Checks that a protocol's actions are legal and deterministic in a scenario, against random and silent adversaries. */
export function checkProtocol(protocol: ConformanceProtocol, scenario: Scenario, options?: ConformanceOptions): CheckResult {
  const o = resolveConformanceOptions(options);
  const report = new Report(`checkProtocol(${protocol.name}, ${scenario.name})`, o.maxFailuresPerCheck);
  const refusal = protocol.refuse(scenario);
  if (refusal) {
    report.fail('refused', refusal);
    return report.result();
  }
  const honest = (game: GameBatch, out: HonestActions) => protocol.act(game, out);
  checkRuns(scenario, () => ({ honest, adversary: randomLegalAdversary, memorySlots: protocol.memorySlots }), o, report, undefined, 'vs random-legal adversary');
  checkRuns(scenario, () => ({ honest, adversary: silentAdversary, memorySlots: protocol.memorySlots }), o, report, undefined, 'vs silent adversary');
  checkViewIndependence(protocol, scenario, o, report);
  return report.result();
}

/** Checks that an adversary's actions are legal and deterministic in a scenario, against random legal honest play. */
export function checkAdversary(adversary: ConformanceAdversary, scenario: Scenario, options?: ConformanceOptions): CheckResult {
  const o = resolveConformanceOptions(options);
  const report = new Report(`checkAdversary(${adversary.name}, ${scenario.name})`, o.maxFailuresPerCheck);
  const refusal = adversary.refuse(scenario);
  if (refusal) {
    report.fail('refused', refusal);
    return report.result();
  }
  const act = (game: GameBatch, honest: HonestActions, out: AdversaryActions) => adversary.act(game, honest, out);
  checkRuns(scenario, (size) => ({ honest: randomLegalHonest(scenario, size), adversary: act, memorySlots: 0 }), o, report);
  return report.result();
}

export function assertScenario(scenario: Scenario, options?: ConformanceOptions): void {
  throwIfFailed(`checkScenario(${scenario.name})`, checkScenario(scenario, options));
}
export function assertProtocol(protocol: ConformanceProtocol, scenario: Scenario, options?: ConformanceOptions): void {
  throwIfFailed(`checkProtocol(${protocol.name}, ${scenario.name})`, checkProtocol(protocol, scenario, options));
}
export function assertAdversary(adversary: ConformanceAdversary, scenario: Scenario, options?: ConformanceOptions): void {
  throwIfFailed(`checkAdversary(${adversary.name}, ${scenario.name})`, checkAdversary(adversary, scenario, options));
}

function throwIfFailed(label: string, result: CheckResult): void {
  if (result.ok) return;
  throw new ConformanceError(`${label}: ${result.failures.length} failure(s): ${result.failures.join('; ')}`, { cause: result });
}

// ---------------------------------------------------------------- reporting

class Report {
  private readonly failures: string[] = [];
  private readonly warnings = new Set<string>();
  private readonly perCheck = new Map<string, number>();
  constructor(private readonly label: string, private readonly maxPerCheck: number) {}

  fail(check: `${CheckName}${string}`, detail: string): void {
    const count = (this.perCheck.get(check) ?? 0) + 1;
    this.perCheck.set(check, count);
    if (count <= this.maxPerCheck) this.failures.push(`${check}: ${detail}`);
    else if (count === this.maxPerCheck + 1) this.failures.push(`${check}: more failures not shown`);
  }
  warn(check: string, detail: string): void {
    this.warnings.add(`${check}: ${detail}`);
  }
  result(): CheckResult {
    const warnings = [...this.warnings].map((w) => `${this.label}: ${w}`);
    if (this.failures.length === 0) return { ok: true, warnings };
    return { ok: false, failures: this.failures.map((f) => `${this.label}: ${f}`), warnings };
  }
}

// ---------------------------------------------------------------- static shape checks

function checkObservationShape(observer: Observer, report: Report): void {
  let expected = 0;
  const names = new Set<string>();
  for (const slice of observer.slices) {
    if (names.has(slice.name)) report.fail('observation shape', `slice ${slice.name} appears twice`);
    names.add(slice.name);
    if (slice.offset !== expected) report.fail('observation shape', `slice ${slice.name} starts at ${slice.offset}, expected ${expected} (slices must tile the frame)`);
    if (slice.length !== slice.groups * slice.width || slice.length <= 0)
      report.fail('observation shape', `slice ${slice.name} has length ${slice.length}, groups×width = ${slice.groups}×${slice.width}`);
    if (slice.groupLabels.length !== slice.groups || slice.labels.length !== slice.width)
      report.fail('observation shape', `slice ${slice.name} has ${slice.groupLabels.length} group labels and ${slice.labels.length} labels for ${slice.groups}×${slice.width}`);
    const V = observer.scenario.values, n = observer.scenario.n;
    if (slice.valueColumn !== undefined && slice.valueColumn + V > slice.width)
      report.fail('observation shape', `slice ${slice.name} says its values start at column ${slice.valueColumn}, but V=${V} values do not fit in width ${slice.width}`);
    if (slice.others === 'other' && slice.groups % (n - 1) !== 0) report.fail('observation shape', `slice ${slice.name} has ${slice.groups} groups, not a multiple of the n−1 = ${n - 1} others`);
    if (slice.others === 'pair' && slice.groups !== (n - 1) * (n - 1)) report.fail('observation shape', `slice ${slice.name} has ${slice.groups} groups, not (n−1)² = ${(n - 1) * (n - 1)} pairs`);
    expected = slice.offset + slice.length;
  }
  if (expected !== observer.frameSize) report.fail('observation shape', `slices cover ${expected} numbers, frameSize is ${observer.frameSize}`);
  if (observer.size !== observer.frameSize * observer.history)
    report.fail('observation shape', `size ${observer.size} ≠ frameSize ${observer.frameSize} × history ${observer.history}`);
}

function checkActionHeads(space: ActionSpace, report: Report): void {
  let expected = 0;
  for (const head of space.heads) {
    if (head.offset !== expected) report.fail('action heads', `head ${head.name} starts at ${head.offset}, expected ${expected}`);
    if (head.size < 1 || head.labels.length !== head.size) report.fail('action heads', `head ${head.name} has size ${head.size} and ${head.labels.length} labels`);
    expected += head.size;
  }
  if (expected !== space.maskWidth) report.fail('action heads', `heads cover ${expected} options, maskWidth is ${space.maskWidth}`);
  if (space.headCount !== space.heads.length) report.fail('action heads', `headCount ${space.headCount} ≠ ${space.heads.length} heads`);
}

// ---------------------------------------------------------------- the sides: random legal play

type HonestAct = (game: GameBatch, out: HonestActions) => void;
type AdversaryAct = (game: GameBatch, honest: HonestActions, out: AdversaryActions) => void;
interface Sides {
  honest: HonestAct;
  adversary: AdversaryAct;
  memorySlots: number;
}
/** Sides for a batch of `size` episodes (random honest play keeps per-batch buffers). */
type SideFactory = (size: number) => Sides;

/**
 * Honest play by a uniformly random legal choice per head (under `legalMask`, through `decode`),
 * drawn from each episode's honest stream — exactly what a learned policy's sampler does.
 */
function randomLegalHonest(scenario: Scenario, size: number): HonestAct {
  const space = new ActionSpace(scenario);
  const rows = size * scenario.n;
  const mask = new Uint8Array(rows * space.maskWidth);
  const choices = new Int32Array(rows * space.headCount);
  return (game, out) => {
    space.legalMask(game, mask);
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < game.n; i++) {
        const row = b * game.n + i;
        for (let h = 0; h < space.headCount; h++) {
          const head = space.heads[h]!;
          const at = row * space.maskWidth + head.offset;
          let legal = 0;
          for (let c = 0; c < head.size; c++) legal += mask[at + c]!;
          if (legal === 0) throw new RangeError(`legalMask: episode slot ${b}, agent ${i}, head ${head.name} has no legal option`);
          let pick = game.needsAction(b, i) ? game.honestRandomInt(b, legal) : 0;
          let c = 0;
          for (; c < head.size; c++) if (mask[at + c] && pick-- === 0) break;
          choices[row * space.headCount + h] = c;
        }
      }
    }
    space.decode(game, choices, out);
  };
}

/** Every adversary choice the scenario allows, uniformly at random from each episode's adversary stream. */
const randomLegalAdversary: AdversaryAct = (game, _honest, out) => {
  const { n, values: V, maxRounds: R } = game;
  const random = (b: number, bound: number) => game.adversaryRandomInt(b, bound);
  for (let b = 0; b < game.size; b++) {
    if (game.done[b]) continue;
    for (let i = 0; i < n; i++) {
      const a = b * n + i;
      if (!game.faulty[a]) continue;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const pair = a * n + j;
        if (out.message.length) out.message[pair] = random(b, 1 + V) - 1;
        if (out.sampleAnswer.length) out.sampleAnswer[pair] = random(b, 1 + V) - 1;
        if (out.crashDeliver.length) out.crashDeliver[pair] = random(b, 2);
        if (out.drop.length) out.drop[pair] = random(b, 2);
        if (!out.relay.length) continue;
        const chains = game.chains!;
        for (let path = 0, P = game.chainSlots; path < P; path++) {
          if (chains.contains(path, i) || random(b, 2) === 0) continue;
          out.relay[pair * P + path] = legalRelayClaim(game, b, path, random(b, 1 << 16));
        }
      }
      if (out.crash.length && game.crashedAt[a] === 0 && random(b, R) === 0) out.crash[a] = 1;
    }
    if (out.delay.length) for (let pair = b * n * n; pair < (b + 1) * n * n; pair++) out.delay[pair] = random(b, game.maxDelay + 1);
  }
};

/** A claim on chain `path`: any value, except that under pki a chain's honest signers must have signed it. */
function legalRelayClaim(game: GameBatch, b: number, path: number, draw: number): number {
  const V = game.values;
  const signed = game.legalChainValues(b, path);
  if (signed === (1 << V) - 1) return draw % V;
  const options: number[] = [];
  for (let v = 0; v < V; v++) if ((signed >> v) & 1) options.push(v);
  return options.length ? options[draw % options.length]! : -1;
}

const silentAdversary: AdversaryAct = () => {};

// ---------------------------------------------------------------- runs and the dynamic checks

/**
 * Plays `episodes` episodes from `firstEpisode` in batches of `size`, archiving every finished
 * episode into one batch (via copyEpisodeFrom). Returns the archive, or the error that stopped it.
 */
function playArchive(scenario: Scenario, factory: SideFactory, seed: number, firstEpisode: number, episodes: number, size: number, onRound?: (game: GameBatch) => void): { archive: GameBatch; error?: string } {
  const batch = Math.min(size, episodes);
  const sides = factory(batch);
  const archive = new GameBatch(scenario, { size: episodes, seed, memorySlots: sides.memorySlots });
  const game = new GameBatch(scenario, { size: batch, seed, memorySlots: sides.memorySlots });
  const honest = new HonestActions(batch, scenario.n, scenario);
  const adversary = new AdversaryActions(batch, scenario.n, scenario);
  for (let first = 0; first < episodes; first += batch) {
    game.reset(firstEpisode + first);
    try {
      while (!game.allDone) {
        onRound?.(game);
        honest.clear();
        sides.honest(game, honest);
        adversary.clear();
        sides.adversary(game, honest, adversary);
        game.step(honest, adversary);
      }
    } catch (error) {
      const e = error as Error;
      return { archive, error: `episodes ${firstEpisode + first}..${firstEpisode + first + batch - 1}, round ${game.round}: ${e.name}: ${e.message}` };
    }
    for (let b = 0; b < Math.min(batch, episodes - first); b++) archive.copyEpisodeFrom(game, b, first + b);
  }
  return { archive };
}

function checkRuns(scenario: Scenario, factory: SideFactory, o: Required<ConformanceOptions>, report: Report, observer?: Observer, against = ''): void {
  const suffix = against ? ` (${against})` : '';
  const observationCheck = observer ? observationChecker(observer, report) : undefined;
  const first = playArchive(scenario, factory, o.seed, 0, o.episodes, o.batchSize, observationCheck);
  if (first.error) {
    report.fail(`legal actions${suffix}`, first.error);
    return;
  }
  const archive = first.archive;
  checkEndings(archive, report, suffix);
  checkJudge(archive, report, suffix);

  const again = playArchive(scenario, factory, o.seed, 0, o.episodes, o.batchSize);
  if (again.error) report.fail(`determinism${suffix}`, `the second run with seed ${o.seed} failed where the first did not: ${again.error}`);
  else for (let e = 0; e < o.episodes; e++) compareEpisodes(archive, e, again.archive, e, true, (what) => report.fail(`determinism${suffix}`, `seed ${o.seed}, episode ${e}: ${what} differs between two runs`));

  const solos = Math.min(o.soloEpisodes, o.episodes);
  for (let t = 0; t < solos; t++) {
    const e = Math.floor((t * o.episodes) / solos);
    const solo = playArchive(scenario, factory, o.seed, e, 1, 1);
    if (solo.error) {
      report.fail(`batch independence${suffix}`, `episode ${e} alone failed where it passed in a batch of ${o.batchSize}: ${solo.error}`);
      continue;
    }
    compareEpisodes(archive, e, solo.archive, 0, false, (what) => report.fail(`batch independence${suffix}`, `seed ${o.seed}, episode ${e}: ${what} differs between batch size ${o.batchSize} and 1`));
  }
}

/** The engine's per-episode history and outcome arrays, by name. */
function historyArrays(game: GameBatch, withMemory: boolean): Array<[string, ArrayLike<number>]> {
  const arrays: Array<[string, ArrayLike<number>]> = [
    ['faulty', game.faulty], ['input', game.input], ['gst', game.gst], ['preference', game.preference], ['decision', game.decision],
    ['decisionVector', game.decisionVector], ['decisionRound', game.decisionRound], ['crashedAt', game.crashedAt],
    ['firstArrival', game.firstArrival], ['signed', game.signed], ['chainSigned', game.chainSigned], ['msgValue', game.msgValue], ['msgTag', game.msgTag],
    ['msgArrival', game.msgArrival], ['relayValue', game.relayValue], ['lastValue', game.lastValue], ['sampleWho', game.sampleWho],
    ['sampleAnswer', game.sampleAnswer], ['done', game.done], ['roundsPlayed', game.roundsPlayed], ['undecidedRounds', game.undecidedRounds],
    ['messageCount', game.messageCount],
  ];
  if (withMemory) arrays.push(['memory', game.memory]);
  return arrays;
}

/** Compares episode slot `ea` of `a` with slot `eb` of `b`, array by array; reports the first index that differs per array. */
function compareEpisodes(a: GameBatch, ea: number, b: GameBatch, eb: number, withMemory: boolean, differs: (what: string) => void): void {
  const left = historyArrays(a, withMemory);
  const right = historyArrays(b, withMemory);
  for (let t = 0; t < left.length; t++) {
    const [name, x] = left[t]!;
    const y = right[t]![1];
    const stride = x.length / a.size;
    for (let k = 0; k < stride; k++) {
      const u = x[ea * stride + k]!, v = y[eb * stride + k]!;
      if (u !== v) {
        differs(`${name}[${k}] (${u} vs ${v})`);
        break;
      }
    }
  }
  const oa = judged(a), ob = judged(b);
  for (const key of ['terminated', 'consistent', 'valid', 'majorityCorrect', 'win', 'honestReward', 'adversaryReward'] as const)
    if (oa[key][ea] !== ob[key][eb]) differs(`outcome ${key} (${oa[key][ea]} vs ${ob[key][eb]})`);
}

const judgedCache = new WeakMap<GameBatch, Outcomes>();
/** The outcomes of a finished archive, judged once. */
function judged(game: GameBatch): Outcomes {
  let out = judgedCache.get(game);
  if (!out) {
    out = new Outcomes(game.size);
    judgeBatch(game, out);
    judgedCache.set(game, out);
  }
  return out;
}

/** Every episode ended by R; one that ended before R did so because every honest agent had decided, in its last round. */
function checkEndings(game: GameBatch, report: Report, suffix: string): void {
  const { n, maxRounds: R } = game;
  for (let b = 0; b < game.size; b++) {
    const played = game.roundsPlayed[b]!;
    if (!game.done[b] || played < 1 || played > R) {
      report.fail(`ends by R${suffix}`, `episode ${game.episodeIndex[b]}: done=${game.done[b]}, roundsPlayed=${played}, R=${R}`);
      continue;
    }
    let lastDecision = 0, undecided = 0;
    for (let i = 0; i < n; i++) {
      const a = b * n + i;
      if (game.faulty[a]) continue;
      if (game.decisionRound[a] === 0) undecided++;
      else lastDecision = Math.max(lastDecision, game.decisionRound[a]!);
    }
    if (undecided === 0 && lastDecision !== played)
      report.fail(`ends by R${suffix}`, `episode ${game.episodeIndex[b]}: every honest agent decided by round ${lastDecision}, but the episode ran to round ${played}`);
    if (undecided > 0 && played !== R)
      report.fail(`ends by R${suffix}`, `episode ${game.episodeIndex[b]}: ended in round ${played} < R=${R} with ${undecided} honest agent(s) undecided`);
  }
}

/** The judge agrees with a plain re-derivation of GAME.md §8, and win ⇔ terminated ∧ consistent ∧ valid. */
function checkJudge(game: GameBatch, report: Report, suffix: string): void {
  const out = new Outcomes(game.size);
  judgeBatch(game, out);
  const check = `judge${suffix}` as const;
  for (let b = 0; b < game.size; b++) {
    const expected = referenceJudge(game, b);
    const episode = game.episodeIndex[b];
    const got = { terminated: out.terminated[b] === 1, consistent: out.consistent[b] === 1, valid: out.valid[b] === 1, majorityCorrect: out.majorityCorrect[b] === 1, win: out.win[b] === 1 };
    for (const key of ['terminated', 'consistent', 'valid', 'majorityCorrect', 'win'] as const)
      if (got[key] !== expected[key]) report.fail(check, `episode ${episode}: ${key}=${got[key]}, expected ${expected[key]}`);
    if (got.win !== (got.terminated && got.consistent && got.valid)) report.fail(check, `episode ${episode}: win=${got.win} but terminated=${got.terminated}, consistent=${got.consistent}, valid=${got.valid}`);
    if (!Number.isFinite(out.honestReward[b]!) || !Number.isFinite(out.adversaryReward[b]!))
      report.fail(check, `episode ${episode}: rewards ${out.honestReward[b]}, ${out.adversaryReward[b]} are not finite`);
  }
}

/** GAME.md §8 written as plainly as possible, to cross-check judge.ts. */
function referenceJudge(game: GameBatch, b: number): { terminated: boolean; consistent: boolean; valid: boolean; majorityCorrect: boolean; win: boolean } {
  const { n, scenario } = game;
  const honest = [...Array(n).keys()].filter((i) => !game.faulty[b * n + i]);
  const deciders = honest.filter((i) => game.decisionRound[b * n + i] !== 0);
  const input = (i: number) => game.input[b * n + i]!;
  const decided = (i: number): number[] =>
    game.hasVector ? [...game.decisionVector.subarray((b * n + i) * n, (b * n + i + 1) * n)] : [game.decision[b * n + i]!];
  const key = (i: number) => decided(i).join(',');
  const terminated = deciders.length === honest.length;
  const consistent = new Set(deciders.map(key)).size <= 1;
  let valid = true;
  if (scenario.problem === 'agreement') {
    // Under crash and omission faults the faulty agents propose honestly until they fail, so their
    // inputs count for validity too (judge.ts; the crash-fault literature's definition).
    const proposers = scenario.faults === 'byzantine' ? honest : [...Array(n).keys()];
    const inputs = new Set(proposers.map(input));
    if (inputs.size === 1) valid = deciders.every((i) => decided(i)[0] === input(proposers[0]!));
  } else if (scenario.problem === 'broadcast') {
    if (!game.faulty[b * n]) valid = deciders.every((i) => decided(i)[0] === input(0));
  } else {
    valid = deciders.every((i) => honest.every((j) => decided(i)[j] === input(j)));
  }
  const win = terminated && consistent && valid;
  let majorityCorrect = win;
  if (scenario.problem === 'agreement') {
    const tally = new Map<number, number>();
    for (const i of honest) tally.set(input(i), (tally.get(input(i)) ?? 0) + 1);
    const top = Math.max(...tally.values());
    majorityCorrect = terminated && consistent && deciders.every((i) => tally.get(decided(i)[0]!) === top);
  }
  return { terminated, consistent, valid, majorityCorrect, win };
}

/** Frame t of every acting agent's row equals the single frame recorded t rounds ago (first difference reported). */
function checkHistoryFrames(game: GameBatch, observer: Observer, rows: Float32Array, framesByRound: Map<number, Float32Array>, report: Report): void {
  const { frameSize, size } = observer;
  for (let t = 1; t < observer.history; t++) {
    const past = framesByRound.get(game.round - t);
    if (!past) continue;
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < game.n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * game.n + i;
        for (let x = 0; x < frameSize; x++)
          if (rows[a * size + t * frameSize + x] !== past[a * frameSize + x]) {
            report.fail('observation history', `episode ${game.episodeIndex[b]}, round ${game.round}, agent ${i}, frame t-${t}: number ${x} is ${rows[a * size + t * frameSize + x]}, the round-${game.round - t} frame had ${past[a * frameSize + x]}`);
            return;
          }
      }
  }
}

/** Per round: every row finite and in [0, 1], one-hot groups hot exactly once; an all-zero acting row is a smell. */
function observationChecker(observer: Observer, report: Report): (game: GameBatch) => void {
  let rows: Float32Array = new Float32Array(0);
  // The history window's definition: frame t is the single frame the agent saw t rounds ago.
  const single = observer.history > 1 ? new Observer(observer.scenario, { messageView: observer.messageView, sampleView: observer.sampleView }) : undefined;
  const framesByRound = new Map<number, Float32Array>();
  return (game) => {
    const needed = game.size * game.n * observer.size;
    if (rows.length !== needed) rows = new Float32Array(needed);
    rows.fill(Number.NaN); // a number the observer forgets to write shows up as NaN
    observer.observe(game, rows);
    if (single) {
      if (game.round === 1) framesByRound.clear();
      const frames = new Float32Array(game.size * game.n * single.size);
      single.observe(game, frames);
      framesByRound.set(game.round, frames);
      checkHistoryFrames(game, observer, rows, framesByRound, report);
    }
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < game.n; i++) {
        const row = (b * game.n + i) * observer.size;
        const where = `episode ${game.episodeIndex[b]}, round ${game.round}, agent ${i}`;
        let nonZero = 0;
        for (let x = 0; x < observer.size; x++) {
          const v = rows[row + x]!;
          if (!(v >= 0 && v <= 1)) {
            report.fail('observation values', `${where}: number ${x} is ${v}, expected a finite number in [0, 1]`);
            break;
          }
          if (v !== 0) nonZero++;
        }
        if (!game.needsAction(b, i)) continue;
        if (nonZero === 0) report.warn('observation', `an acting agent's observation is all zeros (${where})`);
        for (let t = 0; t < observer.history; t++) {
          const frameExists = game.round - t >= 1;
          for (const slice of observer.slices) {
            if (slice.encoding !== 'one-hot') continue;
            for (let g = 0; g < slice.groups; g++) {
              const at = row + t * observer.frameSize + slice.offset + g * slice.width;
              let sum = 0;
              for (let c = 0; c < slice.width; c++) sum += rows[at + c]!;
              const expected = frameExists ? 1 : 0;
              if (sum !== expected) report.fail('observation one-hot', `${where}, frame t-${t}, ${slice.name}[${slice.groupLabels[g]}]: sums to ${sum}, expected ${expected}`);
            }
          }
        }
      }
    }
  };
}

// ---------------------------------------------------------------- view independence

/** Draws for the perturbation: a fixed source, so that a run is reproducible. */
function mulberry(seed: number): (bound: number) => number {
  let t = seed >>> 0;
  return (bound) => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), t | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) % bound);
  };
}

/**
 * The values a cell of `name` could hold in some state of this episode (so a protocol's reads stay
 * in range): `draw(bound) + offset`, or `offset` alone where `bound` is 0. One range per field and
 * round, not a switch per cell.
 */
function plausibleRange(name: EpisodeFieldName, game: GameBatch): { bound: number; offset: number } {
  const { n, values: V, maxRounds: R, round } = game;
  switch (name) {
    case 'input': case 'preference': case 'decisionVector': case 'preferenceHistory': return { bound: V, offset: 0 };
    case 'decision': case 'msgValue': case 'relayValue': case 'lastValue': case 'sampleAnswer': return { bound: V + 1, offset: -1 };
    case 'decisionRound': case 'crashedAt': case 'firstArrival': case 'lastSentRound': case 'roundsPlayed': return { bound: round, offset: 0 };
    case 'msgArrival': return { bound: R + 2, offset: 0 };
    case 'msgTag': return { bound: 256, offset: 0 };
    case 'signed': case 'chainSigned': return { bound: 1 << V, offset: 0 };
    case 'sampleWho': return { bound: n + 1, offset: -1 };
    case 'faulty': return { bound: 2, offset: 0 };
    case 'gst': return { bound: R, offset: 1 };
    case 'memory': return { bound: 8, offset: 0 };
    case 'rng': return { bound: 2 ** 31, offset: 0 };
    case 'episodeIndex': case 'messageCount': case 'undecidedRounds': return { bound: 1000, offset: 0 };
    case 'done': return { bound: 0, offset: 0 };
  }
}

/** Every draw of honest randomness answers its first outcome, in both copies alike. */
const firstOutcome = {
  int: () => 0,
  pick: (_b: number, weights: ArrayLike<number>, from: number, count: number) => {
    for (let k = 0; k < count; k++) if (weights[from + k]! > 0) return k;
    return 0;
  },
};

/**
 * For every acting agent i of a batch of episodes, every round: the state copied twice, in the
 * second copy every cell agent i cannot see (view.ts) perturbed; the protocol run on both must
 * choose the same action for i. A protocol that reads another agent's input, `faulty`, or an
 * envelope between others fails here. Honest randomness answers the same in both copies.
 */
function checkViewIndependence(protocol: ConformanceProtocol, scenario: Scenario, o: Required<ConformanceOptions>, report: Report): void {
  const pair = new GameBatch(scenario, { size: 2, seed: o.seed, memorySlots: protocol.memorySlots });
  pair.chanceSource = firstOutcome;
  const out = new HonestActions(2, scenario.n, scenario);
  const rows = Object.values(out).filter((x): x is Int8Array | Uint8Array => ArrayBuffer.isView(x));
  const draw = mulberry(o.seed ^ 0x5eed);
  const arrays = Object.keys(EPISODE_FIELDS).map((name) => [name, (pair as unknown as Record<string, PerEpisode>)[name]!] as const);
  // Which cells of the second copy agent i can see, one flag per cell (a Set per field cost most of this check's time on the larger presets).
  const visible = new Map<string, Uint8Array>(arrays.map(([name, array]) => [name, new Uint8Array(array.length)]));
  const mark = { cell(field: number, index: number) { visible.get(FIELD_NAMES[field]!)![index] = 1; } };
  // Per perturbed field, made once: the second copy's cells, its visibility flags, and as many cells
  // of one Float64Array. The draws go into the Float64Array and are copied back whole: a store into
  // six kinds of typed array in one loop is megamorphic, and was most of this check's time.
  const scratch = new Float64Array(Math.max(...arrays.map(([, array]) => array.length / 2)));
  const perturbed = arrays
    .filter(([name]) => EPISODE_FIELDS[name as EpisodeFieldName] !== 'episode')
    .map(([name, array]) => {
      const stride = array.length / 2;
      return { name: name as EpisodeFieldName, second: array.subarray(stride), seen: visible.get(name)!.subarray(stride), cells: scratch.subarray(0, stride) };
    });
  let failed = false;
  const onRound = (game: GameBatch) => {
    if (failed) return;
    const n = game.n;
    for (let b = 0; b < game.size && !failed; b++)
      for (let i = 0; i < n && !failed; i++) {
        if (!game.needsAction(b, i)) continue;
        pair.copyEpisodeFrom(game, b, 0);
        pair.copyEpisodeFrom(game, b, 1);
        pair.round = game.round;
        for (const seen of visible.values()) seen.fill(0);
        visitView(pair, 1, i, mark, true);
        for (const { name, second, seen, cells } of perturbed) {
          const { bound, offset } = plausibleRange(name, pair);
          cells.set(second);
          for (let x = 0; x < cells.length; x++) if (seen[x] === 0) cells[x] = (bound === 0 ? 0 : draw(bound)) + offset;
          second.set(cells);
        }
        out.clear();
        try {
          protocol.act(pair, out);
        } catch (error) {
          report.fail('view independence', `episode ${game.episodeIndex[b]}, round ${game.round}, agent ${i}: with what it cannot see perturbed, act threw ${(error as Error).name}: ${(error as Error).message}`);
          failed = true;
          break;
        }
        for (const row of rows) {
          const width = row.length / (2 * n);
          for (let c = 0; c < width; c++)
            if (row[i * width + c] !== row[(n + i) * width + c]) {
              report.fail('view independence', `episode ${game.episodeIndex[b]}, round ${game.round}, agent ${i}: its action changed (${row[i * width + c]} → ${row[(n + i) * width + c]}) when only what it cannot see changed`);
              failed = true;
              break;
            }
          if (failed) break;
        }
      }
  };
  const honest = (game: GameBatch, actions: HonestActions) => protocol.act(game, actions);
  playArchive(scenario, () => ({ honest, adversary: randomLegalAdversary, memorySlots: protocol.memorySlots }), o.seed, 0, o.batchSize, o.batchSize, onRound);
  // A run that breaks a rule is the 'legal actions' check's to report.
}

type PerEpisode = Int8Array | Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
