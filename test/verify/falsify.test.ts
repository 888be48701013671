// The falsification pass before the proof (src/verify/_internals/falsify.ts): cheap attacks settle
// the chance outcomes they win, the search the rest, and the worst-case loss rate is the same as
// the search's alone; every attack it reports replays to a violation; the hints are tried first;
// `enough` stops before any search with a lower bound.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { replayCounterexample, verify, type VerifyResult } from '../../src/verify/verify.js';

const lostSetups = (r: VerifyResult) => (r.verdict === 'unsafe' ? r.attacks.map((a) => JSON.stringify(a.setup)).sort() : []);

describe('verify with a falsification pass', () => {
  it.each([
    ['ba-n4-f1', 'majority', []],
    ['bb-pki-n3-f1', 'dolev-strong', ['identity=authenticated']],
    ['ba-n3-f1', 'eig', []],
    ['partial-sync-crash', 'majority', ['maxRounds=3']],
  ] as const)('%s %s %j: the same loss rate and lost outcomes as the search alone, some outcomes settled without a search', (preset, honest, overrides) => {
    const scenario = loadScenario(preset, [...overrides]);
    const searched = verify({ scenario, honest });
    const falsified = verify({ scenario, honest, falsify: { episodes: 32 } });
    expect(searched.verdict).toBe('unsafe');
    expect(falsified.verdict).toBe('unsafe');
    expect(falsified.worstCaseLossRate).toBe(searched.worstCaseLossRate);
    expect(lostSetups(falsified)).toEqual(lostSetups(searched));
    expect(falsified.falsified).toBeGreaterThan(0);
    expect(falsified.lowerBound).toBeUndefined();
    if (falsified.verdict !== 'unsafe') return;
    for (const attack of falsified.attacks) expect(replayCounterexample(scenario, honest, attack.setup, attack.script).violated.length, JSON.stringify(attack.setup)).toBeGreaterThan(0);
    expect(falsified.counterexample.violated.length).toBeGreaterThan(0);
  });

  it('a safe protocol stays proven safe: no attack wins, every outcome is searched', () => {
    const scenario = loadScenario('ba-n4-f1');
    const result = verify({ scenario, honest: 'eig', falsify: { episodes: 32 } });
    expect(result.verdict).toBe('safe');
    expect(result.falsified).toBe(0);
    expect(result.states).toBeGreaterThan(verify({ scenario, honest: 'eig' }).states);
  });

  it('tries the hints first: with room for one episode, a previous verification\'s attacks settle every outcome they won', () => {
    const scenario = loadScenario('ba-n4-f1');
    const previous = verify({ scenario, honest: 'majority', symmetry: false });
    if (previous.verdict !== 'unsafe') throw new Error('majority should be unsafe on ba-n4-f1');
    const hinted = verify({ scenario, honest: 'majority', symmetry: false, falsify: { episodes: 1, hints: previous.attacks } });
    expect(hinted.falsified).toBe(previous.attacks.length);
    expect(hinted.worstCaseLossRate).toBe(previous.worstCaseLossRate);
    // Without the hints, one episode is the silent adversary alone, which wins fewer of them.
    const silentOnly = verify({ scenario, honest: 'majority', symmetry: false, falsify: { episodes: 1 } });
    expect(silentOnly.falsified).toBeLessThan(previous.attacks.length);
    expect(silentOnly.worstCaseLossRate).toBe(previous.worstCaseLossRate);
  });

  it.each([
    ['ba-n3-f1', 'eig', [], true],
    ['ba-n3-f1', 'majority', [], false],
    ['bb-pki-n3-f1', 'eig', ['identity=authenticated'], false],
    ['ba-n4-f1', 'majority', ['timing=async', 'maxDelay=1', 'maxRounds=3'], false],
  ] as const)('%s %s %j: where the silent adversary does not win, the search stops at its first attack: the same lost outcomes', (preset, honest, overrides, fewerStates) => {
    const scenario = loadScenario(preset, [...overrides]);
    for (const symmetry of [true, false]) {
      const searched = verify({ scenario, honest, symmetry });
      const untilWin = verify({ scenario, honest, symmetry, falsify: { episodes: 1 } });
      expect(untilWin.falsified).toBe(0); // every lost outcome was found by the search
      expect(untilWin.worstCaseLossRate).toBe(searched.worstCaseLossRate);
      expect(lostSetups(untilWin)).toEqual(lostSetups(searched));
      if (fewerStates) expect(untilWin.states).toBeLessThan(searched.states);
      if (untilWin.verdict === 'unsafe') for (const attack of untilWin.attacks) expect(replayCounterexample(scenario, honest, attack.setup, attack.script).violated.length).toBeGreaterThan(0);
    }
  });

  it('a hint the rules would refuse here (a pki forgery, from another policy\'s attack) is played as the nearest legal move, not thrown', () => {
    const scenario = loadScenario('bb-pki-n3-f1');
    // The honest sender 0 signs 0; faulty 1 then "forwards" a 1 signed by 0 to agent 2: a forgery.
    const forged = { setup: { faulty: [1], inputs: [0, 0, 0] }, script: [{}, { relays: [[1, 2, 0, 1]] as [number, number, number, number][] }] };
    expect(() => replayCounterexample(scenario, 'dolev-strong', forged.setup, forged.script)).toThrow(/cannot forge/);
    const result = verify({ scenario, honest: 'dolev-strong', falsify: { episodes: 2, hints: [forged] } });
    expect(result.verdict).toBe('safe');
    expect(result.falsified).toBe(0);
  });

  it('`enough`: stops before any search once the attacks lose that share, with a lower bound; below it, the exact answer', () => {
    const scenario = loadScenario('ba-n4-f1');
    const exact = verify({ scenario, honest: 'majority' });
    const stopped = verify({ scenario, honest: 'majority', falsify: { episodes: 32, enough: 0.01 } });
    expect(stopped.lowerBound).toBe(true);
    expect(stopped.worstCaseLossRate).toBeGreaterThanOrEqual(0.01);
    expect(stopped.worstCaseLossRate).toBeLessThanOrEqual(exact.worstCaseLossRate);
    expect(stopped.states).toBeLessThan(exact.states);
    if (stopped.verdict === 'unsafe') for (const attack of stopped.attacks) expect(replayCounterexample(scenario, 'majority', attack.setup, attack.script).violated.length).toBeGreaterThan(0);
    // Where the cheap attacks win nothing (the silent adversary against eig), the searches stop once they have lost enough.
    const n3 = loadScenario('ba-n3-f1');
    const eig = verify({ scenario: n3, honest: 'eig' });
    const searchedUntil = verify({ scenario: n3, honest: 'eig', falsify: { episodes: 1, enough: 0.25 } });
    expect(searchedUntil.falsified).toBe(0);
    expect(searchedUntil.lowerBound).toBe(true);
    expect(searchedUntil.worstCaseLossRate).toBeGreaterThanOrEqual(0.25);
    expect(searchedUntil.worstCaseLossRate).toBeLessThan(eig.worstCaseLossRate);
    expect(searchedUntil.states).toBeLessThan(eig.states);
    const full = verify({ scenario, honest: 'majority', falsify: { episodes: 32, enough: 1 } });
    expect(full.lowerBound).toBeUndefined();
    expect(full.worstCaseLossRate).toBe(exact.worstCaseLossRate);
  });
});
