/**
 * `cgym chart`: replays one episode of a protocol against an adversary (as `play --trace` does)
 * and draws it as a message-sequence chart in SVG.
 */
import { Command } from 'commander';
import { episodeEvents } from '../../game/episodeEvents.js';
import { loadScenario } from '../../game/loadScenario.js';
import { verdictLine } from '../../game/trace.js';
import { playEpisode, resolveSides } from '../../play/play.js';
import { ReportError } from '../../report/ReportError.js';
import { sequenceChartSvg } from '../../report/sequenceChart.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';
import { learnedOr } from '../learned.js';
import { collect, integerIn } from '../options.js';

interface ChartFlags {
  scenario: string;
  honest: string;
  adversary: string;
  set?: string[];
  seed: number;
  episode: number;
  out: string;
  title?: string;
}

export function chartCommand(): Command {
  return new Command('chart')
    .description('draw one episode as a message-sequence chart (SVG): lifelines, messages, decisions, verdict')
    .requiredOption('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file')
    .requiredOption('--honest <protocol|run>', 'honest protocol (see `cgym protocols`), or a run folder whose learned honest policy plays (greedy)')
    .option('--adversary <adversary|run>', 'adversary controlling the faulty agents, or a run folder with a learned adversary', 'silent')
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--seed <k>', 'run seed', integerIn(0, 2 ** 32 - 1), 0)
    .option('--episode <e>', 'the episode of that seed to replay (as `play --trace-episode`)', integerIn(0, 1e9), 0)
    .requiredOption('--out <file.svg>', 'where to write the SVG')
    .option('--title <text>', 'first line of the chart (default: "<honest> vs <adversary> · seed K · episode E")')
    .action(async (flags: ChartFlags, command: Command) => {
      try {
        await runChart(flags);
      } catch (error) {
        if (error instanceof ReportError) command.error(error.message);
        throw error;
      }
    });
}

async function runChart(flags: ChartFlags): Promise<void> {
  const scenario = loadScenario(flags.scenario, flags.set ?? []);
  const { honest, adversary } = resolveSides(scenario, await learnedOr(flags.honest, 'honest', scenario), await learnedOr(flags.adversary, 'adversary', scenario));
  const game = playEpisode(scenario, honest, adversary, flags.seed, flags.episode);
  const events = episodeEvents(game, 0);
  const title = flags.title ?? `${honest.name} vs ${adversary.name} · seed ${flags.seed} · episode ${flags.episode}`;
  writeFileAtomic(flags.out, sequenceChartSvg(events, { title }));
  process.stdout.write(`wrote ${flags.out} (${verdictLine(events)})\n`);
}

