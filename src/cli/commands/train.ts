/**
 * `cgym train`: trains a learned side into a run folder (config, metrics per epoch, checkpoints,
 * summary). A progress bar on stderr when it is a terminal, plain lines otherwise; `--json`
 * prints the summary object.
 */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { MESSAGE_VIEWS, SAMPLE_VIEWS, type MessageView, type SampleView } from '../../game/observation.js';
import { VALUE_FRAMES, type ValueFrame } from '../../policy/valueFrame.js';
import type { TrainConfigInput } from '../../train/config.js';
import { defaultRecipe, RECIPES } from '../../train/recipes.js';
import { ALGOS, SCHEDULES, type Algo, type Schedule } from '../../train/names.js';
import type { EpochMetrics } from '../../train/runFolder.js';
import type { TrainSummary } from '../../train/train.js';
import { mergeConfigInput, readConfigFile } from '../commandConfig.js';
import { count, formatTable, percent } from '../format.js';
import { isRunName, runScenario } from '../learned.js';
import { needs } from '../needs.js';
import { collect, integerIn } from '../options.js';
import { sendEpochToParent } from '../progress.js';

/** The flags as commander hands them over (no defaults here: the config schema holds them all). */
interface TrainFlags {
  scenario?: string;
  set?: string[];
  config?: string;
  recipe?: string;
  algo?: Algo;
  schedule?: Schedule;
  honest?: string;
  adversary?: string;
  epochs?: number;
  batch?: number;
  seed?: number;
  out?: string;
  stopAt?: number;
  resume?: boolean;
  json?: boolean;
  hidden?: number[];
  commitBias?: number;
  centerInputs?: boolean;
  keepBest?: boolean;
  verifyEvery?: number;
  verifyMaxStates?: number;
  leaguePool?: number;
  leagueEvery?: number;
  leagueLatest?: number;
  learningRate?: number;
  entropy?: number;
  groupSize?: number;
  counterexamples?: number | true;
  init?: string;
  valueFrame?: ValueFrame;
  messageBias?: number;
  history?: number;
  commitAtHorizon?: boolean;
  symmetricOthers?: boolean;
  messageView?: MessageView;
  sampleView?: SampleView;
}

/** The first of --honest, --adversary and --init that names a run folder (not a registry name or `learned`). */
function runFolderGiven(flags: TrainFlags): string | undefined {
  const sides: Array<[string | undefined, 'honest' | 'adversary']> = [[flags.honest, 'honest'], [flags.adversary, 'adversary'], [flags.init, 'honest']];
  for (const [name, side] of sides) if (name !== undefined && name !== 'learned' && isRunName(name, side)) return name;
  return undefined;
}

/** Hidden layer sizes: comma-separated positive integers, or empty for a linear policy. */
function hiddenSizes(raw: string): number[] {
  const sizes = raw.trim() === '' ? [] : raw.split(',').map((x) => Number(x.trim()));
  if (!sizes.every((x) => Number.isInteger(x) && x >= 1 && x <= 4096)) throw new InvalidArgumentError('must be comma-separated integers in 1..4096, or empty (linear).');
  return sizes;
}

function finiteNumber(raw: string): number {
  const x = Number(raw);
  if (!(raw.trim() !== '' && Number.isFinite(x))) throw new InvalidArgumentError('must be a number.');
  return x;
}

/** A rate in [0, 1]. */
export function rate(raw: string): number {
  const x = Number(raw);
  if (!(raw.trim() !== '' && x >= 0 && x <= 1)) throw new InvalidArgumentError('must be a number in 0..1.');
  return x;
}

function oneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw: string) => {
    if (!values.includes(raw as T)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
    return raw as T;
  };
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train a learned honest policy or adversary; writes runs/<name>/ (config, metrics.jsonl, checkpoints, summary)')
    .option('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file (a preset trains with its recipe, if it has one: `--recipe`)')
    .option('--config <file.json>', 'the run\'s options as one JSON object (keys as in a run folder\'s config.json; flags given too override it)')
    .option('--recipe <name>', `start from a named recipe (${Object.keys(RECIPES).join(', ')}), or none (default: the --scenario preset's own recipe, if it has one)`)
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--algo <algo>', `learning algorithm: ${ALGOS.join(', ')} (default: reinforce)`, oneOf(ALGOS))
    .option('--schedule <schedule>', `who learns: ${SCHEDULES.join(', ')} (default: honest)`, oneOf(SCHEDULES))
    .option('--honest <protocol|run>', 'frozen honest side for --schedule adversary: a protocol or a run folder (default: majority)')
    .option('--adversary <adversary|run>', 'frozen adversary for --schedule honest (an adversary or a run folder)')
    .option('--epochs <n>', 'epochs to train (default: 100)', integerIn(1, 1e6))
    .option('--batch <b>', 'episodes per epoch (default: 256)', integerIn(1, 1 << 16))
    .option('--seed <k>', 'the run seed (default: 0)', integerIn(0, 2 ** 32 - 1))
    .option('--out <dir>', 'run folder (default: runs/<scenario>__<algo>__<seed>__<time>)')
    .option('--stop-at <x>', 'stop when the greedy win rate reaches x (evaluated every epoch)', rate)
    .option('--resume', 'continue the run in --out from its last checkpoint, with the options recorded in its config.json (--epochs may extend it; any other option must agree)')
    .option('--json', 'print the summary as one JSON object')
    .option('--hidden <sizes>', 'hidden layer sizes of both networks, comma-separated ("" = linear) (default: honest linear, adversary 16,8)', hiddenSizes)
    .option('--commit-bias <x>', 'initial logit of the honest commit options; negative: start patient (default: -2)', finiteNumber)
    .option('--verify-every <k>', 'every k epochs (and at the last), verify the greedy honest policy against every adversary and record verifiedWorstCaseLoss in metrics.jsonl', integerIn(1, 1e6))
    .option('--verify-max-states <n>', 'state budget of each verification; too large a scenario stops the run with one line (default: 2,000,000)', integerIn(1, 1e12))
    .option('--league-pool <n>', 'schedule league: snapshots of each side kept as opponents (default: 8)', integerIn(1, 10_000))
    .option('--league-every <k>', 'schedule league: epochs between snapshots (default: 5)', integerIn(1, 1e6))
    .option('--league-latest <p>', 'schedule league: probability that an epoch\'s opponent is the other side\'s current network (default: 0.5)', rate)
    .option('--init <run>', "start the honest network from this run's learned honest policy (weights, shape and network options; a fresh optimizer): a curriculum step")
    .option('--counterexamples [share]', 'train the honest side against the attacks each verification finds, too (needs --verify-every; schedule honest or league): an episode whose chance outcome an attack wins plays one with probability share (default: 0.5)', rate)
    .option('--value-frame <frame>', `values in the honest network's observations and options: ${VALUE_FRAMES.join(', ')} (own-input: relative to the agent's own input; symmetric: that, and the input's own value hidden, so the policy treats every value alike) (default: absolute)`, oneOf(VALUE_FRAMES))
    .option('--message-bias <x>', 'initial logit of "send my own input"; needs --value-frame own-input or symmetric (default: 0)', finiteNumber)
    .option('--history <h>', "the honest observation's history window: frames of the last h rounds (default: 1)", integerIn(1, 64))
    .option('--commit-at-horizon', 'the honest policy may not wait in the last round (there waiting is a certain loss)')
    .option('--message-view <view>', `how the honest network observes messages: ${MESSAGE_VIEWS.join(', ')} (accepted: pki only, per other agent the values accepted by Dolev–Strong's rule) (default: per-sender)`, oneOf(MESSAGE_VIEWS))
    .option('--sample-view <view>', `how the honest network observes samples: ${SAMPLE_VIEWS.join(', ')} (record: also, per other agent and round, the answer it gave to the agent's sample; summary: instead, per other agent its input if heard in round 1, whether it kept it in round 2, its latest answer, whether it changed after round 2) (default: counts)`, oneOf(SAMPLE_VIEWS))
    .option('--symmetric-others', 'the honest network sees the other agents in a canonical order (the smallest of the (n−1)! numberings), so it treats them alike')
    .option('--no-keep-best', 'the run stands for its last policy (default: for its best greedy evaluation, where one side learns against a fixed opponent)')
    .option('--no-center-inputs', 'feed the honest network the raw observations (default: centred on a running mean before the first layer)')
    .option('--learning-rate <x>', 'Adam learning rate of the chosen algorithm (default: reinforce 0.01, ppo 0.005)', finiteNumber)
    .option('--entropy <x>', 'weight of the entropy bonus of the chosen algorithm (default: 0.01)', finiteNumber)
    .option('--group-size <g>', 'reinforce: episodes per group sharing one chance outcome, whose mean return is the baseline; must divide --batch (default: 1, the batch-mean baseline)', integerIn(1, 1 << 16))
    .action((flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  // Loaded here, not at the top: TensorFlow.js takes ~1 s to load, and other commands do not need it.
  const [{ train }, { verify }] = await Promise.all([import('../../train/train.js'), import('../../verify/verify.js')]);
  const start = flags.resume ? {} : startingConfig(flags);
  // --learning-rate and --entropy belong to the algorithm the run uses, which a recipe or --config may name.
  const algo = flags.algo ?? (start['algo'] === 'ppo' ? 'ppo' : 'reinforce');
  const given = flagsAsConfig(flags, algo);
  const input = flags.resume ? given : mergeConfigInput(start, given, 'train');
  if (!flags.resume && input['scenario'] === undefined) {
    // A run folder given as a side (or to start from) brings the game it was trained on, as in play.
    const fromRun = runFolderGiven(flags);
    if (fromRun !== undefined) input['scenario'] = runScenario(fromRun);
  }
  if (!flags.resume && input['scenario'] === undefined) throw needs('train', '--scenario <name|file> (or a --config file or --recipe that names one; the presets: `cgym scenarios`)');
  const schedule = input['schedule'] ?? 'honest';
  if (!flags.resume && [flags.leaguePool, flags.leagueEvery, flags.leagueLatest].some((x) => x !== undefined) && schedule !== 'league')
    throw new RangeError(`train: --league-pool, --league-every and --league-latest need --schedule league (got --schedule ${String(schedule)})`);
  const epochs = typeof input['epochs'] === 'number' ? input['epochs'] : undefined;
  const progress = startProgress(flags, epochs);
  let summary: TrainSummary;
  try {
    summary = await train({
      ...(input as TrainConfigInput),
      ...(flags.resume && { resume: true }),
      clockStart: 0,
      verify: (scenario, honest, maxStates) => {
        const result = verify({ scenario, honest, maxStates });
        return { worstCaseLoss: result.worstCaseLossRate, attacks: result.verdict === 'unsafe' ? result.attacks : [] };
      },
      onEpoch: (m) => {
        progress.epoch(m);
        sendEpochToParent(m, epochs ?? 100);
      },
    });
  } finally {
    progress.stop();
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatSummary(summary));
}

/**
 * What a new run starts from, before the flags: a --config file, else a named recipe (--recipe,
 * else the --scenario preset's own), else nothing (the schema's defaults).
 */
function startingConfig(flags: TrainFlags): Record<string, unknown> {
  if (flags.config !== undefined && flags.recipe !== undefined) throw new RangeError('train: give --config or --recipe, not both');
  let base: Record<string, unknown> = {};
  if (flags.config !== undefined) base = readTrainConfigFile(flags.config);
  else {
    const name = flags.recipe ?? defaultRecipe(flags.scenario);
    if (name !== undefined && name !== 'none') {
      const recipe = RECIPES[name];
      if (!Object.hasOwn(RECIPES, name) || !recipe) throw new RangeError(`train: --recipe ${name}: no such recipe (known: ${Object.keys(RECIPES).join(', ')}, none)`);
      base = { ...(recipe.config as Record<string, unknown>), recipe: name };
    }
  }
  return base;
}

/** A --config file: one JSON object; a run folder's config.json may be given, whose record of package versions is not an option. */
function readTrainConfigFile(file: string): Record<string, unknown> {
  const { versions: _versions, ...config } = readConfigFile(file, 'train');
  return config;
}

/** The flags the user gave, as config keys (a flag not given is absent, so a recipe or a resumed run's record stands). */
function flagsAsConfig(flags: TrainFlags, algo: 'reinforce' | 'ppo'): Record<string, unknown> {
  if (flags.groupSize !== undefined && algo !== 'reinforce') throw new RangeError(`train: --group-size applies to --algo reinforce (the run's algo is ${algo})`);
  const league = { poolSize: flags.leaguePool, snapshotEvery: flags.leagueEvery, latestShare: flags.leagueLatest };
  const hasLeague = Object.values(league).some((x) => x !== undefined);
  const algoOptions = { learningRate: flags.learningRate, entropyCoef: flags.entropy };
  const observation = { history: flags.history, messageView: flags.messageView, sampleView: flags.sampleView, valueFrame: flags.valueFrame, symmetricOthers: flags.symmetricOthers };
  const config: Record<string, unknown> = {
    scenario: flags.scenario,
    set: flags.set,
    algo: flags.algo,
    schedule: flags.schedule,
    honest: flags.honest,
    adversary: flags.adversary,
    epochs: flags.epochs,
    batch: flags.batch,
    seed: flags.seed,
    out: flags.out,
    stopAt: flags.stopAt,
    verifyEvery: flags.verifyEvery,
    verifyMaxStates: flags.verifyMaxStates,
    counterexamples: flags.counterexamples === undefined ? undefined : flags.counterexamples === true ? {} : { share: flags.counterexamples },
    honestHidden: flags.hidden,
    adversaryHidden: flags.hidden,
    commitBias: flags.commitBias,
    messageBias: flags.messageBias,
    commitAtHorizon: flags.commitAtHorizon,
    centerInputs: flags.centerInputs === false ? false : undefined,
    keepBest: flags.keepBest === false ? false : undefined,
    init: flags.init,
    observation: definedOnly(observation),
    league: hasLeague ? definedOnly(league) : undefined,
    reinforce: definedOnly({ ...(algo === 'reinforce' ? algoOptions : {}), groupSize: flags.groupSize }),
    ppo: algo === 'ppo' ? definedOnly(algoOptions) : undefined,
  };
  return definedOnly(config) ?? {};
}

/** The object without its undefined keys, or undefined when none is left. */
function definedOnly(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** Per-epoch feedback on stderr: a bar on a terminal, a plain line every 10 epochs otherwise. */
function startProgress(flags: TrainFlags, epochs: number | undefined): { epoch(m: EpochMetrics): void; stop(): void } {
  const total = epochs ?? 100;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'training [{bar}] epoch {value}/{total} | win {win} | {eps} episodes/s', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      epoch(m) {
        const payload = { win: percent(m.winRate ?? 0), eps: count(m.episodesPerSecond ?? 0) };
        if (!started) {
          bar.start(total, m.epoch, payload);
          started = true;
        } else bar.update(m.epoch, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  return {
    epoch(m) {
      if (flags.json || (m.epoch % 10 !== 0 && m.epoch !== total)) return;
      const evaluated = m.evalWinRate === null ? '' : ` | greedy ${percent(m.evalWinRate)}`;
      process.stderr.write(`epoch ${m.epoch}/${total} | win ${percent(m.winRate ?? 0)}${evaluated} | ${count(m.episodesPerSecond ?? 0)} episodes/s\n`);
    },
    stop: () => undefined,
  };
}

export function formatSummary(s: TrainSummary): string {
  const header = `${s.scenario} · ${s.algo} · schedule ${s.schedule} · honest ${s.honest} vs adversary ${s.adversary} · seed ${s.seed}\nrun folder: ${s.run}\n\n`;
  const rows: string[][] = [
    [`final greedy win rate (${count(s.finalEpisodes)} episodes)`, percent(s.finalWinRate)],
    ['consistency violations', percent(s.consistencyViolationRate)],
    ['validity violations', percent(s.validityViolationRate)],
    ['termination violations', percent(s.terminationViolationRate)],
    ['majority-correct rate', percent(s.majorityCorrectRate)],
    ['epochs', String(s.epochs)],
    [`epochs to ${percent(s.threshold)}`, s.epochsToThreshold === null ? 'not reached' : String(s.epochsToThreshold)],
    [`seconds to ${percent(s.threshold)}`, s.secondsToThreshold === null ? 'not reached' : s.secondsToThreshold.toFixed(1)],
    ...(s.verifiedWorstCaseLoss === null ? [] : [['verified worst-case loss (last check)', percent(s.verifiedWorstCaseLoss)]]),
    ['wall seconds', s.wallSeconds.toFixed(1)],
    ['episodes / s (mean per epoch)', count(s.meanEpisodesPerSecond)],
  ];
  return header + formatTable(rows, { align: ['left', 'right'], indent: '  ' });
}
