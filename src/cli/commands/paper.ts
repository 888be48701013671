/**
 * `cgym paper`: the seed paper's five experiments (GAME.md §9), each over 3 seeds (`--full`: 5), on
 * every core (a sweep's grid, run by sweep/runPool.ts: one `cgym train` / `cgym attack` child process
 * per run, the longest first), then
 * `results/paper.md` with the paper's result beside ours and the training curves as SVG (mean ± sd
 * over seeds). While it runs, a panel on a terminal, one line per finished run otherwise (progress.ts).
 * A re-run replaces the run folders it owns (`<out>/runs/<experiment>__seed<k>`): they are results,
 * regenerated exactly from their seeds. `<out>/paper.json` records the settings the folder's results
 * were made with; a run with other settings (a quick `--seeds 1` into the committed `results/`)
 * is refused unless `--force`, and so is a folder that holds other things and no paper.json.
 *
 * The child runs die with the parent: a SIGINT, SIGTERM or SIGHUP is passed on to them, and a child
 * whose parent was killed outright notices on its own (main.ts).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_EPOCHS, PAPER_EXPERIMENTS, paperTable, type PaperExperiment, type PaperRun } from '../../report/paper.js';
import { ReportError } from '../../report/ReportError.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';
import { flag, integer, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { integerIn } from '../options.js';
import { duration, PaperProgress } from '../progress.js';
import { runPool } from '../../sweep/runPool.js';
import type { JobResult, SweepJob } from '../../sweep/SweepJob.js';

/** Seeds per experiment by default: the table says on how many of them each target was met. */
export const DEFAULT_SEEDS = 3;
/** Seeds per experiment with `--full`. */
export const FULL_SEEDS = 5;

/** Every option of `cgym paper`, with its default. */
export const PaperConfigSchema = z.strictObject({
  version: version(),
  /** Seeds per experiment (0..seeds-1); null: DEFAULT_SEEDS, or FULL_SEEDS with `full`. */
  seeds: integer(1, 100).nullable().default(null),
  /** Epochs per run for every experiment (null: each experiment's own). */
  epochs: integer(1, 1e6).nullable().default(null),
  /** The experiments to run, in this order (null: all of them). */
  only: z.array(text('an experiment id'), { error: 'must be a list of experiment ids' }).min(1, 'must name at least one experiment').nullable().default(null),
  /** The results folder (paper.md, curves, runs/). */
  out: text('a folder').default('results'),
  /** Runs at once (null: every core). */
  workers: integer(1, 256).nullable().default(null),
  /** Write into `out` even if its results were made with other settings (or it holds other files). */
  force: flag(),
  /** The full run: FULL_SEEDS seeds per experiment. */
  full: flag(),
});
export type PaperConfig = z.output<typeof PaperConfigSchema>;

/** `a,b` → the ids. */
const idList = (raw: string): string[] => raw.split(',').map((id) => id.trim());

/** What a results folder was made with: `<out>/paper.json`. */
interface PaperSettings {
  seeds: number;
  /** `--epochs`, or null: each experiment's own. */
  epochs: number | null;
  /** The experiments, or null: all of them in their order. */
  only: string[] | null;
  /** The package's version, for the record (a new version regenerates the same settings). */
  version: string;
}

const SETTINGS_FILE = 'paper.json';

export function paperCommand(): Command {
  const command = new Command('paper')
    .description('reproduce the seed paper\'s five experiments over several seeds and write results/paper.md with curves')
    .option('--seeds <n>', `seeds per experiment (0..n-1) (default: ${DEFAULT_SEEDS})`, integerIn(1, 100))
    .option('--full', `the full run: ${FULL_SEEDS} seeds per experiment (--seeds ${FULL_SEEDS})`)
    .option('--epochs <n>', `epochs per run, for every experiment (default: each experiment's own, ${DEFAULT_EPOCHS} unless it says otherwise)`, integerIn(1, 1e6))
    .option('--only <ids>', `comma-separated experiments (${PAPER_EXPERIMENTS.map((e) => e.id).join(', ')})`, idList)
    .option('--out <dir>', withDefault('results folder (paper.md, curves, runs/)', PaperConfigSchema, 'out'))
    .option('--workers <w>', 'runs at once (default: every core, or the longest experiment\'s seeds if more: they share the cores)', integerIn(1, 256))
    .option('--force', 'write into --out even if its results were made with other settings (or it holds other files)');
  return addConfigOption(command).action((flags: object, self: Command) => runPaper(commandConfig('paper', PaperConfigSchema, self, givenFlags(flags))));
}

/** One experiment at one seed: a sweep job (a `cgym train` / `cgym attack` child process) that knows its experiment. */
interface PaperJob extends SweepJob {
  experiment: PaperExperiment;
  seed: number;
}

/** The seeds per experiment the config asks for: `--seeds`, else the full run's or the default. */
export function seedsOf(config: Pick<PaperConfig, 'seeds' | 'full'>): number {
  if (config.full && config.seeds !== null && config.seeds !== FULL_SEEDS) throw new RangeError(`paper: --full means --seeds ${FULL_SEEDS}, and --seeds ${config.seeds} was given too: give one of them`);
  return config.seeds ?? (config.full ? FULL_SEEDS : DEFAULT_SEEDS);
}

async function runPaper(config: PaperConfig): Promise<void> {
  const clockStart = performance.now();
  // ---- check everything before anything is deleted or written
  const experiments = selected(config.only);
  const seeds = seedsOf(config);
  const settings: PaperSettings = {
    seeds,
    epochs: config.epochs,
    only: experiments.length === PAPER_EXPERIMENTS.length && experiments.every((e, k) => e === PAPER_EXPERIMENTS[k]) ? null : experiments.map((e) => e.id),
    version: packageVersion(),
  };
  checkOutFolder(config.out, settings, config.force);
  const jobs: PaperJob[] = experiments.flatMap((experiment) => Array.from({ length: seeds }, (_, seed) => paperJob(experiment, seed, config.epochs, config.out)));
  const replaced = jobs.map((j) => j.run).filter((run) => existsSync(run));
  for (const run of replaced) {
    if (!existsSync(join(run, 'config.json'))) throw new ReportError(`paper: ${run} exists and is not a run folder; move it away or choose another --out`);
  }

  // From the first replaced run on, the folder holds these settings' results.
  writeFileAtomic(join(config.out, SETTINGS_FILE), JSON.stringify(settings, null, 2) + '\n');
  for (const run of replaced) rmSync(run, { recursive: true });

  const runs: PaperRun[] = [];
  const order = longestFirst(jobs);
  const workers = config.workers ?? paperWorkers(jobs, availableParallelism());
  const progress = new PaperProgress(order, workers, process.stderr, availableParallelism());
  // The grid is a sweep (sweep/runPool.ts) whose runs keep no result file: a re-run regenerates them.
  await runPool(order, { workers, source: 'paper', failFast: true }, {
    start: (job) => progress.start(job.experiment, job.seed),
    epoch: (job, message) => progress.epoch(job.experiment, job.seed, message),
    finish: (job, summary) => {
      const result = paperRun(job, summary);
      runs.push(result);
      progress.finish(job.experiment, result);
    },
    fail: () => undefined, // fail-fast: the error itself ends the paper
    stop: () => progress.stop(),
  });

  const { readRunFolder } = await import('../../report/runFolder.js');
  const { renderCurves } = await import('../../report/curves.js');
  const { experimentCurvesOptions } = await import('../../report/experimentCurves.js');
  const figures: string[] = [];
  for (const experiment of experiments) {
    const folders = jobs.filter((j) => j.experiment === experiment).map((j) => readRunFolder(j.run));
    const file = `${experiment.id}.svg`;
    writeFileAtomic(join(config.out, file), await renderCurves(folders, experimentCurvesOptions(experiment, folders)));
    figures.push(`![${experiment.id}](${file})`);
  }
  const wallSeconds = (performance.now() - clockStart) / 1000;
  const markdown = [
    '# The seed paper, reproduced',
    '',
    `\`cgym paper ${flagsOf(settings)}\` on ${new Date().toISOString().slice(0, 10)}, commit ${gitCommit()} (cgym ${settings.version}): ` +
      `${jobs.length} runs, ${workers} at a time on ${availableParallelism()} cores, ${duration(wallSeconds)} wall time.`,
    `Each run is judged by a greedy evaluation on 10,000 fresh episodes; a target is met on a seed when that seed's run reaches it;`,
    '"epochs / seconds to target" average the seeds that reached it;',
    '"verified worst-case loss" is `cgym verify` on the final greedy honest policy, where the experiment verifies it.',
    '',
    paperTable(experiments, runs),
    ...figures,
    '',
  ].join('\n');
  writeFileAtomic(join(config.out, 'paper.md'), markdown);
  process.stdout.write(`wrote ${join(config.out, 'paper.md')} (${jobs.length} runs, ${duration(wallSeconds)} wall time)\n\n${paperTable(experiments, runs)}`);
}

/**
 * Runs at once by default: every core, or more when the longest experiment has more runs than there
 * are cores — then all of them start together and share the cores. Why: k runs of T seconds on c < k
 * cores take ⌈k/c⌉·T one run per core (the 3-seed paper on 2 cores: the third slush-3v2 seed runs
 * alone after the first two), and about k·T/c when the k share the c cores (1.5·T), the shorter
 * experiments' runs filling in as the long ones end. A run's results do not depend on its speed.
 */
export function paperWorkers(jobs: ReadonlyArray<{ experiment: PaperExperiment }>, cores: number): number {
  const longest = Math.max(0, ...jobs.map((j) => j.experiment.expectedSeconds));
  const longRuns = jobs.filter((j) => j.experiment.expectedSeconds === longest).length;
  return Math.max(1, Math.min(jobs.length, Math.max(cores, longRuns)));
}

/**
 * The runs in the order to start them: longest expected first (list scheduling: a long run started
 * last would finish alone while the other cores idle), the experiments' order and then the seeds
 * breaking ties. `--epochs` does not change the order: it scales every experiment alike.
 */
export function longestFirst<J extends { experiment: PaperExperiment; seed: number }>(jobs: readonly J[]): J[] {
  const rank = (j: J) => PAPER_EXPERIMENTS.indexOf(j.experiment);
  return [...jobs].sort((a, b) => b.experiment.expectedSeconds - a.experiment.expectedSeconds || rank(a) - rank(b) || a.seed - b.seed);
}

/** The package's git commit, short, or "unknown" (not a git checkout, or no git). */
function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

function selected(only: readonly string[] | null): PaperExperiment[] {
  if (only === null) return [...PAPER_EXPERIMENTS];
  const experiments = only.map((id) => {
    const found = PAPER_EXPERIMENTS.find((e) => e.id === id);
    if (!found) throw new ReportError(`paper: unknown experiment "${id}" (known: ${PAPER_EXPERIMENTS.map((e) => e.id).join(', ')})`);
    return found;
  });
  const twice = experiments.find((e, k) => experiments.indexOf(e) !== k);
  if (twice) throw new ReportError(`paper: --only names "${twice.id}" twice`);
  return experiments;
}

/** The command line that makes these settings, for messages: `--seeds 5 --only pki`. */
function flagsOf(settings: Pick<PaperSettings, 'seeds' | 'epochs' | 'only'>): string {
  return [`--seeds ${settings.seeds}`, settings.epochs === null ? '' : ` --epochs ${settings.epochs}`, settings.only === null ? '' : ` --only ${settings.only.join(',')}`].join('');
}

/**
 * Refuses (unless forced) an --out that is a file, holds results made with other settings, or
 * holds things `cgym paper` does not write and no paper.json.
 */
function checkOutFolder(out: string, settings: PaperSettings, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new ReportError(`paper: --out ${out} is a file, not a folder`);
  if (force) return;
  const record = join(out, SETTINGS_FILE);
  if (existsSync(record)) {
    const before = readSettings(record);
    if (before === undefined) throw new ReportError(`paper: ${record} is not a cgym paper settings record; choose another --out, or add --force to write over it`);
    if (flagsOf(before) === flagsOf(settings)) return;
    throw new ReportError(`paper: ${out} holds results made with \`cgym paper ${flagsOf(before)}\`; this run (${flagsOf(settings)}) would overwrite them: choose another --out, or add --force`);
  }
  const foreign = readdirSync(out).filter((name) => !writtenByPaper(out, name));
  if (foreign.length > 0) {
    throw new ReportError(`paper: ${out} is not empty (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}) and holds no ${SETTINGS_FILE}; choose another --out, or add --force to write into it`);
  }
}

/** Whether `name` in an --out folder is something `cgym paper` writes (a folder from before paper.json existed). */
function writtenByPaper(out: string, name: string): boolean {
  const own = (file: string) => file === 'paper.md' || file === SETTINGS_FILE || PAPER_EXPERIMENTS.some((e) => file === `${e.id}.svg`);
  // A write killed between its temporary file and the rename leaves `<file>.tmp-<pid>`.
  if (own(name.replace(/\.tmp-\d+$/, ''))) return true;
  if (name !== 'runs' || !statSync(join(out, name)).isDirectory()) return false;
  const run = new RegExp(`^(${PAPER_EXPERIMENTS.map((e) => e.id).join('|')})__seed\\d+$`);
  return readdirSync(join(out, name)).every((entry) => run.test(entry));
}

function readSettings(file: string): PaperSettings | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<PaperSettings>;
    const only = value.only;
    const valid = Number.isInteger(value.seeds) && (value.epochs === null || Number.isInteger(value.epochs)) && (only === null || (Array.isArray(only) && only.every((id) => typeof id === 'string')));
    return valid ? (value as PaperSettings) : undefined;
  } catch {
    return undefined;
  }
}

function packageVersion(): string {
  const root = packageRoot();
  return root === undefined ? 'unknown' : ((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown');
}

/** The folder of the package's package.json, walking up from dist/src/cli/commands or src/cli/commands. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return undefined;
}

/** The job that runs one experiment at one seed into `<out>/runs/<experiment>__seed<k>`. */
function paperJob(experiment: PaperExperiment, seed: number, epochs: number | null, out: string): PaperJob {
  const name = `${experiment.id}__seed${seed}`;
  const run = join(out, 'runs', name);
  const what = experiment.command === 'train' ? ['train', '--recipe', experiment.recipe] : ['attack', ...experiment.args];
  const epochsFlag = epochs ?? experiment.epochs ?? (experiment.command === 'attack' ? DEFAULT_EPOCHS : undefined);
  const args = [...what, '--seed', String(seed), ...(epochsFlag === undefined ? [] : ['--epochs', String(epochsFlag)]), '--out', run, '--json'];
  return { name, label: `${experiment.id} seed ${seed}`, kind: experiment.command, cell: experiment.id, seed, run, args, resumeArgs: null, keepResult: false, experiment };
}

/** The run's outcome as the table reads it, from the command's JSON summary. */
function paperRun(job: PaperJob, summary: JobResult): PaperRun {
  const { experiment, seed, run } = job;
  const value = summary[experiment.metric];
  if (typeof value !== 'number') throw new ReportError(`paper: ${experiment.id} seed ${seed}: no ${experiment.metric} in the summary`);
  // "Epochs / seconds to target" are the run's own when its greedy evaluation tracked the
  // experiment's metric against the experiment's target (train's evalMetric and threshold).
  const tracked = summary['evalMetric'] === (experiment.metric === 'finalWinRate' ? 'winRate' : experiment.metric) && summary['threshold'] === experiment.threshold;
  const numberOrNull = (key: string): number | null => {
    const x = summary[key];
    return typeof x === 'number' ? x : null;
  };
  return {
    experiment: experiment.id,
    seed,
    value,
    epochsToThreshold: tracked ? numberOrNull('epochsToThreshold') : null,
    secondsToThreshold: tracked ? numberOrNull('secondsToThreshold') : null,
    verifiedWorstCaseLoss: numberOrNull('verifiedWorstCaseLoss'),
    wallSeconds: numberOrNull('wallSeconds') ?? 0,
    run,
  };
}
