// relayBias: a start that forwards what arrived, where the honest actions have a relay head
// (policy/networkFor.ts); the training config refuses it elsewhere in one line, and the discovery
// learner derives it from the scenario (relay actions only).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoveryTrainConfig } from '../../src/discover/discoveryConfig.js';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { parseTrainConfig, resolveTrainConfig } from '../../src/train/config.js';

beforeAll(async () => {
  await ready();
});

const freshRun = (): string => join(mkdtempSync(join(tmpdir(), 'cgym-relay-bias-')), 'run');

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

  it('the discovery learner starts relaying where there are relays, and only there', () => {
    const relayOf = (name: string, set: string[] = []) => discoveryTrainConfig(loadScenario(name, set), { scenario: name, set, seed: 0, out: freshRun() }).relayBias;
    expect(relayOf('pki')).toBeGreaterThan(0);
    expect(relayOf('bb-pki-n3-f1')).toBeGreaterThan(0);
    expect(relayOf('honest-consensus')).toBe(0);
    expect(relayOf('phase-king-n5-f1', ['n=4', 'f=2', 'faults=crash', 'maxRounds=4'])).toBe(0);
  });
});
