/**
 * `cgym plot`: training curves of one or more run folders as SVG or PNG (the paper's figures: win
 * rate and rewards per epoch, runs overlaid), rendered headless with Vega-Lite (and resvg for a
 * PNG). Reads run folders only.
 */
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { join } from 'node:path';
import { CURVE_METRICS, curvesSpec, isCurveMetric, type CurveMetric, type CurvesOptions } from '../../report/curves.js';
import { ReportError } from '../../report/ReportError.js';
import { readRunFolder } from '../../report/runFolder.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';
import { IMAGE_FILE_RULE, imageFormat, writeImage } from '../../report/writeImage.js';
import { flag, oneOf, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';

/** `winRate,honestReward` → checked metric keys. */
function metricList(raw: string): CurveMetric[] {
  const keys = raw.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = keys.filter((k) => !isCurveMetric(k));
  if (keys.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`${unknown.length ? `unknown metric ${unknown.join(', ')}; ` : ''}choose from ${CURVE_METRICS.join(', ')}.`);
  return keys as CurveMetric[];
}

/** A rate in 0..1, e.g. `0.99`. */
function rateFlag(raw: string): number {
  const value = /^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError('must be a rate in 0..1, e.g. 0.99.');
  return value;
}

const THRESHOLD_RULE = 'must be a rate in 0..1, runs or none';

/** Every option of `cgym plot`, with its default. */
export const PlotConfigSchema = z.strictObject({
  version: version(),
  /** Run folders to overlay. */
  run: z.array(text('a run folder'), { error: 'must be a list of run folders' }).min(1, 'must name at least one run folder'),
  /** Where the figure goes, as SVG or PNG by its extension (null: curves.svg in the first run folder). */
  out: text('a file name').refine((file) => imageFormat(file) !== undefined, IMAGE_FILE_RULE).nullable().default(null),
  /** Metrics, one panel each (null: winRate, evalWinRate, honestReward, adversaryReward, those with data). */
  metric: z.array(oneOf(CURVE_METRICS), { error: 'must be a list of metrics' }).min(1, 'must name at least one metric').nullable().default(null),
  /** Also plot the consistency, validity and termination violation rates. */
  violations: flag(),
  /** Merge runs that differ only in seed into a mean ± sd band. */
  band: flag(),
  title: z.string({ error: 'must be a text' }).default('training curves'),
  /** The dashed target line on the win-rate panels: a rate, `runs` (their config.threshold when they agree) or `none`. */
  threshold: z.union([z.number().min(0, THRESHOLD_RULE).max(1, THRESHOLD_RULE), z.enum(['runs', 'none'])], { error: THRESHOLD_RULE }).default('runs'),
  /** Also write the Vega-Lite spec here (null: not written). */
  spec: text('a file name').nullable().default(null),
});
export type PlotConfig = z.output<typeof PlotConfigSchema>;

export function plotCommand(): Command {
  const command = new Command('plot')
    .description('plot training curves of run folders (win rate and rewards per epoch, runs overlaid) as SVG or PNG')
    .option('--run <dir...>', 'run folders (runs/<name>) to overlay (required)')
    .option('--out <file.svg|file.png>', 'where to write the figure, SVG or PNG (twice the size, needs a TrueType font such as DejaVu Sans) by its extension (default: curves.svg in the first run folder)')
    .option('--metric <keys>', `comma-separated metrics, one panel each any of ${CURVE_METRICS.join(', ')}; breakRate is 1 − winRate (default: winRate,evalWinRate,honestReward,adversaryReward)`, metricList)
    .option('--violations', 'also plot the consistency, validity and termination violation rates')
    .option('--band', 'merge runs that differ only in seed: mean ± sd band, coloured by scenario and algorithm')
    .option('--title <text>', withDefault('chart title', PlotConfigSchema, 'title'))
    .option('--threshold <rate>', "dashed target line on the win-rate panels (default: the runs' config.threshold when they agree)", rateFlag)
    .option('--no-threshold', 'no target line')
    .option('--spec <file.json>', 'also write the Vega-Lite spec (to restyle or embed)');
  return addConfigOption(command).action(async (flags: { threshold?: number | false }, self: Command) => {
    try {
      // --no-threshold: commander's false, the config's `none`.
      const given = givenFlags({ ...flags, threshold: flags.threshold === false ? 'none' : flags.threshold });
      await runPlot(commandConfig('plot', PlotConfigSchema, self, given));
    } catch (error) {
      if (error instanceof ReportError) self.error(error.message);
      throw error;
    }
  });
}

async function runPlot(config: PlotConfig): Promise<void> {
  const runs = config.run.map((dir) => readRunFolder(dir));
  const options: CurvesOptions = {
    groupBy: config.band ? 'seeds' : 'run',
    ...(config.metric !== null && { metrics: config.metric }),
    violations: config.violations,
    title: config.title,
    ...(config.threshold !== 'runs' && { threshold: config.threshold === 'none' ? null : config.threshold }),
  };
  const curves = curvesSpec(runs, options);
  // Loaded here, not at the top: Vega takes ~0.3 s to import, which every other command would pay.
  const { vegaLiteToSvg } = await import('../../report/vegaLiteToSvg.js');
  const svg = await vegaLiteToSvg(curves.spec);
  const out = config.out ?? join(config.run[0]!, 'curves.svg');
  await writeImage(out, svg);
  const written = [out];
  if (config.spec !== null) {
    writeFileAtomic(config.spec, JSON.stringify(curves.spec, null, 2) + '\n');
    written.push(config.spec);
  }
  const what = `${curves.metrics.join(', ')} of ${curves.series.length} ${config.band ? 'seed group' : 'run'}${curves.series.length === 1 ? '' : 's'}`;
  process.stdout.write(`wrote ${written.join(' and ')} (${what})\n`);
}
