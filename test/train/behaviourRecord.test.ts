// PPO's old log-probabilities and values come from the rollout (the acting forward pass), not from
// a second pass before the update: what the rollout records must be what the network's loss terms
// compute for the same rows, on every head layout (pki's honest heads 3, 3, 2 with unused heads and
// masked options; the adversary's many heads; slush's one head in the symmetric frame).
import { beforeAll, describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralAdversary } from '../../src/policy/NeuralAdversary.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { adversaryNetwork, honestNetwork } from '../../src/policy/networkFor.js';
import type { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { rollout, SideStorage } from '../../src/train/rollout.js';
import { slotTensors } from '../../src/train/storageTensors.js';

beforeAll(async () => {
  await ready();
});

/** The loss terms' log-probabilities and values of every recorded slot. */
function termsOf(network: PolicyNetwork, storage: SideStorage): { logProb: Float32Array; value: Float32Array } {
  return tf.tidy(() => {
    const batch = slotTensors(storage, storage.slots.subarray(0, storage.count));
    const terms = network.terms(batch.obs, batch.maskBias, batch.chosen, batch.usedColumns);
    return { logProb: terms.logProb.dataSync() as Float32Array, value: terms.value.dataSync() as Float32Array };
  });
}

function expectRecorded(network: PolicyNetwork, storage: SideStorage): void {
  expect(storage.count).toBeGreaterThan(50);
  expect(storage.logProbsRecorded && storage.valuesRecorded).toBe(true);
  const { logProb, value } = termsOf(network, storage);
  let largest = 0;
  for (let k = 0; k < storage.count; k++) {
    const slot = storage.slots[k]!;
    largest = Math.max(largest, Math.abs(storage.behaviourLogProb[slot]! - logProb[k]!));
    expect(storage.behaviourValue[slot]).toBeCloseTo(value[k]!, 5);
  }
  expect(largest).toBeLessThan(1e-5);
}

describe('rollout: the behaviour policy recorded while acting', () => {
  for (const name of ['pki', 'slush-3v2']) {
    it(`${name}: the honest side's recorded log-probabilities and values equal the loss terms' (both learning)`, () => {
      const scenario = loadScenario(name);
      const honestNet = honestNetwork(scenario, { hidden: [8], value: true, seed: 3, centerInputs: true, ...(name === 'slush-3v2' && { observation: { sampleView: 'record', valueFrame: 'symmetric', symmetricOthers: true } }) });
      const honest = new NeuralProtocol(honestNet, scenario, 'sample');
      honest.recordValues = true;
      const size = 64;
      const game = new GameBatch(scenario, { size, seed: 11 });
      const honestStorage = new SideStorage(scenario.maxRounds, size * scenario.n, scenario.n, honest.observer.size, honestNet.spec.heads, honestNet.maskWidth);
      const sides: Parameters<typeof rollout>[2] = { honest, adversary: honest as never, honestStorage: { storage: honestStorage, agent: honest, used: (c, row, h) => honest.actionSpace.isHeadUsed(c, row, h) } };
      let adversaryNet: PolicyNetwork | undefined;
      let adversaryStorage: SideStorage | undefined;
      if (scenario.f > 0) {
        adversaryNet = adversaryNetwork(scenario, { hidden: [8], value: true, seed: 4 });
        const adversary = new NeuralAdversary(adversaryNet, scenario, 'sample');
        adversary.recordValues = true;
        adversaryStorage = new SideStorage(scenario.maxRounds, size, 1, adversary.space.obsSize, adversaryNet.spec.heads, adversaryNet.maskWidth);
        sides.adversary = adversary;
        sides.adversaryStorage = { storage: adversaryStorage, agent: adversary };
      } else {
        sides.adversary = { name: 'silent', act: () => undefined } as never;
      }
      rollout(game, 0, sides, new HonestActions(size, scenario.n, scenario), new AdversaryActions(size, scenario.n, scenario));
      expectRecorded(honestNet, honestStorage);
      if (adversaryNet && adversaryStorage) expectRecorded(adversaryNet, adversaryStorage);
      honestNet.dispose();
      adversaryNet?.dispose();
    });
  }

  it('a storage filled without logits or values says so (ppoUpdate then computes them itself)', () => {
    const storage = new SideStorage(1, 2, 1, 1, [{ size: 2, offset: 0 }], 2);
    storage.recordRound(1, new Float32Array(2), new Uint8Array(4).fill(1));
    storage.recordChoices(1, 0, new Int32Array(2), () => true);
    expect(storage.logProbsRecorded).toBe(false);
    expect(storage.valuesRecorded).toBe(false);
    storage.clear();
    expect(storage.logProbsRecorded && storage.valuesRecorded).toBe(true);
  });

  it('a storage for a learner that does not use them (REINFORCE) computes no log-probabilities, and says so', () => {
    const storage = new SideStorage(1, 2, 1, 1, [{ size: 2, offset: 0 }], 2, false);
    storage.recordRound(1, new Float32Array(2), new Uint8Array(4).fill(1));
    storage.recordChoices(1, 0, new Int32Array(2), () => true, Float32Array.from([3, 1, 0, 0]));
    expect(storage.logProbsRecorded).toBe(false);
    expect(storage.behaviourLogProb[0]).toBe(0);
  });
});
