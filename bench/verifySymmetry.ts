/**
 * The verifier with and without the symmetry reduction (`cgym verify` vs `--no-symmetry`), on every
 * core: seconds and engine states, checking that both give the same verdict and rates. Cases too slow
 * without the reduction run with it only (their "before" is in BENCHMARKS.md). A case that stops
 * (state budget, refusal) is reported with its one-line reason. Writes bench/verify-symmetry-results.json.
 * `node dist/bench/verifySymmetry.js [--workers K] [--max-states N]`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/game/loadScenario.js';
import type { VerifyResult } from '../src/verify/verify.js';
import { verifyOnAllCores } from '../src/verify/verifyOnAllCores.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const workers = arg('--workers', availableParallelism());
const maxStates = arg('--max-states', 3e8);
const answer = (r: VerifyResult) => JSON.stringify([r.verdict, r.worstCaseLossRate, r.breakRate, r.chanceOutcomes]);

const CASES = [
  { id: 'eig ba-n4-f1', preset: 'ba-n4-f1', honest: 'eig', overrides: [] as string[], both: true },
  { id: 'phase-king phase-king-n5-f1', preset: 'phase-king-n5-f1', honest: 'phase-king', overrides: [] as string[], both: true },
  { id: 'eig ba-n4-f1 n=5 (R=3)', preset: 'ba-n4-f1', honest: 'eig', overrides: ['n=5'], both: false },
  { id: 'dolev-strong bb-pki-n4-f2', preset: 'bb-pki-n4-f2', honest: 'dolev-strong', overrides: [] as string[], both: false, maxStates: 1e8 },
  {
    id: 'strb.ta[T=1] ba-n4-f1 async maxDelay=2 R=10',
    preset: 'ba-n4-f1',
    honest: 'examples/bymc/strb.ta[T=1]',
    overrides: ['timing=async', 'maxDelay=2', 'maxRounds=10', 'honestActions=free'],
    both: false,
    // Randomised (a choice among enabled rules): expectimax, not reduced; within the default budget it is refused or decided.
    maxStates: 2e7,
  },
];

type Run = { seconds: number; states?: number; orbits?: number; chanceOutcomes?: number; verdict?: string; method?: string; stopped?: string };

async function run(c: (typeof CASES)[number], symmetry: boolean): Promise<{ run: Run; result?: VerifyResult }> {
  const scenario = loadScenario(c.preset, c.overrides);
  const started = performance.now();
  try {
    const result = await verifyOnAllCores({ scenario, honest: c.honest, maxStates: 'maxStates' in c ? c.maxStates : maxStates, workers, symmetry });
    return { run: { seconds: result.seconds, states: result.states, chanceOutcomes: result.chanceOutcomes, ...(result.orbits !== undefined && { orbits: result.orbits }), verdict: result.verdict, method: result.method }, result };
  } catch (error) {
    return { run: { seconds: (performance.now() - started) / 1000, stopped: error instanceof Error ? error.message : String(error) } };
  }
}

const rows: Array<Record<string, unknown>> = [];
const lines = [`| case | verdict | chance outcomes (orbits) | states with | seconds with | states without | seconds without | load before |`, '|---|---|---:|---:|---:|---:|---:|---:|'];
const cell = (r: Run | undefined, what: 'states' | 'seconds') => (r === undefined ? '—' : r.stopped ? (what === 'seconds' ? `${r.seconds.toFixed(1)} (stopped)` : 'stopped') : what === 'states' ? r.states!.toLocaleString('en-US') : r.seconds.toFixed(2));
for (const c of CASES) {
  const load = loadavg()[0]!;
  const withSymmetry = await run(c, true);
  const without = c.both ? await run(c, false) : undefined;
  if (withSymmetry.result && without?.result && answer(withSymmetry.result) !== answer(without.result)) throw new Error(`${c.id}: the answer differs with and without symmetry`);
  rows.push({ ...c, workers, load, with: withSymmetry.run, ...(without && { without: without.run }) });
  const w = withSymmetry.run;
  lines.push(`| ${c.id} | ${w.stopped ? `stopped: ${w.stopped}` : `${w.verdict} (${w.method})`} | ${w.chanceOutcomes ?? '—'}${w.orbits !== undefined ? ` (${w.orbits})` : ''} | ${cell(w, 'states')} | ${cell(w, 'seconds')} | ${cell(without?.run, 'states')} | ${cell(without?.run, 'seconds')} | ${load.toFixed(1)} |`);
  process.stderr.write(`${lines.at(-1)}\n`);
}
console.log(lines.join('\n'));
const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/verify-symmetry-results.json');
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), workers, maxStates, results: rows }, null, 2) + '\n');
console.log(`\nwrote ${file}`);
