// Protocol mutants (`HonestProtocol.mutants`): majority and phase king declare theirs, each resolves
// by its name `<protocol>:<mutation>` wherever a protocol is asked for, runs where the original
// runs, and behaves differently from the original somewhere — and the verifier's ground truth
// on the small settings matches what each mutant's doc comment claims.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { checkProtocol } from '../../src/game/conformance.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { Scenario } from '../../src/game/scenario.js';
import { runEpisodes } from '../../src/play/play.js';
import { getAdversary, getProtocol, isProtocolName, PROTOCOLS } from '../../src/protocols/registry.js';
import type { HonestProtocol } from '../../src/protocols/types.js';
import { verify } from '../../src/verify/verify.js';

/** Every honest decision of `episodes` seeded episodes against each adversary, as one array. */
function decisions(scenario: Scenario, protocol: HonestProtocol, adversaries: readonly string[], episodes = 256): number[] {
  const all: number[] = [];
  for (const name of adversaries) {
    const game = new GameBatch(scenario, { size: episodes, seed: 1, memorySlots: protocol.memorySlots });
    game.reset(0);
    runEpisodes(game, protocol, getAdversary(name), new HonestActions(episodes, scenario.n, scenario), new AdversaryActions(episodes, scenario.n, scenario));
    all.push(...game.decision, ...game.decisionRound);
  }
  return all;
}

const CASES = [
  { base: 'majority', scenarios: [loadScenario('honest-consensus', ['n=4']), loadScenario('honest-consensus', ['n=4', 'f=1'])], adversaries: ['silent', 'fuzz'] },
  { base: 'phase-king', scenarios: [loadScenario('phase-king-n5-f1')], adversaries: ['silent', 'equivocate', 'fuzz'] },
];

describe.each(CASES)('mutants of $base', ({ base, scenarios, adversaries }) => {
  const original = getProtocol(base);
  const mutants = original.mutants?.() ?? [];

  it('declares several, each named <protocol>:<mutation> and described', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(4);
    for (const m of mutants) {
      expect(m.protocol.name).toBe(`${base}:${m.mutation}`);
      expect(m.mutation).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.description.length).toBeGreaterThan(10);
    }
    expect(new Set(mutants.map((m) => m.mutation)).size).toBe(mutants.length);
  });

  it('resolves each by name in the registry, and refuses an unknown mutation with the known ones', () => {
    for (const m of mutants) {
      expect(getProtocol(m.protocol.name)).toBe(m.protocol);
      expect(isProtocolName(m.protocol.name)).toBe(true);
    }
    expect(() => getProtocol(`${base}:no-such-mutation`)).toThrow(new RegExp(`unknown mutant "${base}:no-such-mutation" of ${base} \\(known: ${mutants[0]!.mutation}, `));
    expect(isProtocolName(`${base}:no-such-mutation`)).toBe(false);
  });

  it('each runs where the original runs, and refuses under its own name where it does not', () => {
    for (const scenario of scenarios) for (const m of mutants) expect(m.protocol.refuse(scenario)).toBeUndefined();
    const tooShort = loadScenario('phase-king-n5-f1', ['maxRounds=1']);
    for (const m of mutants) expect(m.protocol.refuse(tooShort) ?? `${m.protocol.name}:`).toMatch(new RegExp(`^${m.protocol.name}:`));
  });

  it('each passes the protocol conformance checks (legal, deterministic, reads only its own view)', () => {
    for (const scenario of scenarios)
      for (const m of mutants) {
        const result = checkProtocol(m.protocol, scenario, { episodes: 64, batchSize: 16, soloEpisodes: 4 });
        expect(result.ok ? [] : result.failures, `${m.protocol.name} in ${scenario.name}`).toEqual([]);
      }
  });

  it('each behaves differently from the original in some episode', () => {
    for (const m of mutants) {
      const differs = scenarios.some((scenario) => decisions(scenario, m.protocol, adversaries).join() !== decisions(scenario, original, adversaries).join());
      expect(differs, `${m.protocol.name} plays exactly like ${base}`).toBe(true);
    }
  });
});

describe('mutants without a declaration', () => {
  it('a protocol without mutants() names none', () => {
    const without = PROTOCOLS.find((p) => p.mutants === undefined)!;
    expect(() => getProtocol(`${without.name}:x`)).toThrow(`${without.name} declares no mutants`);
  });
});

describe('ground truth at honest-consensus (n=3, f=0)', () => {
  it('majority is safe; commit-round-1 and ignore-own-input are unsafe; tie-largest and missing-as-0 are equivalent (safe)', () => {
    const scenario = loadScenario('honest-consensus');
    const verdict = (name: string) => verify({ scenario, honest: name }).verdict;
    expect(verdict('majority')).toBe('safe');
    expect(verdict('majority:commit-round-1')).toBe('unsafe');
    expect(verdict('majority:ignore-own-input')).toBe('unsafe');
    expect(verdict('majority:tie-largest')).toBe('safe');
    expect(verdict('majority:missing-as-0')).toBe('safe');
  });
});
