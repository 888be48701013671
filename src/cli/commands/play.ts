/**
 * `cgym play`: runs N episodes of a protocol against an adversary and prints the judged rates;
 * `--trace` adds one episode, replayed alone, as a round-by-round table.
 */
import { Command } from 'commander';
import { z } from 'zod';
import cliProgress from 'cli-progress';
import { renderTrace } from '../../game/trace.js';
import { availableParallelism } from 'node:os';
import { playOnAllCores } from '../../play/parallel.js';
import { playEpisode, type PlayResult } from '../../play/play.js';
import { flag, integer, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { count, formatTable, mean, percent, scenarioLabel } from '../format.js';
import { automatonSpecs, formatSpecs, honestWithParams, learnedOr, sidesScenario } from '../learned.js';
import { needs } from '../needs.js';
import { collect, integerIn } from '../options.js';

/** Below this many episodes a run is too short for a progress bar to be worth drawing. */
const PROGRESS_MIN_EPISODES = 50_000;
const MAX_EPISODES = 1e9;

/** Every option of `cgym play`, with its default. */
export const PlayConfigSchema = z.strictObject({
  version: version(),
  /** null: the scenario a run folder (--honest or --adversary) was trained on; a protocol needs one. */
  scenario: scenarioSource().nullable().default(null),
  set: overrides(),
  /** `--param name=value` for a threshold automaton's parameters other than N and F. */
  param: overrides(),
  /** A registry protocol, or a run folder (its learned honest policy, greedy). Required. */
  honest: text('a protocol name or a run folder').nullable().default(null),
  /** A registry adversary, or a run folder (its learned adversary, greedy). */
  adversary: text('an adversary name or a run folder').default('silent'),
  episodes: integer(1, MAX_EPISODES).default(10_000),
  seed: integer(0, 2 ** 32 - 1).default(0),
  /** Episodes per batch (null: min(episodes, 4096)); no outcome depends on it. */
  batch: integer(1, 1 << 20).nullable().default(null),
  /** Worker threads (null: every core); no outcome depends on it. */
  workers: integer(1, 256).nullable().default(null),
  json: flag(),
  /** Also print one episode (traceEpisode, else the first) as a round-by-round table. */
  trace: flag(),
  traceEpisode: integer(0, MAX_EPISODES).nullable().default(null),
});
export type PlayConfig = z.output<typeof PlayConfigSchema>;

/** What `cgym play` with neither a scenario nor an honest side says: where to start. */
export const PLAY_USAGE = 'play: needs a scenario and an honest protocol, e.g. `cgym play --scenario honest-consensus --honest majority`; the scenarios: `cgym scenarios`; every option: `cgym play --help`';

export function playCommand(): Command {
  const command = new Command('play')
    .description('play N episodes of an honest protocol against an adversary and report the judged rates')
    .option('--scenario <name|file>', "a preset name (see `cgym scenarios`) or a JSON scenario file (default: a run folder's, when --honest or --adversary is one)")
    .option('--honest <protocol|run>', 'honest protocol (see `cgym protocols`), or a run folder whose learned honest policy plays (greedy; required)')
    .option('--adversary <adversary|run>', withDefault('adversary controlling the faulty agents, or a run folder whose learned adversary plays (greedy)', PlayConfigSchema, 'adversary'))
    .option('--episodes <n>', withDefault('episodes to play', PlayConfigSchema, 'episodes'), integerIn(1, MAX_EPISODES))
    .option('--seed <k>', withDefault('run seed: episode e of seed k always replays the same', PlayConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--param <name=value>', 'a parameter of a threshold automaton given as --honest FILE.ta, other than N and F (repeatable, e.g. T=1)', collect)
    .option('--set <key=value>', 'override a scenario key (repeatable; dotted keys for nested ones, e.g. rewards.noCommit=-2)', collect)
    .option('--batch <b>', 'episodes per batch; does not change any outcome (default: min(N, 4096))', integerIn(1, 1 << 20))
    .option('--workers <w>', `worker threads; results do not depend on it (default: every core, ${availableParallelism()} here; one with a run folder)`, integerIn(1, 256))
    .option('--json', 'print one JSON object instead of a table')
    .option('--trace', 'also print one episode (the first) as a round-by-round table')
    .option('--trace-episode <e>', 'the episode to trace (implies --trace)', integerIn(0, MAX_EPISODES));
  return addConfigOption(command).action((flags: object, self: Command) => runPlay(commandConfig('play', PlayConfigSchema, self, givenFlags(flags))));
}

async function runPlay(given: PlayConfig): Promise<void> {
  const config = { ...given, honest: honestWithParams(given.honest, given.param) };
  if (config.honest === null && config.scenario === null) throw new RangeError(PLAY_USAGE);
  if (config.honest === null) throw needs('play', '--honest <protocol|run> (the protocols: `cgym protocols`)');
  const scenario = sidesScenario('play', { ...config, honest: config.honest });
  // A learned side is an object, which plays on this thread; registry names cross to every core.
  const honest = await learnedOr(config.honest, 'honest', scenario);
  const adversary = await learnedOr(config.adversary, 'adversary', scenario);
  const progress = startProgress(config);
  let result: PlayResult;
  try {
    result = await playOnAllCores({
      scenario,
      honest,
      adversary,
      episodes: config.episodes,
      seed: config.seed,
      ...(config.batch !== null && { batchSize: config.batch }),
      ...(config.workers !== null && { workers: config.workers }),
      ...(progress && { onProgress: (done: number) => progress.update(done) }),
    });
  } finally {
    progress?.stop();
  }

  let trace: string | undefined;
  if (config.trace || config.traceEpisode !== null) {
    const episode = config.traceEpisode ?? 0;
    const game = playEpisode(scenario, honest, adversary, config.seed, episode);
    trace = renderTrace(game, 0, { title: `trace: ${result.honest} vs ${result.adversary} · seed ${config.seed} · episode ${episode}` });
  }

  const specs = automatonSpecs(honest, adversary, scenario, config.episodes, config.seed);
  if (config.json) {
    process.stdout.write(JSON.stringify({ ...result, set: config.set, ...(specs && { specs }), ...(trace !== undefined && { trace }) }, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatResult(result, scenarioLabel(scenario, config.set)));
  if (specs) process.stdout.write(formatSpecs(specs, config.episodes));
  if (trace !== undefined) process.stdout.write('\n' + trace);
}

/** A progress bar on stderr, only for long runs on a terminal (never in --json output). */
function startProgress(config: PlayConfig): cliProgress.SingleBar | undefined {
  if (config.json || !process.stderr.isTTY || config.episodes < PROGRESS_MIN_EPISODES) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'playing [{bar}] {percentage}% | {value}/{total} episodes | eta {eta}s', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(config.episodes, 0);
  return bar;
}

/** The judged rates under a header; `scenario` is how the header names what was played (see scenarioLabel). */
export function formatResult(r: PlayResult, scenario: string = r.scenario): string {
  const header = `${scenario} · honest ${r.honest} vs adversary ${r.adversary} · ${count(r.episodes)} episodes · seed ${r.seed}\n\n`;
  const rows: string[][] = [
    ['honest win rate', percent(r.winRate)],
    ['consistency violations', percent(r.consistencyViolationRate)],
    ['validity violations', percent(r.validityViolationRate)],
    ['termination violations', percent(r.terminationViolationRate)],
    ['majority-correct rate', percent(r.majorityCorrectRate)],
    ['mean rounds', mean(r.meanRounds)],
    ['mean messages / episode', mean(r.meanMessages)],
    ['mean honest reward', mean(r.meanHonestReward)],
    ['episodes / s', count(r.episodesPerSecond)],
  ];
  return header + formatTable(rows, { align: ['left', 'right'], indent: '  ' });
}
