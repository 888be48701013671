// The examples the README walks through: the custom scenario loads, the custom protocol wins in it,
// the scripts run and typecheck.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floodMin } from '../examples/my-protocol.js';
import * as library from '../src/index.js';
import { loadScenario } from '../src/game/loadScenario.js';
import { play } from '../src/play/play.js';
import { ADVERSARIES } from '../src/protocols/registry.js';
import { cgymJson } from './cli/cgym.js';

const ROOT = resolve(__dirname, '..');
const SCENARIO_FILE = resolve(ROOT, 'examples/custom-scenario.json');

describe('examples/custom-scenario.json', () => {
  it('loads, with its settings and the defaults filled in', () => {
    const scenario = loadScenario(SCENARIO_FILE);
    expect(scenario).toMatchObject({ name: 'crash-n5-f2', n: 5, f: 2, faults: 'crash', values: 3, honestActions: 'free', maxRounds: 4 });
    expect(scenario.rewards.consistencyViolation).toBe(-2);
    expect(scenario.rewards.validityViolation).toBe(-1); // a default
  });

  it('plays from the command line by path', () => {
    const result = cgymJson<{ scenario: string; episodes: number }>(['play', '--scenario', 'examples/custom-scenario.json', '--honest', 'random', '--episodes', '500']);
    expect(result).toMatchObject({ scenario: 'crash-n5-f2', episodes: 500 });
  });
});

describe('examples/my-protocol.ts (flood-min)', () => {
  const scenario = loadScenario(SCENARIO_FILE);
  const adversaries = ADVERSARIES.filter((a) => !a.refuse(scenario));

  it.each(adversaries.map((a) => [a.name, a]))('wins every episode against %s in the custom scenario', (_name, adversary) => {
    // FloodSet tolerates any f < n crashes in f+1 rounds (Lynch 1996, §6.2).
    const result = play({ scenario, honest: floodMin, adversary, episodes: 5_000, seed: 2 });
    expect(result.winRate).toBe(1);
    expect(result.meanRounds).toBe(scenario.f + 2);
  });

  it('refuses where it cannot run, with one line naming the values', () => {
    expect(floodMin.refuse(loadScenario(SCENARIO_FILE, ['maxRounds=3']))).toBe('flood-min: needs maxRounds ≥ f+2 (got maxRounds=3, f=2)');
    expect(floodMin.refuse(loadScenario('honest-consensus'))).toMatch(/^flood-min: needs honestActions free or relay/);
  });
});

describe('examples/play-my-protocol.ts', () => {
  it('runs with tsx and reports a 100% win rate', () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'examples/play-my-protocol.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('flood-min vs silent');
    expect(run.stdout).toContain('win rate 100.00%');
    expect(run.stdout).toContain('verdict: honest win');
  });

  it('the examples typecheck (they are outside the main tsconfig)', () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'examples/tsconfig.json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('README', () => {
  it('names only exports that the library entry point has', () => {
    // The rows of the "The library" table: every `name` or `name(…)` in its first column.
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The library'), readme.indexOf('## Layout'));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const names = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Za-z]+)/g)].map((m) => m[1]!));
    expect(names.length).toBeGreaterThan(20);
    const typesOnly = new Set(['Scenario', 'HonestProtocol', 'Adversary']);
    const missing = names.filter((name) => !typesOnly.has(name) && !(name in library));
    expect(missing).toEqual([]);
  });
});
