// Mutants of the relay protocols (`eig`, `dolev-strong`): each resolves by its name
// `<protocol>:<mutation>`, runs where it applies (a mutation that means nothing at f = 1 refuses
// there, under its own name), passes the protocol conformance checks, and plays differently from
// the original somewhere; the verifier's ground truth at the small settings matches the doc comments.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { checkProtocol } from '../../src/game/conformance.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { Scenario } from '../../src/game/scenario.js';
import { runEpisodes } from '../../src/play/play.js';
import { getAdversary, getProtocol, isProtocolName } from '../../src/protocols/registry.js';
import type { HonestProtocol } from '../../src/protocols/types.js';
import { verify } from '../../src/verify/verify.js';

/** Every honest decision (and decision vector) of seeded episodes against each adversary, as one array. */
function decisions(scenario: Scenario, protocol: HonestProtocol, adversaries: readonly string[], episodes = 128): number[] {
  const all: number[] = [];
  for (const name of adversaries) {
    if (getAdversary(name).refuse(scenario)) continue; // lie-relays refuses pki, where it would forge
    const game = new GameBatch(scenario, { size: episodes, seed: 1, memorySlots: protocol.memorySlots });
    game.reset(0);
    runEpisodes(game, protocol, getAdversary(name), new HonestActions(episodes, scenario.n, scenario), new AdversaryActions(episodes, scenario.n, scenario));
    all.push(...game.decision, ...game.decisionRound, ...game.decisionVector);
  }
  return all;
}

const CASES = [
  {
    base: 'eig',
    scenarios: [loadScenario('ba-n4-f1'), loadScenario('ba-n7-f2')],
    adversaries: ['random', 'lie-relays', 'withhold-relays', 'fuzz'],
    mutations: ['one-round-short', 'never-relays', 'relay-one-level-less', 'tie-largest', 'missing-rule-flipped'],
    onlyAtF2: ['relay-one-level-less'],
  },
  {
    base: 'dolev-strong',
    scenarios: [loadScenario('bb-pki-n3-f1'), loadScenario('bb-pki-n4-f2')],
    adversaries: ['random', 'equivocate', 'withhold-relays', 'fuzz'],
    mutations: ['one-round-short', 'never-relays', 'accept-one-signature-fewer', 'trust-direct-value', 'default-largest'],
    onlyAtF2: ['accept-one-signature-fewer'],
  },
];

describe.each(CASES)('mutants of $base', ({ base, scenarios, adversaries, mutations, onlyAtF2 }) => {
  const original = getProtocol(base);
  const mutants = original.mutants?.() ?? [];
  const runsIn = (name: string, scenario: Scenario) => scenario.f >= 2 || !onlyAtF2.includes(name.slice(base.length + 1));

  it('declares a round short, a relay dropped, a rule flipped and a check removed, each named <protocol>:<mutation>', () => {
    expect(mutants.map((m) => m.mutation)).toEqual(mutations);
    for (const m of mutants) {
      expect(m.protocol.name).toBe(`${base}:${m.mutation}`);
      expect(m.description.length).toBeGreaterThan(10);
    }
  });

  it('resolves each by name in the registry', () => {
    for (const m of mutants) {
      expect(getProtocol(m.protocol.name)).toBe(m.protocol);
      expect(isProtocolName(m.protocol.name)).toBe(true);
    }
    expect(() => getProtocol(`${base}:no-such-mutation`)).toThrow(`unknown mutant "${base}:no-such-mutation" of ${base} (known: ${mutations.join(', ')})`);
  });

  it('each runs where the original runs (f ≥ 2 only where declared so), and refuses under its own name', () => {
    for (const scenario of scenarios)
      for (const m of mutants) {
        const why = m.protocol.refuse(scenario);
        if (runsIn(m.protocol.name, scenario)) expect(why, `${m.protocol.name} in ${scenario.name}`).toBeUndefined();
        else expect(why).toBe(`${m.protocol.name}: needs f ≥ 2 (${why!.split('(')[1]!.split(')')[0]}) (got f=${scenario.f})`);
      }
    const tooShort = { ...scenarios[0]!, maxRounds: 2 };
    for (const m of mutants) expect(m.protocol.refuse(tooShort)).toMatch(new RegExp(`^${m.protocol.name}: needs`));
  });

  it('each passes the protocol conformance checks (legal, deterministic, reads only its own view)', () => {
    for (const scenario of scenarios)
      for (const m of mutants) {
        if (!runsIn(m.protocol.name, scenario)) continue;
        const result = checkProtocol(m.protocol, scenario, { episodes: 32, batchSize: 16, soloEpisodes: 2 });
        expect(result.ok ? [] : result.failures, `${m.protocol.name} in ${scenario.name}`).toEqual([]);
      }
  });

  it('each behaves differently from the original in some episode', () => {
    for (const m of mutants) {
      const differs = scenarios.some((scenario) => runsIn(m.protocol.name, scenario) && decisions(scenario, m.protocol, adversaries).join() !== decisions(scenario, original, adversaries).join());
      expect(differs, `${m.protocol.name} plays exactly like ${base}`).toBe(true);
    }
  });
});

describe('ground truth at f = 1 (the verifier)', () => {
  it('dolev-strong at bb-pki-n3-f1: safe; one-round-short, never-relays, trust-direct-value unsafe; default-largest equivalent (safe)', () => {
    const scenario = loadScenario('bb-pki-n3-f1');
    const verdict = (name: string) => verify({ scenario, honest: name }).verdict;
    expect(verdict('dolev-strong')).toBe('safe');
    expect(verdict('dolev-strong:one-round-short')).toBe('unsafe');
    expect(verdict('dolev-strong:never-relays')).toBe('unsafe');
    expect(verdict('dolev-strong:trust-direct-value')).toBe('unsafe');
    expect(verdict('dolev-strong:default-largest')).toBe('safe');
  });

  it('eig at ba-n4-f1: one-round-short (OM(0)) and never-relays unsafe', () => {
    const scenario = loadScenario('ba-n4-f1');
    expect(verify({ scenario, honest: 'eig:one-round-short' }).verdict).toBe('unsafe');
    expect(verify({ scenario, honest: 'eig:never-relays' }).verdict).toBe('unsafe');
  });
});
