/**
 * The training loop and its run folder: reads the options once into a validated config
 * (config.ts), builds both sides (learned or frozen) and all storage before it touches the run
 * folder, then per epoch: rollout → returns → update of each side that trains this epoch →
 * metrics line → checkpoint. The algorithms live in reinforce.ts and ppo.ts, looked up by name in
 * learners.ts.
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
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { GameBatch } from '../game/GameBatch.js';
import { judgeBatch, Outcomes } from '../game/judge.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { play, playRange, resolveSides, summarise, type PlayResult, type PlayTally } from '../play/play.js';
import { NeuralAdversary } from '../policy/NeuralAdversary.js';
import { NeuralProtocol } from '../policy/NeuralProtocol.js';
import { adversaryNetwork, honestNetwork, observationOf } from '../policy/networkFor.js';
import { PolicyNetwork } from '../policy/PolicyNetwork.js';
import { ready, tf } from '../policy/tf.js';
import { AttackPool, type Attack } from '../protocols/adversaries/attackPool.js';
import { LEARNED, parseRecordedConfig, parseTrainConfig, resolveTrainConfig, resumeConflicts, type ResolvedTrainConfig, type TrainConfigInput } from './config.js';
import { appendLeagueDraw, drawOpponent, LeaguePool, poolEpochs, snapshotDue } from './league.js';
import { LEARNERS } from './learners.js';
import { recordMajorityTargets } from './majorityTargets.js';
import { ALGOS, SCHEDULES, type Algo, type EvalMetric, type Schedule } from './names.js';
import { rollout, SideStorage } from './rollout.js';
import {
  acquireRunLock, appendAttacks, appendMetrics, configDigest, paths, prepareNewRunFolder, readMetrics, readResumeState, refuseRunFolderTarget, resumeAttacks,
  RunFolderError, truncateToCheckpoint, writeCheckpoint, writeJson, type BestPolicy, type Checkpoint, type EpochMetrics, type ResumeState, type RunLock,
} from './runFolder.js';
import { frozenAdversary, frozenHonest, loadRunPolicy, runPolicyJSON } from './runPolicy.js';
import type { UpdateStats } from './storageTensors.js';
import { readFileSync } from 'node:fs';

export { ALGOS, SCHEDULES, type Algo, type Schedule };

/** What a training run is given beyond its config: how to verify (train ↛ verify: the caller brings the verifier) and where to report. */
export interface TrainHooks {
  /** `performance.now()` value the wall clock counts from (the CLI passes 0: process start). */
  clockStart?: number;
  /** Called after each epoch's metrics line is written. */
  onEpoch?: (metrics: EpochMetrics) => void;
  /**
   * The verifier, needed when the config verifies (`verifyEvery` > 0): the worst-case loss of the
   * greedy honest policy and the attacks behind it, within `maxStates` engine states. The CLI
   * passes `cgym verify`'s.
   */
  verify?: (scenario: Scenario, honest: HonestProtocol, maxStates: number) => VerificationReport;
  /**
   * State the caller carries from epoch to epoch (discover's back-off between checks), kept in each
   * checkpoint (`Checkpoint.hookState`) so that the state and the checkpoint can never disagree
   * after a crash: `save` is called as each checkpoint is written (its value stored as JSON);
   * `restore`, once on resume before the first epoch, gets what the checkpoint holds (undefined:
   * a checkpoint written without it) and the epoch the run continues after, or `undefined, 0`
   * where there is no checkpoint (the run starts over).
   */
  checkpointState?: { save: () => unknown; restore: (state: unknown, epoch: number) => void };
}

/**
 * A run's options (config.ts: every key optional, validated once), the hooks, and `resume`:
 * continue the run in `out` from its last checkpoint, reading its config from its config.json
 * (options given with it must agree with the recorded ones, but `epochs`, which extends the run).
 */
export type TrainOptions = TrainConfigInput & TrainHooks & { resume?: boolean };

/** What a verification of the greedy honest policy reports back to the trainer. */
export interface VerificationReport {
  /** Worst-case loss rate over every adversary. */
  worstCaseLoss: number;
  /** A winning script per chance outcome the adversary wins (empty when safe). */
  attacks: Attack[];
  /** The check stopped at cheap attacks (worstCaseLoss NaN: not verified): the loss is at least this. */
  lowerBound?: number;
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
  /** The epoch of the best evaluated policy that the final evaluation judged (config keepBest), or null: the last one. */
  bestEpoch: number | null;
  /** The greedy evaluation's rate that `threshold` (and stopAt) read. */
  evalMetric: EvalMetric;
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

/** Seed offsets of the evaluation episodes, apart from the training episodes. */
const EVAL_SEED_OFFSET = 0x5bd1e995;
/** Episodes per step of a stop check (`evaluateReaching`): small, so a far-off policy is ruled out early. */
const STOP_CHECK_CHUNK = 256;
const FINAL_SEED_OFFSET = 0x27d4eb2f;

/** The options of a call as config input: the hooks and `resume` taken out. */
function configInput(options: TrainOptions): TrainConfigInput {
  const { clockStart: _clockStart, onEpoch: _onEpoch, verify: _verify, checkpointState: _checkpointState, resume: _resume, ...input } = options;
  return input;
}

/** A fresh run's config: validated, the init run's network options read, every derived default filled in. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainConfig {
  const config = parseTrainConfig(configInput(options));
  if (config.init === null) return resolveTrainConfig(config);
  const { network } = loadRunPolicy(config.init, 'honest');
  try {
    const resolved = resolveTrainConfig(config, { hidden: network.spec.hidden, observation: observationOf(network.spec) });
    new NeuralProtocol(network, resolved.scenario, 'greedy', `run:${config.init}`); // refuses a network that does not fit the scenario
    const given = (['observation', 'honestHidden', 'commitBias', 'messageBias', 'relayBias', 'commitAtHorizon'] as const).filter((key) => options[key] !== undefined);
    if (given.length > 0) throw new RangeError(`train: init ${config.init} brings its network and options; drop ${given.join(', ')}`);
    return { ...resolved, commitAtHorizon: network.spec.commitAtHorizon === true };
  } finally {
    network.dispose();
  }
}

/** A resumed run's config: the one recorded in its folder (`stored`, config.json as read), of which the call may change only `epochs`. */
function resumedConfig(options: TrainOptions & { out: string }, stored: Record<string, unknown>): ResolvedTrainConfig {
  const file = paths(options.out).config;
  const recorded = parseRecordedConfig(stored, file);
  const conflicts = resumeConflicts(recorded, configInput(options) as Record<string, unknown>);
  if (conflicts.length > 0)
    throw new RangeError(`train: --resume continues the run recorded in ${file}; these options differ from it: ${conflicts.join(', ')} (drop them, or start a new run with another --out)`);
  return { ...recorded, out: options.out, ...(options.epochs !== undefined && { epochs: options.epochs }) };
}

/** One learning side: its network, the player that samples from it, what the rollout records, the returns, and (league) its snapshots. */
interface LearningSide<Player> {
  network: PolicyNetwork;
  player: Player;
  storage: SideStorage;
  returns: Float64Array;
  pool: LeaguePool<Player> | null;
}

function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node, tfjs: tf.version_core };
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

/** What a run holds until it ends, however it ends: its folder's lock and its networks. */
interface Held {
  lock?: RunLock;
  disposables: Array<{ dispose(): void } | null | undefined>;
}

/** Trains (or resumes) a run; resolves to its summary (also written to summary.json). */
export async function train(options: TrainOptions): Promise<TrainSummary> {
  const held: Held = { disposables: [] };
  try {
    return await trainHolding(options, held);
  } finally {
    for (const disposable of held.disposables) disposable?.dispose();
    held.lock?.release();
  }
}

/** `train`, with what it takes hold of recorded in `held` (one process per run folder: a new run's lock is taken once its folder is made). */
async function trainHolding(options: TrainOptions, held: Held): Promise<TrainSummary> {
  const backend = await ready();
  const clockStart = options.clockStart ?? performance.now();

  // ---------------------------------------------------------------- config (validated before anything is written)
  let o: ResolvedTrainConfig;
  let checkpoint: Checkpoint | undefined;
  let resumeState: ResumeState | undefined;
  if (options.resume) {
    const out = options.out;
    if (!out) throw new RangeError('train: --resume needs --out DIR (the run folder to continue)');
    held.lock = acquireRunLock(out);
    resumeState = readResumeState(out);
    o = resumedConfig({ ...options, out }, resumeState.config);
    checkpoint = resumeState.checkpoint;
  } else {
    o = resolveTrainOptions(options);
    const refused = refuseRunFolderTarget(o.out);
    if (refused !== undefined) throw new RunFolderError(refused);
  }
  if (o.verifyEvery > 0 && !options.verify) throw new RangeError('train: this config verifies the honest policy (verifyEvery > 0) but no verifier was given (the cgym CLI gives one)');
  const { scenario, batch: B, seed } = o;
  const learner = LEARNERS[o.algo];

  // ---------------------------------------------------------------- sides
  const value = learner.needsValueHead(o);
  // PPO's auxiliary majority loss (train/majorityTargets.ts) needs the honest network's majority head.
  const predictsMajority = o.algo === 'ppo' && o.ppo.majorityCoef > 0;
  const initial = !checkpoint?.honest && o.init ? PolicyNetwork.fromJSON(runPolicyJSON(o.init, 'honest'), { optimizer: false }) : undefined;
  const honestNet = o.honest === LEARNED
    ? checkpoint?.honest ? PolicyNetwork.fromJSON(checkpoint.honest)
      : initial ?? honestNetwork(scenario, { hidden: o.honestHidden, value, seed, commitBias: o.commitBias, centerInputs: o.centerInputs, messageBias: o.messageBias, relayBias: o.relayBias, commitAtHorizon: o.commitAtHorizon, observation: o.observation, kind: o.honestNetwork.kind, encoder: o.honestNetwork.encoder, logitScale: o.honestNetwork.logitScale, evidenceGain: o.honestNetwork.evidenceGain, majorityHead: predictsMajority })
    : undefined;
  if (honestNet && predictsMajority && !honestNet.spec.majorityHead) throw new RangeError(`train: ppo.majorityCoef ${o.ppo.majorityCoef} needs an honest network with a majority head, and the network it starts from (init ${o.init}) has none: set majorityCoef 0, or start without init`);
  const adversaryNet = o.adversary === LEARNED
    ? checkpoint?.adversary ? PolicyNetwork.fromJSON(checkpoint.adversary) : adversaryNetwork(scenario, { hidden: o.adversaryHidden, value, seed: seed + 1 })
    : undefined;
  held.disposables.push(honestNet, adversaryNet);
  const R = scenario.maxRounds;
  const side = <Player>(network: PolicyNetwork, player: Player, obsSize: number, rowsPerEpisode: number): LearningSide<Player> => ({
    network, player, storage: new SideStorage(R, B * rowsPerEpisode, rowsPerEpisode, obsSize, network.spec.heads, network.maskWidth, learner.recordsValues), returns: new Float64Array(B), pool: null,
  });
  const honestPlayer = honestNet && new NeuralProtocol(honestNet, scenario, 'sample');
  if (honestPlayer) honestPlayer.sharedDraws = o.sharedDraws;
  const adversaryPlayer = adversaryNet && new NeuralAdversary(adversaryNet, scenario, 'sample');
  if (learner.recordsValues) for (const player of [honestPlayer, adversaryPlayer]) if (player) player.recordValues = true;
  const learningHonest = honestPlayer && side(honestNet!, honestPlayer, honestPlayer.observer.size, scenario.n);
  const learningAdversary = adversaryPlayer && side(adversaryNet!, adversaryPlayer, adversaryPlayer.space.obsSize, 1);
  const honest: HonestProtocol = learningHonest?.player ?? frozenHonest(o.honest, scenario);
  const adversary: Adversary = learningAdversary?.player ?? frozenAdversary(o.adversary, scenario);
  resolveSides(scenario, honest, adversary); // refuses (one line) a side that cannot play here

  // ---------------------------------------------------------------- storage, allocated once
  const game = new GameBatch(scenario, { size: B, seed, memorySlots: honest.memorySlots });
  const honestActions = new HonestActions(B, scenario.n, scenario);
  const adversaryActions = new AdversaryActions(B, scenario.n, scenario);
  const outcomes = new Outcomes(B);
  const honestRecording = learningHonest && { storage: learningHonest.storage, agent: learningHonest.player, used: (c: Int32Array, row: number, h: number) => learningHonest.player.actionSpace.isHeadUsed(c, row, h) };
  const adversaryRecording = learningAdversary && { storage: learningAdversary.storage, agent: learningAdversary.player };

  // ---------------------------------------------------------------- run folder: created (or cut back to its checkpoint) only now that everything is valid
  let digest: string;
  if (resumeState) {
    options.checkpointState?.restore(checkpoint?.hookState, checkpoint?.epoch ?? 0);
    truncateToCheckpoint(o.out, resumeState.epoch);
    digest = resumeState.configDigest;
    if (o.epochs !== resumeState.config['epochs']) {
      // The run is extended: config.json records the new length, and the checkpoint the new digest (a resume checks it).
      const record = { ...resumeState.config, epochs: o.epochs };
      writeJson(paths(o.out).config, record);
      digest = configDigest(record);
      if (checkpoint) writeCheckpoint(o.out, { ...checkpoint, configDigest: digest });
    }
  } else {
    held.lock = prepareNewRunFolder(o.out);
    const record = { ...o, versions: { ...packageVersions(), backend } };
    writeJson(paths(o.out).config, record);
    digest = configDigest(record);
  }
  // Counterexample-guided training: the verifier's attacks, replayed in the honest side's rollouts.
  const attackPool = o.counterexamples ? new AttackPool(adversary, { ...o.counterexamples, faultyInputsCount: scenario.faults !== 'byzantine' }) : null;
  if (attackPool) for (const line of resumeAttacks(o.out, checkpoint?.epoch ?? 0)) attackPool.add(line.attacks);
  const replayAttacks = attackPool && ((g: GameBatch, groupSize: number) => attackPool.replaySetups(g, groupSize));
  const sides = {
    honest,
    adversary: attackPool ?? adversary,
    ...(replayAttacks && { prepare: replayAttacks }),
    ...(honestRecording && { honestStorage: honestRecording }),
    ...(adversaryRecording && { adversaryStorage: adversaryRecording }),
  };

  // ---------------------------------------------------------------- league: the snapshot pools
  const league = o.schedule === 'league' ? o.league : null;
  if (league) {
    learningHonest!.pool = new LeaguePool(o.out, 'honest', (network, e) => new NeuralProtocol(network, scenario, 'sample', `league:honest-${e}`));
    learningAdversary!.pool = new LeaguePool(o.out, 'adversary', (network, e) => new NeuralAdversary(network, scenario, 'sample', `league:adversary-${e}`));
    held.disposables.push(learningHonest!.pool, learningAdversary!.pool);
    if (!checkpoint) {
      learningHonest!.pool.save(0, learningHonest!.network);
      learningAdversary!.pool.save(0, learningAdversary!.network);
    }
  }

  /** The targets of PPO's auxiliary majority loss, from the game the honest side has just played (train/majorityTargets.ts). */
  const recordMajority = (): void => {
    if (predictsMajority && learningHonest) recordMajorityTargets(learningHonest.storage, game, honestNet!.spec.valueFrame ?? 'absolute');
  };

  const update = (side: LearningSide<unknown>, epoch: number, sideIndex: number): UpdateStats => {
    const { network, storage, returns } = side;
    if (network.spec.centerInputs) network.trackInputMean(storage.obs, storage.count, undefined, storage.slots);
    return learner.update(network, storage, returns, o, (seed * 7919 + epoch * 2 + sideIndex) >>> 0);
  };

  /** Runs `f` with both learning sides playing greedily. */
  const greedily = <T>(f: () => T): T => {
    if (learningHonest) learningHonest.player.mode = 'greedy';
    if (learningAdversary) learningAdversary.player.mode = 'greedy';
    try {
      return f();
    } finally {
      if (learningHonest) learningHonest.player.mode = 'sample';
      if (learningAdversary) learningAdversary.player.mode = 'sample';
    }
  };

  /** Greedy evaluation of both sides on `episodes` episodes of `evalSeed`. */
  const evaluate = (episodes: number, evalSeed: number): PlayResult => greedily(() => play({ scenario, honest, adversary, episodes, seed: evalSeed }));

  /**
   * The same evaluation, given up (null) as soon as the episodes already lost to `evalMetric` rule
   * out a rate of `atLeast`: the same verdict on `atLeast` as the whole evaluation, at a fraction of
   * its cost while the policy is far from it (a run with stopAt asks every epoch).
   */
  const evaluateReaching = (episodes: number, evalSeed: number, atLeast: number): PlayResult | null =>
    greedily(() => {
      const started = performance.now();
      const allowedLosses = Math.floor(episodes * (1 - atLeast) + 1e-9);
      const tallies: PlayTally[] = [];
      let lost = 0;
      for (let first = 0; first < episodes; first += STOP_CHECK_CHUNK) {
        const tally = playRange(scenario, honest, adversary, evalSeed, first, Math.min(STOP_CHECK_CHUNK, episodes - first), STOP_CHECK_CHUNK);
        tallies.push(tally);
        lost += tally.episodes - (o.evalMetric === 'winRate' ? tally.wins : tally.majorityCorrect);
        if (lost > allowedLosses) return null;
      }
      return summarise(scenario, honest.name, adversary.name, evalSeed, tallies, (performance.now() - started) / 1000);
    });

  // ---------------------------------------------------------------- epochs
  const previousWall = checkpoint?.wallSeconds ?? 0;
  const segmentStart = options.resume ? performance.now() : clockStart;
  const wall = () => previousWall + (performance.now() - segmentStart) / 1000;
  let thresholdEpoch = checkpoint?.thresholdEpoch ?? null;
  let thresholdSeconds = checkpoint?.thresholdSeconds ?? null;
  let epoch = checkpoint?.epoch ?? 0;
  // The learning side's best evaluated policy (keepBest): the honest side's highest evalMetric rate,
  // the adversary's lowest; a later equal rate replaces an earlier one (it is the longer-trained policy).
  const bestSide = !o.keepBest ? null : learningHonest ? ('honest' as const) : learningAdversary ? ('adversary' as const) : null;
  // Without keepBest a checkpoint's `best` is not this loop's (discover writes its best verified policy
  // there once a run ends): a resume that carried it on would judge it in the final evaluation, and
  // keep it where the run it extends, uninterrupted, has none.
  let best: BestPolicy | undefined = bestSide !== null ? checkpoint?.best : undefined;
  const isAtLeastAsGood = (rate: number) => best === undefined || (bestSide === 'honest' ? rate >= best.rate : rate <= best.rate);
  const evalSeed = (seed + EVAL_SEED_OFFSET) >>> 0;
  const groupSize = learner.groupSize(o);
  while (epoch < o.epochs) {
    epoch++;
    const started = performance.now();
    const turn = Math.floor((epoch - 1) / o.alternateEvery) % 2;
    const honestTrains = !!learningHonest && (o.schedule !== 'alternating' || turn === 0 || !learningAdversary);
    const adversaryTrains = !!learningAdversary && (o.schedule !== 'alternating' || turn === 1);

    // ---- rollout (league: the honest learner's, then the adversary learner's, each vs a drawn opponent)
    let decisions: number;
    let rates: Tally;
    let played = B;
    if (league) {
      const pool = poolEpochs(epoch, league);
      const honestOpponent = drawOpponent(seed, epoch, 'honest', pool, league.latestShare);
      const adversaryOpponent = drawOpponent(seed, epoch, 'adversary', pool, league.latestShare);
      let vsAdversary = honestOpponent === 'latest' ? adversary : learningAdversary!.pool!.player(honestOpponent, pool);
      if (attackPool) {
        attackPool.fallback = vsAdversary;
        vsAdversary = attackPool;
      }
      const vsHonest = adversaryOpponent === 'latest' ? honest : learningHonest!.pool!.player(adversaryOpponent, pool);
      decisions = rollout(game, (epoch - 1) * 2 * B, { honest, adversary: vsAdversary, honestStorage: honestRecording!, ...(replayAttacks && { prepare: replayAttacks }) }, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      learningHonest!.returns.set(outcomes.honestReward);
      recordMajority(); // before the adversary's rollout replays the game
      const honestOutcomes = tally(outcomes);
      decisions += rollout(game, (epoch - 1) * 2 * B + B, { honest: vsHonest, adversary, adversaryStorage: adversaryRecording! }, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      learningAdversary!.returns.set(outcomes.adversaryReward);
      rates = { ...honestOutcomes, adversaryReward: tally(outcomes).adversaryReward };
      appendLeagueDraw(o.out, { epoch, honestOpponent, adversaryOpponent });
      played = 2 * B;
    } else {
      decisions = rollout(game, (epoch - 1) * B, sides, honestActions, adversaryActions, groupSize);
      judgeBatch(game, outcomes);
      recordMajority();
      learningHonest?.returns.set(outcomes.honestReward);
      learningAdversary?.returns.set(outcomes.adversaryReward);
      rates = tally(outcomes);
    }
    const { wins, inconsistent, invalid, unterminated, majority, honestReward, adversaryReward } = rates;

    // ---- updates
    const honestStats = honestTrains ? update(learningHonest!, epoch, 0) : undefined;
    const adversaryStats = adversaryTrains ? update(learningAdversary!, epoch, 1) : undefined;
    const seconds = (performance.now() - started) / 1000;
    for (const [name, stats, side] of [['honest', honestStats, learningHonest], ['adversary', adversaryStats, learningAdversary]] as const)
      if (stats && !(Number.isFinite(stats.loss) && Number.isFinite(stats.entropy) && side!.network.finite()))
        throw new TrainingDivergedError(`train: the ${name} loss became NaN at epoch ${epoch}; stopped, the last good checkpoint (epoch ${epoch - 1}) is in ${o.out}`);

    // ---- greedy evaluation
    // A run with stopAt asks every stopCheckEvery epochs whether the evaluation reaches it (or the
    // threshold, until reached); the answer is exact, and a policy far from it is ruled out within a few episodes.
    const evalDue = epoch % o.evalEvery === 0 || epoch === o.epochs;
    const checkFrom = o.stopAt === null || epoch % o.stopCheckEvery !== 0 ? null : thresholdEpoch === null ? Math.min(o.stopAt, o.threshold) : o.stopAt;
    const evaluation = evalDue ? evaluate(o.evalEpisodes, evalSeed) : checkFrom !== null ? evaluateReaching(o.evalEpisodes, evalSeed, checkFrom) : null;
    const evalWinRate = evaluation?.winRate ?? null;
    const evalMajorityCorrectRate = evaluation?.majorityCorrectRate ?? null;
    const judged = evaluation?.[o.evalMetric] ?? null;
    if (judged !== null && judged >= o.threshold && thresholdEpoch === null) {
      thresholdEpoch = epoch;
      thresholdSeconds = wall();
    }
    if (bestSide !== null && judged !== null && isAtLeastAsGood(judged)) {
      const network = bestSide === 'honest' ? learningHonest!.network : learningAdversary!.network;
      best = { side: bestSide, epoch, rate: judged, policy: network.toJSON({ optimizer: false }) };
    }

    // ---- verification of the greedy honest policy (the formal check, when asked for)
    const verifyDue = !!learningHonest && o.verifyEvery > 0 && (epoch % o.verifyEvery === 0 || epoch === o.epochs);
    let verifiedWorstCaseLoss: number | null = null;
    if (verifyDue) {
      learningHonest!.player.mode = 'greedy';
      try {
        const report = options.verify!(scenario, learningHonest!.player, o.verifyMaxStates);
        verifiedWorstCaseLoss = report.worstCaseLoss;
        if (attackPool && report.attacks.length > 0) {
          attackPool.add(report.attacks);
          appendAttacks(o.out, { epoch, attacks: report.attacks });
        }
      } finally {
        learningHonest!.player.mode = 'sample';
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
      majorityLoss: honestStats?.majorityLoss ?? null,
      evalWinRate,
      evalMajorityCorrectRate,
      verifiedWorstCaseLoss,
      episodesPerSecond: played / seconds,
      agentDecisionsPerSecond: decisions / seconds,
      wallSeconds: wall(),
    };
    appendMetrics(o.out, metrics);
    if (league && snapshotDue(epoch, league)) {
      learningHonest!.pool!.save(epoch, learningHonest!.network);
      learningAdversary!.pool!.save(epoch, learningAdversary!.network);
    }
    writeCheckpoint(o.out, {
      epoch, wallSeconds: metrics.wallSeconds!, thresholdEpoch, thresholdSeconds, configDigest: digest,
      ...(learningHonest && { honest: learningHonest.network.toJSON() }),
      ...(learningAdversary && { adversary: learningAdversary.network.toJSON() }),
      ...(best && { best }),
      ...(options.checkpointState && { hookState: options.checkpointState.save() }),
    });
    options.onEpoch?.(metrics);
    if (o.stopAt !== null && judged !== null && judged >= o.stopAt) break;
    if (o.stopWhenVerifiedSafe && verifiedWorstCaseLoss === 0) break;
  }

  // ---------------------------------------------------------------- final greedy evaluation and summary
  const finalSeed = (seed + FINAL_SEED_OFFSET) >>> 0;
  let final: PlayResult;
  if (best) {
    // The run stands for its best evaluated policy: that is the one the final evaluation judges.
    const bestNetwork = PolicyNetwork.fromJSON(best.policy);
    held.disposables.push(bestNetwork);
    const sidesOfBest = best.side === 'honest'
      ? { honest: new NeuralProtocol(bestNetwork, scenario, 'greedy', honest.name), adversary }
      : { honest, adversary: new NeuralAdversary(bestNetwork, scenario, 'greedy', adversary.name) };
    final = play({ scenario, ...sidesOfBest, episodes: o.finalEpisodes, seed: finalSeed });
  } else final = evaluate(o.finalEpisodes, finalSeed);
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
    bestEpoch: best?.epoch ?? null,
    evalMetric: o.evalMetric,
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
  return summary;
}
