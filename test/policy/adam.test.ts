// The JS Adam of policy/adam.ts must be the float32 arithmetic of the tfjs ops it replaced, bit for
// bit (runs recorded before the change replay exactly): the reference below is that tensor version.
import { beforeAll, describe, expect, it } from 'vitest';
import { adamUpdate, clipGlobalNorm } from '../../src/policy/adam.js';
import { ready, tf } from '../../src/policy/tf.js';

beforeAll(async () => {
  await ready();
});

/** mulberry32: reproducible test data spanning several orders of magnitude. */
function numbers(seed: number, length: number, scale: (u: number) => number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length }, () => scale(next()));
}

const SETTINGS = { learningRate: 0.005, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 0.5 };

describe('adam: float32-exact in JS', () => {
  it('clipGlobalNorm scales exactly as sqrt(addN(sum(square(g)))) and min(1, max / (norm + 1e-6)) in tfjs', () => {
    for (const [seed, sizes] of [[1, [88 * 16, 16, 16 * 8, 8, 8 * 27, 27]], [2, [51 * 8, 8]], [3, [3]]] as const) {
      const grads = sizes.map((size, k) => numbers(seed * 10 + k, size, (u) => (u - 0.5) * 10 ** (4 * u - 2)));
      const expected = tf.tidy(() => {
        const list = grads.map((g) => tf.tensor1d(g));
        const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
        const factor = tf.minimum(1, tf.div(SETTINGS.maxGradNorm, tf.add(norm, 1e-6)));
        return list.map((g) => Array.from(tf.mul(g, factor).dataSync()));
      });
      clipGlobalNorm(grads, SETTINGS.maxGradNorm);
      expect(grads.map((g) => Array.from(g))).toEqual(expected);
    }
  });

  it('adamUpdate gives the moments and weights of the tfjs update, over 30 steps', () => {
    const size = 200;
    const weights = numbers(7, size, (u) => u - 0.5);
    const m = new Float32Array(size);
    const v = new Float32Array(size);
    let tw: Float32Array = Float32Array.from(weights);
    let tm: Float32Array = new Float32Array(size);
    let tv: Float32Array = new Float32Array(size);
    for (let t = 1; t <= 30; t++) {
      const grads = numbers(100 + t, size, (u) => (u - 0.5) * 10 ** (3 * u - 2));
      [tw, tm, tv] = tf.tidy(() => {
        const g = tf.tensor1d(grads);
        const mt = tf.add(tf.mul(tf.tensor1d(tm), SETTINGS.beta1), tf.mul(g, 1 - SETTINGS.beta1));
        const vt = tf.add(tf.mul(tf.tensor1d(tv), SETTINGS.beta2), tf.mul(tf.square(g), 1 - SETTINGS.beta2));
        const update = tf.div(tf.mul(tf.div(mt, 1 - SETTINGS.beta1 ** t), SETTINGS.learningRate), tf.add(tf.sqrt(tf.div(vt, 1 - SETTINGS.beta2 ** t)), SETTINGS.epsilon));
        return [tf.sub(tf.tensor1d(tw), update).dataSync() as Float32Array, mt.dataSync() as Float32Array, vt.dataSync() as Float32Array];
      });
      adamUpdate(weights, grads, m, v, t, SETTINGS);
    }
    expect(Array.from(m)).toEqual(Array.from(tm));
    expect(Array.from(v)).toEqual(Array.from(tv));
    expect(Array.from(weights)).toEqual(Array.from(tw));
    expect(weights.some((w, k) => w !== numbers(7, size, (u) => u - 0.5)[k])).toBe(true);
  });
});
