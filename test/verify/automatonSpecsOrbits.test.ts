// Chance orbits in the specification search (src/verify/automatonSpecs.ts): one chance outcome per
// orbit of renamed processes must give every specification the verdict of the full search, and a
// violation the same counterexample outcome.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/game/scenario.js';
import { getProtocol } from '../../src/protocols/registry.js';
import type { AutomatonProtocol } from '../../src/protocols/thresholdAutomaton/protocol.js';
import { SMALLEST } from '../../src/protocols/thresholdAutomaton/smallest.js';
import { verifyAutomatonSpecs, type AutomatonSpecsResult } from '../../src/verify/automatonSpecs.js';
import { ta } from '../protocols/thresholdAutomaton/smallest.js';

const verdicts = (r: AutomatonSpecsResult) => Object.fromEntries(Object.entries(r.specs).map(([name, s]) => [name, { holds: s.holds, vacuous: s.vacuous ?? false, setup: s.counterexample?.setup, round: s.counterexample?.round }]));

describe('specification search: chance orbits change nothing but the work', () => {
  // Every file at its smallest size for one round, and a few longer horizons (the full searches past
  // these take tens of seconds each: bosco at R=2 is 13.5 M states without, 1.7 M with).
  it.each([
    ...SMALLEST.map(([file, n, f, faults, params]) => [file, params, n, f, faults, 1, undefined] as const),
    ['strb', 'T=1', 4, 1, 'byzantine', 2, ['unforg']],
    ['ben-or', 'T=1,Fi=0,Fe=1', 3, 1, 'crash', 2, undefined],
    ['frb', 'T=1', 2, 1, 'crash', 4, undefined],
    ['cc', 'T=1', 3, 1, 'crash', 3, undefined],
  ] as const)('%s[%s] at N=%i, F=%i (%s), R=%i: every verdict equal with and without', (file, params, n, f, faults, rounds, only) => {
    const scenario = parseScenario({ name: `${file}-orbits`, n, f, faults, timing: 'async', maxDelay: 1, maxRounds: rounds, honestActions: 'free' });
    const protocol = getProtocol(ta(file, params), scenario) as AutomatonProtocol;
    const reduced = verifyAutomatonSpecs({ scenario, protocol, maxStates: 5e6, ...(only && { only: [...only] }) });
    const full = verifyAutomatonSpecs({ scenario, protocol, maxStates: 5e6, symmetry: false, ...(only && { only: [...only] }) });
    expect(reduced.beyondBudget).toBeUndefined();
    expect(full.beyondBudget).toBeUndefined();
    expect(verdicts(reduced)).toEqual(verdicts(full));
    expect(full.orbits).toBeUndefined();
    expect(reduced.orbits).toBeLessThan(reduced.chanceOutcomes);
    expect(reduced.states).toBeLessThan(full.states);
  });

  // Mutants break specifications in some chance outcomes and not others: every orbit must be searched, and each violation found where it was.
  const mutants = (file: string, params: string, n: number, faults: 'byzantine' | 'crash', rounds: number) => {
    const scenario = parseScenario({ name: `${file}-mutants`, n, f: 1, faults, timing: 'async', maxDelay: 1, maxRounds: rounds, honestActions: 'free' });
    return getProtocol(ta(file, params), scenario).mutants!().map((m) => [m.protocol.name.replace(/^.*\//, ''), scenario, m.protocol as AutomatonProtocol] as const);
  };
  it.each([...mutants('cc', 'T=1', 3, 'crash', 2), ...mutants('strb', 'T=1', 4, 'byzantine', 2)])('%s: every verdict equal with and without', (_name, scenario, protocol) => {
    const only = scenario.faults === 'byzantine' ? { only: ['unforg'] } : {};
    const reduced = verifyAutomatonSpecs({ scenario, protocol, maxStates: 5e6, ...only });
    const full = verifyAutomatonSpecs({ scenario, protocol, maxStates: 5e6, symmetry: false, ...only });
    expect(full.beyondBudget).toBeUndefined();
    expect(verdicts(reduced)).toEqual(verdicts(full));
  });

  it('a mutant\'s violation falls on the same chance outcome, and strb at N=4 searches 4 orbits of its 32 outcomes', () => {
    const scenario = parseScenario({ name: 'strb-orbits', n: 4, f: 1, faults: 'byzantine', timing: 'async', maxDelay: 1, maxRounds: 3, honestActions: 'free' });
    const protocol = getProtocol(`${ta('strb', 'T=1')}:guard3-minus-1`, scenario) as AutomatonProtocol;
    const reduced = verifyAutomatonSpecs({ scenario, protocol, only: ['unforg'] });
    const full = verifyAutomatonSpecs({ scenario, protocol, only: ['unforg'], symmetry: false });
    expect(reduced.specs.unforg!.holds).toBe(false);
    expect(reduced.specs.unforg!.counterexample!.setup).toEqual(full.specs.unforg!.counterexample!.setup);
    expect(reduced).toMatchObject({ chanceOutcomes: 32, orbits: 4 });
  });
});
