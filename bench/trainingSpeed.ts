/**
 * The training-speed benchmark (BENCHMARKS.md "Training speed"): each case is one `cgym train`
 * command, run in its own process, one at a time; its speed is the median over epochs 4..N of the
 * per-epoch episodes/s and agent-decisions/s in metrics.jsonl (epochs 1–3 warm the JIT up), and
 * the case's figure is the median over `--reps` runs (the machine's cores are shared: one run can
 * be slowed by other work, the median of three rarely is).
 *
 * `--baseline PATH` also runs another build's CLI (e.g. a copy of dist/ from before a change),
 * alternating with this one run by run, so that before and after see the same machine load.
 *
 * Usage: node dist/bench/trainingSpeed.js [--reps 3] [--only <text in the command>]
 *        [--baseline <other dist>/src/cli/main.js] [--backend cpu|wasm]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The commands of the BENCHMARKS.md table (arguments of `cgym train`). */
const CASES: readonly string[] = [
  '--scenario honest-consensus --epochs 30 --batch 256',
  '--scenario honest-consensus --epochs 30 --batch 1024',
  '--scenario honest-consensus --epochs 15 --batch 4096',
  '--scenario honest-consensus --epochs 20 --batch 1024 --algo ppo',
  '--scenario byzantine-breaking --schedule adversary --honest majority --epochs 30 --batch 256',
  '--scenario byzantine-breaking --schedule adversary --honest majority --epochs 15 --batch 4096',
  '--scenario byzantine-breaking --schedule simultaneous --epochs 20 --batch 1024',
  '--scenario pki --schedule simultaneous --epochs 15 --batch 1024',
  '--scenario pki --schedule simultaneous --epochs 15 --batch 1024 --algo ppo',
  '--scenario phase-king-n5-f1 --adversary equivocate --epochs 15 --batch 1024',
  // The paper's slush-3v2 network and PPO (64-64 over the 149-number sample record, 1024 episodes an epoch).
  '--recipe slush-3v2 --epochs 15',
  // `cgym discover`'s learner on slush-3v2 (PPO, the linear equivariant network over one frame of the
  // sample summary, 256 episodes an epoch, no verification): its config as discover writes it.
  '--config {bench}/discover-slush-3v2.json --epochs 15',
];

/** Epochs before this one warm up (JIT, wasm) and are left out of the median. */
const FIRST_MEASURED_EPOCH = 4;

interface Speed {
  episodesPerSecond: number;
  agentDecisionsPerSecond: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One training run of `cli` on `args`: the median per-epoch speeds of epochs 4..N. */
function runOnce(cli: string, args: string, backend: string | undefined): Speed {
  const dir = mkdtempSync(join(tmpdir(), 'cgym-training-speed-'));
  try {
    const out = join(dir, 'run');
    // Config files of the cases live beside this file's source (bench/), two levels above dist/bench/.
    const benchSources = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench');
    execFileSync(process.execPath, [cli, 'train', ...args.replaceAll('{bench}', benchSources).split(' '), '--out', out, '--json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...(backend && { CGYM_TF_BACKEND: backend }) },
    });
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { epoch: number } & Speed);
    const measured = lines.filter((m) => m.epoch >= FIRST_MEASURED_EPOCH);
    if (!measured.length) throw new Error(`bench: ${args} ran fewer than ${FIRST_MEASURED_EPOCH} epochs`);
    return { episodesPerSecond: median(measured.map((m) => m.episodesPerSecond)), agentDecisionsPerSecond: median(measured.map((m) => m.agentDecisionsPerSecond)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

function main(argv: string[]): void {
  const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const reps = Number(option('--reps') ?? 3);
  if (!(Number.isInteger(reps) && reps >= 1)) throw new RangeError(`bench: --reps must be a positive integer (got ${option('--reps')})`);
  const only = option('--only');
  const backend = option('--backend');
  if (backend !== undefined && backend !== 'cpu' && backend !== 'wasm') throw new RangeError(`bench: --backend must be cpu or wasm (got ${backend})`);
  const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
  const baseline = option('--baseline');
  const builds = baseline ? [{ name: 'baseline', cli: resolve(baseline) }, { name: 'this build', cli }] : [{ name: 'this build', cli }];

  const rows: string[] = [];
  for (const args of CASES) {
    if (only && !args.includes(only)) continue;
    const runs = builds.map(() => [] as Speed[]);
    for (let rep = 0; rep < reps; rep++) builds.forEach((build, k) => runs[k]!.push(runOnce(build.cli, args, backend)));
    const cells = runs.flatMap((list) => [fmt(median(list.map((s) => s.episodesPerSecond))), fmt(median(list.map((s) => s.agentDecisionsPerSecond)))]);
    const row = `| \`${args}\` | ${cells.join(' | ')} |`;
    process.stderr.write(`${row}\n`);
    rows.push(row);
  }
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  console.log(`## Training speed\n\n${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, backend ${backend ?? 'default'}, median of ${reps} runs each${baseline ? ' (baseline and this build alternating)' : ''}, load average ${loadavg()[0]!.toFixed(2)} at the end\n`);
  const header = builds.flatMap((b) => [`${b.name}: episodes / s`, `${b.name}: agent-decisions / s`]);
  console.log(`| command (\`cgym train …\`) | ${header.join(' | ')} |\n|---|${header.map(() => '---:').join('|')}|\n${rows.join('\n')}`);
}

main(process.argv.slice(2));
