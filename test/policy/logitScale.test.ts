// evidenceGain (honestNetwork.evidenceGain, PolicyNetworkSpec.evidenceGain): the pooled evidence
// bits of a linear equivariant network times a constant, so a weight on them moves the logits that
// many times more; every other feature is read as before.
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
import { evidenceWidth, blockWidth, ownWidth, poolsPerFeature } from '../../src/policy/equivariant.js';
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

describe('evidenceGain', () => {
  const scenario = loadScenario('ba-n4-f1');
  const options = { seed: 3, kind: 'equivariant', encoder: [], observation: { valueFrame: 'own-input', history: scenario.maxRounds } } as const;

  /** A copy of `net` whose policy head reads only pooled feature `column` (weight 1 into every logit). */
  function readingOnly(net: PolicyNetwork, column: number): PolicyNetwork {
    const saved = net.toJSON({ optimizer: false });
    const head = saved.weights.length - 2;
    const width = saved.weights[head]!.length / net.maskWidth;
    saved.weights[head] = saved.weights[head]!.map((_, x) => (Math.floor(x / net.maskWidth) === column ? 1 : 0));
    saved.weights[head + 1] = saved.weights[head + 1]!.map(() => 0);
    expect(column).toBeLessThan(width);
    return PolicyNetwork.fromJSON(saved);
  }

  it('multiplies the pooled evidence bits by the gain and leaves every other feature as it is', () => {
    const plain = honestNetwork(scenario, options);
    const gained = honestNetwork(scenario, { ...options, evidenceGain: 3 });
    const spec = plain.spec.equivariant!;
    const O = ownWidth(spec), B = blockWidth(spec), first = B - evidenceWidth(spec);
    const width = plain.spec.obsSize;
    // Rows with votes in them: all-ones rows make every report say every value.
    const obs = new Float32Array(8 * width).fill(1);
    let evidenceSeen = 0;
    for (let pool = 0; pool < poolsPerFeature(spec); pool++)
      for (const k of [0, first - 1, first, B - 1]) {
        const column = O + pool * B + k;
        const a = readingOnly(plain, column), b = readingOnly(gained, column);
        const la = a.logits(obs, 8, width), lb = b.logits(obs, 8, width);
        const factor = k >= first ? 3 : 1;
        la.forEach((v, x) => expect(lb[x]).toBeCloseTo(factor * v, 5));
        if (k >= first && la.some((v) => v !== 0)) evidenceSeen++;
        a.dispose();
        b.dispose();
      }
    expect(evidenceSeen).toBeGreaterThan(0);
    plain.dispose();
    gained.dispose();
  });

  it('is refused, naming the value and the rule, on a network without evidence bits', () => {
    expect(() => honestNetwork(loadScenario('honest-consensus'), { seed: 1, kind: 'equivariant', encoder: [], evidenceGain: 2 })).toThrow(
      'policy: evidenceGain=2 needs a linear equivariant network with evidence bits (encoder [], relays observed over two frames)',
    );
  });
});
