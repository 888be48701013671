// A learned policy that reads a history window is verified like any other: its earlier frames come
// from the record, so the verifier's branching (restored states, rounds replayed out of order) shows
// it what play shows it, and every attack found replays in the engine to a loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { parseScenario } from '../../src/game/scenario.js';
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
      const network = honestNetwork(pki, { seed, observation: { ...view, valueFrame: 'own-input' }, hidden: [8], messageBias: 2, commitAtHorizon: true });
      const honest = new NeuralProtocol(network, pki, 'greedy');
      const result = verify({ scenario: pki, honest });
      expect(result.verdict).toBe('unsafe');
      if (result.verdict !== 'unsafe') continue;
      expect(result.counterexample.violated.length).toBeGreaterThan(0);
      for (const attack of result.attacks) expect(replayCounterexample(pki, honest, attack.setup, attack.script).violated.length, JSON.stringify(attack.setup)).toBeGreaterThan(0);
    }
  });

  it('a policy reading the sample record is solved exactly, and its losing path replays in the engine', () => {
    // slush-3v2 shrunk to n=3, k=1, R=3 (the verifier's size); draws of whom a sample asks are chance.
    const small = parseScenario({ ...loadScenario('slush-3v2'), name: 'slush-small', n: 3, sampleSize: 1, inputs: { split: [2, 1] }, maxRounds: 3 });
    const network = honestNetwork(small, { seed: 2, hidden: [8], observation: { valueFrame: 'symmetric', sampleView: 'record' } });
    const honest = new NeuralProtocol(network, small, 'greedy');
    const result = verify({ scenario: small, honest });
    expect(result.method).toBe('expectimax');
    expect(result.verdict).toBe('unsafe');
    if (result.verdict !== 'unsafe') return;
    const { setup, script, chance, violated } = result.counterexample;
    expect(replayCounterexample(small, honest, setup, script, chance).violated).toEqual(violated);
  });
});
