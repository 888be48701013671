/**
 * The seed paper's five experiments (GAME.md §9) as data, and the results table that puts the
 * paper's result beside ours. `cgym paper` runs them (src/cli/commands/paper.ts); this file only
 * knows what each experiment is and how to summarise its runs.
 */
import type { EpochMetrics } from '../train/runFolder.js';

/**
 * One experiment: a training recipe (train/recipes.ts: a named config, the one `cgym train
 * --scenario <id>` uses by default) or an attack, and the number it is judged by.
 */
export type PaperExperiment = {
  /** The preset, which is also the experiment's name. */
  id: string;
  /** What the paper reports. */
  paper: string;
  /** Our target, in words. */
  target: string;
  /** Epochs per run (default: the recipe's, else DEFAULT_EPOCHS; `cgym paper --epochs` overrides every experiment's). */
  epochs?: number;
  /** The summary field the experiment is judged by. */
  metric: 'finalWinRate' | 'majorityCorrectRate' | 'breakRate';
  /** The value the metric must reach (at least). */
  threshold: number;
  /**
   * Expected wall seconds of one seed on one core, at the experiment's own epochs: the runner
   * starts the longest runs first and estimates what is left from it until runs of the experiment
   * have measured their own. Only the order and rough size matter; from the last full run.
   */
  expectedSeconds: number;
} & (
  | { command: 'train'; /** The recipe it trains with (train/recipes.ts). */ recipe: string }
  | { command: 'attack'; /** Arguments after `cgym attack`, without --seed, --epochs, --out, --json (the runner adds them). */ args: readonly string[] }
);

/** Epochs of an experiment that does not say (the honest-consensus target: within 100 epochs). */
export const DEFAULT_EPOCHS = 100;

export const PAPER_EXPERIMENTS: readonly PaperExperiment[] = [
  {
    id: 'honest-consensus',
    paper: 'majority protocol learned by epoch 500 (87.5% constant commit before reward shaping)',
    target: 'greedy win ≥ 99% within 100 epochs',
    command: 'train',
    recipe: 'honest-consensus',
    metric: 'finalWinRate',
    threshold: 0.99,
    expectedSeconds: 2,
  },
  {
    id: 'byzantine-breaking',
    paper: 'adversary learns to equivocate within 200 epochs',
    target: 'break rate ≥ 49% (optimum 50%)',
    command: 'attack',
    args: ['--scenario', 'byzantine-breaking', '--honest', 'majority'],
    metric: 'breakRate',
    threshold: 0.49,
    expectedSeconds: 2,
  },
  {
    id: 'slush-4v1',
    paper: 'learns to sample to the round limit, then commit the majority',
    target: 'majority-correct ≥ 95%',
    command: 'train',
    recipe: 'slush-4v1',
    metric: 'majorityCorrectRate',
    threshold: 0.95,
    expectedSeconds: 3,
  },
  {
    id: 'slush-3v2',
    paper: 'failed: stuck committing a constant',
    target: 'majority-correct ≥ 95%',
    command: 'train',
    recipe: 'slush-3v2',
    metric: 'majorityCorrectRate',
    threshold: 0.95,
    expectedSeconds: 280,
  },
  {
    id: 'pki',
    paper: 'failed: could not be made to work',
    target: 'honest win ≥ 99% against a co-trained adversary',
    command: 'train',
    recipe: 'pki',
    metric: 'finalWinRate',
    threshold: 0.99,
    expectedSeconds: 20,
  },
];

/**
 * The experiment's metric as far as one training epoch shows it, or null when the epoch does not:
 * the greedy evaluation's win rate (every few epochs) for the win and break rates, the batch's
 * majority-correct rate (the sampling policy's) for the slush pair.
 */
export function epochMeasure(experiment: PaperExperiment, metrics: EpochMetrics): number | null {
  switch (experiment.metric) {
    case 'finalWinRate':
      return metrics.evalWinRate;
    case 'breakRate':
      return metrics.evalWinRate === null ? null : 1 - metrics.evalWinRate;
    case 'majorityCorrectRate':
      return metrics.majorityCorrectRate;
  }
}

/** The outcome of one experiment at one seed, as the runner read it from the command's JSON. */
export interface PaperRun {
  experiment: string;
  seed: number;
  /** The experiment's metric. */
  value: number;
  epochsToThreshold: number | null;
  secondsToThreshold: number | null;
  /** The run's last `cgym verify` of its greedy honest policy (train --verify-every), or null. */
  verifiedWorstCaseLoss: number | null;
  wallSeconds: number;
  run: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

/** Mean of the non-null values and how many there were ("—" when none). */
function reached(values: ReadonlyArray<number | null>, digits: number): string {
  const got = values.filter((v): v is number => v !== null);
  if (got.length === 0) return '—';
  return `${(got.reduce((a, b) => a + b, 0) / got.length).toFixed(digits)} (${got.length}/${values.length} seeds)`;
}

/** The verified worst-case losses of the seeds that were verified ("—" when none was). */
function verified(runs: readonly PaperRun[]): string {
  const got = runs.map((r) => r.verifiedWorstCaseLoss).filter((v): v is number => v !== null);
  if (got.length === 0) return '—';
  return `${got.map(pct).join(', ')}${got.length < runs.length ? ` (${got.length}/${runs.length} seeds)` : ''}`;
}

/** The results table in Markdown: per experiment, the paper's result beside ours over the seeds. */
export function paperTable(experiments: readonly PaperExperiment[], runs: readonly PaperRun[]): string {
  const lines = [
    '| experiment | paper | target | ours: metric, mean ± sd over seeds | met on | epochs to target | seconds to target | verified worst-case loss | wall s / seed |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const e of experiments) {
    const mine = runs.filter((r) => r.experiment === e.id).sort((a, b) => a.seed - b.seed);
    if (mine.length === 0) continue;
    const { mean, sd } = meanSd(mine.map((r) => r.value));
    const met = mine.filter((r) => r.value >= e.threshold).length;
    const wall = meanSd(mine.map((r) => r.wallSeconds)).mean;
    lines.push(
      `| \`${e.id}\` | ${e.paper} | ${e.target} | ${e.metric} ${pct(mean)} ± ${pct(sd)} (${mine.map((r) => pct(r.value)).join(', ')}) | ${met}/${mine.length} seeds | ${reached(mine.map((r) => r.epochsToThreshold), 0)} | ${reached(mine.map((r) => r.secondsToThreshold), 1)} | ${verified(mine)} | ${wall.toFixed(1)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
