// relayBias: a start that forwards what arrived, where the honest actions have a relay head
// (policy/networkFor.ts); the training config refuses it elsewhere in one line.
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { parseTrainConfig, resolveTrainConfig } from '../../src/train/config.js';

beforeAll(async () => {
  await ready();
});

describe('relayBias', () => {
  it('sets the initial logit of "relay: yes" and nothing else', () => {
    const scenario = loadScenario('pki');
    const relay = new ActionSpace(scenario).head('relay')!;
    const biased = honestNetwork(scenario, { seed: 1, relayBias: 2 }).toJSON({ optimizer: false });
    const plain = honestNetwork(scenario, { seed: 1 }).toJSON({ optimizer: false });
    const bias = biased.weights[biased.weights.length - 1]!;
    const plainBias = plain.weights[plain.weights.length - 1]!;
    bias.forEach((b, k) => expect(b).toBe(k === relay.offset + 1 ? 2 : plainBias[k]));
  });

  it('is refused where there is no relay head, naming the key, the value and the rule', () => {
    expect(() => honestNetwork(loadScenario('honest-consensus'), { seed: 1, relayBias: 2 })).toThrow('relayBias=2: the paper action space has no relay head');
    expect(() => resolveTrainConfig(parseTrainConfig({ scenario: 'honest-consensus', relayBias: 2 }))).toThrow(
      'train: relayBias=2 needs a relay head (relay actions; scenario honest-consensus has paper)',
    );
  });
});
