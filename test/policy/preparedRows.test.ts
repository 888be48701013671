// PPO splits its observation rows for the equivariant network once per update (PolicyNetwork.prepare)
// and runs every minibatch pass on rows of that split: the log-probabilities, entropies, values and
// gradients must be the very numbers the network gives the observation rows themselves, in every
// shape the split takes (own part and blocks, the own part beside each block for an encoder, the
// broadcast sender's flags, evidence bits and pair slices, an input mean), and for a plain MLP.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer, type ObserverOptions } from '../../src/game/observation.js';
import type { Scenario } from '../../src/game/scenario.js';
import { honestNetwork, type NetworkOptions } from '../../src/policy/networkFor.js';
import { maskBias, type PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { seededRows } from './equivariantHelpers.js';

beforeAll(async () => {
  await ready();
});

const CASES: Array<[string, Scenario, ObserverOptions, Partial<NetworkOptions>]> = [
  ['slush-3v2, sample summary, linear', loadScenario('slush-3v2'), { sampleView: 'summary', history: 10 }, { encoder: [] }],
  ['pki, relays over 2 frames (evidence bits), linear with the gain', loadScenario('pki'), { history: 2 }, { encoder: [], evidenceGain: 4 }],
  ['pki, an encoder (the own part beside each block, skip pools)', loadScenario('pki'), { history: 2 }, { encoder: [8] }],
  ['bb-pki-n3-f1 at n=5, the broadcast sender flags', loadScenario('bb-pki-n3-f1', ['n=5']), { history: 3 }, { encoder: [] }],
  ['slush-3v2, an MLP (no split)', loadScenario('slush-3v2'), {}, { kind: 'mlp', hidden: [8] }],
];

const ROWS = 12;

function inputs(network: PolicyNetwork, scenario: Scenario, observation: ObserverOptions) {
  const observer = new Observer(scenario, observation);
  const obs = seededRows(ROWS, observer.size, 3);
  const width = network.maskWidth;
  const legal = new Uint8Array(ROWS * width).fill(1);
  const chosen = new Float32Array(ROWS * width);
  for (let r = 0; r < ROWS; r++) chosen[r * width + (r % width)] = 1;
  return { obs, observer, bias: maskBias(legal), chosen, used: new Float32Array(ROWS * width).fill(1), width };
}

describe('PolicyNetwork.prepare: an update on prepared rows is the update on the observations', () => {
  it.each(CASES)('%s: the same terms and gradients, bit for bit', (_, scenario, observation, options) => {
    const network = honestNetwork(scenario, { kind: 'equivariant', value: true, seed: 1, centerInputs: true, observation, ...options } as NetworkOptions);
    const { obs, observer, bias, chosen, used, width } = inputs(network, scenario, observation);
    network.trackInputMean(obs, ROWS);
    const prepared = network.prepare(obs, ROWS, observer.size);
    const preparedWidth = network.preparedWidth(observer.size);
    expect(prepared.length).toBe(ROWS * preparedWidth);
    const run = (rows: Float32Array, rowWidth: number, isPrepared: boolean) =>
      tf.tidy(() => {
        const args = [tf.tensor2d(rows, [ROWS, rowWidth]), tf.tensor2d(bias, [ROWS, width]), tf.tensor2d(chosen, [ROWS, width]), tf.tensor2d(used, [ROWS, width])] as const;
        const terms = network.terms(...args, isPrepared);
        const loss = () => tf.sum(tf.add(tf.add(terms.logProb, terms.entropy), terms.value)) as tf.Scalar;
        const { grads } = tf.variableGrads(() => {
          const t = network.terms(...args, isPrepared);
          return tf.sum(tf.add(tf.add(t.logProb, t.entropy), t.value)) as tf.Scalar;
        }, network.variables);
        return {
          logProb: Array.from(terms.logProb.dataSync()), entropy: Array.from(terms.entropy.dataSync()), value: Array.from(terms.value.dataSync()),
          loss: loss().dataSync()[0], grads: network.variables.map((v) => Array.from(grads[v.name]!.dataSync())),
        };
      });
    const fromObservations = run(obs, observer.size, false);
    const fromPrepared = run(prepared, preparedWidth, true);
    expect(fromPrepared).toEqual(fromObservations);
    expect(fromObservations.grads.some((g) => g.some((x) => x !== 0))).toBe(true);
    network.dispose();
  });

  it('refuses prepared rows of a width it did not prepare, naming it', () => {
    const scenario = loadScenario('pki');
    const network = honestNetwork(scenario, { kind: 'equivariant', value: true, seed: 1, observation: { history: 2 } } as NetworkOptions);
    expect(() => tf.tidy(() => network.forward(tf.zeros([2, 7]), true))).toThrow(/no rows of 7 numbers were prepared/);
    network.dispose();
  });
});
