/**
 * `cgym chart`: replays one episode of a protocol against an adversary (as `play --trace` does)
 * and draws it as a message-sequence chart in SVG (or PNG).
 */
import { Command } from 'commander';
import { z } from 'zod';
import { episodeEvents } from '../../game/episodeEvents.js';
import { verdictLine } from '../../game/trace.js';
import { playEpisode, resolveSides } from '../../play/play.js';
import { ReportError } from '../../report/ReportError.js';
import { sequenceChartSvg } from '../../report/sequenceChart.js';
import { IMAGE_FILE_RULE, imageFormat, writeImage } from '../../report/writeImage.js';
import { integer, overrides, scenarioSource, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { honestWithParams, learnedOr, sidesScenario } from '../learned.js';
import { collect, integerIn } from '../options.js';

/** Every option of `cgym chart`, with its default. */
export const ChartConfigSchema = z.strictObject({
  version: version(),
  /** null: the game a run folder given as --honest or --adversary was trained on. */
  scenario: scenarioSource().nullable().default(null),
  /** A protocol or a run folder whose learned honest policy plays (greedy). */
  honest: text('a protocol name or a run folder'),
  /** An adversary or a run folder with a learned adversary. */
  adversary: text('an adversary name or a run folder').default('silent'),
  set: overrides(),
  /** `--param name=value` for a threshold automaton's parameters other than N and F. */
  param: overrides(),
  seed: integer(0, 2 ** 32 - 1).default(0),
  /** The episode of that seed to replay (as `play --trace-episode`). */
  episode: integer(0, 1e9).default(0),
  /** Where the chart goes, as SVG or PNG by its extension. */
  out: text('a file name').refine((file) => imageFormat(file) !== undefined, IMAGE_FILE_RULE),
  /** First line of the chart (null: "<honest> vs <adversary> · seed K · episode E"). */
  title: z.string({ error: 'must be a text' }).nullable().default(null),
});
export type ChartConfig = z.output<typeof ChartConfigSchema>;

export function chartCommand(): Command {
  const command = new Command('chart')
    .description('draw one episode as a message-sequence chart (SVG or PNG): lifelines, messages, decisions, verdict')
    .option('--scenario <name|file>', 'a preset name (see `cgym scenarios`) or a JSON scenario file (required unless a run folder brings its own)')
    .option('--honest <protocol|run>', 'honest protocol (see `cgym protocols`), or a run folder whose learned honest policy plays (greedy; required)')
    .option('--adversary <adversary|run>', withDefault('adversary controlling the faulty agents, or a run folder with a learned adversary', ChartConfigSchema, 'adversary'))
    .option('--param <name=value>', 'a parameter of a threshold automaton given as --honest FILE.ta, other than N and F (repeatable, e.g. T=1)', collect)
    .option('--set <key=value>', 'override a scenario key (repeatable)', collect)
    .option('--seed <k>', withDefault('run seed', ChartConfigSchema, 'seed'), integerIn(0, 2 ** 32 - 1))
    .option('--episode <e>', withDefault('the episode of that seed to replay (as `play --trace-episode`)', ChartConfigSchema, 'episode'), integerIn(0, 1e9))
    .option('--out <file.svg|file.png>', 'where to write the chart, SVG or PNG (twice the size, needs a TrueType font such as DejaVu Sans) by its extension (required)')
    .option('--title <text>', 'first line of the chart (default: "<honest> vs <adversary> · seed K · episode E")');
  return addConfigOption(command).action(async (flags: object, self: Command) => {
    try {
      await runChart(commandConfig('chart', ChartConfigSchema, self, givenFlags(flags)));
    } catch (error) {
      if (error instanceof ReportError) self.error(error.message);
      throw error;
    }
  });
}

async function runChart(given: ChartConfig): Promise<void> {
  const config = { ...given, honest: honestWithParams(given.honest, given.param) };
  const scenario = sidesScenario('chart', config);
  const { honest, adversary } = resolveSides(scenario, await learnedOr(config.honest, 'honest', scenario), await learnedOr(config.adversary, 'adversary', scenario));
  const game = playEpisode(scenario, honest, adversary, config.seed, config.episode);
  const events = episodeEvents(game, 0);
  const title = config.title ?? `${honest.name} vs ${adversary.name} · seed ${config.seed} · episode ${config.episode}`;
  await writeImage(config.out, sequenceChartSvg(events, { title }));
  process.stdout.write(`wrote ${config.out} (${verdictLine(events)})\n`);
}

