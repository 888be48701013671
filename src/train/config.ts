/**
 * A training run's options as one versioned, validated object: the `TrainConfig`.
 *
 * One zod schema holds every option, its rule and its default, and the same schema reads the
 * command line's options, a `--config FILE.json`, a named recipe and a run folder's `config.json`,
 * so what was saved is read back by the rules it was written under, not by a cast. Defaults that
 * depend on the scenario (the frozen sides, the run folder's name) are derived once, in
 * `resolveTrainConfig`, and the complete result is what config.json records.
 *
 * Messages name the key, the value and the rule: `train: batch=0: must be at least 1`.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { refuseAdversarySpace } from '../game/adversarySpace.js';
import { loadScenario } from '../game/loadScenario.js';
import { MESSAGE_VIEWS, refuseMessageView, refuseSampleView, SAMPLE_VIEWS } from '../game/observation.js';
import { integer as int, oneOf, parseConfig } from '../game/parseConfig.js';
import { MAX_ROUNDS, parseScenario, type Scenario } from '../game/scenario.js';
import { DEFAULT_CENTER_INPUTS, DEFAULT_COMMIT_BIAS, DEFAULT_HIDDEN, DEFAULT_HONEST_HIDDEN, type ObservationOptions } from '../policy/networkFor.js';
import { DEFAULT_ENCODER, NETWORK_KINDS, refuseEquivariant } from '../policy/equivariant.js';
import { SHARED_DRAWS, type SharedDraws } from '../policy/NeuralProtocol.js';
import { refuseSymmetricOthers } from '../policy/othersOrder.js';
import { VALUE_FRAMES } from '../policy/valueFrame.js';
import { REPLAY_FROM } from '../protocols/adversaries/attackPool.js';
import { LEAGUE_DEFAULTS } from './league.js';
import { ALGOS, EVAL_METRICS, SCHEDULES } from './names.js';
import { PPO_DEFAULTS } from './ppo.js';
import { REINFORCE_DEFAULTS } from './reinforce.js';

/** The config format's version, written into every config.json; a newer one is refused, an older one migrated. */
export const TRAIN_CONFIG_VERSION = 1;

/** The learned side's name in `honest` / `adversary`. */
export const LEARNED = 'learned';

const finite = () => z.number({ error: 'must be a number' }).finite('must be a finite number');
const positive = () => finite().positive('must be a positive number');
const nonNegative = () => finite().min(0, 'must be a number ≥ 0');
const rate = () => finite().min(0, 'must be in 0..1').max(1, 'must be in 0..1');
const layers = () => z.array(int(1, 4096), { error: 'must be a list of layer sizes' }).max(16, 'must have at most 16 layers');

/** What the honest network reads (game/observation.ts and policy/valueFrame.ts, othersOrder.ts): carried whole. */
const ObservationSchema = z.strictObject({
  /** Frames of the last h rounds in each row (GAME.md §7; at most maxRounds). */
  history: int(1, MAX_ROUNDS).default(1),
  /** How messages and relays are observed (accepted: pki only, Dolev–Strong's accepted values per other agent). */
  messageView: oneOf(MESSAGE_VIEWS).default('per-sender'),
  /** How samples are observed (record: also, per other agent and round, the answer it gave). */
  sampleView: oneOf(SAMPLE_VIEWS).default('counts'),
  /** Value coordinates: absolute, relative to the own input, or that with the input's own value hidden. */
  valueFrame: oneOf(VALUE_FRAMES).default('absolute'),
  /** The other agents in a canonical order, so the network treats them alike. */
  symmetricOthers: z.boolean({ error: 'must be true or false' }).default(false),
});

/** The honest network's kind (policy/equivariant.ts): an MLP on the whole row, or one encoder shared by the other agents' blocks. */
const HonestNetworkSchema = z.strictObject({
  kind: oneOf(NETWORK_KINDS).default('mlp'),
  /** Hidden sizes of the equivariant network's shared block encoder (kind equivariant only). */
  encoder: layers().default([...DEFAULT_ENCODER]),
  /** The policy logits times this (an inverse temperature; 1: as learned): a confident sampled policy sooner (EXPERIMENTS §12, config K). */
  logitScale: positive().default(1),
  /** The pooled evidence bits of a linear equivariant network times this (1: as observed): the per-origin votes learned faster than the raw numbers (EXPERIMENTS §12, config K). */
  evidenceGain: positive().default(1),
});

const ReinforceSchema = z.strictObject({
  learningRate: positive().default(REINFORCE_DEFAULTS.learningRate),
  baseline: oneOf(['mean', 'value', 'none'] as const).default(REINFORCE_DEFAULTS.baseline),
  groupSize: int(1, 1 << 16).default(REINFORCE_DEFAULTS.groupSize),
  valueCoef: finite().default(REINFORCE_DEFAULTS.valueCoef),
  normalize: z.boolean({ error: 'must be true or false' }).default(REINFORCE_DEFAULTS.normalize),
  minScale: nonNegative().default(REINFORCE_DEFAULTS.minScale),
  entropyCoef: nonNegative().default(REINFORCE_DEFAULTS.entropyCoef),
  maxGradNorm: nonNegative().default(REINFORCE_DEFAULTS.maxGradNorm),
});

const PpoSchema = z.strictObject({
  learningRate: positive().default(PPO_DEFAULTS.learningRate),
  gamma: rate().default(PPO_DEFAULTS.gamma),
  gaeLambda: rate().default(PPO_DEFAULTS.gaeLambda),
  clip: positive().default(PPO_DEFAULTS.clip),
  valueCoef: finite().default(PPO_DEFAULTS.valueCoef),
  entropyCoef: nonNegative().default(PPO_DEFAULTS.entropyCoef),
  updateEpochs: int(1, 1000).default(PPO_DEFAULTS.updateEpochs),
  minibatches: int(1, 1 << 16).default(PPO_DEFAULTS.minibatches),
  maxGradNorm: nonNegative().default(PPO_DEFAULTS.maxGradNorm),
  majorityCoef: nonNegative().default(PPO_DEFAULTS.majorityCoef),
});

const LeagueSchema = z.strictObject({
  poolSize: int(1, 10_000).default(LEAGUE_DEFAULTS.poolSize),
  snapshotEvery: int(1, 1e6).default(LEAGUE_DEFAULTS.snapshotEvery),
  latestShare: rate().default(LEAGUE_DEFAULTS.latestShare),
});

const CounterexamplesSchema = z.strictObject({
  /** Probability that an episode whose chance outcome an attack wins plays one. */
  share: rate().default(0.5),
  /** Attacks kept per chance outcome. */
  perOutcome: int(1, 1e6).default(8),
  /** Probability that an episode replays one of the latest verification's attacks whole: its chance outcome (faulty set, inputs) too. */
  replayShare: rate().default(0),
  /** Which attacks a whole replay draws from: the latest verification's (absent), or every attack held (perOutcome per chance outcome). */
  replayFrom: oneOf(REPLAY_FROM).optional(),
});

/**
 * Every option of a training run, with its default. `null` means "derived from the scenario" for
 * honest, adversary and out, "off" elsewhere.
 */
export const TrainConfigSchema = z.strictObject({
  version: z.literal(TRAIN_CONFIG_VERSION, { error: `must be ${TRAIN_CONFIG_VERSION} (this version of consensus-gym)` }).default(TRAIN_CONFIG_VERSION),
  /** The named recipe (recipes.ts) this config started from, if any: a record, not an option. */
  recipe: z.string().min(1).nullable().default(null),
  /** A preset name, a scenario file, or a whole scenario object (config.json records the object). */
  scenario: z.union([z.string().min(1, 'must name a preset or a file'), z.record(z.string(), z.unknown())], { error: 'must be a preset name, a file or a scenario object' }),
  /** `key=value` overrides of the scenario (applied once; config.json records the result). */
  set: z.array(z.string()).default([]),
  algo: oneOf(ALGOS).default('reinforce'),
  /** Who learns when: honest, adversary, simultaneous, alternating, league. */
  schedule: oneOf(SCHEDULES).default('honest'),
  /** The honest side: `learned`, or (schedule adversary) a protocol or a run folder; null: derived (majority). */
  honest: z.string().min(1).nullable().default(null),
  /** The adversary: `learned`, or (schedule honest) an adversary or a run folder; null: derived from the faults. */
  adversary: z.string().min(1).nullable().default(null),
  epochs: int(1, 1e6).default(100),
  /** Episodes per epoch. */
  batch: int(1, 1 << 16).default(256),
  seed: int(0, 2 ** 32 - 1).default(0),
  /** Run folder; null: runs/<scenario>__<algo>__<seed>__<time>. */
  out: z.string().nullable().default(null),
  /**
   * The rate of the greedy evaluation that `stopAt` and `threshold` read: the win rate, or (where a
   * scenario is judged by it, the Slush pair) the majority-correct rate.
   */
  evalMetric: oneOf(EVAL_METRICS).default('winRate'),
  /** Stop once the greedy evaluation's `evalMetric` reaches this (checked every `stopCheckEvery` epochs). */
  stopAt: rate().nullable().default(null),
  /**
   * Epochs between the `stopAt` checks (an evaluation due every `evalEvery` epochs checks too). A
   * check costs up to a whole greedy evaluation; where a run spends hundreds of epochs short of its
   * bar (slush-3v2's plateau), checking every epoch costs more than stopping a few epochs late.
   */
  stopCheckEvery: int(1, 1e6).default(1),
  /** The `evalMetric` rate whose first epoch and seconds the summary reports; null: stopAt, else 0.99. */
  threshold: rate().nullable().default(null),
  /**
   * Keep the learning side's policy at its best greedy evaluation, and let it stand for the run (its
   * final evaluation, and its folder as a protocol or adversary); the last one stays in the
   * checkpoint. Needs one side learning against a fixed opponent (schedule honest or adversary) and
   * no verification during training (there the verifier judges); null: on wherever it can be.
   */
  keepBest: z.boolean({ error: 'must be true or false' }).nullable().default(null),
  /** Epochs between verifications of the greedy honest policy (0: none). */
  verifyEvery: int(0, 1e6).default(0),
  /** Stop once a verification proves the greedy honest policy safe (worst-case loss 0); needs verifyEvery > 0. */
  stopWhenVerifiedSafe: z.boolean({ error: 'must be true or false' }).default(false),
  /** State budget of each verification. */
  verifyMaxStates: int(1, 1e12).default(2_000_000),
  /** Counterexample-guided training: the verifier's attacks join the honest side's opponents (null: off). */
  counterexamples: CounterexamplesSchema.nullable().default(null),
  honestHidden: layers().default([...DEFAULT_HONEST_HIDDEN]),
  adversaryHidden: layers().default([...DEFAULT_HIDDEN]),
  /** The honest network's kind; `honestHidden` are the layers after its pooling when equivariant. */
  honestNetwork: HonestNetworkSchema.default(() => HonestNetworkSchema.parse({})),
  /**
   * The honest agents of a training episode share their random draws (NeuralProtocol.sharedDraws):
   * they explore a convention together. `true` and `false`, the key's first values, mean `quantile`
   * and `off` (what configs written before `gumbel` existed recorded).
   */
  sharedDraws: z
    .union([z.boolean(), z.enum(SHARED_DRAWS as unknown as [SharedDraws, ...SharedDraws[]])], { error: `must be one of ${SHARED_DRAWS.join(', ')} (or true: quantile, false: off)` })
    .transform((value): SharedDraws => (value === true ? 'quantile' : value === false ? 'off' : value))
    .default('off'),
  /** Initial logit of the honest commit options (negative: start patient). */
  commitBias: finite().default(DEFAULT_COMMIT_BIAS),
  /** Initial logit of "send my own input" (own-input or symmetric frame only). */
  messageBias: finite().default(0),
  /** Initial logit of "relay what arrived" (relay actions only): a listener can learn to read only what is forwarded. */
  relayBias: finite().default(0),
  /** The honest policy may not wait in the last round. */
  commitAtHorizon: z.boolean({ error: 'must be true or false' }).default(false),
  /** Centre the honest network's observations on a running mean. */
  centerInputs: z.boolean({ error: 'must be true or false' }).default(DEFAULT_CENTER_INPUTS),
  /** Start the honest network from this run's learned honest policy (its network and observation come with it). */
  init: z.string().min(1).nullable().default(null),
  observation: ObservationSchema.default(() => ObservationSchema.parse({})),
  /** Epochs per turn under the alternating schedule. */
  alternateEvery: int(1, 1e6).default(10),
  /** Snapshot pool of the league schedule (null: the defaults under schedule league; refused under any other). */
  league: LeagueSchema.nullable().default(null),
  /** Greedy evaluation every this many epochs (and at the last), recorded in the metrics. */
  evalEvery: int(1, 1e6).default(5),
  evalEpisodes: int(1, 1 << 24).default(2000),
  /** Episodes of the final greedy evaluation. */
  finalEpisodes: int(1, 1 << 24).default(10_000),
  reinforce: ReinforceSchema.default(() => ReinforceSchema.parse({})),
  ppo: PpoSchema.default(() => PpoSchema.parse({})),
});

/** A config as a user writes it: every key with a default may be left out. */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
/** A config as parsed: every key present. */
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/** The config of a run as config.json records it: the scenario resolved, every derived default filled in. */
export interface ResolvedTrainConfig extends Omit<TrainConfig, 'scenario' | 'set' | 'honest' | 'adversary' | 'out' | 'threshold' | 'keepBest' | 'observation' | 'league'> {
  /** The league's options under schedule league, null otherwise. */
  league: Required<z.output<typeof LeagueSchema>> | null;
  scenario: Scenario;
  set: [];
  honest: string;
  adversary: string;
  out: string;
  threshold: number;
  keepBest: boolean;
  observation: ObservationOptions;
}

/**
 * Reads an older config.json into the current format (version 0: the observation options and the
 * hidden layers were flat keys).
 */
function migrate(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || 'version' in input) return input;
  const old = { ...(input as Record<string, unknown>) };
  const observation: Record<string, unknown> = {};
  for (const key of ['history', 'messageView', 'sampleView', 'valueFrame', 'symmetricOthers'])
    if (key in old) {
      observation[key] = old[key];
      delete old[key];
    }
  if ('hidden' in old) {
    old['adversaryHidden'] = old['hidden'];
    delete old['hidden'];
  }
  delete old['versions'];
  return { ...old, version: TRAIN_CONFIG_VERSION, observation };
}

/** Validates raw input (command line, --config file or recipe) into a complete config. */
export function parseTrainConfig(input: unknown, source = 'train'): TrainConfig {
  return parseConfig(TrainConfigSchema, input, source);
}

/** A run folder's config.json as recorded (older formats migrated), validated by the same schema. */
export function parseRecordedConfig(recorded: unknown, file: string): ResolvedTrainConfig {
  if (recorded === null || typeof recorded !== 'object' || Array.isArray(recorded)) throw new RangeError(`train: ${file}: must hold a JSON object`);
  const { versions: _versions, ...config } = migrate(recorded) as Record<string, unknown>;
  return resolveTrainConfig(parseTrainConfig(config, `train: ${file}`));
}

function defaultAdversary(scenario: Scenario): string {
  if (scenario.f === 0) return 'silent';
  return scenario.faults === 'byzantine' ? 'equivocate' : scenario.faults === 'crash' ? 'crash' : 'silent';
}

function runName(scenario: string, algo: string, seed: number): string {
  const time = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return `${scenario}__${algo}__${seed}__${time}`;
}

/**
 * The checks that need the scenario (and each other), then the derived defaults: the complete
 * record config.json holds. `initNetwork` is the hidden layers and observation of the `init` run's
 * network, read by the caller (loading a network is not this module's business).
 */
export function resolveTrainConfig(config: TrainConfig, initNetwork?: { hidden: readonly number[]; observation: ObservationOptions }): ResolvedTrainConfig {
  const scenario = typeof config.scenario === 'string' || config.set.length > 0 ? loadScenario(config.scenario, config.set) : parseScenario(config.scenario, 'config.json scenario');
  const { schedule, algo } = config;
  const learnsAdversary = schedule !== 'honest';
  if (learnsAdversary) {
    if (scenario.f === 0 && (schedule === 'adversary' || schedule === 'league')) throw new RangeError(`train: schedule ${schedule} needs f ≥ 1 (scenario ${scenario.name} has f=0)`);
    const why = scenario.f > 0 ? refuseAdversarySpace(scenario) : undefined;
    if (why) throw new RangeError(`train: ${why}`);
  }
  if (config.honest !== null && config.honest !== LEARNED && schedule !== 'adversary')
    throw new RangeError(`train: honest=${config.honest} is a frozen honest side, which only schedule adversary plays (got schedule ${schedule})`);
  if (config.adversary !== null && config.adversary !== LEARNED && learnsAdversary && scenario.f > 0)
    throw new RangeError(`train: adversary=${config.adversary} is a frozen adversary, which only schedule honest plays (got schedule ${schedule})`);

  if (initNetwork !== undefined && schedule === 'adversary') throw new RangeError(`train: init ${config.init} starts the honest network, but schedule adversary trains no honest network`);
  const observation = initNetwork?.observation ?? config.observation;
  if (initNetwork === undefined) {
    const { history, valueFrame, symmetricOthers, messageView, sampleView } = observation;
    if (history > scenario.maxRounds) throw new RangeError(`train: history must be an integer in 1..maxRounds=${scenario.maxRounds} (got ${history})`);
    if (config.messageBias !== 0 && valueFrame === 'absolute')
      throw new RangeError(`train: messageBias=${config.messageBias} needs valueFrame=own-input or symmetric (only there is "send my input" one option)`);
    if (config.messageBias !== 0 && scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
      throw new RangeError(`train: messageBias=${config.messageBias} needs a message head (free or relay actions; scenario ${scenario.name} has ${scenario.honestActions})`);
    if (config.relayBias !== 0 && scenario.honestActions !== 'relay')
      throw new RangeError(`train: relayBias=${config.relayBias} needs a relay head (relay actions; scenario ${scenario.name} has ${scenario.honestActions})`);
    const refused = (symmetricOthers ? refuseSymmetricOthers(scenario) : undefined) ?? refuseMessageView(scenario, messageView) ?? refuseSampleView(scenario, sampleView)
      ?? (config.honestNetwork.kind === 'equivariant' ? refuseEquivariant(scenario) : undefined);
    if (refused) throw new RangeError(`train: ${refused}`);
  }
  if (config.stopWhenVerifiedSafe && config.verifyEvery === 0)
    throw new RangeError('train: stopWhenVerifiedSafe=true needs a verification (verifyEvery > 0): only the verifier says the policy is safe');
  if (config.counterexamples) {
    if (config.verifyEvery === 0) throw new RangeError('train: counterexamples need a verification (--verify-every K): the attacks come from the verifier');
    if (schedule !== 'honest' && schedule !== 'league')
      throw new RangeError(`train: counterexamples need schedule honest or league (got ${schedule}): there the honest side's rollout is its own, so replayed attacks never enter the adversary's training data`);
  }
  const bestCanBeKept = (schedule === 'honest' || schedule === 'adversary') && config.verifyEvery === 0;
  if (config.keepBest === true && !bestCanBeKept)
    throw new RangeError(`train: keepBest needs one side learning against a fixed opponent (schedule honest or adversary) and no verification during training (got schedule ${schedule}, verifyEvery ${config.verifyEvery}): where both sides move, or the verifier judges, no evaluation ranks the policies`);
  if (config.league !== null && schedule !== 'league') throw new RangeError(`train: league options need schedule league (got schedule ${schedule})`);
  if (config.batch % config.reinforce.groupSize !== 0)
    throw new RangeError(`train: reinforce.groupSize must be a positive integer dividing batch=${config.batch} (got ${config.reinforce.groupSize})`);
  return {
    ...config,
    scenario,
    set: [],
    honest: schedule === 'adversary' ? (config.honest ?? 'majority') : LEARNED,
    adversary: learnsAdversary && scenario.f > 0 ? LEARNED : (config.adversary ?? defaultAdversary(scenario)),
    out: config.out ?? join('runs', runName(scenario.name, algo, config.seed)),
    threshold: config.threshold ?? config.stopAt ?? 0.99,
    keepBest: config.keepBest ?? bestCanBeKept,
    honestHidden: initNetwork ? [...initNetwork.hidden] : config.honestHidden,
    observation,
    league: schedule === 'league' ? (config.league ?? LeagueSchema.parse({})) : null,
  };
}

/** Leaves of a JSON-like value as `a.b.c` paths (arrays are leaves). */
function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) for (const [path, leaf] of leaves(inner, prefix ? `${prefix}.${key}` : key)) out.set(path, leaf);
  } else out.set(prefix, value);
  return out;
}

/** Keys a resume may change: where the run is, how far it goes, and nothing of the game or the learner. */
const RESUMABLE = new Set(['out', 'epochs', 'recipe']);

/**
 * The options given to a resume that differ from the run's recorded config (as `key=given (run: recorded)`),
 * empty when they agree. A scenario given by name agrees when it resolves to the recorded one.
 */
export function resumeConflicts(recorded: ResolvedTrainConfig, given: Record<string, unknown>): string[] {
  const conflicts: string[] = [];
  const { scenario, set, ...rest } = given;
  if (scenario !== undefined || (Array.isArray(set) && set.length > 0)) {
    const resolved = loadScenario(scenario === undefined ? recorded.scenario : (scenario as string | Record<string, unknown>), (set as string[] | undefined) ?? []);
    if (JSON.stringify(resolved) !== JSON.stringify(recorded.scenario)) conflicts.push(`scenario=${resolved.name} (run: ${recorded.scenario.name}, changed)`);
  }
  const recordedLeaves = leaves(recorded);
  for (const [path, value] of leaves(rest)) {
    if (value === undefined || RESUMABLE.has(path.split('.')[0]!)) continue;
    const before = recordedLeaves.get(path);
    if (JSON.stringify(before) !== JSON.stringify(value)) conflicts.push(`${path}=${JSON.stringify(value)} (run: ${before === undefined ? 'unset' : JSON.stringify(before)})`);
  }
  return conflicts;
}
