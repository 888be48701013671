// The equivariant network pools the broadcast sender's block apart (policy/equivariant.ts
// `senderBlock`): a linear read of the mean and max of all blocks cannot say what the sender said,
// the sender's own block can. Networks saved before the field keep their old width and reading.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { blockWidth, equivariantTemplate, featureMap, ownWidth, readFeatures } from '../../src/policy/equivariant.js';
import { pooledFeatures } from '../../src/policy/equivariantFeatures.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { seededRows } from './equivariantHelpers.js';

beforeAll(async () => {
  await ready();
});

/** Random rows whose senderIndex slice says, in every frame, that relative position `sender[r]` is the sender. */
function rowsWithSender(observer: Observer, sender: readonly number[]): Float32Array {
  const rows = seededRows(sender.length, observer.size, 3);
  const slice = observer.slices.find((s) => s.name === 'senderIndex')!;
  for (let r = 0; r < sender.length; r++)
    for (let t = 0; t < observer.history; t++) {
      const at = r * observer.size + t * observer.frameSize + slice.offset;
      for (let p = 0; p < observer.scenario.n; p++) rows[at + p] = p === sender[r] ? 1 : 0;
    }
  return rows;
}

describe('equivariant network: the sender block', () => {
  const scenario = loadScenario('bb-pki-n3-f1', ['n=4']);
  const observer = new Observer(scenario, { history: 3 });

  it('is set by the template wherever a frame has a sender slice, and only there', () => {
    expect(equivariantTemplate(observer, []).senderBlock).toBe(true);
    expect(equivariantTemplate(new Observer(loadScenario('pki'), {}), []).senderBlock).toBeUndefined();
  });

  it('pools the sender\'s block apart: the features after the mean and max are the sender\'s block, zeros for the sender itself', () => {
    const spec = equivariantTemplate(observer, []);
    const map = featureMap(spec, scenario.n);
    const sender = [2, 0, 1, 3]; // relative positions: row 1 is the sender itself
    const rows = rowsWithSender(observer, sender);
    const O = ownWidth(spec), P = blockWidth(spec), others = scenario.n - 1;
    const { blocks } = readFeatures(map, rows, sender.length);
    const features = tf.tidy(() => pooledFeatures(map, tf.tensor2d(rows, [sender.length, observer.size]), [], undefined).arraySync());
    for (let r = 0; r < sender.length; r++) {
      expect(features[r]!.length).toBe(O + 3 * P);
      const apart = features[r]!.slice(O + 2 * P);
      const expected = sender[r] === 0 ? new Array(P).fill(0) : Array.from(blocks.subarray((r * others + sender[r]! - 1) * P, (r * others + sender[r]!) * P));
      apart.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 5));
    }
  });

  it('a network saved before the field (no senderBlock) loads with its old width, and reads as the new one does without the sender block', () => {
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder: [], hidden: [], seed: 1, observation: { history: 3 } });
    const spec = network.spec.equivariant!;
    expect(spec.senderBlock).toBe(true);
    const head = network.maskWidth;
    const oldWidth = ownWidth(spec) + 2 * blockWidth(spec);
    const saved = network.toJSON({ optimizer: false });
    // Without the sender block the policy head reads own + 2P features: its first oldWidth rows.
    const { senderBlock: _, ...oldSpec } = spec;
    const old = PolicyNetwork.fromJSON({ ...saved, spec: { ...saved.spec, equivariant: oldSpec }, weights: [saved.weights[0]!.slice(0, oldWidth * head), ...saved.weights.slice(1)] });
    // The new network with its sender block's weights zeroed reads the same.
    const zeroed = PolicyNetwork.fromJSON({ ...saved, weights: [saved.weights[0]!.map((w, k) => (k < oldWidth * head ? w : 0)), ...saved.weights.slice(1)] });
    const rows = rowsWithSender(observer, [1, 0]);
    const a = old.logits(rows, 2);
    expect(a.length).toBe(2 * head);
    Array.from(zeroed.logits(rows, 2)).forEach((x, k) => expect(x).toBeCloseTo(a[k]!, 5));
    expect(Array.from(network.logits(rows, 2))).not.toEqual(Array.from(a));
    for (const n of [network, old, zeroed]) n.dispose();
  });
});
