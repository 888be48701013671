// The policy layer: the masked categorical heads' log-probability (checked by hand and by finite
// differences), JSON round trips, tf.tidy discipline (no tensor leak), and the learned sides as
// HonestProtocol / Adversary (deterministic, independent of the batch size).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play } from '../../src/play/play.js';
import { chooseHeads } from '../../src/policy/chooseHeads.js';
import { pickWeighted } from '../../src/game/rng.js';
import { NeuralAdversary } from '../../src/policy/NeuralAdversary.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { adversaryNetwork, honestNetwork } from '../../src/policy/networkFor.js';
import { maskBias, PolicyNetwork, type PolicyNetworkSpec } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';

beforeAll(async () => {
  await ready();
});

/** Two heads: {a, b} and {x, y, z}; 3 inputs; one hidden layer. */
const SPEC: PolicyNetworkSpec = { obsSize: 3, heads: [{ size: 2, offset: 0 }, { size: 3, offset: 2 }], hidden: [4], value: true, seed: 3 };
const OBS = [0.5, -1, 2, 1, 0.25, -0.5, 0, 1, 1];
const MASK = [1, 1, 1, 0, 1, /* row 1 */ 1, 1, 1, 1, 1, /* row 2 */ 0, 1, 1, 1, 0];
// Row 0 picks (b, z); row 1 picks (a, —): its second head is unused; row 2 picks (b, y).
const CHOSEN = [0, 1, 0, 0, 1, /* */ 1, 0, 0, 0, 0, /* */ 0, 1, 0, 1, 0];
const USED = [1, 1, 1, 1, 1, /* */ 1, 1, 0, 0, 0, /* */ 1, 1, 1, 1, 1];
const ADVANTAGE = [1.5, -0.5, 0.7];
const ENTROPY_COEF = 0.1;

function loss(network: PolicyNetwork): tf.Scalar {
  const terms = network.terms(tf.tensor2d(OBS, [3, 3]), tf.tensor2d(maskBias(MASK), [3, 5]), tf.tensor2d(CHOSEN, [3, 5]), tf.tensor2d(USED, [3, 5]));
  const policy = tf.neg(tf.mean(tf.mul(tf.tensor1d(ADVANTAGE), terms.logProb)));
  return tf.sub(policy, tf.mul(ENTROPY_COEF, tf.mean(terms.entropy))) as tf.Scalar;
}

describe('PolicyNetwork: the loss', () => {
  it('log-probability = Σ over used heads of the masked log-softmax of the chosen option', () => {
    const network = new PolicyNetwork(SPEC);
    const logits = network.logits(new Float32Array(OBS), 3);
    const logSoftmax = (row: number, offset: number, size: number, choice: number) => {
      const legal = [...Array(size).keys()].filter((c) => MASK[row * 5 + offset + c] === 1);
      const z = Math.log(legal.reduce((s, c) => s + Math.exp(logits[row * 5 + offset + c]!), 0));
      return logits[row * 5 + offset + choice]! - z;
    };
    const expected = [logSoftmax(0, 0, 2, 1) + logSoftmax(0, 2, 3, 2), logSoftmax(1, 0, 2, 0), logSoftmax(2, 0, 2, 1) + logSoftmax(2, 2, 3, 1)];
    const got = tf.tidy(() => network.terms(tf.tensor2d(OBS, [3, 3]), tf.tensor2d(maskBias(MASK), [3, 5]), tf.tensor2d(CHOSEN, [3, 5]), tf.tensor2d(USED, [3, 5])).logProb.arraySync());
    got.forEach((x, r) => expect(x).toBeCloseTo(expected[r]!, 5));
    network.dispose();
  });

  it('its gradient matches finite differences (every weight of the tiny network)', () => {
    const network = new PolicyNetwork(SPEC);
    const { grads } = tf.variableGrads(() => loss(network), network.variables);
    const eps = 1e-2;
    let checked = 0;
    for (const variable of network.variables.slice(0, 4)) { // hidden and policy layers (the value head is not in this loss)
      const analytic = grads[variable.name]!.dataSync();
      const base = Float32Array.from(variable.dataSync());
      for (let k = 0; k < base.length; k++) {
        const at = (delta: number) => {
          const moved = Float32Array.from(base);
          moved[k] = base[k]! + delta;
          variable.assign(tf.tensor(moved, variable.shape));
          return tf.tidy(() => loss(network).dataSync()[0]!);
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        variable.assign(tf.tensor(base, variable.shape));
        expect(Math.abs(numeric - analytic[k]!)).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBe(3 * 4 + 4 + 4 * 5 + 5);
    tf.dispose(Object.values(grads));
    network.dispose();
  });
});

describe('PolicyNetwork: runs of equal-sized heads', () => {
  // Heads (3, 3, 2, 2): two runs, each log-softmaxed on a [rows, count, size] view. The reference
  // is the head-by-head computation (a slice and a log-softmax per head, then a concat).
  const heads = [{ size: 3, offset: 0 }, { size: 3, offset: 3 }, { size: 2, offset: 6 }, { size: 2, offset: 8 }];
  const spec: PolicyNetworkSpec = { obsSize: 3, heads, hidden: [4], value: false, seed: 5 };
  const mask = [1, 1, 0, 1, 1, 1, 1, 1, 0, 1, /* row 1 */ 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, /* row 2 */ 0, 1, 1, 1, 1, 0, 1, 1, 1, 0];
  const chosen = [1, 0, 0, 0, 0, 1, 1, 0, 0, 1, /* */ 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, /* */ 0, 1, 0, 1, 0, 0, 0, 1, 1, 0];
  const used = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* */ 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, /* */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const inputs = () => [tf.tensor2d(OBS, [3, 3]), tf.tensor2d(maskBias(mask), [3, 10]), tf.tensor2d(chosen, [3, 10]), tf.tensor2d(used, [3, 10])] as const;
  const headByHead = (network: PolicyNetwork) => {
    const [obs, bias, pick, usedColumns] = inputs();
    const masked = tf.add(network.forward(obs).logits, bias);
    const logSoftmax = tf.concat(heads.map((h) => tf.logSoftmax(tf.slice(masked, [0, h.offset], [-1, h.size]))), 1);
    const logProb = tf.sum(tf.mul(logSoftmax, pick), 1);
    const entropy = tf.neg(tf.sum(tf.mul(tf.mul(tf.exp(logSoftmax), logSoftmax), usedColumns), 1));
    return { logProb, entropy };
  };
  const lossOf = (terms: { logProb: tf.Tensor; entropy: tf.Tensor }) => tf.sub(tf.neg(tf.mean(tf.mul(tf.tensor1d(ADVANTAGE), terms.logProb))), tf.mul(ENTROPY_COEF, tf.mean(terms.entropy))) as tf.Scalar;

  it('log-probability, entropy and the gradient are exactly those of the head-by-head computation', () => {
    const network = new PolicyNetwork(spec);
    const got = tf.tidy(() => {
      const t = network.terms(...inputs());
      return [t.logProb.arraySync(), t.entropy.arraySync()];
    });
    const expected = tf.tidy(() => {
      const t = headByHead(network);
      return [t.logProb.arraySync(), t.entropy.arraySync()];
    });
    expect(got).toEqual(expected);
    expect(got[0]!.every((x) => Number.isFinite(x) && x < 0)).toBe(true);
    const gradsOf = (f: () => tf.Scalar) => tf.tidy(() => Object.values(tf.variableGrads(f, network.variables).grads).map((g) => Array.from(g.dataSync())));
    expect(gradsOf(() => lossOf(network.terms(...inputs())))).toEqual(gradsOf(() => lossOf(headByHead(network))));
    network.dispose();
  });
});

describe('PolicyNetwork: save, load, updates', () => {
  it('a JSON round trip keeps weights and Adam state exactly: the next step is identical', () => {
    const a = new PolicyNetwork(SPEC);
    a.step(() => loss(a), { learningRate: 0.01 });
    const b = PolicyNetwork.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.logits(new Float32Array(OBS), 3)).toEqual(a.logits(new Float32Array(OBS), 3));
    a.step(() => loss(a), { learningRate: 0.01 });
    b.step(() => loss(b), { learningRate: 0.01 });
    expect(b.toJSON()).toEqual(a.toJSON());
    a.dispose();
    b.dispose();
  });

  it('centred inputs: the logits are those of the observations minus the tracked mean, which survives a JSON round trip and is not trained', () => {
    const centred = new PolicyNetwork({ ...SPEC, centerInputs: true });
    const plain = PolicyNetwork.fromJSON({ ...centred.toJSON(), spec: { ...SPEC } });
    expect(centred.logits(new Float32Array(OBS), 3)).toEqual(plain.logits(new Float32Array(OBS), 3)); // mean 0 before tracking
    centred.trackInputMean(new Float32Array(OBS), 3); // first call: the mean of the rows, [0.5, 0.0833, 0.8333]
    centred.trackInputMean(new Float32Array([1.5, 0.0833333, 0.8333333]), 1, 0.5); // halfway to [1.5, …]: [1, 0.0833, 0.8333]
    const shifted = OBS.map((x, k) => x - [1, 1 / 12, 5 / 6][k % 3]!);
    const expected = plain.logits(new Float32Array(shifted), 3);
    centred.logits(new Float32Array(OBS), 3).forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
    const before = tf.memory().numTensors;
    centred.step(() => loss(centred), { learningRate: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    const copy = PolicyNetwork.fromJSON(JSON.parse(JSON.stringify(centred.toJSON())));
    expect(copy.logits(new Float32Array(OBS), 3)).toEqual(centred.logits(new Float32Array(OBS), 3));
    expect(copy.toJSON().inputMean).toEqual(centred.toJSON().inputMean);
    expect(centred.toJSON().inputMean![0]).toBeCloseTo(1, 5);
    for (const n of [centred, plain, copy]) n.dispose();
  });

  it('updates leak no tensors, and change the weights they train', () => {
    const network = new PolicyNetwork(SPEC);
    network.step(() => loss(network), { learningRate: 0.01, maxGradNorm: 0.5 });
    const before = tf.memory().numTensors;
    const weights = network.toJSON().weights;
    network.step(() => loss(network), { learningRate: 0.01, maxGradNorm: 0.5 });
    network.logits(new Float32Array(OBS), 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(network.toJSON().weights).not.toEqual(weights);
    network.dispose();
  });

  it('rejects saved weights that do not fit the spec', () => {
    const saved = new PolicyNetwork(SPEC).toJSON();
    expect(() => PolicyNetwork.fromJSON({ ...saved, spec: { ...saved.spec, hidden: [5] } })).toThrow(/saved weight array 0 has 12 numbers, the spec needs 15/);
  });
});

describe('chooseHeads', () => {
  const logits = new Float32Array([0, 5, 9, 1, 2]);
  const mask = new Uint8Array([1, 1, 0, 1, 1]);
  const heads = SPEC.heads;

  it('greedy: the most likely legal option of each head', () => {
    const choices = new Int32Array(2);
    chooseHeads(logits, mask, 5, heads, 0, choices, undefined);
    expect([...choices]).toEqual([1, 2]);
  });

  it('sampling never picks an illegal option, and follows the softmax', () => {
    let u = 0;
    const counts = [0, 0, 0];
    const choices = new Int32Array(2);
    for (let t = 0; t < 1000; t++) {
      chooseHeads(logits, mask, 5, heads, 0, choices, (weights, count) => pickWeighted((u = (u + 0.6180339887) % 1), weights, 0, count));
      counts[choices[1]!]!++;
    }
    expect(counts[0]).toBe(0);
    expect(counts[2]! / 1000).toBeCloseTo(Math.exp(2) / (Math.exp(1) + Math.exp(2)), 1);
  });
});

describe('NeuralProtocol and NeuralAdversary', () => {
  it('run through play like any protocol; sampled play does not depend on the batch size', () => {
    const scenario = loadScenario('byzantine-breaking');
    const honest = new NeuralProtocol(honestNetwork(scenario, { seed: 1, commitBias: 0 }), scenario, 'sample');
    const adversary = new NeuralAdversary(adversaryNetwork(scenario, { seed: 2 }), scenario, 'sample');
    const run = (batchSize: number) => {
      const { seconds: _s, episodesPerSecond: _e, ...rest } = play({ scenario, honest, adversary, episodes: 300, seed: 5, batchSize });
      return rest;
    };
    const small = run(7);
    expect(run(300)).toEqual(small);
    expect(small.winRate).toBeGreaterThan(0);
    expect(small.winRate).toBeLessThan(1);
  });

  it('refuses a scenario whose observation or heads do not fit the network', () => {
    const network = honestNetwork(loadScenario('honest-consensus'), { seed: 1 });
    const protocol = new NeuralProtocol(network, loadScenario('honest-consensus'));
    expect(protocol.refuse(loadScenario('phase-king-n5-f1'))).toMatch(/^learned: trained on n=3/);
    expect(protocol.refuse(loadScenario('honest-consensus', ['maxRounds=5']))).toMatch(/the network reads 13 numbers, scenario honest-consensus observes 14/);
  });
});
