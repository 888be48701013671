/**
 * `discover` (issue 15, item 2): one learner for every setting, with the verifier in the loop, until
 * the greedy honest protocol is proven safe or the budget ends; then what was found, read back.
 *
 * ---------------------------------------------------------------- the loop, top to bottom
 * up front:  the FLM / FLP bound where the setting has one (no protocol can be safe: say so)
 * train:     the discovery config (discoveryConfig.ts) in a run folder like train's: league
 *            self-play; every K epochs the verifier checks the greedy honest policy, its attacks
 *            join the honest side's opponents, and a proof of safety stops the run
 *            (stopWhenVerifiedSafe); every verification that beats the best so far saves that
 *            policy (discovery-best.json), so a run that ends on its budget stands for its best
 * after:     the best policy becomes the run's honest policy (checkpoint `best`: `cgym verify
 *            --run`, `extract --run` read it); its rules (extract.ts); rounds to decide and
 *            messages per decision against the setting's classic protocol (classicProtocols.ts);
 *            the command that reproduces the run; the result with one agent more (checkAtNPlusOne:
 *            the equivariant network reads any n, and safe at n is often unsafe at n+1). All of it in
 *            discovery.json.
 *
 * The run folder is train's (train/runFolder.ts): a new discovery never goes into a folder that
 * holds anything, one process at a time holds it, and `resume` continues it from its checkpoint,
 * which also holds what the checks carry from one to the next (DiscoverState): a resumed run checks
 * at the same epochs, with the same hints and best to beat, as the run never stopped. (A run stopped
 * by its budget at an epoch that is not a multiple of verifyEvery was checked there, as every run's
 * last epoch is; one extended from it has that check the uninterrupted run does not.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../game/loadScenario.js';
import { ScenarioError, type Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import type { Attack } from '../protocols/adversaries/attackPool.js';
import { play } from '../play/play.js';
import { NeuralProtocol } from '../policy/NeuralProtocol.js';
import { PolicyNetwork, type SavedPolicy } from '../policy/PolicyNetwork.js';
import { getAdversary, getProtocol } from '../protocols/registry.js';
import {
  acquireRunLock, paths, readCheckpoint, readJson, readMetrics, refuseRunFolderTarget, RunFolderError, writeCheckpoint, writeJson, type EpochMetrics,
} from '../train/runFolder.js';
import { train, type TrainHooks, type TrainOptions, type VerificationReport } from '../train/train.js';
import { extractDecisionTable, type RoundRule } from '../verify/extract.js';
import { RefusedError } from '../protocols/types.js';
import { DeclarationCheckError, StateLimitError, verify, type Property, type VerifyOptions, type VerifyResult } from '../verify/verify.js';
import { classicFor, impossibility } from './classicProtocols.js';
import { DISCOVERY_CONFIG, discoveryTrainConfig } from './discoveryConfig.js';

export interface DiscoverOptions {
  /** A preset name or a scenario file, and its `key=value` overrides (a resume reads them from the run). */
  scenario?: string;
  set?: readonly string[];
  seed?: number;
  /** The budget in epochs (default: the discovery config's). */
  epochs?: number;
  /** The run folder (default runs/discover__<scenario>__<seed>__<time>); must be missing or empty unless `resume`. */
  run?: string;
  /** Continue the discovery in `run` from its last checkpoint. */
  resume?: boolean;
  /** The verifier (default: `cgym verify`'s); tests stand in a stub to decide when the policy is safe. */
  verify?: TrainHooks['verify'];
  /** Check the result policy with one agent more (n+1) after the run (default true; `--no-check-larger` turns it off). */
  checkLarger?: boolean;
  /** The verifier of that check (default `realLargerVerifier`: cheap attacks, then the exact loss or a proof within budgets); tests stand in a stub. */
  verifyLarger?: LargerVerifier;
  /** Episodes of the rounds-and-messages comparison and of the rule extraction (default 2000). */
  episodes?: number;
  /** `performance.now()` value the wall clock counts from. */
  clockStart?: number;
  /** Each epoch's metrics, with the run's budget in epochs (a resume's: its recorded one, unless extended). */
  onEpoch?: (metrics: EpochMetrics, budget: number) => void;
  /** One line at a time (the CLI prints them on stderr): the bound up front, then each new best verification. */
  onLine?: (line: string) => void;
}

/** A protocol's rounds and messages, played against the same fixed adversary. */
export interface ProtocolCost {
  protocol: string;
  adversary: string;
  episodes: number;
  /** Mean rounds an episode runs (until every honest agent has decided, or the horizon). */
  rounds: number;
  /** Mean messages an episode sends (every agent's), per honest decision (n − f a run). */
  messagesPerDecision: number;
  winRate: number;
  /** Episodes where every honest agent committed the majority of the honest inputs (the Slush experiments' measure). */
  majorityCorrectRate: number;
  /** The verifier's worst-case loss (null: not verified, or beyond its budget). */
  verifiedWorstCaseLoss: number | null;
}

export interface ClassicCost {
  classic: string;
  source: string;
  /** Its rounds and messages here, or null where it refuses the scenario (`note` says why). */
  cost: ProtocolCost | null;
  /** Why the comparison is only a reference, or why the classic could not be played here. */
  note: string | null;
}

/**
 * The result policy checked with one agent more: an equivariant network reads any n, and a protocol
 * proven safe at n is often unsafe at n+1 (bb-pki-n3-f1 learned at n=4 loses 12.5% at n=5).
 */
export interface AtNPlusOne {
  n: number;
  /** `safe`: proven; `unsafe`: an attack wins; `undecided`: beyond the check's budget; `skipped`: not checked (`reason`). */
  verdict: 'safe' | 'unsafe' | 'undecided' | 'skipped';
  /** The worst-case loss at this n (exact, or a lower bound where `lowerBound`); null where undecided or skipped. */
  worstCaseLoss: number | null;
  /** `worstCaseLoss` is what the cheap attacks won (verify's falsification pass), not searched to the end. */
  lowerBound: boolean;
  seconds: number;
  /** Why it was skipped or undecided (one line). */
  reason?: string;
  /** Unsafe: the chance outcome of one winning attack and the properties it breaks. */
  attack?: { faulty: number[]; inputs: number[]; violated: Property[] };
}

/** What a verifier of the n+1 check answers (AtNPlusOne without the n and the seconds, which discover fills in). */
export type LargerVerdict = Omit<AtNPlusOne, 'n' | 'seconds'>;
/** The n+1 check's verifier: the scenario at n+1 and the result policy read at n+1. */
export type LargerVerifier = (scenario: Scenario, honest: HonestProtocol) => LargerVerdict;

export interface DiscoveryReport {
  scenario: string;
  set: string[];
  seed: number;
  run: string;
  /** Why no protocol can be safe here (the FLM or FLP bound), or null. */
  impossibility: string | null;
  /** `verified safe`: the verifier proved the greedy honest policy safe; `budget`: the epochs ran out first. */
  stoppedBecause: 'verified safe' | 'budget';
  epochs: number;
  budget: number;
  wallSeconds: number;
  /** The best verified worst-case loss of the run, and the epoch of the policy that had it (the run's result). */
  verifiedWorstCaseLoss: number | null;
  bestEpoch: number | null;
  /**
   * Which policy the rules and costs describe (and `cgym verify --run` reads): the best verified
   * one, or — where no check reached a policy in the second half of the run (the verifier's budget
   * left behind, as on slush-3v2) — the last one trained, not verified.
   */
  result: 'best verified' | 'last trained' | null;
  verifications: number;
  /** Checks that stopped at cheap attacks: already no better than the best verified policy, so not proven (verify's `falsify.enough`). */
  refutedCheaply: number;
  /** The result's rules, one per round (extract.ts). */
  rules: RoundRule[];
  learned: ProtocolCost | null;
  classic: ClassicCost | null;
  /** The result policy with one agent more (null: not checked, `--no-check-larger`). */
  atNPlusOne: AtNPlusOne | null;
  reproduce: string;
}

/** The best verified policy so far, in the run folder (written whole or not at all). */
interface BestVerified {
  epoch: number;
  worstCaseLoss: number;
  policy: SavedPolicy;
}

/**
 * What the checks carry from one to the next, kept in each checkpoint (train's `checkpointState`
 * hook): a resume continues from the state of the epoch its checkpoint is at, and so checks at the
 * same epochs, with the same hints and the same best to beat, as the uninterrupted run.
 */
interface DiscoverState {
  /** Checks beyond the verifier's budget so far (the first gives its reason), and in a row (the back-off doubles with each). */
  beyondBudget: number;
  beyondInARow: number;
  /** Checks still to skip before the next try. */
  skipChecks: number;
  /** Checks that stopped at cheap attacks (the report's `refutedCheaply`). */
  refutedCheaply: number;
  /** The last epoch whose policy a check reached (a loss or a cheap refutation; 0: none). */
  lastReached: number;
  /** The best verified policy so far: the loss a check must beat to be proven (`falsify.enough`). */
  best: BestVerified | null;
  /** The last verifications' attacks, oldest first, which the next checks try first (realVerifier's hints). */
  recentAttacks: Attack[][];
}

const freshState = (): DiscoverState => ({ beyondBudget: 0, beyondInARow: 0, skipChecks: 0, refutedCheaply: 0, lastReached: 0, best: null, recentAttacks: [] });

/** A checkpoint's `hookState` as discover's state, or a one-line refusal naming the key. */
function readState(stored: unknown, file: string): DiscoverState {
  const refuse = (what: string) => new RunFolderError(`discover: ${file}: hookState.${what}; restore the checkpoint, or start a new run`);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw refuse('is not an object');
  const record = stored as Record<string, unknown>;
  for (const key of ['beyondBudget', 'beyondInARow', 'skipChecks', 'refutedCheaply', 'lastReached'] as const) {
    const value = record[key];
    if (!(Number.isInteger(value) && (value as number) >= 0)) throw refuse(`${key} must be a non-negative integer (got ${JSON.stringify(value)})`);
  }
  const best = record['best'];
  if (best !== null && !(typeof best === 'object' && Number.isInteger((best as BestVerified).epoch) && typeof (best as BestVerified).worstCaseLoss === 'number' && typeof (best as BestVerified).policy === 'object'))
    throw refuse('best must be null or {epoch, worstCaseLoss, policy}');
  const recent = record['recentAttacks'];
  if (!(Array.isArray(recent) && recent.every((attacks) => Array.isArray(attacks)))) throw refuse('recentAttacks must be a list of lists of attacks');
  return stored as DiscoverState;
}

export const discoveryPaths = (run: string) => ({ best: join(run, 'discovery-best.json'), report: join(run, 'discovery.json'), request: join(run, 'discovery-request.json') });

const DEFAULT_EPISODES = 2000;
/** The classic protocol's verification budget (train's default for the learned one). */
const CLASSIC_MAX_STATES = 2_000_000;

/** The fixed adversary both protocols' rounds and messages are measured against: train's default for the fault kind. */
function measuringAdversary(scenario: Scenario): string {
  if (scenario.f === 0) return 'silent';
  return scenario.faults === 'byzantine' ? 'equivocate' : scenario.faults === 'crash' ? 'crash' : 'silent';
}

function runName(scenario: string, seed: number): string {
  const time = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return join('runs', `discover__${scenario}__${seed}__${time}`);
}

/** `npx cgym discover …`: the command that reruns this discovery. */
function reproduceCommand(request: DiscoveryRequest, budget: number): string {
  const sets = request.set.map((s) => ` --set ${s}`).join('');
  return `npx cgym discover --scenario ${request.scenario}${sets} --seed ${request.seed} --epochs ${budget}`;
}

/** Cheap attacks tried per chance outcome before its search (verify's `falsify`): the hints, the silent adversary, random strategies. */
const FALSIFY_EPISODES = 128;
/** Verifications whose attacks are tried first on the next ones: a policy that fixed an attack may fall to it again a few checks later. */
const HINT_VERIFICATIONS = 4;

/**
 * The real verifier as train's hook: the worst-case loss and, where unsafe, the attacks behind it.
 * Each chance outcome is first attacked cheaply (the last verifications' attacks on it, the silent
 * adversary, random strategies) and searched only where none wins: young policies lose most
 * outcomes to such attacks, and their searches were 99% of a run's time (EXPERIMENTS §12, ba-n4-f1).
 * The loss rate is exact either way.
 */
function realVerifier(state: () => DiscoverState): TrainHooks['verify'] & {} {
  return (scenario, honest, maxStates) => {
    // A policy the cheap attacks already show to be no better than the best so far cannot become the
    // run's result: those attacks are what training needs of it, and no proof is run (NaN: not verified).
    const { best, recentAttacks: recent } = state();
    const falsify = { episodes: FALSIFY_EPISODES, hints: recent.flat(), ...(best !== null && { enough: best.worstCaseLoss }) };
    let result: VerifyResult;
    try {
      result = verify({ scenario, honest, maxStates, falsify });
    } catch (error) {
      // A declaration (the network's symmetry) that its check refuted: the proof without it. Pooling is
      // exact under renaming (equivariantFeatures.ts), so this is a guard, not an expected path.
      if (!(error instanceof DeclarationCheckError)) throw error;
      result = verify({ scenario, honest, maxStates, falsify, symmetry: false });
    }
    const attacks = result.verdict === 'unsafe' ? result.attacks : [];
    recent.push(attacks);
    if (recent.length > HINT_VERIFICATIONS) recent.shift();
    return { worstCaseLoss: result.lowerBound ? Number.NaN : result.worstCaseLossRate, attacks, ...(result.lowerBound && { lowerBound: result.worstCaseLossRate }) };
  };
}

/**
 * The n+1 check's state budget: a tenth of each check's in the run, so that the check adds seconds,
 * not the minutes a proof one agent larger can take (ba-n4-f1's OM(1) at n=5: more than 10 min at
 * the run's 20,000,000). The verifier's projection refuses a search this budget cannot finish within
 * seconds, with its estimate (refuseProjectedStates).
 */
export const LARGER_MAX_STATES = DISCOVERY_CONFIG.verifyMaxStates / 10;

/**
 * Where cheap attacks already won at n+1, the exact loss is searched for within this many states
 * (else the lower bound stands): the verdict is known, so only small searches are worth their time
 * (bb-pki-n3-f1's learned protocol at n=5: ≥ 7.5% from the attacks, 12.5% exactly in ~25,000
 * states; ba-n4-f1's at n=5 needs ~1,500,000, ~80 s, and keeps its bound).
 */
export const LARGER_EXACT_MAX_STATES = 200_000;

/** A verification's answer as the n+1 check reports it. */
function largerVerdict(result: VerifyResult): LargerVerdict {
  if (result.verdict === 'safe') return { verdict: 'safe', worstCaseLoss: 0, lowerBound: false };
  const { setup, violated } = result.counterexample;
  return { verdict: 'unsafe', worstCaseLoss: result.worstCaseLossRate, lowerBound: result.lowerBound === true, attack: { faulty: [...setup.faulty], inputs: [...setup.inputs], violated: [...violated] } };
}

/**
 * The real n+1 check: first the verifier's cheap attacks on every chance outcome (verify's
 * falsification pass: the silent adversary, random strategies), which stop at a win; then the
 * exact loss by a search within `exactMaxStates`, or, beyond it, the attacks' loss as a lower bound.
 * Where no cheap attack wins, the proof within `maxStates`, exact.
 */
export const largerVerifier = (maxStates: number, exactMaxStates = LARGER_EXACT_MAX_STATES): LargerVerifier => (scenario, honest) => {
  const attempt = (falsify: NonNullable<VerifyOptions['falsify']>, states = maxStates): VerifyResult => {
    try {
      return verify({ scenario, honest, maxStates: states, falsify });
    } catch (error) {
      // As in realVerifier: a refuted symmetry declaration is a guard; the proof goes on without it.
      if (!(error instanceof DeclarationCheckError)) throw error;
      return verify({ scenario, honest, maxStates: states, falsify, symmetry: false });
    }
  };
  try {
    // `enough` this small: any outcome the cheap attacks win stops the verification before its searches.
    const cheap = attempt({ episodes: FALSIFY_EPISODES, enough: Number.MIN_VALUE });
    // No cheap attack won, and a search did (stopping there, a lower bound): searched again to the end, for the exact loss.
    if (cheap.lowerBound && !cheap.falsified) return largerVerdict(attempt({ episodes: FALSIFY_EPISODES }));
    if (!cheap.lowerBound) return largerVerdict(cheap);
    // Cheap attacks won: the exact loss where a small search finds it, else their lower bound.
    try {
      return largerVerdict(attempt({ episodes: FALSIFY_EPISODES }, Math.min(maxStates, exactMaxStates)));
    } catch (error) {
      if (error instanceof StateLimitError) return largerVerdict(cheap);
      throw error;
    }
  } catch (error) {
    // The budget, the count of chance outcomes, or the projection of the search (with its estimate) stopped it.
    if (error instanceof StateLimitError) return { verdict: 'undecided', worstCaseLoss: null, lowerBound: false, reason: error.message };
    if (error instanceof RefusedError) return { verdict: 'skipped', worstCaseLoss: null, lowerBound: false, reason: error.message };
    throw error;
  }
};

/** The n+1 check `discover` runs unless told otherwise. */
export const realLargerVerifier = largerVerifier(LARGER_MAX_STATES);

/** What the n+1 check needs of the run: how it was asked for, its n, the result policy, and whether the verifier reached it at n. */
interface LargerCheckInput {
  request: DiscoveryRequest;
  n: number;
  run: string;
  policy: SavedPolicy | undefined;
  /** False where the result is the last policy trained because the checks at n went beyond the verifier's budget (slush-3v2). */
  reachedAtN: boolean;
  verifyLarger: LargerVerifier;
}

/**
 * The result policy at n+1, with the run's overrides plus n=n+1: skipped (with the reason) where the
 * policy's network reads only its n, the verifier did not reach it at n, or the scenario or the
 * network refuses n+1.
 */
export function checkAtNPlusOne({ request, n, run, policy, reachedAtN, verifyLarger }: LargerCheckInput): AtNPlusOne {
  const started = performance.now();
  const larger = n + 1;
  const seconds = () => (performance.now() - started) / 1000;
  const skipped = (reason: string): AtNPlusOne => ({ n: larger, verdict: 'skipped', worstCaseLoss: null, lowerBound: false, seconds: seconds(), reason });
  if (!policy) return skipped('no policy was trained');
  if (!policy.spec.equivariant) return skipped(`the network reads only n=${n} (not equivariant)`);
  if (!reachedAtN) return skipped(`the verifier reached no check of the result at n=${n} (beyond its budget), and n=${larger} is larger`);
  let scenario: Scenario;
  try {
    scenario = loadScenario(request.scenario, [...request.set, `n=${larger}`]);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return skipped(`the scenario refuses n=${larger}: ${error.message}`);
  }
  const network = PolicyNetwork.fromJSON(policy);
  try {
    let honest: NeuralProtocol;
    try {
      honest = new NeuralProtocol(network, scenario, 'greedy', `run:${run}`);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return skipped(error.message);
    }
    const verdict = verifyLarger(scenario, honest);
    return { n: larger, ...verdict, seconds: seconds() };
  } finally {
    network.dispose();
  }
}

function networkOf(honest: HonestProtocol): PolicyNetwork {
  if (!(honest instanceof NeuralProtocol)) throw new TypeError('discover: the trainer verified a policy that is not a network');
  return honest.network;
}

function cost(scenario: Scenario, honest: HonestProtocol, adversary: Adversary, episodes: number, seed: number, worst: number | null): ProtocolCost {
  const result = play({ scenario, honest, adversary, episodes, seed });
  return {
    protocol: honest.name, adversary: adversary.name, episodes, rounds: result.meanRounds,
    messagesPerDecision: result.meanMessages / (scenario.n - scenario.f), winRate: result.winRate, majorityCorrectRate: result.majorityCorrectRate, verifiedWorstCaseLoss: worst,
  };
}

/** The classic protocol of the setting, played (and verified) where the registry has it. */
function classicCost(scenario: Scenario, adversary: Adversary, episodes: number, seed: number, maxStates: number): ClassicCost | null {
  const row = classicFor(scenario);
  if (!row) return null;
  const note = row.note ?? null;
  const protocol = getProtocol(row.protocol, scenario);
  const refused = protocol.refuse(scenario);
  if (refused) return { classic: row.classic, source: row.source, cost: null, note: `not played: ${refused}` };
  let worst: number | null = null;
  try {
    worst = verify({ scenario, honest: protocol, maxStates }).worstCaseLossRate;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // beyond the budget: reported as not verified
  }
  return { classic: row.classic, source: row.source, cost: cost(scenario, protocol, adversary, episodes, seed, worst), note };
}

/** How a discovery was asked for, kept in its run folder so that a resume reports the same reproduce command. */
interface DiscoveryRequest {
  scenario: string;
  set: string[];
  seed: number;
}

export async function discover(options: DiscoverOptions): Promise<DiscoveryReport> {
  const run = options.resume ? options.run : (options.run ?? runName(options.scenario ?? 'scenario', options.seed ?? 0));
  if (run === undefined) throw new RangeError('discover: resume needs the run folder to continue');
  if (!options.resume) {
    // Train refuses the same folders; checked here first so that the line names discover's own option.
    const refused = refuseRunFolderTarget(run);
    if (refused !== undefined) throw new RunFolderError(refused.replace(/^train: /, 'discover: ').replaceAll('--out', '--run'));
  }
  const { best: bestFile, report: reportFile, request: requestFile } = discoveryPaths(run);
  // A resume continues the recorded run: its scenario and seed are the run's, whatever the call says.
  const request: DiscoveryRequest = options.resume
    ? readJson<DiscoveryRequest>(requestFile, `discover: ${run} (not a discovery run folder)`)
    : { scenario: options.scenario ?? '', set: [...(options.set ?? [])], seed: options.seed ?? 0 };
  if (request.scenario === '') throw new RangeError('discover: needs a scenario (a preset name or a scenario file)');
  const { set, seed } = request;
  const scenario = options.resume ? loadScenario(readJson<{ scenario: Record<string, unknown> }>(paths(run).config, `discover: ${run}`).scenario) : loadScenario(request.scenario, set);
  const episodes = options.episodes ?? DEFAULT_EPISODES;
  const say = options.onLine ?? (() => undefined);
  const bound = impossibility(scenario);
  if (bound) say(bound);

  // ---------------------------------------------------------------- train, keeping the best verified policy
  let state = freshState();
  // The verifier runs after an epoch's update and before its metrics line: the epoch it checks is the one after the last line.
  let epoch = 0;
  const verifyPolicy = options.verify ?? realVerifier(() => state);
  const budget = options.epochs ?? (options.resume ? readJson<{ epochs: number }>(paths(run).config, `discover: ${run}`).epochs : DISCOVERY_CONFIG.epochs);
  const checkpointState: TrainHooks['checkpointState'] = {
    save: () => state,
    restore: (stored, from) => {
      epoch = from;
      if (stored !== undefined) state = readState(stored, paths(run).latest);
      else if (from > 0) {
        // A checkpoint written before discover kept its state there: the back-off and the counts
        // restart, the best is the one on file, and the last check that reached a policy is the last recorded loss.
        say(`${run}: its checkpoint predates discover's saved state; the back-off between checks and the cheap-refutation count restart from zero`);
        const onFile = existsSync(bestFile) ? readJson<BestVerified>(bestFile, `discover: ${run}`) : null;
        state = { ...freshState(), best: onFile, lastReached: readMetrics(run).filter((m) => m.epoch <= from && m.verifiedWorstCaseLoss !== null).at(-1)?.epoch ?? 0 };
      }
    },
  };
  const hooks: TrainHooks = {
    ...(options.clockStart !== undefined && { clockStart: options.clockStart }),
    checkpointState,
    onEpoch: (metrics) => {
      if (metrics.epoch === 1) writeJson(requestFile, request);
      epoch = metrics.epoch;
      options.onEpoch?.(metrics, budget);
    },
    verify: (s, honest, maxStates) => {
      const notVerified: VerificationReport = { worstCaseLoss: Number.NaN, attacks: [] };
      if (state.skipChecks > 0) {
        state.skipChecks--;
        return notVerified;
      }
      let report: VerificationReport;
      try {
        report = verifyPolicy(s, honest, maxStates);
      } catch (error) {
        if (!(error instanceof StateLimitError)) throw error;
        // A young policy's ties can give the adversary more choices than the budget; a later,
        // surer one may fit. The run goes on: this check proves nothing and adds no attacks
        // (NaN: metrics.jsonl records it as null, not verified). Each check beyond the budget
        // in a row doubles the wait before the next (5, 10, 20, … epochs, at most 160): a
        // setting the verifier never reaches (slush-3v2's sampling coins, ~1e29–1e63 states)
        // would otherwise spend most of its run on refusals, one reachable soon after a young
        // policy's ties loses a few epochs. The reason once, then a short line.
        state.beyondBudget++;
        state.beyondInARow++;
        state.skipChecks = 2 ** Math.min(state.beyondInARow, 5) - 1;
        const next = `the next check in ${(state.skipChecks + 1) * DISCOVERY_CONFIG.verifyEvery} epochs`;
        say(state.beyondBudget === 1 ? `epoch ${epoch + 1}: beyond the verifier's budget (${error.message}); ${next}` : `epoch ${epoch + 1}: beyond the verifier's budget again (${state.beyondBudget} checks so far); ${next}`);
        return notVerified;
      }
      state.beyondInARow = 0;
      state.lastReached = epoch + 1;
      if (report.lowerBound !== undefined) state.refutedCheaply++;
      if (!Number.isNaN(report.worstCaseLoss) && (state.best === null || report.worstCaseLoss < state.best.worstCaseLoss)) {
        const best: BestVerified = { epoch: epoch + 1, worstCaseLoss: report.worstCaseLoss, policy: networkOf(honest).toJSON({ optimizer: false }) };
        state.best = best;
        // Also on its own, at once: the run's best so far, readable while it runs (a resume reads the checkpoint's).
        writeJson(bestFile, best);
        say(`epoch ${best.epoch}: verified worst-case loss ${(100 * best.worstCaseLoss).toFixed(2)}%${best.worstCaseLoss === 0 ? ' (safe)' : ''}`);
      }
      return report;
    },
  };
  const summary = options.resume
    // A resume reads the run's recorded config (scenario included); only the budget may change.
    ? await train({ out: run, resume: true, ...(options.epochs !== undefined && { epochs: options.epochs }), ...hooks } as TrainOptions)
    : await train({ ...discoveryTrainConfig(scenario, { scenario: request.scenario, set, seed, out: run, ...(options.epochs !== undefined && { epochs: options.epochs }) }), ...hooks });

  // ---------------------------------------------------------------- the result: the best verified policy stands for the run
  const { best, lastReached, refutedCheaply } = state;
  // ... if the verifier kept up with the learner: where no check reached a policy in the second
  // half of the run (slush-3v2: only the first epochs' policies, which commit at once, fit the
  // budget), the best verified is a beginner, and the last policy trained stands, as not verified.
  const verifierKeptUp = best !== null && (best.worstCaseLoss === 0 || lastReached > summary.epochs / 2);
  const found = verifierKeptUp ? best : undefined;
  // (train drops this from the checkpoints of a resumed run: a run extended past its end takes it up anew here.)
  if (found) {
    const lock = acquireRunLock(run);
    try {
      const checkpoint = readCheckpoint(run);
      // `rate` is the verified worst-case win rate (1 − loss): what the verifier, not an evaluation, ranked it by.
      if (checkpoint) writeCheckpoint(run, { ...checkpoint, best: { side: 'honest', epoch: found.epoch, rate: 1 - found.worstCaseLoss, policy: found.policy } });
    } finally {
      lock.release();
    }
  }
  const adversary = getAdversary(measuringAdversary(scenario), scenario);
  let learned: ProtocolCost | null = null;
  let rules: RoundRule[] = [];
  // Where no verification judged any policy, the last one trained is what the run found: unverified, and reported so.
  const resultPolicy = found?.policy ?? readCheckpoint(run)?.honest;
  if (resultPolicy) {
    const network = PolicyNetwork.fromJSON(resultPolicy);
    try {
      const result = new NeuralProtocol(network, scenario, 'greedy', `run:${run}`);
      rules = extractDecisionTable({ scenario, honest: result, adversary, episodes, seed }).rules;
      learned = cost(scenario, result, adversary, episodes, seed, found?.worstCaseLoss ?? null);
    } finally {
      network.dispose();
    }
  }
  const verifiedLines = readMetrics(run).filter((m) => m.verifiedWorstCaseLoss !== null).length;
  const report: DiscoveryReport = {
    scenario: scenario.name,
    set,
    seed,
    run,
    impossibility: bound ?? null,
    stoppedBecause: best?.worstCaseLoss === 0 ? 'verified safe' : 'budget',
    epochs: summary.epochs,
    budget,
    wallSeconds: summary.wallSeconds,
    verifiedWorstCaseLoss: best?.worstCaseLoss ?? null,
    bestEpoch: best?.epoch ?? null,
    result: found ? 'best verified' : resultPolicy ? 'last trained' : null,
    verifications: verifiedLines,
    refutedCheaply,
    rules,
    learned,
    classic: classicCost(scenario, adversary, episodes, seed, CLASSIC_MAX_STATES),
    atNPlusOne: options.checkLarger === false ? null : checkAtNPlusOne({
      request, n: scenario.n, run, policy: resultPolicy,
      // The last policy trained stands because the checks went beyond the verifier's budget: larger, it is further beyond.
      reachedAtN: found !== undefined || state.beyondBudget === 0,
      verifyLarger: options.verifyLarger ?? realLargerVerifier,
    }),
    reproduce: reproduceCommand(request, budget),
  };
  writeJson(reportFile, report);
  return report;
}
