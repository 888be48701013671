/**
 * `cgym play`: runs N episodes of a protocol against an adversary and prints the judged rates;
 * `--trace` adds one episode, replayed alone, as a round-by-round table.
 */
import { Command } from 'commander';
import { z } from 'zod';
import cliProgress from 'cli-progress';
import { loadScenario } from '../../game/loadScenario.js';
import { renderTrace } from '../../game/trace.js';
import { availableParallelism } from 'node:os';
import { playOnAllCores } from '../../play/parallel.js';
import { playEpisode, type PlayResult } from '../../play/play.js';
import { flag, integer, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { count, formatTable, mean, percent } from '../format.js';
import { isRunName } from '../learned.js';
import { collect, integerIn } from '../options.js';

/** Below this many episodes a run is too short for a progress bar to be worth drawing. */
const PROGRESS_MIN_EPISODES = 50_000;
const MAX_EPISODES = 1e9;

/** Every option of `cgym play`, with its default. */
export const PlayConfigSchema = z.strictObject({
  version: version(),
  scenario: scenarioSource(),
  set: overrides(),
  /** A registry protocol (a run folder's learned side plays in eval and chart). */
  honest: text('a protocol name'),
  adversary: text('an adversary name').default('silent'),
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

export function playCommand(): Command {
  const command = new Command('play')
    .description('play N episodes of an honest protocol against an adversary and report the judged rates')
    .option('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file (required)')
    .option('--honest <protocol>', 'honest protocol (see `cgym protocols`; required)')
    .option('--adversary <adversary>', withDefault('adversary controlling the faulty agents', PlayConfigSchema, 'adversary'))
    .option('--episodes <n>', withDefault('episodes to play', PlayConfigSchema, 'episodes'), integerIn(1, MAX_EPISODES))
    .option('--seed <k>', withDefault('run seed: episode e of seed k always replays the same', PlayConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--set <key=value>', 'override a scenario key (repeatable; dotted keys for nested ones, e.g. rewards.noCommit=-2)', collect)
    .option('--batch <b>', 'episodes per batch (does not change any outcome; default min(N, 4096))', integerIn(1, 1 << 20))
    .option('--workers <w>', `worker threads (default: every core, ${availableParallelism()} here); results do not depend on it`, integerIn(1, 256))
    .option('--json', 'print one JSON object instead of a table')
    .option('--trace', 'also print one episode (the first) as a round-by-round table')
    .option('--trace-episode <e>', 'the episode to trace (implies --trace)', integerIn(0, MAX_EPISODES));
  return addConfigOption(command).action((flags: object, self: Command) => runPlay(commandConfig('play', PlayConfigSchema, self, givenFlags(flags))));
}

async function runPlay(config: PlayConfig): Promise<void> {
  // play runs registry protocols only (on every core); a run folder's learned side plays in eval and chart.
  for (const [option, name, side] of [['--honest', config.honest, 'honest'], ['--adversary', config.adversary, 'adversary']] as const)
    if (isRunName(name, side)) throw new RangeError(`play: ${option} takes a registry ${side === 'honest' ? 'protocol' : 'adversary'}, not a run folder (${name}); \`cgym eval --run <dir>\` plays a run's learned policy`);
  const scenario = loadScenario(config.scenario, config.set);
  const progress = startProgress(config);
  let result: PlayResult;
  try {
    result = await playOnAllCores({
      scenario,
      honest: config.honest,
      adversary: config.adversary,
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
    const game = playEpisode(scenario, config.honest, config.adversary, config.seed, episode);
    trace = renderTrace(game, 0, { title: `trace: ${result.honest} vs ${result.adversary} · seed ${config.seed} · episode ${episode}` });
  }

  if (config.json) {
    process.stdout.write(JSON.stringify({ ...result, set: config.set, ...(trace !== undefined && { trace }) }, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatResult(result));
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

export function formatResult(r: PlayResult): string {
  const header = `${r.scenario} · honest ${r.honest} vs adversary ${r.adversary} · ${count(r.episodes)} episodes · seed ${r.seed}\n\n`;
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
