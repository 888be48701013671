/**
 * `cgym paper`: the seed paper's five experiments (GAME.md §9), each over several seeds, on every
 * core (one `cgym train` / `cgym attack` child process per run), then `results/paper.md` with the
 * paper's result beside ours and the training curves as SVG (mean ± sd over seeds).
 * A re-run replaces the run folders it owns (`<out>/runs/<experiment>__seed<k>`): they are results,
 * regenerated exactly from their seeds.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DEFAULT_EPOCHS, PAPER_EXPERIMENTS, paperTable, type PaperExperiment, type PaperRun } from '../../report/paper.js';
import { ReportError } from '../../report/ReportError.js';
import { writeFileAtomic } from '../../report/writeFileAtomic.js';
import { integerIn } from '../options.js';

interface PaperFlags {
  seeds: number;
  epochs?: number;
  only?: string;
  out: string;
  workers?: number;
}

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export function paperCommand(): Command {
  return new Command('paper')
    .description('reproduce the seed paper\'s five experiments over several seeds and write results/paper.md with curves')
    .option('--seeds <n>', 'seeds per experiment (0..n-1)', integerIn(1, 100), 5)
    .option('--epochs <n>', `epochs per run, for every experiment (default: each experiment's own, ${DEFAULT_EPOCHS} unless it says otherwise)`, integerIn(1, 1e6))
    .option('--only <ids>', `comma-separated experiments (${PAPER_EXPERIMENTS.map((e) => e.id).join(', ')})`)
    .option('--out <dir>', 'results folder (paper.md, curves, runs/)', 'results')
    .option('--workers <w>', 'runs at once (default: every core)', integerIn(1, 256))
    .action((flags: PaperFlags) => runPaper(flags));
}

interface Job {
  experiment: PaperExperiment;
  seed: number;
  run: string;
}

async function runPaper(flags: PaperFlags): Promise<void> {
  const experiments = selected(flags.only);
  const jobs: Job[] = experiments.flatMap((experiment) =>
    Array.from({ length: flags.seeds }, (_, seed) => ({ experiment, seed, run: join(flags.out, 'runs', `${experiment.id}__seed${seed}`) })),
  );
  for (const { run } of jobs) {
    if (!existsSync(run)) continue;
    if (!existsSync(join(run, 'config.json'))) throw new ReportError(`paper: ${run} exists and is not a run folder; move it away or choose another --out`);
    rmSync(run, { recursive: true });
  }
  const runs: PaperRun[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const result = await runJob(job, flags.epochs);
      runs.push(result);
      process.stderr.write(`paper: ${job.experiment.id} seed ${job.seed}: ${job.experiment.metric} ${(100 * result.value).toFixed(1)}% (${result.wallSeconds.toFixed(1)} s)\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(flags.workers ?? availableParallelism(), jobs.length) }, worker));

  const { readRunFolder } = await import('../../report/runFolder.js');
  const { renderCurves } = await import('../../report/curves.js');
  const figures: string[] = [];
  for (const experiment of experiments) {
    const folders = jobs.filter((j) => j.experiment === experiment).map((j) => readRunFolder(j.run));
    const file = `${experiment.id}.svg`;
    writeFileAtomic(join(flags.out, file), await renderCurves(folders, { groupBy: 'seeds', title: `${experiment.id} (${folders.length} seeds)` }));
    figures.push(`![${experiment.id}](${file})`);
  }
  const markdown = [
    '# The seed paper, reproduced',
    '',
    `\`cgym paper --seeds ${flags.seeds}${flags.epochs === undefined ? '' : ` --epochs ${flags.epochs}`}\`, ${new Date().toISOString().slice(0, 10)}. Each run is judged by a greedy`,
    'evaluation on 10,000 fresh episodes; "epochs / seconds to target" average the seeds that reached it;',
    '"verified worst-case loss" is `cgym verify` on the final greedy honest policy, where the experiment verifies it.',
    '',
    paperTable(experiments, runs),
    ...figures,
    '',
  ].join('\n');
  writeFileAtomic(join(flags.out, 'paper.md'), markdown);
  process.stdout.write(`wrote ${join(flags.out, 'paper.md')}\n\n${paperTable(experiments, runs)}`);
}

function selected(only: string | undefined): PaperExperiment[] {
  if (only === undefined) return [...PAPER_EXPERIMENTS];
  return only.split(',').map((id) => {
    const found = PAPER_EXPERIMENTS.find((e) => e.id === id.trim());
    if (!found) throw new ReportError(`paper: unknown experiment "${id}" (known: ${PAPER_EXPERIMENTS.map((e) => e.id).join(', ')})`);
    return found;
  });
}

/** Runs one experiment at one seed as a child `cgym` process and reads its JSON summary. */
function runJob(job: Job, epochs: number | undefined): Promise<PaperRun> {
  const { experiment, seed, run } = job;
  const what = experiment.command === 'train' ? ['train', '--recipe', experiment.recipe] : ['attack', ...experiment.args];
  const epochsFlag = epochs ?? experiment.epochs ?? (experiment.command === 'attack' ? DEFAULT_EPOCHS : undefined);
  const args = [MAIN, ...what, '--seed', String(seed), ...(epochsFlag === undefined ? [] : ['--epochs', String(epochsFlag)]), '--out', run, '--json'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new ReportError(`paper: ${experiment.id} seed ${seed} failed: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`));
      const summary = JSON.parse(stdout) as Record<string, number | null>;
      const value = summary[experiment.metric];
      if (typeof value !== 'number') return reject(new ReportError(`paper: ${experiment.id} seed ${seed}: no ${experiment.metric} in the summary`));
      const onWinRate = experiment.metric === 'finalWinRate';
      resolve({
        experiment: experiment.id,
        seed,
        value,
        epochsToThreshold: onWinRate ? (summary['epochsToThreshold'] ?? null) : null,
        secondsToThreshold: onWinRate ? (summary['secondsToThreshold'] ?? null) : null,
        verifiedWorstCaseLoss: summary['verifiedWorstCaseLoss'] ?? null,
        wallSeconds: summary['wallSeconds'] ?? 0,
        run,
      });
    });
  });
}
