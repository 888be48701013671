// logitScale (honestNetwork.logitScale, PolicyNetworkSpec.logitScale): the honest policy's logits
// times a constant, an inverse temperature. The sampled policy is more confident for the same
// weights; the greedy policy (argmax) is the same; a saved network keeps it; train passes it on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';
import { parseTrainConfig } from '../../src/train/config.js';
import { loadRunPolicy } from '../../src/train/runPolicy.js';
import { train } from '../../src/train/train.js';

beforeAll(async () => {
  await ready();
});

/** Seeded observation-like rows (0/1 numbers: the network only needs rows of the right width). */
function rows(count: number, width: number): Float32Array {
  const out = new Float32Array(count * width);
  let s = 12345;
  for (let x = 0; x < out.length; x++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[x] = (s >>> 16) & 1;
  }
  return out;
}

describe('logitScale', () => {
  const scenario = loadScenario('ba-n4-f1');
  const options = { seed: 3, kind: 'equivariant', encoder: [], observation: { valueFrame: 'own-input', history: scenario.maxRounds }, messageBias: 2 } as const;

  it('multiplies every logit by the scale, from the same weights', () => {
    const plain = honestNetwork(scenario, options);
    const scaled = honestNetwork(scenario, { ...options, logitScale: 4 });
    const width = new Observer(scenario, { history: scenario.maxRounds }).size;
    const obs = rows(16, width);
    const a = plain.logits(obs, 16, width);
    const b = scaled.logits(obs, 16, width);
    expect(plain.toJSON().weights).toEqual(scaled.toJSON().weights);
    expect(a.some((v) => Math.abs(v) > 0.5)).toBe(true);
    a.forEach((v, k) => expect(b[k]).toBeCloseTo(4 * v, 4));
    plain.dispose();
    scaled.dispose();
  });

  it('is kept in the saved spec (and left out at 1, so older networks load unchanged)', () => {
    const scaled = honestNetwork(scenario, { ...options, logitScale: 0.5 });
    const saved = scaled.toJSON();
    expect(saved.spec.logitScale).toBe(0.5);
    const loaded = PolicyNetwork.fromJSON(JSON.parse(JSON.stringify(saved)));
    const width = scaled.spec.obsSize;
    const obs = rows(4, width);
    expect(Array.from(loaded.logits(obs, 4, width))).toEqual(Array.from(scaled.logits(obs, 4, width)));
    const unit = honestNetwork(scenario, { ...options, logitScale: 1 });
    expect('logitScale' in unit.spec).toBe(false);
    for (const net of [scaled, loaded, unit]) net.dispose();
  });

  it('train passes honestNetwork.logitScale to the network it saves; 0 is refused naming the key', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cgym-logitscale-')), 'run');
    await train({ scenario: 'honest-consensus', epochs: 1, batch: 16, evalEpisodes: 20, finalEpisodes: 20, seed: 1, honestNetwork: { kind: 'equivariant', encoder: [], logitScale: 3 }, out });
    const { network } = loadRunPolicy(out, 'honest');
    expect(network.spec.logitScale).toBe(3);
    network.dispose();
    expect(() => parseTrainConfig({ scenario: 'honest-consensus', honestNetwork: { logitScale: 0 } })).toThrow(/honestNetwork\.logitScale.*positive/);
  });
});
