// The verifier's symmetry reduction trusts an equivariant network's claim that it reads the other
// agents alike (NeuralProtocol.agentRoles). Close is not enough there: a logit one rounding away
// could flip a greedy tie, so renumbering the others must leave every logit and value bit for bit
// the same — whatever the order of the blocks, their pool is summed in one order (policy/equivariant.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import type { Scenario } from '../../src/game/scenario.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { renumberOthers, seededRows } from './equivariantHelpers.js';

beforeAll(async () => {
  await ready();
});

/** Observation-like rows: every number 0 or 1. */
const binaryRows = (rows: number, size: number, seed: number) => seededRows(rows, size, seed).map((x) => (x < 0.5 ? 0 : 1));

/** A seeded shuffle of +1..+(n−1): position[p] is where other +p's numbers move. */
function shuffledPositions(n: number, seed: number): number[] {
  const order = Array.from({ length: n - 1 }, (_, k) => k + 1);
  const draws = seededRows(1, n, seed);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(draws[k]! * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  return [0, ...order];
}

const CASES: Array<[string, Scenario, { sampleView?: 'record'; history?: number; valueFrame?: 'own-input' }, number[]]> = [
  ['slush-3v2 at n=10, sample record, linear', loadScenario('slush-3v2', ['n=10', 'inputs=uniform']), { sampleView: 'record' }, []],
  ['ba-n7-f2, relays (pair slices), linear, whole history', loadScenario('ba-n7-f2'), { history: 4, valueFrame: 'own-input' }, []],
  ['ba-n7-f2, relays, an encoder layer', loadScenario('ba-n7-f2'), { history: 2 }, [8]],
  ['bb-pki-n3-f1 at n=6, the sender apart', loadScenario('bb-pki-n3-f1', ['n=6']), {}, []],
];

describe('equivariant network: renumbering the others changes no bit', () => {
  it.each(CASES)('%s', (_, scenario, observation, encoder) => {
    const network = honestNetwork(scenario, { kind: 'equivariant', encoder, value: true, seed: 4, centerInputs: true, observation });
    try {
      // The relay cases read the evidence about each origin too (EquivariantSpec.evidence).
      if (scenario.honestActions === 'relay' && (observation.history ?? 1) >= 2) expect(network.spec.equivariant!.evidence).toBeDefined();
      const observer = new Observer(scenario, observation);
      const rows = 16;
      const obs = binaryRows(rows, observer.size, 11);
      // A running input mean with many significant bits, as after training.
      network.trackInputMean(seededRows(rows, observer.size, 12), rows);
      const before = network.logitsAndValues(obs, rows);
      for (let trial = 0; trial < 6; trial++) {
        const position = shuffledPositions(scenario.n, 100 + trial);
        const renumbered = new Float32Array(obs.length);
        for (let r = 0; r < rows; r++) renumbered.set(renumberOthers(observer, obs.subarray(r * observer.size, (r + 1) * observer.size), position), r * observer.size);
        const after = network.logitsAndValues(renumbered, rows);
        expect(Array.from(after.logits), `renumbering ${position.join(',')}`).toEqual(Array.from(before.logits));
        expect(Array.from(after.values), `renumbering ${position.join(',')}`).toEqual(Array.from(before.values));
      }
    } finally {
      network.dispose();
    }
  });
});
