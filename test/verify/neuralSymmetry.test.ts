// A learned equivariant honest network declares every agent alike (NeuralProtocol.agentRoles): the
// verifier checks the claim and then searches one chance outcome per orbit, with the same answer as
// without the reduction (src/verify/_internals/symmetry.ts). An MLP declares nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { replayCounterexample, verify, type VerifyResult } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});

const answer = (r: VerifyResult) => ({ verdict: r.verdict, worstCaseLossRate: r.worstCaseLossRate, breakRate: r.breakRate, attacked: r.verdict === 'unsafe' ? r.attacks.map((a) => JSON.stringify(a.setup)).sort() : [] });

describe('a neural equivariant policy under the symmetry reduction', () => {
  it.each([
    ['ba-n3-f1', 3],
    ['ba-n3-f1', 11],
    ['bb-pki-n3-f1', 5],
  ] as const)('%s, network seed %d: one outcome per orbit, the same answer as without the reduction', (preset, seed) => {
    const scenario = loadScenario(preset);
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder: [], seed, observation: { history: scenario.maxRounds, valueFrame: 'own-input' }, messageBias: 2 });
    try {
      const honest = new NeuralProtocol(network, scenario, 'greedy');
      expect(honest.agentRoles).toBeDefined();
      const reduced = verify({ scenario, honest });
      const full = verify({ scenario, honest, symmetry: false });
      expect(reduced.orbits).toBeLessThan(full.chanceOutcomes);
      expect(answer(reduced)).toEqual(answer(full));
      expect(reduced.states).toBeLessThan(full.states);
      if (reduced.verdict === 'unsafe') for (const attack of reduced.attacks) expect(replayCounterexample(scenario, honest, attack.setup, attack.script).violated.length).toBeGreaterThan(0);
    } finally {
      network.dispose();
    }
  });

  it('an MLP declares no roles: no reduction', () => {
    const scenario = loadScenario('ba-n3-f1');
    const network = honestNetwork(scenario, { seed: 1 });
    try {
      const honest = new NeuralProtocol(network, scenario, 'greedy');
      expect(honest.agentRoles).toBeUndefined();
      expect(verify({ scenario, honest }).orbits).toBeUndefined();
    } finally {
      network.dispose();
    }
  });
});
