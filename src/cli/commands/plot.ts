/**
 * `cgym plot`: training curves of one or more run folders as SVG (the paper's figures: win rate
 * and rewards per epoch, runs overlaid), rendered headless with Vega-Lite. Reads run folders only.
 */
import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { curvesSpec, type CurvesOptions } from '../../report/curves.js';
import { ReportError } from '../../report/ReportError.js';
import { isEpochMetric, EPOCH_METRICS, readRunFolder, type EpochMetric } from '../../report/runFolder.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';

interface PlotFlags {
  run: string[];
  out?: string;
  metric?: EpochMetric[];
  violations?: boolean;
  band?: boolean;
  title?: string;
  spec?: string;
  /** A rate, or false for `--no-threshold`. */
  threshold?: number | false;
}

/** `winRate,honestReward` → checked metric keys. */
function metricList(raw: string): EpochMetric[] {
  const keys = raw.split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = keys.filter((k) => !isEpochMetric(k));
  if (keys.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`${unknown.length ? `unknown metric ${unknown.join(', ')}; ` : ''}choose from ${EPOCH_METRICS.join(', ')}.`);
  return keys as EpochMetric[];
}

/** A rate in 0..1, e.g. `0.99`. */
function rate(raw: string): number {
  const value = /^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError('must be a rate in 0..1, e.g. 0.99.');
  return value;
}

export function plotCommand(): Command {
  return new Command('plot')
    .description('plot training curves of run folders (win rate and rewards per epoch, runs overlaid) as SVG')
    .requiredOption('--run <dir...>', 'run folders (runs/<name>) to overlay')
    .option('--out <file.svg>', 'where to write the SVG (default: curves.svg in the first run folder)')
    .option('--metric <keys>', `comma-separated metrics, one panel each (default winRate,evalWinRate,honestReward,adversaryReward; any of ${EPOCH_METRICS.join(', ')})`, metricList)
    .option('--violations', 'also plot the consistency, validity and termination violation rates')
    .option('--band', 'merge runs that differ only in seed: mean ± sd band, coloured by scenario and algorithm')
    .option('--title <text>', 'chart title', 'training curves')
    .option('--threshold <rate>', "dashed target line on the win-rate panels (default: the runs' config.threshold when they agree)", rate)
    .option('--no-threshold', 'no target line')
    .option('--spec <file.json>', 'also write the Vega-Lite spec (to restyle or embed)')
    .action(async (flags: PlotFlags, command: Command) => {
      try {
        await runPlot(flags);
      } catch (error) {
        if (error instanceof ReportError) command.error(error.message);
        throw error;
      }
    });
}

async function runPlot(flags: PlotFlags): Promise<void> {
  const runs = flags.run.map((dir) => readRunFolder(dir));
  const options: CurvesOptions = {
    groupBy: flags.band ? 'seeds' : 'run',
    ...(flags.metric && { metrics: flags.metric }),
    ...(flags.violations && { violations: true }),
    ...(flags.title !== undefined && { title: flags.title }),
    ...(flags.threshold !== undefined && { threshold: flags.threshold === false ? null : flags.threshold }),
  };
  const curves = curvesSpec(runs, options);
  // Loaded here, not at the top: Vega takes ~0.3 s to import, which every other command would pay.
  const { vegaLiteToSvg } = await import('../../report/vegaLiteToSvg.js');
  const svg = await vegaLiteToSvg(curves.spec);
  const out = flags.out ?? join(flags.run[0]!, 'curves.svg');
  writeFileAtomic(out, svg);
  const written = [out];
  if (flags.spec !== undefined) {
    writeFileAtomic(flags.spec, JSON.stringify(curves.spec, null, 2) + '\n');
    written.push(flags.spec);
  }
  const what = `${curves.metrics.join(', ')} of ${curves.series.length} ${flags.band ? 'seed group' : 'run'}${curves.series.length === 1 ? '' : 's'}`;
  process.stdout.write(`wrote ${written.join(' and ')} (${what})\n`);
}
