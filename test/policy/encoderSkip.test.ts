// An equivariant network with encoder layers also pools the other agents' blocks as they are
// (policy/equivariant.ts `skip`): it keeps the linear network's reading and adds per-block
// features (EXPERIMENTS §12, config H). Networks saved before the field keep their old width and reading.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { blockWidth, equivariantTemplate, featureMap, ownWidth, pooledWidth } from '../../src/policy/equivariant.js';
import { pooledFeatures } from '../../src/policy/equivariantFeatures.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { seededRows } from './equivariantHelpers.js';

beforeAll(async () => {
  await ready();
});

describe('equivariant network: the raw blocks beside the encoded ones', () => {
  const scenario = loadScenario('pki');
  const observer = new Observer(scenario, { history: 3 });

  it('is set by the template wherever the encoder has layers, and only there', () => {
    expect(equivariantTemplate(observer, [8]).skip).toBe(true);
    expect(equivariantTemplate(observer, []).skip).toBeUndefined();
  });

  it('pools the raw blocks first: the features after the own part are the encoder-less network\'s mean and max, then the encoded pools', () => {
    const spec = equivariantTemplate(observer, [4]);
    const map = featureMap(spec, scenario.n);
    const linearMap = featureMap(equivariantTemplate(observer, []), scenario.n);
    const rows = 3;
    const obs = seededRows(rows, observer.size, 5);
    const O = ownWidth(spec), P = blockWidth(spec);
    const encoder = [tf.variable(tf.randomUniform([P + O, 4], -1, 1, 'float32', 7)), tf.variable(tf.zeros([4]))];
    const [features, linear] = tf.tidy(() => [
      pooledFeatures(map, tf.tensor2d(obs, [rows, observer.size]), encoder, undefined, spec.skip).arraySync(),
      pooledFeatures(linearMap, tf.tensor2d(obs, [rows, observer.size]), [], undefined).arraySync(),
    ]);
    expect(pooledWidth(spec)).toBe(O + 2 * P + 2 * 4);
    for (let r = 0; r < rows; r++) {
      expect(features[r]!.length).toBe(pooledWidth(spec));
      // own part, mean and max of the raw blocks: exactly what the linear network reads
      features[r]!.slice(0, O + 2 * P).forEach((x, k) => expect(x).toBeCloseTo(linear[r]![k]!, 5));
      // then the encoded blocks' mean and max (ReLU: never negative)
      for (const x of features[r]!.slice(O + 2 * P)) expect(x).toBeGreaterThanOrEqual(0);
    }
    encoder.forEach((v) => v.dispose());
  });

  it('with the encoded pools\' head weights at zero, the network reads as the linear one with the same own and raw-block weights', () => {
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder: [4], hidden: [], seed: 2, observation: { history: 3 } });
    const linear = honestNetwork(scenario, { kind: 'equivariant', encoder: [], hidden: [], seed: 2, observation: { history: 3 } });
    const spec = network.spec.equivariant!;
    const head = network.maskWidth;
    const rawWidth = ownWidth(spec) + 2 * blockWidth(spec);
    const saved = network.toJSON({ optimizer: false });
    const linearSaved = linear.toJSON({ optimizer: false });
    // weights: [We0, be0, Wpolicy, bpolicy]; Wpolicy `[pooledWidth, head]`, row-major
    const policy = linearSaved.weights[0]!.concat(new Array((pooledWidth(spec) - rawWidth) * head).fill(0));
    const skipped = PolicyNetwork.fromJSON({ ...saved, weights: [saved.weights[0]!, saved.weights[1]!, policy, linearSaved.weights[1]!] });
    const rows = seededRows(4, observer.size, 9);
    const expected = linear.logits(rows, 4);
    Array.from(skipped.logits(rows, 4)).forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
    for (const n of [network, linear, skipped]) n.dispose();
  });

  it('a network saved before the field (encoder, no skip) loads with its old width and reads its encoded blocks alone', () => {
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder: [4], hidden: [], seed: 3, observation: { history: 3 } });
    const saved = network.toJSON({ optimizer: false });
    const { skip: _, ...oldSpec } = network.spec.equivariant!;
    const head = network.maskWidth;
    const oldWidth = pooledWidth(oldSpec);
    expect(oldWidth).toBe(ownWidth(oldSpec) + 2 * 4);
    const own = ownWidth(oldSpec) * head;
    const rawPools = 2 * blockWidth(oldSpec) * head;
    // the old policy head: the own rows, then the encoded pools' rows (the raw pools' rows dropped)
    const oldPolicy = [...saved.weights[2]!.slice(0, own), ...saved.weights[2]!.slice(own + rawPools)];
    expect(oldPolicy.length).toBe(oldWidth * head);
    const old = PolicyNetwork.fromJSON({ ...saved, spec: { ...saved.spec, equivariant: oldSpec }, weights: [saved.weights[0]!, saved.weights[1]!, oldPolicy, saved.weights[3]!] });
    const zeroedRaw = PolicyNetwork.fromJSON({ ...saved, weights: [saved.weights[0]!, saved.weights[1]!, saved.weights[2]!.map((w, k) => (k >= own && k < own + rawPools ? 0 : w)), saved.weights[3]!] });
    const rows = seededRows(2, observer.size, 4);
    const a = old.logits(rows, 2);
    Array.from(zeroedRaw.logits(rows, 2)).forEach((x, k) => expect(x).toBeCloseTo(a[k]!, 5));
    for (const n of [network, old, zeroedRaw]) n.dispose();
  });
});
