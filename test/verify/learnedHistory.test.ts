// A learned policy that reads a history window is verified like any other: its earlier frames come
// from the record, so the verifier's branching (restored states, rounds replayed out of order) shows
// it what play shows it, and every attack found replays in the engine to a loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { replayCounterexample, verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});

describe('verify: learned policies with a history window', () => {
  it('a counterexample and every attack against an untrained pki policy reading 2 frames (or the accepted view) replay to losses', () => {
    const pki = loadScenario('pki');
    for (const seed of [1, 2, 3, 4]) {
      const view = seed === 4 ? { messageView: 'accepted' as const, symmetricOthers: true } : { history: 2 };
      const network = honestNetwork(pki, { seed, ...view, hidden: [8], valueFrame: 'own-input', messageBias: 2, commitAtHorizon: true });
      const honest = new NeuralProtocol(network, pki, 'greedy');
      const result = verify({ scenario: pki, honest });
      expect(result.verdict).toBe('unsafe');
      if (result.verdict !== 'unsafe') continue;
      expect(result.counterexample.violated.length).toBeGreaterThan(0);
      for (const attack of result.attacks) expect(replayCounterexample(pki, honest, attack.setup, attack.script).violated.length, JSON.stringify(attack.setup)).toBeGreaterThan(0);
    }
  });
});
