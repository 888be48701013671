/**
 * The verifier on one core and on every core: seconds of `verify` (one thread) against
 * `verifyOnAllCores` on the same settings, checking that both give the same result, and how far EIG
 * at n=5, f=1, R=3 gets. Writes bench/verify-all-cores-results.json.
 * `node dist/bench/verifyAllCores.js [--workers K] [--n5-seconds S]`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/game/loadScenario.js';
import { verify, type VerifyResult } from '../src/verify/verify.js';
import { verifyOnAllCores } from '../src/verify/verifyOnAllCores.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const workers = arg('--workers', availableParallelism());
const withoutTiming = ({ seconds: _s, ...rest }: VerifyResult) => JSON.stringify(rest);

const CASES = [
  { id: 'eig ba-n4-f1', preset: 'ba-n4-f1', honest: 'eig', overrides: [] as string[] },
  { id: 'phase-king phase-king-n5-f1', preset: 'phase-king-n5-f1', honest: 'phase-king', overrides: [] as string[] },
];
const rows: Array<Record<string, unknown>> = [];
const lines = [`| case | verdict | engine states | 1 thread (s) | ${workers} workers (s) | speed-up | load average before |`, '|---|---|---:|---:|---:|---:|---:|'];
for (const c of CASES) {
  const scenario = loadScenario(c.preset, c.overrides);
  const load = loadavg()[0]!;
  const single = verify({ scenario, honest: c.honest, maxStates: 1e9 });
  const parallel = await verifyOnAllCores({ scenario, honest: c.honest, maxStates: 1e9, workers });
  if (withoutTiming(single) !== withoutTiming(parallel)) throw new Error(`${c.id}: the parallel result differs from the single-threaded one`);
  rows.push({ ...c, verdict: single.verdict, states: single.states, singleSeconds: single.seconds, parallelSeconds: parallel.seconds, workers, load });
  lines.push(`| ${c.id} | ${single.verdict} | ${single.states.toLocaleString('en-US')} | ${single.seconds.toFixed(2)} | ${parallel.seconds.toFixed(2)} | ${(single.seconds / parallel.seconds).toFixed(2)}× | ${load.toFixed(1)} |`);
  process.stderr.write(`${c.id}: ${single.seconds.toFixed(2)} s vs ${parallel.seconds.toFixed(2)} s\n`);
}

// EIG at n=5, f=1, R=3: one faulty set (16 chance outcomes) on every core, to see the cost per outcome.
const n5 = loadScenario('ba-n4-f1', ['n=5']);
const started = performance.now();
let reached = { done: 0, states: 0, seconds: 0 };
const n5Result = await verifyOnAllCores({ scenario: n5, honest: 'eig', maxStates: 1e10, workers, faultySets: [[4]], onProgress: (done, _total, states) => (reached = { done, states, seconds: (performance.now() - started) / 1000 }) });
rows.push({ id: 'eig n=5 f=1 R=3, faulty {4}', verdict: n5Result.verdict, states: n5Result.states, chanceOutcomes: n5Result.chanceOutcomes, parallelSeconds: n5Result.seconds, workers, reached });
lines.push(`| eig n=5 f=1 R=3, faulty {4} only (${n5Result.chanceOutcomes} of 80 outcomes) | ${n5Result.verdict} | ${n5Result.states.toLocaleString('en-US')} | — | ${n5Result.seconds.toFixed(2)} | — | ${loadavg()[0]!.toFixed(1)} |`);
console.log(lines.join('\n'));
const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/verify-all-cores-results.json');
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), results: rows }, null, 2) + '\n');
console.log(`\nwrote ${file}`);
