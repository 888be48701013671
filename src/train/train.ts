/**
 * The training loop and its run folder: resolves the options once, builds both sides (learned or
 * frozen), then per epoch: rollout → returns → update of each side that trains this epoch →
 * metrics line → checkpoint. The algorithms themselves live in reinforce.ts and ppo.ts.
 *
 * Schedules: `honest` (honest learns vs a frozen adversary), `adversary` (adversary learns vs a
 * frozen honest side: the paper's Byzantine breaking), `simultaneous` (both every epoch),
 * `alternating` (honest for `alternateEvery` epochs, then the adversary, and so on), `league` (both
 * every epoch, each against an opponent drawn from the other side's past snapshots or its current
 * network: league.ts).
 *
 * Determinism: epoch e plays episodes (e−1)·batch … e·batch−1 of the run's seed (league: two
 * rollouts per epoch, the honest learner's on episodes (e−1)·2·batch …, then the adversary's on the
 * next batch; the metric rates are the honest learner's rollout, `adversaryReward` the adversary
 * learner's); the learners draw
 * from those episodes' own streams; weights start from the seed. Same options → same metric lines
 * (up to the timing keys), and a resume continues exactly where the checkpoint left off.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { refuseAdversarySpace } from '../game/adversarySpace.js';
import { GameBatch } from '../game/GameBatch.js';
import { judgeBatch, Outcomes } from '../game/judge.js';
import { loadScenario } from '../game/loadScenario.js';
import { MESSAGE_VIEWS, refuseMessageView, refuseSampleView, SAMPLE_VIEWS, type MessageView, type SampleView } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';
import { play, resolveSides, type PlayResult } from '../play/play.js';
import { NeuralAdversary } from '../policy/NeuralAdversary.js';
import { NeuralProtocol } from '../policy/NeuralProtocol.js';
import { adversaryNetwork, DEFAULT_CENTER_INPUTS, DEFAULT_COMMIT_BIAS, DEFAULT_HIDDEN, DEFAULT_HONEST_HIDDEN, honestNetwork, type HonestNetworkOptions } from '../policy/networkFor.js';
import { PolicyNetwork, type PolicyNetworkSpec } from '../policy/PolicyNetwork.js';
import { refuseSymmetricOthers } from '../policy/othersOrder.js';
import { VALUE_FRAMES, type ValueFrame } from '../policy/valueFrame.js';
import { ready, tf } from '../policy/tf.js';
import { AttackPool, type Attack, type AttackPoolOptions } from '../protocols/adversaries/attackPool.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { appendLeagueDraw, drawOpponent, LeaguePool, poolEpochs, resolveLeagueOptions, snapshotDue, truncateLeagueDraws, type LeagueOptions } from './league.js';
import { ALGOS, SCHEDULES, type Algo, type Schedule } from './names.js';
import { PPO_DEFAULTS, ppoUpdate, type PpoOptions } from './ppo.js';
import { REINFORCE_DEFAULTS, reinforceUpdate, type ReinforceOptions } from './reinforce.js';
import { rollout, SideStorage } from './rollout.js';
import {
  appendAttacks, appendMetrics, createRunFolder, resumeAttacks, paths, readCheckpoint, readJson, readMetrics, truncateMetrics, writeCheckpoint, writeJson,
  type Checkpoint, type EpochMetrics,
} from './runFolder.js';
import { frozenAdversary, frozenHonest, loadRunPolicy } from './runPolicy.js';
import type { UpdateStats } from './storageTensors.js';

export { ALGOS, SCHEDULES, type Algo, type Schedule };

/** Training options; the honest network's own options (HonestNetworkOptions) apply to a fresh honest network. */
export interface TrainOptions extends HonestNetworkOptions {
  /** A preset name, a scenario file, or a resolved scenario object. */
  scenario: string | Scenario;
  /** `key=value` overrides of the scenario. */
  set?: readonly string[];
  /** Learning algorithm. */
  algo?: Algo;
  /** Which side learns when. */
  schedule?: Schedule;
  /** Frozen honest side (schedule adversary): a protocol name or a run folder (its learned honest policy). */
  honest?: string;
  /** Frozen adversary (schedule honest): an adversary name or a run folder (its learned adversary). */
  adversary?: string;
  /** Epochs to train (a resume trains up to this many in total). */
  epochs?: number;
  /** Episodes per epoch. */
  batch?: number;
  /** The run's seed: episodes, weight initialisation, minibatch shuffles. */
  seed?: number;
  /** Run folder (default runs/<scenario>__<algo>__<seed>__<time>). */
  out?: string;
  /** Stop as soon as the greedy evaluation's honest win rate reaches this (evaluates every epoch). */
  stopAt?: number;
  /** Win rate whose first epoch and seconds the summary reports (default stopAt, else 0.99). */
  threshold?: number;
  /** Hidden layer sizes of both networks (default: honest linear, adversary [16, 8]; policy/networkFor.ts). */
  hidden?: readonly number[];
  /** Initial logit of the honest commit options (policy/networkFor.ts; 0 = uniform start). */
  commitBias?: number;
  /**
   * Start the honest network from this run folder's learned honest policy (a curriculum step): its
   * weights, shape and network options come with it (hidden, valueFrame, history, …); Adam starts
   * afresh. The network must fit the scenario.
   */
  init?: string;
  /**
   * Centre the honest network's observations on a running mean of the recorded ones
   * (PolicyNetworkSpec.centerInputs; default true). Not the adversary's: on byzantine-breaking
   * (seed 3, 30 epochs) it kept the adversary from finding equivocation.
   */
  centerInputs?: boolean;
  /** Epochs per turn under the alternating schedule. */
  alternateEvery?: number;
  /** Pool size, snapshot interval and share of the latest opponent under the league schedule (league.ts). */
  league?: LeagueOptions;
  /** Greedy evaluation every this many epochs (and at the last). */
  evalEvery?: number;
  /** Episodes per greedy evaluation. */
  evalEpisodes?: number;
  /** Episodes of the final greedy evaluation (≥ 10,000 for the summary's rates). */
  finalEpisodes?: number;
  /** REINFORCE hyper-parameters (algo reinforce). */
  reinforce?: ReinforceOptions;
  /** PPO hyper-parameters (algo ppo). */
  ppo?: PpoOptions;
  /** Continue the run in `out` from its last checkpoint. */
  resume?: boolean;
  /** `performance.now()` value the wall clock counts from (the CLI passes 0: process start). */
  clockStart?: number;
  /** Called after each epoch's metrics line is written. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /**
   * Every `every` epochs (and at the last), `check` the learned honest policy, played greedily, and
   * record its worst-case loss as `verifiedWorstCaseLoss` in metrics.jsonl. The CLI passes the
   * verifier here (`--verify-every`); training itself knows nothing of it (layers: train ↛ verify).
   */
  verification?: { every: number; check: (honest: HonestProtocol) => VerificationReport };
  /**
   * Counterexample-guided training: the attacks each verification returns join a pool the honest
   * side also trains against (protocols/adversaries/attackPool.ts; needs `verification`, schedule
   * honest or league). `share`: probability that an episode whose chance outcome an attack covers
   * plays one (default 0.5); `perOutcome`: attacks kept per chance outcome (default 8).
   */
  counterexamples?: Partial<AttackPoolOptions>;
}

/** What a verification of the greedy honest policy reports back to the trainer. */
export interface VerificationReport {
  /** Worst-case loss rate over every adversary. */
  worstCaseLoss: number;
  /** A winning script per chance outcome the adversary wins (empty when safe). */
  attacks: Attack[];
}

/** The options as resolved once and recorded in config.json. */
export interface ResolvedTrainOptions {
  scenario: Scenario;
  algo: Algo;
  schedule: Schedule;
  honest: string;
  adversary: string;
  epochs: number;
  batch: number;
  seed: number;
  out: string;
  stopAt: number | null;
  threshold: number;
  /** Epochs between verifications of the greedy honest policy (0 = none). */
  verifyEvery: number;
  /** Counterexample-guided training (null = off). */
  counterexamples: AttackPoolOptions | null;
  /** The adversary's hidden layers. */
  hidden: number[];
  /** The honest network's hidden layers. */
  honestHidden: number[];
  commitBias: number;
  /** The run whose honest weights the honest network started from (null: fresh weights). */
  init: string | null;
  valueFrame: ValueFrame;
  messageBias: number;
  history: number;
  commitAtHorizon: boolean;
  symmetricOthers: boolean;
  messageView: MessageView;
  sampleView: SampleView;
  centerInputs: boolean;
  alternateEvery: number;
  /** League options (schedule league; null otherwise). */
  league: Required<LeagueOptions> | null;
  evalEvery: number;
  evalEpisodes: number;
  finalEpisodes: number;
  reinforce: Required<ReinforceOptions>;
  ppo: Required<PpoOptions>;
}

export interface TrainSummary {
  run: string;
  scenario: string;
  algo: Algo;
  schedule: Schedule;
  seed: number;
  honest: string;
  adversary: string;
  /** Greedy honest win rate over `finalEpisodes` fresh episodes. */
  finalWinRate: number;
  consistencyViolationRate: number;
  validityViolationRate: number;
  terminationViolationRate: number;
  majorityCorrectRate: number;
  finalEpisodes: number;
  epochs: number;
  threshold: number;
  epochsToThreshold: number | null;
  secondsToThreshold: number | null;
  /** The last verification's worst-case loss of the greedy honest policy (null: not verified). */
  verifiedWorstCaseLoss: number | null;
  wallSeconds: number;
  meanEpisodesPerSecond: number;
  meanAgentDecisionsPerSecond: number;
  backend: string;
}

/** A loss or entropy became NaN: the run stops, the last good checkpoint stays. */
export class TrainingDivergedError extends RangeError {
  override name = 'TrainingDivergedError';
}

const LEARNED = 'learned';
/** Seed offsets of the evaluation episodes, apart from the training episodes. */
const EVAL_SEED_OFFSET = 0x5bd1e995;
const FINAL_SEED_OFFSET = 0x27d4eb2f;

function defaultAdversary(scenario: Scenario): string {
  if (scenario.f === 0) return 'silent';
  return scenario.faults === 'byzantine' ? 'equivocate' : scenario.faults === 'crash' ? 'crash' : 'silent';
}

function runName(scenario: string, algo: string, seed: number): string {
  const time = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return `${scenario}__${algo}__${seed}__${time}`;
}

function checkRate(name: string, x: number | undefined): void {
  if (x !== undefined && !(x >= 0 && x <= 1)) throw new RangeError(`train: ${name} must be in 0..1 (got ${x})`);
}

/** Resolves user options once into the complete record stored in config.json. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  const scenario = typeof options.scenario === 'string' || options.set?.length ? loadScenario(options.scenario as string | Record<string, unknown>, options.set ?? []) : options.scenario;
  const algo = options.algo ?? 'reinforce';
  const schedule = options.schedule ?? 'honest';
  if (!ALGOS.includes(algo)) throw new RangeError(`train: unknown algo "${algo}" (known: ${ALGOS.join(', ')})`);
  if (!SCHEDULES.includes(schedule)) throw new RangeError(`train: unknown schedule "${schedule}" (known: ${SCHEDULES.join(', ')})`);
  const learnsAdversary = schedule !== 'honest';
  if (learnsAdversary) {
    if (scenario.f === 0 && (schedule === 'adversary' || schedule === 'league')) throw new RangeError(`train: schedule ${schedule} needs f ≥ 1 (scenario ${scenario.name} has f=0)`);
    const why = scenario.f > 0 ? refuseAdversarySpace(scenario) : undefined;
    if (why) throw new RangeError(`train: ${why}`);
  }
  checkRate('stopAt', options.stopAt);
  const every = options.verification?.every;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) throw new RangeError(`train: verification every must be a positive integer (got ${every})`);
  checkRate('threshold', options.threshold);
  const valueFrame = options.valueFrame ?? 'absolute';
  if (!VALUE_FRAMES.includes(valueFrame)) throw new RangeError(`train: valueFrame must be one of ${VALUE_FRAMES.join(', ')} (got ${String(valueFrame)})`);
  const messageBias = options.messageBias ?? 0;
  if (!Number.isFinite(messageBias)) throw new RangeError(`train: messageBias must be a finite number (got ${messageBias})`);
  if (messageBias !== 0 && valueFrame === 'absolute') throw new RangeError(`train: messageBias=${messageBias} needs valueFrame=own-input or symmetric (only there is "send my input" one option)`);
  if (messageBias !== 0 && scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
    throw new RangeError(`train: messageBias=${messageBias} needs a message head (free or relay actions; scenario ${scenario.name} has ${scenario.honestActions})`);
  const history = options.history ?? 1;
  if (!(Number.isInteger(history) && history >= 1 && history <= scenario.maxRounds))
    throw new RangeError(`train: history must be an integer in 1..maxRounds=${scenario.maxRounds} (got ${history})`);
  if (options.symmetricOthers) {
    const why = refuseSymmetricOthers(scenario);
    if (why) throw new RangeError(`train: ${why}`);
  }
  const messageView = options.messageView ?? 'per-sender';
  if (!MESSAGE_VIEWS.includes(messageView)) throw new RangeError(`train: messageView must be one of ${MESSAGE_VIEWS.join(', ')} (got ${String(messageView)})`);
  const viewRefused = refuseMessageView(scenario, messageView);
  if (viewRefused) throw new RangeError(`train: ${viewRefused}`);
  const sampleView = options.sampleView ?? 'counts';
  if (!SAMPLE_VIEWS.includes(sampleView)) throw new RangeError(`train: sampleView must be one of ${SAMPLE_VIEWS.join(', ')} (got ${String(sampleView)})`);
  const sampleViewRefused = refuseSampleView(scenario, sampleView);
  if (sampleViewRefused) throw new RangeError(`train: ${sampleViewRefused}`);
  // With init, the honest network and its options come from that run; config.json records them.
  let initSpec: PolicyNetworkSpec | undefined;
  if (options.init !== undefined) {
    if (schedule === 'adversary') throw new RangeError(`train: init ${options.init} starts the honest network, but schedule adversary trains no honest network`);
    const given = (['valueFrame', 'messageBias', 'history', 'commitAtHorizon', 'symmetricOthers', 'messageView', 'sampleView', 'commitBias'] as const).filter((k) => options[k] !== undefined);
    if (given.length > 0) throw new RangeError(`train: init ${options.init} brings its network and options; drop ${given.join(', ')}`);
    const { network } = loadRunPolicy(options.init, 'honest');
    try {
      new NeuralProtocol(network, scenario, 'greedy', `run:${options.init}`);
      initSpec = network.spec;
    } finally {
      network.dispose();
    }
  }
  let counterexamples: AttackPoolOptions | null = null;
  if (options.counterexamples) {
    if (!options.verification) throw new RangeError('train: counterexamples need a verification (--verify-every K): the attacks come from the verifier');
    if (schedule !== 'honest' && schedule !== 'league')
      throw new RangeError(`train: counterexamples need schedule honest or league (got ${schedule}): there the honest side's rollout is its own, so replayed attacks never enter the adversary's training data`);
    counterexamples = { share: options.counterexamples.share ?? 0.5, perOutcome: options.counterexamples.perOutcome ?? 8 };
    checkRate('counterexamples.share', counterexamples.share);
    if (!(Number.isInteger(counterexamples.perOutcome) && counterexamples.perOutcome >= 1))
      throw new RangeError(`train: counterexamples.perOutcome must be a positive integer (got ${counterexamples.perOutcome})`);
  }
  const seed = options.seed ?? 0;
  const epochs = options.epochs ?? 100;
  const batch = options.batch ?? 256;
  for (const [k, v] of [['epochs', epochs], ['batch', batch]] as const)
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`train: ${k} must be a positive integer (got ${v})`);
  const hidden = [...(options.hidden ?? DEFAULT_HIDDEN)];
  const honestHidden = [...(options.hidden ?? DEFAULT_HONEST_HIDDEN)];
  const reinforce = { ...REINFORCE_DEFAULTS, ...options.reinforce };
  const ppo = { ...PPO_DEFAULTS, ...options.ppo };
  for (const [key, value] of [['reinforce.learningRate', reinforce.learningRate], ['ppo.learningRate', ppo.learningRate]] as const)
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`train: ${key} must be a positive number (got ${value})`);
  for (const [key, value] of [['reinforce.entropyCoef', reinforce.entropyCoef], ['ppo.entropyCoef', ppo.entropyCoef]] as const)
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`train: ${key} must be a number ≥ 0 (got ${value})`);
  if (!(Number.isInteger(reinforce.groupSize) && reinforce.groupSize >= 1 && batch % reinforce.groupSize === 0))
    throw new RangeError(`train: reinforce.groupSize must be a positive integer dividing batch=${batch} (got ${reinforce.groupSize})`);
  if (options.league !== undefined && schedule !== 'league') throw new RangeError(`train: league options need schedule league (got schedule ${schedule})`);
  const league = schedule === 'league' ? resolveLeagueOptions(options.league) : null;
  return {
    scenario,
    algo,
    schedule,
    honest: schedule === 'adversary' ? (options.honest ?? 'majority') : LEARNED,
    adversary: learnsAdversary && scenario.f > 0 ? LEARNED : (options.adversary ?? defaultAdversary(scenario)),
    epochs,
    batch,
    seed,
    out: options.out ?? join('runs', runName(scenario.name, algo, seed)),
    stopAt: options.stopAt ?? null,
    threshold: options.threshold ?? options.stopAt ?? 0.99,
    verifyEvery: options.verification?.every ?? 0,
    counterexamples,
    hidden,
    honestHidden: initSpec ? [...initSpec.hidden] : honestHidden,
    commitBias: options.commitBias ?? DEFAULT_COMMIT_BIAS,
    init: options.init ?? null,
    valueFrame: initSpec ? (initSpec.valueFrame ?? 'absolute') : valueFrame,
    messageBias,
    history: initSpec ? (initSpec.history ?? 1) : history,
    commitAtHorizon: initSpec ? initSpec.commitAtHorizon === true : (options.commitAtHorizon ?? false),
    symmetricOthers: initSpec ? initSpec.symmetricOthers === true : (options.symmetricOthers ?? false),
    messageView: initSpec ? (initSpec.messageView ?? 'per-sender') : messageView,
    sampleView: initSpec ? (initSpec.sampleView ?? 'counts') : sampleView,
    centerInputs: options.centerInputs ?? DEFAULT_CENTER_INPUTS,
    alternateEvery: options.alternateEvery ?? 10,
    league,
    evalEvery: options.stopAt !== undefined ? 1 : (options.evalEvery ?? 5),
    evalEpisodes: options.evalEpisodes ?? 2000,
    finalEpisodes: options.finalEpisodes ?? 10_000,
    reinforce,
    ppo,
  };
}

function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node, tfjs: tf.version.tfjs };
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    versions['consensus-gym'] = pkg.version ?? 'unknown';
  } catch {
    // dist/ layout: one level deeper
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
      versions['consensus-gym'] = pkg.version ?? 'unknown';
    } catch {
      versions['consensus-gym'] = 'unknown';
    }
  }
  return versions;
}

/** The observations of a storage's valid slots, `[count, obsSize]`. */
function recordedObservations(storage: SideStorage): Float32Array {
  const { obsSize } = storage;
  const out = new Float32Array(storage.count * obsSize);
  for (let k = 0; k < storage.count; k++) {
    const s = storage.slots[k]!;
    out.set(storage.obs.subarray(s * obsSize, (s + 1) * obsSize), k * obsSize);
  }
  return out;
}

/** Sums of one judged batch's outcomes (the counts behind an epoch's rates). */
interface Tally {
  wins: number;
  inconsistent: number;
  invalid: number;
  unterminated: number;
  majority: number;
  honestReward: number;
  adversaryReward: number;
}

function tally(outcomes: Outcomes): Tally {
  const t: Tally = { wins: 0, inconsistent: 0, invalid: 0, unterminated: 0, majority: 0, honestReward: 0, adversaryReward: 0 };
  for (let b = 0; b < outcomes.win.length; b++) {
    t.wins += outcomes.win[b]!;
    t.inconsistent += 1 - outcomes.consistent[b]!;
    t.invalid += 1 - outcomes.valid[b]!;
    t.unterminated += 1 - outcomes.terminated[b]!;
    t.majority += outcomes.majorityCorrect[b]!;
    t.honestReward += outcomes.honestReward[b]!;
    t.adversaryReward += outcomes.adversaryReward[b]!;
  }
  return t;
}

/** Trains (or resumes) a run; resolves to its summary (also written to summary.json). */
export async function train(options: TrainOptions): Promise<TrainSummary> {
  const backend = await ready();
  const clockStart = options.clockStart ?? performance.now();

  // ---------------------------------------------------------------- options, run folder, resume
  let o: ResolvedTrainOptions;
  let checkpoint: Checkpoint | undefined;
  if (options.resume) {
    if (!options.out) throw new RangeError('train: --resume needs --out DIR (the run folder to continue)');
    const stored = readJson<ResolvedTrainOptions>(paths(options.out).config, `resume ${options.out}`);
    o = { ...stored, scenario: loadScenario(stored.scenario as unknown as Record<string, unknown>), out: options.out, ...(options.epochs !== undefined && { epochs: options.epochs }) };
    checkpoint = readCheckpoint(o.out);
    truncateMetrics(o.out, checkpoint?.epoch ?? 0);
    truncateLeagueDraws(o.out, checkpoint?.epoch ?? 0);
  } else {
    o = resolveTrainOptions(options);
    if (existsSync(paths(o.out).config)) throw new RangeError(`train: run folder ${o.out} already exists (use --resume to continue it, or another --out)`);
    createRunFolder(o.out);
    writeJson(paths(o.out).config, { ...o, versions: { ...packageVersions(), backend } });
  }
  const { scenario, batch: B, seed } = o;

  // ---------------------------------------------------------------- sides
  const usesValue = o.algo === 'ppo' || o.reinforce.baseline === 'value';
  const honestLearns = o.honest === LEARNED;
  const adversaryLearns = o.adversary === LEARNED;
  const initial = !checkpoint?.honest && o.init ? PolicyNetwork.fromJSON(readCheckpoint(o.init)!.honest!, { optimizer: false }) : undefined;
  const honestNet = honestLearns ? (checkpoint?.honest ? PolicyNetwork.fromJSON(checkpoint.honest) : initial ?? honestNetwork(scenario, { hidden: o.honestHidden ?? o.hidden, value: usesValue, seed, commitBias: o.commitBias, centerInputs: o.centerInputs === true, valueFrame: o.valueFrame, messageBias: o.messageBias, history: o.history, commitAtHorizon: o.commitAtHorizon, symmetricOthers: o.symmetricOthers, messageView: o.messageView, sampleView: o.sampleView })) : undefined;
  const adversaryNet = adversaryLearns
    ? checkpoint?.adversary ? PolicyNetwork.fromJSON(checkpoint.adversary) : adversaryNetwork(scenario, { hidden: o.hidden, value: usesValue, seed: seed + 1 })
    : undefined;
  const learnedHonest = honestNet && new NeuralProtocol(honestNet, scenario, 'sample');
  const learnedAdversary = adversaryNet && new NeuralAdversary(adversaryNet, scenario, 'sample');
  const honest: HonestProtocol = learnedHonest ?? frozenHonest(o.honest, scenario);
  const adversary: Adversary = learnedAdversary ?? frozenAdversary(o.adversary, scenario);
  resolveSides(scenario, honest, adversary); // refuses (one line) a side that cannot play here

  // ---------------------------------------------------------------- storage, allocated once
  const game = new GameBatch(scenario, { size: B, seed, memorySlots: honest.memorySlots });
  const honestActions = new HonestActions(B, scenario.n, scenario);
  const adversaryActions = new AdversaryActions(B, scenario.n, scenario);
  const outcomes = new Outcomes(B);
  const honestReturns = new Float64Array(B);
  const adversaryReturns = new Float64Array(B);
  const R = scenario.maxRounds;
  const honestStorage = learnedHonest && new SideStorage(R, B * scenario.n, scenario.n, learnedHonest.observer.size, honestNet!.spec.heads, honestNet!.maskWidth);
  const adversaryStorage = learnedAdversary && new SideStorage(R, B, 1, learnedAdversary.space.obsSize, adversaryNet!.spec.heads, adversaryNet!.maskWidth);
  const actionSpace = learnedHonest?.actionSpace;
  const honestRecording = learnedHonest && honestStorage && actionSpace && { storage: honestStorage, agent: learnedHonest, used: (c: Int32Array, row: number, h: number) => actionSpace.isHeadUsed(c, row, h) };
  const adversaryRecording = learnedAdversary && adversaryStorage && { storage: adversaryStorage, agent: learnedAdversary };
  // Counterexample-guided training: the verifier's attacks, replayed in the honest side's rollouts.
  const attackPool = o.counterexamples ? new AttackPool(adversary, o.counterexamples) : null;
  if (attackPool) for (const line of resumeAttacks(o.out, checkpoint?.epoch ?? 0)) attackPool.add(line.attacks);
  const sides = {
    honest,
    adversary: attackPool ?? adversary,
    ...(honestRecording && { honestStorage: honestRecording }),
    ...(adversaryRecording && { adversaryStorage: adversaryRecording }),
  };

  // ---------------------------------------------------------------- league: the snapshot pools
  const league = o.schedule === 'league' ? o.league! : null;
  const honestPool = league && new LeaguePool(o.out, 'honest', (network, e) => new NeuralProtocol(network, scenario, 'sample', `league:honest-${e}`));
  const adversaryPool = league && new LeaguePool(o.out, 'adversary', (network, e) => new NeuralAdversary(network, scenario, 'sample', `league:adversary-${e}`));
  if (league && !checkpoint) {
    honestPool!.save(0, honestNet!);
    adversaryPool!.save(0, adversaryNet!);
  }

  const update = (network: PolicyNetwork, storage: SideStorage, returns: Float64Array, epoch: number, side: number): UpdateStats => {
    if (network.spec.centerInputs) network.trackInputMean(recordedObservations(storage), storage.count);
    return o.algo === 'ppo' ? ppoUpdate(network, storage, returns, (seed * 7919 + epoch * 2 + side) >>> 0, o.ppo) : reinforceUpdate(network, storage, returns, o.reinforce);
  };

  /** Greedy evaluation of both sides on `episodes` episodes of `evalSeed`. */
  const evaluate = (episodes: number, evalSeed: number): PlayResult => {
    if (learnedHonest) learnedHonest.mode = 'greedy';
    if (learnedAdversary) learnedAdversary.mode = 'greedy';
    try {
      return play({ scenario, honest, adversary, episodes, seed: evalSeed });
    } finally {
      if (learnedHonest) learnedHonest.mode = 'sample';
      if (learnedAdversary) learnedAdversary.mode = 'sample';
    }
  };

  // ---------------------------------------------------------------- epochs
  const previousWall = checkpoint?.wallSeconds ?? 0;
  const segmentStart = options.resume ? performance.now() : clockStart;
  const wall = () => previousWall + (performance.now() - segmentStart) / 1000;
  let thresholdEpoch = checkpoint?.thresholdEpoch ?? null;
  let thresholdSeconds = checkpoint?.thresholdSeconds ?? null;
  let epoch = checkpoint?.epoch ?? 0;
  const evalSeed = (seed + EVAL_SEED_OFFSET) >>> 0;
  while (epoch < o.epochs) {
    epoch++;
    const started = performance.now();
    const turn = Math.floor((epoch - 1) / o.alternateEvery) % 2;
    const honestTrains = !!learnedHonest && (o.schedule !== 'alternating' || turn === 0 || !learnedAdversary);
    const adversaryTrains = !!learnedAdversary && (o.schedule !== 'alternating' || turn === 1);

    // ---- rollout (league: the honest learner's, then the adversary learner's, each vs a drawn opponent)
    const groupSize = o.algo === 'reinforce' ? o.reinforce.groupSize : 1;
    let decisions: number;
    let rates: Tally;
    let played = B;
    if (league) {
      const pool = poolEpochs(epoch, league);
      const honestOpponent = drawOpponent(seed, epoch, 'honest', pool, league.latestShare);
      const adversaryOpponent = drawOpponent(seed, epoch, 'adversary', pool, league.latestShare);
      let vsAdversary = honestOpponent === 'latest' ? adversary : adversaryPool!.player(honestOpponent, pool);
      if (attackPool) {
        attackPool.fallback = vsAdversary;
        vsAdversary = attackPool;
      }
      const vsHonest = adversaryOpponent === 'latest' ? honest : honestPool!.player(adversaryOpponent, pool);
      decisions = rollout(game, (epoch - 1) * 2 * B, { honest, adversary: vsAdversary, honestStorage: honestRecording! }, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      for (let b = 0; b < B; b++) honestReturns[b] = outcomes.honestReward[b]!;
      const honestOutcomes = tally(outcomes);
      decisions += rollout(game, (epoch - 1) * 2 * B + B, { honest: vsHonest, adversary, adversaryStorage: adversaryRecording! }, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      for (let b = 0; b < B; b++) adversaryReturns[b] = outcomes.adversaryReward[b]!;
      rates = { ...honestOutcomes, adversaryReward: tally(outcomes).adversaryReward };
      appendLeagueDraw(o.out, { epoch, honestOpponent, adversaryOpponent });
      played = 2 * B;
    } else {
      decisions = rollout(game, (epoch - 1) * B, sides, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      for (let b = 0; b < B; b++) {
        honestReturns[b] = outcomes.honestReward[b]!;
        adversaryReturns[b] = outcomes.adversaryReward[b]!;
      }
      rates = tally(outcomes);
    }
    const { wins, inconsistent, invalid, unterminated, majority, honestReward, adversaryReward } = rates;

    // ---- updates
    const honestStats = honestTrains ? update(honestNet!, honestStorage!, honestReturns, epoch, 0) : undefined;
    const adversaryStats = adversaryTrains ? update(adversaryNet!, adversaryStorage!, adversaryReturns, epoch, 1) : undefined;
    const seconds = (performance.now() - started) / 1000;
    for (const [side, stats, network] of [['honest', honestStats, honestNet], ['adversary', adversaryStats, adversaryNet]] as const)
      if (stats && !(Number.isFinite(stats.loss) && Number.isFinite(stats.entropy) && network!.finite()))
        throw new TrainingDivergedError(`train: the ${side} loss became NaN at epoch ${epoch}; stopped, the last good checkpoint (epoch ${epoch - 1}) is in ${o.out}`);

    // ---- greedy evaluation
    const evalDue = o.stopAt !== null || epoch % o.evalEvery === 0 || epoch === o.epochs;
    const evalWinRate = evalDue ? evaluate(o.evalEpisodes, evalSeed).winRate : null;
    if (evalWinRate !== null && evalWinRate >= o.threshold && thresholdEpoch === null) {
      thresholdEpoch = epoch;
      thresholdSeconds = wall();
    }

    // ---- verification of the greedy honest policy (the formal check, when asked for)
    const verifyDue = !!learnedHonest && !!options.verification && o.verifyEvery > 0 && (epoch % o.verifyEvery === 0 || epoch === o.epochs);
    let verifiedWorstCaseLoss: number | null = null;
    if (verifyDue) {
      learnedHonest!.mode = 'greedy';
      try {
        const report = options.verification!.check(learnedHonest!);
        verifiedWorstCaseLoss = report.worstCaseLoss;
        if (attackPool && report.attacks.length > 0) {
          attackPool.add(report.attacks);
          appendAttacks(o.out, { epoch, attacks: report.attacks });
        }
      } finally {
        learnedHonest!.mode = 'sample';
      }
    }

    const metrics: EpochMetrics = {
      epoch,
      winRate: wins / B,
      consistencyViolationRate: inconsistent / B,
      validityViolationRate: invalid / B,
      terminationViolationRate: unterminated / B,
      majorityCorrectRate: majority / B,
      honestReward: honestReward / B,
      adversaryReward: scenario.f > 0 ? adversaryReward / B : null,
      honestEntropy: honestStats?.entropy ?? null,
      adversaryEntropy: adversaryStats?.entropy ?? null,
      honestLoss: honestStats?.loss ?? null,
      adversaryLoss: adversaryStats?.loss ?? null,
      valueLoss: o.algo === 'ppo' ? (honestStats?.valueLoss ?? adversaryStats?.valueLoss ?? null) : null,
      evalWinRate,
      verifiedWorstCaseLoss,
      episodesPerSecond: played / seconds,
      agentDecisionsPerSecond: decisions / seconds,
      wallSeconds: wall(),
    };
    appendMetrics(o.out, metrics);
    if (league && snapshotDue(epoch, league)) {
      honestPool!.save(epoch, honestNet!);
      adversaryPool!.save(epoch, adversaryNet!);
    }
    writeCheckpoint(o.out, {
      epoch, wallSeconds: metrics.wallSeconds!, thresholdEpoch, thresholdSeconds,
      ...(honestNet && { honest: honestNet.toJSON() }),
      ...(adversaryNet && { adversary: adversaryNet.toJSON() }),
    });
    options.onEpoch?.(metrics);
    if (o.stopAt !== null && evalWinRate !== null && evalWinRate >= o.stopAt) break;
  }

  // ---------------------------------------------------------------- final greedy evaluation and summary
  const final = evaluate(o.finalEpisodes, (seed + FINAL_SEED_OFFSET) >>> 0);
  const lines = readMetrics(o.out);
  const meanOf = (key: 'episodesPerSecond' | 'agentDecisionsPerSecond') => lines.reduce((s, m) => s + (m[key] ?? 0), 0) / Math.max(1, lines.length);
  const summary: TrainSummary = {
    run: o.out,
    scenario: scenario.name,
    algo: o.algo,
    schedule: o.schedule,
    seed,
    honest: honest.name,
    adversary: adversary.name,
    finalWinRate: final.winRate,
    consistencyViolationRate: final.consistencyViolationRate,
    validityViolationRate: final.validityViolationRate,
    terminationViolationRate: final.terminationViolationRate,
    majorityCorrectRate: final.majorityCorrectRate,
    finalEpisodes: o.finalEpisodes,
    epochs: epoch,
    threshold: o.threshold,
    epochsToThreshold: thresholdEpoch,
    secondsToThreshold: thresholdSeconds,
    verifiedWorstCaseLoss: [...lines].reverse().find((m) => m.verifiedWorstCaseLoss !== null)?.verifiedWorstCaseLoss ?? null,
    wallSeconds: wall(),
    meanEpisodesPerSecond: meanOf('episodesPerSecond'),
    meanAgentDecisionsPerSecond: meanOf('agentDecisionsPerSecond'),
    backend,
  };
  writeJson(paths(o.out).summary, summary);
  honestNet?.dispose();
  adversaryNet?.dispose();
  honestPool?.dispose();
  adversaryPool?.dispose();
  return summary;
}
