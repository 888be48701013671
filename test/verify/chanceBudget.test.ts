// The verifier's budget holds before anything is enumerated: a scenario's chance outcomes are
// counted combinatorially, and a scenario with more of them than --max-states is refused with the
// count. Without this, `verify` of n=16, f=5, values=4 built 1.8e10 setups and ran out of memory
// before any budget was looked at.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import { countChance, enumerateChance, StateLimitError, verify } from '../../src/verify/verify.js';
import { cgym } from '../cli/cgym.js';

const LARGE = ['n=16', 'f=5', 'maxRounds=64', 'values=4'];
/** C(16,5) faulty sets × 4^11 honest inputs (Byzantine inputs are not drawn). */
const LARGE_COUNT = '1.8e+10 chance outcomes (4368 faulty sets × 4194304 honest input assignments)';

describe('countChance', () => {
  // Presets plus overrides reaching every factor: faulty inputs (crash), GSTs, fixed placement, a split over 3 values.
  const cases: Array<[string, string[]]> = [
    ...Object.keys(PRESETS).map((name): [string, string[]] => [name, []]),
    ['partial-sync-crash', ['maxRounds=5']],
    ['async-crash', ['values=3', 'maxRounds=3']],
    ['ba-n4-f1', ['faultyPlacement=fixed']],
    ['slush-3v2', ['values=3']],
  ];
  it.each(cases)('counts what enumerateChance builds: %s %s', (name, overrides) => {
    const scenario = loadScenario(name, overrides);
    const outcomes = enumerateChance(scenario);
    expect(countChance(scenario).total).toBe(outcomes.length);
    expect(outcomes.reduce((sum, o) => sum + o.probability, 0)).toBeCloseTo(1, 12);
  });

  it('counts only the faulty sets asked for', () => {
    const scenario = loadScenario('ba-n4-f1');
    expect(countChance(scenario, [[2], [0], [2]]).total).toBe(enumerateChance(scenario, [[2], [0], [2]]).length);
  });
});

describe('a budget is checked before any chance outcome is built', () => {
  it('enumerateChance with a budget refuses a huge scenario with its count, without enumerating it', () => {
    const scenario = loadScenario('ba-n4-f1', LARGE);
    expect(() => enumerateChance(scenario, undefined, 1000)).toThrow(StateLimitError);
    expect(() => enumerateChance(scenario, undefined, 1000)).toThrow(`${LARGE_COUNT}, more than the budget of 1000`);
  });

  it('verify refuses a scenario with more chance outcomes than --max-states, naming the count and the budget', () => {
    const scenario = loadScenario('ba-n4-f1', LARGE);
    expect(() => verify({ scenario, honest: 'majority', maxStates: 1000 })).toThrow(StateLimitError);
    expect(() => verify({ scenario, honest: 'majority', maxStates: 1000 })).toThrow(`verify: ba-n4-f1 has ${LARGE_COUNT}, each searched from its own start: more than --max-states=1000`);
  });

  it('the refusal starts one outcome past the budget: 32 outcomes refused at 31, searched at 32', () => {
    const scenario = loadScenario('ba-n4-f1'); // 4 faulty sets × 2^3 honest inputs
    expect(() => verify({ scenario, honest: 'eig', maxStates: 31 })).toThrow('has 32 chance outcomes');
    // At 32 the count passes and the search itself runs into the budget: never a verdict on part of it.
    expect(() => verify({ scenario, honest: 'eig', maxStates: 32 })).toThrow(/^verify: more than --max-states=32 states explored/);
  });

  it('cgym verify of the large scenario is one line with the count and the default budget', () => {
    const run = cgym(['verify', '--scenario', 'ba-n4-f1', '--honest', 'majority', ...LARGE.flatMap((s) => ['--set', s])]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`cgym: verify: ba-n4-f1 has ${LARGE_COUNT}, each searched from its own start: more than --max-states=20000000; shrink the scenario (n, f, values, inputs) or raise --max-states\n`);
  });
});
