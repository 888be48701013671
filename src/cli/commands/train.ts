/**
 * `cgym train`: trains a learned side into a run folder (config, metrics per epoch, checkpoints,
 * summary). A progress bar on stderr when it is a terminal, plain lines otherwise; `--json`
 * prints the summary object.
 */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { MESSAGE_VIEWS, SAMPLE_VIEWS } from '../../game/observation.js';
import { VALUE_FRAMES } from '../../policy/valueFrame.js';
import { ALGOS, SCHEDULES, type Algo, type Schedule } from '../../train/names.js';
import type { EpochMetrics } from '../../train/runFolder.js';
import type { TrainOptions, TrainSummary } from '../../train/train.js';
import { count, formatTable, percent } from '../format.js';
import { collect, integerIn } from '../options.js';

/** The flags as commander hands them over; the honest network's options keep TrainOptions' names. */
interface TrainFlags extends Pick<TrainOptions, 'init' | 'valueFrame' | 'messageBias' | 'history' | 'commitAtHorizon' | 'symmetricOthers' | 'messageView' | 'sampleView'> {
  scenario: string;
  set?: string[];
  algo: Algo;
  schedule: Schedule;
  honest?: string;
  adversary?: string;
  epochs?: number;
  batch?: number;
  seed: number;
  out?: string;
  stopAt?: number;
  resume?: boolean;
  json?: boolean;
  hidden?: number[];
  commitBias?: number;
  centerInputs?: boolean;
  verifyEvery?: number;
  verifyMaxStates: number;
  leaguePool?: number;
  leagueEvery?: number;
  leagueLatest?: number;
  learningRate?: number;
  entropy?: number;
  groupSize?: number;
  counterexamples?: number | true;
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
    .requiredOption('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file')
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--algo <algo>', `learning algorithm: ${ALGOS.join(', ')}`, oneOf(ALGOS), 'reinforce')
    .option('--schedule <schedule>', `who learns: ${SCHEDULES.join(', ')}`, oneOf(SCHEDULES), 'honest')
    .option('--honest <protocol|run>', 'frozen honest side for --schedule adversary (a protocol or a run folder; default majority)')
    .option('--adversary <adversary|run>', 'frozen adversary for --schedule honest (an adversary or a run folder)')
    .option('--epochs <n>', 'epochs to train (default 100)', integerIn(1, 1e6))
    .option('--batch <b>', 'episodes per epoch (default 256)', integerIn(1, 1 << 16))
    .option('--seed <k>', 'the run seed', integerIn(0, 2 ** 32 - 1), 0)
    .option('--out <dir>', 'run folder (default runs/<scenario>__<algo>__<seed>__<time>)')
    .option('--stop-at <x>', 'stop when the greedy win rate reaches x (evaluated every epoch)', rate)
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--json', 'print the summary as one JSON object')
    .option('--hidden <sizes>', 'hidden layer sizes of both networks, comma-separated ("" = linear; default: honest linear, adversary 16,8)', hiddenSizes)
    .option('--commit-bias <x>', 'initial logit of the honest commit options (negative: start patient; default -2)', finiteNumber)
    .option('--verify-every <k>', 'every k epochs (and at the last), verify the greedy honest policy against every adversary and record verifiedWorstCaseLoss in metrics.jsonl', integerIn(1, 1e6))
    .option('--verify-max-states <n>', 'state budget of each verification (too large a scenario stops the run with one line)', integerIn(1, 1e12), 2_000_000)
    .option('--league-pool <n>', 'schedule league: snapshots of each side kept as opponents (default 8)', integerIn(1, 10_000))
    .option('--league-every <k>', 'schedule league: epochs between snapshots (default 5)', integerIn(1, 1e6))
    .option('--league-latest <p>', 'schedule league: probability that an epoch\'s opponent is the other side\'s current network (default 0.5)', rate)
    .option('--init <run>', "start the honest network from this run's learned honest policy (weights, shape and network options; a fresh optimizer): a curriculum step")
    .option('--counterexamples [share]', 'train the honest side against the attacks each verification finds, too (needs --verify-every; schedule honest or league): an episode whose chance outcome an attack wins plays one with probability share (default 0.5)', rate)
    .option('--value-frame <frame>', `values in the honest network's observations and options: ${VALUE_FRAMES.join(', ')} (own-input: relative to the agent's own input; symmetric: that, and the input's own value hidden, so the policy treats every value alike; default absolute)`, oneOf(VALUE_FRAMES))
    .option('--message-bias <x>', 'initial logit of "send my own input" (needs --value-frame own-input or symmetric; default 0)', finiteNumber)
    .option('--history <h>', "the honest observation's history window: frames of the last h rounds (default 1)", integerIn(1, 64))
    .option('--commit-at-horizon', 'the honest policy may not wait in the last round (there waiting is a certain loss)')
    .option('--message-view <view>', `how the honest network observes messages: ${MESSAGE_VIEWS.join(', ')} (accepted: pki only, per other agent the values accepted by Dolev–Strong's rule; default per-sender)`, oneOf(MESSAGE_VIEWS))
    .option('--sample-view <view>', `how the honest network observes samples: ${SAMPLE_VIEWS.join(', ')} (record: also, per other agent and round, the answer it gave to the agent's sample; default counts)`, oneOf(SAMPLE_VIEWS))
    .option('--symmetric-others', 'the honest network sees the other agents in a canonical order (the smallest of the (n−1)! numberings), so it treats them alike')
    .option('--no-center-inputs', 'feed the honest network the raw observations (default: centred on a running mean before the first layer)')
    .option('--learning-rate <x>', 'Adam learning rate of the chosen algorithm (default: reinforce 0.01, ppo 0.005)', finiteNumber)
    .option('--entropy <x>', 'weight of the entropy bonus of the chosen algorithm (default 0.01)', finiteNumber)
    .option('--group-size <g>', 'reinforce: episodes per group sharing one chance outcome, whose mean return is the baseline (must divide --batch; default 1 = batch-mean baseline)', integerIn(1, 1 << 16))
    .action((flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const progress = startProgress(flags);
  let summary: TrainSummary;
  // Loaded here, not at the top: TensorFlow.js takes ~1 s to load, and other commands do not need it.
  const { train } = await import('../../train/train.js');
  try {
    summary = await train({
      scenario: flags.scenario,
      set: flags.set ?? [],
      algo: flags.algo,
      schedule: flags.schedule,
      seed: flags.seed,
      clockStart: 0,
      ...(flags.honest !== undefined && { honest: flags.honest }),
      ...(flags.adversary !== undefined && { adversary: flags.adversary }),
      ...(flags.epochs !== undefined && { epochs: flags.epochs }),
      ...(flags.batch !== undefined && { batch: flags.batch }),
      ...(flags.out !== undefined && { out: flags.out }),
      ...(flags.stopAt !== undefined && { stopAt: flags.stopAt }),
      ...(flags.resume && { resume: true }),
      ...(flags.hidden !== undefined && { hidden: flags.hidden }),
      ...(flags.commitBias !== undefined && { commitBias: flags.commitBias }),
      ...(flags.centerInputs === false && { centerInputs: false }),
      ...(flags.init !== undefined && { init: flags.init }),
      ...(flags.valueFrame !== undefined && { valueFrame: flags.valueFrame }),
      ...(flags.messageBias !== undefined && { messageBias: flags.messageBias }),
      ...(flags.history !== undefined && { history: flags.history }),
      ...(flags.commitAtHorizon && { commitAtHorizon: true }),
      ...(flags.symmetricOthers && { symmetricOthers: true }),
      ...(flags.messageView !== undefined && { messageView: flags.messageView }),
      ...(flags.sampleView !== undefined && { sampleView: flags.sampleView }),
      ...(flags.counterexamples !== undefined && { counterexamples: flags.counterexamples === true ? {} : { share: flags.counterexamples } }),
      ...(leagueOptions(flags) && { league: leagueOptions(flags) }),
      ...algoOptions(flags),
      ...(flags.verifyEvery !== undefined && { verification: await verification(flags) }),
      onEpoch: (m) => progress.epoch(m),
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

/** --learning-rate, --entropy and --group-size as the chosen algorithm's options. */
function algoOptions(flags: TrainFlags): Pick<TrainOptions, 'reinforce' | 'ppo'> {
  if (flags.groupSize !== undefined && flags.algo !== 'reinforce') throw new RangeError(`train: --group-size applies to --algo reinforce (got --algo ${flags.algo})`);
  const options = {
    ...(flags.learningRate !== undefined && { learningRate: flags.learningRate }),
    ...(flags.entropy !== undefined && { entropyCoef: flags.entropy }),
  };
  return flags.algo === 'reinforce' ? { reinforce: { ...options, ...(flags.groupSize !== undefined && { groupSize: flags.groupSize }) } } : { ppo: options };
}

/** The --league-* flags as league options, or undefined when none is given. */
function leagueOptions(flags: TrainFlags): TrainOptions['league'] {
  if (flags.leaguePool === undefined && flags.leagueEvery === undefined && flags.leagueLatest === undefined) return undefined;
  if (flags.schedule !== 'league') throw new RangeError(`train: --league-pool, --league-every and --league-latest need --schedule league (got --schedule ${flags.schedule})`);
  return {
    ...(flags.leaguePool !== undefined && { poolSize: flags.leaguePool }),
    ...(flags.leagueEvery !== undefined && { snapshotEvery: flags.leagueEvery }),
    ...(flags.leagueLatest !== undefined && { latestShare: flags.leagueLatest }),
  };
}

/** The verifier as training's probe: the worst-case loss of the greedy honest policy (cgym verify's number) and the attacks behind it. */
async function verification(flags: TrainFlags): Promise<NonNullable<TrainOptions['verification']>> {
  const [{ verify }, { loadScenario }] = await Promise.all([import('../../verify/verify.js'), import('../../game/loadScenario.js')]);
  const scenario = loadScenario(flags.scenario, flags.set ?? []);
  return {
    every: flags.verifyEvery!,
    check: (honest) => {
      const result = verify({ scenario, honest, maxStates: flags.verifyMaxStates });
      return { worstCaseLoss: result.worstCaseLossRate, attacks: result.verdict === 'unsafe' ? result.attacks : [] };
    },
  };
}

/** Per-epoch feedback on stderr: a bar on a terminal, a plain line every 10 epochs otherwise. */
function startProgress(flags: TrainFlags): { epoch(m: EpochMetrics): void; stop(): void } {
  const total = flags.epochs ?? 100;
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
