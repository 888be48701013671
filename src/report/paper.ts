/**
 * The seed paper's five experiments (GAME.md §9) as data, and the results table that puts the
 * paper's result beside ours. `cgym paper` runs them (src/cli/commands/paper.ts); this file only
 * knows what each experiment is and how to summarise its runs.
 */

/** One experiment: a `cgym` command (train or attack) and the number it is judged by. */
export interface PaperExperiment {
  /** The preset, which is also the experiment's name. */
  id: string;
  /** What the paper reports. */
  paper: string;
  /** Our target, in words. */
  target: string;
  command: 'train' | 'attack';
  /** Arguments after the command, without --seed, --epochs, --out, --json (the runner adds them). */
  args: readonly string[];
  /** Epochs per run (default DEFAULT_EPOCHS; `cgym paper --epochs` overrides every experiment's). */
  epochs?: number;
  /** The summary field the experiment is judged by. */
  metric: 'finalWinRate' | 'majorityCorrectRate' | 'breakRate';
  /** The value the metric must reach (at least). */
  threshold: number;
}

/** Epochs of an experiment that does not say (the honest-consensus target: within 100 epochs). */
export const DEFAULT_EPOCHS = 100;

export const PAPER_EXPERIMENTS: readonly PaperExperiment[] = [
  {
    id: 'honest-consensus',
    paper: 'majority protocol learned by epoch 500 (87.5% constant commit before reward shaping)',
    target: 'greedy win ≥ 99% within 100 epochs',
    command: 'train',
    args: ['--scenario', 'honest-consensus'],
    metric: 'finalWinRate',
    threshold: 0.99,
  },
  {
    id: 'byzantine-breaking',
    paper: 'adversary learns to equivocate within 200 epochs',
    target: 'break rate ≥ 49% (optimum 50%)',
    command: 'attack',
    args: ['--scenario', 'byzantine-breaking', '--honest', 'majority'],
    metric: 'breakRate',
    threshold: 0.49,
  },
  {
    id: 'slush-4v1',
    paper: 'learns to sample to the round limit, then commit the majority',
    target: 'majority-correct ≥ 95%',
    command: 'train',
    args: ['--scenario', 'slush-4v1'],
    metric: 'majorityCorrectRate',
    threshold: 0.95,
  },
  {
    id: 'slush-3v2',
    paper: 'failed: stuck committing a constant',
    target: 'majority-correct ≥ 95%',
    command: 'train',
    // The counts of a sample's answers (GAME.md §7) cap every rule we found at 94.0% (in 9/128 of
    // the episodes nobody's first sample proves the majority and every preference is flipped); the
    // sample record — who answered what, each round — does not (slush-tracking: 96.8%). So the
    // network reads the record (`--sample-view record`), in the symmetric value frame (no value
    // convention: a 64-64 network otherwise falls to the constant commit), with the others in
    // canonical order, PPO, 1024 episodes per epoch, learning rate 0.003, no waiting in round R.
    // With 512 episodes per epoch, 600 epochs: 95.2%, 96.9%, 94.9%, 93.3%, 94.6% on seeds 0–4;
    // the misses plateaued in training near 93.5%, about the counts' rule. On seed 3, twice the
    // batch gave 97.7%, 1000 epochs with an entropy weight of 0.03 gave 97.5% (94.4% at epoch
    // 600), and 128-128 layers gave 94.2%. Counts only, own-input frame, linear: 91.6–93.0%.
    args: ['--scenario', 'slush-3v2', '--algo', 'ppo', '--sample-view', 'record', '--value-frame', 'symmetric', '--symmetric-others', '--hidden', '64,64', '--learning-rate', '0.003', '--batch', '1024', '--commit-at-horizon'],
    epochs: 600,
    metric: 'majorityCorrectRate',
    threshold: 0.95,
  },
  {
    id: 'pki',
    paper: 'failed: could not be made to work',
    target: 'honest win ≥ 99% against a co-trained adversary',
    command: 'train',
    // League self-play plus counterexample-guided training (the verifier's attacks every 5 epochs),
    // with the honest options that get the team talking at all under relay actions (values
    // relative to the own input, a start that sends the own input, no waiting at the horizon) and
    // the `accepted` message view: per other agent, the values accepted by Dolev–Strong's rule
    // (direct in round 1, relayed in round 2). Every seed's final policy is proven safe by the
    // verifier. With the per-sender view instead (GAME.md §7's slots, two frames) the same recipe
    // beat its co-trained adversary on 4 of 5 seeds but was broken by the verifier in 12.5–75% of
    // chance outcomes (2–2 ties tipped by the faulty agent's duplicate or late messages; README).
    args: ['--scenario', 'pki', '--schedule', 'league', '--value-frame', 'own-input', '--message-bias', '2', '--message-view', 'accepted', '--hidden', '32,16', '--commit-at-horizon', '--verify-every', '5', '--counterexamples'],
    epochs: 300,
    metric: 'finalWinRate',
    threshold: 0.99,
  },
];

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
