// PPO runs each minibatch's network once per distinct observation row and expands the outputs to
// every row (policy/distinctRows.ts, policy/expandRows.ts). The rows must be numbered exactly by
// equality, each minibatch must read back its own rows, and the terms and gradients must be those
// of the full rows: the same terms bit for bit (a row's outputs depend on that row alone) and the
// same gradients to float32 rounding (the repeated rows' gradients are summed in another order).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer, type ObserverOptions } from '../../src/game/observation.js';
import type { Scenario } from '../../src/game/scenario.js';
import { distinctRowIds, distinctRowsOf, MinibatchRows } from '../../src/policy/distinctRows.js';
import { honestNetwork, type NetworkOptions } from '../../src/policy/networkFor.js';
import { maskBias } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { seededRows } from './equivariantHelpers.js';

beforeAll(async () => {
  await ready();
});

/** `rows` rows of `width` numbers drawn from `kinds` seeded prototypes (so many repeat), and each row's prototype. */
function repeatedRows(rows: number, width: number, kinds: number, seed: number): { data: Float32Array; kindOf: number[] } {
  const prototypes = seededRows(kinds, width, seed);
  const picks = seededRows(rows, 1, seed + 1);
  const data = new Float32Array(rows * width);
  const kindOf: number[] = [];
  for (let r = 0; r < rows; r++) {
    const kind = Math.floor(picks[r]! * kinds);
    kindOf.push(kind);
    data.set(prototypes.subarray(kind * width, (kind + 1) * width), r * width);
  }
  return { data, kindOf };
}

describe('distinctRowIds', () => {
  it('gives two rows the same id exactly when their numbers are equal, ids counting up in order of first appearance', () => {
    const width = 7;
    const { data } = repeatedRows(3000, width, 400, 5);
    // Rows that differ from a prototype in one number only, the last: a hash that skipped a word would merge them.
    for (let r = 0; r < 3000; r += 3) data[r * width + width - 1] = 0.25;
    const { ids, distinct } = distinctRowIds(data, 3000, width);
    const keyOf = (r: number) => Array.from(data.subarray(r * width, (r + 1) * width)).join(',');
    const idOfKey = new Map<string, number>();
    for (let r = 0; r < 3000; r++) {
      const key = keyOf(r);
      if (!idOfKey.has(key)) idOfKey.set(key, idOfKey.size);
      expect(ids[r]).toBe(idOfKey.get(key));
    }
    expect(distinct).toBe(idOfKey.size);
    expect(distinct).toBeGreaterThan(400);
    expect(distinct).toBeLessThan(3000);
  });

  it('keeps apart 64 one-hot rows, each differing from every other in two numbers: 64 distinct ids', () => {
    const width = 64;
    const data = new Float32Array(width * width);
    for (let r = 0; r < width; r++) data[r * width + r] = 1;
    expect(distinctRowIds(data, width, width).distinct).toBe(width);
  });
});

describe('distinctRowsOf', () => {
  it('reads rows in place by slot: the ids and distinct rows of a packed copy of those rows', () => {
    const width = 7;
    const { data } = repeatedRows(900, width, 60, 5);
    const slots = Int32Array.from({ length: 400 }, (_, k) => (k * 37 + 11) % 900);
    const packed = new Float32Array(400 * width);
    slots.forEach((slot, k) => packed.set(data.subarray(slot * width, (slot + 1) * width), k * width));
    const inPlace = distinctRowsOf(data, 400, width, slots);
    const copied = distinctRowsOf(packed, 400, width);
    expect(inPlace.distinct).toBe(copied.distinct);
    expect(Array.from(inPlace.ids.subarray(0, 400))).toEqual(Array.from(copied.ids.subarray(0, 400)));
    expect(Array.from(inPlace.rows)).toEqual(Array.from(copied.rows));
    for (let k = 0; k < 400; k++) expect(Array.from(inPlace.rows.subarray(inPlace.ids[k]! * width, (inPlace.ids[k]! + 1) * width))).toEqual(Array.from(packed.subarray(k * width, (k + 1) * width)));
  });
});

describe('MinibatchRows', () => {
  it('copies each distinct row of a minibatch once, and every row reads its own numbers back', () => {
    const width = 5;
    const rows = 600;
    const { data, kindOf } = repeatedRows(rows, width, 50, 9);
    const { ids, distinct, rows: distinctData } = distinctRowsOf(data, rows, width);
    const order = Int32Array.from({ length: rows }, (_, k) => (k * 7919) % rows);
    const minibatch = new MinibatchRows(ids, distinct, 150, width);
    for (let start = 0; start < rows; start += 150) {
      const count = minibatch.gather(distinctData, order, start, start + 150);
      const kinds = new Set<number>();
      for (let r = 0; r < 150; r++) {
        const row = order[start + r]!;
        kinds.add(kindOf[row]!);
        const copy = minibatch.index[r]!;
        expect(copy).toBeLessThan(count);
        expect(Array.from(minibatch.data.subarray(copy * width, (copy + 1) * width))).toEqual(Array.from(data.subarray(row * width, (row + 1) * width)));
      }
      expect(count).toBe(kinds.size);
    }
  });
});

const CASES: Array<[string, Scenario, ObserverOptions, Partial<NetworkOptions>, boolean]> = [
  ['slush-3v2, the recipe\'s MLP over the record', loadScenario('slush-3v2'), { sampleView: 'record' }, { kind: 'mlp', hidden: [16, 16] }, false],
  ['pki, equivariant with an encoder, prepared rows', loadScenario('pki'), { history: 2 }, { encoder: [8] }, true],
];

describe('PolicyNetwork.terms on distinct rows, expanded', () => {
  it.each(CASES)('%s: the terms of the full rows bit for bit, their gradients to float32 rounding', (_, scenario, observation, options, prepare) => {
    const network = honestNetwork(scenario, { kind: 'equivariant', value: true, seed: 3, centerInputs: true, observation, ...options } as NetworkOptions);
    const observer = new Observer(scenario, observation);
    const rows = 40;
    const { data } = repeatedRows(rows, observer.size, 9, 4);
    network.trackInputMean(data, rows);
    const obs = prepare ? network.prepare(data, rows, observer.size) : data;
    const rowWidth = prepare ? network.preparedWidth(observer.size) : observer.size;
    const width = network.maskWidth;
    const legal = new Uint8Array(rows * width).fill(1);
    for (let r = 0; r < rows; r += 4) legal[r * width] = 0;
    const chosen = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) chosen[r * width + 1 + (r % (width - 1))] = 1;
    const used = new Float32Array(rows * width).fill(1);
    const { ids, distinct, rows: distinctData } = distinctRowsOf(obs, rows, rowWidth);
    expect(distinct).toBeLessThan(rows);
    const order = Int32Array.from({ length: rows }, (_, k) => k);
    const minibatch = new MinibatchRows(ids, distinct, rows, rowWidth);
    const count = minibatch.gather(distinctData, order, 0, rows);
    // Row-dependent weights on each term: the gradient of a repeated row must be the sum of its rows' gradients.
    const weights = seededRows(rows, 1, 8);
    const run = (expanded: boolean) =>
      tf.tidy(() => {
        const input = expanded ? tf.tensor2d(minibatch.data.subarray(0, count * rowWidth), [count, rowWidth]) : tf.tensor2d(obs, [rows, rowWidth]);
        const expand = expanded ? tf.tensor1d(minibatch.index.subarray(0, rows), 'int32') : undefined;
        const args = [input, tf.tensor2d(maskBias(legal), [rows, width]), tf.tensor2d(chosen, [rows, width]), tf.tensor2d(used, [rows, width]), prepare, expand] as const;
        const w = tf.tensor1d(weights);
        const loss = () => {
          const t = network.terms(...args);
          return tf.sum(tf.mul(w, tf.add(tf.add(t.logProb, tf.mul(0.3, t.entropy)), t.value))) as tf.Scalar;
        };
        const terms = network.terms(...args);
        const { grads } = tf.variableGrads(loss, network.variables);
        return {
          terms: [terms.logProb, terms.entropy, terms.value].map((t) => Array.from(t.dataSync())),
          grads: network.variables.map((v) => Array.from(grads[v.name]!.dataSync())),
        };
      });
    const full = run(false);
    const expanded = run(true);
    expect(expanded.terms).toEqual(full.terms);
    full.grads.forEach((g, k) => {
      const scale = Math.max(1e-3, ...g.map(Math.abs));
      g.forEach((x, i) => expect(Math.abs(expanded.grads[k]![i]! - x) / scale).toBeLessThan(1e-5));
    });
    expect(full.grads.some((g) => g.some((x) => x !== 0))).toBe(true);
    network.dispose();
  });
});
