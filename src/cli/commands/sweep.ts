/**
 * `cgym sweep FILE.json`: a grid of train / verify / attack jobs (sweep/sweepFile.ts: a base config
 * and the axes to vary), each job a run folder under one sweep folder, run on every core of this
 * machine (`--jobs K`) or, with `--queue redis://HOST:PORT`, by `cgym worker` processes on any
 * machine sharing the sweep folder. A finished job is skipped (never run twice); a stopped one
 * resumes from its checkpoint. At the end, a table of each cell's metrics, mean ± sd over seeds,
 * on stdout and in `<out>/summary.md` (and `summary.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { Command } from 'commander';
import { ReportError } from '../../report/ReportError.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';
import { integerIn } from '../options.js';

interface SweepFlags {
  jobs?: number;
  queue?: string;
  out?: string;
}

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('run a grid of train / verify / attack jobs from a sweep file, on every core or on a Redis queue, with a table of mean ± sd per cell')
    .argument('<file.json>', 'the sweep: {"kind", "base", "axes", "out", "metrics", "jobs"} (README: Sweeps)')
    .option('--jobs <k>', 'jobs at once on this machine (default: the file\'s "jobs", else every core)', integerIn(1, 256))
    .option('--queue <redis://host:port>', 'put the jobs on a BullMQ queue in Redis and wait for `cgym worker` processes to run them')
    .option('--out <dir>', 'the sweep folder (default: the file\'s "out", else sweeps/<file name>)')
    .action((file: string, flags: SweepFlags) => runSweep(file, flags));
}

async function runSweep(file: string, flags: SweepFlags): Promise<void> {
  const { planSweep, readSweepFile } = await import('../../sweep/sweepFile.js');
  const sweep = readSweepFile(file);
  const plan = planSweep(flags.out === undefined ? sweep : { ...sweep, out: flags.out }, file);
  await checkJobConfigs(plan.jobs);

  // ---- before anything is written: a job made with another config is never taken as this one's
  for (const job of plan.jobs) {
    if (!existsSync(job.configFile)) continue;
    const before = readFileSync(job.configFile, 'utf8');
    if (before !== configText(job.config))
      throw new ReportError(`sweep: ${shownPath(job.configFile)} holds another config than this sweep's job ${job.name}; remove that job's files (jobs/${job.name}.json, runs/${job.name}) or choose another --out`);
  }
  for (const job of plan.jobs) if (!existsSync(job.configFile)) writeFileAtomic(job.configFile, configText(job.config));

  const { finishedResult, isStopped } = await import('../../sweep/SweepJob.js');
  const results = new Map<string, Record<string, unknown>>();
  for (const job of plan.jobs) {
    const done = finishedResult(job);
    if (done !== undefined) results.set(job.name, done);
  }
  const todo = plan.jobs.filter((job) => !results.has(job.name));
  const resumed = todo.filter(isStopped).length;
  const workers = Math.min(flags.jobs ?? plan.workers ?? availableParallelism(), Math.max(1, todo.length));
  const where = flags.queue === undefined ? `${workers} at a time` : `on the queue ${flags.queue}`;
  process.stderr.write(
    `sweep: ${plan.jobs.length} jobs in ${shownPath(plan.out)}: ${results.size} already finished, ${todo.length} to run${resumed > 0 ? ` (${resumed} resumed from their checkpoints)` : ''}, ${where}\n`,
  );

  const { SweepProgress } = await import('../../sweep/SweepProgress.js');
  const progress = new SweepProgress(todo.length, plan.metrics, process.stderr);
  const outcome =
    todo.length === 0
      ? { results: new Map(), failures: [] }
      : flags.queue === undefined
        ? await (await import('../../sweep/runPool.js')).runPool(todo, { workers, source: 'sweep', failFast: false }, progress)
        : await (await import('../../sweep/queue.js')).runOnQueue(todo, flags.queue, progress);
  progress.stop();
  for (const [job, result] of outcome.results) results.set(job.name, result);

  const { summarise, summaryTable } = await import('../../sweep/summaryTable.js');
  const cells = summarise(plan.jobs, results, plan.metrics);
  const table = summaryTable(cells, plan.metrics);
  writeFileAtomic(join(plan.out, 'summary.json'), JSON.stringify({ metrics: plan.metrics, cells }, null, 2) + '\n');
  writeFileAtomic(join(plan.out, 'summary.md'), `# Sweep ${shownPath(file)}\n\n${table}`);
  process.stdout.write(table);
  if (outcome.failures.length > 0) {
    const first = outcome.failures[0]!;
    throw new ReportError(`sweep: ${outcome.failures.length} of ${plan.jobs.length} jobs failed (first: ${first.error.message.replace(/^sweep: /, '')}); run the sweep again to retry them`);
  }
}

/** A path as the user would type it: relative to the working folder when inside it. */
function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

/** What a job's config file holds: the job's config as indented JSON. */
const configText = (config: Record<string, unknown>): string => JSON.stringify(config, null, 2) + '\n';

/**
 * Each job's config checked against its command's schema before any job runs, so that a key or
 * value the command would refuse is named once, up front: `sweep: job lr0.5__seed0: epochs=0: …`.
 */
async function checkJobConfigs(jobs: ReadonlyArray<{ name: string; kind: string; config: Record<string, unknown> }>): Promise<void> {
  const { parseConfig } = await import('../../game/parseConfig.js');
  for (const job of jobs) {
    const source = `sweep: job ${job.name}`;
    if (job.kind === 'train') {
      const { TrainConfigSchema } = await import('../../train/config.js');
      parseConfig(TrainConfigSchema.partial({ scenario: true }), job.config, source);
    } else if (job.kind === 'verify') {
      const { VerifyConfigSchema } = await import('./verify.js');
      parseConfig(VerifyConfigSchema, job.config, source);
    }
    // attack: its schema loads TensorFlow.js; the command itself names a bad key when the job runs.
  }
}
