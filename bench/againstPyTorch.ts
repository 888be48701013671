/**
 * Whole-process time to learn honest-consensus to a 99% greedy win rate: `cgym train --scenario
 * honest-consensus --stop-at 0.99` against a vectorised PyTorch reference of the same experiment
 * (bench/reference/honest_consensus_torch.py, which says what differs), on the same machine
 * (BENCHMARKS.md "Against PyTorch"; the target of issue 12 is a ratio ≤ 0.25).
 *
 * Each time is a process's wall time from spawn to exit — start-up, imports, training, evaluation,
 * the final 10,000-episode evaluation and (ours) the run folder. The runs alternate seed by seed
 * (ours, the reference, and with `--baseline` another build's CLI), so that all see the same load on
 * a shared machine; each figure is the median over the seeds.
 *
 * Runs when a Python with torch is found (`CGYM_TORCH_PYTHON`, else `python3`, else
 * /usr/bin/python3); otherwise prints "skipped: no PyTorch".
 *
 * Usage: node dist/bench/againstPyTorch.js [--seeds 0,1,2,3,4] [--baseline <other dist>/src/cli/main.js]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET_RATIO = 0.25;
const here = dirname(fileURLToPath(import.meta.url));
const REFERENCE = resolve(here, '../../bench/reference/honest_consensus_torch.py');

interface Timed {
  seconds: number;
  /** Epochs until the greedy win rate reached 99% (null: not within the epochs). */
  epochs: number | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A Python that imports torch, or undefined. */
function findTorchPython(): string | undefined {
  const candidates = [process.env['CGYM_TORCH_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0);
}

function timed(command: string, args: readonly string[]): { seconds: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`bench: ${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { seconds, stdout: run.stdout };
}

function ours(cli: string, seed: number): Timed {
  const dir = mkdtempSync(join(tmpdir(), 'cgym-against-pytorch-'));
  try {
    const { seconds, stdout } = timed(process.execPath, [cli, 'train', '--scenario', 'honest-consensus', '--seed', String(seed), '--stop-at', '0.99', '--out', join(dir, 'run'), '--json']);
    return { seconds, epochs: (JSON.parse(stdout) as { epochsToThreshold: number | null }).epochsToThreshold };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function reference(python: string, seed: number): Timed {
  const { seconds, stdout } = timed(python, [REFERENCE, '--seed', String(seed)]);
  return { seconds, epochs: (JSON.parse(stdout.trim().split('\n').pop()!) as { epochsToTarget: number | null }).epochsToTarget };
}

const cell = (runs: readonly Timed[]): string => `${median(runs.map((r) => r.seconds)).toFixed(2)} s (${runs.map((r) => r.seconds.toFixed(2)).join(', ')})`;
const epochsOf = (runs: readonly Timed[]): string => runs.map((r) => r.epochs ?? '—').join(', ');

function main(argv: string[]): void {
  const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const seeds = (option('--seeds') ?? '0,1,2,3,4').split(',').map(Number);
  if (!seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new RangeError(`bench: --seeds must be a comma-separated list of integers ≥ 0 (got ${option('--seeds')})`);
  const cli = resolve(here, '../src/cli/main.js');
  const baseline = option('--baseline');
  console.log('## Against PyTorch: whole-process time to learn honest-consensus to 99%\n');
  const python = findTorchPython();
  if (!python) {
    console.log('skipped: no PyTorch (set CGYM_TORCH_PYTHON to a Python that can `import torch`)');
    return;
  }
  const torchVersion = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();

  const before: Timed[] = [], after: Timed[] = [], torch: Timed[] = [];
  const loadBefore = loadavg()[0]!;
  for (const seed of seeds) {
    if (baseline) before.push(ours(resolve(baseline), seed));
    after.push(ours(cli, seed));
    torch.push(reference(python, seed));
    process.stderr.write(`seed ${seed}: ${baseline ? `baseline ${before.at(-1)!.seconds.toFixed(2)} s, ` : ''}cgym ${after.at(-1)!.seconds.toFixed(2)} s, PyTorch ${torch.at(-1)!.seconds.toFixed(2)} s\n`);
  }
  const ratio = median(after.map((r) => r.seconds)) / median(torch.map((r) => r.seconds));
  const cpu = /model name\s*:\s*(.+)/.exec(spawnSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' }).stdout ?? '')?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  console.log(`${cpu}, ${cpus().length} cores, Node ${process.version}, PyTorch ${torchVersion} (${python}), ${new Date().toISOString()}, seeds ${seeds.join(', ')}, load average ${loadBefore.toFixed(2)} before and ${loadavg()[0]!.toFixed(2)} after\n`);
  console.log('| process | median wall time (per seed) | epochs to 99% (per seed) | ratio to PyTorch |');
  console.log('|---|---:|---:|---:|');
  if (baseline) console.log(`| cgym train, baseline build | ${cell(before)} | ${epochsOf(before)} | ${(median(before.map((r) => r.seconds)) / median(torch.map((r) => r.seconds))).toFixed(2)} |`);
  console.log(`| cgym train${baseline ? ', this build' : ''} | ${cell(after)} | ${epochsOf(after)} | ${ratio.toFixed(2)} |`);
  console.log(`| PyTorch reference | ${cell(torch)} | ${epochsOf(torch)} | 1 |`);
  console.log(`\nTarget: ≤ ${TARGET_RATIO}× the PyTorch reference — measured ${ratio.toFixed(2)}×: ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}.`);
}

main(process.argv.slice(2));
