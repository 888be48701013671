/**
 * `cgym play`: runs N episodes of a protocol against an adversary and prints the judged rates;
 * `--trace` adds one episode, replayed alone, as a round-by-round table.
 */
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadScenario } from '../../game/loadScenario.js';
import { renderTrace } from '../../game/trace.js';
import { availableParallelism } from 'node:os';
import { playOnAllCores } from '../../play/parallel.js';
import { playEpisode, type PlayResult } from '../../play/play.js';
import { count, formatTable, mean, percent } from '../format.js';
import { isRunName } from '../learned.js';
import { collect, integerIn } from '../options.js';

interface PlayFlags {
  scenario: string;
  honest: string;
  adversary: string;
  episodes: number;
  seed: number;
  set?: string[];
  batch?: number;
  workers?: number;
  json?: boolean;
  trace?: boolean;
  traceEpisode?: number;
}

/** Below this many episodes a run is too short for a progress bar to be worth drawing. */
const PROGRESS_MIN_EPISODES = 50_000;
const MAX_EPISODES = 1e9;

export function playCommand(): Command {
  return new Command('play')
    .description('play N episodes of an honest protocol against an adversary and report the judged rates')
    .requiredOption('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file')
    .requiredOption('--honest <protocol>', 'honest protocol (see `cgym protocols`)')
    .option('--adversary <adversary>', 'adversary controlling the faulty agents', 'silent')
    .option('--episodes <n>', 'episodes to play', integerIn(1, MAX_EPISODES), 10_000)
    .option('--seed <k>', 'run seed: episode e of seed k always replays the same', integerIn(0, 2 ** 32 - 1), 0)
    .option('--set <key=value>', 'override a scenario key (repeatable; dotted keys for nested ones, e.g. rewards.noCommit=-2)', collect)
    .option('--batch <b>', 'episodes per batch (does not change any outcome; default min(N, 4096))', integerIn(1, 1 << 20))
    .option('--workers <w>', `worker threads (default: every core, ${availableParallelism()} here); results do not depend on it`, integerIn(1, 256))
    .option('--json', 'print one JSON object instead of a table')
    .option('--trace', 'also print one episode (the first) as a round-by-round table')
    .option('--trace-episode <e>', 'the episode to trace (implies --trace)', integerIn(0, MAX_EPISODES))
    .action((flags: PlayFlags) => runPlay(flags));
}

async function runPlay(flags: PlayFlags): Promise<void> {
  // play runs registry protocols only (on every core); a run folder's learned side plays in eval and chart.
  for (const [option, name, side] of [['--honest', flags.honest, 'honest'], ['--adversary', flags.adversary, 'adversary']] as const)
    if (isRunName(name, side)) throw new RangeError(`play: ${option} takes a registry ${side === 'honest' ? 'protocol' : 'adversary'}, not a run folder (${name}); \`cgym eval --run <dir>\` plays a run's learned policy`);
  const scenario = loadScenario(flags.scenario, flags.set ?? []);
  const progress = startProgress(flags);
  let result: PlayResult;
  try {
    result = await playOnAllCores({
      scenario,
      honest: flags.honest,
      adversary: flags.adversary,
      episodes: flags.episodes,
      seed: flags.seed,
      ...(flags.batch !== undefined && { batchSize: flags.batch }),
      ...(flags.workers !== undefined && { workers: flags.workers }),
      ...(progress && { onProgress: (done: number) => progress.update(done) }),
    });
  } finally {
    progress?.stop();
  }

  let trace: string | undefined;
  if (flags.trace || flags.traceEpisode !== undefined) {
    const episode = flags.traceEpisode ?? 0;
    const game = playEpisode(scenario, flags.honest, flags.adversary, flags.seed, episode);
    trace = renderTrace(game, 0, { title: `trace: ${result.honest} vs ${result.adversary} · seed ${flags.seed} · episode ${episode}` });
  }

  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...result, set: flags.set ?? [], ...(trace !== undefined && { trace }) }, null, 2) + '\n');
    return;
  }
  process.stdout.write(formatResult(result));
  if (trace !== undefined) process.stdout.write('\n' + trace);
}

/** A progress bar on stderr, only for long runs on a terminal (never in --json output). */
function startProgress(flags: PlayFlags): cliProgress.SingleBar | undefined {
  if (flags.json || !process.stderr.isTTY || flags.episodes < PROGRESS_MIN_EPISODES) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'playing [{bar}] {percentage}% | {value}/{total} episodes | eta {eta}s', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(flags.episodes, 0);
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
