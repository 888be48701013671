// Scenarios (GAME.md §2): every broken rule is named by key, value and rule; every preset loads;
// overrides with dotted keys; files.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import { parseScenario } from '../../src/game/scenario.js';
import { expectThrowsNaming } from './helpers.js';

const base = { n: 3, f: 0, maxRounds: 2 };

describe('parseScenario rejects what GAME.md §2 forbids, naming key, value and rule', () => {
  it.each([
    ['f ≥ n', { n: 3, f: 3, maxRounds: 2 }, 'f=3: must be < n=3'],
    ['a missing required key', { n: 3, f: 0 }, 'maxRounds is missing: it is required'],
    ['too few agents', { ...base, n: 1 }, 'n=1: must be at least 2'],
    ['too many agents', { ...base, n: 17 }, 'n=17: must be at most 16'],
    ['zero rounds', { ...base, maxRounds: 0 }, 'maxRounds=0: must be at least 1'],
    ['a fractional count', { ...base, n: 3.5 }, 'n=3.5: must be an integer'],
    ['a number given as a string', { ...base, n: '3' }, 'n="3": must be an integer'],
    ['an unknown timing model', { ...base, timing: 'eventual' }, 'timing="eventual": must be one of sync, partial-sync, async'],
    ['an unknown fault kind', { ...base, faults: 'sleepy' }, 'faults="sleepy": must be one of byzantine, crash, omission'],
    ['an unknown action space', { ...base, honestActions: 'telepathy' }, 'honestActions="telepathy": must be one of paper, free, relay, slush, sampling'],
    ['too many values', { ...base, values: 5 }, 'values=5: must be at most 4'],
    ['an unknown key', { ...base, bogus: 1 }, 'unknown key bogus (known: name, description, n, f'],
    ['an unknown reward key', { ...base, rewards: { noCommmit: 1 } }, 'unknown key rewards.noCommmit (known: consistencyViolation'],
    ['a reward that is not a number', { ...base, rewards: { noCommit: 'a' } }, 'rewards.noCommit="a"'],
    ['split counts that do not sum to n−f', { n: 5, f: 1, maxRounds: 2, inputs: { split: [3, 2] } }, 'inputs={"split":[3,2]}: split counts 3+2 must sum to n-f=4'],
    ['an unknown input distribution', { ...base, inputs: 'skewed' }, 'inputs="skewed": must be "uniform" or {"split": [a, b]}'],
    ['a sample larger than the others', { ...base, honestActions: 'slush', sampleSize: 3 }, 'sampleSize=3: must be ≤ n-1=2'],
    ['relays without identities', { ...base, identity: 'anonymous', honestActions: 'relay' }, 'honestActions="relay": relay needs identity authenticated or pki'],
    ['broadcast without identities', { ...base, identity: 'anonymous', problem: 'broadcast' }, 'problem="broadcast": broadcast needs to know who sent what'],
    ['IC with a scalar decision head', { ...base, problem: 'interactive-consistency', honestActions: 'paper' }, 'honestActions="paper": paper has no vector decision head'],
    ['a GST without partial synchrony', { ...base, gst: 2 }, 'gst=2: is only meaningful with timing=partial-sync'],
    ['a GST beyond the horizon', { ...base, timing: 'partial-sync', gst: 5 }, 'gst=5: must be ≤ maxRounds=2'],
    ['asynchrony without delay', { ...base, timing: 'async', maxDelay: 0 }, 'maxDelay=0: must be ≥ 1 with timing=async (0 is sync)'],
  ])('%s', (_name, input, message) => {
    expectThrowsNaming(() => parseScenario(input, 'scenario'), 'ScenarioError', `scenario: ${message}`);
  });

  it('reports every broken rule at once, in one line', () => {
    expectThrowsNaming(() => parseScenario({ n: 1, f: 0, maxRounds: 0 }), 'ScenarioError', 'n=1: must be at least 2', 'maxRounds=0: must be at least 1');
  });

  it('fills the documented defaults and clamps nothing', () => {
    const s = parseScenario(base);
    expect(s).toMatchObject({ faults: 'byzantine', faultyPlacement: 'random', problem: 'agreement', values: 2, inputs: 'uniform', timing: 'sync', identity: 'authenticated', sampleSize: 3, maxDelay: 1, gst: 'random', afterCommit: 'halt' });
    expect(s.rewards).toMatchObject({ consistencyViolation: -1, validityViolation: -1, noCommit: -1, adversary: 'zero-sum' });
  });
});

describe('presets', () => {
  it.each(Object.keys(PRESETS))('%s loads and is named after itself', (name) => {
    const s = loadScenario(name);
    expect(s.name).toBe(name);
    expect(s.f).toBeLessThan(s.n);
  });

  it('include the five paper experiments and the classic settings of issue 2', () => {
    for (const name of ['honest-consensus', 'byzantine-breaking', 'slush-4v1', 'slush-3v2', 'pki', 'ba-n4-f1', 'ba-n3-f1', 'bb-pki-n3-f1', 'async-crash'])
      expect(Object.keys(PRESETS)).toContain(name);
    expect(loadScenario('slush-4v1').inputs).toEqual({ split: [4, 1] });
  });
});

describe('loadScenario: overrides and files', () => {
  it('applies key=value overrides, JSON-parsed, with dotted keys for nested ones', () => {
    const s = loadScenario('honest-consensus', ['f=1', 'maxRounds=3', 'rewards.noCommit=-2', 'timing=async']);
    expect([s.f, s.maxRounds, s.rewards.noCommit, s.timing]).toEqual([1, 3, -2, 'async']);
    expect(s.rewards.correctCommit).toBe(1); // the rest of the preset's reward table survives
  });

  it('takes a JSON value for a structured key', () => {
    expect(loadScenario('honest-consensus', ['inputs={"split":[2,1]}']).inputs).toEqual({ split: [2, 1] });
  });

  it('validates after overriding: the error names the overridden key', () => {
    expectThrowsNaming(() => loadScenario('honest-consensus', ['f=3']), 'ScenarioError', 'scenario honest-consensus: f=3: must be < n=3');
  });

  it.each([
    ['no "="', ['f'], '--set f: expected key=value'],
    ['a nested key under a number', ['n.x=1'], '--set n.x=1: n is not an object'],
  ])('rejects a malformed override: %s', (_name, overrides, message) => {
    expectThrowsNaming(() => loadScenario('honest-consensus', overrides), 'ScenarioError', message);
  });

  it('rejects an unknown preset, listing the presets', () => {
    expectThrowsNaming(() => loadScenario('honest-consensu'), 'ScenarioError', 'scenario honest-consensu: not a preset (presets: honest-consensus,');
  });

  it('loads a JSON file, named after the file unless it names itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgym-scenario-'));
    const file = join(dir, 'my-game.json');
    writeFileSync(file, JSON.stringify({ n: 4, f: 1, honestActions: 'relay', maxRounds: 3 }));
    expect(loadScenario(file, ['maxRounds=4'])).toMatchObject({ name: 'my-game', n: 4, maxRounds: 4 });
  });

  it.each([
    ['malformed JSON', '{"n": 4,', 'malformed JSON'],
    ['an array', '[1, 2]', 'must hold a JSON object'],
    ['a bad rule', '{"n": 3, "f": 3, "maxRounds": 2}', 'f=3: must be < n=3'],
  ])('rejects a file holding %s in one line', (_name, text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'cgym-scenario-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, text);
    expectThrowsNaming(() => loadScenario(file), 'ScenarioError', `scenario file ${file}: ${message}`);
  });

  it('rejects a missing file', () => {
    expectThrowsNaming(() => loadScenario('/nonexistent/game.json'), 'ScenarioError', 'scenario /nonexistent/game.json: no such file');
  });
});

describe('loadScenario refuses what would hang, pollute or turn into null', () => {
  it('refuses --set __proto__.x=1 and leaves every object without an x', () => {
    expectThrowsNaming(() => loadScenario('honest-consensus', ['__proto__.x=1']), 'ScenarioError', '--set __proto__.x=1: key __proto__ is not a scenario key');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it.each([['constructor.prototype.y=1', 'constructor'], ['rewards.prototype=1', 'prototype']])('refuses --set %s', (override, key) => {
    expectThrowsNaming(() => loadScenario('honest-consensus', [override]), 'ScenarioError', `--set ${override}: key ${key} is not a scenario key`);
    expect(({} as Record<string, unknown>)['y']).toBeUndefined();
  });

  it.each([
    ['n=1e400', 'n=1e400 is out of range'],
    ['rewards.noCommit=-1e400', 'rewards.noCommit=-1e400 is out of range'],
    ['inputs={"split":[1e400,1]}', 'inputs.split.0={"split":[1e400,1]} is out of range'],
  ])('refuses --set %s, naming the key and the text given', (override, message) => {
    expectThrowsNaming(() => loadScenario('honest-consensus', [override]), 'ScenarioError', `--set ${override}: ${message}`);
  });

  it('refuses a scenario file holding a number JSON cannot represent, naming the key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cgym-scenario-')), 'huge-n.json');
    writeFileSync(file, '{"n": 1e400, "f": 0, "maxRounds": 2}');
    expectThrowsNaming(() => loadScenario(file), 'ScenarioError', `scenario file ${file}: n is out of range`);
  });

  it('refuses a scenario file over 1 MiB without parsing it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cgym-scenario-')), 'big.json');
    writeFileSync(file, `{"n": 3, "f": 0, "maxRounds": 2, "description": "${'x'.repeat(1024 * 1024)}"}`);
    expectThrowsNaming(() => loadScenario(file), 'ScenarioError', `scenario file ${file}: larger than 1 MiB`);
  });

  it.runIf(existsSync('/dev/zero'))('refuses /dev/zero as a scenario file instead of reading it forever', () => {
    expectThrowsNaming(() => loadScenario('/dev/zero'), 'ScenarioError', 'scenario file /dev/zero: larger than 1 MiB');
  });
});
