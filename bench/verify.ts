/**
 * The verifier benchmark: seconds, engine states and states/s of the exhaustive adversary search on
 * the textbook settings (issue 4's target: n=4 f=1 with relay actions and R=3 in under 10 s), and of
 * the expectimax search on randomised protocols and sampling games (with Knuth's size estimate).
 * Prints a markdown table and writes bench/verify-results.json. `npm run bench` runs it after the
 * engine cases; alone: `node dist/bench/verify.js [--quick]` (--quick skips the cases over 20 s).
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/game/loadScenario.js';
import { verify } from '../src/verify/verify.js';

interface VerifyCase {
  id: string;
  preset: string;
  honest: string;
  overrides: string[];
  faultySets?: number[][];
  /** Over 20 s on a shared 2-core machine: skipped by --quick. */
  slow?: boolean;
}

const CASES: VerifyCase[] = [
  { id: 'target: eig n=4 f=1 relay R=3', preset: 'ba-n4-f1', honest: 'eig', overrides: [] },
  { id: 'eig n=3 f=1 relay R=3', preset: 'ba-n3-f1', honest: 'eig', overrides: [] },
  { id: 'dolev-strong pki n=3 f=1', preset: 'bb-pki-n3-f1', honest: 'dolev-strong', overrides: [] },
  { id: 'dolev-strong authenticated n=3 f=1', preset: 'bb-pki-n3-f1', honest: 'dolev-strong', overrides: ['identity=authenticated'] },
  { id: 'eig IC n=4 f=1 relay R=3', preset: 'ic-n4-f1', honest: 'eig', overrides: [] },
  { id: 'majority byzantine-breaking', preset: 'byzantine-breaking', honest: 'majority', overrides: [] },
  { id: 'phase-king async-crash R=5', preset: 'async-crash', honest: 'phase-king', overrides: ['maxRounds=5'] },
  { id: 'phase-king n=5 f=1 R=5, faulty {0}', preset: 'phase-king-n5-f1', honest: 'phase-king', overrides: [], faultySets: [[0]] },
  { id: 'phase-king n=5 f=1 R=5, all faulty sets', preset: 'phase-king-n5-f1', honest: 'phase-king', overrides: [], slow: true },
  // Expectimax over honest coins and sample draws (randomised protocols, sampling games).
  { id: 'random honest-consensus (coins)', preset: 'honest-consensus', honest: 'random', overrides: [] },
  { id: 'random byzantine-breaking (coins + adversary)', preset: 'byzantine-breaking', honest: 'random', overrides: [] },
  { id: 'ben-or sync crash n=3 R=6', preset: 'async-crash', honest: 'ben-or', overrides: ['timing=sync', 'maxRounds=6'] },
  { id: 'ben-or async crash n=3 R=4', preset: 'async-crash', honest: 'ben-or', overrides: ['maxRounds=4'], slow: true },
  { id: 'slush n=3 k=1 R=4 (samples)', preset: 'slush-n5', honest: 'slush', overrides: ['n=3', 'sampleSize=1', 'maxRounds=4'] },
  { id: 'slush n=3 k=1 R=6 (samples)', preset: 'slush-n5', honest: 'slush', overrides: ['n=3', 'sampleSize=1', 'maxRounds=6'] },
];

const quick = process.argv.includes('--quick');
const rows: Array<Record<string, unknown>> = [];
const lines = ['| case | preset | overrides | method | verdict | loss rate | chance outcomes | engine states | estimated | seconds | states/s |', '|---|---|---|---|---|---:|---:|---:|---:|---:|---:|'];
for (const c of CASES) {
  if (quick && c.slow) continue;
  const r = verify({ scenario: loadScenario(c.preset, c.overrides), honest: c.honest, maxStates: 1e9, ...(c.faultySets && { faultySets: c.faultySets }) });
  const perSecond = r.states / r.seconds;
  rows.push({ ...c, method: r.method, verdict: r.verdict, worstCaseLossRate: r.worstCaseLossRate, chanceOutcomes: r.chanceOutcomes, states: r.states, estimatedStates: r.estimatedStates ?? null, seconds: r.seconds, statesPerSecond: perSecond });
  const estimated = r.estimatedStates === undefined ? '—' : Math.round(r.estimatedStates).toLocaleString('en-US');
  lines.push(`| ${c.id} | ${c.preset} | ${c.overrides.join(' ') || '—'} | ${r.method} | ${r.verdict} | ${(100 * r.worstCaseLossRate).toFixed(1)}% | ${r.chanceOutcomes} | ${r.states.toLocaleString('en-US')} | ${estimated} | ${r.seconds.toFixed(2)} | ${Math.round(perSecond).toLocaleString('en-US')} |`);
  process.stderr.write(`verify ${c.id}: ${r.verdict} in ${r.seconds.toFixed(2)} s\n`);
}
console.log(`## Verifier benchmark\n\n${lines.join('\n')}`);
const file = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/verify-results.json');
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), quick, results: rows }, null, 2) + '\n');
console.log(`\nwrote ${file}`);
