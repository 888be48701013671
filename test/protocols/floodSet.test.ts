// FloodSet (Lynch 1996, §6.2) against the verifier: safe wherever its f+1-round argument holds,
// broken by one round less, by not passing news on, and by a Byzantine agent; and it sends a value
// only when it is news (fewer messages than flooding every round).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { verify } from '../../src/verify/verify.js';
import { play } from '../../src/play/play.js';

const crash = (n: number, f: number, more: string[] = []) =>
  loadScenario('phase-king-n5-f1', [`n=${n}`, `f=${f}`, 'faults=crash', `maxRounds=${f + 2}`, ...more]);

describe('floodset', () => {
  it.each([
    [4, 1], [4, 2], [5, 2], [5, 3],
  ])('is proven safe with crash faults at n=%i, f=%i (f+1 rounds, then the commit)', (n, f) => {
    expect(verify({ scenario: crash(n, f), honest: 'floodset' }).verdict).toBe('safe');
  });

  it('is proven safe with send-omission faults at n=4, f=2', () => {
    expect(verify({ scenario: crash(4, 2, ['faults=omission']), honest: 'floodset' }).verdict).toBe('safe');
  });

  it('a round short, or without passing news on, a chain of crashes splits the agents', () => {
    for (const mutant of ['floodset:a-round-short', 'floodset:no-relay']) {
      const result = verify({ scenario: crash(4, 2), honest: mutant });
      expect(result.verdict, mutant).toBe('unsafe');
      expect(result.breakRate.consistency, mutant).toBeGreaterThan(0);
    }
  });

  it('a Byzantine agent breaks it (n=4, f=1)', () => {
    expect(verify({ scenario: loadScenario('phase-king-n5-f1', ['n=4', 'f=1', 'maxRounds=3']), honest: 'floodset' }).verdict).toBe('unsafe');
  });

  it('sends a value only when it is news: fewer messages than flooding every round, every episode won', () => {
    const scenario = crash(4, 2);
    const result = play({ scenario, honest: 'floodset', adversary: 'crash', episodes: 2_000, seed: 3 });
    expect(result.winRate).toBe(1);
    // Flooding every one of the f+1 rounds sends up to n(n−1)(f+1) = 36 messages an episode; sending
    // news only, round 1's 12 and at most one more value per agent (the smaller) — ≤ 24.
    expect(result.meanMessages).toBeLessThanOrEqual(24);
    expect(result.meanMessages).toBeGreaterThan(0);
  });

  it('refuses what it cannot run, in one line naming the rule', () => {
    expect(getProtocol('floodset').refuse(crash(4, 2, ['maxRounds=3']))).toBe('floodset: needs maxRounds ≥ f+2 (f+1 rounds of flooding, then the commit; got maxRounds=3, f=2)');
    expect(getProtocol('floodset').refuse(loadScenario('honest-consensus'))).toMatch(/^floodset: needs honestActions free or relay/);
  });
});
