// The header of a printed result says what was played: the scenario's name, the --set overrides
// as given, and any other key where the game differs from the preset of that name (a scenario file
// or a run trained with overrides).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioLabel } from '../../src/cli/format.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { cgym } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-headers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first line of a command's output (its header), after checking it ran. */
function header(args: string[]): string {
  const run = cgym(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n')[0]!;
}

describe('scenarioLabel', () => {
  it('is the bare name for a preset as it is', () => {
    expect(scenarioLabel(loadScenario('honest-consensus'))).toBe('honest-consensus');
  });

  it('lists the --set overrides as given, then other keys unlike the preset', () => {
    expect(scenarioLabel(loadScenario('honest-consensus', ['n=5', 'maxRounds=3']), ['n=5', 'maxRounds=3'])).toBe('honest-consensus (n=5, maxRounds=3 via --set)');
    // A run trained with maxRounds=3 brings that scenario under the preset's name; the eval adds noCommit.
    const trained = { ...loadScenario('byzantine-breaking', ['maxRounds=3']) };
    expect(scenarioLabel(loadScenario(trained, ['rewards.noCommit=-2']), ['rewards.noCommit=-2'])).toBe('byzantine-breaking (rewards.noCommit=-2 via --set; maxRounds=3 unlike the preset)');
  });

  it('does not repeat a key the --set already names, even one set to the preset\'s own value', () => {
    expect(scenarioLabel(loadScenario('honest-consensus', ['n=3']), ['n=3'])).toBe('honest-consensus (n=3 via --set)');
  });
});

describe('the headers of play, verify and eval', () => {
  it('play shows --set overrides, and only when given', () => {
    expect(header(['play', '--scenario', 'honest-consensus', '--honest', 'majority', '--episodes', '100', '--set', 'n=5', '--set', 'maxRounds=3'])).toBe(
      'honest-consensus (n=5, maxRounds=3 via --set) · honest majority vs adversary silent · 100 episodes · seed 0',
    );
    expect(header(['play', '--scenario', 'honest-consensus', '--honest', 'majority', '--episodes', '100'])).toBe('honest-consensus · honest majority vs adversary silent · 100 episodes · seed 0');
  });

  it('play names a scenario file that changes a preset\'s key', () => {
    const file = join(dir, 'longer.json');
    writeFileSync(file, JSON.stringify({ ...loadScenario('byzantine-breaking'), maxRounds: 4 }));
    expect(header(['play', '--scenario', file, '--honest', 'majority', '--episodes', '100'])).toMatch(/^byzantine-breaking \(maxRounds=4 unlike the preset\) · /);
  });

  it('verify shows --set overrides', () => {
    expect(header(['verify', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--set', 'maxRounds=3'])).toMatch(/^byzantine-breaking \(maxRounds=3 via --set\) · honest majority · /);
  });

  it('eval shows --set overrides and the keys its run was trained with', () => {
    const run = join(dir, 'run');
    const trained = cgym(['train', '--scenario', 'byzantine-breaking', '--set', 'maxRounds=3', '--adversary', 'equivocate', '--epochs', '2', '--batch', '32', '--out', run, '--json']);
    expect(trained.status, trained.stderr).toBe(0);
    expect(header(['eval', '--run', run, '--episodes', '100'])).toMatch(/^byzantine-breaking \(maxRounds=3 unlike the preset\) · honest run:/);
    expect(header(['eval', '--run', run, '--episodes', '100', '--set', 'rewards.noCommit=-2'])).toMatch(/^byzantine-breaking \(rewards.noCommit=-2 via --set; maxRounds=3 unlike the preset\) · honest run:/);
  });
});
